/* SPDX-License-Identifier: MIT */
/*
 * The page allocator: blocks of 2^order pages (order 0 = 4 KiB up to
 * PGALLOC_MAX_ORDER = 9, 2 MiB) from the heap part of the SVSM region.
 * Running out of memory returns SVSM_E_NOMEM; it never panics. Freeing a
 * block that is not allocated (double free, wrong order, foreign address)
 * is an SVSM bug and panics with the reason, because carrying on would
 * corrupt the free lists. The check comes before any change, so the
 * allocator is intact if a hosted test catches the panic.
 *
 * Zeroing policy: every block is zeroed when it is freed, so all free
 * memory is zero and a fresh allocation never exposes an earlier user's
 * data (secrets included). PGALLOC_ZERO additionally re-zeroes on
 * allocation for callers that must not trust that invariant.
 *
 * The allocator keeps one metadata entry per page (PGALLOC_META_BYTES) in
 * the first pages of the managed range itself, so it needs no other
 * memory; pgalloc_meta_pages() says how many pages that takes.
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#define PGALLOC_MAX_ORDER 9u
#define PGALLOC_ZERO	  (1u << 0)
/* Metadata per managed page, taken from the start of the range. */
#define PGALLOC_META_BYTES 16u

struct pgalloc_stats {
	uint64_t total_pages; /* pages the allocator hands out (no metadata) */
	uint64_t meta_pages;  /* pages of the range holding the metadata */
	uint64_t free_pages;
	uint64_t alloc_calls; /* every pgalloc_alloc call, failed ones too */
	uint64_t free_calls;
	uint64_t failed_calls; /* out of memory */
	uint64_t free_blocks[PGALLOC_MAX_ORDER + 1];
};

/*
 * Manages [base, base + size): page aligned, mapped (arch_phys_to_virt).
 * Pages are handed out in naturally aligned blocks (aligned in physical
 * address, so a 2 MiB block can be mapped with one large page); the first
 * pgalloc_meta_pages(size) pages hold the metadata. SVSM_E_INVAL when the
 * range is unaligned, unmapped, or too small to leave one page.
 *
 * Callable once in the SVSM (a second call returns SVSM_E_BUSY). Hosted
 * builds (__STDC_HOSTED__: unit tests, fuzzers, benchmarks) may call it
 * again to start over on fresh memory: every earlier block is forgotten,
 * including a lock left held by a panic a test caught.
 */
enum svsm_err __must_check pgalloc_init(paddr_t base, uint64_t size);
/* Pages of metadata pgalloc_init() takes from a range of `size` bytes. */
uint64_t pgalloc_meta_pages(uint64_t size);
/*
 * A block of 2^order pages at *out. SVSM_E_NOMEM when no block is free
 * (nothing changes but failed_calls), SVSM_E_INVAL for order > MAX_ORDER.
 */
enum svsm_err __must_check pgalloc_alloc(unsigned int order, uint32_t flags,
					 paddr_t *out);
/*
 * Returns a block; `order` must be the order it was allocated with. The
 * block must be in PGALLOC_PAGE_ALLOCATED state (a heap-owned block is
 * handed back with pgalloc_set_owner(pa, order, NULL) first).
 */
void pgalloc_free(paddr_t pa, unsigned int order);
void pgalloc_get_stats(struct pgalloc_stats *out);
/* Prints the statistics to the console. */
void pgalloc_log_stats(void);

/*
 * What the allocator knows about one page: for the heap (kfree must tell
 * its own pages from others without trusting the pointer it was given)
 * and for tests.
 */
enum pgalloc_page_state {
	PGALLOC_PAGE_FOREIGN,	/* outside the range, or not initialised */
	PGALLOC_PAGE_RESERVED,	/* holds the allocator's metadata */
	PGALLOC_PAGE_FREE,	/* first page of a free block */
	PGALLOC_PAGE_ALLOCATED, /* first page of an allocated block */
	PGALLOC_PAGE_HEAP, /* first page of an allocated block with an owner */
	PGALLOC_PAGE_TAIL, /* any other page of a free or allocated block */
};

struct pgalloc_block_info {
	enum pgalloc_page_state state;
	unsigned int order; /* FREE, ALLOCATED and HEAP only */
	void *owner;	    /* HEAP only */
};

/* Describes the page that holds `pa` (any offset in the page). */
void pgalloc_block_info(paddr_t pa, struct pgalloc_block_info *out);
/*
 * Tags an allocated block with an owner (the heap: a slab descriptor or a
 * marker), moving it to PGALLOC_PAGE_HEAP, or with owner NULL moves it back
 * to PGALLOC_PAGE_ALLOCATED. CHECKs the state and order: a mismatch is an
 * SVSM bug.
 */
void pgalloc_set_owner(paddr_t pa, unsigned int order, void *owner);
