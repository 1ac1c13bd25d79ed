/* SPDX-License-Identifier: MIT */
/*
 * Reading an IGVM file: the fixed header, the checksum and the walk over the
 * variable-header TLVs, producing a list of views into the caller's buffer.
 * The per-type rules (sections, platforms, masks, file-data ranges, parameter
 * areas) are in igvm_validate.c. Format facts: igvm_defs 0.4.0,
 * IGVM_FIXED_HEADER and the variable headers; IGVM_FIXED_HEADER;
 * IGVM_FIXED_HEADER.checksum; file_offset.
 */
/*
 * TRUST: every byte of the file is controlled by whoever supplies it (the
 * build pipeline, a download, a hostile host). Offsets and sizes are checked
 * against the buffer with overflow-checked arithmetic before any read, and a
 * hostile value produces a -1 and a message, never an out-of-bounds read, a
 * crash or an unbounded allocation (the header list is bounded by the file
 * size). Bodies are copied out with memcpy because they may be unaligned.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "igvm_internal.h"

#define CSUM_OFF offsetof(struct igvm_fixed_header, checksum)

int igvm_errf(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, IGVM_ERR_LEN, fmt, ap);
		va_end(ap);
	}
	return -1;
}

uint32_t igvm_checksum(const uint8_t *buf, size_t size, uint32_t fixed_size,
		       uint32_t vh_offset, uint32_t vh_size)
{
	static const uint8_t zero[sizeof(uint32_t)];
	size_t vh_end;
	uLong crc;

	if (!buf || fixed_size < sizeof(struct igvm_fixed_header) ||
	    fixed_size > size ||
	    __builtin_add_overflow((size_t)vh_offset, (size_t)vh_size,
				   &vh_end) ||
	    vh_end > size)
		return 0;
	/*
	 * igvm_defs 0.4.0, IGVM_FIXED_HEADER.checksum: fixed header with
	 * checksum 0, then the TLV section.
	 */
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, buf, CSUM_OFF);
	crc = crc32(crc, zero, sizeof(zero));
	crc = crc32(crc, buf + CSUM_OFF + sizeof(zero),
		    fixed_size - CSUM_OFF - sizeof(zero));
	crc = crc32(crc, buf + vh_offset, vh_size);
	return (uint32_t)crc;
}

/*
 * igvm_defs 0.4.0, IGVM_FIXED_HEADER (fixed header, checksum); igvm 0.4.0
 * (non-empty data).
 */
static int parse_fixed(struct igvm_file *f, uint32_t *vh_off, uint32_t *vh_end,
		       char *err)
{
	struct igvm_fixed_header_v2 fh = {0};
	uint32_t want;

	if (f->size < sizeof(struct igvm_fixed_header))
		return igvm_errf(
			err,
			"file is %zu bytes, too small for an IGVM fixed header (24)",
			f->size);
	memcpy(&fh, f->buf, sizeof(struct igvm_fixed_header));
	if (fh.magic != IGVM_MAGIC)
		return igvm_errf(err,
				 "bad magic 0x%08x (want 0x%08x, \"IGVM\")",
				 fh.magic, IGVM_MAGIC);
	f->format_version = fh.format_version;
	if (fh.format_version == IGVM_FORMAT_VERSION_1) {
		f->fixed_header_size = sizeof(struct igvm_fixed_header);
	} else if (fh.format_version == IGVM_FORMAT_VERSION_2) {
		f->fixed_header_size = sizeof(struct igvm_fixed_header_v2);
		if (f->size < sizeof(fh))
			return igvm_errf(
				err,
				"file is %zu bytes, too small for an IGVM v2 fixed header (32)",
				f->size);
		memcpy(&fh, f->buf, sizeof(fh));
		if (fh.architecture != IGVM_ARCH_X64)
			return igvm_errf(
				err,
				"unsupported architecture %u (only 0, x64)",
				fh.architecture);
		if (fh.page_size != IGVM_PAGE_SIZE_4K)
			return igvm_errf(err,
					 "unsupported page_size %u (only 4096)",
					 fh.page_size);
	} else {
		return igvm_errf(err,
				 "unsupported format_version %u (want 1 or 2)",
				 fh.format_version);
	}

	if (fh.variable_header_offset < f->fixed_header_size)
		return igvm_errf(
			err,
			"variable_header_offset 0x%x overlaps the %u-byte fixed header",
			fh.variable_header_offset, f->fixed_header_size);
	if (fh.variable_header_offset % IGVM_TLV_ALIGN)
		return igvm_errf(
			err,
			"variable_header_offset 0x%x is not 8-byte aligned",
			fh.variable_header_offset);
	if (__builtin_add_overflow(fh.variable_header_offset,
				   fh.variable_header_size, vh_end) ||
	    *vh_end > f->size)
		return igvm_errf(
			err,
			"variable headers at 0x%x, size 0x%x, run past the end of the %zu-byte file",
			fh.variable_header_offset, fh.variable_header_size,
			f->size);
	if (fh.total_file_size != f->size)
		return igvm_errf(
			err,
			"total_file_size %u does not match the file size %zu",
			fh.total_file_size, f->size);

	want = igvm_checksum(f->buf, f->size, f->fixed_header_size,
			     fh.variable_header_offset,
			     fh.variable_header_size);
	if (fh.checksum != want)
		return igvm_errf(
			err,
			"checksum 0x%08x does not match the computed 0x%08x",
			fh.checksum, want);
	if (*vh_end >= f->size)
		return igvm_errf(
			err,
			"the file-data section is empty (loaders reject this, igvm 0.4.0)");
	*vh_off = fh.variable_header_offset;
	f->data_start = *vh_end;
	return 0;
}

static int append_header(struct igvm_file *f, size_t *cap,
			 const struct igvm_vhdr *h, char *err)
{
	struct igvm_vhdr *n;

	if (f->header_count == *cap) {
		size_t new_cap = *cap ? *cap * 2 : 16;

		n = realloc(f->headers, new_cap * sizeof(*n));
		if (!n)
			return igvm_errf(err, "out of memory");
		f->headers = n;
		*cap = new_cap;
	}
	f->headers[f->header_count++] = *h;
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers: {u32 type; u32
 * length; body; zero padding to 8}. pos stays
 * 8-aligned because vh_off is and every step is a multiple of 8.
 */
static int walk_tlvs(struct igvm_file *f, uint32_t vh_off, uint32_t vh_end,
		     char *err)
{
	size_t cap = 0;
	uint32_t pos = vh_off;

	while (pos < vh_end) {
		struct igvm_vhs_variable_header tlv;
		struct igvm_vhdr h;
		uint32_t room = vh_end - pos;
		uint64_t padded;
		uint32_t want;

		if (room < sizeof(tlv))
			return igvm_errf(
				err,
				"at 0x%x: %u trailing bytes, too few for a variable header",
				pos, room);
		memcpy(&tlv, f->buf + pos, sizeof(tlv));
		room -= sizeof(tlv);
		if (tlv.length > room)
			return igvm_errf(
				err,
				"at 0x%x: %s (0x%x) length %u runs past the variable headers (%u bytes left)",
				pos, igvm_type_name(tlv.type), tlv.type,
				tlv.length, room);
		padded = ((uint64_t)tlv.length + IGVM_TLV_ALIGN - 1) &
			 ~(uint64_t)(IGVM_TLV_ALIGN - 1);
		if (padded > room)
			return igvm_errf(
				err,
				"at 0x%x: padding of the %u-byte body runs past the variable headers",
				pos, tlv.length);
		h = (struct igvm_vhdr){
			.type = tlv.type,
			.length = tlv.length,
			.body = f->buf + pos + sizeof(tlv),
			.file_pos = pos,
		};
		for (uint64_t i = tlv.length; i < padded; i++)
			if (h.body[i])
				return igvm_errf(
					err,
					"at 0x%x: non-zero padding after the %u-byte body of %s",
					pos, tlv.length,
					igvm_type_name(tlv.type));

		want = igvm_type_body_size(tlv.type);
		if (!want && !(tlv.type & IGVM_VHT_OPTIONAL_BIT))
			return igvm_errf(
				err,
				"at 0x%x: unknown header type 0x%x without the optional bit",
				pos, tlv.type);
		if (want && tlv.length != want)
			return igvm_errf(err, "at 0x%x: %s length %u, want %u",
					 pos, igvm_type_name(tlv.type),
					 tlv.length, want);
		/*
		 * igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers:
		 * unknown optional headers may be ignored.
		 */
		if (want && append_header(f, &cap, &h, err))
			return -1;
		pos += sizeof(tlv) + (uint32_t)padded;
	}
	return 0;
}

int igvm_parse(const uint8_t *buf, size_t size, struct igvm_file *out,
	       char err[IGVM_ERR_LEN])
{
	struct igvm_file f = {.buf = buf, .size = size};
	uint32_t vh_off = 0;
	uint32_t vh_end = 0;

	if (err)
		err[0] = '\0';
	if (!out)
		return igvm_errf(err, "no output file given");
	memset(out, 0, sizeof(*out));
	if (!buf)
		return igvm_errf(err, "no input buffer");
	/* The tools' bound (igvm.h); also keeps u32 file offsets in range. */
	if (size > IGVM_MAX_FILE_SIZE)
		return igvm_errf(err, "%zu bytes, more than the %u accepted",
				 size, IGVM_MAX_FILE_SIZE);
	if (parse_fixed(&f, &vh_off, &vh_end, err) ||
	    walk_tlvs(&f, vh_off, vh_end, err) || igvm_validate(&f, err)) {
		free(f.headers);
		return -1;
	}
	*out = f;
	return 0;
}

void igvm_file_free(struct igvm_file *f)
{
	if (!f)
		return;
	free(f->headers);
	memset(f, 0, sizeof(*f));
}

int igvm_vhdr_get(const struct igvm_vhdr *h, void *out, size_t out_size)
{
	if (!h || !out || h->length != out_size)
		return -1;
	memcpy(out, h->body, out_size);
	return 0;
}

const uint8_t *igvm_file_data(const struct igvm_file *f, uint32_t file_offset,
			      size_t len)
{
	/*
	 * igvm_defs 0.4.0, file_offset: offsets are absolute and 0 means "no
	 * data".
	 */
	if (!f || !f->buf || file_offset == 0 || file_offset < f->data_start ||
	    file_offset > f->size || len > f->size - file_offset)
		return NULL;
	return f->buf + file_offset;
}
