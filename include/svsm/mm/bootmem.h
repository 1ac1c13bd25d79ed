/* SPDX-License-Identifier: MIT */
/*
 * The boot-time page allocator (kernel/mm/bootmem.c): whole pages from the
 * free part of the SVSM region, for the per-CPU areas and page tables that
 * exist before the page allocator; the page allocator takes what is left.
 */
#pragma once

#include <stdint.h>

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
