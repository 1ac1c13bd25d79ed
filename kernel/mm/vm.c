/* SPDX-License-Identifier: MIT */
/*
 * Building and using the SVSM's address space (layout in
 * include/svsm/mm/vm.h). vm_init() replaces the boot page tables of
 * entry.S, which map the whole region RWX and identity-map 4 GiB, with
 * tables that give each part of the image the least rights it needs, put
 * every stack in a per-CPU window with an unmapped guard page below it,
 * and map nothing else.
 *
 * Table pages come from a pool carved out of the region, sized by
 * tables_needed() for exactly what is mapped, so later mappings (temporary
 * slots, MMIO, the AP trampoline) never allocate and cannot fail for lack
 * of memory. Each CPU edits only the PTEs of its own window's slots; other
 * changes happen on the boot CPU under vm_lock.
 */
#define LOG_PREFIX "vm: "
#include "svsm/mm/vm.h"

#include "svsm/arch/cpu.h"

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/bootmem.h"
#include "svsm/mm/layout.h"
#include "svsm/mm/pgtable.h"
#include "svsm/percpu.h"
#include "svsm/plat/plat.h"
#include "svsm/spinlock.h"

extern char __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[], boot_stack_guard[];
extern char __shared_start[], __shared_end[];

static struct pgtable kpt;
static struct spinlock vm_lock;
static uint64_t pool_next;
static uint64_t pool_end;
static uint64_t pool_pages;
static uint64_t mmio_next = VM_MMIO_BASE;

static enum svsm_err pool_alloc(void *ctx, paddr_t *out)
{
	(void)ctx;
	if (pool_next >= pool_end)
		return SVSM_E_NOMEM;
	*out = pa_init(pool_next);
	pool_next += PAGE_SIZE;
	return SVSM_OK;
}

/* Upper bound of the table pages vm_init() and later mappings use. */
static uint64_t tables_needed(const struct boot_params *bp)
{
	uint64_t region_pts =
		ALIGN_UP(bp->region_size, PAGE_SIZE_2M) / PAGE_SIZE_2M;

	return 1 +		    /* PML4 */
	       2 + region_pts +	    /* region: PDPT, PD, PTs */
	       2 + bp->vcpu_count + /* per-CPU: PDPT, PD, a PT each */
	       2 +		    /* MMIO window: PD, PT */
	       1 +		    /* 2 MiB windows: PD */
	       3;		    /* AP trampoline: PDPT, PD, PT */
}

static void map_or_panic(uint64_t va, uint64_t pa, uint64_t size,
			 unsigned int prot, const char *what)
{
	enum svsm_err err =
		pgtable_map(&kpt, va_init(va), pa_init(pa), size, prot);

	if (err != SVSM_OK)
		panic("vm: cannot map %s: %s", what, svsm_err_name(err));
}

static uint64_t linear_va(uint64_t pa)
{
	return va_val(va_from_ptr(arch_phys_to_virt(pa, 1)));
}

static void map_region(const struct boot_params *bp)
{
	uint64_t text_end = ALIGN_UP(arch_virt_to_phys(__text_end), PAGE_SIZE);
	uint64_t ro = arch_virt_to_phys(__rodata_start);
	uint64_t ro_end = ALIGN_UP(arch_virt_to_phys(__rodata_end), PAGE_SIZE);
	uint64_t data = arch_virt_to_phys(__data_start);
	uint64_t bss_end = ALIGN_UP(arch_virt_to_phys(__bss_end), PAGE_SIZE);
	uint64_t region_end = bp->region_base + bp->region_size;
	/* The image's pages shared with the host (SEV-SNP: the boot GHCB). */
	uint64_t shared = arch_virt_to_phys(__shared_start);
	uint64_t shared_end = arch_virt_to_phys(__shared_end);

	map_or_panic(linear_va(bp->region_base), bp->region_base,
		     text_end - bp->region_base, PROT_EXEC, "kernel text");
	map_or_panic(linear_va(ro), ro, ro_end - ro, 0, "kernel rodata");
	if (shared != data)
		map_or_panic(linear_va(data), data, shared - data, PROT_WRITE,
			     "kernel data");
	if (shared_end != shared)
		map_or_panic(linear_va(shared), shared, shared_end - shared,
			     PROT_WRITE | PROT_SHARED, "shared pages");
	map_or_panic(linear_va(shared_end), shared_end, bss_end - shared_end,
		     PROT_WRITE, "kernel bss");
	map_or_panic(linear_va(bp->image_end), bp->image_end,
		     region_end - bp->image_end, PROT_WRITE, "region");
	/* The page below the boot stack stays unmapped: its guard. */
	if (pgtable_unmap(&kpt, va_from_ptr(boot_stack_guard), PAGE_SIZE) !=
	    SVSM_OK)
		panic("vm: cannot unmap the boot stack guard");
}

static void map_percpu(uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint64_t area = pa_val(percpu_get(i)->area);

		/* Area pages: [0] struct percpu, [1..4] stack, [5..7] IST. */
		map_or_panic(vm_percpu_va(i, VM_STACK_OFF), area + PAGE_SIZE,
			     VM_STACK_PAGES * PAGE_SIZE, PROT_WRITE, "stack");
		for (uint32_t s = 0; s < IST_COUNT; s++)
			map_or_panic(vm_percpu_va(i, VM_IST_OFF(s)),
				     area + (1 + VM_STACK_PAGES + s) *
						     PAGE_SIZE,
				     PAGE_SIZE, PROT_WRITE, "IST stack");
	}
}

static_assert(CFG_MAX_CPUS * PAGE_SIZE_2M <= (1ull << 30),
	      "the 2 MiB windows share one page directory");

/*
 * The 2 MiB windows' page directory, made now (by mapping and unmapping
 * one 2 MiB page before the tables are live), so that vm_temp_map_2m()
 * only writes an entry and never allocates.
 */
static void make_huge_windows(void)
{
	map_or_panic(VM_HUGE_BASE, 0, PAGE_SIZE_2M, 0, "2 MiB window");
	if (pgtable_unmap(&kpt, va_init(VM_HUGE_BASE), PAGE_SIZE_2M) != SVSM_OK)
		panic("vm: cannot unmap the 2 MiB window");
}

void vm_init(const struct boot_params *bp)
{
	uint64_t n = tables_needed(bp);
	uint64_t pa = bootmem_alloc_pages((uint32_t)n);
	unsigned int on;
	enum svsm_err err;

	if (!pa || layout_set(LAYOUT_PAGE_TABLES, pa, n * PAGE_SIZE) != SVSM_OK)
		panic("vm: no room for %llu page-table pages",
		      (unsigned long long)n);
	pool_next = pa;
	pool_end = pa + n * PAGE_SIZE;
	pool_pages = n;
	err = pgtable_init(&kpt, plat_pte_private_bits(),
			   plat_pte_shared_bits(), arch_has_nx(), pool_alloc,
			   NULL);
	if (err != SVSM_OK)
		panic("vm: %s", svsm_err_name(err));
	map_region(bp);
	map_percpu(bp->vcpu_count);
	make_huge_windows();
	on = arch_vm_activate(pa_val(kpt.root));
	arch_mm_drop_identity();
	log_info(
		"address space: %llu of %llu page-table pages; NX %s, SMEP %s, "
		"SMAP %s",
		(unsigned long long)kpt.table_pages, (unsigned long long)n,
		kpt.nx ? "on" : "off", (on & ARCH_VM_SMEP) ? "on" : "off",
		(on & ARCH_VM_SMAP) ? "on" : "off");
}

paddr_t vm_root(void)
{
	return kpt.root;
}

void vm_table_pages(uint64_t *used, uint64_t *pool)
{
	*used = kpt.table_pages;
	*pool = pool_pages;
}

bool vm_lookup(uintptr_t va, struct pgtable_entry *out)
{
	return pgtable_lookup(&kpt, va_init(va), out);
}

static uintptr_t temp_va(enum vm_temp_slot slot)
{
	CHECK((unsigned int)slot < VM_TEMP_SLOTS);
	return vm_percpu_va(this_cpu()->index,
			    VM_TEMP_OFF + (uint64_t)slot * PAGE_SIZE);
}

void *vm_temp_map(paddr_t pa, enum vm_temp_slot slot, unsigned int prot)
{
	uintptr_t va = temp_va(slot);

	/*
	 * The window's table exists (map_percpu), so this only writes one
	 * PTE; a slot still in use is a bug. No flush: the slot was not
	 * present, and x86 does not cache non-present translations.
	 */
	CHECK(pgtable_map(&kpt, va_init(va), pa, PAGE_SIZE,
			  prot & ~PROT_EXEC) == SVSM_OK);
	return ptr_from_va(va);
}

void vm_temp_unmap(enum vm_temp_slot slot)
{
	uintptr_t va = temp_va(slot);

	CHECK(pgtable_unmap(&kpt, va_init(va), PAGE_SIZE) == SVSM_OK);
	arch_flush_tlb_page(va);
}

static uintptr_t huge_va(void)
{
	return (uintptr_t)(VM_HUGE_BASE +
			   (uint64_t)this_cpu()->index * PAGE_SIZE_2M);
}

void *vm_temp_map_2m(paddr_t pa, unsigned int prot)
{
	uintptr_t va = huge_va();

	/* As vm_temp_map(): one entry in a table that exists; no flush. */
	CHECK(pa_is_aligned(pa, PAGE_SIZE_2M));
	CHECK(pgtable_map(&kpt, va_init(va), pa, PAGE_SIZE_2M,
			  prot & ~PROT_EXEC) == SVSM_OK);
	return ptr_from_va(va);
}

void vm_temp_unmap_2m(void)
{
	uintptr_t va = huge_va();

	CHECK(pgtable_unmap(&kpt, va_init(va), PAGE_SIZE_2M) == SVSM_OK);
	arch_flush_tlb_page(va); /* INVLPG drops the whole 2 MiB entry */
}

uintptr_t vm_map_task_stack(paddr_t pa, unsigned int pages)
{
	uintptr_t va = vm_percpu_va(this_cpu()->index, VM_TASK_STACK_OFF);

	CHECK(pages >= 1 && pages <= 8);
	/*
	 * The window's page table exists (map_percpu), so this writes PTEs
	 * only; the slot below stays unmapped as the guard. No flush: the
	 * slot was not present.
	 */
	CHECK(pgtable_map(&kpt, va_init(va), pa, (uint64_t)pages * PAGE_SIZE,
			  PROT_WRITE) == SVSM_OK);
	return va + (uintptr_t)pages * PAGE_SIZE;
}

void vm_unmap_task_stack(unsigned int pages)
{
	uintptr_t va = vm_percpu_va(this_cpu()->index, VM_TASK_STACK_OFF);

	CHECK(pgtable_unmap(&kpt, va_init(va), (uint64_t)pages * PAGE_SIZE) ==
	      SVSM_OK);
	for (unsigned int i = 0; i < pages; i++)
		arch_flush_tlb_page(va + (uintptr_t)i * PAGE_SIZE);
}

void *vm_map_mmio(paddr_t pa, uint64_t size)
{
	uint64_t va;

	size = ALIGN_UP(size, PAGE_SIZE);
	spin_lock(&vm_lock);
	va = mmio_next;
	if (size > VM_MMIO_BASE + VM_MMIO_SIZE - va ||
	    pgtable_map(&kpt, va_init(va), pa, size,
			PROT_WRITE | PROT_UNCACHED) != SVSM_OK) {
		spin_unlock(&vm_lock);
		return NULL;
	}
	mmio_next += size;
	spin_unlock(&vm_lock);
	return ptr_from_va(va);
}

void *vm_map_identity(paddr_t pa, uint64_t size)
{
	enum svsm_err err;

	spin_lock(&vm_lock);
	err = pgtable_map(&kpt, va_init(pa_val(pa)), pa, size,
			  PROT_WRITE | PROT_EXEC);
	spin_unlock(&vm_lock);
	return err == SVSM_OK ? ptr_from_va(pa_val(pa)) : NULL;
}

void vm_unmap_identity(paddr_t pa, uint64_t size)
{
	spin_lock(&vm_lock);
	CHECK(pgtable_unmap(&kpt, va_init(pa_val(pa)), size) == SVSM_OK);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		arch_flush_tlb_page(pa_val(pa) + off);
	spin_unlock(&vm_lock);
}

enum svsm_err vm_linear_set_shared(paddr_t pa, uint64_t size, bool shared)
{
	/*
	 * The region's page tables exist, one per 2 MiB (tables_needed), so
	 * splitting a 2 MiB leaf takes a pool page that is always there.
	 */
	unsigned int prot = PROT_WRITE | (shared ? PROT_SHARED : 0);
	void *va = arch_phys_to_virt(pa_val(pa), size);
	enum svsm_err err;

	if (!va || !size || !pa_is_aligned(pa, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE))
		return SVSM_E_INVAL;
	spin_lock(&vm_lock);
	err = pgtable_protect(&kpt, va_from_ptr(va), size, prot);
	spin_unlock(&vm_lock);
	/*
	 * Even after a partial change: no translation with the old C-bit
	 * may survive. INVLPG also drops a split 2 MiB entry and the
	 * paging-structure caches above it (AMD64 APM vol. 3, INVLPG).
	 * This CPU only: on SEV-SNP only the boot vCPU runs so far
	 * (plat_start_aps).
	 */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		arch_flush_tlb_page(va_val(va_from_ptr(va)) + off);
	return err;
}
