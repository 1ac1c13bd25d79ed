/* SPDX-License-Identifier: MIT */
/*
 * One turn of the SVSM's request loop on SEV-SNP, and the loop of each of
 * the SVSM's own APs (snp/loop.h).
 */
#include "snp/loop.h"

#include "snp/ghcb.h"
#include "snp/vcpu.h"

enum svsm_err snp_loop_turn(struct svsm_vcpu *v,
			    enum snp_request_status *status)
{
	/*
	 * TRUST: the host chooses when VMPL0 runs again, and may do so
	 * without the guest having called; svsm_request_once() checks
	 * CALL_PENDING and the guest's exit code before anything else.
	 */
	enum svsm_err err = ghcb_run_vmpl(v->vmpl);

	if (err != SVSM_OK)
		return err;
	*status = svsm_request_once(v);
	return SVSM_OK;
}

enum snp_ap_step snp_ap_loop_step(struct snp_ap_loop *l)
{
	/*
	 * TRUST: the guest creates and deletes its vCPUs from any of its
	 * CPUs at any time (the registry lock and the hold order that), and
	 * the host answers Run VMPL; a refusal for a vCPU that still exists
	 * leaves that vCPU with nothing to run it, as on the boot CPU.
	 */
	enum snp_request_status st;
	unsigned int vmpl = 0;
	enum snp_vcpu_hold h = snp_vcpu_hold(l->apic_id, &l->held, &vmpl);
	enum svsm_err err;

	if (h != SNP_VCPU_HOLD_OK)
		return h == SNP_VCPU_HOLD_BUSY ? SNP_AP_STEP_RETRY
					       : SNP_AP_STEP_IDLE;
	l->turns++;
	/* snp_loop_turn(), with the VMPL read under the registry lock. */
	err = ghcb_run_vmpl(vmpl);
	if (err != SVSM_OK) {
		if (snp_vcpu_runnable(l->held))
			return SNP_AP_STEP_FAIL;
		snp_vcpu_release(&l->held);
		return SNP_AP_STEP_TURN;
	}
	st = svsm_request_once(l->held);
	l->last = st;
	if (st == SNP_REQUEST_NO_VCPU || st == SNP_REQUEST_CALLER_GONE)
		snp_vcpu_release(&l->held);
	return SNP_AP_STEP_TURN;
}
