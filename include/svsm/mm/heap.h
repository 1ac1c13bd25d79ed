/* SPDX-License-Identifier: MIT */
/*
 * kmalloc-style allocation of small objects (slabs of 16..2048 bytes) on top
 * of the page allocator; larger requests take whole pages. Memory is
 * returned zeroed. Out of memory returns NULL. The slab free lists are
 * hardened: a double free or a pointer that kmalloc did not return is
 * detected and panics (an SVSM bug), rather than corrupting the lists.
 */
#pragma once

#include <stddef.h>

#include "svsm/compiler.h"

void *kmalloc(size_t size) __attribute__((malloc, alloc_size(1)));
void kfree(void *p);

struct heap_stats {
	size_t live_objects;
	size_t live_bytes; /* bytes requested and not yet freed */
	size_t slab_pages; /* pages the slabs hold */
};

void heap_get_stats(struct heap_stats *out);
