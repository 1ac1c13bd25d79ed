/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU areas. Each CPU gets, from the region's free part: one page
 * for its struct percpu, a kernel stack (the boot CPU keeps the boot stack
 * from the image) and one page for each IST stack.
 */
#include "svsm/percpu.h"

#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/layout.h"
#include "svsm/panic.h"

#define STACK_PAGES 4
#define AREA_PAGES  (1 + STACK_PAGES + IST_COUNT)

extern char boot_stack_top[];

static struct percpu *cpus[CFG_MAX_CPUS];
static uint32_t cpu_count;

static uintptr_t page_va(uint64_t pa, uint32_t page)
{
	return (uintptr_t)arch_phys_to_virt(pa + (uint64_t)page * PAGE_SIZE,
					    PAGE_SIZE);
}

void percpu_init(uint32_t count)
{
	uint64_t first = 0;

	CHECK(count >= 1 && count <= CFG_MAX_CPUS);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t pa = bootmem_alloc_pages(AREA_PAGES);
		struct percpu *pc;

		if (!pa)
			panic("SVSM region too small for %u vCPUs (%u KiB each)",
			      count, (unsigned int)(AREA_PAGES * 4));
		if (i == 0)
			first = pa;
		pc = arch_phys_to_virt(pa, PAGE_SIZE);
		pc->self = pc;
		pc->index = i;
		pc->stack_top = i == 0 ? (uintptr_t)boot_stack_top
				       : page_va(pa, 1 + STACK_PAGES);
		for (uint32_t s = 0; s < IST_COUNT; s++)
			pc->ist_top[s] = page_va(pa, 2 + STACK_PAGES + s);
		cpus[i] = pc;
	}
	cpu_count = count;
	CHECK(layout_add("per-CPU areas", first,
			 (uint64_t)count * AREA_PAGES * PAGE_SIZE) == SVSM_OK);
	cpus[0]->apic_id = arch_apic_id();
	cpus[0]->online = true;
	arch_cpu_init(cpus[0]);
}

struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

struct percpu *percpu_get(uint32_t index)
{
	return index < cpu_count ? cpus[index] : NULL;
}

uint32_t percpu_count(void)
{
	return cpu_count;
}
