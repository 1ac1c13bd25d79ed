/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for igvm_parse(): an IGVM file is untrusted input to the
 * host tools, so parsing must be total. Each input is parsed twice: as given,
 * and with total_file_size and the checksum repaired (igvm_defs 0.4.0,
 * IGVM_FIXED_HEADER), so
 * that mutations reach the TLV walk and the semantic checks instead of
 * stopping at the checksum. When a file parses, every header body and every
 * file-data range it names is read, so ASan sees any view that the parser
 * let out of the buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "igvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc ^= p[i];
	sink = acc;
}

/* The length of the file data a header names, or 0. */
static uint32_t data_ref(const struct igvm_vhdr *h, uint32_t *off)
{
	struct igvm_vhs_page_data pd;
	struct igvm_vhs_vp_context vp;
	struct igvm_vhs_parameter_area pa;

	switch (h->type & ~IGVM_VHT_OPTIONAL_BIT) {
	case IGVM_VHT_PAGE_DATA:
		if (igvm_vhdr_get(h, &pd, sizeof(pd)))
			abort();
		*off = pd.file_offset;
		return IGVM_PAGE_SIZE_4K;
	case IGVM_VHT_VP_CONTEXT:
		if (igvm_vhdr_get(h, &vp, sizeof(vp)))
			abort();
		*off = vp.file_offset;
		return IGVM_PAGE_SIZE_4K;
	case IGVM_VHT_PARAMETER_AREA:
		if (igvm_vhdr_get(h, &pa, sizeof(pa)))
			abort();
		*off = pa.file_offset;
		return (uint32_t)pa.number_of_bytes;
	default:
		return 0;
	}
}

static void walk(const struct igvm_file *f)
{
	uint8_t body[1024];

	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		uint32_t want = igvm_type_body_size(h->type);
		uint32_t off = 0;
		uint32_t len;
		const uint8_t *d;

		/* The parser lists only known types with their exact size. */
		if (!want || h->length != want || want > sizeof(body) ||
		    igvm_vhdr_get(h, body, want))
			abort();
		(void)igvm_type_name(h->type);
		(void)igvm_vhdr_applies(h, f->platform_masks);
		len = data_ref(h, &off);
		if (!len || !off)
			continue;
		d = igvm_file_data(f, off, len);
		/* Validation guarantees every named range is inside. */
		if (!d)
			abort();
		touch(d, len);
	}
}

static void parse_one(const uint8_t *buf, size_t size)
{
	struct igvm_file f;
	char err[IGVM_ERR_LEN];

	if (igvm_parse(buf, size, &f, err)) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort();
		return;
	}
	walk(&f);
	igvm_file_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igvm_fixed_header_v2 fh = {0};
	uint32_t fixed;
	uint8_t *copy;

	parse_one(data, size);
	if (size < sizeof(struct igvm_fixed_header) || size > UINT32_MAX)
		return 0;
	/* An exact-size copy, so any over-read is a heap overflow for ASan. */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(&fh, copy, sizeof(struct igvm_fixed_header));
	fixed = fh.format_version == 2 ? 32 : 24;
	if (size >= fixed) {
		memcpy(&fh, copy, fixed);
		fh.total_file_size = (uint32_t)size;
		fh.checksum = igvm_checksum(copy, size, fixed,
					    fh.variable_header_offset,
					    fh.variable_header_size);
		memcpy(copy, &fh, sizeof(struct igvm_fixed_header));
		parse_one(copy, size);
	}
	free(copy);
	return 0;
}
