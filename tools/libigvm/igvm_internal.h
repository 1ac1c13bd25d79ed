/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the libigvm source files and nothing else: the
 * error formatter, the type table queries and the semantic validator.
 */
#pragma once

#include <stdint.h>

#include "igvm.h"

/*
 * igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers: the three
 * sections, in file order.
 */
enum igvm_section {
	IGVM_SECTION_NONE = -1, /* outside every range (0x201..0x300, ...) */
	IGVM_SECTION_PLATFORM = 0,
	IGVM_SECTION_INIT = 1,
	IGVM_SECTION_DIRECTIVE = 2,
};

#define IGVM_PAGE_MASK (IGVM_PAGE_SIZE_4K - 1)

/* Formats a one-line message into err (IGVM_ERR_LEN bytes) and returns -1. */
int igvm_errf(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The section that type (optional bit ignored) belongs to, by id range. */
enum igvm_section igvm_type_section(uint32_t type);

/*
 * The compatibility mask of h, if its type has one: true and *mask set, or
 * false for types that apply to every platform (igvm_defs 0.4.0,
 * IgvmVariableHeaderType).
 */
bool igvm_vhdr_mask(const struct igvm_vhdr *h, uint32_t *mask);

/*
 * Semantic checks over f->headers (every listed header is a known type with
 * its exact length): section order, platforms, masks, file-data ranges,
 * parameter areas. Sets f->platform_masks. 0, or -1 with a message in err.
 */
int igvm_validate(struct igvm_file *f, char *err);
