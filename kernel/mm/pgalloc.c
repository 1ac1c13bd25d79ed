/* SPDX-License-Identifier: MIT */
/*
 * The page allocator (include/svsm/mm/pgalloc.h): a binary buddy allocator
 * over one physical range. A block of order k is 2^k pages, aligned to its
 * size in physical address; its buddy is the block whose address differs
 * only in bit (PAGE_SHIFT + k). Free blocks sit on one list per order, and
 * a freed block merges with its buddy for as long as the buddy is free and
 * of the same order.
 *
 * Every page of the range has a 16-byte entry in a metadata array kept in
 * the first pages of the range itself. The first page of a block (its head)
 * records the state and the order; every other page is TAIL. Keeping tails
 * exact is what lets pgalloc_free() reject any address that is not the head
 * of an allocated block of that order with one lookup, before it changes
 * anything. The free-list links are page indices in the heads' entries, so
 * free memory holds nothing but zeros.
 */
#include "svsm/mm/pgalloc.h"

#include <stdbool.h>

#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/spinlock.h"

#include "lib/string.h"

#define NIL UINT32_MAX /* end of a free list; "no page" */

struct page_meta {
	union {
		struct {
			uint32_t next;
			uint32_t prev;
		} link;	     /* FREE heads: this order's free list */
		void *owner; /* HEAP heads: pgalloc_set_owner() */
	};
	uint8_t state; /* enum pgalloc_page_state */
	uint8_t order; /* heads only */
};

static_assert(sizeof(struct page_meta) == PGALLOC_META_BYTES,
	      "metadata entry size is part of the interface");

static struct {
	struct spinlock lock;
	bool ready;
	uint64_t base_pfn;
	uint32_t page_count; /* pages in the range, metadata included */
	uint32_t first_page; /* index of the first page after the metadata */
	uint8_t *vbase;	     /* the range as arch_phys_to_virt() mapped it */
	struct page_meta *meta;
	uint32_t free_head[PGALLOC_MAX_ORDER + 1];
	struct pgalloc_stats stats;
} pga;

static paddr_t page_pa(uint32_t idx)
{
	return pfn_to_pa(pfn_init(pga.base_pfn + idx));
}

static void *page_ptr(uint32_t idx)
{
	return pga.vbase + (uint64_t)idx * PAGE_SIZE;
}

/* Index of the page holding pa, or NIL outside the range. */
static uint32_t page_index(paddr_t pa)
{
	/* A pfn below the base wraps to a huge index and fails too. */
	uint64_t idx = pfn_val(pa_to_pfn(pa)) - pga.base_pfn;

	return idx < pga.page_count ? (uint32_t)idx : NIL;
}

static void list_push(unsigned int order, uint32_t idx)
{
	struct page_meta *m = &pga.meta[idx];

	m->state = PGALLOC_PAGE_FREE;
	m->order = (uint8_t)order;
	m->link.prev = NIL;
	m->link.next = pga.free_head[order];
	if (m->link.next != NIL)
		pga.meta[m->link.next].link.prev = idx;
	pga.free_head[order] = idx;
	pga.stats.free_blocks[order]++;
}

static void list_remove(unsigned int order, uint32_t idx)
{
	struct page_meta *m = &pga.meta[idx];

	if (m->link.prev != NIL)
		pga.meta[m->link.prev].link.next = m->link.next;
	else
		pga.free_head[order] = m->link.next;
	if (m->link.next != NIL)
		pga.meta[m->link.next].link.prev = m->link.prev;
	pga.stats.free_blocks[order]--;
}

uint64_t pgalloc_meta_pages(uint64_t size)
{
	uint64_t bytes = (size >> PAGE_SHIFT) * PGALLOC_META_BYTES;

	return ALIGN_UP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
}

enum svsm_err pgalloc_init(paddr_t base, uint64_t size)
{
	uint64_t pages = size >> PAGE_SHIFT;
	uint64_t meta_pages = pgalloc_meta_pages(size);
	uint64_t end = 0;
	void *map = NULL;
	uint32_t idx = 0;

	/* Re-initialising live memory would orphan every block handed out. */
	if (pga.ready && !__STDC_HOSTED__)
		return SVSM_E_BUSY;
	if (!pa_is_aligned(base, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) ||
	    __builtin_add_overflow(pa_val(base), size, &end))
		return SVSM_E_INVAL;
	if (pages <= meta_pages || pages >= NIL)
		return SVSM_E_INVAL;
	map = arch_phys_to_virt(pa_val(base), size);
	if (!map)
		return SVSM_E_INVAL;

	memset(&pga, 0, sizeof(pga));
	pga.base_pfn = pfn_val(pa_to_pfn(base));
	pga.page_count = (uint32_t)pages;
	pga.first_page = (uint32_t)meta_pages;
	pga.vbase = map;
	pga.meta = map;
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		pga.free_head[k] = NIL;

	/* Free memory is zero from here on: see the zeroing policy. */
	memset(map, 0, size);
	for (idx = 0; idx < pga.page_count; idx++)
		pga.meta[idx].state = idx < pga.first_page
					      ? PGALLOC_PAGE_RESERVED
					      : PGALLOC_PAGE_TAIL;

	/*
	 * Cut the rest into the largest aligned blocks that fit: this is the
	 * state full coalescing returns to once everything is freed.
	 */
	idx = pga.first_page;
	while (idx < pga.page_count) {
		unsigned int order = PGALLOC_MAX_ORDER;

		while (order > 0 &&
		       (!IS_ALIGNED(pga.base_pfn + idx, 1ull << order) ||
			idx + (1ull << order) > pga.page_count))
			order--;
		list_push(order, idx);
		idx += 1u << order;
	}

	pga.stats.total_pages = pages - meta_pages;
	pga.stats.meta_pages = meta_pages;
	pga.stats.free_pages = pga.stats.total_pages;
	pga.ready = true;
	return SVSM_OK;
}

enum svsm_err pgalloc_alloc(unsigned int order, uint32_t flags, paddr_t *out)
{
	unsigned int k = order;
	uint32_t idx = NIL;

	CHECK(pga.ready);
	CHECK(out);
	CHECK(!(flags & ~PGALLOC_ZERO));
	if (order > PGALLOC_MAX_ORDER)
		return SVSM_E_INVAL;

	spin_lock(&pga.lock);
	pga.stats.alloc_calls++;
	while (k <= PGALLOC_MAX_ORDER && pga.free_head[k] == NIL)
		k++;
	if (k > PGALLOC_MAX_ORDER) {
		pga.stats.failed_calls++;
		spin_unlock(&pga.lock);
		return SVSM_E_NOMEM;
	}
	idx = pga.free_head[k];
	list_remove(k, idx);
	/* Split: keep the lower half, free the upper half at each step. */
	while (k > order) {
		k--;
		list_push(k, idx + (1u << k));
	}
	pga.meta[idx].state = PGALLOC_PAGE_ALLOCATED;
	pga.meta[idx].order = (uint8_t)order;
	pga.meta[idx].owner = NULL;
	pga.stats.free_pages -= 1u << order;
	spin_unlock(&pga.lock);

	if (flags & PGALLOC_ZERO)
		memset(page_ptr(idx), 0, PAGE_SIZE << order);
	*out = page_pa(idx);
	return SVSM_OK;
}

/* Why pa/order cannot be freed, or NULL when it can. Changes nothing. */
static const char *free_error(paddr_t pa, uint32_t idx, unsigned int order)
{
	if (!pga.ready)
		return "allocator not initialised";
	if (order > PGALLOC_MAX_ORDER)
		return "order out of range";
	if (idx == NIL || idx < pga.first_page)
		return "address outside the allocator's range";
	if (!pa_is_aligned(pa, PAGE_SIZE))
		return "address not page aligned";
	switch (pga.meta[idx].state) {
	case PGALLOC_PAGE_ALLOCATED:
		return pga.meta[idx].order == order ? NULL : "wrong order";
	case PGALLOC_PAGE_HEAP:
		return "block is owned by the heap";
	case PGALLOC_PAGE_FREE:
		return "double free";
	default:
		return "not the start of an allocated block (double free?)";
	}
}

void pgalloc_free(paddr_t pa, unsigned int order)
{
	const char *err = NULL;
	uint32_t idx = 0;

	spin_lock(&pga.lock);
	idx = page_index(pa);
	err = free_error(pa, idx, order);
	if (err) {
		/* Unlock first: the state is intact, the caller is wrong. */
		spin_unlock(&pga.lock);
		panic("pgalloc_free(0x%llx, order %u): %s",
		      (unsigned long long)pa_val(pa), order, err);
	}

	/*
	 * Zero under the lock so that validation, zeroing and merging are
	 * one step: a racing double free cannot slip in between.
	 */
	memset(page_ptr(idx), 0, PAGE_SIZE << order);
	pga.stats.free_calls++;
	pga.stats.free_pages += 1u << order;

	while (order < PGALLOC_MAX_ORDER) {
		uint64_t buddy_pfn = (pga.base_pfn + idx) ^ (1ull << order);
		uint64_t b = buddy_pfn - pga.base_pfn; /* wraps when below */

		if (b < pga.first_page || b >= pga.page_count ||
		    pga.meta[b].state != PGALLOC_PAGE_FREE ||
		    pga.meta[b].order != order)
			break;
		list_remove(order, (uint32_t)b);
		/* The higher head becomes a tail of the merged block. */
		if (b > idx) {
			pga.meta[b].state = PGALLOC_PAGE_TAIL;
		} else {
			pga.meta[idx].state = PGALLOC_PAGE_TAIL;
			idx = (uint32_t)b;
		}
		order++;
	}
	list_push(order, idx);
	spin_unlock(&pga.lock);
}

void pgalloc_block_info(paddr_t pa, struct pgalloc_block_info *out)
{
	uint32_t idx = NIL;

	out->state = PGALLOC_PAGE_FOREIGN;
	out->order = 0;
	out->owner = NULL;
	spin_lock(&pga.lock);
	if (pga.ready)
		idx = page_index(pa);
	if (idx != NIL) {
		const struct page_meta *m = &pga.meta[idx];

		out->state = m->state;
		if (m->state == PGALLOC_PAGE_FREE ||
		    m->state == PGALLOC_PAGE_ALLOCATED ||
		    m->state == PGALLOC_PAGE_HEAP)
			out->order = m->order;
		if (m->state == PGALLOC_PAGE_HEAP)
			out->owner = m->owner;
	}
	spin_unlock(&pga.lock);
}

void pgalloc_set_owner(paddr_t pa, unsigned int order, void *owner)
{
	uint8_t want = owner ? PGALLOC_PAGE_ALLOCATED : PGALLOC_PAGE_HEAP;
	uint32_t idx = NIL;

	spin_lock(&pga.lock);
	if (pga.ready && pa_is_aligned(pa, PAGE_SIZE))
		idx = page_index(pa);
	if (idx == NIL || pga.meta[idx].state != want ||
	    pga.meta[idx].order != order) {
		spin_unlock(&pga.lock);
		panic("pgalloc_set_owner(0x%llx, order %u): not a block in the "
		      "expected state",
		      (unsigned long long)pa_val(pa), order);
	}
	pga.meta[idx].state =
		owner ? PGALLOC_PAGE_HEAP : PGALLOC_PAGE_ALLOCATED;
	pga.meta[idx].owner = owner;
	spin_unlock(&pga.lock);
}

void pgalloc_get_stats(struct pgalloc_stats *out)
{
	spin_lock(&pga.lock);
	*out = pga.stats;
	spin_unlock(&pga.lock);
}

void pgalloc_log_stats(void)
{
	struct pgalloc_stats s;

	pgalloc_get_stats(&s);
	log_printf("pgalloc: %llu pages, %llu free, %llu of metadata\n",
		   (unsigned long long)s.total_pages,
		   (unsigned long long)s.free_pages,
		   (unsigned long long)s.meta_pages);
	log_printf("pgalloc: %llu allocs (%llu failed), %llu frees\n",
		   (unsigned long long)s.alloc_calls,
		   (unsigned long long)s.failed_calls,
		   (unsigned long long)s.free_calls);
	log_printf("pgalloc: order  block KiB  free blocks\n");
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		log_printf("pgalloc: %5u  %9lu  %11llu\n", k,
			   (PAGE_SIZE << k) / 1024,
			   (unsigned long long)s.free_blocks[k]);
}
