/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of tools/libmeasure/ovmf.c: the SNP launch digests of
 * Debian's OVMF.fd (sev-snp-measure 0.0.13 on Debian OVMF.fd), its structure,
 * and images that are
 * truncated, corrupt or without SEV metadata, which must give an error and
 * never a crash.
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

static uint8_t *load(const char *path, size_t *size)
{
	char err[256];
	uint8_t *buf = util_read_file(path, 64u << 20, size, err, sizeof(err));

	if (!buf)
		test_printf("  %s (installed by scripts/deps.sh)\n", err);
	return buf;
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
