/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/mm/heap.c (kmalloc, kfree, heap_shrink) on the
 * page allocator over fake physical memory. Covered: every size class and
 * its boundaries, requests above 2048 bytes up to 2 MiB and beyond,
 * alignment, zeroed memory (also after reuse), kmalloc(0) and kfree(NULL),
 * the live statistics, a seeded random stress test against a model (no
 * overlap, contents intact, stats exact, everything back to the page
 * allocator at the end), and the hardening: a double free, a pointer into
 * the middle of an object, a pointer into a page kmalloc does not own and a
 * corrupted or replayed free-list link each panic with their own message.
 * Every test starts from fresh fake memory (pgalloc_init and heap_init may
 * be called again in hosted builds), so a caught panic cannot leak into the
 * next test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "lib/bytes.h"
#include "test.h"

#define MIB		 (1ull << 20)
#define HEAP_TEST_SECRET 0x5eed5eedc0ffee11ull

static struct pgalloc_stats pg_initial;

static bool setup(uint64_t size)
{
	uint64_t base = fake_mm_init(size);

	REQUIRE_EQ(pgalloc_init(pa_init(base), size), SVSM_OK);
	heap_init(HEAP_TEST_SECRET);
	pgalloc_get_stats(&pg_initial);
	return true;
}

/* Size class kmalloc must use for `size` (slab sizes only). */
static size_t class_of(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

/* After freeing everything, the page allocator is back where it began. */
static bool heap_fully_returned(void)
{
	struct heap_stats hs;
	struct pgalloc_stats s;

	heap_shrink();
	heap_get_stats(&hs);
	REQUIRE_EQ(hs.live_objects, 0);
	REQUIRE_EQ(hs.live_bytes, 0);
	REQUIRE_EQ(hs.slab_pages, 0);
	REQUIRE_EQ(hs.large_pages, 0);
	REQUIRE_EQ(hs.desc_pages, 0);
	pgalloc_get_stats(&s);
	REQUIRE_EQ(s.free_pages, pg_initial.free_pages);
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		REQUIRE_EQ(s.free_blocks[k], pg_initial.free_blocks[k]);
	return true;
}

TEST(slab, every_size_class)
{
	static const size_t sizes[] = {1,   8,	 15,   16,   17,   24,	 31,
				       32,  33,	 63,   64,   65,   100,	 127,
				       128, 129, 255,  256,  257,  511,	 512,
				       513, 777, 1023, 1024, 1025, 2047, 2048};
	struct heap_stats hs;

	ASSERT_TRUE(setup(4 * MIB));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t cls = class_of(sizes[i]);
		uint8_t *p = kmalloc(sizes[i]);
		uint8_t *q = kmalloc(sizes[i]);

		ASSERT_TRUE(p != NULL && q != NULL);
		/* Aligned to the class: so at least 16 bytes. */
		EXPECT_EQ((uintptr_t)p % cls, 0);
		EXPECT_EQ((uintptr_t)q % cls, 0);
		EXPECT_TRUE(mem_is_zero(p, cls) && mem_is_zero(q, cls));
		/* The two class-sized slots do not overlap. */
		EXPECT_TRUE(p + cls <= q || q + cls <= p);
		heap_get_stats(&hs);
		EXPECT_EQ(hs.live_objects, 2);
		EXPECT_EQ(hs.live_bytes, 2 * cls);
		memset(p, 0xaa, sizes[i]);
		memset(q, 0xbb, sizes[i]);
		kfree(p);
		kfree(q);
	}
	heap_get_stats(&hs);
	EXPECT_EQ(hs.slab_pages, 8); /* one kept per class */
	EXPECT_TRUE(heap_fully_returned());
}

TEST(slab, large_objects)
{
	/* volatile: the compiler must not see the size at compile time. */
	volatile size_t huge = SIZE_MAX;
	struct heap_stats hs;
	uint8_t *a;
	uint8_t *b;
	uint8_t *c;

	ASSERT_TRUE(setup(8 * MIB));
	a = kmalloc(2049);
	b = kmalloc(4097);
	c = kmalloc(2 * MIB);
	ASSERT_TRUE(a != NULL && b != NULL && c != NULL);
	EXPECT_EQ((uintptr_t)a % PAGE_SIZE, 0);
	EXPECT_EQ((uintptr_t)b % PAGE_SIZE, 0);
	EXPECT_EQ((uintptr_t)c % PAGE_SIZE, 0);
	EXPECT_TRUE(mem_is_zero(a, 2049));
	EXPECT_TRUE(mem_is_zero(b, 4097));
	EXPECT_TRUE(mem_is_zero(c, 2 * MIB));
	heap_get_stats(&hs);
	EXPECT_EQ(hs.live_objects, 3);
	EXPECT_EQ(hs.large_pages, 1 + 2 + 512);
	EXPECT_EQ(hs.live_bytes, (1 + 2 + 512) * PAGE_SIZE);
	EXPECT_EQ(hs.slab_pages, 0);
	memset(b, 0xcc, 4097);
	kfree(b);
	b = kmalloc(8192);
	ASSERT_TRUE(b != NULL);
	EXPECT_TRUE(mem_is_zero(b, 4097));

	EXPECT_TRUE(kmalloc(2 * MIB + 1) == NULL);
	EXPECT_TRUE(kmalloc(huge) == NULL);
	kfree(a);
	kfree(b);
	kfree(c);
	EXPECT_TRUE(heap_fully_returned());
}

TEST(slab, zero_size_null_and_reuse_zeroed)
{
	uint8_t *keep;
	uint8_t *p;
	uint8_t *q;

	ASSERT_TRUE(setup(2 * MIB));
	EXPECT_TRUE(kmalloc(0) == NULL);
	kfree(NULL);
	keep = kmalloc(64);
	p = kmalloc(64);
	ASSERT_TRUE(keep != NULL && p != NULL);
	memset(p, 0xff, 64);
	kfree(p);
	/* Scrubbed at once: nothing but the encoded link word remains. */
	EXPECT_TRUE(mem_is_zero(p + 8, 56));
	q = kmalloc(64);
	EXPECT_TRUE(q == p); /* last freed, first reused */
	EXPECT_TRUE(mem_is_zero(q, 64));
	kfree(q);
	kfree(keep);
	EXPECT_TRUE(heap_fully_returned());
}

TEST(slab, out_of_memory_returns_null)
{
	static void *objs[4096];
	struct heap_stats hs;
	size_t n = 0;

	ASSERT_TRUE(setup(64 * PAGE_SIZE));
	while (n < ARRAY_SIZE(objs) && (objs[n] = kmalloc(1024)) != NULL)
		n++;
	ASSERT_LT(n, ARRAY_SIZE(objs));
	EXPECT_NE(n, 0);
	EXPECT_TRUE(kmalloc(16) == NULL); /* no page for a new slab */
	EXPECT_TRUE(kmalloc(3000) == NULL);
	heap_get_stats(&hs);
	EXPECT_EQ(hs.live_objects, n);
	while (n)
		kfree(objs[--n]);
	EXPECT_TRUE(heap_fully_returned());
}

/* Descriptor pages: many slabs need more than one page of them. */
TEST(slab, many_slabs)
{
	static void *objs[200];
	struct heap_stats hs;

	ASSERT_TRUE(setup(4 * MIB));
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmalloc(2048); /* two per page: 100 slab pages */
		ASSERT_TRUE(objs[i] != NULL);
	}
	heap_get_stats(&hs);
	EXPECT_EQ(hs.slab_pages, 100);
	EXPECT_TRUE(hs.desc_pages >= 2);
	for (size_t i = 0; i < ARRAY_SIZE(objs); i += 2)
		kfree(objs[i]);
	for (size_t i = 1; i < ARRAY_SIZE(objs); i += 2)
		kfree(objs[i]);
	/* Empty slabs go back at once, but for one kept for reuse. */
	heap_get_stats(&hs);
	EXPECT_EQ(hs.slab_pages, 1);
	EXPECT_TRUE(heap_fully_returned());
}

/* ---- random stress test against a model ---- */

#define STRESS_LIVE_MAX 512

struct obj {
	uint8_t *p;
	size_t size;	/* requested */
	size_t rounded; /* what it occupies */
	uint8_t fill;
};

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t rounded_size(size_t size)
{
	size_t pages = 1;

	if (size <= 2048)
		return class_of(size);
	while (pages * PAGE_SIZE < size)
		pages <<= 1;
	return pages * PAGE_SIZE;
}

static bool filled_with(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != v)
			return false;
	}
	return true;
}

static bool stress_check(const struct obj *live, size_t count)
{
	struct heap_stats hs;
	struct pgalloc_stats s;
	size_t bytes = 0;

	for (size_t i = 0; i < count; i++)
		bytes += live[i].rounded;
	heap_get_stats(&hs);
	pgalloc_get_stats(&s);
	REQUIRE_EQ(hs.live_objects, count);
	REQUIRE_EQ(hs.live_bytes, bytes);
	REQUIRE_EQ(s.total_pages - s.free_pages,
		   hs.slab_pages + hs.large_pages + hs.desc_pages);
	return true;
}

TEST(slab, stress_against_model)
{
	static struct obj live[STRESS_LIVE_MAX];
	size_t count = 0;

	ASSERT_TRUE(setup(8 * MIB));
	rng_state = 0xdeadbeefcafef00dull;
	for (unsigned int step = 0; step < 30000; step++) {
		uint64_t r = rng_next();
		bool grow = (step / 1000) % 2 == 0 ? r % 3 != 0 : r % 3 == 0;

		if (count && (count == STRESS_LIVE_MAX || !grow)) {
			size_t i = (r >> 8) % count;

			ASSERT_TRUE(filled_with(live[i].p, live[i].size,
						live[i].fill));
			kfree(live[i].p);
			live[i] = live[--count];
		} else {
			struct obj o = {0};

			/* Mostly small, 1 in 32 above a slab's largest. */
			o.size = (r >> 16) % 32 == 0 ? 2049 + (r >> 24) % 40000
						     : 1 + (r >> 24) % 2048;
			o.rounded = rounded_size(o.size);
			o.fill = (uint8_t)(step | 1);
			o.p = kmalloc(o.size);
			ASSERT_TRUE(o.p != NULL);
			ASSERT_EQ((uintptr_t)o.p % 16, 0);
			ASSERT_TRUE(mem_is_zero(o.p, o.size));
			for (size_t i = 0; i < count; i++)
				ASSERT_TRUE(o.p + o.rounded <= live[i].p ||
					    live[i].p + live[i].rounded <= o.p);
			memset(o.p, o.fill, o.size);
			live[count++] = o;
		}
		ASSERT_TRUE(stress_check(live, count));
	}
	while (count) {
		count--;
		ASSERT_TRUE(filled_with(live[count].p, live[count].size,
					live[count].fill));
		kfree(live[count].p);
	}
	EXPECT_TRUE(heap_fully_returned());
}

/* ---- hardening ---- */

/* `stmt` panics with a message containing `why`; the heap is untouched. */
#define EXPECT_HEAP_PANIC(stmt, why)                               \
	do {                                                       \
		struct heap_stats hb_;                             \
		struct heap_stats ha_;                             \
		heap_get_stats(&hb_);                              \
		EXPECT_TRUE(FAKE_EXPECT_PANIC(stmt));              \
		EXPECT_TRUE(strstr(fake_panic_msg, why) != NULL);  \
		heap_get_stats(&ha_);                              \
		EXPECT_TRUE(memcmp(&hb_, &ha_, sizeof(ha_)) == 0); \
	} while (0)

TEST(slab, double_free_panics)
{
	uint8_t *keep;
	uint8_t *p;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(32);
	p = kmalloc(32);
	ASSERT_TRUE(keep != NULL && p != NULL);
	kfree(p);
	EXPECT_HEAP_PANIC(kfree(p), "double free");
	/* Still usable afterwards: the panic changed nothing. */
	p = kmalloc(32);
	ASSERT_TRUE(p != NULL);
	kfree(p);
	kfree(keep);
	EXPECT_TRUE(heap_fully_returned());
}

TEST(slab, interior_pointer_panics)
{
	uint8_t *p;
	uint8_t *big;

	ASSERT_TRUE(setup(2 * MIB));
	p = kmalloc(64);
	big = kmalloc(3 * PAGE_SIZE);
	ASSERT_TRUE(p != NULL && big != NULL);
	EXPECT_HEAP_PANIC(kfree(p + 8), "not the start of an object");
	EXPECT_HEAP_PANIC(kfree(p + 1), "not the start of an object");
	EXPECT_HEAP_PANIC(kfree(p + 63), "not the start of an object");
	EXPECT_HEAP_PANIC(kfree(big + 16), "not the start of an object");
	EXPECT_HEAP_PANIC(kfree(big + PAGE_SIZE), "not a pointer kmalloc");
	EXPECT_HEAP_PANIC(kfree(big + 3 * PAGE_SIZE), "not a pointer kmalloc");
	kfree(p);
	kfree(big);
	EXPECT_TRUE(heap_fully_returned());
}

/* A heap page that is not `not_this` one: a slab descriptor page. */
static uint8_t *find_other_heap_page(const void *not_this)
{
	struct pgalloc_block_info info;
	uint64_t skip = arch_virt_to_phys(not_this) & ~(PAGE_SIZE - 1);

	for (uint64_t a = FAKE_PHYS_BASE; a < FAKE_PHYS_BASE + 2 * MIB;
	     a += PAGE_SIZE) {
		pgalloc_block_info(pa_init(a), &info);
		if (info.state == PGALLOC_PAGE_HEAP && a != skip)
			return arch_phys_to_virt(a, PAGE_SIZE);
	}
	return NULL;
}

TEST(slab, foreign_pointer_panics)
{
	uint64_t base = FAKE_PHYS_BASE;
	uint8_t *keep;
	uint8_t *page;
	uint8_t *desc;
	int on_stack = 0;
	paddr_t pa;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(16);
	ASSERT_TRUE(keep != NULL);
	ASSERT_EQ(pgalloc_alloc(0, 0, &pa), SVSM_OK);
	page = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
	EXPECT_HEAP_PANIC(kfree(page), "not a pointer kmalloc");
	EXPECT_HEAP_PANIC(kfree(&on_stack), "not a pointer kmalloc");
	/* The page allocator's metadata, and a page that is free. */
	EXPECT_HEAP_PANIC(kfree(arch_phys_to_virt(base, 16)),
			  "not a pointer kmalloc");
	EXPECT_HEAP_PANIC(kfree(arch_phys_to_virt(base + MIB, 16)),
			  "not a pointer kmalloc");

	/* A slab descriptor page: a heap page, but not a kmalloc object. */
	desc = find_other_heap_page(keep);
	ASSERT_TRUE(desc != NULL);
	EXPECT_HEAP_PANIC(kfree(desc), "not a pointer kmalloc");
	EXPECT_HEAP_PANIC(kfree(desc + 64), "not a pointer kmalloc");
	pgalloc_free(pa, 0);
	kfree(keep);
	EXPECT_TRUE(heap_fully_returned());
}

static void overwrite_link(uint8_t *slot, uint64_t v)
{
	memcpy(slot, &v, sizeof(v));
}

/* A use-after-free write over a free slot's link is caught on reuse. */
TEST(slab, corrupted_link_panics)
{
	uint8_t *keep;
	uint8_t *x;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(128);
	x = kmalloc(128);
	ASSERT_TRUE(keep != NULL && x != NULL);
	kfree(x);
	overwrite_link(x, 0x4141414141414141ull);
	EXPECT_TRUE(FAKE_EXPECT_PANIC({
		(void)kmalloc(128);
		(void)kmalloc(128);
	}));
	EXPECT_TRUE(strstr(fake_panic_msg, "corrupted slab free list") != NULL);
}

/* A plain pointer, as an attacker without the secret would write. */
TEST(slab, forged_link_panics)
{
	uint8_t *keep;
	uint8_t *x;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(128);
	x = kmalloc(128);
	ASSERT_TRUE(keep != NULL && x != NULL);
	kfree(x);
	overwrite_link(x, (uint64_t)(uintptr_t)keep);
	EXPECT_TRUE(FAKE_EXPECT_PANIC({
		(void)kmalloc(128);
		(void)kmalloc(128);
	}));
	EXPECT_TRUE(strstr(fake_panic_msg, "corrupted slab free list") != NULL);
}

/* A valid link copied from another slot does not decode there. */
TEST(slab, replayed_link_panics)
{
	uint8_t *keep;
	uint8_t *x;
	uint8_t *y;
	uint64_t v = 0;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(256);
	x = kmalloc(256);
	y = kmalloc(256);
	ASSERT_TRUE(keep != NULL && x != NULL && y != NULL);
	kfree(y);
	kfree(x);
	memcpy(&v, y, sizeof(v));
	overwrite_link(x, v);
	EXPECT_TRUE(FAKE_EXPECT_PANIC({
		(void)kmalloc(256);
		(void)kmalloc(256);
	}));
	EXPECT_TRUE(strstr(fake_panic_msg, "corrupted slab free list") != NULL);
}

/* The link words hold neither plain pointers nor plain offsets. */
TEST(slab, links_are_encoded)
{
	uint8_t *keep;
	uint8_t *x;
	uint64_t v = 0;

	ASSERT_TRUE(setup(2 * MIB));
	keep = kmalloc(512);
	x = kmalloc(512);
	ASSERT_TRUE(keep != NULL && x != NULL);
	kfree(x);
	memcpy(&v, x, sizeof(v));
	EXPECT_NE(v, 0);
	EXPECT_TRUE(v > 0xffffffffull); /* not a bare page offset */
	EXPECT_NE(v, (uint64_t)(uintptr_t)(x + 512));
	kfree(keep);
}
