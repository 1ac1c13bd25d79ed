/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocols (kernel/protocols/): the entry the platform's request
 * path calls with the caller's registers, and the protocol table behind
 * SVSM_CORE_QUERY_PROTOCOL. The dispatcher (dispatch.c) decodes RAX into
 * protocol and call (AMD 58019 rev 1.00), runs the handler under the
 * protocol lock, and is the only place that turns internal errors and
 * PVALIDATE/RMPADJUST codes into SVSM result codes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

struct svsm_vcpu;

/*
 * The registers of one call (58019, calling convention). In: RAX =
 * protocol << 32 | call, arguments in RCX, RDX, R8, R9. Out: RAX = the
 * 32-bit result, zero-extended; RCX, RDX, R8 where the call defines
 * outputs (the others keep their input values, so the request path writes
 * back only what changed).
 */
struct svsm_call_regs {
	uint64_t rax, rcx, rdx, r8, r9;
};

/* Whether the caller can be resumed after protocols_handle(). */
enum protocol_resume {
	PROTOCOL_RESUME_CALLER,
	/* DELETE_VCPU deleted the caller's own VMSA: never touch it again. */
	PROTOCOL_CALLER_GONE,
};

/*
 * Serves one call of `vcpu`.
 * TRUST: every register is chosen by the guest OS; see dispatch.c.
 */
enum protocol_resume protocols_handle(struct svsm_vcpu *vcpu,
				      struct svsm_call_regs *r);

/*
 * Answers a call whose CALL_PENDING byte held a value other than 0 or 1
 * (SVSM_ERR_INVALID_FORMAT, 58019; unconfirmed, see docs/protocols.md),
 * without running it.
 */
void protocols_answer_bad_pending(struct svsm_call_regs *r);

/*
 * Supported versions of a protocol: true and [*min, *max] when the SVSM
 * implements it (58019 SVSM_CORE_QUERY_PROTOCOL).
 */
bool protocols_versions(uint32_t protocol, uint32_t *min, uint32_t *max);

/*
 * Forgets the deposited-memory pool without touching its pages or their
 * reservations (boot, and hosted tests that start over).
 */
void protocols_reset(void);
/* Pages the guest deposited that the SVSM holds (DEPOSIT_MEM). */
uint32_t protocols_deposit_count(void);

/*
 * Offers the running vTPM (include/svsm/vtpm.h) to the guest: the vTPM
 * protocol is served and reported by QUERY_PROTOCOL while the vTPM runs,
 * and this adds its attestation service (58019 §8.3.1; manifest version
 * 0: the endorsement key's public area). Call after vtpm_start();
 * SVSM_E_INVAL when the vTPM has no endorsement key to show.
 */
enum svsm_err __must_check vtpm_service_register(void);
