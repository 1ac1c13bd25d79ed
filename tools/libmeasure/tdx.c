/* SPDX-License-Identifier: MIT */
/*
 * TDX MRTD calculator: the 128-byte extension blocks of TDH.MEM.PAGE.ADD and
 * TDH.MR.EXTEND hashed into one running SHA-384, and the two inputs a TD is
 * built from: a TDVF/OVMF image (located through the OVMF footer GUID table
 * and its "TDVF" metadata descriptor) and an IGVM file. Algorithm, layouts
 * and the igvm-crate vs td-shim differences: td-shim
 * td-shim-tools/src/tee_info_hash.rs and build_igvmmrtd, igvm 0.4.0
 * igvm/src/measurement/tdx.rs; checked against td_shim_tee_info_hash.py on
 * Debian's OVMF.fd and micro-vectors replayed from the same algorithm.
 *
 * TRUST: the image and the IGVM file are untrusted input. Every offset and
 * size read from them is checked with __builtin_add_overflow against the
 * buffer before use, every hashed size is bounded (TDX_MAX_REGION_SIZE) so a
 * hostile size cannot make the tool loop for hours, and all checks run before
 * the first byte is hashed. A hostile value yields a one-line error.
 */
#include "tdx.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvm.h"
#include "util.h"

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: the extension-buffer layout of
 * both operations.
 */
#define TDX_BLOCK_SIZE 128u
#define TDX_BLOCK_GPA  16u
#define TDX_OP_SIZE    16u

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs and OVMF's ResetVector: the footer
 * GUID table ends 32 bytes before
 * the end of the image; each entry is {data, u16 length, GUID} read backward,
 * the last one is the footer itself, whose length covers the whole table.
 */
#define OVMF_TABLE_END_GAP 32u
#define OVMF_ENTRY_TAIL	   18u	       /* u16 length + 16-byte GUID */
#define TDVF_SIGNATURE	   0x46564454u /* "TDVF" */
#define TDVF_VERSION	   1u
#define TDVF_DESC_SIZE	   16u /* signature, length, version, count */

/* 96b582de-1fb2-45f7-baea-a366c55a082d, in its on-disk byte order. */
static const uint8_t ovmf_footer_guid[16] = {0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f,
					     0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66,
					     0xc5, 0x5a, 0x08, 0x2d};
/*
 * td-shim td-shim-tools/src/tee_info_hash.rs:
 * e47a6535-984a-4798-865e-4685a7bf8ec2, the TDX metadata offset.
 */
static const uint8_t tdx_metadata_guid[16] = {
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2};

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: the operation names, zero-padded
 * to 16 bytes.
 */
static const uint8_t op_page_add[TDX_OP_SIZE] = "MEM.PAGE.ADD";
static const uint8_t op_mr_extend[TDX_OP_SIZE] = "MR.EXTEND";

struct tdx_ctx {
	EVP_MD_CTX *md;
	bool failed; /* sticky: a hash update failed */
};

/* One-line messages into err (util_errf). */
#define errf(err, ...) util_errf((err), TDX_ERR_LEN, __VA_ARGS__)

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

struct tdx_ctx *tdx_ctx_new(void)
{
	struct tdx_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha384(), NULL) != 1) {
		tdx_ctx_free(c);
		return NULL;
	}
	return c;
}

void tdx_ctx_free(struct tdx_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

static void update(struct tdx_ctx *c, const void *p, size_t n)
{
	if (EVP_DigestUpdate(c->md, p, n) != 1)
		c->failed = true;
}

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: op string at 0, zero to 16, the
 * GPA (LE) at 16..23, zero to 128.
 */
static void block(struct tdx_ctx *c, const uint8_t op[TDX_OP_SIZE],
		  uint64_t gpa)
{
	uint8_t b[TDX_BLOCK_SIZE] = {0};

	memcpy(b, op, TDX_OP_SIZE);
	for (unsigned int i = 0; i < 8; i++)
		b[TDX_BLOCK_GPA + i] = (uint8_t)(gpa >> (8 * i));
	update(c, b, sizeof(b));
}

void tdx_page_add(struct tdx_ctx *c, uint64_t gpa)
{
	block(c, op_page_add, gpa);
}

void tdx_mr_extend(struct tdx_ctx *c, uint64_t gpa,
		   const uint8_t data[TDX_EXTEND_CHUNK])
{
	block(c, op_mr_extend, gpa);
	update(c, data, TDX_EXTEND_CHUNK);
}

void tdx_extend_page(struct tdx_ctx *c, uint64_t gpa, const uint8_t *data4k)
{
	static const uint8_t zeros[TDX_EXTEND_CHUNK];

	for (uint32_t off = 0; off < TDX_PAGE_SIZE; off += TDX_EXTEND_CHUNK)
		tdx_mr_extend(c, gpa + off, data4k ? data4k + off : zeros);
}

int tdx_ctx_final(struct tdx_ctx *c, uint8_t out[TDX_MRTD_SIZE])
{
	unsigned int n = 0;

	if (c->failed || EVP_DigestFinal_ex(c->md, out, &n) != 1 ||
	    n != TDX_MRTD_SIZE)
		return -1;
	return 0;
}

/*
 * TRUST: walks the footer GUID table of an untrusted image to the TDX
 * metadata entry and returns the offset-from-end it holds. Every entry
 * length is checked against the table bounds before it is followed, and the
 * walk moves strictly backward, so it ends on any input.
 */
static int find_tdx_metadata(const uint8_t *image, size_t len, uint32_t *off,
			     char *err)
{
	size_t end, start, p;
	uint16_t table_len;

	if (len < OVMF_TABLE_END_GAP + OVMF_ENTRY_TAIL)
		return errf(err, "image of %zu bytes is too small for TDVF",
			    len);
	end = len - OVMF_TABLE_END_GAP;
	if (memcmp(image + end - 16, ovmf_footer_guid, 16) != 0)
		return errf(
			err,
			"no OVMF footer GUID table: not a TDVF/OVMF image with TDX metadata");
	table_len = le16(image + end - OVMF_ENTRY_TAIL);
	if (table_len < OVMF_ENTRY_TAIL || table_len > end)
		return errf(err, "OVMF GUID table length %u is out of bounds",
			    table_len);
	start = end - table_len;
	p = end - OVMF_ENTRY_TAIL; /* skip the footer entry itself */
	while (p - start >= OVMF_ENTRY_TAIL) {
		uint16_t elen = le16(image + p - OVMF_ENTRY_TAIL);

		if (elen < OVMF_ENTRY_TAIL || elen > p - start)
			return errf(
				err,
				"OVMF GUID table entry at 0x%zx has bad length %u",
				p - OVMF_ENTRY_TAIL, elen);
		if (memcmp(image + p - 16, tdx_metadata_guid, 16) == 0) {
			if (elen < OVMF_ENTRY_TAIL + 4)
				return errf(
					err,
					"TDX metadata GUID entry has no offset");
			*off = le32(image + p - OVMF_ENTRY_TAIL - 4);
			return 0;
		}
		p -= elen;
	}
	return errf(
		err,
		"no TDX metadata in the OVMF GUID table (firmware built without TDX?)");
}

static void section_at(const uint8_t *s, struct tdx_tdvf_section *out)
{
	out->data_offset = le32(s);
	out->raw_size = le32(s + 4);
	out->gpa = le64(s + 8);
	out->mem_size = le64(s + 16);
	out->type = le32(s + 24);
	out->attributes = le32(s + 28);
}

/* TRUST: one section from the image; every field is checked here. */
static int check_section(const struct tdx_tdvf_section *s, uint32_t i,
			 size_t len, char *err)
{
	uint64_t end;

	if (s->type >= TDX_TDVF_SECTION_TYPE_MAX)
		return errf(err, "TDVF section %u: unknown type %u", i,
			    s->type);
	if (s->gpa % TDX_PAGE_SIZE || s->mem_size % TDX_PAGE_SIZE)
		return errf(
			err,
			"TDVF section %u: gpa 0x%llx or mem_size 0x%llx not 4 KiB aligned",
			i, (unsigned long long)s->gpa,
			(unsigned long long)s->mem_size);
	if (s->type != TDX_TDVF_SECTION_TD_INFO && s->mem_size < s->raw_size)
		return errf(
			err,
			"TDVF section %u: mem_size 0x%llx is smaller than raw_size 0x%x",
			i, (unsigned long long)s->mem_size, s->raw_size);
	if (__builtin_add_overflow((uint64_t)s->data_offset, s->raw_size,
				   &end) ||
	    end > len)
		return errf(
			err,
			"TDVF section %u: data 0x%x+0x%x is outside the %zu-byte image",
			i, s->data_offset, s->raw_size, len);
	if (__builtin_add_overflow(s->gpa, s->mem_size, &end) ||
	    s->mem_size > TDX_MAX_REGION_SIZE)
		return errf(
			err,
			"TDVF section %u: mem_size 0x%llx at gpa 0x%llx is too large",
			i, (unsigned long long)s->mem_size,
			(unsigned long long)s->gpa);
	return 0;
}

/*
 * TRUST: the descriptor and every section come from the untrusted image; all
 * of them are checked (descriptor inside the image, length agreeing with the
 * count, each section via check_section) before any is used, so a hostile
 * image gets an error before the first hash.
 */
int tdx_tdvf_locate(const uint8_t *image, size_t len, size_t *desc_off,
		    uint32_t *section_count, char err[TDX_ERR_LEN])
{
	uint32_t off = 0, dlen, version, count;
	uint64_t want, dend;
	size_t d;

	if (find_tdx_metadata(image, len, &off, err))
		return -1;
	if (off > len || off < TDVF_DESC_SIZE)
		return errf(err,
			    "TDX metadata offset 0x%x is outside the image",
			    off);
	d = len - off;
	if (le32(image + d) != TDVF_SIGNATURE)
		return errf(err, "no \"TDVF\" signature at image offset 0x%zx",
			    d);
	dlen = le32(image + d + 4);
	version = le32(image + d + 8);
	count = le32(image + d + 12);
	if (version != TDVF_VERSION)
		return errf(err, "TDVF descriptor version %u, want 1", version);
	want = TDVF_DESC_SIZE +
	       (uint64_t)count * sizeof(struct tdx_tdvf_section);
	if (count == 0 || dlen != want)
		return errf(
			err,
			"TDVF descriptor: length %u does not hold %u sections",
			dlen, count);
	if (__builtin_add_overflow((uint64_t)d, want, &dend) || dend > len)
		return errf(
			err,
			"TDVF descriptor: %u sections run past the image end",
			count);
	for (uint32_t i = 0; i < count; i++) {
		struct tdx_tdvf_section s;

		tdx_tdvf_section(image, d, i, &s);
		if (check_section(&s, i, len, err))
			return -1;
	}
	*desc_off = d;
	*section_count = count;
	return 0;
}

void tdx_tdvf_section(const uint8_t *image, size_t desc_off, uint32_t i,
		      struct tdx_tdvf_section *out)
{
	section_at(image + desc_off + TDVF_DESC_SIZE +
			   (size_t)i * sizeof(struct tdx_tdvf_section),
		   out);
}

/* Page i of a checked section: image bytes up to raw_size, then zeros. */
static void section_page(const uint8_t *image, const struct tdx_tdvf_section *s,
			 uint64_t i, uint8_t page[TDX_PAGE_SIZE])
{
	uint64_t off = i * TDX_PAGE_SIZE;
	uint64_t n = 0;

	if (off < s->raw_size) {
		n = s->raw_size - off;
		if (n > TDX_PAGE_SIZE)
			n = TDX_PAGE_SIZE;
		memcpy(page, image + s->data_offset + off, n);
	}
	memset(page + n, 0, TDX_PAGE_SIZE - n);
}

static void measure_section(struct tdx_ctx *c, const uint8_t *image,
			    const struct tdx_tdvf_section *s,
			    enum tdx_order order, uint8_t *page)
{
	uint64_t pages = s->mem_size / TDX_PAGE_SIZE;
	bool add = !(s->attributes & TDX_TDVF_ATTR_PAGE_AUG);
	bool extend = s->attributes & TDX_TDVF_ATTR_MR_EXTEND;

	for (uint64_t i = 0; i < pages; i++) {
		if (add)
			tdx_page_add(c, s->gpa + i * TDX_PAGE_SIZE);
		if (extend && order == TDX_ORDER_SINGLE_PASS) {
			section_page(image, s, i, page);
			tdx_extend_page(c, s->gpa + i * TDX_PAGE_SIZE, page);
		}
	}
	for (uint64_t i = 0; extend && order == TDX_ORDER_TWO_PASS && i < pages;
	     i++) {
		section_page(image, s, i, page);
		tdx_extend_page(c, s->gpa + i * TDX_PAGE_SIZE, page);
	}
}

int tdx_mrtd_ovmf(const uint8_t *image, size_t len, enum tdx_order order,
		  uint8_t out[TDX_MRTD_SIZE], char err[TDX_ERR_LEN])
{
	uint8_t page[TDX_PAGE_SIZE];
	struct tdx_ctx *c;
	size_t d = 0;
	uint32_t count = 0;
	int rc;

	if (!image)
		return errf(err, "no image");
	if (tdx_tdvf_locate(image, len, &d, &count, err))
		return -1;
	c = tdx_ctx_new();
	if (!c)
		return errf(err, "cannot create a SHA-384 context");
	for (uint32_t i = 0; i < count; i++) {
		struct tdx_tdvf_section s;

		tdx_tdvf_section(image, d, i, &s);
		measure_section(c, image, &s, order, page);
	}
	rc = tdx_ctx_final(c, out);
	tdx_ctx_free(c);
	return rc ? errf(err, "SHA-384 failed") : 0;
}

/*
 * What one pass over the IGVM directives hashes (two passes: dstack-mr's
 * order).
 */
#define WALK_ADD    (1u << 0)
#define WALK_EXTEND (1u << 1)

struct igvm_walk {
	const struct igvm_file *f;
	const struct tdx_igvm_options *o;
	uint32_t mask; /* the TDX platform's compatibility bit */
	struct tdx_ctx *c;
	char *err;
};

/*
 * The TDX platform's mask bit, or 0 (igvm_defs 0.4.0, IGVM_VHS_*: platform_type
 * 3).
 */
static uint32_t tdx_platform_mask(const struct igvm_file *f)
{
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_supported_platform p;
		const struct igvm_vhdr *h = &f->headers[i];

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(h, &p, sizeof(p)) &&
		    p.platform_type == IGVM_PLATFORM_TDX)
			return p.compatibility_mask;
	}
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA: the size of the area that
 * headers[0..upto) declared as index.
 */
static int area_size(const struct igvm_file *f, size_t upto, uint32_t index,
		     uint64_t *bytes)
{
	for (size_t i = 0; i < upto; i++) {
		struct igvm_vhs_parameter_area a;
		const struct igvm_vhdr *h = &f->headers[i];

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_PARAMETER_AREA &&
		    !igvm_vhdr_get(h, &a, sizeof(a)) &&
		    a.parameter_area_index == index) {
			*bytes = a.number_of_bytes;
			return 0;
		}
	}
	return -1;
}

/*
 * igvm 0.4.0 igvm/src/measurement/tdx.rs: PAGE_DATA; SHARED pages are not part
 * of the TD's private memory.
 */
static int walk_page(struct igvm_walk *w, const struct igvm_vhdr *h,
		     unsigned int ops)
{
	struct igvm_vhs_page_data p;
	const uint8_t *data = NULL;

	if (igvm_vhdr_get(h, &p, sizeof(p)))
		return errf(w->err, "at 0x%x: bad PAGE_DATA length %u",
			    h->file_pos, h->length);
	if (p.flags & IGVM_PAGE_DATA_FLAG_SHARED)
		return 0;
	if (p.gpa % TDX_PAGE_SIZE || p.flags & IGVM_PAGE_DATA_FLAG_IS_2MB_PAGE)
		return errf(
			w->err,
			"at 0x%x: PAGE_DATA gpa 0x%llx flags 0x%x: want one aligned 4 KiB page",
			h->file_pos, (unsigned long long)p.gpa, p.flags);
	if (p.file_offset) {
		data = igvm_file_data(w->f, p.file_offset, TDX_PAGE_SIZE);
		if (!data)
			return errf(
				w->err,
				"at 0x%x: PAGE_DATA file_offset 0x%x is outside the file data",
				h->file_pos, p.file_offset);
	}
	if (ops & WALK_ADD)
		tdx_page_add(w->c, p.gpa);
	if (!(ops & WALK_EXTEND) || p.flags & IGVM_PAGE_DATA_FLAG_UNMEASURED)
		return 0;
	if (!data && w->o->zero_page_add_only)
		return 0;
	tdx_extend_page(w->c, p.gpa, data); /* NULL: a page of zeros */
	return 0;
}

/*
 * igvm 0.4.0 igvm/src/measurement/tdx.rs: every page of an inserted parameter
 * area is added, never extended.
 */
static int walk_insert(struct igvm_walk *w, size_t idx, unsigned int ops)
{
	const struct igvm_vhdr *h = &w->f->headers[idx];
	struct igvm_vhs_parameter_insert p;
	uint64_t bytes, end;

	if (w->o->ignore_parameter_areas)
		return 0;
	if (igvm_vhdr_get(h, &p, sizeof(p)))
		return errf(w->err, "at 0x%x: bad PARAMETER_INSERT length %u",
			    h->file_pos, h->length);
	if (area_size(w->f, idx, p.parameter_area_index, &bytes))
		return errf(w->err,
			    "at 0x%x: PARAMETER_INSERT of undeclared area %u",
			    h->file_pos, p.parameter_area_index);
	if (p.gpa % TDX_PAGE_SIZE || bytes % TDX_PAGE_SIZE ||
	    bytes > TDX_MAX_REGION_SIZE ||
	    __builtin_add_overflow(p.gpa, bytes, &end))
		return errf(
			w->err,
			"at 0x%x: parameter area %u (0x%llx bytes at 0x%llx) is misaligned or too large",
			h->file_pos, p.parameter_area_index,
			(unsigned long long)bytes, (unsigned long long)p.gpa);
	for (uint64_t gpa = p.gpa; (ops & WALK_ADD) && gpa < end;
	     gpa += TDX_PAGE_SIZE)
		tdx_page_add(w->c, gpa);
	return 0;
}

/* One pass over the directives in file order, hashing the ops asked for. */
static int walk(struct igvm_walk *w, unsigned int ops)
{
	for (size_t i = 0; i < w->f->header_count; i++) {
		const struct igvm_vhdr *h = &w->f->headers[i];
		int rc = 0;

		if (!igvm_vhdr_applies(h, w->mask))
			continue;
		switch (h->type & ~IGVM_VHT_OPTIONAL_BIT) {
		case IGVM_VHT_PAGE_DATA:
			rc = walk_page(w, h, ops);
			break;
		case IGVM_VHT_PARAMETER_INSERT:
			rc = walk_insert(w, i, ops);
			break;
		default: /* igvm_defs 0.4.0: no VP context on TDX; the rest is not measured */
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/*
 * TRUST: f was accepted by igvm_parse(), but this function does not rely on
 * its checks for memory safety: every body is copied with igvm_vhdr_get()
 * (exact length), every file_offset goes through igvm_file_data(), and area
 * sizes and GPAs are bounded and overflow-checked in a first pass that
 * hashes nothing.
 */
int tdx_mrtd_igvm(const struct igvm_file *f, const struct tdx_igvm_options *o,
		  uint8_t out[TDX_MRTD_SIZE], char err[TDX_ERR_LEN])
{
	static const struct tdx_igvm_options defaults = {0};
	struct igvm_walk w = {.f = f, .o = o ? o : &defaults, .err = err};
	int rc;

	if (!f || !f->headers)
		return errf(err, "no parsed IGVM file");
	w.mask = tdx_platform_mask(f);
	if (!w.mask)
		return errf(err, "the IGVM file has no TDX platform");
	/* Validate first, in a pass that hashes nothing (w.c is NULL). */
	if (walk(&w, 0))
		return -1;
	w.c = tdx_ctx_new();
	if (!w.c)
		return errf(err, "cannot create a SHA-384 context");
	if (w.o->order == TDX_ORDER_TWO_PASS)
		rc = walk(&w, WALK_ADD) || walk(&w, WALK_EXTEND);
	else
		rc = walk(&w, WALK_ADD | WALK_EXTEND);
	if (rc) {
		tdx_ctx_free(w.c);
		return -1;
	}
	rc = tdx_ctx_final(w.c, out);
	tdx_ctx_free(w.c);
	return rc ? errf(err, "SHA-384 failed") : 0;
}
