/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/mm/gpa.c, the check from an untrusted gpa_t to a
 * paddr_t. Covered: zero length; align not a power of two; misalignment at
 * 4 KiB and 2 MiB; wrap-around (gpa near 2^64, len wrapping to exactly 0,
 * and a wrap whose truncated end would fall inside RAM); the C-bit set in a
 * GFN; ranges ending exactly at a RAM range end (ok) or one byte past
 * (refused); a range spanning two adjacent RAM ranges (refused by design,
 * see gpa.h); overlap with SVSM memory at each boundary of the region and
 * of a VMSA page, and a 2 MiB range containing them; *out untouched on
 * every error; gpa_reserve() refusing malformed and overlapping ranges and
 * running out of slots; gpa_unreserve(); gpa_set_ram() refusing a bad map
 * and keeping the old one; gpa_range_overlaps_svsm(); and a randomized
 * comparison with a reference model in 128-bit arithmetic.
 */
#include <stdbool.h>
#include <stdint.h>

#include "svsm/mm/gpa.h"

#include "test.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull

/* The SVSM region of these tests: 1 MiB at the start of a 2 MiB page. */
#define REGION_BASE 0x01000000ull
#define REGION_SIZE 0x00100000ull
#define REGION_END  (REGION_BASE + REGION_SIZE)
/* A VMSA page in the middle of another 2 MiB page. */
#define VMSA_BASE 0x02345000ull

/* Low RAM, main RAM, two adjacent ranges, and one just below 2^64. */
static const struct ram_range test_ram[] = {
	{0x0, 0xa0000},
	{0x100000, 0x7ff00000},
	{0x100000000ull, 0x40000000},
	{0x140000000ull, 0x40000000},
	{0xffffff0000000000ull, 0xfffffff000ull},
};
#define TOP_RAM_END 0xfffffffffffff000ull

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

static bool clear_reserved(void)
{
	paddr_t base;
	uint64_t size;

	while (gpa_reserved_get(0, &base, &size)) {
		if (gpa_unreserve(base, size) != SVSM_OK)
			return false;
	}
	return gpa_reserved_count() == 0;
}

/* The standard map: test_ram, the region and one VMSA page reserved. */
static bool setup(void)
{
	return clear_reserved() &&
	       gpa_set_ram(test_ram, ARRAY_SIZE(test_ram)) == SVSM_OK &&
	       gpa_reserve(pa_init(REGION_BASE), REGION_SIZE) == SVSM_OK &&
	       gpa_reserve(pa_init(VMSA_BASE), SZ_4K) == SVSM_OK;
}

/* gpa_validate() result; on error also checks that *out was not written. */
static enum svsm_err check(uint64_t gpa, uint64_t len, uint64_t align)
{
	paddr_t out = pa_init(SENTINEL);
	enum svsm_err err = gpa_validate(gpa_init(gpa), len, align, &out);

	if (err == SVSM_OK && pa_val(out) != gpa)
		return SVSM_E_HW; /* a value no path returns: fails the test */
	if (err != SVSM_OK && pa_val(out) != SENTINEL)
		return SVSM_E_HW;
	return err;
}

TEST(gpa, valid_ranges)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(check(0x200000, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x200000, SZ_2M, SZ_2M), SVSM_OK);
	EXPECT_EQ(check(0x123, 1, 1), SVSM_OK);
	EXPECT_EQ(check(0x0, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x100000000ull, 0x40000000, SZ_2M), SVSM_OK);
}

TEST(gpa, zero_length)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(check(0x200000, 0, SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200000, 0, 1), SVSM_E_INVAL);
	/* Zero length is malformed even where it would otherwise wrap. */
	EXPECT_EQ(check(UINT64_MAX, 0, 1), SVSM_E_INVAL);
}

TEST(gpa, align_must_be_power_of_two)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(check(0x200000, SZ_4K, 0), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200000, SZ_4K, 3), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200000, SZ_4K, 0x1800), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200000, SZ_4K, UINT64_MAX), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200000, SZ_4K, 1), SVSM_OK);
	/* 2^63 is a power of two; only 0 is aligned to it (and is RAM). */
	EXPECT_EQ(check(0x0, SZ_4K, 1ull << 63), SVSM_OK);
	EXPECT_EQ(check(0x200000, SZ_4K, 1ull << 63), SVSM_E_INVAL);
}

TEST(gpa, misaligned_4k)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(check(0x200001, SZ_4K, SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200800, SZ_4K, SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(check(0x200fff, SZ_4K, SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(check(0x201000, SZ_4K, SZ_4K), SVSM_OK);
	/* Only the start is checked: an odd length is the caller's choice. */
	EXPECT_EQ(check(0x201000, 10, SZ_4K), SVSM_OK);
}

TEST(gpa, misaligned_2m)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(check(0x201000, SZ_2M, SZ_2M), SVSM_E_INVAL);
	EXPECT_EQ(check(0x3ff000, SZ_2M, SZ_2M), SVSM_E_INVAL);
	EXPECT_EQ(check(0x300000, SZ_2M, SZ_2M), SVSM_E_INVAL);
	EXPECT_EQ(check(0x400000, SZ_2M, SZ_2M), SVSM_OK);
	/* Malformed beats wrap: both wrong reports INVALID_PARAMETER. */
	EXPECT_EQ(check(UINT64_MAX - SZ_4K + 2, SZ_2M, SZ_2M), SVSM_E_INVAL);
}

TEST(gpa, wrap_around)
{
	ASSERT_TRUE(setup());
	/* gpa + len == 2^64 exactly: wraps to 0. */
	EXPECT_EQ(check(UINT64_MAX, 1, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(0xfffffffffffff000ull, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(0xffffffffffe00000ull, SZ_2M, SZ_2M), SVSM_E_FAULT);
	EXPECT_EQ(check(0x100000, 0ull - 0x100000, SZ_4K), SVSM_E_FAULT);
	/* Maximal lengths. */
	EXPECT_EQ(check(0x1000, UINT64_MAX, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(UINT64_MAX, UINT64_MAX, 1), SVSM_E_FAULT);
	/*
	 * Starts in the top RAM range and wraps to an end of 0x1000, which
	 * is "<= end of RAM": an unchecked sum would accept it.
	 */
	EXPECT_EQ(check(0xffffff0000000000ull, 0x10000001000ull, SZ_4K),
		  SVSM_E_FAULT);
	/* Does not wrap (end = 2^64 - 1) but is beyond the top RAM range. */
	EXPECT_EQ(check(0xfffffffffffff000ull, 0xfff, SZ_4K), SVSM_E_FAULT);
	/* The top RAM range itself is fine up to its last byte. */
	EXPECT_EQ(check(TOP_RAM_END - SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(TOP_RAM_END - 1, 1, 1), SVSM_OK);
	EXPECT_EQ(check(TOP_RAM_END, 1, 1), SVSM_E_FAULT);
}

TEST(gpa, high_bits_are_not_ram)
{
	ASSERT_TRUE(setup());
	/* The C-bit (bit 51) set in a GFN names the same page to the CPU. */
	EXPECT_EQ(check((1ull << 51) | 0x200000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check((1ull << 51) | REGION_BASE, SZ_4K, SZ_4K),
		  SVSM_E_FAULT);
	EXPECT_EQ(check(1ull << 52, SZ_4K, SZ_4K), SVSM_E_FAULT);
}

TEST(gpa, ram_range_boundaries)
{
	ASSERT_TRUE(setup());
	/* Low RAM is [0, 0xa0000). */
	EXPECT_EQ(check(0xa0000 - SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0xa0000 - SZ_4K, SZ_4K + 1, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(0xa0000 - 1, 1, 1), SVSM_OK);
	EXPECT_EQ(check(0xa0000 - 1, 2, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(0xa0000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	/* Main RAM is [0x100000, 0x80000000). */
	EXPECT_EQ(check(0x100000, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x100000 - 1, 2, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(0xff000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(0x7fe00000, SZ_2M, SZ_2M), SVSM_OK);
	EXPECT_EQ(check(0x7fe00000, SZ_2M + 1, SZ_2M), SVSM_E_FAULT);
	EXPECT_EQ(check(0x80000000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	/* A range bigger than every RAM range. */
	EXPECT_EQ(check(0x0, 0x200000000ull, SZ_4K), SVSM_E_FAULT);
}

TEST(gpa, adjacent_ram_ranges_are_not_merged)
{
	const uint64_t seam = 0x140000000ull;

	ASSERT_TRUE(setup());
	EXPECT_EQ(check(seam - SZ_2M, SZ_2M, SZ_2M), SVSM_OK);
	EXPECT_EQ(check(seam, SZ_2M, SZ_2M), SVSM_OK);
	/* Each byte is RAM, but the range crosses two map entries. */
	EXPECT_EQ(check(seam - SZ_4K, 2 * SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(seam - 1, 2, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(seam - SZ_2M, 2 * SZ_2M, SZ_2M), SVSM_E_FAULT);
}

TEST(gpa, region_boundaries)
{
	ASSERT_TRUE(setup());
	/* Ends exactly at the region base: ok. */
	EXPECT_EQ(check(REGION_BASE - SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(REGION_BASE - 1, 1, 1), SVSM_OK);
	/* Ends one byte into the region. */
	EXPECT_EQ(check(REGION_BASE - SZ_4K + 1, SZ_4K, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(REGION_BASE - SZ_4K, SZ_4K + 1, SZ_4K), SVSM_E_FAULT);
	/* Starts at the region base, inside it, or at its last byte. */
	EXPECT_EQ(check(REGION_BASE, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(REGION_BASE + 0x80000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(REGION_END - 1, 1, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(REGION_END - 1, SZ_4K, 1), SVSM_E_FAULT);
	EXPECT_EQ(check(REGION_END - SZ_4K, SZ_4K, SZ_4K), SVSM_E_FAULT);
	/* Starts exactly at the region end: ok. */
	EXPECT_EQ(check(REGION_END, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(REGION_END, 1, 1), SVSM_OK);
}

TEST(gpa, range_containing_svsm_memory)
{
	ASSERT_TRUE(setup());
	/* The 2 MiB page holding the whole 1 MiB region. */
	EXPECT_EQ(check(REGION_BASE, SZ_2M, SZ_2M), SVSM_E_FAULT);
	/* The 2 MiB page holding the VMSA page in its middle. */
	EXPECT_EQ(check(VMSA_BASE & ~(SZ_2M - 1), SZ_2M, SZ_2M), SVSM_E_FAULT);
	/* Huge ranges starting well below either. */
	EXPECT_EQ(check(0x200000, 0x40000000, SZ_2M), SVSM_E_FAULT);
	EXPECT_EQ(check(0x100000, 0x7ff00000, SZ_4K), SVSM_E_FAULT);
	/* Around the VMSA page. */
	EXPECT_EQ(check(VMSA_BASE - SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(VMSA_BASE + SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(VMSA_BASE - SZ_4K, 2 * SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(VMSA_BASE + SZ_4K - 1, 1, 1), SVSM_E_FAULT);
	/* The next 2 MiB pages are guest memory again. */
	EXPECT_EQ(check(REGION_BASE + SZ_2M, SZ_2M, SZ_2M), SVSM_OK);
	EXPECT_EQ(check((VMSA_BASE & ~(SZ_2M - 1)) + SZ_2M, SZ_2M, SZ_2M),
		  SVSM_OK);
}

TEST(gpa, between_many_reservations)
{
	ASSERT_TRUE(setup());
	/* Eight 4 KiB pages, every other page, reserved out of order. */
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t page = 0x10000000 + ((i * 5) % 8) * 2 * SZ_4K;

		ASSERT_EQ(gpa_reserve(pa_init(page), SZ_4K), SVSM_OK);
	}
	ASSERT_EQ(gpa_reserved_count(), 10);
	for (uint64_t p = 0; p < 16; p++) {
		uint64_t gpa = 0x10000000 + p * SZ_4K;

		EXPECT_EQ(check(gpa, SZ_4K, SZ_4K),
			  (p % 2) ? SVSM_OK : SVSM_E_FAULT);
		/* Two bytes across pages p and p + 1 (page 16 is free). */
		EXPECT_EQ(check(gpa + SZ_4K - 1, 2, 1),
			  p == 15 ? SVSM_OK : SVSM_E_FAULT);
	}
	EXPECT_EQ(check(0x10000000 + 16 * SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x10000000 - SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	/* In address order whatever the order of registration. */
	for (uint32_t i = 1; i < gpa_reserved_count(); i++) {
		paddr_t a, b;
		uint64_t sa, sb;

		ASSERT_TRUE(gpa_reserved_get(i - 1, &a, &sa));
		ASSERT_TRUE(gpa_reserved_get(i, &b, &sb));
		EXPECT_TRUE(pa_val(a) + sa <= pa_val(b));
	}
}

TEST(gpa, reserve_refuses_bad_ranges)
{
	paddr_t b;
	uint64_t s;

	ASSERT_TRUE(setup());
	EXPECT_EQ(gpa_reserve(pa_init(0x20000000), 0), SVSM_E_INVAL);
	EXPECT_EQ(gpa_reserve(pa_init(UINT64_MAX), 1), SVSM_E_INVAL);
	EXPECT_EQ(gpa_reserve(pa_init(0xfffffffffffff000ull), SZ_4K),
		  SVSM_E_INVAL);
	EXPECT_EQ(gpa_reserve(pa_init(SZ_4K), UINT64_MAX), SVSM_E_INVAL);
	/* Overlaps with the region: equal, at each end, inside, around. */
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE), REGION_SIZE), SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE - SZ_4K), SZ_4K + 1),
		  SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserve(pa_init(REGION_END - 1), SZ_4K), SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE + SZ_4K), SZ_4K),
		  SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE - SZ_2M), 4 * SZ_2M),
		  SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserved_count(), 2);
	/* Touching is not overlapping. */
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE - SZ_4K), SZ_4K), SVSM_OK);
	EXPECT_EQ(gpa_reserve(pa_init(REGION_END), SZ_4K), SVSM_OK);
	/* The highest range that does not wrap, and 0. */
	EXPECT_EQ(gpa_reserve(pa_init(0xffffffffffffe000ull), SZ_4K), SVSM_OK);
	EXPECT_EQ(gpa_reserve(pa_init(UINT64_MAX - 1), 1), SVSM_OK);
	EXPECT_EQ(gpa_reserve(pa_init(0), 1), SVSM_OK);
	EXPECT_EQ(gpa_reserved_count(), 7);
	ASSERT_TRUE(gpa_reserved_get(0, &b, &s));
	EXPECT_EQ(pa_val(b), 0);
	EXPECT_EQ(s, 1);
	EXPECT_FALSE(gpa_reserved_get(7, &b, &s));
	EXPECT_EQ(check(0, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(1, SZ_4K - 1, 1), SVSM_OK);
}

TEST(gpa, reserve_runs_out_of_slots)
{
	uint32_t n;

	ASSERT_TRUE(setup());
	n = gpa_reserved_count();
	for (uint32_t i = n; i < GPA_MAX_RESERVED; i++)
		ASSERT_EQ(gpa_reserve(pa_init(0x40000000 + i * SZ_4K), SZ_4K),
			  SVSM_OK);
	EXPECT_EQ(gpa_reserved_count(), GPA_MAX_RESERVED);
	EXPECT_EQ(gpa_reserve(pa_init(0x60000000), SZ_4K), SVSM_E_NOMEM);
	/* Overlap is reported before exhaustion, and changes nothing. */
	EXPECT_EQ(gpa_reserve(pa_init(REGION_BASE), SZ_4K), SVSM_E_BUSY);
	EXPECT_EQ(gpa_reserved_count(), GPA_MAX_RESERVED);
	EXPECT_EQ(check(0x60000000, SZ_4K, SZ_4K), SVSM_OK);
	/* A freed slot can be used again. */
	ASSERT_EQ(gpa_unreserve(pa_init(0x40000000 + n * SZ_4K), SZ_4K),
		  SVSM_OK);
	EXPECT_EQ(gpa_reserve(pa_init(0x60000000), SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x60000000, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(0x40000000 + n * SZ_4K, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_TRUE(clear_reserved());
}

TEST(gpa, unreserve_needs_exact_match)
{
	ASSERT_TRUE(setup());
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE), SZ_4K - 1), SVSM_E_INVAL);
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE + 1), SZ_4K - 1),
		  SVSM_E_INVAL);
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE), 2 * SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(gpa_unreserve(pa_init(0x20000000), SZ_4K), SVSM_E_INVAL);
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE), 0), SVSM_E_INVAL);
	EXPECT_EQ(check(VMSA_BASE, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE), SZ_4K), SVSM_OK);
	EXPECT_EQ(check(VMSA_BASE, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(gpa_unreserve(pa_init(VMSA_BASE), SZ_4K), SVSM_E_INVAL);
	/* The region is still there. */
	EXPECT_EQ(check(REGION_BASE, SZ_4K, SZ_4K), SVSM_E_FAULT);
}

TEST(gpa, set_ram_refuses_bad_maps)
{
	struct ram_range many[GPA_MAX_RAM_RANGES + 1];
	const struct ram_range empty[] = {{0x1000, 0}};
	const struct ram_range wraps[] = {{0xfffffffffffff000ull, SZ_4K}};
	const struct ram_range overlap[] = {
		{0x0, 0x100000},
		{0x200000, 0x100000},
		{0x2ff000, SZ_4K},
	};
	const struct ram_range contained[] = {
		{0x200000, SZ_4K},
		{0x0, 0x100000000ull},
	};
	const struct ram_range adjacent[] = {
		{0x200000, 0x100000},
		{0x100000, 0x100000},
	};

	ASSERT_TRUE(setup());
	for (uint32_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct ram_range){i * SZ_2M, SZ_4K};
	EXPECT_EQ(gpa_set_ram(many, GPA_MAX_RAM_RANGES + 1), SVSM_E_INVAL);
	EXPECT_EQ(gpa_set_ram(empty, 1), SVSM_E_INVAL);
	EXPECT_EQ(gpa_set_ram(wraps, 1), SVSM_E_INVAL);
	EXPECT_EQ(gpa_set_ram(overlap, 3), SVSM_E_INVAL);
	EXPECT_EQ(gpa_set_ram(contained, 2), SVSM_E_INVAL);
	/* The old map is still in force. */
	EXPECT_EQ(check(0x7fe00000, SZ_2M, SZ_2M), SVSM_OK);
	EXPECT_EQ(check(0xa0000, SZ_4K, SZ_4K), SVSM_E_FAULT);

	/* Unsorted adjacent ranges are fine; a full table too. */
	EXPECT_EQ(gpa_set_ram(adjacent, 2), SVSM_OK);
	EXPECT_EQ(check(0x1ff000, SZ_4K, SZ_4K), SVSM_OK);
	EXPECT_EQ(check(0x7fe00000, SZ_2M, SZ_2M), SVSM_E_FAULT);
	EXPECT_EQ(gpa_set_ram(many, GPA_MAX_RAM_RANGES), SVSM_OK);
	EXPECT_EQ(check((GPA_MAX_RAM_RANGES - 1) * SZ_2M, SZ_4K, SZ_4K),
		  SVSM_OK);
	EXPECT_EQ(check(GPA_MAX_RAM_RANGES * SZ_2M, SZ_4K, SZ_4K),
		  SVSM_E_FAULT);
	/* No RAM at all: nothing validates. */
	EXPECT_EQ(gpa_set_ram(NULL, 0), SVSM_OK);
	EXPECT_EQ(check(0x0, SZ_4K, SZ_4K), SVSM_E_FAULT);
	EXPECT_EQ(check(0x200000, 1, 1), SVSM_E_FAULT);
}

TEST(gpa, overlaps_svsm_helper)
{
	ASSERT_TRUE(setup());
	EXPECT_FALSE(gpa_range_overlaps_svsm(gpa_init(REGION_BASE), 0));
	EXPECT_FALSE(gpa_range_overlaps_svsm(gpa_init(REGION_BASE - 1), 1));
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(REGION_BASE - 1), 2));
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(REGION_END - 1), 1));
	EXPECT_FALSE(gpa_range_overlaps_svsm(gpa_init(REGION_END), SZ_2M));
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(REGION_BASE), SZ_2M));
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(VMSA_BASE & ~(SZ_2M - 1)),
					    SZ_2M));
	/* Not RAM is not SVSM memory: only reservations count here. */
	EXPECT_FALSE(gpa_range_overlaps_svsm(gpa_init(0xa0000), SZ_4K));
	/* A wrapping range is reported as overlapping. */
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(UINT64_MAX), 1));
	EXPECT_TRUE(gpa_range_overlaps_svsm(gpa_init(0x5000), UINT64_MAX));
}

/*
 * Reference model: a list of byte ranges compared in 128-bit arithmetic,
 * with no shortcuts (no sorting, no early wrap check).
 */
typedef unsigned __int128 u128;

struct model_range {
	u128 base, end;
};

static enum svsm_err model_validate(const struct model_range *ram,
				    uint32_t nram,
				    const struct model_range *res,
				    uint32_t nres, uint64_t gpa, uint64_t len,
				    uint64_t align)
{
	u128 end = (u128)gpa + len;
	bool in_ram = false;

	if (len == 0 || align == 0 || __builtin_popcountll(align) != 1 ||
	    gpa % align != 0)
		return SVSM_E_INVAL;
	if (end > UINT64_MAX)
		return SVSM_E_FAULT;
	for (uint32_t i = 0; i < nram; i++)
		in_ram |= ram[i].base <= gpa && end <= ram[i].end;
	if (!in_ram)
		return SVSM_E_FAULT;
	for (uint32_t i = 0; i < nres; i++) {
		u128 lo = gpa > res[i].base ? gpa : res[i].base;
		u128 hi = end < res[i].end ? end : res[i].end;

		if (lo < hi)
			return SVSM_E_FAULT;
	}
	return SVSM_OK;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* A value near one of the interesting points, or anything. */
static uint64_t pick(const uint64_t *points, uint32_t n)
{
	uint64_t r = rng();

	switch (r % 4) {
	case 0:
		return rng();
	case 1:
		return points[rng() % n];
	default:
		return points[rng() % n] + (rng() % 9) - 4;
	}
}

TEST(gpa, randomized_against_model)
{
	struct ram_range map[6];
	struct model_range mram[6];
	struct model_range mres[24];
	uint64_t points[2 + 2 * 6 + 2 * 24];
	uint32_t npoints = 0;
	uint32_t nres = 0;
	unsigned int ok_count = 0;

	ASSERT_TRUE(clear_reserved());
	for (unsigned int round = 0; round < 200; round++) {
		uint32_t nram = 1 + rng() % 6;

		npoints = 0;
		points[npoints++] = 0;
		points[npoints++] = UINT64_MAX;
		/* Disjoint RAM ranges at 4 KiB granularity in 1 GiB slots. */
		for (uint32_t i = 0; i < nram; i++) {
			uint64_t base =
				i * 0x40000000ull + (rng() % 0x100) * SZ_4K;
			uint64_t size = (1 + rng() % 0x2000) * SZ_4K;

			map[i] = (struct ram_range){base, size};
			mram[i] = (struct model_range){base, (u128)base + size};
			points[npoints++] = base;
			points[npoints++] = base + size;
		}
		ASSERT_EQ(gpa_set_ram(map, nram), SVSM_OK);
		/* Reservations, some refused for overlap. */
		ASSERT_TRUE(clear_reserved());
		nres = 0;
		for (uint32_t i = 0; i < ARRAY_SIZE(mres); i++) {
			uint64_t base = pick(points, npoints) & ~(SZ_4K - 1);
			uint64_t size = (1 + rng() % 600) * SZ_4K;
			struct model_range m = {base, (u128)base + size};
			enum svsm_err want = SVSM_OK;

			if (m.end > UINT64_MAX)
				want = SVSM_E_INVAL;
			for (uint32_t j = 0; j < nres && want == SVSM_OK; j++) {
				if (m.base < mres[j].end &&
				    mres[j].base < m.end)
					want = SVSM_E_BUSY;
			}
			ASSERT_EQ(gpa_reserve(pa_init(base), size), want);
			if (want == SVSM_OK)
				mres[nres++] = m;
		}
		for (uint32_t i = 0; i < nres; i++) {
			points[npoints++] = (uint64_t)mres[i].base;
			points[npoints++] = (uint64_t)mres[i].end;
		}
		for (unsigned int q = 0; q < 2000; q++) {
			static const uint64_t aligns[] = {1, SZ_4K, SZ_2M, 0,
							  3};
			uint64_t align = aligns[rng() % ARRAY_SIZE(aligns)];
			uint64_t gpa = pick(points, npoints);
			uint64_t len;
			enum svsm_err want;

			if (rng() % 2) {
				/* Somewhere inside a RAM range. */
				const struct ram_range *r = &map[rng() % nram];

				gpa = r->base + rng() % r->size;
			}

			if (rng() % 2)
				gpa &= ~(align ? align - 1 : 0);
			switch (rng() % 4) {
			case 0:
				len = rng() % 3;
				break;
			case 1:
				len = pick(points, npoints) - gpa;
				break;
			default:
				len = SZ_4K << (rng() % 10);
				break;
			}
			want = model_validate(mram, nram, mres, nres, gpa, len,
					      align);
			ASSERT_EQ(check(gpa, len, align), want);
			ok_count += want == SVSM_OK;
		}
	}
	/* The generator must reach the accepting path, not only errors. */
	EXPECT_TRUE(ok_count > 40000);
	EXPECT_TRUE(clear_reserved());
}
