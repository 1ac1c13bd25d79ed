/* SPDX-License-Identifier: MIT */
/*
 * From an untrusted guest-physical address (gpa_t) to a trusted one
 * (paddr_t): the one checked function, gpa_validate(), and the registry it
 * checks against: the RAM ranges of the memory map and the ranges the SVSM
 * owns (its region, VMSAs, calling areas). Every protocol handler that takes
 * an address from the guest or the host goes through gpa_validate() before
 * it maps, reads, writes or PVALIDATEs anything.
 *
 * Errors: exactly one code per cause, so the protocol layer can map them to
 * the result codes of AMD 58019 rev 1.00, calling convention chapter
 * (misaligned input -> INVALID_PARAMETER, an invalid gPA ->
 * INVALID_ADDRESS):
 *
 *   SVSM_E_INVAL  the request is malformed whatever the memory map says:
 *                 zero length, `align` not a power of two, `gpa` not
 *                 aligned to `align`   -> SVSM_ERR_INVALID_PARAMETER
 *   SVSM_E_FAULT  the range is not memory the guest may name: gpa + len
 *                 exceeds 2^64 - 1 (wraps), the range is not inside a single
 *                 RAM range, or it overlaps SVSM-owned memory
 *                                      -> SVSM_ERR_INVALID_ADDRESS
 *
 * The checks run in that order, so a misaligned range that also wraps
 * reports SVSM_E_INVAL. COCONUT likewise answers gPA + size overflow with
 * INVALID_ADDRESS and misalignment with INVALID_PARAMETER.
 *
 * Ranges are [base, base + size) with base + size <= 2^64 - 1: no range, RAM
 * or reserved, can contain the byte at 2^64 - 1. The registry is protected
 * by a spinlock, so gpa_validate() may run on any CPU while another one
 * reserves. A successful gpa_validate() only stays true while nobody
 * reserves an overlapping range: handlers that validate and then act
 * (PVALIDATE against CREATE_VCPU, REMAP_CA) must hold the protocol lock
 * across both steps (docs/threat-model.md, bug class 8).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/percpu.h"

/* As many RAM ranges as boot_params can hold. */
#define GPA_MAX_RAM_RANGES BOOT_MAX_RAM_RANGES
/*
 * SVSM-owned ranges: the region, the boot VMSA, and per vCPU room for a
 * VMSA and a calling area at each of two VMPLs. The fuzzer builds with a
 * small value so that its inputs reach the full table.
 */
#ifndef GPA_MAX_RESERVED
#define GPA_MAX_RESERVED (16u + 4u * CFG_MAX_CPUS)
#endif

/*
 * Replaces the RAM ranges with a private copy of in[0..count). Refused
 * with SVSM_E_INVAL, leaving the old ranges in place, when count exceeds
 * GPA_MAX_RAM_RANGES, a range is empty or wraps, or two ranges overlap (a
 * hostile memory map: docs/threat-model.md, bug class 16). Order
 * does not matter. Count 0 is allowed and makes every gpa_validate() fail,
 * which is also the state before the first call. Adjacent ranges are kept
 * apart: a guest range spanning two of them is refused.
 */
enum svsm_err __must_check gpa_set_ram(const struct ram_range *in,
				       uint32_t count);

/*
 * Registers [base, base + size) as SVSM-owned: gpa_validate() refuses any
 * range that touches it. SVSM_E_INVAL for size 0 or a wrapping range,
 * SVSM_E_BUSY when it overlaps an already reserved range, SVSM_E_NOMEM
 * when all GPA_MAX_RESERVED slots are taken; on error nothing changes.
 */
enum svsm_err __must_check gpa_reserve(paddr_t base, uint64_t size);

/*
 * Removes a reservation made by gpa_reserve() with exactly these base and
 * size (DELETE_VCPU, REMAP_CA). SVSM_E_INVAL when there is no such entry.
 */
enum svsm_err __must_check gpa_unreserve(paddr_t base, uint64_t size);

/* Number of reservations, and the i-th in address order (for logs, tests). */
uint32_t gpa_reserved_count(void);
bool gpa_reserved_get(uint32_t i, paddr_t *base, uint64_t *size);

/*
 * The only way from a gpa_t to a paddr_t. Checks, with no side effects,
 * that [gpa, gpa + len) is well formed (len != 0, align a power of two,
 * gpa aligned to it), does not wrap, lies inside one RAM range and does
 * not overlap SVSM-owned memory. On success *out = gpa; on error *out is
 * not written. See the top of this file for which error means what.
 */
enum svsm_err __must_check gpa_validate(gpa_t gpa, uint64_t len, uint64_t align,
					paddr_t *out);

/*
 * True when any byte of [gpa, gpa + len) is SVSM-owned, e.g. before an
 * RMPADJUST on a 2 MiB page. A wrapping range counts as overlapping (the
 * safe answer); len 0 touches nothing and gives false.
 */
bool gpa_range_overlaps_svsm(gpa_t gpa, uint64_t len);
