/* SPDX-License-Identifier: MIT */
/*
 * kmalloc-style allocation of small objects (slabs of 16..2048 bytes) on top
 * of the page allocator; larger requests take whole pages (up to 2 MiB).
 * Memory is returned zeroed and aligned to its size class (at least 16
 * bytes; whole pages are page aligned). Out of memory returns NULL. The
 * slab free lists are hardened: a double free or a pointer that kmalloc did
 * not return is detected and panics (an SVSM bug), rather than corrupting
 * the lists.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"

/*
 * Sets up the heap; call after pgalloc_init(). `secret` keys the free-list
 * link encoding: pass a random value (arch_hw_random) in the SVSM, so an
 * attacker who can write a freed object cannot forge a valid link. A
 * second call in the SVSM panics; hosted builds (__STDC_HOSTED__) may call
 * it again after pgalloc_init() to start over.
 */
void heap_init(uint64_t secret);
/* NULL for size 0, above 2 MiB, or out of memory. */
void *kmalloc(size_t size) __attribute__((malloc, alloc_size(1)));
/* NULL is a no-op; anything kmalloc did not return panics. */
void kfree(void *p);
/*
 * Returns the pages the heap keeps for reuse (empty slabs, and slab
 * descriptor pages once no slab is left) to the page allocator. Returns
 * the number of pages released.
 */
size_t heap_shrink(void);

/*
 * Object sizes are counted as what they occupy (the size class, or whole
 * pages), not the size asked for: the heap does not store the requested
 * size of each object, and the rounded size is what the memory costs.
 */
struct heap_stats {
	size_t live_objects;
	size_t live_bytes;  /* bytes of live objects, rounded up as above */
	size_t slab_pages;  /* pages the slabs hold */
	size_t large_pages; /* pages held by objects above 2048 bytes */
	size_t desc_pages;  /* pages holding slab descriptors */
};

void heap_get_stats(struct heap_stats *out);
