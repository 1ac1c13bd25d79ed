/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/mm/pgalloc.c, the buddy page allocator, on fake
 * physical memory. Covered: pgalloc_init rejects unaligned, unmapped and
 * too small ranges, and lays the rest out as the largest aligned blocks
 * behind its metadata; blocks never overlap the metadata; out of memory
 * returns SVSM_E_NOMEM and changes nothing but the failure count; freed
 * memory is zero and PGALLOC_ZERO re-zeroes; a double free, a wrong order,
 * an unaligned, tail, metadata or foreign address, and a heap-owned block
 * each panic and leave the allocator intact; and a seeded random stress
 * test against a model (no overlap, alignment, range, stats, block states)
 * that ends by freeing everything and checking full coalescing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "lib/bytes.h"
#include "test.h"

#define MIB (1ull << 20)

/* Like ASSERT_*, for helpers that return bool. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64: deterministic, so a failure replays exactly. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Fresh fake memory of `size` bytes; the allocator gets it from `skip`. */
static bool setup(uint64_t size, uint64_t skip, paddr_t *base)
{
	*base = pa_add(pa_init(fake_mm_init(size)), skip);
	REQUIRE_EQ(pgalloc_init(*base, size - skip), SVSM_OK);
	return true;
}

static uint8_t *va(paddr_t pa, uint64_t len)
{
	return arch_phys_to_virt(pa_val(pa), len);
}

static bool stats_equal(const struct pgalloc_stats *a,
			const struct pgalloc_stats *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

TEST(pgalloc, init_rejects_bad_ranges)
{
	paddr_t base = pa_init(fake_mm_init(4 * MIB));
	struct pgalloc_stats s;

	EXPECT_EQ(pgalloc_init(pa_add(base, 1), 2 * MIB), SVSM_E_INVAL);
	EXPECT_EQ(pgalloc_init(base, 2 * MIB + 1), SVSM_E_INVAL);
	EXPECT_EQ(pgalloc_init(base, 0), SVSM_E_INVAL);
	/* One page is all metadata: nothing left to hand out. */
	EXPECT_EQ(pgalloc_init(base, PAGE_SIZE), SVSM_E_INVAL);
	/* Not mapped: runs past the fake memory, or wraps. */
	EXPECT_EQ(pgalloc_init(base, 8 * MIB), SVSM_E_INVAL);
	EXPECT_EQ(pgalloc_init(pa_init(~0ull << PAGE_SHIFT), 2 * PAGE_SIZE),
		  SVSM_E_INVAL);
	/* The smallest usable range: one metadata page, one page to give. */
	ASSERT_EQ(pgalloc_init(base, 2 * PAGE_SIZE), SVSM_OK);
	pgalloc_get_stats(&s);
	EXPECT_EQ(s.total_pages, 1);
	EXPECT_EQ(s.meta_pages, 1);
	EXPECT_EQ(s.free_blocks[0], 1);
}

TEST(pgalloc, meta_pages_formula)
{
	EXPECT_EQ(pgalloc_meta_pages(PAGE_SIZE), 1);
	EXPECT_EQ(pgalloc_meta_pages(256 * PAGE_SIZE), 1);
	EXPECT_EQ(pgalloc_meta_pages(257 * PAGE_SIZE), 2);
	EXPECT_EQ(pgalloc_meta_pages(8 * MIB), 8);
	EXPECT_EQ(pgalloc_meta_pages(1024 * MIB), 1024);
}

TEST(pgalloc, init_layout)
{
	struct pgalloc_stats s;
	struct pgalloc_block_info info;
	uint64_t sum = 0;
	paddr_t base;

	ASSERT_TRUE(setup(8 * MIB, 0, &base));
	pgalloc_get_stats(&s);
	EXPECT_EQ(s.meta_pages, 8);
	EXPECT_EQ(s.total_pages, 2048 - 8);
	EXPECT_EQ(s.free_pages, s.total_pages);
	/* Pages 8..2047 of a 2 MiB aligned base: orders 3..8 once, 9 thrice. */
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++) {
		EXPECT_EQ(s.free_blocks[k], k < 3 ? 0 : k < 9 ? 1 : 3);
		sum += s.free_blocks[k] << k;
	}
	EXPECT_EQ(sum, s.free_pages);

	pgalloc_block_info(base, &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_RESERVED);
	pgalloc_block_info(pa_add(base, 7 * PAGE_SIZE + 123), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_RESERVED);
	pgalloc_block_info(pa_add(base, 8 * PAGE_SIZE), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_FREE);
	EXPECT_EQ(info.order, 3);
	pgalloc_block_info(pa_add(base, 9 * PAGE_SIZE), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_TAIL);
	pgalloc_block_info(pa_add(base, 8 * MIB), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_FOREIGN);
	pgalloc_block_info(pa_init(pa_val(base) - 1), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_FOREIGN);
	pgalloc_log_stats();
}

TEST(pgalloc, alloc_free_round_trip)
{
	struct pgalloc_stats before;
	struct pgalloc_stats after;
	struct pgalloc_block_info info;
	paddr_t base;
	paddr_t pa;

	ASSERT_TRUE(setup(4 * MIB, 0, &base));
	pgalloc_get_stats(&before);
	ASSERT_EQ(pgalloc_alloc(2, 0, &pa), SVSM_OK);
	EXPECT_TRUE(pa_is_aligned(pa, 4 * PAGE_SIZE));
	pgalloc_block_info(pa, &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_ALLOCATED);
	EXPECT_EQ(info.order, 2);
	pgalloc_block_info(pa_add(pa, 3 * PAGE_SIZE), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_TAIL);
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages - 4);
	EXPECT_EQ(after.alloc_calls, 1);

	pgalloc_free(pa, 2);
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages);
	EXPECT_EQ(after.free_calls, 1);
	EXPECT_EQ(memcmp(after.free_blocks, before.free_blocks,
			 sizeof(before.free_blocks)),
		  0);
	EXPECT_EQ(pgalloc_alloc(PGALLOC_MAX_ORDER + 1, 0, &pa), SVSM_E_INVAL);
}

/* Takes every page one by one; none may touch the metadata. */
TEST(pgalloc, exhaustion_and_oom)
{
	static paddr_t pages[1024];
	struct pgalloc_stats s;
	struct pgalloc_stats s2;
	uint64_t n = 0;
	paddr_t base;
	paddr_t pa;

	/* Skip 3 pages so the range starts unaligned: 2 MiB - 3 pages. */
	ASSERT_TRUE(setup(2 * MIB + 3 * PAGE_SIZE, 3 * PAGE_SIZE, &base));
	pgalloc_get_stats(&s);
	ASSERT_EQ(s.meta_pages, 2);
	while (pgalloc_alloc(0, 0, &pa) == SVSM_OK) {
		ASSERT_LT(n, ARRAY_SIZE(pages));
		EXPECT_TRUE(pa_val(pa) >=
			    pa_val(base) + s.meta_pages * PAGE_SIZE);
		EXPECT_TRUE(pa_val(pa) < pa_val(base) + 2 * MIB);
		pages[n++] = pa;
	}
	EXPECT_EQ(n, s.total_pages);

	/* Out of memory: an error, and nothing but the counters moves. */
	pgalloc_get_stats(&s);
	EXPECT_EQ(s.free_pages, 0);
	EXPECT_EQ(pgalloc_alloc(3, PGALLOC_ZERO, &pa), SVSM_E_NOMEM);
	pgalloc_get_stats(&s2);
	EXPECT_EQ(s2.failed_calls, s.failed_calls + 1);
	EXPECT_EQ(s2.alloc_calls, s.alloc_calls + 1);
	s2.failed_calls = s.failed_calls;
	s2.alloc_calls = s.alloc_calls;
	EXPECT_TRUE(stats_equal(&s, &s2));

	for (uint64_t i = 0; i < n; i++)
		pgalloc_free(pages[i], 0);
	pgalloc_get_stats(&s);
	EXPECT_EQ(s.free_pages, s.total_pages);
}

/* With some memory left, a larger order still fails cleanly. */
TEST(pgalloc, oom_for_large_order)
{
	struct pgalloc_stats s;
	paddr_t base;
	paddr_t big[4];
	paddr_t pa;
	unsigned int n = 0;

	ASSERT_TRUE(setup(4 * MIB, 0, &base));
	while (n < ARRAY_SIZE(big) &&
	       pgalloc_alloc(PGALLOC_MAX_ORDER, 0, &big[n]) == SVSM_OK) {
		EXPECT_TRUE(pa_is_aligned(big[n], 2 * MIB));
		n++;
	}
	EXPECT_EQ(n, 1); /* the first 2 MiB hold the metadata */
	EXPECT_EQ(pgalloc_alloc(PGALLOC_MAX_ORDER, 0, &pa), SVSM_E_NOMEM);
	pgalloc_get_stats(&s);
	EXPECT_NE(s.free_pages, 0);
	EXPECT_EQ(s.failed_calls, 2); /* the loop's last try, and this one */
	ASSERT_EQ(pgalloc_alloc(0, 0, &pa), SVSM_OK);
	pgalloc_free(pa, 0);
	for (unsigned int i = 0; i < n; i++)
		pgalloc_free(big[i], PGALLOC_MAX_ORDER);
}

TEST(pgalloc, free_zeroes_and_zero_flag)
{
	struct pgalloc_stats s;
	paddr_t base;
	paddr_t pa;
	uint8_t *p;
	uint64_t meta;
	uint64_t len;

	ASSERT_TRUE(setup(2 * MIB, 0, &base));
	ASSERT_EQ(pgalloc_alloc(2, 0, &pa), SVSM_OK);
	p = va(pa, 4 * PAGE_SIZE);
	ASSERT_TRUE(p != NULL);
	EXPECT_TRUE(mem_is_zero(p, 4 * PAGE_SIZE));
	memset(p, 0xa5, 4 * PAGE_SIZE);
	pgalloc_free(pa, 2);
	EXPECT_TRUE(mem_is_zero(p, 4 * PAGE_SIZE));
	ASSERT_EQ(pgalloc_alloc(2, 0, &pa), SVSM_OK);
	EXPECT_TRUE(mem_is_zero(va(pa, 4 * PAGE_SIZE), 4 * PAGE_SIZE));
	pgalloc_free(pa, 2);

	/*
	 * Break the invariant behind the allocator's back (as a stray write
	 * would): PGALLOC_ZERO must still give zeros, a plain alloc not.
	 */
	pgalloc_get_stats(&s);
	meta = s.meta_pages * PAGE_SIZE;
	len = 2 * MIB - meta;
	memset(va(pa_add(base, meta), len), 0x5a, len);
	ASSERT_EQ(pgalloc_alloc(3, PGALLOC_ZERO, &pa), SVSM_OK);
	EXPECT_TRUE(mem_is_zero(va(pa, 8 * PAGE_SIZE), 8 * PAGE_SIZE));
	pgalloc_free(pa, 3);
	memset(va(pa, 8 * PAGE_SIZE), 0x5a, 8 * PAGE_SIZE);
	ASSERT_EQ(pgalloc_alloc(3, 0, &pa), SVSM_OK);
	EXPECT_EQ(va(pa, 1)[0], 0x5a);
}

/* A bad free panics, and the allocator is as it was before the call. */
static bool free_panics(paddr_t pa, unsigned int order, const char *why)
{
	struct pgalloc_stats before;
	struct pgalloc_stats after;

	pgalloc_get_stats(&before);
	REQUIRE_TRUE(FAKE_EXPECT_PANIC(pgalloc_free(pa, order)));
	if (why && !strstr(fake_panic_msg, why)) {
		test_fail(__FILE__, __LINE__, fake_panic_msg);
		return false;
	}
	pgalloc_get_stats(&after);
	REQUIRE_TRUE(stats_equal(&before, &after));
	return true;
}

TEST(pgalloc, bad_frees_panic)
{
	paddr_t base;
	paddr_t a;
	paddr_t b;
	paddr_t end;

	ASSERT_TRUE(setup(4 * MIB, 0, &base));
	end = pa_add(base, 4 * MIB);
	ASSERT_EQ(pgalloc_alloc(1, 0, &a), SVSM_OK);
	ASSERT_EQ(pgalloc_alloc(0, 0, &b), SVSM_OK);

	EXPECT_TRUE(free_panics(a, 0, "wrong order"));
	EXPECT_TRUE(free_panics(a, 2, "wrong order"));
	EXPECT_TRUE(free_panics(a, PGALLOC_MAX_ORDER + 1, "out of range"));
	EXPECT_TRUE(free_panics(pa_add(a, 8), 1, "not page aligned"));
	EXPECT_TRUE(free_panics(pa_add(a, PAGE_SIZE), 0, "not the start"));
	EXPECT_TRUE(free_panics(base, 0, "outside"));
	EXPECT_TRUE(free_panics(end, 0, "outside"));
	EXPECT_TRUE(
		free_panics(pa_init(pa_val(base) - PAGE_SIZE), 0, "outside"));
	EXPECT_TRUE(free_panics(pa_init(0), 0, "outside"));

	pgalloc_free(b, 0);
	EXPECT_TRUE(free_panics(b, 0, NULL)); /* double free */

	pgalloc_set_owner(a, 1, &base);
	EXPECT_TRUE(free_panics(a, 1, "heap"));
	EXPECT_TRUE(FAKE_EXPECT_PANIC(pgalloc_set_owner(a, 0, NULL)));
	pgalloc_set_owner(a, 1, NULL);
	pgalloc_free(a, 1);
	EXPECT_TRUE(free_panics(a, 1, NULL));
	EXPECT_TRUE(FAKE_EXPECT_PANIC(pgalloc_set_owner(a, 1, &base)));
}

/* A double free caught while the block's buddy is still allocated. */
TEST(pgalloc, double_free_names_itself)
{
	paddr_t base;
	paddr_t a;
	paddr_t b;

	ASSERT_TRUE(setup(2 * MIB, 0, &base));
	ASSERT_EQ(pgalloc_alloc(0, 0, &a), SVSM_OK);
	ASSERT_EQ(pgalloc_alloc(0, 0, &b), SVSM_OK);
	/* a and b are buddies (both split from one block): b stays live. */
	ASSERT_EQ(pa_val(a) ^ pa_val(b), PAGE_SIZE);
	pgalloc_free(a, 0);
	EXPECT_TRUE(free_panics(a, 0, "double free"));
	pgalloc_free(b, 0);
}

/* ---- random stress test against a model ---- */

#define STRESS_LIVE_MAX 256

struct stress {
	paddr_t base; /* of the range given to pgalloc_init */
	uint64_t pages;
	uint64_t meta_pages;
	uint64_t live_count;
	uint64_t live_pages;
	paddr_t live_pa[STRESS_LIVE_MAX];
	unsigned int live_order[STRESS_LIVE_MAX];
	uint8_t owner[4096]; /* per page: 1 while a live block covers it */
	struct pgalloc_stats initial;
};

static uint64_t page_of(const struct stress *st, paddr_t pa)
{
	return (pa_val(pa) - pa_val(st->base)) >> PAGE_SHIFT;
}

static void tag_write(paddr_t pa, unsigned int order)
{
	uint64_t len = PAGE_SIZE << order;
	uint8_t *p = va(pa, len);
	uint64_t tag = pa_val(pa) ^ 0x7a6b5c4d3e2f1011ull;

	memcpy(p, &tag, sizeof(tag));
	memcpy(p + len - sizeof(tag), &tag, sizeof(tag));
}

static bool tag_intact(paddr_t pa, unsigned int order)
{
	uint64_t len = PAGE_SIZE << order;
	const uint8_t *p = va(pa, len);
	uint64_t tag = pa_val(pa) ^ 0x7a6b5c4d3e2f1011ull;

	return memcmp(p, &tag, sizeof(tag)) == 0 &&
	       memcmp(p + len - sizeof(tag), &tag, sizeof(tag)) == 0;
}

static bool stress_alloc(struct stress *st, unsigned int order)
{
	struct pgalloc_stats s;
	enum svsm_err err;
	uint64_t first;
	paddr_t pa;

	err = pgalloc_alloc(order, 0, &pa);
	if (err != SVSM_OK) {
		REQUIRE_EQ(err, SVSM_E_NOMEM);
		/* Only right when no block of this order or above is free. */
		pgalloc_get_stats(&s);
		for (unsigned int k = order; k <= PGALLOC_MAX_ORDER; k++)
			REQUIRE_EQ(s.free_blocks[k], 0);
		return true;
	}
	REQUIRE_TRUE(pa_is_aligned(pa, PAGE_SIZE << order));
	REQUIRE_TRUE(pa_val(pa) >= pa_val(st->base));
	first = page_of(st, pa);
	REQUIRE_TRUE(first >= st->meta_pages);
	REQUIRE_TRUE(first + (1ull << order) <= st->pages);
	for (uint64_t i = first; i < first + (1ull << order); i++) {
		REQUIRE_EQ(st->owner[i], 0); /* overlap with a live block */
		st->owner[i] = 1;
	}
	REQUIRE_TRUE(
		mem_is_zero(va(pa, PAGE_SIZE << order), PAGE_SIZE << order));
	tag_write(pa, order);
	st->live_pa[st->live_count] = pa;
	st->live_order[st->live_count] = order;
	st->live_count++;
	st->live_pages += 1ull << order;
	return true;
}

static bool stress_free(struct stress *st, uint64_t i)
{
	paddr_t pa = st->live_pa[i];
	unsigned int order = st->live_order[i];
	uint64_t first = page_of(st, pa);

	REQUIRE_TRUE(tag_intact(pa, order));
	pgalloc_free(pa, order);
	for (uint64_t p = first; p < first + (1ull << order); p++)
		st->owner[p] = 0;
	st->live_count--;
	st->live_pa[i] = st->live_pa[st->live_count];
	st->live_order[i] = st->live_order[st->live_count];
	st->live_pages -= 1ull << order;
	return true;
}

static bool stress_check_stats(const struct stress *st)
{
	struct pgalloc_stats s;
	uint64_t sum = 0;

	pgalloc_get_stats(&s);
	REQUIRE_EQ(s.total_pages, st->pages - st->meta_pages);
	REQUIRE_EQ(s.free_pages + st->live_pages, s.total_pages);
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		sum += s.free_blocks[k] << k;
	REQUIRE_EQ(sum, s.free_pages);
	return true;
}

/* Every page's state agrees with the model. */
static bool stress_check_pages(const struct stress *st)
{
	static uint8_t head_order[4096];
	struct pgalloc_block_info info;

	memset(head_order, 0xff, sizeof(head_order));
	for (uint64_t i = 0; i < st->live_count; i++)
		head_order[page_of(st, st->live_pa[i])] =
			(uint8_t)st->live_order[i];
	for (uint64_t p = 0; p < st->pages; p++) {
		pgalloc_block_info(pa_add(st->base, p * PAGE_SIZE), &info);
		if (p < st->meta_pages) {
			REQUIRE_EQ(info.state, PGALLOC_PAGE_RESERVED);
		} else if (head_order[p] != 0xff) {
			REQUIRE_EQ(info.state, PGALLOC_PAGE_ALLOCATED);
			REQUIRE_EQ(info.order, head_order[p]);
		} else if (st->owner[p]) {
			REQUIRE_EQ(info.state, PGALLOC_PAGE_TAIL);
		} else {
			REQUIRE_TRUE(info.state == PGALLOC_PAGE_FREE ||
				     info.state == PGALLOC_PAGE_TAIL);
		}
	}
	return true;
}

static bool stress_run(uint64_t seed, uint64_t size, uint64_t skip,
		       unsigned int steps)
{
	static struct stress st;
	struct pgalloc_stats s;

	memset(&st, 0, sizeof(st));
	rng_state = seed;
	REQUIRE_TRUE(setup(size, skip, &st.base));
	st.pages = (size - skip) >> PAGE_SHIFT;
	REQUIRE_TRUE(st.pages <= ARRAY_SIZE(st.owner));
	st.meta_pages = pgalloc_meta_pages(size - skip);
	pgalloc_get_stats(&st.initial);

	for (unsigned int step = 0; step < steps; step++) {
		uint64_t r = rng_next();
		/* Grow for a while, then shrink, so that OOM happens too. */
		bool grow = (step / 500) % 2 == 0 ? r % 4 != 0 : r % 4 == 0;

		if (st.live_count == STRESS_LIVE_MAX ||
		    (!grow && st.live_count)) {
			REQUIRE_TRUE(
				stress_free(&st, (r >> 8) % st.live_count));
		} else {
			/* Mostly small orders, sometimes any order. */
			unsigned int order = (r >> 8) % 8 == 0 ? (r >> 16) % 10
							       : (r >> 16) % 4;

			REQUIRE_TRUE(stress_alloc(&st, order));
		}
		REQUIRE_TRUE(stress_check_stats(&st));
		if (step % 256 == 0)
			REQUIRE_TRUE(stress_check_pages(&st));
	}

	while (st.live_count)
		REQUIRE_TRUE(stress_free(&st, st.live_count - 1));
	pgalloc_get_stats(&s);
	REQUIRE_EQ(s.free_pages, st.initial.free_pages);
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		REQUIRE_EQ(s.free_blocks[k], st.initial.free_blocks[k]);
	REQUIRE_TRUE(stress_check_pages(&st));
	REQUIRE_TRUE(mem_is_zero(va(pa_add(st.base, st.meta_pages * PAGE_SIZE),
				    (st.pages - st.meta_pages) * PAGE_SIZE),
				 (st.pages - st.meta_pages) * PAGE_SIZE));
	return true;
}

TEST(pgalloc, stress_aligned_range)
{
	EXPECT_TRUE(stress_run(0x9e3779b97f4a7c15ull, 8 * MIB, 0, 20000));
}

/* An odd start and length: buddies may lie outside the range. */
TEST(pgalloc, stress_unaligned_range)
{
	EXPECT_TRUE(stress_run(0x0123456789abcdefull, 6 * MIB + 13 * PAGE_SIZE,
			       5 * PAGE_SIZE, 20000));
}

TEST(pgalloc, stress_small_range)
{
	EXPECT_TRUE(stress_run(42, 300 * PAGE_SIZE, 7 * PAGE_SIZE, 10000));
}
