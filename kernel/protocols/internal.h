/* SPDX-License-Identifier: MIT */
/*
 * What the protocol handlers share inside kernel/protocols: the call
 * context, the detail a handler adds to its internal error so that the
 * dispatcher can pick the exact SVSM result code, and the core protocol's
 * helpers for guest lists and guest page ranges.
 *
 * A handler validates first with no side effects, then applies. It never
 * writes RAX and never produces an SVSM result code: it returns an
 * enum svsm_err and, where the generic mapping is not enough, sets
 * `detail` (and `insn_code`). dispatch.c maps them (docs/protocols.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/protocols.h"

struct svsm_vcpu;

enum protocol_detail {
	PROTOCOL_DETAIL_NONE = 0,
	/* SVSM_E_HW: PVALIDATE or RMPADJUST returned EAX = insn_code. */
	PROTOCOL_DETAIL_INSN,
	/* SVSM_E_HW: PVALIDATE changed nothing (CF = 1) and may not. */
	PROTOCOL_DETAIL_UNCHANGED,
	/* SVSM_E_BUSY: the VMSA is running (DELETE_VCPU, FAIL_INUSE). */
	PROTOCOL_DETAIL_IN_USE,
	/* SVSM_E_BUSY: partly done, progress recorded; call again. */
	PROTOCOL_DETAIL_INCOMPLETE,
	/* SVSM_E_UNSUPPORTED: well formed, but not possible in this
	 * configuration (INVALID_REQUEST rather than UNSUPPORTED_CALL). */
	PROTOCOL_DETAIL_STATE,
	/* SVSM_E_UNSUPPORTED: ATTEST_SINGLE_SERVICE named a service the
	 * SVSM does not offer (UNSUPPORTED_PROTOCOL, include/svsm/attest.h). */
	PROTOCOL_DETAIL_NO_SERVICE,
};

struct protocol_call {
	struct svsm_vcpu *caller;
	struct svsm_call_regs *regs; /* private copy: in, and outputs */
	enum protocol_detail detail;
	uint32_t insn_code;
	bool caller_gone; /* DELETE_VCPU deleted the caller's VMSA */
};

/* Records an instruction failure for the dispatcher; returns SVSM_E_HW. */
static inline enum svsm_err protocol_insn_error(struct protocol_call *c,
						int eax)
{
	c->detail = PROTOCOL_DETAIL_INSN;
	c->insn_code = (uint32_t)eax;
	return SVSM_E_HW;
}

/* Rate-limited notice about a guest-caused event (dispatch.c). */
void protocols_notice(const char *fmt, ...) __printf(1, 2);

/* ---- vTPM protocol (vtpm.c) -------------------------------------------- */

/* The vTPM protocol's entry: call id in RAX[31:0]. */
enum svsm_err __must_check vtpm_handle(struct protocol_call *c);
/*
 * Checks the 9-byte TPM_SEND_COMMAND header (58019 Table 16), a private
 * copy: SVSM_E_INVAL for a number that is no platform command, a nonzero
 * locality or a command size of 0 or above VTPM_MAX_CMD_SIZE;
 * SVSM_E_UNSUPPORTED for a platform command other than TPM_SEND_COMMAND.
 * On success *cmd_size is the TPM command's size.
 */
enum svsm_err __must_check vtpm_decode_request(const uint8_t hdr[9],
					       uint32_t *cmd_size);

/* ---- Core protocol (core*.c) ------------------------------------------- */

/* The core protocol's entry: call id in RAX[31:0]. */
enum svsm_err __must_check core_handle(struct protocol_call *c);

enum svsm_err __must_check core_remap_ca(struct protocol_call *c);
enum svsm_err __must_check core_pvalidate(struct protocol_call *c);
enum svsm_err __must_check core_create_vcpu(struct protocol_call *c);
enum svsm_err __must_check core_delete_vcpu(struct protocol_call *c);
enum svsm_err __must_check core_deposit_mem(struct protocol_call *c);
enum svsm_err __must_check core_withdraw_mem(struct protocol_call *c);

/*
 * A guest list (PVALIDATE, DEPOSIT_MEM): header and entries, copied into
 * one private page under the protocol lock. `entries` points into that
 * page and stays valid until the next core_read_list().
 */
struct core_list {
	const uint64_t *entries;
	uint16_t count;
	uint16_t next;
};

/*
 * Reads the list at gpa with ONE copy from guest memory (from gpa to the
 * end of its page), then checks the copy: gpa 8-byte aligned, 1 <= count
 * <= 511, the entries inside the page, next < count (AMD 58019).
 * SVSM_E_INVAL for a malformed list, SVSM_E_FAULT for an address that is
 * not guest RAM or faults.
 */
enum svsm_err __must_check core_read_list(gpa_t gpa, struct core_list *out);
/* Writes `next` back into the list's header (2 bytes, nothing else). */
enum svsm_err __must_check core_write_next(gpa_t gpa, uint16_t next);
/*
 * Whether [gpa, gpa + len) covers the page of the list at `list`: an entry
 * may not act on the page its own list lives in, since `next` could then
 * no longer be written back (docs/protocols.md).
 */
static inline bool core_names_list_page(gpa_t gpa, uint64_t len, gpa_t list)
{
	uint64_t page = gpa_val(list) & ~(uint64_t)(PAGE_SIZE - 1);

	return gpa_val(gpa) <= page && page - gpa_val(gpa) < len;
}

/*
 * The one check before the SVSM acts on a guest page range of len bytes
 * (4 KiB or 2 MiB) on the guest's behalf: gpa aligned to len
 * (SVSM_E_INVAL), and the whole range guest RAM that is not SVSM memory,
 * not a VMSA, not a calling area and not the launch VMSA page
 * (SVSM_E_FAULT). Every byte of a 2 MiB range is checked.
 */
enum svsm_err __must_check core_check_guest_range(gpa_t gpa, uint64_t len,
						  paddr_t *out);

/* Sets or clears MEM_AVAILABLE in the boot vCPU's calling area. */
void core_set_mem_available(bool available);
