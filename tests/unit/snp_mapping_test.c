/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's temporary mappings as the SNP instructions see them on the
 * model (issue 15, item 10): a slot maps one page-aligned 4 KiB page; a
 * 2 MiB PVALIDATE or RMPADJUST needs the 2 MiB window (vm_temp_map_2m),
 * and through a 4 KiB slot it fails, as it would on hardware, where the
 * slot's address is not 2 MiB aligned. kernel/plat/snp/rmp_ops.c takes
 * the window for 2 MiB pages, so the SVSM's own 2 MiB operations work.
 */
#include <stdbool.h>
#include <stdint.h>

#include "svsm/arch/snp.h"

#include "svsm/mm/vm.h"

#include "abi/snp.h"

#include "fake/fake.h"
#include "rmp.h"
#include "snp/snp.h"
#include "test.h"

#define MEM_SIZE (4ull << 20)
#define BIG	 (FAKE_PHYS_BASE + (2ull << 20)) /* a 2 MiB page */

static bool setup(void)
{
	REQUIRE_TRUE(fake_mm_init(MEM_SIZE) == FAKE_PHYS_BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, FAKE_PHYS_BASE, MEM_SIZE));
	fake_snp_reset_counters();
	REQUIRE_EQ(sim_rmp_assign(&fake_snp_rmp, BIG, SNP_RMP_PSIZE_2M),
		   SNP_SUCCESS);
	return true;
}

static void teardown(void)
{
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
}

static bool validated(uint64_t gpa)
{
	struct sim_rmp_entry e;

	return sim_rmp_entry(&fake_snp_rmp, gpa, &e) && e.validated;
}

TEST(snp_mapping, two_mib_operations_need_the_2m_window)
{
	uintptr_t va;
	bool cf = true;

	ASSERT_TRUE(setup());
	/* Through a 4 KiB slot: refused, nothing changed. */
	va = va_val(va_from_ptr(vm_temp_map(pa_init(BIG), VM_SLOT_PAGE, 0)));
	EXPECT_EQ(arch_pvalidate(va, true, true, &cf), SNP_FAIL_INPUT);
	EXPECT_FALSE(cf);
	EXPECT_EQ(arch_rmpadjust(va, true, snp_rmpadjust_attrs(1, 0, false)),
		  SNP_FAIL_INPUT);
	vm_temp_unmap(VM_SLOT_PAGE);
	EXPECT_FALSE(validated(BIG));
	EXPECT_FALSE(validated(BIG + (2ull << 20) - 4096));

	/* Through the window, as rmp_ops.c does it: the whole page. */
	EXPECT_EQ(snp_pvalidate(pa_init(BIG), true, true, &cf), SNP_SUCCESS);
	EXPECT_TRUE(validated(BIG));
	EXPECT_TRUE(validated(BIG + (2ull << 20) - 4096));
	EXPECT_EQ(snp_rmpadjust(pa_init(BIG), true, 1, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	/* The window is free again after each operation. */
	EXPECT_EQ(fake_window_2m_pa, 0);
	EXPECT_EQ(fake_snp_pvalidates, 2);
	teardown();
}

TEST(snp_mapping, slots_and_window_take_aligned_pages_only)
{
	ASSERT_TRUE(setup());
	EXPECT_TRUE(FAKE_EXPECT_PANIC(
		(void)vm_temp_map(pa_init(BIG + 8), VM_SLOT_PAGE, 0)));
	EXPECT_TRUE(FAKE_EXPECT_PANIC(
		(void)vm_temp_map_2m(pa_init(BIG + 4096), 0)));
	EXPECT_EQ(fake_window_2m_pa, 0);
	teardown();
}
