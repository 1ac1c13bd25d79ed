/* SPDX-License-Identifier: MIT */
/*
 * One turn of the SVSM's request loop on SEV-SNP (snp/loop.h).
 */
#include "snp/loop.h"

#include "snp/ghcb.h"

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
