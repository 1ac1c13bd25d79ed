/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU areas. Each CPU gets eight pages from the region: one for its
 * struct percpu (reached through the region's linear map), four for its
 * stack and one for each IST stack. vm_init() maps the stacks into the
 * CPU's window with an unmapped guard page below each (include/svsm/mm/vm.h),
 * so the tops recorded here are window addresses. The boot CPU keeps the
 * boot stack from the image, which has its own guard page.
 */
#include "svsm/percpu.h"

#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/mm/bootmem.h"
#include "svsm/mm/layout.h"
#include "svsm/mm/vm.h"
#include "svsm/panic.h"

#define AREA_PAGES (1 + VM_STACK_PAGES + IST_COUNT)

extern char boot_stack_top[];

static struct percpu *cpus[CFG_MAX_CPUS];
static uint32_t cpu_count;

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
		pc->area = pa_init(pa);
		pc->stack_top =
			i == 0 ? (uintptr_t)boot_stack_top
			       : vm_percpu_va(i,
					      VM_STACK_OFF + VM_STACK_PAGES *
								     PAGE_SIZE);
		for (uint32_t s = 0; s < IST_COUNT; s++)
			pc->ist_top[s] =
				vm_percpu_va(i, VM_IST_OFF(s) + PAGE_SIZE);
		cpus[i] = pc;
	}
	cpu_count = count;
	CHECK(layout_set(LAYOUT_PERCPU, first,
			 (uint64_t)count * AREA_PAGES * PAGE_SIZE) == SVSM_OK);
}

void percpu_init_boot_cpu(void)
{
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
