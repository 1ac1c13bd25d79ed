/* SPDX-License-Identifier: MIT */
/*
 * The page allocator: blocks of 2^order pages (order 0 = 4 KiB up to
 * PGALLOC_MAX_ORDER = 9, 2 MiB) from the heap part of the SVSM region.
 * Running out of memory returns SVSM_E_NOMEM; it never panics. Freeing a
 * block that is not allocated (double free, wrong order, foreign address)
 * is an SVSM bug and panics through CHECK, because carrying on would
 * corrupt the free lists.
 *
 * Zeroing policy: every block is zeroed when it is freed, so all free
 * memory is zero and a fresh allocation never exposes an earlier user's
 * data (secrets included). PGALLOC_ZERO additionally re-zeroes on
 * allocation for callers that must not trust that invariant.
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#define PGALLOC_MAX_ORDER 9u
#define PGALLOC_ZERO	  (1u << 0)

struct pgalloc_stats {
	uint64_t total_pages; /* pages the allocator manages */
	uint64_t free_pages;
	uint64_t alloc_calls;
	uint64_t free_calls;
	uint64_t failed_calls; /* out of memory */
	uint64_t free_blocks[PGALLOC_MAX_ORDER + 1];
};

/*
 * Manages [base, base + size): page aligned, mapped (arch_phys_to_virt).
 * Pages are handed out in naturally aligned blocks. Callable once.
 */
enum svsm_err __must_check pgalloc_init(paddr_t base, uint64_t size);
/* A block of 2^order pages at *out. */
enum svsm_err __must_check pgalloc_alloc(unsigned int order, uint32_t flags,
					 paddr_t *out);
/* Returns a block; `order` must be the order it was allocated with. */
void pgalloc_free(paddr_t pa, unsigned int order);
void pgalloc_get_stats(struct pgalloc_stats *out);
/* Prints the statistics to the console. */
void pgalloc_log_stats(void);
