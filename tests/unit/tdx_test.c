/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the TDX MRTD calculator (tools/libmeasure/tdx.c): the
 * micro-vectors computed with td-shim's algorithm
 * (td-shim-tools/src/tee_info_hash.rs), Debian's OVMF.fd in both page-add
 * orders (td_shim_tee_info_hash.py single pass, dstack-mr's two-pass order;
 * the file is a build dependency, so its absence fails), IGVM files built
 * here with expectations replayed from the primitives, and malformed TDVF
 * images (truncations, a corrupted descriptor, a missing TDX entry).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvm.h"
#include "tdx.h"
#include "test.h"
#include "util.h"

#define PAGE	      TDX_PAGE_SIZE
#define DEBIAN_OVMF   "/usr/share/ovmf/OVMF.fd"
#define DEBIAN_NO_TDX "/usr/share/OVMF/OVMF_CODE_4M.fd"

/*
 * td-shim td_shim_tee_info_hash.py on Debian OVMF.fd, and the two-pass order.
 */
#define OVMF_SINGLE                                                        \
	"4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057" \
	"fb887fed0744d5631a212967fb231c47"
#define OVMF_TWO                                                           \
	"acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b3" \
	"3db3b32e6924cba830a724eed443f7e1"

static void unhex(const char *s, uint8_t out[TDX_MRTD_SIZE])
{
	for (unsigned int i = 0; i < TDX_MRTD_SIZE; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static bool same(const uint8_t a[TDX_MRTD_SIZE], const uint8_t b[TDX_MRTD_SIZE])
{
	if (memcmp(a, b, TDX_MRTD_SIZE) == 0)
		return true;
	test_printf("    got  ");
	for (unsigned int i = 0; i < TDX_MRTD_SIZE; i++)
		test_printf("%02x", a[i]);
	test_printf("\n    want ");
	for (unsigned int i = 0; i < TDX_MRTD_SIZE; i++)
		test_printf("%02x", b[i]);
	test_printf("\n");
	return false;
}

static bool same_hex(const uint8_t got[TDX_MRTD_SIZE], const char *want)
{
	uint8_t w[TDX_MRTD_SIZE];

	unhex(want, w);
	return same(got, w);
}

/* A script of primitive operations; the expected value of a test. */
enum op_kind {
	ADD,
	EXT,
	EXT_ZERO
};
struct op {
	enum op_kind kind;
	uint64_t gpa;
	const uint8_t *data;
};

static void replay(const struct op *ops, size_t n, uint8_t out[TDX_MRTD_SIZE])
{
	struct tdx_ctx *c = tdx_ctx_new();

	memset(out, 0xee, TDX_MRTD_SIZE);
	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].kind == ADD)
			tdx_page_add(c, ops[i].gpa);
		else
			tdx_extend_page(c, ops[i].gpa,
					ops[i].kind == EXT ? ops[i].data
							   : NULL);
	}
	if (tdx_ctx_final(c, out))
		memset(out, 0xee, TDX_MRTD_SIZE);
	tdx_ctx_free(c);
}

static uint8_t pattern[PAGE];

static void init_pattern(void)
{
	for (unsigned int i = 0; i < PAGE; i++)
		pattern[i] = (uint8_t)i; /* 0..255 repeated x16 */
}

/* Micro-vectors of td-shim's algorithm (td-shim-tools/src/tee_info_hash.rs). */
TEST(tdx, micro_page_add_only)
{
	struct op ops[] = {{ADD, 0, NULL}};
	uint8_t m[TDX_MRTD_SIZE];

	replay(ops, 1, m);
	EXPECT_TRUE(same_hex(
		m, "8f3e9a8aca6784eab874f7aa4dda5d49104a88047f1f8669"
		   "5ef2a88f5691a90e34aac48ce45ffa1f5a23c7d62980d570"));
}

TEST(tdx, micro_add_and_extend_zeros)
{
	static const uint8_t zeros[PAGE];
	struct op a[] = {{ADD, 0, NULL}, {EXT_ZERO, 0, NULL}};
	struct op b[] = {{ADD, 0, NULL}, {EXT, 0, zeros}};
	uint8_t ma[TDX_MRTD_SIZE], mb[TDX_MRTD_SIZE];

	replay(a, 2, ma);
	replay(b, 2, mb);
	EXPECT_TRUE(same_hex(
		ma, "236f0efa607ff8843f1855d7ef80dc3dda8fb455787a186b"
		    "8787212951eab0096e3193bb26f817c2b63c21f5e10f9938"));
	EXPECT_TRUE(same(ma, mb));
}

TEST(tdx, micro_pattern_at_top_of_4g)
{
	struct op ops[] = {{ADD, 0xfffff000, NULL}, {EXT, 0xfffff000, pattern}};
	uint8_t m[TDX_MRTD_SIZE];

	init_pattern();
	replay(ops, 2, m);
	EXPECT_TRUE(same_hex(
		m, "cd9d793217c8e5918ad18eca449ba10dcfc5faafc19ceeae"
		   "46b925d054f3b68f85127312438aeba5bc187d9dc73a20fa"));
}

TEST(tdx, micro_no_operations_is_sha384_of_nothing)
{
	uint8_t m[TDX_MRTD_SIZE];

	replay(NULL, 0, m);
	EXPECT_TRUE(same_hex(
		m, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
		   "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"));
}

/* Reads a file the build depends on; a missing file is a failure. */
static uint8_t *must_read(const char *path, size_t *len)
{
	char err[256];
	uint8_t *b =
		util_read_file(path, TDX_MAX_IMAGE_SIZE, len, err, sizeof(err));

	if (!b)
		test_printf("    %s (run scripts/deps.sh)\n", err);
	return b;
}

TEST(tdx, debian_ovmf_single_and_two_pass)
{
	uint8_t m[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN];
	size_t len = 0;
	uint8_t *img = must_read(DEBIAN_OVMF, &len);

	ASSERT_TRUE(img != NULL);
	EXPECT_EQ(tdx_mrtd_ovmf(img, len, TDX_ORDER_SINGLE_PASS, m, err), 0);
	EXPECT_TRUE(same_hex(m, OVMF_SINGLE));
	EXPECT_EQ(tdx_mrtd_ovmf(img, len, TDX_ORDER_TWO_PASS, m, err), 0);
	EXPECT_TRUE(same_hex(m, OVMF_TWO));
	free(img);
}

TEST(tdx, debian_code_4m_has_no_tdx_metadata)
{
	uint8_t m[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";
	size_t len = 0;
	uint8_t *img = must_read(DEBIAN_NO_TDX, &len);

	ASSERT_TRUE(img != NULL);
	EXPECT_EQ(tdx_mrtd_ovmf(img, len, TDX_ORDER_SINGLE_PASS, m, err), -1);
	EXPECT_TRUE(strstr(err, "no TDX metadata") != NULL);
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	free(img);
}

/* Every prefix and suffix of OVMF.fd lacks the footer or the data: fails. */
TEST(tdx, truncated_ovmf_fails_cleanly)
{
	uint8_t m[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN];
	size_t len = 0, cuts = 0;
	uint8_t *img = must_read(DEBIAN_OVMF, &len);

	ASSERT_TRUE(img != NULL);
	for (size_t n = 0; n < len; n += n < 256 ? 1 : n < 8192 ? 61 : 4093) {
		uint8_t *copy = malloc(n ? n : 1);

		ASSERT_TRUE(copy != NULL);
		memcpy(copy, img,
		       n); /* prefix: exact size, so ASan sees reads */
		err[0] = 0;
		EXPECT_EQ(tdx_mrtd_ovmf(copy, n, TDX_ORDER_SINGLE_PASS, m, err),
			  -1);
		EXPECT_NE(err[0], 0);
		memcpy(copy, img + len - n, n); /* suffix: footer intact */
		EXPECT_EQ(tdx_mrtd_ovmf(copy, n, TDX_ORDER_TWO_PASS, m, err),
			  -1);
		free(copy);
		cuts++;
	}
	EXPECT_TRUE(cuts > 700);
	free(img);
}

/*
 * A small synthetic TDVF image (td-shim td-shim-tools/src/tee_info_hash.rs):
 * IMG bytes, descriptor at DESC, the
 * GUID table {TDX entry, footer} ending 32 bytes before the end.
 */
#define IMG  0x4000u
#define DESC 0x3000u

static const uint8_t footer_guid[16] = {0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f,
					0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66,
					0xc5, 0x5a, 0x08, 0x2d};
static const uint8_t tdx_guid[16] = {0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98,
				     0x98, 0x47, 0x86, 0x5e, 0x46, 0x85,
				     0xa7, 0xbf, 0x8e, 0xc2};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* the host is little endian (libigvm asserts it) */
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* Three sections: BFV 2 pages (1 of data) extended, TEMP_MEM, PAGE.AUG. */
static const struct tdx_tdvf_section synth_sections[3] = {
	{0x1000, 0x1000, 0xffc00000, 0x2000, TDX_TDVF_SECTION_BFV,
	 TDX_TDVF_ATTR_MR_EXTEND},
	{0, 0, 0x800000, 0x1000, TDX_TDVF_SECTION_TEMP_MEM, 0},
	{0, 0, 0x900000, 0x100000, TDX_TDVF_SECTION_PERM_MEM,
	 TDX_TDVF_ATTR_PAGE_AUG},
};

static uint8_t *synth_image(void)
{
	uint8_t *img = calloc(1, IMG);
	size_t end = IMG - 32, tdx_end = end - 18;

	if (!img)
		return NULL;
	init_pattern();
	memcpy(img + 0x1000, pattern, PAGE);
	memcpy(img + DESC, "TDVF", 4);
	put32(img + DESC + 4, 16 + 3 * 32);
	put32(img + DESC + 8, 1);
	put32(img + DESC + 12, 3);
	memcpy(img + DESC + 16, synth_sections, sizeof(synth_sections));
	/* footer entry: u16 table length (22 + 18), GUID */
	memcpy(img + end - 16, footer_guid, 16);
	put16(img + end - 18, 22 + 18);
	/* TDX entry: u32 offset-from-end of the descriptor, u16 len 22, GUID */
	memcpy(img + tdx_end - 16, tdx_guid, 16);
	put16(img + tdx_end - 18, 22);
	put32(img + tdx_end - 22, IMG - DESC);
	return img;
}

TEST(tdx, synthetic_image_matches_primitives_in_both_orders)
{
	const uint64_t b = 0xffc00000, t = 0x800000;
	struct op one[] = {{ADD, b, NULL},
			   {EXT, b, pattern},
			   {ADD, b + PAGE, NULL},
			   {EXT_ZERO, b + PAGE, NULL},
			   {ADD, t, NULL}};
	struct op two[] = {{ADD, b, NULL},
			   {ADD, b + PAGE, NULL},
			   {EXT, b, pattern},
			   {EXT_ZERO, b + PAGE, NULL},
			   {ADD, t, NULL}};
	uint8_t m[TDX_MRTD_SIZE], want[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";
	uint8_t *img = synth_image();

	ASSERT_TRUE(img != NULL);
	EXPECT_EQ(tdx_mrtd_ovmf(img, IMG, TDX_ORDER_SINGLE_PASS, m, err), 0);
	replay(one, 5, want);
	EXPECT_TRUE(same(m, want));
	EXPECT_EQ(tdx_mrtd_ovmf(img, IMG, TDX_ORDER_TWO_PASS, m, err), 0);
	replay(two, 5, want);
	EXPECT_TRUE(same(m, want));
	free(img);
}

/* Patches one u32/u64 of the synthetic image; the MRTD must then fail. */
struct corruption {
	const char *what;
	uint32_t off;
	uint64_t value;
	unsigned int width; /* 2, 4 or 8 bytes */
	const char *msg;    /* part of the expected error */
};

#define SEC(i, field) (DESC + 16 + 32 * (i) + (field))

static const struct corruption corruptions[] = {
	{"bad signature", DESC, 0x46564455, 4, "signature"},
	{"version 2", DESC + 8, 2, 4, "version"},
	{"no sections", DESC + 12, 0, 4, "sections"},
	{"count overflows length", DESC + 12, 0x08000000, 4, "sections"},
	{"length disagrees", DESC + 4, 0xfffffff0, 4, "sections"},
	{"huge count and length", DESC + 12, 0x07ffffff, 4, "past the image"},
	{"data beyond the file", SEC(0, 0), IMG - 0x800, 4, "outside"},
	{"data_offset+raw_size wraps", SEC(0, 0), 0xfffff000, 4, "outside"},
	{"mem_size < raw_size", SEC(0, 16), 0, 8, "smaller than raw_size"},
	{"gpa misaligned", SEC(1, 8), 0x800010, 8, "aligned"},
	{"mem_size misaligned", SEC(1, 16), 0x1001, 8, "aligned"},
	{"unknown type", SEC(1, 24), 9, 4, "type"},
	{"gpa + mem_size wraps", SEC(1, 8), 0xfffffffffffff000ull, 8,
	 "too large"},
	{"mem_size huge", SEC(1, 16), 1ull << 62, 8, "too large"},
	{"offset beyond image", IMG - 32 - 40, IMG + 1, 4, "outside"},
	{"offset inside the table", IMG - 32 - 40, 4, 4, "outside"},
	{"offset to zeros", IMG - 32 - 40, 0x800, 4, "signature"},
	{"table length too big", IMG - 32 - 18, 0xffff, 2, "length"},
	{"table length too small", IMG - 32 - 18, 3, 2, "length"},
	{"entry length zero", IMG - 32 - 36, 0, 2, "length"},
	{"entry length too big", IMG - 32 - 36, 0x1000, 2, "length"},
	{"no TDX entry", IMG - 32 - 34, 0x1234, 4, "no TDX metadata"},
	{"no footer", IMG - 32 - 16, 0, 4, "footer"},
};

TEST(tdx, corrupted_tdvf_metadata_is_rejected)
{
	for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]);
	     i++) {
		const struct corruption *c = &corruptions[i];
		uint8_t m[TDX_MRTD_SIZE];
		char err[TDX_ERR_LEN] = "";
		uint8_t *img = synth_image();
		bool found;

		ASSERT_TRUE(img != NULL);
		memcpy(img + c->off, &c->value, c->width);
		if (c->off == DESC + 12 && c->value == 0x07ffffff)
			put32(img + DESC + 4, 0xfffffff0); /* length matches */
		EXPECT_EQ(
			tdx_mrtd_ovmf(img, IMG, TDX_ORDER_SINGLE_PASS, m, err),
			-1);
		found = strstr(err, c->msg) != NULL;
		if (!found)
			test_printf("    %s: error '%s' lacks '%s'\n", c->what,
				    err, c->msg);
		EXPECT_TRUE(found);
		free(img);
	}
}

/* A TDX (+ optionally SNP) IGVM file built with libigvm; NULL on failure. */
struct igvm_case {
	bool with_snp;
	uint32_t flags0; /* flags of the data page at 0x100000 */
};

static uint8_t *tdx_igvm(const struct igvm_case *k, size_t *len)
{
	const uint32_t tdx = IGVM_MASK_TDX, snp = IGVM_MASK_SNP;
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = tdx,
		.platform_type = IGVM_PLATFORM_TDX,
		.platform_version = 1,
	};
	struct igvm_vhs_supported_platform ps = {
		.compatibility_mask = snp,
		.platform_type = IGVM_PLATFORM_SEV_SNP,
		.platform_version = 1,
	};
	struct igvm_vhs_parameter_insert ins = {
		0x200000, tdx | (k->with_snp ? snp : 0), 0};
	struct igvm_builder *b = igvm_builder_new(1);
	uint8_t *out = NULL;
	int bad = !b;

	init_pattern();
	if (!bad && k->with_snp)
		bad |= igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &ps,
					sizeof(ps));
	if (!bad)
		bad |= igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p,
					sizeof(p));
	bad = bad || igvm_builder_parameter_area(b, 0, 2 * PAGE, NULL) ||
	      igvm_builder_page_data(b, 0x100000, tdx, k->flags0, 0, pattern,
				     PAGE) ||
	      igvm_builder_page_data(b, 0x101000, tdx, 0, 0, NULL, 0) ||
	      igvm_builder_page_data(b, 0x102000, tdx,
				     IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, pattern,
				     PAGE) ||
	      igvm_builder_page_data(b, 0x103000, tdx,
				     IGVM_PAGE_DATA_FLAG_SHARED, 0, pattern,
				     PAGE);
	if (!bad && k->with_snp)
		bad |= igvm_builder_page_data(b, 0x104000, snp, 0, 0, pattern,
					      PAGE);
	bad = bad ||
	      igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins,
			       sizeof(ins)) ||
	      igvm_builder_write(b, &out, len);
	if (bad)
		test_printf("    builder: %s\n",
			    b ? igvm_builder_error(b) : "");
	igvm_builder_free(b);
	return bad ? NULL : out;
}

/* MRTD of the file for the given switches; -1 on error. */
static int igvm_mrtd(const struct igvm_case *k,
		     const struct tdx_igvm_options *o, uint8_t m[TDX_MRTD_SIZE],
		     char err[TDX_ERR_LEN])
{
	struct igvm_file f = {0};
	size_t len = 0;
	uint8_t *buf = tdx_igvm(k, &len);
	int rc = -1;

	if (buf && !igvm_parse(buf, len, &f, err))
		rc = tdx_mrtd_igvm(&f, o, m, err);
	igvm_file_free(&f);
	free(buf);
	return rc;
}

TEST(tdx, igvm_switches_follow_the_documented_semantics)
{
	const uint64_t d = 0x100000, z = 0x101000, u = 0x102000, a = 0x200000;
	/* igvm crate: data page, zero page extended with zeros, unmeasured
	 * page added only, shared page skipped, 2 parameter pages added. */
	struct op dflt[] = {{ADD, d, NULL},	  {EXT, d, pattern},
			    {ADD, z, NULL},	  {EXT_ZERO, z, NULL},
			    {ADD, u, NULL},	  {ADD, a, NULL},
			    {ADD, a + PAGE, NULL}};
	struct op shim[] = {{ADD, d, NULL},
			    {EXT, d, pattern},
			    {ADD, z, NULL},
			    {ADD, u, NULL}};
	struct op two[] = {{ADD, d, NULL},	  {ADD, z, NULL},
			   {ADD, u, NULL},	  {ADD, a, NULL},
			   {ADD, a + PAGE, NULL}, {EXT, d, pattern},
			   {EXT_ZERO, z, NULL}};
	const struct igvm_case plain = {false, 0}, both = {true, 0};
	struct tdx_igvm_options o = {0};
	uint8_t m[TDX_MRTD_SIZE], want[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";

	ASSERT_EQ(igvm_mrtd(&plain, NULL, m, err), 0);
	replay(dflt, 7, want);
	EXPECT_TRUE(same(m, want));
	/* SNP-only pages and the SNP platform do not change the TDX MRTD. */
	ASSERT_EQ(igvm_mrtd(&both, NULL, m, err), 0);
	EXPECT_TRUE(same(m, want));
	o.zero_page_add_only = true;
	o.ignore_parameter_areas = true;
	ASSERT_EQ(igvm_mrtd(&plain, &o, m, err), 0);
	replay(shim, 4, want);
	EXPECT_TRUE(same(m, want));
	o = (struct tdx_igvm_options){.order = TDX_ORDER_TWO_PASS};
	ASSERT_EQ(igvm_mrtd(&plain, &o, m, err), 0);
	replay(two, 7, want);
	EXPECT_TRUE(same(m, want));
	/* Each switch alone changes the value. */
	o = (struct tdx_igvm_options){.zero_page_add_only = true};
	ASSERT_EQ(igvm_mrtd(&plain, &o, m, err), 0);
	replay(dflt, 7, want);
	EXPECT_FALSE(memcmp(m, want, TDX_MRTD_SIZE) == 0);
	o = (struct tdx_igvm_options){.ignore_parameter_areas = true};
	ASSERT_EQ(igvm_mrtd(&plain, &o, m, err), 0);
	replay(dflt, 5, want);
	EXPECT_TRUE(same(m, want));
}

/* A file with one platform and one data page at 0x100000. */
static uint8_t *one_page(uint8_t type, uint32_t mask, size_t *len)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = mask,
		.platform_type = type,
		.platform_version = 1,
	};
	struct igvm_builder *b = igvm_builder_new(1);
	uint8_t *buf = NULL;

	init_pattern();
	if (!b ||
	    igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p)) ||
	    igvm_builder_page_data(b, 0x100000, mask, 0, 0, pattern, PAGE) ||
	    igvm_builder_write(b, &buf, len))
		buf = NULL;
	igvm_builder_free(b);
	return buf;
}

TEST(tdx, igvm_one_measured_page_is_add_plus_extends)
{
	struct op ops[] = {{ADD, 0x100000, NULL}, {EXT, 0x100000, pattern}};
	const struct tdx_igvm_options shim = {.zero_page_add_only = true,
					      .ignore_parameter_areas = true,
					      .order = TDX_ORDER_TWO_PASS};
	uint8_t m[TDX_MRTD_SIZE], want[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";
	struct igvm_file f = {0};
	size_t len = 0;
	uint8_t *buf = one_page(IGVM_PLATFORM_TDX, IGVM_MASK_TDX, &len);

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(igvm_parse(buf, len, &f, err), 0);
	replay(ops, 2, want);
	EXPECT_EQ(tdx_mrtd_igvm(&f, NULL, m, err), 0);
	EXPECT_TRUE(same(m, want));
	/* No zero page, no area, one page: the switches change nothing. */
	EXPECT_EQ(tdx_mrtd_igvm(&f, &shim, m, err), 0);
	EXPECT_TRUE(same(m, want));
	igvm_file_free(&f);
	free(buf);
}

TEST(tdx, igvm_unmeasured_page_is_add_only)
{
	const struct igvm_case unmeasured = {false,
					     IGVM_PAGE_DATA_FLAG_UNMEASURED};
	const struct tdx_igvm_options o = {.zero_page_add_only = true,
					   .ignore_parameter_areas = true};
	struct op ops[] = {{ADD, 0x100000, NULL},
			   {ADD, 0x101000, NULL},
			   {ADD, 0x102000, NULL}};
	uint8_t m[TDX_MRTD_SIZE], want[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";

	/* With page 0x100000 unmeasured, only the three PAGE.ADDs remain. */
	ASSERT_EQ(igvm_mrtd(&unmeasured, &o, m, err), 0);
	replay(ops, 3, want);
	EXPECT_TRUE(same(m, want));
}

TEST(tdx, igvm_without_tdx_platform_fails)
{
	struct igvm_file f = {0};
	uint8_t m[TDX_MRTD_SIZE];
	char err[TDX_ERR_LEN] = "";
	size_t len = 0;
	uint8_t *buf = one_page(IGVM_PLATFORM_SEV_SNP, IGVM_MASK_SNP, &len);

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(igvm_parse(buf, len, &f, err), 0);
	EXPECT_EQ(tdx_mrtd_igvm(&f, NULL, m, err), -1);
	EXPECT_TRUE(strstr(err, "no TDX platform") != NULL);
	EXPECT_EQ(tdx_mrtd_igvm(NULL, NULL, m, err), -1);
	igvm_file_free(&f);
	free(buf);
}
