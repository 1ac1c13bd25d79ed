/* SPDX-License-Identifier: MIT */
/*
 * libigvm: the host tools' IGVM library. igvm_parse() reads and fully
 * validates a file (the input is untrusted: any byte string gives either a
 * parsed file or a one-line error, never an out-of-bounds read); the builder
 * writes files deterministically, because the bytes it emits are what the
 * hardware measures. Wire layouts are in include/abi/igvm.h; format rules are
 * those of the IGVM crate igvm_defs 0.4.0 and its parser, igvm 0.4.0.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/igvm.h"

/* The structs are read with memcpy, which is only right on a LE host. */
_Static_assert(
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	"libigvm assumes a little-endian host (IGVM is LE, igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers)");

#define IGVM_ERR_LEN 256

/*
 * Bounds every tool applies through igvm_parse(), so a file is judged the
 * same by dump, measure, sign, verify and the launcher:
 *  - a file is at most 1 GiB (the format allows 4 GiB; no SVSM or
 *    firmware image comes near 1 GiB, and every tool reads it whole);
 *  - a parameter area is at most 64 MiB, and all of a file's areas
 *    together at most 256 MiB (a memory map, ACPI tables or a command
 *    line fill a few pages; a loader allocates and a measurement walks
 *    every page of them);
 *  - every GPA range ends at or below 2^52, the architectural limit of a
 *    physical address (AMD APM vol. 2, "Physical address size").
 */
#define IGVM_MAX_FILE_SIZE	 (1u << 30)
#define IGVM_MAX_PARAMETER_AREA	 (64ull << 20)
#define IGVM_MAX_PARAMETER_TOTAL (256ull << 20)
#define IGVM_MAX_GPA		 (1ull << 52)

struct igvm_vhdr {	     /* one variable header, a view into the file */
	uint32_t type;	     /* as in the file, including the optional bit */
	uint32_t length;     /* body length */
	const uint8_t *body; /* in the caller's buffer; may be unaligned */
	uint32_t file_pos;   /* file offset of the TLV, for messages */
};

struct igvm_file {
	uint32_t format_version;    /* 1 or 2 */
	uint32_t fixed_header_size; /* 24 or 32 */
	const uint8_t *buf;	    /* borrowed: the caller keeps it */
	size_t size;
	uint32_t data_start;	   /* first byte of the file data */
	struct igvm_vhdr *headers; /* malloc'ed; unknown optional headers
					 * are skipped and not listed */
	size_t header_count;
	uint32_t platform_masks; /* OR of all SUPPORTED_PLATFORM masks */
};

/*
 * Parses and fully validates buf. 0 on success; -1 with a one-line message in
 * err (may include the file offset). Never crashes, never reads out of
 * bounds, on any input. On failure *out is left empty (igvm_file_free() on it
 * is harmless). err may be NULL.
 */
int igvm_parse(const uint8_t *buf, size_t size, struct igvm_file *out,
	       char err[IGVM_ERR_LEN]);
void igvm_file_free(struct igvm_file *f);

/*
 * Copies a header body into a struct (bodies may be unaligned). Returns 0, or
 * -1 if the length differs.
 */
int igvm_vhdr_get(const struct igvm_vhdr *h, void *out, size_t out_size);

/*
 * Pointer to len bytes of file data at file_offset; NULL when file_offset is
 * 0 or the range leaves the data section.
 */
const uint8_t *igvm_file_data(const struct igvm_file *f, uint32_t file_offset,
			      size_t len);

/*
 * Type name for dumps and messages ("PAGE_DATA"), or "UNKNOWN". The optional
 * bit is ignored.
 */
const char *igvm_type_name(uint32_t type);

/* Body length of a known type (optional bit ignored), 0 for unknown ones. */
uint32_t igvm_type_body_size(uint32_t type);

/*
 * Whether a loader that selected the platforms in platform_mask processes h:
 * headers without a compatibility mask (PARAMETER_AREA, the parameter
 * directives) apply to every platform (igvm_defs 0.4.0, IgvmVariableHeaderType;
 * compatibility masks).
 */
bool igvm_vhdr_applies(const struct igvm_vhdr *h, uint32_t platform_mask);

/*
 * The CRC-32 of igvm_defs 0.4.0, IGVM_FIXED_HEADER.checksum over a fixed header
 * of fixed_size bytes (checksum
 * field treated as 0) followed by the vh_size bytes at vh_offset. Returns 0
 * without reading anything when a range is outside buf.
 */
uint32_t igvm_checksum(const uint8_t *buf, size_t size, uint32_t fixed_size,
		       uint32_t vh_offset, uint32_t vh_size);

struct igvm_builder;

/* format_version 1 or 2; NULL on OOM or a bad version. */
struct igvm_builder *igvm_builder_new(uint32_t format_version);
void igvm_builder_free(struct igvm_builder *b);

/*
 * Appends a header with no file data (platform, policy, insert, parameter,
 * required memory, ...). Headers must be added in section order (platform,
 * initialization, directives); an out-of-order add fails with -1 and a message
 * from igvm_builder_error(). Known types must have their exact length. Types
 * that carry file data (PAGE_DATA, VP_CONTEXT, CORIM_*, PARAMETER_AREA with a
 * file_offset) must go through the functions below.
 */
int igvm_builder_add(struct igvm_builder *b, uint32_t type, const void *body,
		     uint32_t len);

/*
 * PAGE_DATA for one 4 KiB page; data NULL or all-zero => file_offset 0 (a
 * page of zeros); len <= 4096, zero-padded.
 */
int igvm_builder_page_data(struct igvm_builder *b, uint64_t gpa, uint32_t mask,
			   uint32_t flags, uint16_t data_type, const void *data,
			   size_t len);

/*
 * PARAMETER_AREA with optional initial data of bytes bytes (NULL or all-zero
 * => file_offset 0, which means zero-filled); bytes is a non-zero multiple of
 * 4096.
 */
int igvm_builder_parameter_area(struct igvm_builder *b, uint32_t index,
				uint64_t bytes, const void *init);

/* VP_CONTEXT whose 4 KiB of file data is ctx (len <= 4096, zero-padded). */
int igvm_builder_vp_context(struct igvm_builder *b, uint64_t gpa, uint32_t mask,
			    uint16_t vp_index, const void *ctx, size_t len);

/*
 * Serialises: computes file offsets, the checksum and total size; identical
 * data blobs are shared. *out is malloc'ed. Deterministic: same calls => same
 * bytes. The result is checked with igvm_parse() before it is returned, so the
 * builder never hands out a file its own parser rejects.
 */
int igvm_builder_write(struct igvm_builder *b, uint8_t **out, size_t *out_len);

/* The message of the last failure ("" if none). */
const char *igvm_builder_error(const struct igvm_builder *b);
