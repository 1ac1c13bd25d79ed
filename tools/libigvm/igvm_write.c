/* SPDX-License-Identifier: MIT */
/*
 * The IGVM builder: collects headers in the order the caller adds them and
 * serialises them into one file. The output is a function of the calls only
 * (no pointers, times or hash-table order leak into it), because the file's
 * bytes are what the hardware measures and builds must be reproducible.
 * Identical file-data blobs are stored once (legal, igvm_defs 0.4.0,
 * file_offset). Layout: fixed
 * header, TLVs (igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers),
 * file data in order of first use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"
#include "igvm_internal.h"

#define NO_BLOB	     SIZE_MAX
#define BLOB_BUCKETS 1024u

struct bld_hdr {
	uint32_t type;
	uint32_t len;
	uint8_t *body;
	size_t blob;	   /* index into blobs, or NO_BLOB */
	uint32_t fo_field; /* offset of the u32 file_offset in body */
};

struct bld_blob {
	uint8_t *data;
	size_t len;
	uint32_t crc;
	uint32_t file_offset; /* set by igvm_builder_write() */
	size_t next;	      /* hash chain: index + 1, 0 ends it */
};

struct igvm_builder {
	uint32_t version;
	enum igvm_section section;
	struct bld_hdr *hdrs;
	size_t hdr_count;
	size_t hdr_cap;
	struct bld_blob *blobs;
	size_t blob_count;
	size_t blob_cap;
	size_t bucket[BLOB_BUCKETS]; /* index + 1 of the chain head */
	char err[IGVM_ERR_LEN];
};

static int __attribute__((format(printf, 2, 3)))
bld_fail(struct igvm_builder *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return -1;
}

struct igvm_builder *igvm_builder_new(uint32_t format_version)
{
	struct igvm_builder *b;

	if (format_version != IGVM_FORMAT_VERSION_1 &&
	    format_version != IGVM_FORMAT_VERSION_2)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (b) {
		b->version = format_version;
		b->section = IGVM_SECTION_PLATFORM;
	}
	return b;
}

void igvm_builder_free(struct igvm_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->hdr_count; i++)
		free(b->hdrs[i].body);
	for (size_t i = 0; i < b->blob_count; i++)
		free(b->blobs[i].data);
	free(b->hdrs);
	free(b->blobs);
	free(b);
}

const char *igvm_builder_error(const struct igvm_builder *b)
{
	return b ? b->err : "no builder";
}

/* Makes room for one more element; returns the (moved) array or NULL. */
static void *grow(struct igvm_builder *b, void *arr, size_t *cap, size_t count,
		  size_t elem)
{
	void *n;
	size_t new_cap;

	if (count < *cap)
		return arr;
	new_cap = *cap ? *cap * 2 : 64;
	n = realloc(arr, new_cap * elem);
	if (!n) {
		bld_fail(b, "out of memory");
		return NULL;
	}
	*cap = new_cap;
	return n;
}

/*
 * Takes ownership of data (len bytes, already padded) and returns the index
 * of an identical blob, or of data as a new one. Cannot fail: the caller has
 * reserved a slot.
 */
static size_t intern_blob(struct igvm_builder *b, uint8_t *data, size_t len)
{
	uint32_t crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), data, len);
	size_t *head = &b->bucket[crc % BLOB_BUCKETS];
	struct bld_blob *bl;

	for (size_t i = *head; i; i = b->blobs[i - 1].next) {
		bl = &b->blobs[i - 1];
		if (bl->crc == crc && bl->len == len &&
		    !memcmp(bl->data, data, len)) {
			free(data);
			return i - 1;
		}
	}
	b->blobs[b->blob_count] = (struct bld_blob){
		.data = data,
		.len = len,
		.crc = crc,
		.next = *head,
	};
	*head = ++b->blob_count;
	return b->blob_count - 1;
}

/* File data for a header: blob_len bytes, src_len from src, rest zero. */
struct push_data {
	uint32_t fo_field; /* offset of the header's file_offset field */
	const void *src;   /* NULL: no file data (file_offset stays 0) */
	size_t src_len;
	size_t blob_len;
};

/*
 * Appends one header and, if fd->src is non-NULL, its file data. All checks
 * and allocations come first, so a failed call leaves the builder unchanged.
 */
static int push(struct igvm_builder *b, uint32_t type, const void *body,
		uint32_t len, const struct push_data *fd)
{
	uint32_t fo_field = fd ? fd->fo_field : 0;
	const void *src = fd ? fd->src : NULL;
	size_t src_len = fd ? fd->src_len : 0;
	size_t blob_len = fd ? fd->blob_len : 0;
	enum igvm_section sec = igvm_type_section(type);
	struct bld_hdr *hdrs;
	struct bld_blob *blobs;
	uint8_t *copy;
	uint8_t *data = NULL;

	if (len && !body)
		return bld_fail(b, "%s: no body", igvm_type_name(type));
	if (sec != IGVM_SECTION_NONE && sec < b->section)
		return bld_fail(
			b,
			"%s (0x%x) added after a later section started (igvm_defs 0.4.0 order: platform, initialization, directives)",
			igvm_type_name(type), type);
	hdrs = grow(b, b->hdrs, &b->hdr_cap, b->hdr_count, sizeof(*hdrs));
	if (!hdrs)
		return -1;
	b->hdrs = hdrs;
	blobs = grow(b, b->blobs, &b->blob_cap, b->blob_count, sizeof(*blobs));
	if (!blobs)
		return -1;
	b->blobs = blobs;
	copy = malloc(len ? len : 1);
	if (src)
		data = calloc(1, blob_len);
	if (!copy || (src && !data)) {
		free(copy);
		free(data);
		return bld_fail(b, "out of memory");
	}
	if (len)
		memcpy(copy, body, len);
	if (src)
		memcpy(data, src, src_len);
	b->hdrs[b->hdr_count++] = (struct bld_hdr){
		.type = type,
		.len = len,
		.body = copy,
		.blob = src ? intern_blob(b, data, blob_len) : NO_BLOB,
		.fo_field = fo_field,
	};
	if (sec != IGVM_SECTION_NONE)
		b->section = sec;
	return 0;
}

int igvm_builder_add(struct igvm_builder *b, uint32_t type, const void *body,
		     uint32_t len)
{
	uint32_t want = igvm_type_body_size(type);
	uint32_t base = type & ~IGVM_VHT_OPTIONAL_BIT;
	struct igvm_vhs_parameter_area pa;

	if (want && len != want)
		return bld_fail(b, "%s: body is %u bytes, want %u",
				igvm_type_name(type), len, want);
	if (!want && !(type & IGVM_VHT_OPTIONAL_BIT))
		return bld_fail(b, "unknown type 0x%x without the optional bit",
				type);
	if (base == IGVM_VHT_PAGE_DATA || base == IGVM_VHT_VP_CONTEXT ||
	    base == IGVM_VHT_CORIM_DOCUMENT || base == IGVM_VHT_CORIM_SIGNATURE)
		return bld_fail(
			b, "%s carries file data; use its own builder function",
			igvm_type_name(type));
	if (base == IGVM_VHT_PARAMETER_AREA && body) {
		memcpy(&pa, body, sizeof(pa));
		if (pa.file_offset)
			return bld_fail(
				b,
				"PARAMETER_AREA with initial data: use igvm_builder_parameter_area()");
	}
	return push(b, type, body, len, NULL);
}

int igvm_builder_page_data(struct igvm_builder *b, uint64_t gpa, uint32_t mask,
			   uint32_t flags, uint16_t data_type, const void *data,
			   size_t len)
{
	struct igvm_vhs_page_data p = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.flags = flags,
		.data_type = data_type,
	};

	if (len > IGVM_PAGE_SIZE_4K)
		return bld_fail(
			b,
			"PAGE_DATA at 0x%llx: %zu bytes of data, at most 4096",
			(unsigned long long)gpa, len);
	/*
	 * igvm_defs 0.4.0, IGVM_VHS_*: file_offset 0 is a page of zeros,
	 * without file data.
	 */
	if (data && util_all_zero(data, len))
		data = NULL;
	return push(b, IGVM_VHT_PAGE_DATA, &p, sizeof(p),
		    &(struct push_data){
			    offsetof(struct igvm_vhs_page_data, file_offset),
			    data, len, IGVM_PAGE_SIZE_4K});
}

int igvm_builder_parameter_area(struct igvm_builder *b, uint32_t index,
				uint64_t bytes, const void *init)
{
	struct igvm_vhs_parameter_area p = {
		.number_of_bytes = bytes,
		.parameter_area_index = index,
	};

	/*
	 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA, and the whole file (with
	 * this data) must fit in u32.
	 */
	if (!bytes || bytes % IGVM_PAGE_SIZE_4K || bytes > UINT32_MAX)
		return bld_fail(
			b,
			"PARAMETER_AREA %u: 0x%llx bytes is not a non-zero multiple of 4096 below 4 GiB",
			index, (unsigned long long)bytes);
	if (init && util_all_zero(init, bytes))
		init = NULL;
	return push(b, IGVM_VHT_PARAMETER_AREA, &p, sizeof(p),
		    &(struct push_data){offsetof(struct igvm_vhs_parameter_area,
						 file_offset),
					init, bytes, bytes});
}

int igvm_builder_vp_context(struct igvm_builder *b, uint64_t gpa, uint32_t mask,
			    uint16_t vp_index, const void *ctx, size_t len)
{
	static const uint8_t none[1];
	struct igvm_vhs_vp_context v = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.vp_index = vp_index,
	};

	if (len > IGVM_PAGE_SIZE_4K)
		return bld_fail(
			b, "VP_CONTEXT %u: %zu bytes of context, at most 4096",
			vp_index, len);
	/*
	 * igvm_defs 0.4.0, file_offset: a VP context always has 4 KiB of file
	 * data.
	 */
	if (!ctx) {
		ctx = none;
		len = 0;
	}
	return push(b, IGVM_VHT_VP_CONTEXT, &v, sizeof(v),
		    &(struct push_data){
			    offsetof(struct igvm_vhs_vp_context, file_offset),
			    ctx, len, IGVM_PAGE_SIZE_4K});
}

/* Fills out[0..total) (zeroed by the caller). */
static void emit(const struct igvm_builder *b, uint8_t *out, uint32_t fixed,
		 uint32_t vh_size, uint32_t total)
{
	struct igvm_fixed_header_v2 fh = {
		.magic = IGVM_MAGIC,
		.format_version = b->version,
		.variable_header_offset = fixed,
		.variable_header_size = vh_size,
		.total_file_size = total,
		.architecture = IGVM_ARCH_X64,
		.page_size = IGVM_PAGE_SIZE_4K,
	};
	uint32_t pos = fixed;
	uint32_t csum;

	memcpy(out, &fh, fixed);
	for (size_t i = 0; i < b->hdr_count; i++) {
		const struct bld_hdr *h = &b->hdrs[i];
		struct igvm_vhs_variable_header tlv = {h->type, h->len};

		memcpy(out + pos, &tlv, sizeof(tlv));
		memcpy(out + pos + sizeof(tlv), h->body, h->len);
		if (h->blob != NO_BLOB)
			memcpy(out + pos + sizeof(tlv) + h->fo_field,
			       &b->blobs[h->blob].file_offset,
			       sizeof(uint32_t));
		pos += sizeof(tlv) +
		       ((h->len + IGVM_TLV_ALIGN - 1) & ~(IGVM_TLV_ALIGN - 1));
	}
	for (size_t i = 0; i < b->blob_count; i++)
		memcpy(out + b->blobs[i].file_offset, b->blobs[i].data,
		       b->blobs[i].len);
	csum = igvm_checksum(out, total, fixed, fixed, vh_size);
	memcpy(out + offsetof(struct igvm_fixed_header, checksum), &csum,
	       sizeof(csum));
}

int igvm_builder_write(struct igvm_builder *b, uint8_t **out, size_t *out_len)
{
	uint32_t fixed = b->version == IGVM_FORMAT_VERSION_1
				 ? sizeof(struct igvm_fixed_header)
				 : sizeof(struct igvm_fixed_header_v2);
	uint64_t vh_size = 0;
	uint64_t total;
	struct igvm_file check;
	char msg[IGVM_ERR_LEN];
	uint8_t *buf;

	for (size_t i = 0; i < b->hdr_count; i++)
		vh_size += sizeof(struct igvm_vhs_variable_header) +
			   (((uint64_t)b->hdrs[i].len + IGVM_TLV_ALIGN - 1) &
			    ~(uint64_t)(IGVM_TLV_ALIGN - 1));
	total = fixed + vh_size;
	for (size_t i = 0; i < b->blob_count && total <= UINT32_MAX; i++) {
		b->blobs[i].file_offset = (uint32_t)total;
		total += b->blobs[i].len;
	}
	/*
	 * igvm_defs 0.4.0, file_offset: loaders reject an empty data section,
	 * so a file without
	 * any file data gets 8 zero bytes that nothing references.
	 */
	if (!b->blob_count)
		total += IGVM_TLV_ALIGN;
	if (total > UINT32_MAX)
		return bld_fail(b, "the file would be larger than 4 GiB");
	buf = calloc(1, total);
	if (!buf)
		return bld_fail(b, "out of memory");
	emit(b, buf, fixed, (uint32_t)vh_size, (uint32_t)total);

	/* Never hand out a file that our own parser would reject. */
	if (igvm_parse(buf, total, &check, msg)) {
		free(buf);
		return bld_fail(b, "the headers do not form a valid file: %s",
				msg);
	}
	igvm_file_free(&check);
	*out = buf;
	*out_len = total;
	return 0;
}
