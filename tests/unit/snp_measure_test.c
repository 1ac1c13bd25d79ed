/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the SEV-SNP measurement library (tools/libmeasure: snp,
 * vmsa, ovmf, igvm_snp) against published values, byte for byte:
 * the micro-vectors and VMSA hashes of shared/reference/
 * igvm-and-measurement.md §6, the Debian OVMF.fd digests of §5 (the file is
 * installed by scripts/deps.sh, so its absence is a failure), every VMSA
 * field at its §2.3 offset for every vCPU model and VMM, and malformed
 * OVMF and IGVM input, which must give errors and never a crash (ASan).
 * Suites: snp, snp_vmsa, snp_ovmf, snp_igvm (`unit_tests snp` runs all).
 */
#include <stdlib.h>
#include <string.h>

#include "igvm.h"
#include "igvm_snp.h"
#include "ovmf.h"
#include "snp.h"
#include "test.h"
#include "util.h"
#include "vmsa.h"

#define PAGE	  4096u
#define OVMF_FD	  "/usr/share/ovmf/OVMF.fd"
#define OVMF_4M	  "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define AP_EIP	  0x80b004u /* Debian OVMF.fd's SEV-ES reset block */
#define EPYC_V4	  0x800f12u
#define VMSA_GPA_ 0xFFFFFFFFF000ull

/* ref §6 micro-vectors, LD from zeros. */
#define LD_NORMAL_ZERO \
	"9d13634b6014bb21cf059b2dc694e7bff01a8a7137041100cd2b695f3d10fb687267b97808b27f8f471d943bc6f53a20"
#define LD_ZERO \
	"70c0ecaab9608f14ebf8ac6f0f07bcd8728f4e2ab30382b539b4de4de904ca9f8ebdf4b2cd3cd84dd996bd55dd794676"
#define LD_UNMEASURED \
	"81475a112c0223cebe1ccb31a0aa2567772871200b33515a3cbbd5ed6a68a8e630902dd83469ea6553554bfb67111fad"
#define LD_SECRETS_CPUID \
	"064437dca682d8e07f90f072239b2ede35643f69eb57bbfbe4c473b578a6d21fff2e3c5d73c5ec8045cd13590ed7872e"
#define LD_PATTERN \
	"79d7e453f7b541d04f7f51cccc6f4acca624b7a97430595dd7c98bd8c7a897656a91c611473f137680bd00e9e72e47c4"
#define SHA384_ZERO_PAGE \
	"c0e59a3e3ffbd3b5c75428fb36432facabc745944296ff515f737c4fef4efc64586809f7a16f56354a1eaecf2aa8d774"
#define VMSA_BSP_HASH \
	"77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b3856f55378e9518d0da99452d51c553a"
#define VMSA_AP_HASH \
	"8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe96222657e11e53fcf63eb0e0afd722385bf7b4"
/* ref §5: Debian OVMF.fd (2022.11-6+deb12u2). */
#define LD_DEB_SNP \
	"11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3"
#define LD_DEB_HASH \
	"ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183bfbcd75c3e99b2f558575a5d0094f73c6"
#define LD_DEB_MILAN4 \
	"e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790db2d12a301d66d99a462a13b5d87e2840"

/* Compares 48 bytes with a hex string; prints both on a mismatch. */
static bool ld_is(const uint8_t *ld, const char *hex)
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

static void fill_pattern(uint8_t *p, size_t len, unsigned int seed)
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

/* ---- snp_vmsa: the VMSA page, field by field (ref §2.3) ---- */

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

/* ref §2.3: a segment slot {u16 selector, u16 attrib, u32 limit, u64 base} */
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

/* The registers every VMSA flavour sets (ref §2.3 offsets). */
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
	/* ref §2.3: cr0 0x11, sev_features 1, x87_fcw 0 (the quirk). */
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

/* ---- snp_ovmf: Debian's OVMF.fd (ref §5) and malformed images ---- */

/* Reads a file into an exact-size buffer (so ASan sees any overrun). */
static uint8_t *load(const char *path, size_t *size)
{
	char err[256];
	uint8_t *buf = util_read_file(path, 64u << 20, size, err, sizeof(err));

	if (!buf)
		test_printf("  %s (installed by scripts/deps.sh)\n", err);
	return buf;
}

static uint8_t *dup_bytes(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p)
		memcpy(p, src, len);
	return p;
}

static int measure_snp(const struct ovmf_image *img, unsigned int vcpus,
		       uint32_t sig, uint64_t features, uint8_t *ld)
{
	struct ovmf_snp_opts o = {.vmm = VMSA_VMM_QEMU,
				  .vcpus = vcpus,
				  .vcpu_sig = sig,
				  .guest_features = features};
	char err[OVMF_ERR_LEN];
	int rc = ovmf_snp_measure(img, &o, ld, err);

	if (rc)
		test_printf("  %s\n", err);
	return rc;
}

TEST(snp_ovmf, debian_ovmf_vectors)
{
	struct ovmf_image img;
	uint8_t ld[SNP_LD_SIZE], seed[SNP_LD_SIZE];
	char err[OVMF_ERR_LEN];
	size_t size = 0;
	uint8_t *buf = load(OVMF_FD, &size);
	struct ovmf_snp_opts o = {.vmm = VMSA_VMM_QEMU,
				  .vcpus = 1,
				  .vcpu_sig = EPYC_V4,
				  .guest_features = 1};

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(ovmf_parse(buf, size, OVMF_FOUR_GB, &img, err), 0);
	ASSERT_EQ(ovmf_snp_ovmf_hash(&img, 0, ld, err), 0);
	EXPECT_TRUE(ld_is(ld, LD_DEB_HASH));
	ASSERT_EQ(measure_snp(&img, 1, EPYC_V4, 0x1, ld), 0);
	EXPECT_TRUE(ld_is(ld, LD_DEB_SNP));
	ASSERT_EQ(measure_snp(&img, 4, 0xa00f11, 0x1, ld), 0);
	EXPECT_TRUE(ld_is(ld, LD_DEB_MILAN4));
	/* --snp-ovmf-hash: seeding with the OVMF hash gives the same LD. */
	ASSERT_EQ(util_parse_hex(LD_DEB_HASH, seed, sizeof(seed)), 0);
	o.ovmf_hash = seed;
	o.threads = 1;
	ASSERT_EQ(ovmf_snp_measure(&img, &o, ld, err), 0);
	EXPECT_TRUE(ld_is(ld, LD_DEB_SNP));
	free(buf);
}

TEST(snp_ovmf, debian_ovmf_structure)
{
	static const struct ovmf_sev_section want[] = {
		{0x800000, 0x9000, 1},	{0x80a000, 0x3000, 1},
		{0x80d000, 0x1000, 2},	{0x80e000, 0x1000, 3},
		{0x80f000, 0x11000, 1},
	};
	struct ovmf_image img;
	uint8_t guid[OVMF_GUID_SIZE];
	char err[OVMF_ERR_LEN];
	uint32_t eip = 0;
	size_t size = 0, len = 0;
	uint8_t *buf = load(OVMF_FD, &size);

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(ovmf_parse(buf, size, OVMF_FOUR_GB, &img, err), 0);
	EXPECT_EQ(img.gpa, OVMF_FOUR_GB - size);
	ASSERT_TRUE(img.has_sev_metadata);
	ASSERT_EQ(img.section_count, 5);
	for (uint32_t i = 0; i < 5; i++) {
		struct ovmf_sev_section s = ovmf_sev_section_get(&img, i);

		EXPECT_EQ(s.gpa, want[i].gpa);
		EXPECT_EQ(s.size, want[i].size);
		EXPECT_EQ(s.type, want[i].type);
	}
	ASSERT_EQ(ovmf_sev_es_reset_eip(&img, &eip, err), 0);
	EXPECT_EQ(eip, AP_EIP);
	EXPECT_FALSE(ovmf_sev_hashes_supported(&img)); /* its GPA is 0 */
	/* The TDX metadata entry, found through the generic lookup. */
	ASSERT_EQ(ovmf_guid_parse("e47a6535-984a-4798-865e-4685a7bf8ec2", guid),
		  0);
	EXPECT_TRUE(ovmf_find_guid_entry(&img, guid, &len) != NULL);
	EXPECT_EQ(len, 4);
	ASSERT_EQ(ovmf_guid_parse("DC886566-984A-4798-A75E-5585A7BF67CC", guid),
		  0);
	EXPECT_EQ(memcmp(guid, ovmf_guid_sev_metadata, OVMF_GUID_SIZE), 0);
	EXPECT_EQ(ovmf_guid_parse("dc886566-984a-4798-a75e-5585a7bf67c", guid),
		  -1);
	EXPECT_EQ(ovmf_guid_parse("dc886566x984a-4798-a75e-5585a7bf67cc", guid),
		  -1);
	EXPECT_EQ(
		ovmf_guid_parse("dc886566-984a-4798-a75e-5585a7bf67ccd", guid),
		-1);
	free(buf);
}

/* /usr/share/OVMF/OVMF_CODE_4M.fd has a GUID table but no SEV metadata. */
TEST(snp_ovmf, image_without_sev_metadata)
{
	struct ovmf_image img;
	uint8_t ld[SNP_LD_SIZE];
	char err[OVMF_ERR_LEN] = "";
	size_t size = 0;
	uint8_t *buf = load(OVMF_4M, &size);
	struct ovmf_snp_opts o = {.vmm = VMSA_VMM_QEMU, .vcpus = 1};

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(ovmf_parse(buf, size, OVMF_FOUR_GB, &img, err), 0);
	EXPECT_TRUE(img.has_table);
	EXPECT_FALSE(img.has_sev_metadata);
	EXPECT_EQ(ovmf_snp_measure(&img, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "no SEV metadata") != NULL);
	/* The OVMF-only hash needs no metadata. */
	EXPECT_EQ(ovmf_snp_ovmf_hash(&img, 0, ld, err), 0);
	free(buf);
}

/* Parses a private copy; if it parses, the SNP flow must not crash. */
static int parse_copy(const uint8_t *src, size_t len, char *err)
{
	struct ovmf_image img;
	uint8_t ld[SNP_LD_SIZE] = {0};
	uint8_t *p = dup_bytes(src, len);
	int rc;

	if (!p)
		return -2;
	rc = ovmf_parse(p, len, OVMF_FOUR_GB, &img, err);
	/* Sections of up to 4 GiB are valid but slow: measure small ones. */
	for (uint32_t i = 0; !rc && i < img.section_count; i++)
		if (ovmf_sev_section_get(&img, i).size > (16u << 20))
			goto out;
	if (!rc) {
		/* Seeded: the metadata and VMSAs without hashing the image. */
		struct ovmf_snp_opts o = {
			.vmm = VMSA_VMM_EC2, .vcpus = 2, .ovmf_hash = ld};
		char e2[OVMF_ERR_LEN];

		(void)!ovmf_snp_measure(&img, &o, ld, e2);
	}
out:
	free(p);
	return rc;
}

TEST(snp_ovmf, truncated_images)
{
	static const size_t odd[] = {0,	 1,    17,   49,   50,
				     51, 4095, 4097, 8191, 12289};
	char err[OVMF_ERR_LEN];
	size_t size = 0, ok = 0;
	uint8_t *buf = load(OVMF_FD, &size);

	ASSERT_TRUE(buf != NULL);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		EXPECT_EQ(parse_copy(buf + size - odd[i], odd[i], err), -1);
		EXPECT_EQ(parse_copy(buf, odd[i], err), -1);
	}
	/* Every page-multiple suffix keeps the table; prefixes lose it. */
	for (size_t len = PAGE; len <= size; len += PAGE) {
		if (!parse_copy(buf + size - len, len, err))
			ok++;
		EXPECT_EQ(parse_copy(buf, len, err), 0);
	}
	EXPECT_EQ(ok, size / PAGE);
	free(buf);
}

/* The last 8 KiB of OVMF.fd: the footer table and the SEV metadata. */
static uint8_t *tail_image(size_t *len)
{
	size_t size = 0;
	uint8_t *buf = load(OVMF_FD, &size), *t;

	if (!buf)
		return NULL;
	*len = 2 * PAGE;
	t = dup_bytes(buf + size - *len, *len);
	free(buf);
	return t;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Expects parse failure with a message containing needle. */
static bool parse_fails(const uint8_t *img, size_t len, const char *needle)
{
	char err[OVMF_ERR_LEN] = "";

	if (parse_copy(img, len, err) != -1 || !strstr(err, needle)) {
		test_printf("  want an error with \"%s\", got \"%s\"\n", needle,
			    err);
		return false;
	}
	return true;
}

TEST(snp_ovmf, corrupt_guid_table)
{
	static const uint16_t bad[] = {0, 1, 17, 0x7fff, 0xffff};
	size_t len;
	uint8_t *t = tail_image(&len), *m;
	uint8_t *footer;
	struct ovmf_image img;
	char err[OVMF_ERR_LEN];
	const uint8_t *e;
	size_t elen;

	ASSERT_TRUE(t != NULL);
	footer = t + len - 32 - 18;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = dup_bytes(t, len);
		put16(m + (footer - t), bad[i]);
		EXPECT_TRUE(parse_fails(m, len, "OVMF GUID table"));
		free(m);
	}
	/* Each entry's length: zero, short, longer than what is left. */
	ASSERT_EQ(ovmf_parse(t, len, OVMF_FOUR_GB, &img, err), 0);
	e = ovmf_find_guid_entry(&img, ovmf_guid_sev_es_reset_block, &elen);
	ASSERT_TRUE(e != NULL);
	for (size_t i = 0; i < 3; i++) {
		m = dup_bytes(t, len);
		put16(m + (e - t) + elen, (uint16_t[]){0, 17, 0x4000}[i]);
		EXPECT_TRUE(parse_fails(m, len, "OVMF GUID table: entry"));
		free(m);
	}
	/* A GUID twice: the reset block renamed to the SEV metadata GUID. */
	m = dup_bytes(t, len);
	memcpy(m + (e - t) + elen + 2, ovmf_guid_sev_metadata, OVMF_GUID_SIZE);
	EXPECT_TRUE(parse_fails(m, len, "appears 2 times"));
	free(m);
	/* No footer GUID: parses as an image without a table. */
	m = dup_bytes(t, len);
	m[len - 32 - 1] ^= 1;
	ASSERT_EQ(ovmf_parse(m, len, OVMF_FOUR_GB, &img, err), 0);
	EXPECT_FALSE(img.has_table);
	EXPECT_TRUE(ovmf_find_guid_entry(&img, ovmf_guid_sev_metadata, &elen) ==
		    NULL);
	free(m);
	free(t);
}

TEST(snp_ovmf, corrupt_sev_metadata)
{
	size_t len, moff;
	uint8_t *t = tail_image(&len), *m;
	struct ovmf_image img;
	struct ovmf_snp_opts o = {.vmm = VMSA_VMM_QEMU, .vcpus = 1};
	char err[OVMF_ERR_LEN];
	uint8_t ld[SNP_LD_SIZE];
	const uint8_t *e;
	size_t elen;
	uint32_t off;

	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(ovmf_parse(t, len, OVMF_FOUR_GB, &img, err), 0);
	e = ovmf_find_guid_entry(&img, ovmf_guid_sev_metadata, &elen);
	ASSERT_TRUE(e != NULL && elen == 4);
	moff = (size_t)(e - t);
	memcpy(&off, e, 4);
	for (size_t i = 0; i < 4; i++) { /* the offset from the end */
		m = dup_bytes(t, len);
		put32(m + moff,
		      (uint32_t[]){0, 15, (uint32_t)len + 1, 0xffffffffu}[i]);
		EXPECT_TRUE(parse_fails(m, len, "SEV metadata offset"));
		free(m);
	}
	struct {
		size_t at;
		uint32_t val;
		const char *needle;
	} const cases[] = {
		{0, 0x41534556, "bad signature"}, /* "VESA": byte-swapped */
		{8, 2, "version 2"},
		{4, 15, "size 15"},
		{4, off + 1, "is outside"},
		{12, 0xffffffffu, "do not fit"},
		{12, 1000, "do not fit"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = dup_bytes(t, len);
		put32(m + len - off + cases[i].at, cases[i].val);
		EXPECT_TRUE(parse_fails(m, len, cases[i].needle));
		free(m);
	}
	/* Section contents are checked when measured. */
	m = dup_bytes(t, len);
	put32(m + len - off + 16 + 8, 7); /* section 0 type */
	ASSERT_EQ(ovmf_parse(m, len, OVMF_FOUR_GB, &img, err), 0);
	EXPECT_EQ(ovmf_snp_measure(&img, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "unknown section type 0x7") != NULL);
	put32(m + len - off + 16 + 8, 1);
	put32(m + len - off + 16 + 4, 0x9001); /* section 0 size */
	EXPECT_EQ(ovmf_snp_measure(&img, &o, ld, err), -1);
	EXPECT_TRUE(strstr(err, "size 0x9001") != NULL);
	free(m);
	free(t);
}

/* Flip bytes all over the table and metadata: errors, never crashes. */
TEST(snp_ovmf, mutated_tail_never_crashes)
{
	static const uint8_t vals[] = {0x00, 0x01, 0x11, 0x12,
				       0x13, 0x80, 0xff};
	size_t len, parsed = 0, failed = 0;
	uint8_t *t = tail_image(&len);
	char err[OVMF_ERR_LEN];

	ASSERT_TRUE(t != NULL);
	for (size_t at = len - 0x560; at < len; at++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			uint8_t keep = t[at];

			t[at] = vals[v];
			if (parse_copy(t, len, err))
				failed++;
			else
				parsed++;
			t[at] = keep;
		}
	}
	EXPECT_GT(parsed, 0);
	EXPECT_GT(failed, 0);
	free(t);
}

TEST(snp_ovmf, hash_table_layout)
{
	static const uint8_t table_guid[16] = {
		0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
		0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21};
	struct ovmf_sev_hashes h;
	uint8_t t[OVMF_SEV_HASH_TABLE_PADDED];
	uint16_t v;

	memset(h.cmdline, 0xc1, sizeof(h.cmdline));
	memset(h.initrd, 0x1d, sizeof(h.initrd));
	memset(h.kernel, 0xce, sizeof(h.kernel));
	ovmf_sev_hash_table_build(&h, t);
	EXPECT_EQ(memcmp(t, table_guid, 16), 0);
	memcpy(&v, t + 16, 2);
	EXPECT_EQ(v, 168);
	/* Entries {GUID, u16 50, hash}: cmdline, initrd, kernel. */
	for (size_t i = 0; i < 3; i++) {
		static const uint8_t fill[] = {0xc1, 0x1d, 0xce};
		const uint8_t *e = t + 18 + 50 * i;

		memcpy(&v, e + 16, 2);
		EXPECT_EQ(v, 50);
		EXPECT_EQ(e[18], fill[i]);
		EXPECT_EQ(e[49], fill[i]);
	}
	EXPECT_EQ(t[18], 0xd8);	 /* 97d02dd8-...: cmdline GUID */
	EXPECT_EQ(t[68], 0x31);	 /* 44baf731-...: initrd GUID */
	EXPECT_EQ(t[118], 0x37); /* 4de79437-...: kernel GUID */
	for (size_t i = 168; i < sizeof(t); i++)
		EXPECT_EQ(t[i], 0);
}

/* ---- snp_igvm: IGVM files built with libigvm's builder ---- */

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

/* One page per file, measured without VMSAs: the ref §6 micro-vectors. */
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
