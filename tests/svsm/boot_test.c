/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of what boot set up: the parameters from the loader, the
 * per-CPU data, every AP, the stack-protector guard, the layout table and
 * the boot allocator. They run in the test image under QEMU.
 */
#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/layout.h"
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
	ASSERT_EQ(layout_add("overlap", p->region_base, PAGE_SIZE),
		  SVSM_E_INVAL);
	ASSERT_EQ(layout_add("wraps", ~0ull - 10, 100), SVSM_E_INVAL);
	ASSERT_EQ(layout_add("empty", 0x1000, 0), SVSM_E_INVAL);
}

TEST(bootmem, exhaustion_returns_zero)
{
	uint64_t left = bootmem_left();
	uint32_t too_many = (uint32_t)(left / PAGE_SIZE) + 1;

	ASSERT_EQ(bootmem_alloc_pages(too_many), 0);
	ASSERT_EQ(bootmem_alloc_pages(0), 0);
	ASSERT_EQ(bootmem_left(), left); /* a failed call changes nothing */
}

TEST(bootmem, pages_are_zeroed_and_in_region)
{
	const struct boot_params *p = boot_params();
	uint64_t pa = bootmem_alloc_pages(1);
	const uint8_t *va;

	ASSERT_NE(pa, 0);
	ASSERT_GE(pa, p->free_base);
	ASSERT_LE(pa + PAGE_SIZE, p->region_base + p->region_size);
	va = arch_phys_to_virt(pa, PAGE_SIZE);
	ASSERT_TRUE(va != NULL);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		ASSERT_EQ(va[i], 0);
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
