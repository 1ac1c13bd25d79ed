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

/*
 * The request loop of one of the SVSM's own APs (snp_ap_loop_step):
 * the AP with APIC ID apic_id serves the guest vCPU the guest created
 * for that APIC ID with CREATE_VCPU (its newest live VMSA), turn after
 * turn through the AP's own GHCB, for as long as that vCPU exists.
 * Zero-initialise it, then set apic_id.
 */
struct snp_ap_loop {
	uint32_t apic_id;
	struct svsm_vcpu *held; /* the record the loop holds (snp/vcpu.h) */
	enum snp_request_status last; /* the last served turn's status */
	uint64_t turns;		      /* turns run (Run VMPL asked) */
};

/* What the AP does after one step. */
enum snp_ap_step {
	SNP_AP_STEP_IDLE,  /* no guest vCPU for it: wait for one */
	SNP_AP_STEP_RETRY, /* its vCPU is being deleted: step again soon */
	SNP_AP_STEP_TURN,  /* a turn ran (served, spurious, or the vCPU went) */
	SNP_AP_STEP_FAIL,  /* Run VMPL failed for a live vCPU: end the VM */
};

/*
 * One decision and at most one turn of an AP's loop, on that AP (its
 * GHCB carries the Run VMPL):
 *   1. hold the APIC ID's newest live guest vCPU (snp_vcpu_hold; a
 *      record deleted since the last step is let go): none -> IDLE, one
 *      being deleted -> RETRY;
 *   2. snp_loop_turn() for it: Run VMPL of its VMPL, then
 *      svsm_request_once(), which pins it for the call (a vCPU deleted
 *      meanwhile is not served: SNP_REQUEST_NO_VCPU) -> TURN;
 *   3. a Run VMPL the host refuses or mangles: TURN if the vCPU was
 *      deleted meanwhile (the host was told to destroy it), else FAIL;
 *   4. after a turn that found its vCPU gone (NO_VCPU, CALLER_GONE) the
 *      record is let go at once.
 * The kernel (snp_ap_main, plat.c) waits with HLT on IDLE and ends the
 * VM on FAIL; the hosted tests step it on the model.
 */
enum snp_ap_step snp_ap_loop_step(struct snp_ap_loop *l);
