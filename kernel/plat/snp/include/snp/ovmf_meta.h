/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's SEV metadata, read by the SVSM
 * (kernel/plat/snp/ovmf_meta.c; wire format in include/abi/ovmf_meta.h):
 * which ranges the launch must have validated for the firmware, and where
 * the firmware wants its secrets page, CPUID page and SVSM calling area.
 * The firmware image is the host's input (measured, but whatever the
 * file's author put there): every offset, length and address is checked,
 * and a range that touches the SVSM region is refused.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define FW_META_MAX_SECTIONS 32u
/* Entries of the footer GUID table (OVMF has about six). */
#define FW_META_MAX_ENTRIES 32u

struct fw_section {
	uint64_t gpa;  /* page aligned */
	uint64_t size; /* page multiple, non-zero */
	uint32_t type; /* OVMF_META_* */
};

struct fw_meta {
	uint32_t count;
	struct fw_section sections[FW_META_MAX_SECTIONS];
	/* The single pages the firmware names (0: absent). */
	uint64_t secrets_gpa;
	uint64_t cpuid_gpa;
	uint64_t caa_gpa;
};

/*
 * Reads bytes [off, off + len) of the firmware image; 0, or -1 when they
 * cannot be read. The parser only asks for ranges inside the image.
 */
typedef int (*fw_read_fn)(void *ctx, uint64_t off, void *dst, uint32_t len);

/*
 * Parses the SEV metadata of a firmware image of `size` bytes that ends
 * at 4 GiB. Refused (SVSM_E_INVAL, *out zeroed): no footer table, a table
 * or metadata that does not fit the image, a table with a GUID twice or
 * more than FW_META_MAX_ENTRIES entries, more than FW_META_MAX_SECTIONS
 * sections, a section that is empty, not page aligned, wraps or goes past
 * 4 GiB, of an unknown type, overlapping another, a secrets, CPUID or CAA
 * section that is not exactly one page or appears twice, or any section
 * overlapping [svsm_base, svsm_base + svsm_size). No SEV metadata at all
 * is SVSM_E_UNSUPPORTED. SVSM_E_FAULT when read fails.
 */
enum svsm_err __must_check ovmf_meta_parse(fw_read_fn read, void *ctx,
					   uint64_t size, uint64_t svsm_base,
					   uint64_t svsm_size,
					   struct fw_meta *out);
