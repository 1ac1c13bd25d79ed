/* SPDX-License-Identifier: MIT */
/*
 * shared_alloc()/shared_free() on SEV-SNP (kernel/drivers/shared.c over
 * kernel/plat/snp/shared_pages.c), on the model: the RMP of sim/rmp.h, the
 * model hypervisor answering page-state changes through a registered
 * GHCB, and the fake linear map's record of which pages are mapped shared.
 * Shared means RMP-shared, not validated and mapped without the C-bit;
 * back to private means assigned, validated, mapped with the C-bit and
 * zeroed. A host that refuses or stalls a page-state change fails the
 * allocation and the pages go back to private and to the allocator, or,
 * when they cannot, are leaked with a log line and never reused.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/shared.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/ghcb.h"
#include "snp/shared_pages.h"
#include "snp_pool_fixture.h"
#include "test.h"
#include "unit/hosted_plat.h"

#define MEM_SIZE SPF_MEM_SIZE
#define BASE	 SPF_BASE
#define GHCB_PA	 SPF_GHCB_PA
#define POOL	 SPF_POOL
#define POOL_END SPF_POOL_END
#define SZ_4K	 0x1000ull

static unsigned int saved_log_level;
static char console[4096];

/* The SVSM's pool private and validated as boot leaves it; GHCB shared. */
static bool setup(void)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	REQUIRE_TRUE(spf_model_start());
	REQUIRE_TRUE(spf_svsm_start(console, sizeof(console)));
	hosted_plat_share = snp_share_pages;
	hosted_plat_unshare = snp_unshare_pages;
	return true;
}

static void teardown(void)
{
	hosted_plat_share = NULL;
	hosted_plat_unshare = NULL;
	fake_console_buf = NULL;
	sim_hv.hostile = NULL;
	fake_snp_hv_stop();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_log_level);
}

static uint64_t free_pages(void)
{
	struct pgalloc_stats st;

	pgalloc_get_stats(&st);
	return st.free_pages;
}

/* Every page of [pa, pa + size): the RMP and the mapping say `shared`. */
static bool pages_are(uint64_t pa, uint64_t size, bool shared)
{
	for (uint64_t a = pa; a < pa + size; a += SZ_4K) {
		struct sim_rmp_entry e;

		REQUIRE_TRUE(sim_rmp_entry(&fake_snp_rmp, a, &e));
		REQUIRE_EQ(e.assigned, !shared);
		REQUIRE_EQ(e.validated, !shared);
		REQUIRE_EQ(fake_vm_shared(a), shared);
	}
	return true;
}

static bool zeroed(uint64_t pa, uint64_t size)
{
	const uint8_t *p = arch_phys_to_virt(pa, size);

	REQUIRE_TRUE(p != NULL);
	for (uint64_t i = 0; i < size; i++)
		REQUIRE_EQ(p[i], 0);
	return true;
}

static bool share_round_trip(uint64_t size, uint64_t want_bytes)
{
	uint64_t before = free_pages();
	struct shared_buf b;
	uint64_t pa;

	REQUIRE_EQ(shared_alloc(size, &b), SVSM_OK);
	REQUIRE_EQ(b.size, want_bytes);
	pa = pa_val(b.pa);
	REQUIRE_TRUE(pages_are(pa, b.size, true));
	REQUIRE_TRUE(zeroed(pa, b.size));
	/* The device writes; the SVSM copies out. */
	shared_fill(&b, 0, 0xa5, b.size);
	shared_free(&b);
	REQUIRE_EQ(b.size, 0u);
	REQUIRE_TRUE(pages_are(pa, want_bytes, false));
	REQUIRE_TRUE(zeroed(pa, want_bytes));
	REQUIRE_EQ(free_pages(), before);
	return true;
}

TEST(snp_shared, alloc_shares_free_makes_private)
{
	ASSERT_TRUE(setup());
	EXPECT_TRUE(share_round_trip(SZ_4K, SZ_4K));
	EXPECT_TRUE(share_round_trip(3 * SZ_4K, 4 * SZ_4K));
	EXPECT_EQ(sim_hv.psc_entries, 2u * (1 + 4));
	EXPECT_EQ(fake_console_len, 0u);
	teardown();
}

/*
 * A 2 MiB block: one 2 MiB PVALIDATE attempt and one 2 MiB page-state
 * entry; the host (4 KiB backing, as KVM) keeps 4 KiB RMP entries, so
 * PVALIDATE falls back to 4 KiB both ways.
 */
TEST(snp_shared, two_mib_block)
{
	ASSERT_TRUE(setup());
	EXPECT_TRUE(share_round_trip(2ull << 20, 2ull << 20));
	/* One 2 MiB entry each way. */
	EXPECT_EQ(sim_hv.psc_entries, 2u);
	/* Per direction: a 2 MiB attempt, then 512 of 4 KiB. */
	EXPECT_EQ(fake_snp_pvalidates, 2u * (1 + 512));
	teardown();
}

/* KVM may do part of a descriptor per exit: still all converted. */
TEST(snp_shared, host_answers_partially)
{
	ASSERT_TRUE(setup());
	sim_hv.psc_max_per_exit = 1;
	sim_hv.psc_2m_pages_per_exit = 100;
	EXPECT_TRUE(share_round_trip(8 * SZ_4K, 8 * SZ_4K));
	EXPECT_TRUE(share_round_trip(2ull << 20, 2ull << 20));
	teardown();
}

/*
 * After `refuse_after` honest PSC exits, the host answers the next
 * `refusals` with a failure (having done what psc_max_per_exit let it);
 * first_gpa records the first page of the first descriptor it saw.
 */
static unsigned int refuse_after;
static unsigned int refusals;
static uint64_t first_gpa;

static void refuse_psc(struct sim_hv_exit *x, void *ctx)
{
	const struct ghcb_psc *d;

	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_PSC || !x->ghcb)
		return;
	d = (const struct ghcb_psc *)(const void *)x->ghcb->shared_buffer;
	if (!first_gpa)
		first_gpa = ghcb_psc_entry_gfn(d->entries[0]) << 12;
	if (refuse_after) {
		refuse_after--;
		return;
	}
	if (!refusals)
		return;
	refusals--;
	x->ghcb->sw_exit_info_2 = SIM_HV_PSC_ERR_GENERIC;
}

static void host_refuses(unsigned int after, unsigned int count)
{
	refuse_after = after;
	refusals = count;
	first_gpa = 0;
	sim_hv.hostile = refuse_psc;
}

/* The host makes 4 pages shared, then says it failed: rolled back. */
TEST(snp_shared, refused_share_fails_cleanly)
{
	uint64_t before;
	struct shared_buf b;

	ASSERT_TRUE(setup());
	before = free_pages();
	sim_hv.psc_max_per_exit = 4;
	host_refuses(0, 1);
	EXPECT_EQ(shared_alloc(8 * SZ_4K, &b), SVSM_E_HW);
	EXPECT_EQ(b.size, 0u);
	EXPECT_TRUE(b.va == NULL);
	ASSERT_TRUE(first_gpa != 0);
	/* Private, validated, privately mapped and back in the allocator. */
	EXPECT_TRUE(pages_are(first_gpa, 8 * SZ_4K, false));
	EXPECT_EQ(free_pages(), before);
	EXPECT_TRUE(strstr(console, "leaked") == NULL);
	/* The pages are handed out again, whole and working. */
	sim_hv.hostile = NULL;
	EXPECT_TRUE(share_round_trip(8 * SZ_4K, 8 * SZ_4K));
	teardown();
}

/* A host that stalls (no progress) is refused the same way. */
static void stall_psc(struct sim_hv_exit *x, void *ctx)
{
	struct ghcb_psc *d;

	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_PSC || !x->ghcb || !refusals)
		return;
	refusals--;
	d = (struct ghcb_psc *)(void *)x->ghcb->shared_buffer;
	d->hdr.cur_entry = 0; /* claims it did nothing */
}

TEST(snp_shared, stalled_share_fails_cleanly)
{
	uint64_t before;
	struct shared_buf b;

	ASSERT_TRUE(setup());
	before = free_pages();
	refusals = 1;
	sim_hv.hostile = stall_psc;
	EXPECT_EQ(shared_alloc(2 * SZ_4K, &b), SVSM_E_HW);
	EXPECT_EQ(b.size, 0u);
	EXPECT_EQ(free_pages(), before);
	/* The host did change the RMP: rolled back, the whole pool private. */
	EXPECT_TRUE(pages_are(POOL, POOL_END - POOL, false));
	teardown();
}

/* The roll-back is refused too: the pages are leaked, never reused. */
TEST(snp_shared, unrecoverable_share_leaks)
{
	uint64_t before;
	struct shared_buf b;
	struct sim_rmp_entry e;

	ASSERT_TRUE(setup());
	before = free_pages();
	host_refuses(0, 100);
	EXPECT_EQ(shared_alloc(SZ_4K, &b), SVSM_E_HW);
	EXPECT_EQ(b.size, 0u);
	EXPECT_EQ(free_pages(), before - 1);
	EXPECT_TRUE(strstr(console, "leaked") != NULL);
	ASSERT_TRUE(sim_rmp_entry(&fake_snp_rmp, first_gpa, &e));
	EXPECT_FALSE(e.validated);
	teardown();
}

/* The host refuses to take a page back: shared_free leaks it. */
TEST(snp_shared, refused_unshare_leaks)
{
	uint64_t before;
	struct shared_buf b;
	uint64_t pa;
	struct pgalloc_block_info info;

	ASSERT_TRUE(setup());
	before = free_pages();
	ASSERT_EQ(shared_alloc(2 * SZ_4K, &b), SVSM_OK);
	pa = pa_val(b.pa);
	host_refuses(0, 1);
	shared_free(&b);
	EXPECT_EQ(b.size, 0u);
	EXPECT_EQ(free_pages(), before - 2);
	EXPECT_TRUE(strstr(console, "leaked") != NULL);
	pgalloc_block_info(pa_init(pa), &info);
	EXPECT_EQ(info.state, PGALLOC_PAGE_ALLOCATED);
	/* Never validated again: the SVSM cannot use it as private. */
	for (uint64_t a = pa; a < pa + 2 * SZ_4K; a += SZ_4K) {
		struct sim_rmp_entry e;

		ASSERT_TRUE(sim_rmp_entry(&fake_snp_rmp, a, &e));
		EXPECT_FALSE(e.validated);
	}
	teardown();
}

/* The linear map cannot change: the share is rolled back. */
TEST(snp_shared, mapping_failure_rolls_back)
{
	uint64_t before;
	struct shared_buf b;

	ASSERT_TRUE(setup());
	before = free_pages();
	fake_vm_set_shared_fail = SVSM_E_NOMEM;
	EXPECT_EQ(shared_alloc(4 * SZ_4K, &b), SVSM_E_NOMEM);
	EXPECT_EQ(b.size, 0u);
	EXPECT_EQ(free_pages(), before);
	EXPECT_TRUE(pages_are(POOL, POOL_END - POOL, false));
	teardown();
}

/* shared_free() is internal: freeing one buffer twice is an SVSM bug. */
TEST(snp_shared, double_free_is_a_bug)
{
	struct shared_buf b;
	struct shared_buf copy;

	ASSERT_TRUE(setup());
	ASSERT_EQ(shared_alloc(SZ_4K, &b), SVSM_OK);
	copy = b;
	shared_free(&b);
	EXPECT_TRUE(FAKE_EXPECT_PANIC(shared_free(&copy)));
	/* The first free stands: private, validated. */
	EXPECT_TRUE(pages_are(pa_val(copy.pa), SZ_4K, false));
	/* And a cleared buffer is nothing to free. */
	shared_free(&b);
	teardown();
}

/* Native (no platform hook): no RMP change, no mapping change. */
TEST(snp_shared, native_changes_nothing)
{
	struct shared_buf b;

	ASSERT_TRUE(setup());
	hosted_plat_share = NULL;
	hosted_plat_unshare = NULL;
	ASSERT_EQ(shared_alloc(SZ_4K, &b), SVSM_OK);
	EXPECT_TRUE(pages_are(pa_val(b.pa), SZ_4K, false));
	shared_free(&b);
	EXPECT_EQ(fake_vm_set_shared_calls, 0u);
	EXPECT_EQ(sim_hv.psc_entries, 0u);
	EXPECT_EQ(fake_snp_pvalidates, 0u);
	teardown();
}
