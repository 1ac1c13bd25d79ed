/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own address space (kernel/mm/vm.c):
 *
 *   0xffffffff80000000  the SVSM region, linearly (the kernel image at its
 *                       link address): text RX, rodata R, data/bss RW+NX,
 *                       everything else in the region RW+NX
 *   0xffffff0000000000  per-CPU windows, 2 MiB each: the CPU's stack and
 *                       IST stacks with an unmapped guard page below each,
 *                       and its temporary-mapping slots
 *   0xffffff0040000000  MMIO mappings (uncached), e.g. the local APIC
 *   0xffffff0080000000  per-CPU 2 MiB windows, 2 MiB each: one 2 MiB page
 *                       at a time, for the SNP instructions on a 2 MiB page
 *
 * Nothing else is mapped: guest memory is reached only through a CPU's
 * temporary slots (vm_temp_map), used by kernel/guestmem.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/mm/pgtable.h"

#define VM_PERCPU_BASE	 0xffffff0000000000ull
#define VM_PERCPU_STRIDE (2ull << 20)
#define VM_MMIO_BASE	 0xffffff0040000000ull
#define VM_MMIO_SIZE	 (2ull << 20)
#define VM_HUGE_BASE	 0xffffff0080000000ull

/* Offsets in a CPU's window. */
#define VM_STACK_OFF	  0x1000ull /* 4 pages, guard page below */
#define VM_STACK_PAGES	  4u
#define VM_IST_OFF(i)	  (0x6000ull + (uint64_t)(i)*0x2000ull)
#define VM_TASK_STACK_OFF 0x20000ull /* the running task's, guard below */
#define VM_TEMP_OFF	  0x100000ull
#define VM_TEMP_SLOTS	  16u

/* Temporary-mapping slots, so two users never share one. */
enum vm_temp_slot {
	VM_SLOT_GUESTMEM = 0,
	VM_SLOT_VMSA = 1,      /* a VMSA a protocol handler inspects */
	VM_SLOT_PAGE = 2,      /* a page being validated or zeroed */
	VM_SLOT_TURN_VMSA = 3, /* the caller's VMSA, for one request turn */
	VM_SLOT_TURN_CA = 4,   /* the caller's calling area, likewise */
	VM_SLOT_TEST = VM_TEMP_SLOTS - 1,
};

struct boot_params;

/*
 * Builds the address space and switches the boot CPU to it. Page-table
 * pages come from a pool sized exactly for what is mapped (a named part of
 * the region). Panics on failure: this is boot.
 */
void vm_init(const struct boot_params *bp);
/* The page-table root for APs to load. */
paddr_t vm_root(void);
/* Number of page-table pages in use, and in the pool. */
void vm_table_pages(uint64_t *used, uint64_t *pool);

/* Walks the SVSM's tables for va (tests, diagnostics); false if unmapped. */
bool vm_lookup(uintptr_t va, struct pgtable_entry *out);

/* Maps `pa` in this CPU's temporary slot; returns its address. */
void *vm_temp_map(paddr_t pa, enum vm_temp_slot slot, unsigned int prot);
void vm_temp_unmap(enum vm_temp_slot slot);
/*
 * Maps the 2 MiB page at pa (2 MiB aligned) in this CPU's 2 MiB window,
 * with one 2 MiB entry at a 2 MiB-aligned address: what PVALIDATE and
 * RMPADJUST of a 2 MiB page need (AMD64 APM vol. 3), which a 4 KiB slot
 * cannot give. One at a time per CPU; vm_temp_unmap_2m() undoes it.
 */
void *vm_temp_map_2m(paddr_t pa, unsigned int prot);
void vm_temp_unmap_2m(void);

/*
 * Maps the kernel stack of the task about to run on this CPU (`pages`
 * pages at pa, at most 8) in the CPU's window, with an unmapped guard page
 * below it, so an overflow faults instead of writing the heap. Returns its
 * top. One task stack per CPU at a time; vm_unmap_task_stack() undoes it.
 */
uintptr_t vm_map_task_stack(paddr_t pa, unsigned int pages);
void vm_unmap_task_stack(unsigned int pages);

/* Maps an MMIO range uncached in the MMIO window; NULL when full. */
void *vm_map_mmio(paddr_t pa, uint64_t size);

/* Identity-maps [pa, pa + size) RWX (the native AP trampoline), and undoes it. */
void *vm_map_identity(paddr_t pa, uint64_t size);
void vm_unmap_identity(paddr_t pa, uint64_t size);

/*
 * Rewrites the linear map's PTEs of [pa, pa + size) (the SVSM region,
 * page aligned) read-write and no-execute, with the platform's shared bits
 * (plat_pte_shared_bits(): SEV-SNP, the C-bit clear) when `shared`, its
 * private bits otherwise; a 2 MiB mapping only partly inside is split
 * into 4 KiB ones. Flushes this CPU's TLB for the range. For
 * plat_share()/plat_unshare() only: nothing else of the region changes
 * between private and shared.
 */
enum svsm_err __must_check vm_linear_set_shared(paddr_t pa, uint64_t size,
						bool shared);

/* The virtual window address of CPU `index` plus `off`. */
static inline uintptr_t vm_percpu_va(uint32_t index, uint64_t off)
{
	return (uintptr_t)(VM_PERCPU_BASE + index * VM_PERCPU_STRIDE + off);
}
