/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the SEV-SNP side of the IGVM builder (build.c): both
 * platforms in one file, the guest policy, the SNP-only secrets and CPUID
 * pages, guest firmware at the top of 4 GiB, the launch VMSA checked field
 * by field (APM vol. 2, Table B-4 offsets in include/abi/snp_vmsa.h), and
 * the version metadata in the measured boot-info page.
 */
#include <stdlib.h>
#include <string.h>

#include "abi/snp_vmsa.h"

#include "launcher_helpers.h"
#include "test.h"

#define FW_SIZE	     (64 * PG)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct build_options snp_options(void)
{
	struct build_options o = lfix_default_options();

	o.snp = true;
	o.policy = 0x30000;
	o.guest_svn = 42;
	for (int i = 0; i < 16; i++) {
		o.family_id[i] = (uint8_t)(0xf0 + i);
		o.image_id[i] = (uint8_t)i;
	}
	return o;
}

/*
 * The index of the first header of `type` (a platform, policy, page-data or
 * VP-context header) whose compatibility mask includes `mask`, or -1. The
 * mask is the first field of a platform header and at offset 8 in the
 * others (igvm_defs 0.4.0, IGVM_VHS_*).
 */
static int find(const struct igvm_file *f, uint32_t type, uint32_t mask,
		int from)
{
	unsigned int off = type == IGVM_VHT_SUPPORTED_PLATFORM ? 0 : 8;

	for (size_t i = (size_t)from; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		uint32_t m;

		if (h->type != type || h->length < off + 4)
			continue;
		memcpy(&m, h->body + off, sizeof(m));
		if (m & mask)
			return (int)i;
	}
	return -1;
}

TEST(build_snp, two_platforms_and_policy)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	struct igvm_vhs_supported_platform sp;
	struct igvm_vhs_guest_policy gp;
	struct built b;
	int i;

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	EXPECT_EQ(b.f.platform_masks, IGVM_MASK_NATIVE | IGVM_MASK_SNP);
	i = find(&b.f, IGVM_VHT_SUPPORTED_PLATFORM, IGVM_MASK_SNP, 0);
	ASSERT_GE(i, 0);
	ASSERT_EQ(igvm_vhdr_get(&b.f.headers[i], &sp, sizeof(sp)), 0);
	EXPECT_EQ(sp.platform_type, IGVM_PLATFORM_SEV_SNP);
	EXPECT_EQ(sp.highest_vtl, 2);
	EXPECT_EQ(sp.shared_gpa_boundary, 0);
	i = find(&b.f, IGVM_VHT_GUEST_POLICY, IGVM_MASK_SNP, 0);
	ASSERT_GE(i, 0);
	ASSERT_EQ(igvm_vhdr_get(&b.f.headers[i], &gp, sizeof(gp)), 0);
	EXPECT_EQ(gp.policy, 0x30000);
	/* The image pages are shared by both platforms: one header each. */
	i = find(&b.f, IGVM_VHT_PAGE_DATA, IGVM_MASK_NATIVE, 0);
	ASSERT_GE(i, 0);
	EXPECT_EQ(find(&b.f, IGVM_VHT_PAGE_DATA, IGVM_MASK_SNP, 0), i);
	lfix_built_free(&b);
}

TEST(build_snp, secrets_and_cpuid_pages_are_snp_only)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	struct built b;
	int secrets = 0;
	int cpuid = 0;

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	for (size_t i = 0; i < b.f.header_count; i++) {
		struct igvm_vhs_page_data pd;

		if (b.f.headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&b.f.headers[i], &pd, sizeof(pd)))
			continue;
		if (pd.data_type == IGVM_PAGE_DATA_TYPE_SECRETS) {
			secrets++;
			EXPECT_EQ(pd.gpa, IMG_END + 4 * PG);
			EXPECT_EQ(pd.compatibility_mask, IGVM_MASK_SNP);
			EXPECT_EQ(pd.file_offset, 0);
		} else if (pd.data_type == IGVM_PAGE_DATA_TYPE_CPUID_DATA) {
			cpuid++;
			EXPECT_EQ(pd.gpa, IMG_END + 5 * PG);
			EXPECT_EQ(pd.compatibility_mask, IGVM_MASK_SNP);
		}
	}
	EXPECT_EQ(secrets, 1);
	EXPECT_EQ(cpuid, 1);
	lfix_built_free(&b);
}

TEST(build_snp, vmsa_field_by_field)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	struct igvm_vhs_vp_context vp;
	const uint8_t *v;
	struct built b;
	struct snp_vmsa s;
	uint8_t want[SNP_VMSA_SIZE] = {0};
	int i;

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	i = find(&b.f, IGVM_VHT_VP_CONTEXT, IGVM_MASK_SNP, 0);
	ASSERT_GE(i, 0);
	ASSERT_EQ(igvm_vhdr_get(&b.f.headers[i], &vp, sizeof(vp)), 0);
	EXPECT_EQ(vp.gpa, SNP_LAUNCH_VMSA_GPA);
	EXPECT_EQ(vp.vp_index, 0);
	EXPECT_EQ(vp.compatibility_mask, IGVM_MASK_SNP);
	v = igvm_file_data(&b.f, vp.file_offset, SNP_VMSA_SIZE);
	ASSERT_TRUE(v != NULL);
	memcpy(&s, v, sizeof(s));
	/* Segments: selector, 12-bit attributes, limit, base. */
	EXPECT_EQ(s.cs.selector, 0x08);
	EXPECT_EQ(s.cs.attrib, 0xc9b);
	EXPECT_EQ(s.cs.limit, 0xffffffff);
	EXPECT_EQ(s.cs.base, 0);
	const struct snp_vmsa_seg *data_segs[] = {&s.es, &s.ss, &s.ds, &s.fs,
						  &s.gs};

	for (unsigned int i2 = 0; i2 < ARRAY_LEN(data_segs); i2++) {
		const struct snp_vmsa_seg *d = data_segs[i2];

		EXPECT_EQ(d->selector, 0x10);
		EXPECT_EQ(d->attrib, 0xc93);
		EXPECT_EQ(d->limit, 0xffffffff);
		EXPECT_EQ(d->base, 0);
	}
	EXPECT_EQ(s.ldtr.attrib, 0x82);
	EXPECT_EQ(s.tr.attrib, 0x8b);
	EXPECT_EQ(s.efer, SNP_EFER_SVME);
	EXPECT_EQ(s.cr0, 0x11);
	EXPECT_EQ(s.cr3, 0);
	EXPECT_EQ(s.cr4, 0);
	EXPECT_EQ(s.rflags, 2);
	EXPECT_EQ(s.rip, ENTRY);
	EXPECT_EQ(s.rsi, BOOT_INFO);
	EXPECT_EQ(s.sev_features, SNP_FEATURE_SNP_ACTIVE);
	EXPECT_EQ(s.g_pat, 0x0007040600070406ull);
	EXPECT_EQ(s.xcr0, 1);
	EXPECT_EQ(s.dr6, 0xffff0ff0);
	EXPECT_EQ(s.dr7, 0x400);
	EXPECT_EQ(s.mxcsr, 0x1f80);
	EXPECT_EQ(s.x87_fcw, 0x37f);
	/* Everything else is zero: clear the fields above, then compare. */
	memset(&s.es, 0, 6 * sizeof(s.es));
	s.ldtr = s.tr = (struct snp_vmsa_seg){0};
	s.efer = s.cr0 = s.dr7 = s.dr6 = s.rflags = s.rip = s.rsi = 0;
	s.g_pat = s.sev_features = s.xcr0 = 0;
	s.mxcsr = 0;
	s.x87_fcw = 0;
	memcpy(want, &s, sizeof(want));
	EXPECT_TRUE(lfix_all_zero(want, sizeof(want)));
	lfix_built_free(&b);
}

TEST(build_snp, firmware_ends_at_4g_and_metadata_is_measured)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	uint8_t *fw = malloc(FW_SIZE);
	struct csvsm_boot_info bi;
	struct built b;
	uint64_t fw_pages = 0;

	ASSERT_TRUE(fw != NULL);
	for (size_t i = 0; i < FW_SIZE; i++)
		fw[i] = (uint8_t)(i * 31 + 7);
	o.fw = fw;
	o.fw_size = FW_SIZE;
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		free(fw);
		return;
	}
	for (size_t i = 0; i < b.f.header_count; i++) {
		struct igvm_vhs_page_data pd;
		const uint8_t *d;

		if (b.f.headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&b.f.headers[i], &pd, sizeof(pd)) ||
		    pd.gpa < (1ull << 32) - FW_SIZE)
			continue;
		fw_pages++;
		EXPECT_EQ(pd.compatibility_mask, IGVM_MASK_SNP);
		d = igvm_file_data(&b.f, pd.file_offset, PG);
		EXPECT_TRUE(d &&
			    memcmp(d, fw + (pd.gpa - ((1ull << 32) - FW_SIZE)),
				   PG) == 0);
	}
	EXPECT_EQ(fw_pages, FW_SIZE / PG);
	/* The boot info records the firmware and the version metadata. */
	for (size_t i = 0; i < b.f.header_count; i++) {
		struct igvm_vhs_page_data pd;
		const uint8_t *d;

		if (b.f.headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&b.f.headers[i], &pd, sizeof(pd)) ||
		    pd.gpa != BOOT_INFO)
			continue;
		d = igvm_file_data(&b.f, pd.file_offset, sizeof(bi));
		ASSERT_TRUE(d != NULL);
		memcpy(&bi, d, sizeof(bi));
		EXPECT_EQ(bi.fw_gpa, (1ull << 32) - FW_SIZE);
		EXPECT_EQ(bi.fw_size, FW_SIZE);
		EXPECT_EQ(bi.guest_svn, 42);
		EXPECT_EQ(memcmp(bi.family_id, o.family_id, 16), 0);
		EXPECT_EQ(memcmp(bi.image_id, o.image_id, 16), 0);
	}
	lfix_built_free(&b);
	free(fw);
}

TEST(build_snp, rejects_reserved_policy_bits)
{
	static const uint64_t bad[] = {0, 0x10000, ~0ull,
				       0x30000 | (1ull << 26),
				       0x30000 | (1ull << 63)};
	struct kernel_elf k;
	struct build_options o = snp_options();
	uint8_t *out = NULL;
	size_t len = 0;
	char err[256];

	lfix_make_elf(&k);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.policy = bad[i];
		err[0] = '\0';
		EXPECT_NE(build_igvm(&o, k.b, sizeof(k.b), &out, &len, err,
				     sizeof(err)),
			  0);
		EXPECT_TRUE(strstr(err, "policy") != NULL);
		EXPECT_TRUE(out == NULL);
	}
	/* Every defined bit with bit 17 set is accepted. */
	o.policy = (1ull << 26) - 1;
	EXPECT_EQ(
		build_igvm(&o, k.b, sizeof(k.b), &out, &len, err, sizeof(err)),
		0);
	free(out);
}

TEST(build_snp, rejects_bad_firmware)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	static uint8_t fw[PG + 1];
	uint8_t *out = NULL;
	size_t len = 0;
	char err[256] = "";

	lfix_make_elf(&k);
	o.fw = fw;
	o.fw_size = sizeof(fw); /* not a page multiple */
	EXPECT_NE(
		build_igvm(&o, k.b, sizeof(k.b), &out, &len, err, sizeof(err)),
		0);
	EXPECT_TRUE(strstr(err, "firmware") != NULL);
	o.fw_size = PG;
	o.snp = false; /* firmware only makes sense with SNP */
	err[0] = '\0';
	EXPECT_NE(
		build_igvm(&o, k.b, sizeof(k.b), &out, &len, err, sizeof(err)),
		0);
	EXPECT_TRUE(strstr(err, "firmware") != NULL);
	EXPECT_TRUE(out == NULL);
}

TEST(build_snp, native_launch_ignores_snp_directives)
{
	struct kernel_elf k;
	struct build_options o = snp_options();
	struct load_plan *p = lfix_new_plan();
	struct machine m;
	struct built b;

	ASSERT_TRUE(p != NULL);
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		lfix_free_plan(p);
		return;
	}
	machine_init(&m, MACHINE_Q35, 256 * MB, 2);
	EXPECT_EQ(plan_build(&b.f, &m, "", p), 0);
	/* The SNP secrets page is not loaded on native. */
	EXPECT_TRUE(lfix_plan_at(p, IMG_END + 4 * PG, PG) == NULL);
	EXPECT_TRUE(lfix_plan_at(p, BOOT_INFO, PG) != NULL);
	lfix_free_plan(p);
	lfix_built_free(&b);
}
