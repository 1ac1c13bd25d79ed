/* SPDX-License-Identifier: MIT */
/*
 * kmalloc and kfree (include/svsm/mm/heap.h). Requests up to 2048 bytes go
 * to one of eight power-of-two size classes, 16..2048 bytes; each slab of a
 * class is one page from pgalloc, cut into equal slots, so every object is
 * aligned to its size. Larger requests take a whole block of pages.
 *
 * kfree trusts nothing about the pointer: the page allocator's metadata
 * says whether its page belongs to the heap (pgalloc_set_owner tags slab
 * pages with their descriptor, large blocks with a marker), and the slab
 * descriptor, kept out of line in pages of its own, holds a bitmap of the
 * allocated slots. So a double free, a pointer into the middle of an
 * object, or a pointer kmalloc never returned panics with a message, and
 * no object overflow can reach a descriptor.
 *
 * The free slots of a slab form a list through their first word. The link
 * is stored XOR-ed with a per-boot secret and the byte-swapped address of
 * the slot holding it (Linux's freelist hardening): a stray write or a
 * use-after-free cannot plant a chosen next pointer, and a damaged link
 * decodes to an offset that fails the checks (inside the page, slot
 * aligned, slot free, list length) and panics rather than hand out memory
 * twice. Links are page offsets, not pointers, so decoding never turns an
 * integer into a pointer.
 *
 * Freed objects are zeroed at once (no secret lingers in free memory), and
 * kmalloc zeroes again what it hands out. One spinlock protects the heap;
 * it is taken before the page allocator's lock, never after.
 */
#include "svsm/mm/heap.h"

#include <stdbool.h>

#include "svsm/addr.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/panic.h"
#include "svsm/spinlock.h"

#include "lib/alloc.h"
#include "lib/string.h"

#define CLASS_MIN_SHIFT 4  /* 16 bytes */
#define CLASS_MAX_SHIFT 11 /* 2048 bytes */
#define CLASS_COUNT	(CLASS_MAX_SHIFT - CLASS_MIN_SHIFT + 1)
#define SLAB_MAX_SLOTS	(PAGE_SIZE >> CLASS_MIN_SHIFT)
#define LINK_END	PAGE_SIZE /* decoded link: no further free slot */

/* One slab page, described from outside the page. */
struct slab {
	/* On its class's partial list, or on the free descriptor list. */
	struct slab *next;
	struct slab *prev;
	uint8_t *page;
	paddr_t pa;
	uint16_t free_off; /* offset of the first free slot, or LINK_END */
	uint16_t in_use;
	uint8_t shift; /* object size is 1 << shift */
	bool listed;   /* on its class's partial list */
	/* Bit set: slot allocated. */
	uint64_t bitmap[SLAB_MAX_SLOTS / 64];
};

/* A page of slab descriptors. */
struct desc_page {
	struct desc_page *next;
	paddr_t pa;
	struct slab slabs[];
};

#define DESC_PER_PAGE \
	((PAGE_SIZE - sizeof(struct desc_page)) / sizeof(struct slab))

static struct {
	struct spinlock lock;
	bool ready;
	uint64_t secret;
	struct slab *partial[CLASS_COUNT]; /* slabs with a free slot */
	struct slab *free_descs;
	struct desc_page *desc_pages;
	struct heap_stats stats;
} heap;

/* Owners of heap pages that are not slabs (pgalloc_set_owner). */
static char large_marker;
static char desc_marker;

static __noreturn void heap_fail(const char *what, const void *p,
				 const char *why)
{
	/* Unlock so the message is the only thing that happens. */
	spin_unlock(&heap.lock);
	panic("%s(%p): %s", what, p, why);
}

static unsigned int slot_count(const struct slab *s)
{
	return (unsigned int)(PAGE_SIZE >> s->shift);
}

static bool slot_used(const struct slab *s, uint64_t off)
{
	uint64_t i = off >> s->shift;

	return (s->bitmap[i / 64] >> (i % 64)) & 1;
}

static void slot_mark(struct slab *s, uint64_t off, bool used)
{
	uint64_t i = off >> s->shift;
	uint64_t bit = 1ull << (i % 64);

	if (used)
		s->bitmap[i / 64] |= bit;
	else
		s->bitmap[i / 64] &= ~bit;
}

static uint64_t link_key(const uint8_t *slot)
{
	/* The swap puts the address's varying low bits at the top. */
	return heap.secret ^ __builtin_bswap64((uint64_t)(uintptr_t)slot);
}

static void link_write(uint8_t *slot, uint64_t next_off)
{
	uint64_t v = next_off ^ link_key(slot);

	__builtin_memcpy(slot, &v, sizeof(v));
}

static uint64_t link_read(const uint8_t *slot)
{
	uint64_t v = 0;

	__builtin_memcpy(&v, slot, sizeof(v));
	return v ^ link_key(slot);
}

static void list_add(struct slab *s)
{
	struct slab **head = &heap.partial[s->shift - CLASS_MIN_SHIFT];

	s->prev = NULL;
	s->next = *head;
	if (s->next)
		s->next->prev = s;
	*head = s;
	s->listed = true;
}

static void list_del(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		heap.partial[s->shift - CLASS_MIN_SHIFT] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = NULL;
	s->prev = NULL;
	s->listed = false;
}

static struct slab *desc_get(void)
{
	struct slab *s = NULL;

	if (!heap.free_descs) {
		struct desc_page *dp = NULL;
		paddr_t pa;

		if (pgalloc_alloc(0, 0, &pa) != SVSM_OK)
			return NULL;
		pgalloc_set_owner(pa, 0, &desc_marker);
		dp = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
		CHECK(dp);
		dp->pa = pa;
		dp->next = heap.desc_pages;
		heap.desc_pages = dp;
		for (size_t i = 0; i < DESC_PER_PAGE; i++) {
			dp->slabs[i].next = heap.free_descs;
			heap.free_descs = &dp->slabs[i];
		}
		heap.stats.desc_pages++;
	}
	s = heap.free_descs;
	heap.free_descs = s->next;
	memset(s, 0, sizeof(*s));
	return s;
}

static void desc_put(struct slab *s)
{
	memset(s, 0, sizeof(*s));
	s->next = heap.free_descs;
	heap.free_descs = s;
}

static struct slab *slab_new(unsigned int shift)
{
	struct slab *s = desc_get();
	uint64_t size = 1ull << shift;
	paddr_t pa;

	if (!s)
		return NULL;
	if (pgalloc_alloc(0, 0, &pa) != SVSM_OK) {
		desc_put(s);
		return NULL;
	}
	s->page = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
	CHECK(s->page);
	s->pa = pa;
	s->shift = (uint8_t)shift;
	s->free_off = 0;
	pgalloc_set_owner(pa, 0, s);
	/* Slot i links to slot i + 1; the last one's link is LINK_END. */
	for (uint64_t off = 0; off < PAGE_SIZE; off += size)
		link_write(s->page + off, off + size);
	heap.stats.slab_pages++;
	list_add(s);
	return s;
}

static void slab_release(struct slab *s)
{
	if (s->listed)
		list_del(s);
	pgalloc_set_owner(s->pa, 0, NULL);
	pgalloc_free(s->pa, 0);
	desc_put(s);
	heap.stats.slab_pages--;
}

/* Takes the first free slot, checking the link it decodes. */
static uint8_t *slab_pop(struct slab *s)
{
	uint8_t *slot = s->page + s->free_off;
	uint64_t next = link_read(slot);
	bool last = s->in_use + 1u == slot_count(s);
	bool ok = false;

	if (next == LINK_END)
		ok = last;
	else
		ok = !last && next < PAGE_SIZE &&
		     IS_ALIGNED(next, 1ull << s->shift) && !slot_used(s, next);
	if (!ok || slot_used(s, s->free_off))
		heap_fail("kmalloc", slot, "corrupted slab free list");
	slot_mark(s, s->free_off, true);
	s->free_off = (uint16_t)next;
	s->in_use++;
	if (s->in_use == slot_count(s))
		list_del(s);
	return slot;
}

static void *kmalloc_large(size_t size)
{
	unsigned int order = 0;
	void *p = NULL;
	paddr_t pa;

	while (order <= PGALLOC_MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order > PGALLOC_MAX_ORDER)
		return NULL;
	spin_lock(&heap.lock);
	if (pgalloc_alloc(order, 0, &pa) != SVSM_OK) {
		spin_unlock(&heap.lock);
		return NULL;
	}
	/* Free pages are zero (pgalloc's policy): no need to clear again. */
	pgalloc_set_owner(pa, order, &large_marker);
	p = arch_phys_to_virt(pa_val(pa), PAGE_SIZE << order);
	CHECK(p);
	heap.stats.live_objects++;
	heap.stats.live_bytes += PAGE_SIZE << order;
	heap.stats.large_pages += 1ul << order;
	spin_unlock(&heap.lock);
	return p;
}

void heap_init(uint64_t secret)
{
	/* Starting over would orphan live objects; tests may (see header). */
	CHECK(!heap.ready || __STDC_HOSTED__);
	memset(&heap, 0, sizeof(heap));
	heap.secret = secret;
	heap.ready = true;
}

void *kmalloc(size_t size)
{
	unsigned int shift = CLASS_MIN_SHIFT;
	struct slab *s = NULL;
	uint8_t *p = NULL;

	if (size == 0)
		return NULL;
	CHECK(heap.ready);
	if (size > (1ul << CLASS_MAX_SHIFT))
		return kmalloc_large(size);
	while ((1ul << shift) < size)
		shift++;

	spin_lock(&heap.lock);
	s = heap.partial[shift - CLASS_MIN_SHIFT];
	if (!s)
		s = slab_new(shift);
	if (!s) {
		spin_unlock(&heap.lock);
		return NULL;
	}
	p = slab_pop(s);
	heap.stats.live_objects++;
	heap.stats.live_bytes += 1ul << shift;
	spin_unlock(&heap.lock);

	memset(p, 0, 1ul << shift);
	return p;
}

static void slab_free(struct slab *s, uint8_t *page, uint64_t off, void *p)
{
	uint64_t size = 1ull << s->shift;

	/* The descriptor must describe this very page (a stale one does not). */
	if (s->page != page)
		heap_fail("kfree", p, "slab metadata does not match the page");
	if (!IS_ALIGNED(off, size))
		heap_fail("kfree", p, "not the start of an object");
	if (!slot_used(s, off))
		heap_fail("kfree", p, "double free");

	memset(p, 0, size);
	link_write(page + off, s->free_off);
	s->free_off = (uint16_t)off;
	slot_mark(s, off, false);
	s->in_use--;
	heap.stats.live_objects--;
	heap.stats.live_bytes -= size;
	if (!s->listed)
		list_add(s);
	/* Keep an empty slab only while it is its class's sole partial one. */
	if (s->in_use == 0 &&
	    (heap.partial[s->shift - CLASS_MIN_SHIFT] != s || s->next))
		slab_release(s);
}

void kfree(void *p)
{
	struct pgalloc_block_info info;
	uint64_t pa = 0;
	uint64_t off = 0;
	uint8_t *page = NULL;

	if (!p)
		return;
	CHECK(heap.ready);
	pa = arch_virt_to_phys(p);
	off = pa & (PAGE_SIZE - 1);
	page = (uint8_t *)p - off;

	spin_lock(&heap.lock);
	pgalloc_block_info(pa_init(pa), &info);
	if (info.state != PGALLOC_PAGE_HEAP || info.owner == &desc_marker)
		heap_fail("kfree", p, "not a pointer kmalloc returned");
	if (info.owner != &large_marker) {
		slab_free(info.owner, page, off, p);
		spin_unlock(&heap.lock);
		return;
	}

	/* A large object: p must be its first byte, through the heap's map. */
	if (off != 0 || p != arch_phys_to_virt(pa, PAGE_SIZE))
		heap_fail("kfree", p, "not the start of an object");
	pgalloc_set_owner(pa_init(pa), info.order, NULL);
	pgalloc_free(pa_init(pa), info.order);
	heap.stats.live_objects--;
	heap.stats.live_bytes -= PAGE_SIZE << info.order;
	heap.stats.large_pages -= 1ul << info.order;
	spin_unlock(&heap.lock);
}

size_t heap_shrink(void)
{
	size_t released = 0;

	spin_lock(&heap.lock);
	for (unsigned int c = 0; c < CLASS_COUNT; c++) {
		struct slab *s = heap.partial[c];

		while (s) {
			struct slab *next = s->next;

			if (s->in_use == 0) {
				slab_release(s);
				released++;
			}
			s = next;
		}
	}
	/* Descriptor pages go only all at once, when no slab needs one. */
	if (heap.stats.slab_pages == 0) {
		while (heap.desc_pages) {
			struct desc_page *dp = heap.desc_pages;
			paddr_t pa = dp->pa;

			heap.desc_pages = dp->next;
			pgalloc_set_owner(pa, 0, NULL);
			pgalloc_free(pa, 0);
			released++;
		}
		heap.free_descs = NULL;
		heap.stats.desc_pages = 0;
	}
	spin_unlock(&heap.lock);
	return released;
}

void heap_get_stats(struct heap_stats *out)
{
	spin_lock(&heap.lock);
	*out = heap.stats;
	spin_unlock(&heap.lock);
}

/* lib/'s allocation hooks (include/lib/alloc.h): kmalloc zeroes already. */
void *lib_zalloc(size_t size)
{
	return kmalloc(size);
}

void lib_free(void *p)
{
	kfree(p);
}
