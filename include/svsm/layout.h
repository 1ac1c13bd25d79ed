/* SPDX-License-Identifier: MIT */
/*
 * The named physical layout of the SVSM's static region: one table, filled
 * at boot, checked for overlaps and printed. Everything the SVSM owns in
 * the region appears here under a name.
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define LAYOUT_MAX_PARTS 16

/* Adds a named part [base, base + size); fails if it overlaps another. */
enum svsm_err __must_check layout_add(const char *name, uint64_t base,
				      uint64_t size);
/* Prints the table, sorted by address. */
void layout_print(void);

/* Bump allocation of whole pages from the region's free part. */
void bootmem_init(uint64_t base, uint64_t end);
/* Physical address of `count` zeroed pages, or 0 when the region is full. */
uint64_t bootmem_alloc_pages(uint32_t count);
/*
 * Hands out everything not yet allocated, without zeroing it (the page
 * allocator that takes it zeroes it); returns its size, base in *base.
 */
uint64_t bootmem_take_rest(uint64_t *base);
/* Pages handed out so far, and pages left. */
uint64_t bootmem_used(void);
uint64_t bootmem_left(void);
