/* SPDX-License-Identifier: MIT */
/*
 * The fake arch's side of guest-memory access, so kernel/guestmem runs in
 * hosted tests against fake physical memory (fake.h):
 *
 *   vm_temp_map/unmap     map by translating into fake memory
 *   vm_linear_set_shared  records each page's mapping (fake_vm_shared)
 *   arch_copy_*_guest     memcpy, with two test hooks:
 *     - fake_guest_fault_range: accesses touching it "fault" (return 1),
 *       as an unvalidated or host-remapped page does on SEV-SNP;
 *     - fake_guest_access_ok: when set (the SNP model's adapter sets it),
 *       an access the RMP would not allow faults, as the #VC that
 *       hardware raises for a page that is not validated;
 *     - fake_guest_after_copy: called after every copy from guest memory,
 *       so a test can change guest memory between two reads by the SVSM
 *       and prove that each structure is read only once.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/arch/cpu.h"

#include "svsm/mm/vm.h"

#include "fake/fake.h"

uint64_t fake_guest_fault_base;
uint64_t fake_guest_fault_size;
void (*fake_guest_after_copy)(uint64_t gpa, size_t len);
bool (*fake_guest_access_ok)(uint64_t gpa, size_t len);
unsigned int fake_guest_copies;

/* The fake physical address of the temporary slot's mapping, per slot. */
static uint64_t slot_pa[VM_TEMP_SLOTS];

/* The page the 2 MiB window maps, 0 when none (one CPU in the fake). */
uint64_t fake_window_2m_pa;
uint64_t fake_boot_map_2m_lo, fake_boot_map_2m_hi;

/*
 * As kernel/mm/vm.c: a slot maps one 4 KiB page, page aligned, and a slot
 * in use is a bug; the 2 MiB window maps one 2 MiB-aligned 2 MiB page.
 */
void *vm_temp_map(paddr_t pa, enum vm_temp_slot slot, unsigned int prot)
{
	(void)prot;
	CHECK((unsigned int)slot < VM_TEMP_SLOTS && !slot_pa[slot]);
	CHECK(pa_is_aligned(pa, PAGE_SIZE));
	slot_pa[slot] = pa_val(pa);
	return arch_phys_to_virt(pa_val(pa), PAGE_SIZE);
}

void vm_temp_unmap(enum vm_temp_slot slot)
{
	CHECK((unsigned int)slot < VM_TEMP_SLOTS && slot_pa[slot]);
	slot_pa[slot] = 0;
}

void *vm_temp_map_2m(paddr_t pa, unsigned int prot)
{
	(void)prot;
	CHECK(!fake_window_2m_pa && pa_val(pa) &&
	      pa_is_aligned(pa, PAGE_SIZE_2M));
	fake_window_2m_pa = pa_val(pa);
	return arch_phys_to_virt(pa_val(pa), PAGE_SIZE_2M);
}

void vm_temp_unmap_2m(void)
{
	CHECK(fake_window_2m_pa);
	fake_window_2m_pa = 0;
}

/*
 * Pages of fake memory whose linear mapping is shared (C-bit clear), one
 * byte per page of fake memory (1 MiB for 4 GiB).
 */
static uint8_t *vm_shared;
static uint64_t vm_pages;
unsigned int fake_vm_set_shared_calls;
enum svsm_err fake_vm_set_shared_fail;

void fake_vm_reset(void)
{
	free(vm_shared);
	vm_shared = NULL;
	vm_pages = (fake_mm_size() + PAGE_SIZE - 1) / PAGE_SIZE;
	if (vm_pages) {
		vm_shared = calloc(vm_pages, 1);
		if (!vm_shared)
			abort();
	}
	fake_vm_set_shared_calls = 0;
	fake_vm_set_shared_fail = SVSM_OK;
}

/* The record of the page at pa, which must be fake memory. */
static uint8_t *shared_rec(uint64_t pa)
{
	uint64_t i = (pa - fake_mm_base()) / PAGE_SIZE;

	CHECK(pa >= fake_mm_base() && i < vm_pages);
	return &vm_shared[i];
}

bool fake_vm_shared(uint64_t pa)
{
	return *shared_rec(pa) != 0;
}

/*
 * As kernel/mm/vm.c: the range must lie in mapped (fake) memory, page
 * aligned; each page's mapping becomes shared or private. A test may make
 * the next call fail (fake_vm_set_shared_fail) without changing anything.
 */
enum svsm_err vm_linear_set_shared(paddr_t pa, uint64_t size, bool shared)
{
	enum svsm_err fail = fake_vm_set_shared_fail;

	fake_vm_set_shared_calls++;
	fake_vm_set_shared_fail = SVSM_OK;
	if (!size || !pa_is_aligned(pa, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE) ||
	    !arch_phys_to_virt(pa_val(pa), size))
		return SVSM_E_INVAL;
	if (fail != SVSM_OK)
		return fail;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		*shared_rec(pa_val(pa) + off) = shared;
	return SVSM_OK;
}

static uint64_t gpa_of(const void *p)
{
	return arch_virt_to_phys(p);
}

static bool faults(uint64_t gpa, size_t len)
{
	if (fake_guest_access_ok && !fake_guest_access_ok(gpa, len))
		return true;
	return fake_guest_fault_size &&
	       gpa < fake_guest_fault_base + fake_guest_fault_size &&
	       fake_guest_fault_base < gpa + len;
}

int arch_copy_from_guest(void *dst, const void *src, size_t len)
{
	uint64_t gpa = gpa_of(src);

	if (!src || faults(gpa, len))
		return 1;
	memcpy(dst, src, len);
	fake_guest_copies++;
	if (fake_guest_after_copy)
		fake_guest_after_copy(gpa, len);
	return 0;
}

int arch_copy_to_guest(void *dst, const void *src, size_t len)
{
	if (!dst || faults(gpa_of(dst), len))
		return 1;
	memcpy(dst, src, len);
	return 0;
}

int arch_read_u64_guest(const void *src, uint64_t *out)
{
	return arch_copy_from_guest(out, src, sizeof(*out));
}
