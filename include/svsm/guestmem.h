/* SPDX-License-Identifier: MIT */
/*
 * Access to guest memory: the only way the SVSM reads or writes memory it
 * does not own (kernel/guestmem/guestmem.c). Every call validates the
 * guest-physical range with gpa_validate() (alignment, wrap-around, RAM,
 * no overlap with SVSM memory), maps it page by page in this CPU's
 * temporary slot, and copies with fault-tolerant instructions, so a fault
 * becomes SVSM_E_FAULT instead of a crash. Data is copied into private
 * memory once; callers validate and use the copy, never the guest's bytes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/mm/vm.h"

/*
 * Copies [src, src + len) of guest memory to dst. On error dst is zeroed,
 * so no partial guest data survives. Errors: those of gpa_validate(), and
 * SVSM_E_FAULT when an access faults.
 */
enum svsm_err __must_check guestmem_copy_from(gpa_t src, void *dst, size_t len);
/* Copies len bytes from src to guest memory at dst; same checks. */
enum svsm_err __must_check guestmem_copy_to(gpa_t dst, const void *src,
					    size_t len);
/*
 * A guest page held mapped for several accesses (the calling area during
 * one request turn): validated once, mapped once in `slot`. The accesses
 * stay fault-tolerant; offsets are checked against the validated length.
 */
struct guestmem_page {
	uint8_t __guest *base; /* the validated range's first byte */
	size_t len;
	enum vm_temp_slot slot;
};

/*
 * Validates [gpa, gpa + len) (inside one page, aligned to `align`) and maps
 * it in this CPU's `slot`. Errors as gpa_validate(); nothing is mapped then.
 */
enum svsm_err __must_check guestmem_page_map(gpa_t gpa, size_t len,
					     size_t align,
					     enum vm_temp_slot slot,
					     struct guestmem_page *gp);
void guestmem_page_unmap(struct guestmem_page *gp);
/* One 8-byte load at off; SVSM_E_FAULT when it faults. */
enum svsm_err __must_check guestmem_page_read_u64(
	const struct guestmem_page *gp, size_t off, uint64_t *out);
/* Copies len bytes to off; SVSM_E_FAULT when it faults. */
enum svsm_err __must_check guestmem_page_write(const struct guestmem_page *gp,
					       size_t off, const void *src,
					       size_t len);

/* Reads one naturally aligned u64 with a single load (a flag, a counter). */
enum svsm_err __must_check guestmem_read_u64(gpa_t src, uint64_t *out);
