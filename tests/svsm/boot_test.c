/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of what boot set up: the parameters from the loader, the
 * per-CPU data, every AP, the stack-protector guard, the layout table and
 * the boot allocator. They run in the test image under QEMU.
 */
#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/mm/bootmem.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/layout.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/percpu.h"
#include "svsm/stackprot.h"

#include "test.h"

extern uintptr_t __stack_chk_guard;

TEST(boot, params_describe_this_machine)
{
	const struct boot_params *p = boot_params();

	ASSERT_EQ(p->region_base, SVSM_PHYS_BASE);
	ASSERT_GE(p->region_size, 2u << 20);
	ASSERT_EQ(p->vcpu_count, percpu_count());
	ASSERT_GE(p->ram_count, 1);
	ASSERT_LT(p->region_base, p->image_end);
	ASSERT_LE(p->image_end, p->free_base);
}

TEST(boot, region_is_in_ram)
{
	const struct boot_params *p = boot_params();
	bool found = false;

	for (uint32_t i = 0; i < p->ram_count; i++) {
		if (p->region_base >= p->ram[i].base &&
		    p->region_base + p->region_size <=
			    p->ram[i].base + p->ram[i].size)
			found = true;
	}
	ASSERT_TRUE(found);
}

TEST(cpu, this_cpu_is_boot_cpu)
{
	struct percpu *pc = this_cpu();

	ASSERT_TRUE(pc != NULL);
	ASSERT_EQ((uintptr_t)pc->self, (uintptr_t)pc);
	ASSERT_EQ(pc->index, 0);
	ASSERT_EQ(pc->apic_id, arch_apic_id());
	ASSERT_TRUE(pc->online);
}

TEST(cpu, every_ap_online_with_own_apic_id)
{
	uint32_t n = percpu_count();

	for (uint32_t i = 0; i < n; i++) {
		const struct percpu *a = percpu_get(i);

		ASSERT_TRUE(a != NULL);
		EXPECT_TRUE(__atomic_load_n(&a->online, __ATOMIC_ACQUIRE));
		EXPECT_EQ(a->index, i);
		for (uint32_t j = 0; j < i; j++)
			EXPECT_NE(percpu_get(j)->apic_id, a->apic_id);
	}
	ASSERT_TRUE(percpu_get(n) == NULL);
}

TEST(cpu, ist_stacks_are_distinct_per_cpu)
{
	uint32_t n = percpu_count();

	for (uint32_t i = 0; i < n; i++) {
		const struct percpu *a = percpu_get(i);

		for (uint32_t s = 0; s < IST_COUNT; s++) {
			ASSERT_NE(a->ist_top[s], 0);
			for (uint32_t t = 0; t < s; t++)
				EXPECT_NE(a->ist_top[s], a->ist_top[t]);
		}
		if (i)
			EXPECT_NE(a->ist_top[0], percpu_get(0)->ist_top[0]);
	}
}

TEST(stackprot, guard_seeded_from_hardware)
{
	ASSERT_TRUE(stackprot_seeded());
	ASSERT_NE(__stack_chk_guard, 0);
	/* The low byte is zeroed on purpose (stops string overruns). */
	ASSERT_EQ(__stack_chk_guard & 0xff, 0);
	ASSERT_NE(__stack_chk_guard, 0x595e9fbd94fda700ull);
}

TEST(layout, overlapping_part_is_refused)
{
	const struct boot_params *p = boot_params();

	/* The kernel text part starts at the region base. */
	uint64_t base = 0;
	uint64_t size = 0;

	/* Every part was set at boot: setting one again is refused. */
	for (unsigned int i = 0; i < LAYOUT_PART_COUNT; i++) {
		ASSERT_TRUE(layout_get((enum layout_part)i, &base, &size));
		ASSERT_EQ(layout_set((enum layout_part)i, base, size),
			  SVSM_E_INVAL);
	}
	ASSERT_EQ(layout_set(LAYOUT_PART_COUNT, p->region_base, PAGE_SIZE),
		  SVSM_E_INVAL);
}

TEST(layout, parts_tile_the_region)
{
	const struct boot_params *p = boot_params();
	uint64_t covered = 0;

	for (unsigned int i = 0; i < LAYOUT_PART_COUNT; i++) {
		uint64_t base = 0;
		uint64_t size = 0;

		ASSERT_TRUE(layout_get((enum layout_part)i, &base, &size));
		if (!size)
			continue;
		ASSERT_GE(base, p->region_base);
		ASSERT_LE(base + size, p->region_base + p->region_size);
		covered += size;
	}
	/* Parts never overlap (layout_set), so full coverage means a tiling. */
	ASSERT_EQ(covered, p->region_size);
}

TEST(bootmem, everything_went_to_the_heap)
{
	/* After boot the heap owns the rest; the boot allocator says no. */
	ASSERT_EQ(bootmem_left(), 0);
	ASSERT_EQ(bootmem_alloc_pages(1), 0);
	ASSERT_EQ(bootmem_alloc_pages(0), 0);
}

TEST(heap, pages_are_zeroed_and_in_region)
{
	const struct boot_params *p = boot_params();
	paddr_t pa;
	const uint8_t *va;
	uint8_t *obj;

	ASSERT_EQ(pgalloc_alloc(0, 0, &pa), SVSM_OK);
	ASSERT_GE(pa_val(pa), p->free_base);
	ASSERT_LE(pa_val(pa) + PAGE_SIZE, p->region_base + p->region_size);
	va = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
	ASSERT_TRUE(va != NULL);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		ASSERT_EQ(va[i], 0);
	pgalloc_free(pa, 0);
	obj = kmalloc(64);
	ASSERT_TRUE(obj != NULL);
	for (unsigned int i = 0; i < 64; i++)
		ASSERT_EQ(obj[i], 0);
	kfree(obj);
}

TEST(heap, out_of_memory_is_an_error)
{
	/* The test image's region is 32 MiB (mk/kernel.mk, SVSM_TEST_SIZE). */
	static paddr_t pages[8192];
	struct pgalloc_stats before;
	struct pgalloc_stats after;
	uint64_t n = 0;
	enum svsm_err err = SVSM_OK;

	pgalloc_get_stats(&before);
	ASSERT_LE(before.free_pages, ARRAY_SIZE(pages));
	/* Take every page: the one after the last is SVSM_E_NOMEM. */
	while (n < ARRAY_SIZE(pages)) {
		err = pgalloc_alloc(0, 0, &pages[n]);
		if (err != SVSM_OK)
			break;
		n++;
	}
	EXPECT_EQ(err, SVSM_E_NOMEM);
	EXPECT_EQ(n, before.free_pages);
	EXPECT_TRUE(kmalloc(4096) == NULL);
	while (n)
		pgalloc_free(pages[--n], 0);
	pgalloc_get_stats(&after);
	ASSERT_EQ(after.free_pages, before.free_pages);
	for (unsigned int o = 0; o <= PGALLOC_MAX_ORDER; o++)
		EXPECT_EQ(after.free_blocks[o], before.free_blocks[o]);
}

TEST(mm, phys_to_virt_rejects_unmapped_and_wrapping)
{
	const struct boot_params *p = boot_params();

	ASSERT_TRUE(arch_phys_to_virt(p->region_base, PAGE_SIZE) != NULL);
	ASSERT_TRUE(arch_phys_to_virt(~0ull - 10, 100) == NULL);
	ASSERT_TRUE(arch_phys_to_virt(1ull << 40, PAGE_SIZE) == NULL);
	ASSERT_EQ(arch_virt_to_phys(arch_phys_to_virt(p->free_base, 8)),
		  p->free_base);
}
