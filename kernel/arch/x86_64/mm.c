/* SPDX-License-Identifier: MIT */
/*
 * Physical <-> virtual translation of the SVSM region, which is mapped
 * linearly at KERNEL_VIRT_BASE both by entry.S's boot tables and by
 * vm_init()'s. Until vm_init() drops it, the first 4 GiB are also
 * identity-mapped, and translated here.
 */
#include <stdbool.h>

#include "svsm/addr.h"

#include "x86/layout.h"
#include "x86/x86.h"

static bool range_ok(uint64_t pa, size_t len, uint64_t lo, uint64_t hi)
{
	uint64_t end;

	if (__builtin_add_overflow(pa, len, &end))
		return false;
	return pa >= lo && end <= hi;
}

static uint64_t region_size_mapped;
static bool identity_mapped = true;

void arch_mm_drop_identity(void)
{
	identity_mapped = false;
}

void arch_mm_set_region_size(uint64_t size)
{
	region_size_mapped = size;
}

void *arch_phys_to_virt(uint64_t pa, size_t len)
{
	if (range_ok(pa, len, SVSM_PHYS_BASE,
		     SVSM_PHYS_BASE + region_size_mapped))
		return ptr_from_va(pa + KERNEL_OFFSET);
	if (identity_mapped && range_ok(pa, len, 0, 1ull << 32))
		return ptr_from_va(pa);
	return NULL;
}

uint64_t arch_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - KERNEL_OFFSET;
}
