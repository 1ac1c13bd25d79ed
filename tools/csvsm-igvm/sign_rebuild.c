/* SPDX-License-Identifier: MIT */
/*
 * How `sign` adds its directive: every header of the input is copied, in
 * order, into a new file through libigvm's builder, the SNP_ID_BLOCK is
 * appended, and the result is parsed again and compared with the input,
 * header by header and data page by data page (file offsets aside), so a
 * header the builder cannot reproduce is an error, never a silent change.
 *
 * TRUST: the input is an untrusted file that igvm_parse() accepted; file
 * data is reached through igvm_file_data() only.
 */
#include "sign_rebuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Where a header's file data is described: the offset of its u32
 * file_offset in the body, and the data length (igvm_defs 0.4.0, IGVM_VHS_*;
 * file_offset). False for
 * headers without file data.
 */
static bool data_field(const struct igvm_vhdr *h, size_t *fo_field,
		       uint64_t *len)
{
	struct igvm_vhs_parameter_area pa;
	struct igvm_vhs_corim_data cd;

	switch (h->type & ~IGVM_VHT_OPTIONAL_BIT) {
	case IGVM_VHT_PAGE_DATA:
		*fo_field = offsetof(struct igvm_vhs_page_data, file_offset);
		*len = IGVM_PAGE_SIZE_4K;
		return true;
	case IGVM_VHT_VP_CONTEXT:
		*fo_field = offsetof(struct igvm_vhs_vp_context, file_offset);
		*len = IGVM_PAGE_SIZE_4K;
		return true;
	case IGVM_VHT_PARAMETER_AREA:
		if (igvm_vhdr_get(h, &pa, sizeof(pa)))
			return false;
		*fo_field =
			offsetof(struct igvm_vhs_parameter_area, file_offset);
		*len = pa.number_of_bytes;
		return true;
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		if (igvm_vhdr_get(h, &cd, sizeof(cd)))
			return false;
		*fo_field = offsetof(struct igvm_vhs_corim_data, file_offset);
		*len = cd.size_bytes;
		return true;
	default:
		return false;
	}
}

/*
 * The file data of h; NULL when file_offset is 0 (zeros, igvm_defs 0.4.0,
 * IGVM_VHS_*).
 */
static const uint8_t *data_of(const struct igvm_file *f,
			      const struct igvm_vhdr *h, size_t fo_field,
			      uint64_t len)
{
	uint32_t fo;

	memcpy(&fo, h->body + fo_field, sizeof(fo));
	return igvm_file_data(f, fo, len);
}

/* Appends a copy of h (from f) to b; -1 with a message. */
static int copy_header(struct igvm_builder *b, const struct igvm_file *f,
		       const struct igvm_vhdr *h, char *err)
{
	struct igvm_vhs_page_data pd;
	struct igvm_vhs_vp_context vp;
	struct igvm_vhs_parameter_area pa;
	const uint8_t *data;
	int rc;

	switch (h->type & ~IGVM_VHT_OPTIONAL_BIT) {
	case IGVM_VHT_PAGE_DATA:
		memcpy(&pd, h->body, sizeof(pd)); /* length: igvm_parse() */
		data = igvm_file_data(f, pd.file_offset, IGVM_PAGE_SIZE_4K);
		rc = igvm_builder_page_data(b, pd.gpa, pd.compatibility_mask,
					    pd.flags, pd.data_type, data,
					    data ? IGVM_PAGE_SIZE_4K : 0);
		break;
	case IGVM_VHT_VP_CONTEXT:
		memcpy(&vp, h->body, sizeof(vp));
		data = igvm_file_data(f, vp.file_offset, IGVM_PAGE_SIZE_4K);
		rc = igvm_builder_vp_context(b, vp.gpa, vp.compatibility_mask,
					     vp.vp_index, data,
					     data ? IGVM_PAGE_SIZE_4K : 0);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		memcpy(&pa, h->body, sizeof(pa));
		data = igvm_file_data(f, pa.file_offset, pa.number_of_bytes);
		rc = igvm_builder_parameter_area(b, pa.parameter_area_index,
						 pa.number_of_bytes, data);
		break;
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		snprintf(
			err, SIGN_ERR_LEN,
			"%s at 0x%x: libigvm's builder cannot write CoRIM headers yet",
			igvm_type_name(h->type), h->file_pos);
		return -1;
	default:
		rc = igvm_builder_add(b, h->type, h->body, h->length);
		break;
	}
	if (rc)
		snprintf(err, SIGN_ERR_LEN, "copying %s at 0x%x: %s",
			 igvm_type_name(h->type), h->file_pos,
			 igvm_builder_error(b));
	return rc;
}

/* NULL stands for zeros (igvm_defs 0.4.0, IGVM_VHS_*: file_offset 0). */
static bool same_data(const uint8_t *x, const uint8_t *y, uint64_t len)
{
	const uint8_t *p = x ? x : y;

	if (x && y)
		return !memcmp(x, y, len);
	for (uint64_t i = 0; p && i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Header a (of file fa) and b (of fb) are the same up to file placement. */
static bool same_header(const struct igvm_file *fa, const struct igvm_vhdr *a,
			const struct igvm_file *fb, const struct igvm_vhdr *b)
{
	size_t fo = 0;
	uint64_t len = 0;

	if (a->type != b->type || a->length != b->length)
		return false;
	if (!data_field(a, &fo, &len))
		return !memcmp(a->body, b->body, a->length);
	return !memcmp(a->body, b->body, fo) &&
	       !memcmp(a->body + fo + 4, b->body + fo + 4,
		       a->length - fo - 4) &&
	       same_data(data_of(fa, a, fo, len), data_of(fb, b, fo, len), len);
}

/*
 * The rebuilt file must be the input plus the directive: same version, same
 * headers in the same order with the same bodies (file offsets aside) and
 * file data, and nothing else.
 */
static int check_copy(const struct igvm_file *in, const struct igvm_file *out,
		      const struct igvm_vhs_snp_id_block *d, char *err)
{
	const struct igvm_vhdr *last;

	if (out->format_version != in->format_version ||
	    out->header_count != in->header_count + 1) {
		snprintf(
			err, SIGN_ERR_LEN,
			"internal error: the rebuilt file has %zu headers, version %u (want %zu, %u)",
			out->header_count, out->format_version,
			in->header_count + 1, in->format_version);
		return -1;
	}
	for (size_t i = 0; i < in->header_count; i++) {
		if (same_header(in, &in->headers[i], out, &out->headers[i]))
			continue;
		snprintf(err, SIGN_ERR_LEN,
			 "%s at 0x%x cannot be reproduced by libigvm's builder",
			 igvm_type_name(in->headers[i].type),
			 in->headers[i].file_pos);
		return -1;
	}
	last = &out->headers[in->header_count];
	if (last->type != IGVM_VHT_SNP_ID_BLOCK || last->length != sizeof(*d) ||
	    memcmp(last->body, d, sizeof(*d)) != 0) {
		snprintf(
			err, SIGN_ERR_LEN,
			"internal error: the SNP_ID_BLOCK is not the last header");
		return -1;
	}
	return 0;
}

/*
 * Unknown optional headers are skipped by igvm_parse() (igvm_defs 0.4.0,
 * IGVM_FIXED_HEADER and the variable headers), so a
 * copy of the listed headers would silently drop them: refuse such files.
 */
int sign_check_all_listed(const struct igvm_file *f, const char *name,
			  char *err)
{
	struct igvm_fixed_header fh;
	uint64_t listed = 0;

	memcpy(&fh, f->buf, sizeof(fh));
	for (size_t i = 0; i < f->header_count; i++)
		listed +=
			sizeof(struct igvm_vhs_variable_header) +
			(((uint64_t)f->headers[i].length + IGVM_TLV_ALIGN - 1) &
			 ~(uint64_t)(IGVM_TLV_ALIGN - 1));
	if (listed == fh.variable_header_size)
		return 0;
	snprintf(
		err, SIGN_ERR_LEN,
		"%s: has headers of unknown optional types, which a rebuilt file would lose",
		name);
	return -1;
}

/* The input's headers, then the directive, through the builder. */
int sign_rebuild(const struct igvm_file *in,
		 const struct igvm_vhs_snp_id_block *d, uint8_t **out,
		 size_t *out_len, char *err)
{
	struct igvm_builder *b = igvm_builder_new(in->format_version);
	struct igvm_file check;
	char msg[IGVM_ERR_LEN];
	int rc = -1;

	*out = NULL;
	if (!b) {
		snprintf(err, SIGN_ERR_LEN, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < in->header_count; i++)
		if (copy_header(b, in, &in->headers[i], err))
			goto out;
	if (igvm_builder_add(b, IGVM_VHT_SNP_ID_BLOCK, d, sizeof(*d)) ||
	    igvm_builder_write(b, out, out_len)) {
		snprintf(err, SIGN_ERR_LEN, "%s", igvm_builder_error(b));
		goto out;
	}
	if (igvm_parse(*out, *out_len, &check, msg)) {
		snprintf(err, SIGN_ERR_LEN, "internal error: %s", msg);
		goto out;
	}
	rc = check_copy(in, &check, d, err);
	igvm_file_free(&check);
out:
	if (rc) {
		free(*out);
		*out = NULL;
	}
	igvm_builder_free(b);
	return rc;
}
