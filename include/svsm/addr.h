/* SPDX-License-Identifier: MIT */
/*
 * Typed addresses, and where integers become pointers.
 *
 *   paddr_t  a guest-physical address of memory the SVSM owns or has
 *            validated (trusted: computed by the SVSM)
 *   vaddr_t  an SVSM virtual address
 *   gpa_t    a guest-physical address supplied by the guest or the host:
 *            UNTRUSTED until gpa_validate() (kernel/mm/gpa.c) turns it
 *            into a paddr_t
 *   pfn_t    a page frame number
 *
 * Each is a one-member struct, so the compiler refuses to mix them. The
 * arithmetic on trusted kinds CHECKs for overflow (an overflow there is an
 * SVSM bug); arithmetic on gpa_t reports overflow to the caller, because a
 * guest can choose the operands. This header holds the kernel's only
 * integer-to-pointer conversion (ptr_from_va).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/panic.h"

typedef struct {
	uint64_t v;
} paddr_t;

typedef struct {
	uintptr_t v;
} vaddr_t;

typedef struct {
	uint64_t v;
} gpa_t;

typedef struct {
	uint64_t v;
} pfn_t;

static inline paddr_t pa_init(uint64_t v)
{
	return (paddr_t){v};
}

static inline uint64_t pa_val(paddr_t pa)
{
	return pa.v;
}

static inline vaddr_t va_init(uintptr_t v)
{
	return (vaddr_t){v};
}

static inline uintptr_t va_val(vaddr_t va)
{
	return va.v;
}

static inline gpa_t gpa_init(uint64_t v)
{
	return (gpa_t){v};
}

static inline uint64_t gpa_val(gpa_t gpa)
{
	return gpa.v;
}

static inline pfn_t pfn_init(uint64_t v)
{
	return (pfn_t){v};
}

static inline uint64_t pfn_val(pfn_t pfn)
{
	return pfn.v;
}

/* pa + n; the SVSM never computes a wrapping physical address. */
static inline paddr_t pa_add(paddr_t pa, uint64_t n)
{
	uint64_t r;

	CHECK(!__builtin_add_overflow(pa.v, n, &r));
	return pa_init(r);
}

static inline vaddr_t va_add(vaddr_t va, uintptr_t n)
{
	uintptr_t r;

	CHECK(!__builtin_add_overflow(va.v, n, &r));
	return va_init(r);
}

/* gpa + n into *out; false (and *out untouched) when it wraps. */
static inline bool __must_check gpa_add(gpa_t gpa, uint64_t n, gpa_t *out)
{
	uint64_t r;

	if (__builtin_add_overflow(gpa.v, n, &r))
		return false;
	*out = gpa_init(r);
	return true;
}

static inline pfn_t pa_to_pfn(paddr_t pa)
{
	return pfn_init(pa.v >> PAGE_SHIFT);
}

static inline paddr_t pfn_to_pa(pfn_t pfn)
{
	CHECK(pfn.v < (1ull << (64 - PAGE_SHIFT)));
	return pa_init(pfn.v << PAGE_SHIFT);
}

static inline bool pa_is_aligned(paddr_t pa, uint64_t align)
{
	return IS_ALIGNED(pa.v, align);
}

static inline void *ptr_from_va(uintptr_t va)
{
	/* SAFETY: callers pass a virtual address the SVSM has mapped. */
	return (void *)va; /* NOLINT(performance-no-int-to-ptr) */
}

static inline vaddr_t va_from_ptr(const void *p)
{
	return va_init((uintptr_t)p);
}

/*
 * A pointer to [pa, pa + len) through the SVSM's mappings of its own region
 * (and, during boot, the identity map of the first 4 GiB), or NULL when the
 * range is not entirely mapped or wraps.
 */
void *arch_phys_to_virt(uint64_t pa, size_t len);
/* Tells arch_phys_to_virt() how much of the SVSM region is mapped. */
void arch_mm_set_region_size(uint64_t size);
/* After vm_init(): the boot identity map is gone; stop translating it. */
void arch_mm_drop_identity(void);
/* The physical address of a kernel-image or SVSM-region pointer. */
uint64_t arch_virt_to_phys(const void *va);
