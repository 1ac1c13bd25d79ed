/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's request loop on SEV-SNP (kernel/plat/snp/loop.c): on each
 * CPU, run the lower-VMPL vCPU (Run VMPL through this CPU's GHCB, AMD
 * 56421), and when the host runs VMPL0 again, serve whatever the vCPU
 * asked (svsm_request_once(), AMD 58019 rev 1.00 calling convention).
 * The host decides when VMPL0 runs again: a return without a call (no
 * CALL_PENDING, or a guest exit code other than VMGEXIT) is spurious and
 * changes nothing.
 */
#pragma once

#include "svsm/compiler.h"
#include "svsm/err.h"

#include "snp/snp.h"

/*
 * One turn for vCPU v: Run VMPL of v's VMPL, then one request. *status
 * gets svsm_request_once()'s answer. Errors: SVSM_E_HW or
 * SVSM_E_UNSUPPORTED when the host refuses or mangles Run VMPL (or this
 * CPU has no GHCB); the vCPU is not served then and the caller ends the
 * VM (nothing can run the guest any more).
 */
enum svsm_err __must_check snp_loop_turn(struct svsm_vcpu *v,
					 enum snp_request_status *status);
