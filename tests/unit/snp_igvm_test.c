/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of tools/libmeasure/igvm_snp.c: the SNP launch digest of
 * IGVM files built here, the micro-vectors through the IGVM path, VMSA
 * placement, the loader switches (QEMU backends/igvm.c), and malformed files.
 */
#include <stdlib.h>
#include <string.h>

#include "igvm.h"
#include "igvm_snp.h"
#include "ovmf.h"
#include "snp.h"
#include "snp_vectors.h"
#include "test.h"
#include "util.h"
#include "vmsa.h"

#define SNP_MASK    IGVM_MASK_SNP
#define NATIVE_MASK IGVM_MASK_NATIVE

/* A builder with the SNP and/or NATIVE platform (NATIVE needs v2). */
static struct igvm_builder *ib_new(bool snp, bool native)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = SNP_MASK,
		.platform_type = IGVM_PLATFORM_SEV_SNP,
		.platform_version = 1,
	};
	struct igvm_builder *b = igvm_builder_new(native ? 2 : 1);
	int rc = 0;

	if (!b)
		return NULL;
	if (snp)
		rc |= igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p,
				       sizeof(p));
	p.compatibility_mask = NATIVE_MASK;
	p.platform_type = IGVM_PLATFORM_NATIVE;
	if (native)
		rc |= igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p,
				       sizeof(p));
	if (rc) {
		test_printf("  %s\n", igvm_builder_error(b));
		igvm_builder_free(b);
		return NULL;
	}
	return b;
}

/* Writes and frees b; NULL (and a message) on failure. */
static uint8_t *ib_write(struct igvm_builder *b, int rc, size_t *len)
{
	uint8_t *out = NULL;

	if (!b)
		return NULL;
	if (rc || igvm_builder_write(b, &out, len)) {
		test_printf("  builder: %s\n", igvm_builder_error(b));
		out = NULL;
	}
	igvm_builder_free(b);
	return out;
}

static int measure_igvm(const uint8_t *file, size_t len,
			const struct igvm_snp_opts *o, uint8_t *ld, char *err)
{
	uint8_t *copy = dup_bytes(file, len);
	int rc = copy ? igvm_snp_measure_buf(copy, len, o, ld, err) : -2;

	free(copy);
	return rc;
}

/*
 * One page per file, measured without VMSAs: the sev-snp-measure 0.0.13 GCTX
 * micro-vectors.
 */
static bool igvm_page_is(uint64_t gpa, uint32_t flags, uint16_t type,
			 const uint8_t *data, bool native_zero,
			 const char *want)
{
	struct igvm_builder *b = ib_new(true, false);
	struct igvm_snp_opts o = {.native_zero = native_zero,
				  .vmsa_header_gpa = true};
	uint8_t ld[SNP_LD_SIZE];
	char err[IGVM_SNP_ERR_LEN];
	int rc = b ? igvm_builder_page_data(b, gpa, SNP_MASK, flags, type, data,
					    data ? PAGE : 0)
		   : -1;
	size_t len = 0;
	uint8_t *f = ib_write(b, rc, &len);
	bool ok = f && !measure_igvm(f, len, &o, ld, err) && ld_is(ld, want);

	free(f);
	return ok;
}

TEST(snp_igvm, micro_vectors)
{
	uint8_t page[PAGE];
	struct igvm_builder *b;
	struct igvm_snp_opts o = {.vmsa_header_gpa = true};
	uint8_t ld[SNP_LD_SIZE];
	char err[IGVM_SNP_ERR_LEN];
	size_t len = 0;
	uint8_t *f;
	int rc;

	for (size_t i = 0; i < PAGE; i++)
		page[i] = (uint8_t)i;
	EXPECT_TRUE(igvm_page_is(0, 0, 0, NULL, false, LD_NORMAL_ZERO));
	EXPECT_TRUE(igvm_page_is(0, 0, 0, NULL, true, LD_ZERO));
	EXPECT_TRUE(igvm_page_is(0x1000, IGVM_PAGE_DATA_FLAG_UNMEASURED, 0,
				 NULL, false, LD_UNMEASURED));
	EXPECT_TRUE(igvm_page_is(0xfffff000, 0, 0, page, false, LD_PATTERN));
	EXPECT_TRUE(igvm_page_is(0xfffff000, 0, 0, page, true, LD_PATTERN));
	for (uint16_t cpuid = IGVM_PAGE_DATA_TYPE_CPUID_DATA;
	     cpuid <= IGVM_PAGE_DATA_TYPE_CPUID_XF; cpuid++) {
		b = ib_new(true, false);
		ASSERT_TRUE(b != NULL);
		rc = igvm_builder_page_data(b, 0x80d000, SNP_MASK, 0,
					    IGVM_PAGE_DATA_TYPE_SECRETS, NULL,
					    0) |
		     igvm_builder_page_data(b, 0x80e000, SNP_MASK, 0, cpuid,
					    NULL, 0);
		f = ib_write(b, rc, &len);
		ASSERT_TRUE(f != NULL);
		ASSERT_EQ(measure_igvm(f, len, &o, ld, err), 0);
		EXPECT_TRUE(ld_is(ld, LD_SECRETS_CPUID));
		free(f);
	}
}

/* The pattern page then the BSP VMSA: chained onto LD_PATTERN. */
TEST(snp_igvm, vmsa_measured_last_at_kvm_gpa)
{
	uint8_t page[PAGE], vmsa[VMSA_SIZE], h[SNP_LD_SIZE], ld[SNP_LD_SIZE];
	uint8_t seed[SNP_LD_SIZE];
	struct igvm_snp_opts o = {0};
	char err[IGVM_SNP_ERR_LEN];
	struct snp_ctx c;
	size_t len = 0;
	struct igvm_builder *b = ib_new(true, false);
	uint8_t *f;
	int rc;

	ASSERT_TRUE(b != NULL);
	for (size_t i = 0; i < PAGE; i++)
		page[i] = (uint8_t)i;
	ASSERT_EQ(vmsa_build(vmsa, VMSA_VMM_QEMU, 0xfffffff0u, EPYC_V4, 1), 0);
	/* The VP_CONTEXT comes first in the file; KVM measures it last. */
	rc = igvm_builder_vp_context(b, 0x7000, SNP_MASK, 0, vmsa, VMSA_SIZE) |
	     igvm_builder_page_data(b, 0xfffff000, SNP_MASK, 0, 0, page, PAGE);
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(measure_igvm(f, len, &o, ld, err), 0);
	ASSERT_EQ(util_parse_hex(LD_PATTERN, seed, sizeof(seed)), 0);
	ASSERT_EQ(util_parse_hex(VMSA_BSP_HASH, h, sizeof(h)), 0);
	snp_init_seed(&c, seed);
	ASSERT_EQ(snp_update(&c, VMSA_GPA_, SNP_PAGE_TYPE_VMSA, h), 0);
	EXPECT_EQ(memcmp(ld, c.ld, SNP_LD_SIZE), 0);
	/* igvm crate order: in place, at the header GPA. */
	o.vmsa_header_gpa = true;
	ASSERT_EQ(measure_igvm(f, len, &o, ld, err), 0);
	snp_init(&c);
	ASSERT_EQ(snp_update(&c, 0x7000, SNP_PAGE_TYPE_VMSA, h), 0);
	ASSERT_EQ(snp_update_normal_page(&c, 0xfffff000, page), 0);
	EXPECT_EQ(memcmp(ld, c.ld, SNP_LD_SIZE), 0);
	free(f);
}

static uint8_t sem_data[4][PAGE];
static uint8_t sem_bsp[VMSA_SIZE], sem_ap[VMSA_SIZE];

/* Every directive kind, for both platforms; see the expect_* below. */
static uint8_t *semantics_file(size_t *len)
{
	struct igvm_builder *b = ib_new(true, true);
	struct igvm_vhs_parameter vpc = {.parameter_area_index = 0};
	struct igvm_vhs_parameter_insert ins = {0x20000, SNP_MASK, 0};
	int rc = 0;

	for (unsigned int i = 0; i < 4; i++)
		fill_pattern(sem_data[i], PAGE, i + 1);
	if (!b || vmsa_build(sem_bsp, VMSA_VMM_QEMU, 0xfffffff0u, EPYC_V4, 1) ||
	    vmsa_build(sem_ap, VMSA_VMM_QEMU, AP_EIP, EPYC_V4, 1))
		return ib_write(b, -1, len);
	rc |= igvm_builder_parameter_area(b, 0, 2 * PAGE, NULL);
	rc |= igvm_builder_add(b, IGVM_VHT_VP_COUNT_PARAMETER, &vpc,
			       sizeof(vpc));
	rc |= igvm_builder_page_data(b, 0x5000, NATIVE_MASK, 0, 0, sem_data[3],
				     PAGE);
	rc |= igvm_builder_page_data(b, 0x10000, SNP_MASK, 0, 0, sem_data[0],
				     PAGE);
	rc |= igvm_builder_page_data(b, 0x11000, SNP_MASK, 0, 0, sem_data[1],
				     PAGE);
	rc |= igvm_builder_page_data(b, 0x12000, SNP_MASK, 0, 0, NULL, 0);
	rc |= igvm_builder_page_data(b, 0x13000, SNP_MASK,
				     IGVM_PAGE_DATA_FLAG_SHARED, 0, sem_data[2],
				     PAGE);
	rc |= igvm_builder_page_data(b, 0x14000, SNP_MASK,
				     IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, NULL,
				     0);
	rc |= igvm_builder_page_data(b, 0x15000, SNP_MASK, 0,
				     IGVM_PAGE_DATA_TYPE_SECRETS, NULL, 0);
	rc |= igvm_builder_page_data(b, 0x16000, SNP_MASK, 0,
				     IGVM_PAGE_DATA_TYPE_CPUID_XF, NULL, 0);
	rc |= igvm_builder_vp_context(b, VMSA_GPA_, SNP_MASK, 0, sem_bsp,
				      VMSA_SIZE);
	rc |= igvm_builder_vp_context(b, VMSA_GPA_ - PAGE, SNP_MASK, 1, sem_ap,
				      VMSA_SIZE);
	rc |= igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins, sizeof(ins));
	rc |= igvm_builder_page_data(b, 0x30000, SNP_MASK | NATIVE_MASK, 0, 0,
				     sem_data[3], PAGE);
	return ib_write(b, rc, len);
}

/* The pages of semantics_file() up to the VMSAs, as QEMU adds them. */
static int expect_pages(struct snp_ctx *c, const struct igvm_snp_opts *o,
			bool vmsa_in_place)
{
	int rc = 0;

	rc |= snp_update_normal_pages(c, 0x10000, sem_data[0], PAGE);
	rc |= snp_update_normal_pages(c, 0x11000, sem_data[1], PAGE);
	if (o->native_zero)
		rc |= snp_update_zero_pages(c, 0x12000, PAGE);
	else
		rc |= snp_update_normal_pages(c, 0x12000, (uint8_t[PAGE]){0},
					      PAGE);
	if (!o->skip_shared)
		rc |= snp_update_normal_pages(c, 0x13000, sem_data[2], PAGE);
	rc |= snp_update_unmeasured_pages(c, 0x14000, PAGE);
	rc |= snp_update_secrets_page(c, 0x15000);
	rc |= snp_update_cpuid_page(c, 0x16000);
	if (vmsa_in_place) {
		rc |= snp_update_vmsa_page(c, VMSA_GPA_, sem_bsp);
		if (!o->bsp_only)
			rc |= snp_update_vmsa_page(c, VMSA_GPA_ - PAGE, sem_ap);
	}
	rc |= snp_update_unmeasured_pages(
		c, 0x20000, o->param_first_page_only ? PAGE : 2 * PAGE);
	rc |= snp_update_normal_pages(c, 0x30000, sem_data[3], PAGE);
	return rc;
}

static bool semantics_match(const uint8_t *f, size_t len,
			    const struct igvm_snp_opts *o,
			    const uint8_t *const *vmsas, unsigned int n)
{
	uint8_t ld[SNP_LD_SIZE];
	char err[IGVM_SNP_ERR_LEN];
	struct snp_ctx c;
	int rc;

	snp_init(&c);
	rc = expect_pages(&c, o, o->vmsa_header_gpa);
	for (unsigned int i = 0; i < n; i++)
		rc |= snp_update_vmsa_page(&c, VMSA_GPA_, vmsas[i]);
	if (rc || measure_igvm(f, len, o, ld, err)) {
		test_printf("  %s\n", rc ? "expectation failed" : err);
		return false;
	}
	return !memcmp(ld, c.ld, SNP_LD_SIZE);
}

TEST(snp_igvm, loader_switches)
{
	const uint8_t *two[] = {sem_bsp, sem_ap};
	const uint8_t *four[] = {sem_bsp, sem_ap, sem_bsp, sem_bsp};
	struct igvm_snp_opts qemu = {0};
	struct igvm_snp_opts all = {.native_zero = true,
				    .skip_shared = true,
				    .param_first_page_only = true,
				    .vcpus = 4,
				    .threads = 2};
	struct igvm_snp_opts bsp = {.bsp_only = true, .vcpus = 8};
	struct igvm_snp_opts crate = {.vmsa_header_gpa = true};
	struct igvm_snp_opts crate_bsp = {
		.vmsa_header_gpa = true, .bsp_only = true, .skip_shared = true};
	size_t len = 0;
	uint8_t *f = semantics_file(&len);

	ASSERT_TRUE(f != NULL);
	/* QEMU: vCPUs 0..max vp_index, each its own context. */
	EXPECT_TRUE(semantics_match(f, len, &qemu, two, 2));
	EXPECT_TRUE(semantics_match(f, len, &all, four, 4));
	EXPECT_TRUE(semantics_match(f, len, &bsp, two, 1));
	EXPECT_TRUE(semantics_match(f, len, &crate, NULL, 0));
	EXPECT_TRUE(semantics_match(f, len, &crate_bsp, NULL, 0));
	free(f);
}

TEST(snp_igvm, errors)
{
	uint8_t vmsa[VMSA_SIZE] = {1}, ld[SNP_LD_SIZE];
	char err[IGVM_SNP_ERR_LEN] = "";
	struct igvm_snp_opts o = {.vcpus = 2};
	struct igvm_builder *b;
	size_t len = 0;
	uint8_t *f;
	int rc;

	/* No SNP platform. */
	b = ib_new(false, true);
	ASSERT_TRUE(b != NULL);
	rc = igvm_builder_page_data(b, 0, NATIVE_MASK, 0, 0, NULL, 0);
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(measure_igvm(f, len, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "no SEV-SNP platform") != NULL);
	free(f);
	/* No VMSA for vCPU 0 to stand in for vCPU 1 ... */
	b = ib_new(true, false);
	ASSERT_TRUE(b != NULL);
	rc = igvm_builder_page_data(b, 0, SNP_MASK, 0, 0, NULL, 0);
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(measure_igvm(f, len, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "no SEV-SNP VP_CONTEXT") != NULL);
	free(f);
	b = ib_new(true, false);
	ASSERT_TRUE(b != NULL);
	rc = igvm_builder_vp_context(b, VMSA_GPA_, SNP_MASK, 1, vmsa, PAGE);
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(measure_igvm(f, len, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "no VP_CONTEXT for vCPU 0") != NULL);
	free(f);
	/* ... and two contexts for one vCPU. */
	b = ib_new(true, false);
	ASSERT_TRUE(b != NULL);
	rc = igvm_builder_vp_context(b, VMSA_GPA_, SNP_MASK, 0, vmsa, PAGE) |
	     igvm_builder_vp_context(b, VMSA_GPA_, SNP_MASK, 0, vmsa, 8);
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(measure_igvm(f, len, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "a second context for vCPU 0") != NULL);
	free(f);
	EXPECT_EQ(igvm_snp_measure_buf((const uint8_t *)"IGVM", 4, &o, ld, err),
		  -1);
}

/* Truncated and bit-flipped files: an error or a digest, never a crash. */
TEST(snp_igvm, malformed_files)
{
	struct igvm_snp_opts o = {0};
	uint8_t ld[SNP_LD_SIZE];
	char err[IGVM_SNP_ERR_LEN];
	size_t len = 0, measured = 0;
	uint8_t *f = semantics_file(&len);

	ASSERT_TRUE(f != NULL);
	for (size_t l = 0; l < len; l += (l < 1024 ? 1 : 61))
		EXPECT_EQ(measure_igvm(f, l, &o, ld, err), -1);
	for (size_t at = 0; at < len; at += 7) {
		uint8_t keep = f[at];

		f[at] ^= (uint8_t)(0x80 >> (at % 8));
		if (!measure_igvm(f, len, &o, ld, err))
			measured++;
		f[at] = keep;
	}
	EXPECT_GT(measured, 0); /* flips in file data change only the LD */
	free(f);
}

/* 300 pages of contiguous data: one parallel run = page by page. */
TEST(snp_igvm, contiguous_run_equals_page_by_page)
{
	const size_t n = 300;
	uint8_t *data = malloc(n * PAGE), ld[SNP_LD_SIZE];
	struct igvm_snp_opts o = {.vmsa_header_gpa = true, .threads = 3};
	struct igvm_builder *b = ib_new(true, false);
	char err[IGVM_SNP_ERR_LEN];
	struct snp_ctx c;
	size_t len = 0;
	uint8_t *f;
	int rc = 0;

	ASSERT_TRUE(data != NULL && b != NULL);
	fill_pattern(data, n * PAGE, 9);
	snp_init(&c);
	for (size_t i = 0; i < n; i++) {
		rc |= igvm_builder_page_data(b, 0x800000 + i * PAGE, SNP_MASK,
					     0, 0, data + i * PAGE, PAGE);
		rc |= snp_update_normal_page(&c, 0x800000 + i * PAGE,
					     data + i * PAGE);
	}
	f = ib_write(b, rc, &len);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(measure_igvm(f, len, &o, ld, err), 0);
	EXPECT_EQ(memcmp(ld, c.ld, SNP_LD_SIZE), 0);
	free(f);
	free(data);
}

/*
 * Parses f and counts its unmeasured pages with data; -1 if it does not parse.
 */
static long unmeasured_pages(const uint8_t *f, size_t len)
{
	struct igvm_file p;
	char err[IGVM_ERR_LEN];
	long n;

	if (!f || igvm_parse(f, len, &p, err))
		return -1;
	n = (long)igvm_snp_unmeasured_data_pages(&p);
	igvm_file_free(&p);
	return n;
}

/*
 * The data `sign` refuses to endorse: UNMEASURED pages and inserted
 * parameter areas that carry non-zero data for the SEV-SNP platform.
 */
TEST(snp_igvm, unmeasured_data_pages)
{
	static uint8_t data[2 * PAGE];
	struct igvm_vhs_parameter_insert ins = {0x20000, SNP_MASK, 0};
	struct igvm_builder *b;
	uint8_t *f;
	size_t len = 0;
	int rc;

	fill_pattern(data, sizeof(data), 7);
	/* Data on an UNMEASURED page, on each platform. */
	b = ib_new(true, true);
	rc = b ? igvm_builder_page_data(b, 0x1000, SNP_MASK,
					IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, data,
					PAGE)
	       : -1;
	f = ib_write(b, rc, &len);
	EXPECT_EQ(unmeasured_pages(f, len), 1);
	free(f);
	b = ib_new(true, true);
	rc = b ? igvm_builder_page_data(b, 0x1000, NATIVE_MASK,
					IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, data,
					PAGE)
	       : -1;
	f = ib_write(b, rc, &len);
	EXPECT_EQ(unmeasured_pages(f, len), 0); /* not the SNP platform */
	free(f);
	/* An UNMEASURED page without data, and measured pages: nothing. */
	b = ib_new(true, false);
	rc = b ? igvm_builder_page_data(b, 0x1000, SNP_MASK,
					IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, NULL,
					0) |
			     igvm_builder_page_data(b, 0x2000, SNP_MASK, 0, 0,
						    data, PAGE)
	       : -1;
	f = ib_write(b, rc, &len);
	EXPECT_EQ(unmeasured_pages(f, len), 0);
	free(f);
	/* A two-page parameter area with initial data, inserted. */
	b = ib_new(true, false);
	rc = b ? igvm_builder_parameter_area(b, 0, 2 * PAGE, data) |
			     igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT,
					      &ins, sizeof(ins))
	       : -1;
	f = ib_write(b, rc, &len);
	EXPECT_EQ(unmeasured_pages(f, len), 2);
	free(f);
	/* The same area without data: nothing. */
	b = ib_new(true, false);
	rc = b ? igvm_builder_parameter_area(b, 0, 2 * PAGE, NULL) |
			     igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT,
					      &ins, sizeof(ins))
	       : -1;
	f = ib_write(b, rc, &len);
	EXPECT_EQ(unmeasured_pages(f, len), 0);
	free(f);
}
