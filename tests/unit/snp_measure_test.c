/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the SEV-SNP measurement library (tools/libmeasure: snp,
 * vmsa, ovmf, igvm_snp) against published values, byte for byte:
 * micro-vectors and VMSA hashes computed with sev-snp-measure 0.0.13's
 * GCTX and vmsa.py, its tests/test_guest.py vectors, the digests it
 * prints for Debian's OVMF.fd (the file is
 * installed by scripts/deps.sh, so its absence is a failure), every VMSA
 * field at its offset (AMD APM vol. 2, Table B-4) for every vCPU model and VMM,
 * and malformed
 * OVMF and IGVM input, which must give errors and never a crash (ASan).
 * Suites here: snp, snp_vmsa; snp_ovmf_test.c and snp_igvm_test.c hold the
 * others (`unit_tests snp` runs all).
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

bool ld_is(const uint8_t *ld, const char *hex)
{
	uint8_t want[SNP_LD_SIZE];
	char got[2 * SNP_LD_SIZE + 1];

	if (util_parse_hex(hex, want, sizeof(want)))
		return false;
	if (!memcmp(ld, want, sizeof(want)))
		return true;
	util_format_hex(ld, SNP_LD_SIZE, got);
	test_printf("  got  %s\n  want %s\n", got, hex);
	return false;
}

uint8_t *dup_bytes(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p)
		memcpy(p, src, len);
	return p;
}

void fill_pattern(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i + seed * 131 + (i >> 12) * 7);
}

/* ---- snp: PAGE_INFO chaining ---- */

TEST(snp, sha384_zero_page)
{
	static const uint8_t zero[PAGE];
	uint8_t h[SNP_LD_SIZE];

	ASSERT_EQ(snp_sha384(zero, sizeof(zero), h), 0);
	ASSERT_TRUE(ld_is(h, SHA384_ZERO_PAGE));
}

TEST(snp, micro_vectors)
{
	static const uint8_t zero[PAGE];
	uint8_t page[PAGE];
	struct snp_ctx c;

	snp_init(&c);
	ASSERT_EQ(snp_update_normal_page(&c, 0, zero), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_NORMAL_ZERO));
	snp_init(&c);
	ASSERT_EQ(snp_update_zero_pages(&c, 0, PAGE), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_ZERO));
	snp_init(&c);
	ASSERT_EQ(snp_update_unmeasured_pages(&c, 0x1000, PAGE), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_UNMEASURED));
	snp_init(&c);
	ASSERT_EQ(snp_update_secrets_page(&c, 0x80d000), 0);
	ASSERT_EQ(snp_update_cpuid_page(&c, 0x80e000), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_SECRETS_CPUID));
	for (size_t i = 0; i < PAGE; i++)
		page[i] = (uint8_t)i;
	snp_init(&c);
	ASSERT_EQ(snp_update_normal_pages(&c, 0xfffff000, page, PAGE), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_PATTERN));
}

/* The same steps through snp_update() with hand-made contents hashes. */
TEST(snp, update_primitive_matches_helpers)
{
	uint8_t h[SNP_LD_SIZE];
	struct snp_ctx c;

	ASSERT_EQ(util_parse_hex(SHA384_ZERO_PAGE, h, sizeof(h)), 0);
	snp_init(&c);
	ASSERT_EQ(snp_update(&c, 0, SNP_PAGE_TYPE_NORMAL, h), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_NORMAL_ZERO));
	snp_init(&c);
	ASSERT_EQ(snp_update(&c, 0, SNP_PAGE_TYPE_ZERO, NULL), 0);
	EXPECT_TRUE(ld_is(c.ld, LD_ZERO));
}

TEST(snp, bad_arguments)
{
	uint8_t page[2 * PAGE] = {0};
	struct snp_ctx c;

	snp_init(&c);
	EXPECT_EQ(snp_update(&c, 0x10, SNP_PAGE_TYPE_ZERO, NULL), SNP_ERR_ARG);
	EXPECT_EQ(snp_update(&c, 0, (enum snp_page_type)0, NULL), SNP_ERR_ARG);
	EXPECT_EQ(snp_update(&c, 0, (enum snp_page_type)7, NULL), SNP_ERR_ARG);
	EXPECT_EQ(snp_update_normal_pages(&c, 0, page, 100), SNP_ERR_ARG);
	EXPECT_EQ(snp_update_normal_pages(&c, 0x800, page, PAGE), SNP_ERR_ARG);
	EXPECT_EQ(snp_update_zero_pages(&c, ~0xfffull, 2 * PAGE), SNP_ERR_ARG);
	EXPECT_EQ(snp_update_unmeasured_pages(&c, 0, 1), SNP_ERR_ARG);
	/* Nothing above may have changed the digest. */
	for (size_t i = 0; i < SNP_LD_SIZE; i++)
		ASSERT_EQ(c.ld[i], 0);
	EXPECT_EQ(snp_update_normal_pages(&c, 0, NULL, 0), 0);
	EXPECT_TRUE(snp_strerror(SNP_ERR_CRYPTO)[0] != '\0');
}

/* Parallel hashing gives the page-by-page chain, across round borders. */
TEST(snp, normal_pages_parallel_equals_serial)
{
	static const size_t counts[] = {1, 31, 32, 33, 65, 257, 4096 + 3};
	static const unsigned int threads[] = {0, 1, 2, 3, 5};
	size_t max = 4096 + 3;
	uint8_t *data = malloc(max * PAGE);
	struct snp_ctx ref, c;

	ASSERT_TRUE(data != NULL);
	fill_pattern(data, max * PAGE, 3);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		snp_init(&ref);
		for (size_t p = 0; p < counts[i]; p++)
			ASSERT_EQ(snp_update_normal_page(&ref,
							 0x100000 + p * PAGE,
							 data + p * PAGE),
				  0);
		for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]);
		     t++) {
			snp_init(&c);
			c.threads = threads[t];
			ASSERT_EQ(snp_update_normal_pages(&c, 0x100000, data,
							  counts[i] * PAGE),
				  0);
			EXPECT_EQ(memcmp(c.ld, ref.ld, SNP_LD_SIZE), 0);
		}
	}
	free(data);
	EXPECT_GE(snp_online_cpus(), 1);
}

/*
 * ---- snp_vmsa: the VMSA page, field by field (AMD APM vol. 2, Table B-4;
 * sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py) ----
 */

struct field {
	uint16_t off;
	uint8_t size;
	uint64_t val;
};

struct fields {
	struct field f[64];
	size_t n;
};

static void put(struct fields *fs, uint16_t off, uint8_t size, uint64_t val)
{
	fs->f[fs->n++] = (struct field){off, size, val};
}

/*
 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py: a
 * segment slot {u16 selector, u16 attrib, u32 limit, u64 base}
 */
static void put_seg(struct fields *fs, uint16_t off, uint16_t sel,
		    uint16_t attr, uint32_t limit, uint64_t base)
{
	put(fs, off, 2, sel);
	put(fs, off + 2, 2, attr);
	put(fs, off + 4, 4, limit);
	put(fs, off + 8, 8, base);
}

/* Checks every listed field and that every other byte is zero. */
static bool vmsa_matches(const uint8_t *page, const struct fields *fs)
{
	bool covered[PAGE] = {false};
	bool ok = true;

	for (size_t i = 0; i < fs->n; i++) {
		uint64_t v = 0;

		memcpy(&v, page + fs->f[i].off, fs->f[i].size);
		if (v != fs->f[i].val) {
			test_printf("  VMSA +0x%03x: 0x%llx, want 0x%llx\n",
				    fs->f[i].off, (unsigned long long)v,
				    (unsigned long long)fs->f[i].val);
			ok = false;
		}
		for (size_t b = 0; b < fs->f[i].size; b++)
			covered[fs->f[i].off + b] = true;
	}
	for (size_t b = 0; b < PAGE; b++) {
		if (!covered[b] && page[b]) {
			test_printf("  VMSA +0x%03zx: 0x%02x, want 0\n", b,
				    page[b]);
			ok = false;
		}
	}
	return ok;
}

/*
 * The registers every VMSA flavour sets (AMD APM vol. 2, Table B-4;
 * sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py offsets).
 */
static void put_common(struct fields *fs, uint64_t cr0, uint64_t rip,
		       uint64_t g_pat, uint64_t rdx, uint64_t features,
		       uint32_t mxcsr, uint16_t fcw)
{
	put(fs, 0xd0, 8, 0x1000);      /* efer */
	put(fs, 0x148, 8, 0x40);       /* cr4 */
	put(fs, 0x158, 8, cr0);	       /* cr0 */
	put(fs, 0x160, 8, 0x400);      /* dr7 */
	put(fs, 0x168, 8, 0xffff0ff0); /* dr6 */
	put(fs, 0x170, 8, 2);	       /* rflags */
	put(fs, 0x178, 8, rip);	       /* rip */
	put(fs, 0x268, 8, g_pat);      /* g_pat */
	put(fs, 0x310, 8, rdx);	       /* rdx */
	put(fs, 0x3b0, 8, features);   /* sev_features */
	put(fs, 0x3e8, 8, 1);	       /* xcr0 */
	put(fs, 0x408, 4, mxcsr);      /* mxcsr */
	put(fs, 0x410, 2, fcw);	       /* x87_fcw */
}

/* sev-snp-measure vmsa.py, VMSA.build_save_area(), as facts. */
static void expect_reset(struct fields *fs, enum vmsa_vmm_type vmm,
			 uint32_t eip, uint64_t sig, uint64_t features)
{
	bool qemu = vmm == VMSA_VMM_QEMU, ec2 = vmm == VMSA_VMM_EC2;
	uint16_t cs = ec2 && eip == 0xfffffff0u ? 0x9a : 0x9b;

	fs->n = 0;
	put_seg(fs, 0x00, 0, 0x93, 0xffff, 0);			  /* es */
	put_seg(fs, 0x10, 0xf000, cs, 0xffff, eip & 0xffff0000u); /* cs */
	put_seg(fs, 0x20, 0, ec2 ? 0x92 : 0x93, 0xffff, 0);	  /* ss */
	put_seg(fs, 0x30, 0, 0x93, 0xffff, 0);			  /* ds */
	put_seg(fs, 0x40, 0, 0x93, 0xffff, 0);			  /* fs */
	put_seg(fs, 0x50, 0, 0x93, 0xffff, 0);			  /* gs */
	put_seg(fs, 0x60, 0, 0, 0xffff, 0);			  /* gdtr */
	put_seg(fs, 0x70, 0, 0x82, 0xffff, 0);			  /* ldtr */
	put_seg(fs, 0x80, 0, 0, 0xffff, 0);			  /* idtr */
	put_seg(fs, 0x90, 0, ec2 ? 0x83 : 0x8b, 0xffff, 0);	  /* tr */
	put_common(fs, 0x10, eip & 0xffff,
		   vmm == VMSA_VMM_GCE ? 0x70106 : 0x0007040600070406ull,
		   qemu ? sig : 0x600, features, qemu ? 0x1f80 : 0,
		   qemu ? 0x37f : 0);
}

TEST(snp_vmsa, published_page_hashes)
{
	uint8_t page[VMSA_SIZE], h[SNP_LD_SIZE];

	ASSERT_EQ(vmsa_build(page, VMSA_VMM_QEMU, 0xfffffff0u, EPYC_V4, 1), 0);
	ASSERT_EQ(snp_sha384(page, sizeof(page), h), 0);
	EXPECT_TRUE(ld_is(h, VMSA_BSP_HASH));
	ASSERT_EQ(vmsa_build(page, VMSA_VMM_QEMU, AP_EIP, EPYC_V4, 1), 0);
	ASSERT_EQ(snp_sha384(page, sizeof(page), h), 0);
	EXPECT_TRUE(ld_is(h, VMSA_AP_HASH));
}

TEST(snp_vmsa, cpu_signatures)
{
	/* family/model/stepping encoded by hand (AMD CPUID spec 25481). */
	static const struct {
		const char *name;
		uint32_t sig;
	} want[] = {
		{"EPYC", 0x800f12},	     {"EPYC-v1", 0x800f12},
		{"EPYC-v2", 0x800f12},	     {"EPYC-IBPB", 0x800f12},
		{"EPYC-v3", 0x800f12},	     {"EPYC-v4", 0x800f12},
		{"EPYC-Rome", 0x830f10},     {"EPYC-Rome-v1", 0x830f10},
		{"EPYC-Rome-v2", 0x830f10},  {"EPYC-Rome-v3", 0x830f10},
		{"EPYC-Milan", 0xa00f11},    {"EPYC-Milan-v1", 0xa00f11},
		{"EPYC-Milan-v2", 0xa00f11}, {"EPYC-Genoa", 0xa10f10},
		{"EPYC-Genoa-v1", 0xa10f10}, {"EPYC-Turin", 0xb00f00},
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	uint32_t sig;

	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(vmsa_cpu_sig_by_name(want[i].name, &sig), 0);
		EXPECT_EQ(sig, want[i].sig);
		EXPECT_TRUE(vmsa_cpu_type_name(i) != NULL);
	}
	EXPECT_TRUE(vmsa_cpu_type_name(n) == NULL);
	EXPECT_EQ(vmsa_cpu_sig_by_name("EPYC-v5", &sig), -1);
	EXPECT_EQ(vmsa_cpu_sig_by_name("epyc", &sig), -1);
	EXPECT_EQ(vmsa_cpu_sig(6, 0x55, 7), 0x50657);
	EXPECT_EQ(vmsa_cpu_sig(0xf + 0xff, 0xff, 0xff), 0xfff0fff);
}

/* Every vCPU model x VMM x BSP/AP x features: each field, rest zero. */
TEST(snp_vmsa, fields_for_every_type_and_vmm)
{
	static const enum vmsa_vmm_type vmms[] = {VMSA_VMM_QEMU, VMSA_VMM_EC2,
						  VMSA_VMM_GCE};
	static const uint32_t eips[] = {0xfffffff0u, AP_EIP};
	static const uint64_t features[] = {0x1, 0x21, 0};
	uint8_t page[VMSA_SIZE];
	struct fields fs;
	const char *name;
	uint32_t sig;

	for (size_t t = 0; (name = vmsa_cpu_type_name(t)); t++) {
		ASSERT_EQ(vmsa_cpu_sig_by_name(name, &sig), 0);
		for (size_t v = 0; v < 3; v++)
			for (size_t e = 0; e < 2; e++)
				for (size_t f = 0; f < 3; f++) {
					ASSERT_EQ(vmsa_build(page, vmms[v],
							     eips[e], sig,
							     features[f]),
						  0);
					expect_reset(&fs, vmms[v], eips[e], sig,
						     features[f]);
					ASSERT_TRUE(vmsa_matches(page, &fs));
				}
	}
	EXPECT_EQ(vmsa_build(page, (enum vmsa_vmm_type)0, 0, 0, 0), -1);
	EXPECT_EQ(vmsa_build(page, (enum vmsa_vmm_type)4, 0, 0, 0), -1);
}

TEST(snp_vmsa, svsm_flavour_fields)
{
	uint8_t page[VMSA_SIZE];
	struct fields fs = {.n = 0};

	vmsa_build_svsm(page, 0xffd00000ull, EPYC_V4, 1);
	put_seg(&fs, 0x00, 16, 0xc93, 0xffffffff, 0); /* es */
	put_seg(&fs, 0x10, 8, 0xc9b, 0xffffffff, 0);  /* cs */
	put_seg(&fs, 0x20, 16, 0xc93, 0xffffffff, 0); /* ss */
	put_seg(&fs, 0x30, 16, 0xc93, 0xffffffff, 0); /* ds */
	put_seg(&fs, 0x40, 16, 0xc93, 0xffffffff, 0); /* fs */
	put_seg(&fs, 0x50, 0, 0x93, 0xffff, 0);	      /* gs */
	put_seg(&fs, 0x60, 0, 0, 0xffff, 0);
	put_seg(&fs, 0x70, 0, 0x82, 0xffff, 0);
	put_seg(&fs, 0x80, 0, 0, 0xffff, 0);
	put_seg(&fs, 0x90, 0, 0x8b, 0xffff, 0);
	/*
	 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
	 * sevsnpmeasure/vmsa.py: cr0 0x11, sev_features 1, x87_fcw 0 (the
	 * quirk).
	 */
	put_common(&fs, 0x11, 0xffd00000ull, 0x0007040600070406ull, EPYC_V4, 1,
		   0x1f80, 0);
	EXPECT_TRUE(vmsa_matches(page, &fs));
}

TEST(snp_vmsa, vmm_names)
{
	enum vmsa_vmm_type t;

	ASSERT_EQ(vmsa_vmm_type_by_name("QEMU", &t), 0);
	EXPECT_EQ(t, VMSA_VMM_QEMU);
	ASSERT_EQ(vmsa_vmm_type_by_name("ec2", &t), 0);
	EXPECT_EQ(t, VMSA_VMM_EC2);
	ASSERT_EQ(vmsa_vmm_type_by_name("gce", &t), 0);
	EXPECT_EQ(t, VMSA_VMM_GCE);
	EXPECT_EQ(vmsa_vmm_type_by_name("qemu", &t), -1);
	EXPECT_EQ(vmsa_vmm_type_by_name("", &t), -1);
}

/*
 * ---- snp_ovmf: Debian's OVMF.fd (sev-snp-measure 0.0.13 on Debian OVMF.fd)
 * and malformed images ----
 */

/* Reads a file into an exact-size buffer (so ASan sees any overrun). */
