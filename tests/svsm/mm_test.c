/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the SVSM's address space (kernel/mm/vm.c): each
 * protection is shown by actually faulting (arch_probe_call catches the
 * exception and reports it) and by walking the page tables.
 */
#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"
#include "svsm/percpu.h"

#include "lib/string.h"
#include "test.h"

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_FETCH   (1u << 4)

extern char __text_end[], boot_stack_guard[];
static const uint64_t rodata_value = 0x1234;
static uint8_t data_code[16] __aligned(16) = {0xc3}; /* RET */

static void write_rodata(void *arg)
{
	(void)arg;
	/* SAFETY: writes a read-only page on purpose, to see it fault. */
	*(volatile uint64_t *)ptr_from_va((uintptr_t)&rodata_value) = 0;
}

static void call_data(void *arg)
{
	void (*fn)(void);

	(void)arg;
	/* Turn the data address into a function pointer without a cast. */
	memcpy(&fn, &(const void *){data_code}, sizeof(fn));
	fn();
}

/* SAFETY: volatile keeps each frame real, so the stack really grows. */
static void __attribute__((noinline)) recurse(volatile uint32_t depth)
{
	/* SAFETY: as above; the frames exist only to overflow the stack. */
	volatile uint8_t pad[256];

	pad[0] = (uint8_t)depth;
	if (depth)
		recurse(depth - 1);
	pad[1] = pad[0];
}

static void overflow_stack(void *arg)
{
	(void)arg;
	recurse(1u << 20); /* 256 MiB of frames: far past the 16 KiB stack */
}

static void read_low_memory(void *arg)
{
	(void)arg;
	/* SAFETY: reads an unmapped address on purpose, to see it fault. */
	(void)*(volatile uint64_t *)ptr_from_va(0x8000);
}

TEST(mm, writing_rodata_faults)
{
	struct arch_fault f;

	ASSERT_TRUE(arch_probe_call(write_rodata, NULL));
	ASSERT_TRUE(arch_probe_last(&f));
	ASSERT_EQ(f.vector, 14);
	ASSERT_EQ(f.error_code & (PF_PRESENT | PF_WRITE),
		  PF_PRESENT | PF_WRITE);
	ASSERT_EQ(f.cr2, (uintptr_t)&rodata_value);
	ASSERT_EQ(rodata_value, 0x1234);
}

TEST(mm, executing_data_faults)
{
	struct arch_fault f;

	ASSERT_TRUE(arch_has_nx());
	ASSERT_TRUE(arch_probe_call(call_data, NULL));
	ASSERT_TRUE(arch_probe_last(&f));
	ASSERT_EQ(f.vector, 14);
	ASSERT_TRUE(f.error_code & PF_FETCH);
	ASSERT_EQ(f.cr2, (uintptr_t)data_code);
}

TEST(mm, stack_overflow_hits_guard_page)
{
	struct arch_fault f;
	uintptr_t guard = (uintptr_t)boot_stack_guard;

	/* This test runs on the boot CPU's boot stack. */
	ASSERT_EQ(this_cpu()->index, 0);
	ASSERT_TRUE(arch_probe_call(overflow_stack, NULL));
	ASSERT_TRUE(arch_probe_last(&f));
	/* #PF in the guard cannot be delivered on that stack: #DF, on IST. */
	ASSERT_EQ(f.vector, 8);
	ASSERT_GE(f.cr2, guard);
	ASSERT_LT(f.cr2, guard + PAGE_SIZE);
}

TEST(mm, identity_map_is_gone)
{
	ASSERT_TRUE(arch_phys_to_virt(0x8000, PAGE_SIZE) == NULL);
	ASSERT_TRUE(arch_probe_call(read_low_memory, NULL));
}

TEST(mm, sections_have_least_rights)
{
	struct pgtable_entry e;

	ASSERT_TRUE(vm_lookup((uintptr_t)__text_end - 1, &e));
	EXPECT_FALSE(e.pte & PTE_W);
	EXPECT_FALSE(e.pte & PTE_NX);
	ASSERT_TRUE(vm_lookup((uintptr_t)&rodata_value, &e));
	EXPECT_FALSE(e.pte & PTE_W);
	EXPECT_TRUE(e.pte & PTE_NX);
	ASSERT_TRUE(vm_lookup((uintptr_t)data_code, &e));
	EXPECT_TRUE(e.pte & PTE_W);
	EXPECT_TRUE(e.pte & PTE_NX);
	ASSERT_FALSE(vm_lookup((uintptr_t)boot_stack_guard, &e));
}

TEST(mm, every_stack_has_an_unmapped_guard)
{
	struct pgtable_entry e;

	for (uint32_t i = 0; i < percpu_count(); i++) {
		const struct percpu *pc = percpu_get(i);

		for (uint32_t s = 0; s < IST_COUNT; s++) {
			ASSERT_TRUE(vm_lookup(pc->ist_top[s] - 8, &e));
			EXPECT_TRUE((e.pte & PTE_W) && (e.pte & PTE_NX));
			EXPECT_FALSE(
				vm_lookup(pc->ist_top[s] - 2 * PAGE_SIZE, &e));
		}
		if (i == 0)
			continue; /* the boot stack: checked above */
		ASSERT_TRUE(vm_lookup(pc->stack_top - 8, &e));
		EXPECT_FALSE(vm_lookup(
			pc->stack_top - (VM_STACK_PAGES + 1) * PAGE_SIZE, &e));
	}
}

TEST(mm, temp_mapping_reaches_physical_page)
{
	paddr_t pa;
	uint64_t *linear;
	uint64_t *temp;
	struct pgtable_entry e;

	ASSERT_EQ(pgalloc_alloc(0, 0, &pa), SVSM_OK);
	linear = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
	temp = vm_temp_map(pa, VM_SLOT_TEST, PROT_WRITE);
	temp[3] = 0x5eed5eed5eed5eedull;
	EXPECT_EQ(linear[3], 0x5eed5eed5eed5eedull);
	ASSERT_TRUE(vm_lookup((uintptr_t)temp, &e));
	EXPECT_EQ(pa_val(e.pa), pa_val(pa));
	EXPECT_TRUE(e.pte & PTE_NX);
	vm_temp_unmap(VM_SLOT_TEST);
	EXPECT_FALSE(vm_lookup((uintptr_t)temp, &e));
	pgalloc_free(pa, 0);
}

static void count_call(void *arg)
{
	(*(uint64_t *)arg)++;
}

TEST(mm, probe_returns_false_without_fault)
{
	uint64_t counter = 0;

	ASSERT_FALSE(arch_probe_call(count_call, &counter));
	ASSERT_EQ(counter, 1);
}

/* SAFETY: a deliberate access the probe expects to fault; volatile so it happens. */
static volatile uint8_t *task_stack_probe;

static void write_probe(void *arg)
{
	(void)arg;
	*task_stack_probe = 1;
}

TEST(mm, task_stack_has_a_guard_page)
{
	paddr_t pa;
	uintptr_t top;

	ASSERT_EQ(pgalloc_alloc(2, PGALLOC_ZERO, &pa), SVSM_OK);
	top = vm_map_task_stack(pa, 4);
	/* The whole stack is writable ... */
	task_stack_probe = ptr_from_va(top - 1);
	EXPECT_FALSE(arch_probe_call(write_probe, NULL));
	task_stack_probe = ptr_from_va(top - 4 * PAGE_SIZE);
	EXPECT_FALSE(arch_probe_call(write_probe, NULL));
	/* ... and the byte below it faults. */
	task_stack_probe = ptr_from_va(top - 4 * PAGE_SIZE - 1);
	EXPECT_TRUE(arch_probe_call(write_probe, NULL));
	vm_unmap_task_stack(4);
	/* Unmapped afterwards. */
	task_stack_probe = ptr_from_va(top - 1);
	EXPECT_TRUE(arch_probe_call(write_probe, NULL));
	pgalloc_free(pa, 2);
}
