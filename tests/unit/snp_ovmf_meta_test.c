/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's reading of the guest firmware's SEV metadata
 * (kernel/plat/snp/ovmf_meta.c): Debian's OVMF.fd gives the sections the
 * host tools' parser (tools/libmeasure/ovmf.c) gives; images made here
 * with a calling-area section (as edk2 builds with AmdSvsmLib have) parse;
 * and every malformed table, header or section, and every section that
 * touches the SVSM region, is refused with nothing recorded. No read
 * outside the image is ever asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "abi/ovmf_meta.h"

#include "ovmf.h"
#include "ovmf_image_fixture.h"
#include "snp/ovmf_meta.h"
#include "snp_vectors.h"
#include "test.h"
#include "util.h"

#define IMG_SIZE  (64u * 1024u)
#define META_DIST 0x600u /* header distance from the end */

struct buf {
	uint8_t *b;
	uint64_t size;
	unsigned int reads;
	bool fail; /* every read fails */
};

static int read_buf(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	struct buf *b = ctx;

	b->reads++;
	/* The parser must only ask for bytes inside the image. */
	if (off > b->size || len > b->size - off)
		abort();
	if (b->fail)
		return -1;
	memcpy(dst, b->b + off, len);
	return 0;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* An image with a footer table holding one SEV metadata entry. */
static void make(uint8_t *img, const uint32_t (*sec)[3], uint32_t n)
{
	ovmf_image_make(img, IMG_SIZE, META_DIST, sec, n);
}

/* As edk2 2025.02 with AmdSvsmLib lays them out. */
static const uint32_t svsm_fw[6][3] = {
	{0x800000, 0x9000, OVMF_META_SEC_MEM},
	{0x80a000, 0x3000, OVMF_META_SEC_MEM},
	{0x80d000, 0x1000, OVMF_META_SECRETS},
	{0x80e000, 0x1000, OVMF_META_CPUID},
	{0x80f000, 0x1000, OVMF_META_SVSM_CAA},
	{0x810000, 0x10000, OVMF_META_SEC_MEM},
};

static uint8_t img[IMG_SIZE];

static enum svsm_err parse(struct fw_meta *m)
{
	struct buf b = {.b = img, .size = IMG_SIZE};

	return ovmf_meta_parse(read_buf, &b, IMG_SIZE, 0x1000000, 0x400000, m);
}

static bool refused(void)
{
	struct fw_meta m;

	REQUIRE_EQ(parse(&m), SVSM_E_INVAL);
	REQUIRE_EQ(m.count, 0u);
	REQUIRE_EQ(m.secrets_gpa | m.cpuid_gpa | m.caa_gpa, 0ull);
	return true;
}

TEST(ovmf_meta, debian_ovmf_as_the_tools_see_it)
{
	size_t size = 0;
	char err[OVMF_ERR_LEN];
	uint8_t *fd =
		util_read_file(OVMF_FD, 64u << 20, &size, err, sizeof(err));
	struct buf b;
	struct ovmf_image oi;
	struct fw_meta m;

	ASSERT_TRUE(fd != NULL);
	b = (struct buf){.b = fd, .size = size};
	ASSERT_EQ(ovmf_parse(fd, size, OVMF_FOUR_GB, &oi, err), 0);
	ASSERT_TRUE(oi.has_sev_metadata);
	ASSERT_EQ(ovmf_meta_parse(read_buf, &b, size, 0x1000000, 0x400000, &m),
		  SVSM_OK);
	ASSERT_EQ(m.count, oi.section_count);
	for (uint32_t i = 0; i < m.count; i++) {
		struct ovmf_sev_section s = ovmf_sev_section_get(&oi, i);

		EXPECT_EQ(m.sections[i].gpa, s.gpa);
		EXPECT_EQ(m.sections[i].size, s.size);
		EXPECT_EQ(m.sections[i].type, s.type);
	}
	EXPECT_EQ(m.secrets_gpa, 0x80d000ull);
	EXPECT_EQ(m.cpuid_gpa, 0x80e000ull);
	EXPECT_EQ(m.caa_gpa, 0ull); /* Debian 12's edk2 predates AmdSvsmLib */
	/* An SVSM region over the firmware's pre-validated 8 MiB: refused. */
	EXPECT_EQ(ovmf_meta_parse(read_buf, &b, size, 0x800000, 0x200000, &m),
		  SVSM_E_INVAL);
	EXPECT_EQ(m.count, 0u);
	free(fd);
}

TEST(ovmf_meta, calling_area_section)
{
	struct fw_meta m;

	make(img, svsm_fw, 6);
	ASSERT_EQ(parse(&m), SVSM_OK);
	EXPECT_EQ(m.count, 6u);
	EXPECT_EQ(m.secrets_gpa, 0x80d000ull);
	EXPECT_EQ(m.cpuid_gpa, 0x80e000ull);
	EXPECT_EQ(m.caa_gpa, 0x80f000ull);
	EXPECT_EQ(m.sections[5].size, 0x10000ull);
}

TEST(ovmf_meta, bad_sections)
{
	uint32_t s[6][3];

	/* Each row: one change to the good layout. */
	static const struct {
		unsigned int i, field;
		uint32_t v;
	} bad[] = {
		{0, 1, 0},		   /* empty */
		{0, 0, 0x800800},	   /* not page aligned */
		{0, 1, 0x9800},		   /* size not a page multiple */
		{5, 0, 0xfffff000},	   /* past 4 GiB */
		{5, 2, 7},		   /* unknown type */
		{3, 1, 0x2000},		   /* a CPUID section of two pages */
		{4, 2, OVMF_META_SECRETS}, /* a second secrets page */
		{1, 0, 0x808000},	   /* overlaps section 0 */
		{5, 0, 0x1100000},	   /* inside the SVSM region */
		{5, 0, 0xff8000},	   /* ends inside it */
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		memcpy(s, svsm_fw, sizeof(s));
		s[bad[k].i][bad[k].field] = bad[k].v;
		make(img, (const uint32_t(*)[3])s, 6);
		if (!refused())
			test_printf("  case %zu\n", k);
	}
}

TEST(ovmf_meta, bad_tables_and_headers)
{
	uint8_t *h = img + IMG_SIZE - META_DIST;
	uint8_t *end = img + IMG_SIZE - OVMF_META_FOOTER_END_OFF;
	struct fw_meta m;
	struct buf b = {.b = img, .size = IMG_SIZE};

	make(img, svsm_fw, 6);
	put32(h, 0x56455342); /* "BSEV" */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put32(h + 8, 2); /* version */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put32(h + 4, 16 + 12 * 5); /* length disagrees with the count */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put32(h + 12, 0x40000000); /* count; length would wrap at 32 bits */
	put32(h + 4, 16);
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put32(end - 40, IMG_SIZE + 0x1000); /* header before the image */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put32(end - 40, 8); /* header overlapping the end */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put16(end - 18, 0xffff); /* table longer than the image */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put16(end - 18, 18 + 21); /* table cuts the entry */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put16(end - 36, 17); /* entry shorter than its trailer */
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	put16(end - 36, 18); /* SEV entry without its u32 */
	put16(end - 18, 18 + 18);
	EXPECT_TRUE(refused());
	make(img, svsm_fw, 6);
	end[-1] ^= 1; /* not the footer GUID: not OVMF */
	EXPECT_TRUE(refused());
	/* The SEV entry twice: readers could pick different ones. */
	make(img, svsm_fw, 6);
	memcpy(end - 18 - 22 - 22, end - 18 - 22, 22);
	put16(end - 18, 18 + 44);
	EXPECT_TRUE(refused());
	/* A table without SEV metadata: a firmware for plain VMs. */
	make(img, svsm_fw, 6);
	end[-20] ^= 1;
	EXPECT_EQ(parse(&m), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(m.count, 0u);
	/* Sizes: zero, not a page multiple, too small for a footer. */
	make(img, svsm_fw, 6);
	EXPECT_EQ(ovmf_meta_parse(read_buf, &b, 0, 0, 0, &m), SVSM_E_INVAL);
	b.size = IMG_SIZE - 1;
	EXPECT_EQ(ovmf_meta_parse(read_buf, &b, IMG_SIZE - 1, 0, 0, &m),
		  SVSM_E_INVAL);
	/* Memory that cannot be read. */
	b = (struct buf){.b = img, .size = IMG_SIZE, .fail = true};
	EXPECT_EQ(ovmf_meta_parse(read_buf, &b, IMG_SIZE, 0, 0, &m),
		  SVSM_E_FAULT);
	EXPECT_EQ(b.reads, 1u);
}
