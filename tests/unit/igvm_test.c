/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of libigvm: a builder -> parser round trip over every header
 * kind csvsm emits, the checksum against zlib, and one rejection test per
 * validation rule. Invalid files are made two ways: by patching a valid file
 * and re-sealing its checksum with zlib (so the intended check fires, not the
 * checksum), and by laying out raw TLVs that the builder would refuse.
 * Format facts: the IGVM crate igvm_defs 0.4.0 (igvm_defs/src/lib.rs).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "igvm.h"
#include "test.h"

#define PAGE	   IGVM_PAGE_SIZE_4K
#define BOTH	   (IGVM_MASK_SNP | IGVM_MASK_NATIVE)
#define MAX_EXPECT 32

/* What the round trip must find again: header i, body, and its data. */
struct expect {
	uint32_t type;
	uint32_t len;
	uint8_t body[sizeof(struct igvm_vhs_snp_id_block)];
	int fo_field;  /* offset of file_offset in body, or -1 */
	uint8_t *data; /* expected file data; NULL => file_offset 0 */
	size_t data_len;
};

struct sample {
	struct igvm_builder *b;
	struct expect e[MAX_EXPECT];
	size_t n;
	bool ok;
};

static uint8_t pattern[2 * PAGE];

static void init_pattern(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
}

static struct expect *record(struct sample *s, uint32_t type, const void *body,
			     uint32_t len, int fo)
{
	struct expect *e = &s->e[s->n++];

	*e = (struct expect){.type = type, .len = len, .fo_field = fo};
	memcpy(e->body, body, len);
	return e;
}

static void expect_data(struct expect *e, const void *src, size_t len,
			size_t padded)
{
	e->data = calloc(1, padded);
	memcpy(e->data, src, len);
	e->data_len = padded;
}

static void s_add(struct sample *s, uint32_t type, const void *body,
		  uint32_t len)
{
	s->ok &= !igvm_builder_add(s->b, type, body, len);
	record(s, type, body, len, -1);
}

static void s_page(struct sample *s, uint64_t gpa, uint32_t mask,
		   uint16_t dtype, const void *data, size_t len, bool zero)
{
	struct igvm_vhs_page_data p = {
		.gpa = gpa, .compatibility_mask = mask, .data_type = dtype};
	struct expect *e =
		record(s, IGVM_VHT_PAGE_DATA, &p, sizeof(p),
		       offsetof(struct igvm_vhs_page_data, file_offset));

	s->ok &= !igvm_builder_page_data(s->b, gpa, mask, 0, dtype, data, len);
	if (!zero)
		expect_data(e, data, len, PAGE);
}

static void s_area(struct sample *s, uint32_t index, uint64_t bytes,
		   const void *init)
{
	struct igvm_vhs_parameter_area p = {.number_of_bytes = bytes,
					    .parameter_area_index = index};
	struct expect *e =
		record(s, IGVM_VHT_PARAMETER_AREA, &p, sizeof(p),
		       offsetof(struct igvm_vhs_parameter_area, file_offset));

	s->ok &= !igvm_builder_parameter_area(s->b, index, bytes, init);
	if (init)
		expect_data(e, init, bytes, bytes);
}

static void s_vp(struct sample *s, uint64_t gpa, uint32_t mask, const void *ctx,
		 size_t len)
{
	struct igvm_vhs_vp_context v = {.gpa = gpa, .compatibility_mask = mask};
	struct expect *e =
		record(s, IGVM_VHT_VP_CONTEXT, &v, sizeof(v),
		       offsetof(struct igvm_vhs_vp_context, file_offset));

	s->ok &= !igvm_builder_vp_context(s->b, gpa, mask, 0, ctx, len);
	expect_data(e, ctx, len, PAGE);
}

/* A file with every header kind csvsm emits; v2 adds the NATIVE platform. */
static void build_sample(struct sample *s, uint32_t version)
{
	struct igvm_vhs_supported_platform snp = {
		.compatibility_mask = IGVM_MASK_SNP,
		.highest_vtl = 2,
		.platform_type = IGVM_PLATFORM_SEV_SNP,
		.platform_version = 1,
		.shared_gpa_boundary = 1ull << 46,
	};
	struct igvm_vhs_supported_platform native = {
		.compatibility_mask = IGVM_MASK_NATIVE,
		.platform_type = IGVM_PLATFORM_NATIVE,
		.platform_version = 1,
	};
	uint32_t all = version == 2 ? BOTH : IGVM_MASK_SNP;
	struct igvm_vhs_guest_policy pol = {.policy = 0x30000,
					    .compatibility_mask = 1};
	struct igvm_vhs_parameter vpc = {0, 0}, mm = {1, 16};
	struct igvm_vhs_parameter_insert ins0 = {0x200000, all, 0};
	struct igvm_vhs_parameter_insert ins1 = {0x201000, all, 1};
	struct igvm_vhs_required_memory req = {0x300000, all, 0x10000, 0, 0};
	struct igvm_vhs_error_range er = {0x310000, all, PAGE};
	struct igvm_vhs_snp_id_block idb = {
		.compatibility_mask = 1, .version = 1, .guest_svn = 3};
	struct igvm_native_vp_context_x64 ctx = {
		.rip = 0xfff0,
		.code_selector = 8,
		.code_attributes = IGVM_NATIVE_SEG_ATTR_CODE32,
		.data_attributes = IGVM_NATIVE_SEG_ATTR_DATA32,
		.cr0 = 0x11,
	};
	uint8_t zero_page[PAGE] = {0};

	init_pattern();
	memset(s, 0, sizeof(*s));
	memset(idb.ld, 0xab, sizeof(idb.ld));
	s->b = igvm_builder_new(version);
	s->ok = s->b != NULL;
	if (!s->ok)
		return;
	s_add(s, IGVM_VHT_SUPPORTED_PLATFORM, &snp, sizeof(snp));
	if (version == 2)
		s_add(s, IGVM_VHT_SUPPORTED_PLATFORM, &native, sizeof(native));
	s_add(s, IGVM_VHT_GUEST_POLICY, &pol, sizeof(pol));
	s_area(s, 0, PAGE, NULL);
	s_area(s, 1, 2 * PAGE, pattern);
	s_add(s, IGVM_VHT_VP_COUNT_PARAMETER, &vpc, sizeof(vpc));
	s_add(s, IGVM_VHT_MEMORY_MAP, &mm, sizeof(mm));
	s_page(s, 0x100000, all, 0, pattern, PAGE, false);
	s_page(s, 0x101000, all, 0, NULL, 0, true);
	s_page(s, 0x102000, all, 0, zero_page, PAGE, true);
	s_page(s, 0x103000, all, 0, pattern, PAGE, false);    /* shared */
	s_page(s, 0x104000, all, 0, pattern + 5, 100, false); /* padded */
	s_page(s, 0x105000, 1, IGVM_PAGE_DATA_TYPE_SECRETS, NULL, 0, true);
	s_add(s, IGVM_VHT_PARAMETER_INSERT, &ins0, sizeof(ins0));
	s_add(s, IGVM_VHT_PARAMETER_INSERT, &ins1, sizeof(ins1));
	s_add(s, IGVM_VHT_REQUIRED_MEMORY, &req, sizeof(req));
	s_add(s, IGVM_VHT_ERROR_RANGE, &er, sizeof(er));
	s_add(s, IGVM_VHT_SNP_ID_BLOCK, &idb, sizeof(idb));
	s_vp(s, 0x400000, 1, pattern + 9, PAGE);
	if (version == 2)
		s_vp(s, 0, IGVM_MASK_NATIVE, &ctx, sizeof(ctx));
}

static void free_sample(struct sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].data);
	igvm_builder_free(s->b);
}

/* Builds the sample, writes it; NULL on failure. */
static uint8_t *sample_file(uint32_t version, size_t *len)
{
	struct sample s;
	uint8_t *out = NULL;

	build_sample(&s, version);
	if (!s.ok || igvm_builder_write(s.b, &out, len))
		out = NULL;
	free_sample(&s);
	return out;
}

/*
 * Recomputes the igvm_defs 0.4.0, IGVM_FIXED_HEADER.checksum checksum with zlib
 * directly (not libigvm).
 */
static void reseal(uint8_t *buf, size_t len)
{
	struct igvm_fixed_header_v2 fh = {0};
	uint32_t fixed;
	uLong crc;

	if (len < 24)
		return;
	memcpy(&fh, buf, 24);
	fixed = fh.format_version == 2 ? 32 : 24;
	if (len < fixed)
		return;
	memcpy(&fh, buf, fixed);
	if ((uint64_t)fh.variable_header_offset + fh.variable_header_size > len)
		return;
	fh.checksum = 0;
	crc = crc32(0, (const Bytef *)&fh, fixed);
	crc = crc32(crc, buf + fh.variable_header_offset,
		    fh.variable_header_size);
	fh.checksum = (uint32_t)crc;
	memcpy(buf + 0x14, &fh.checksum, 4);
}

static void put32(uint8_t *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

/* True when parsing fails, leaves *f empty and the message has needle. */
static bool rejects(const uint8_t *buf, size_t len, const char *needle)
{
	struct igvm_file f;
	char err[IGVM_ERR_LEN];

	if (!igvm_parse(buf, len, &f, err)) {
		test_printf("  parsed although it should fail (%s)\n", needle);
		igvm_file_free(&f);
		return false;
	}
	if (f.headers || f.header_count || !err[0] || !strstr(err, needle)) {
		test_printf("  error \"%s\" does not mention \"%s\"\n", err,
			    needle);
		return false;
	}
	return true;
}

static bool accepts(const uint8_t *buf, size_t len)
{
	struct igvm_file f;
	char err[IGVM_ERR_LEN];

	if (igvm_parse(buf, len, &f, err)) {
		test_printf("  rejected: %s\n", err);
		return false;
	}
	igvm_file_free(&f);
	return true;
}

/*
 * Every header and every data byte survives write -> parse (igvm_defs 0.4.0,
 * IGVM_FIXED_HEADER and the variable headers).
 */
static void check_round_trip(uint32_t version)
{
	struct sample s;
	struct igvm_file f;
	char err[IGVM_ERR_LEN];
	uint8_t *out;
	size_t len;

	build_sample(&s, version);
	ASSERT_TRUE(s.ok);
	ASSERT_EQ(igvm_builder_write(s.b, &out, &len), 0);
	ASSERT_EQ(igvm_parse(out, len, &f, err), 0);
	EXPECT_EQ(f.format_version, version);
	EXPECT_EQ(f.fixed_header_size, version == 2 ? 32 : 24);
	EXPECT_EQ(f.platform_masks, version == 2 ? BOTH : IGVM_MASK_SNP);
	EXPECT_EQ(f.header_count, s.n);
	for (size_t i = 0; i < s.n && i < f.header_count; i++) {
		const struct expect *e = &s.e[i];
		const struct igvm_vhdr *h = &f.headers[i];
		uint8_t body[sizeof(e->body)];
		uint32_t fo = 0;

		EXPECT_EQ(h->type, e->type);
		ASSERT_EQ(igvm_vhdr_get(h, body, e->len), 0);
		if (e->fo_field >= 0) {
			memcpy(&fo, body + e->fo_field, 4);
			memset(body + e->fo_field, 0, 4);
			EXPECT_EQ(fo != 0, e->data != NULL);
		}
		EXPECT_EQ(memcmp(body, e->body, e->len), 0);
		if (e->data) {
			const uint8_t *d = igvm_file_data(&f, fo, e->data_len);

			ASSERT_TRUE(d != NULL);
			EXPECT_EQ(memcmp(d, e->data, e->data_len), 0);
		}
	}
	igvm_file_free(&f);
	free(out);
	free_sample(&s);
}

TEST(igvm, round_trip_v1)
{
	check_round_trip(1);
}

TEST(igvm, round_trip_v2)
{
	check_round_trip(2);
}

TEST(igvm, write_is_deterministic_and_shares_blobs)
{
	size_t l1, l2, l3;
	uint8_t *a = sample_file(2, &l1);
	uint8_t *b = sample_file(2, &l2);
	struct sample s;
	uint8_t *c = NULL;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(l1, l2);
	EXPECT_EQ(memcmp(a, b, l1), 0);
	/* Writing one builder twice gives the same bytes, too. */
	build_sample(&s, 2);
	ASSERT_EQ(igvm_builder_write(s.b, &c, &l3), 0);
	free(c);
	ASSERT_EQ(igvm_builder_write(s.b, &c, &l3), 0);
	EXPECT_EQ(l3, l1);
	EXPECT_EQ(memcmp(a, c, l1), 0);
	/*
	 * Data: area 1 (2 pages), one page for the two identical pattern
	 * pages, the padded page and two VP contexts: 6 pages, no more.
	 */
	EXPECT_EQ(l1 - get32(a, 8) - get32(a, 12), 6 * PAGE);
	free(a);
	free(b);
	free(c);
	free_sample(&s);
}

TEST(igvm, checksum_is_zlib_crc32_over_headers_only)
{
	size_t len;
	uint8_t *f = sample_file(1, &len);
	uint8_t hdr[24];
	uint32_t vh_off, vh_size;
	uLong crc;

	ASSERT_TRUE(f != NULL);
	vh_off = get32(f, 8);
	vh_size = get32(f, 12);
	memcpy(hdr, f, sizeof(hdr));
	put32(hdr, 0x14, 0);
	crc = crc32(crc32(0, hdr, sizeof(hdr)), f + vh_off, vh_size);
	EXPECT_EQ(get32(f, 0x14), (uint32_t)crc);
	EXPECT_EQ(igvm_checksum(f, len, 24, vh_off, vh_size), (uint32_t)crc);
	EXPECT_EQ(igvm_checksum(f, len, 24, vh_off, (uint32_t)len), 0);

	f[vh_off + 3 * 8 + 2] ^= 0x10; /* a bit inside the headers */
	EXPECT_TRUE(rejects(f, len, "checksum"));
	f[vh_off + 3 * 8 + 2] ^= 0x10;
	f[len - 1] ^= 0x01; /* a bit of file data */
	EXPECT_TRUE(accepts(f, len));
	f[len - 1] ^= 0x01;
	put32(f, 0x14, get32(f, 0x14) + 1);
	EXPECT_TRUE(rejects(f, len, "checksum"));
	free(f);
}

TEST(igvm, every_truncation_fails_cleanly)
{
	size_t len;
	uint8_t *f = sample_file(2, &len);

	ASSERT_TRUE(f != NULL);
	/* A fresh allocation of each size lets ASan see any over-read. */
	for (size_t n = 0; n < len; n++) {
		uint8_t *p = malloc(n ? n : 1);

		memcpy(p, f, n);
		EXPECT_TRUE(rejects(p, n, ""));
		free(p);
	}
	EXPECT_TRUE(accepts(f, len));
	free(f);
}

TEST(igvm, bad_fixed_header)
{
	size_t len;
	uint8_t *f = sample_file(2, &len);
	uint8_t *g;

	ASSERT_TRUE(f != NULL);
	g = malloc(len);
#define MUTATE(off, val, needle)                      \
	do {                                          \
		memcpy(g, f, len);                    \
		put32(g, off, val);                   \
		reseal(g, len);                       \
		EXPECT_TRUE(rejects(g, len, needle)); \
	} while (0)
	MUTATE(0, 0x4d564748, "magic");
	MUTATE(4, 0, "format_version");
	MUTATE(4, 3, "format_version");
	MUTATE(0x18, IGVM_ARCH_AARCH64, "architecture");
	MUTATE(0x1c, 8192, "page_size");
	MUTATE(8, 24, "overlaps"); /* inside the v2 header */
	MUTATE(8, 36, "aligned");
	MUTATE(8, (uint32_t)len, "past the end");
	MUTATE(12, 0xfffffff8, "past the end"); /* offset + size wraps */
	MUTATE(0x10, (uint32_t)len + 1, "total_file_size");
	MUTATE(0x10, (uint32_t)len - 1, "total_file_size");
	/* The variable headers end exactly at the end of the file. */
	MUTATE(12, (uint32_t)len - 32, "empty");
	memcpy(g, f, len);
	EXPECT_TRUE(rejects(g, len - 1, "total_file_size"));
	EXPECT_TRUE(rejects(NULL, 0, "buffer"));
#undef MUTATE
	free(g);
	free(f);
}

/* A raw TLV for files the builder would refuse to write. */
struct tlv {
	uint32_t type;
	uint32_t len;
	const void *body;
};

static uint32_t pad8(uint32_t v)
{
	return (v + 7) & ~7u;
}

static uint32_t raw_data_start(const struct tlv *t, size_t n)
{
	uint32_t pos = 24;

	for (size_t i = 0; i < n; i++)
		pos += 8 + pad8(t[i].len);
	return pos;
}

/* v1 fixed header, TLVs with zero padding, one page of data, sealed. */
static uint8_t *raw_file(const struct tlv *t, size_t n, size_t *len)
{
	uint32_t start = raw_data_start(t, n);
	struct igvm_fixed_header fh = {IGVM_MAGIC,   1, 24, start - 24,
				       start + PAGE, 0};
	uint8_t *buf = calloc(1, start + PAGE);
	uint32_t pos = 24;

	memcpy(buf, &fh, sizeof(fh));
	for (size_t i = 0; i < n; i++) {
		put32(buf, pos, t[i].type);
		put32(buf, pos + 4, t[i].len);
		memcpy(buf + pos + 8, t[i].body, t[i].len);
		pos += 8 + pad8(t[i].len);
	}
	memset(buf + start, 0x5a, PAGE);
	*len = start + PAGE;
	reseal(buf, *len);
	return buf;
}

static const struct igvm_vhs_supported_platform plat_snp = {
	.compatibility_mask = IGVM_MASK_SNP,
	.highest_vtl = 2,
	.platform_type = IGVM_PLATFORM_SEV_SNP,
	.platform_version = 1,
};
static const struct igvm_vhs_guest_policy policy = {0x30000, 1, 0};
static const struct igvm_vhs_page_data zero_page = {.gpa = 0x1000,
						    .compatibility_mask = 1};
#define PLAT                                                             \
	{                                                                \
		IGVM_VHT_SUPPORTED_PLATFORM, sizeof(plat_snp), &plat_snp \
	}
#define POLICY                                                 \
	{                                                      \
		IGVM_VHT_GUEST_POLICY, sizeof(policy), &policy \
	}
#define PAGE0                                                     \
	{                                                         \
		IGVM_VHT_PAGE_DATA, sizeof(zero_page), &zero_page \
	}

/* Lays out t[0..n) and checks the parser's verdict. */
#define RAW_CHECK(needle, ...)                                               \
	do {                                                                 \
		const struct tlv t_[] = {__VA_ARGS__};                       \
		const char *nd_ = (needle);                                  \
		size_t l_;                                                   \
		uint8_t *b_ = raw_file(t_, sizeof(t_) / sizeof(t_[0]), &l_); \
		if (nd_)                                                     \
			EXPECT_TRUE(rejects(b_, l_, nd_));                   \
		else                                                         \
			EXPECT_TRUE(accepts(b_, l_));                        \
		free(b_);                                                    \
	} while (0)
#define OK NULL

TEST(igvm, raw_minimal_file_is_valid)
{
	size_t len;
	uint8_t *buf = raw_file(NULL, 0, &len);

	RAW_CHECK(OK, PLAT, POLICY, PAGE0);
	EXPECT_TRUE(rejects(buf, len, "no SUPPORTED_PLATFORM"));
	free(buf);
}

TEST(igvm, tlv_lengths)
{
	size_t len;
	uint8_t *f = sample_file(1, &len);
	uint32_t vh = 24, vh_size;

	ASSERT_TRUE(f != NULL);
	vh_size = get32(f, 12);
	/* The first TLV claims more than the whole variable-header section. */
	put32(f, vh + 4, vh_size);
	reseal(f, len);
	EXPECT_TRUE(rejects(f, len, "runs past"));
	free(f);
	/* A known type one word short, or one word long. */
	RAW_CHECK("length 12, want 16",
		  {IGVM_VHT_SUPPORTED_PLATFORM, 12, &plat_snp}, POLICY);
	RAW_CHECK("length 24, want 16", PLAT,
		  {IGVM_VHT_GUEST_POLICY, 24, pattern});
	/* VP_CONTEXT is 20 bytes (igvm_defs 0.4.0, IGVM_VHS_*); 24 is wrong. */
	RAW_CHECK("want 20", PLAT, {IGVM_VHT_VP_CONTEXT, 24, pattern});
}

TEST(igvm, section_order)
{
	RAW_CHECK("out of order", PLAT, PAGE0, POLICY);
	RAW_CHECK("out of order", PLAT, PAGE0, PLAT);
	RAW_CHECK("before any SUPPORTED_PLATFORM", POLICY, PLAT);
}

TEST(igvm, unknown_types)
{
	static const uint8_t body[12] = {1, 2, 3};

	RAW_CHECK("unknown header type 0x3ff", PLAT, {0x3ff, 12, body});
	RAW_CHECK("unknown header type 0x306", PLAT, {0x306, 12, body});
	/* Optional unknown headers are skipped, wherever they are. */
	RAW_CHECK(OK, PLAT, {0x800003ff, 12, body}, PAGE0);
	RAW_CHECK(OK, {0x80000250, 3, body}, PLAT, PAGE0);
}

TEST(igvm, unknown_optional_header_is_not_listed)
{
	static const uint8_t body[4] = {9};
	const struct tlv t[] = {PLAT, {0x800003ff, 4, body}, PAGE0};
	struct igvm_file f;
	size_t len;
	uint8_t *buf = raw_file(t, 3, &len);

	ASSERT_EQ(igvm_parse(buf, len, &f, NULL), 0);
	EXPECT_EQ(f.header_count, 2);
	EXPECT_EQ(f.headers[1].type, IGVM_VHT_PAGE_DATA);
	EXPECT_EQ(f.headers[1].file_pos, 24 + 24 + 16);
	igvm_file_free(&f);
	free(buf);
}

TEST(igvm, nonzero_padding)
{
	struct igvm_vhs_vp_context vp = {.compatibility_mask = 1};
	const struct tlv t[] = {PLAT, {IGVM_VHT_VP_CONTEXT, 20, &vp}};
	size_t len;
	uint8_t *buf;

	vp.file_offset = raw_data_start(t, 2);
	buf = raw_file(t, 2, &len);
	EXPECT_TRUE(accepts(buf, len));
	buf[24 + 24 + 8 + 21] = 1; /* a padding byte after the body */
	reseal(buf, len);
	EXPECT_TRUE(rejects(buf, len, "non-zero padding"));
	free(buf);
}

TEST(igvm, page_data_outside_data_section)
{
	struct igvm_vhs_page_data p = {.gpa = 0x1000, .compatibility_mask = 1};
	const struct tlv t[] = {PLAT, {IGVM_VHT_PAGE_DATA, sizeof(p), &p}};
	uint32_t start = raw_data_start(t, 2);

	p.file_offset = start;
	RAW_CHECK(OK, PLAT, {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.file_offset = 24; /* points into the headers */
	RAW_CHECK("not inside the file data", PLAT,
		  {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.file_offset = start + 1; /* one byte past the end */
	RAW_CHECK("not inside the file data", PLAT,
		  {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.file_offset = 0xfffff000;
	RAW_CHECK("not inside the file data", PLAT,
		  {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.file_offset = 0;
	p.gpa = 0x1800;
	RAW_CHECK("not 4 KiB aligned", PLAT,
		  {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.gpa = 0x1000;
	p.flags = IGVM_PAGE_DATA_FLAG_IS_2MB_PAGE;
	RAW_CHECK("unsupported", PLAT, {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.flags = 1u << 7;
	RAW_CHECK("unknown flags", PLAT, {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
	p.flags = 0;
	p.reserved = 1;
	RAW_CHECK("reserved", PLAT, {IGVM_VHT_PAGE_DATA, sizeof(p), &p});
}

TEST(igvm, vp_context_needs_file_data)
{
	struct igvm_vhs_vp_context v = {.compatibility_mask = 1};
	const struct tlv t[] = {PLAT, {IGVM_VHT_VP_CONTEXT, 20, &v}};

	RAW_CHECK("not inside the file data", PLAT,
		  {IGVM_VHT_VP_CONTEXT, 20, &v});
	v.file_offset = raw_data_start(t, 2);
	RAW_CHECK(OK, PLAT, {IGVM_VHT_VP_CONTEXT, 20, &v});
}

TEST(igvm, compatibility_masks)
{
	struct igvm_vhs_supported_platform p2 = plat_snp;
	struct igvm_vhs_guest_policy pol = policy;

	pol.compatibility_mask = 0;
	RAW_CHECK("compatibility_mask is 0", PLAT,
		  {IGVM_VHT_GUEST_POLICY, 16, &pol});
	pol.compatibility_mask = IGVM_MASK_SNP | IGVM_MASK_TDX;
	RAW_CHECK("undeclared platforms", PLAT,
		  {IGVM_VHT_GUEST_POLICY, 16, &pol});
	/* Duplicate mask, duplicate platform type, two bits in a mask. */
	p2.platform_type = IGVM_PLATFORM_TDX;
	RAW_CHECK("already used", PLAT, {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
	p2 = plat_snp;
	p2.compatibility_mask = IGVM_MASK_TDX;
	RAW_CHECK("declared twice", PLAT,
		  {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
	p2.compatibility_mask = 3;
	RAW_CHECK("exactly one bit", {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
	p2 = plat_snp;
	p2.highest_vtl = 1;
	RAW_CHECK("highest_vtl", {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
	p2 = plat_snp;
	p2.platform_version = 2;
	RAW_CHECK("platform_version", {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
	p2 = plat_snp;
	p2.platform_type = IGVM_PLATFORM_NATIVE;
	p2.shared_gpa_boundary = 1ull << 46;
	RAW_CHECK("shared_gpa_boundary",
		  {IGVM_VHT_SUPPORTED_PLATFORM, 16, &p2});
}

TEST(igvm, parameter_areas)
{
	struct igvm_vhs_parameter_area a0 = {PAGE, 0, 0}, a1 = {100, 1, 0};
	struct igvm_vhs_parameter use0 = {0, 8}, use7 = {7, 0};
	struct igvm_vhs_parameter far = {0, PAGE};
	struct igvm_vhs_parameter_insert ins = {0x200000, 1, 0};
#define AREA(a) {IGVM_VHT_PARAMETER_AREA, 16, &(a)}
#define USE(type, p)                     \
	{                                \
		IGVM_VHT_##type, 8, &(p) \
	}
#define INSERT                                      \
	{                                           \
		IGVM_VHT_PARAMETER_INSERT, 16, &ins \
	}

	RAW_CHECK(OK, PLAT, AREA(a0), USE(MEMORY_MAP, use0), INSERT);
	RAW_CHECK("not declared", PLAT, AREA(a0), USE(MADT, use7));
	RAW_CHECK("not declared", PLAT, INSERT);
	RAW_CHECK("already inserted", PLAT, AREA(a0), INSERT,
		  USE(VP_COUNT_PARAMETER, use0));
	RAW_CHECK("already inserted", PLAT, AREA(a0), INSERT, INSERT);
	RAW_CHECK("declared twice", PLAT, AREA(a0), AREA(a0));
	RAW_CHECK("multiple of 4096", PLAT, AREA(a1));
	RAW_CHECK("outside the 0x1000-byte area", PLAT, AREA(a0),
		  USE(COMMAND_LINE, far));
	ins.gpa = 0x200010;
	RAW_CHECK("not 4 KiB aligned", PLAT, AREA(a0), INSERT);
	/* Initial data must lie inside the file data (one page here). */
	a0.file_offset = 24 + 24 + 24;
	RAW_CHECK(OK, PLAT, AREA(a0));
	a0.number_of_bytes = 2 * PAGE;
	RAW_CHECK("not inside the file data", PLAT, AREA(a0));
#undef AREA
#undef USE
#undef INSERT
}

/* The bounds of igvm.h, checked once by the parser for every tool. */
TEST(igvm, size_bounds)
{
	struct igvm_vhs_parameter_area big = {IGVM_MAX_PARAMETER_AREA, 0, 0};
	struct igvm_vhs_parameter_area a1 = {IGVM_MAX_PARAMETER_AREA, 1, 0};
	struct igvm_vhs_parameter_area a2 = {IGVM_MAX_PARAMETER_AREA, 2, 0};
	struct igvm_vhs_parameter_area a3 = {IGVM_MAX_PARAMETER_AREA, 3, 0};
	struct igvm_vhs_parameter_area a4 = {PAGE, 4, 0};
	struct igvm_vhs_parameter_insert ins = {IGVM_MAX_GPA - PAGE, 1, 4};
	struct igvm_vhs_page_data top = {.gpa = IGVM_MAX_GPA - PAGE,
					 .compatibility_mask = 1};
	struct igvm_vhs_required_memory r = {IGVM_MAX_GPA, 1, PAGE, 0, 0};
#define AREA(a) {IGVM_VHT_PARAMETER_AREA, 16, &(a)}

	RAW_CHECK(OK, PLAT, AREA(big));
	big.number_of_bytes = IGVM_MAX_PARAMETER_AREA + PAGE;
	RAW_CHECK("larger than the 64 MiB", PLAT, AREA(big));
	big.number_of_bytes = 1ull << 52; /* made measure spin for minutes */
	RAW_CHECK("larger than the 64 MiB", PLAT, AREA(big));
	big.number_of_bytes = IGVM_MAX_PARAMETER_AREA;
	/* Four areas of 64 MiB are the 256 MiB total; one page more is not. */
	RAW_CHECK(OK, PLAT, AREA(big), AREA(a1), AREA(a2), AREA(a3));
	RAW_CHECK("add up to more than 256 MiB", PLAT, AREA(big), AREA(a1),
		  AREA(a2), AREA(a3), AREA(a4));
	/* GPA ranges end at or below 2^52. */
	RAW_CHECK(OK, PLAT, AREA(a4), {IGVM_VHT_PARAMETER_INSERT, 16, &ins});
	ins.gpa = IGVM_MAX_GPA;
	RAW_CHECK("2^52", PLAT, AREA(a4),
		  {IGVM_VHT_PARAMETER_INSERT, 16, &ins});
	RAW_CHECK(OK, PLAT, {IGVM_VHT_PAGE_DATA, sizeof(top), &top});
	top.gpa = IGVM_MAX_GPA;
	RAW_CHECK("2^52", PLAT, {IGVM_VHT_PAGE_DATA, sizeof(top), &top});
	top.gpa = ~0ull & ~(uint64_t)(PAGE - 1); /* would wrap */
	RAW_CHECK("2^52", PLAT, {IGVM_VHT_PAGE_DATA, sizeof(top), &top});
	RAW_CHECK("2^52", PLAT, {IGVM_VHT_REQUIRED_MEMORY, 24, &r});
#undef AREA
}

TEST(igvm, required_memory_and_id_block)
{
	struct igvm_vhs_required_memory r = {0x1000, 1, 0, 0, 0};
	static struct igvm_vhs_snp_id_block id = {.compatibility_mask = 1};

	RAW_CHECK("non-zero size", PLAT, {IGVM_VHT_REQUIRED_MEMORY, 24, &r});
	r.number_of_bytes = 0x1800;
	RAW_CHECK("non-zero size", PLAT, {IGVM_VHT_REQUIRED_MEMORY, 24, &r});
	r.number_of_bytes = PAGE;
	RAW_CHECK(OK, PLAT, {IGVM_VHT_REQUIRED_MEMORY, 24, &r});
	RAW_CHECK("second SNP_ID_BLOCK", PLAT,
		  {IGVM_VHT_SNP_ID_BLOCK, sizeof(id), &id},
		  {IGVM_VHT_SNP_ID_BLOCK, sizeof(id), &id});
}

TEST(igvm, builder_refuses_bad_adds)
{
	struct igvm_builder *b = igvm_builder_new(1);
	struct igvm_vhs_page_data p = {.compatibility_mask = 1};
	struct igvm_vhs_parameter_area a = {PAGE, 0, 100};
	uint8_t *out;
	size_t len;

	ASSERT_TRUE(b != NULL);
	EXPECT_TRUE(igvm_builder_new(3) == NULL);
	ASSERT_EQ(igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &plat_snp,
				   sizeof(plat_snp)),
		  0);
	ASSERT_EQ(igvm_builder_page_data(b, 0, 1, 0, 0, NULL, 0), 0);
	/* Initialization and platform headers after a directive. */
	EXPECT_EQ(igvm_builder_add(b, IGVM_VHT_GUEST_POLICY, &policy, 16), -1);
	EXPECT_TRUE(strstr(igvm_builder_error(b), "section") != NULL);
	EXPECT_EQ(
		igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &plat_snp, 16),
		-1);
	EXPECT_EQ(igvm_builder_add(b, IGVM_VHT_PAGE_DATA, &p, sizeof(p)), -1);
	EXPECT_EQ(igvm_builder_add(b, IGVM_VHT_PARAMETER_AREA, &a, 16), -1);
	EXPECT_EQ(igvm_builder_add(b, IGVM_VHT_PAGE_DATA, &p, 20), -1);
	EXPECT_EQ(igvm_builder_add(b, 0x3ff, &p, 8), -1);
	EXPECT_EQ(igvm_builder_page_data(b, 0, 1, 0, 0, pattern, PAGE + 1), -1);
	EXPECT_EQ(igvm_builder_parameter_area(b, 0, 100, NULL), -1);
	EXPECT_EQ(igvm_builder_vp_context(b, 0, 1, 0, pattern, PAGE + 1), -1);
	/* The failed calls left the builder unchanged: it still writes. */
	ASSERT_EQ(igvm_builder_write(b, &out, &len), 0);
	EXPECT_TRUE(accepts(out, len));
	free(out);
	/* A header the parser would reject fails the write. */
	ASSERT_EQ(igvm_builder_page_data(b, 0x123, 1, 0, 0, NULL, 0), 0);
	EXPECT_EQ(igvm_builder_write(b, &out, &len), -1);
	EXPECT_TRUE(strstr(igvm_builder_error(b), "aligned") != NULL);
	igvm_builder_free(b);
}

TEST(igvm, file_without_data_gets_a_data_section)
{
	struct igvm_builder *b = igvm_builder_new(1);
	struct igvm_file f;
	uint8_t *out;
	size_t len;

	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &plat_snp,
				   sizeof(plat_snp)),
		  0);
	ASSERT_EQ(igvm_builder_write(b, &out, &len), 0);
	ASSERT_EQ(igvm_parse(out, len, &f, NULL), 0);
	EXPECT_TRUE(f.data_start < len);
	igvm_file_free(&f);
	free(out);
	igvm_builder_free(b);
}

TEST(igvm, accessors)
{
	size_t len;
	uint8_t *buf = sample_file(1, &len);
	struct igvm_vhs_supported_platform p;
	struct igvm_file f;

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(igvm_parse(buf, len, &f, NULL), 0);
	EXPECT_EQ(igvm_vhdr_get(&f.headers[0], &p, sizeof(p) + 1), -1);
	EXPECT_EQ(igvm_vhdr_get(&f.headers[0], &p, sizeof(p)), 0);
	EXPECT_EQ(p.platform_type, IGVM_PLATFORM_SEV_SNP);
	EXPECT_TRUE(igvm_file_data(&f, 0, 1) == NULL);
	EXPECT_TRUE(igvm_file_data(&f, f.data_start - 1, 1) == NULL);
	EXPECT_TRUE(igvm_file_data(&f, f.data_start, len - f.data_start));
	EXPECT_TRUE(!igvm_file_data(&f, f.data_start, len - f.data_start + 1));
	EXPECT_TRUE(igvm_file_data(&f, (uint32_t)len, 0) != NULL);
	EXPECT_TRUE(igvm_file_data(&f, (uint32_t)len, 1) == NULL);
	EXPECT_TRUE(igvm_vhdr_applies(&f.headers[0], IGVM_MASK_SNP));
	EXPECT_FALSE(igvm_vhdr_applies(&f.headers[0], IGVM_MASK_TDX));
	EXPECT_EQ(strcmp(igvm_type_name(IGVM_VHT_PAGE_DATA), "PAGE_DATA"), 0);
	EXPECT_EQ(strcmp(igvm_type_name(0x80000304), "VP_CONTEXT"), 0);
	EXPECT_EQ(strcmp(igvm_type_name(0x306), "UNKNOWN"), 0);
	EXPECT_EQ(igvm_type_body_size(IGVM_VHT_VP_CONTEXT), 20);
	EXPECT_EQ(igvm_type_body_size(IGVM_VHT_SNP_ID_BLOCK), 696);
	igvm_file_free(&f);
	EXPECT_TRUE(f.headers == NULL);
	igvm_file_free(NULL);
	free(buf);
}
