/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE of the SVSM's own memory at boot (kernel/plat/snp/validate.c)
 * on the RMP model: 4 KiB RMP entries (as KVM makes them) are validated
 * 4 KiB at a time after the 2 MiB attempt fails with a size mismatch, a
 * 2 MiB entry in one instruction, and a page that is already validated,
 * shared or outside memory stops the range with its address.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "abi/snp.h"

#include "fake/fake.h"
#include "rmp.h"
#include "snp/validate.h"
#include "test.h"

#define MEM_SIZE (8ull << 20)
#define BASE	 FAKE_PHYS_BASE /* 1 GiB: 2 MiB aligned */
#define SZ_4K	 0x1000ull
#define SZ_2M	 0x200000ull

static bool setup(void)
{
	REQUIRE_EQ(fake_mm_init(MEM_SIZE), BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, BASE, MEM_SIZE));
	fake_snp_reset_counters();
	fake_snp_vmpl = 0;
	/* The boot path runs on entry.S's 2 MiB mappings of the region. */
	fake_boot_map_2m_lo = BASE;
	fake_boot_map_2m_hi = BASE + MEM_SIZE;
	return true;
}

static void teardown(void)
{
	fake_boot_map_2m_lo = fake_boot_map_2m_hi = 0;
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
}

/* The host makes [gpa, gpa + size) private, not validated. */
static bool assign(uint64_t gpa, uint64_t size, unsigned int psize)
{
	uint64_t step = psize == SNP_RMP_PSIZE_2M ? SZ_2M : SZ_4K;

	for (uint64_t a = gpa; a < gpa + size; a += step)
		REQUIRE_EQ(sim_rmp_assign(&fake_snp_rmp, a, psize),
			   SNP_SUCCESS);
	return true;
}

static bool all_validated(uint64_t gpa, uint64_t size)
{
	for (uint64_t a = gpa; a < gpa + size; a += SZ_4K) {
		struct sim_rmp_entry e;

		REQUIRE_TRUE(sim_rmp_entry(&fake_snp_rmp, a, &e));
		REQUIRE_TRUE(e.assigned && e.validated);
	}
	return true;
}

TEST(snp_validate, small_entries_fall_back_to_4k)
{
	struct snp_validate_result r;
	uint64_t start = BASE + SZ_2M - 2 * SZ_4K; /* 2 pages before 2 MiB */
	uint64_t end = BASE + 2 * SZ_2M + 3 * SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(assign(start, end - start, SNP_RMP_PSIZE_4K));
	ASSERT_EQ(snp_validate_range(start, end, &r), SVSM_OK);
	EXPECT_EQ(r.pages_2m, 0u);
	EXPECT_EQ(r.pages_4k, (end - start) / SZ_4K);
	/* One failed 2 MiB attempt, then 4 KiB each. */
	EXPECT_EQ(fake_snp_pvalidates, (unsigned int)(r.pages_4k + 1));
	EXPECT_TRUE(all_validated(start, end - start));
	teardown();
}

TEST(snp_validate, two_mib_entries_in_one_go)
{
	struct snp_validate_result r;
	uint64_t start = BASE + SZ_2M;
	uint64_t end = BASE + 3 * SZ_2M + SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(assign(start, 2 * SZ_2M, SNP_RMP_PSIZE_2M));
	ASSERT_TRUE(assign(end - SZ_4K, SZ_4K, SNP_RMP_PSIZE_4K));
	ASSERT_EQ(snp_validate_range(start, end, &r), SVSM_OK);
	EXPECT_EQ(r.pages_2m, 2u);
	EXPECT_EQ(r.pages_4k, 1u);
	EXPECT_EQ(fake_snp_pvalidates, 3u);
	EXPECT_TRUE(all_validated(start, end - start));
	teardown();
}

TEST(snp_validate, replayed_page_is_an_attack)
{
	struct snp_validate_result r;
	uint64_t start = BASE;
	uint64_t end = BASE + 16 * SZ_4K;
	bool cf = false;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(assign(start, end - start, SNP_RMP_PSIZE_4K));
	/* Someone validated page 5 before the SVSM got there. */
	ASSERT_EQ(sim_pvalidate(&fake_snp_rmp, 0, start + 5 * SZ_4K,
				SNP_RMP_PSIZE_4K, true, &cf),
		  SNP_SUCCESS);
	EXPECT_EQ(snp_validate_range(start, end, &r), SVSM_E_BUSY);
	EXPECT_EQ(r.fail_pa, start + 5 * SZ_4K);
	EXPECT_EQ(r.pages_4k, 5u);
	teardown();
}

TEST(snp_validate, shared_page_stops_the_range)
{
	struct snp_validate_result r;
	uint64_t start = BASE;
	uint64_t end = BASE + 8 * SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(assign(start, 3 * SZ_4K, SNP_RMP_PSIZE_4K));
	/* Page 3 on is still the host's. */
	EXPECT_EQ(snp_validate_range(start, end, &r), SVSM_E_HW);
	EXPECT_EQ(r.fail_pa, start + 3 * SZ_4K);
	EXPECT_EQ(r.fail_rc, (int)SNP_FAIL_INPUT);
	EXPECT_EQ(r.pages_4k, 3u);
	teardown();
}

TEST(snp_validate, bad_ranges)
{
	struct snp_validate_result r;

	ASSERT_TRUE(setup());
	EXPECT_EQ(snp_validate_range(BASE + 1, BASE + SZ_4K, &r), SVSM_E_INVAL);
	EXPECT_EQ(snp_validate_range(BASE, BASE + 100, &r), SVSM_E_INVAL);
	EXPECT_EQ(snp_validate_range(BASE + SZ_4K, BASE, &r), SVSM_E_INVAL);
	/* Memory the SVSM cannot map. */
	EXPECT_EQ(snp_validate_range(BASE + MEM_SIZE, BASE + MEM_SIZE + SZ_4K,
				     &r),
		  SVSM_E_INVAL);
	EXPECT_EQ(r.fail_pa, BASE + MEM_SIZE);
	/* An empty range is done. */
	EXPECT_EQ(snp_validate_range(BASE, BASE, &r), SVSM_OK);
	EXPECT_EQ(fake_snp_pvalidates, 0u);
	teardown();
}
