/* SPDX-License-Identifier: MIT */
/*
 * Where integers become pointers. This header holds the kernel's only
 * integer-to-pointer conversion (ptr_from_va); everything else asks the
 * arch layer to translate a physical address, which checks that the address
 * is mapped. The typed-address layer (paddr_t, gpa_t, ...) builds on this.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

static inline void *ptr_from_va(uintptr_t va)
{
	/* SAFETY: callers pass a virtual address the SVSM has mapped. */
	return (void *)va; /* NOLINT(performance-no-int-to-ptr) */
}

/*
 * A pointer to [pa, pa + len) through the boot mappings (the SVSM region at
 * its kernel address, the first 4 GiB identity mapped), or NULL when the
 * range is not entirely mapped or wraps.
 */
void *arch_phys_to_virt(uint64_t pa, size_t len);
/* Tells arch_phys_to_virt() how much of the SVSM region entry.S mapped. */
void arch_mm_set_region_size(uint64_t size);
/* The physical address of a kernel-image or SVSM-region pointer. */
uint64_t arch_virt_to_phys(const void *va);
