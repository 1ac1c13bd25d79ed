/* SPDX-License-Identifier: MIT */
/*
 * The host notification of CREATE_VCPU and DELETE_VCPU
 * (snp_vcpu_notify, snp/snp.h): the GHCB SNP AP
 * Creation NAE (SW_EXITCODE 0x80000013, AMD 56421) through the SVSM's GHCB
 * client (kernel/plat/snp/ghcb.c). A new VMSA is announced with
 * GHCB_AP_CREATE_ON_INIT, so the host knows it without starting it (as
 * COCONUT does); a deleted one with GHCB_AP_DESTROY.
 *
 * Hosted builds run the same code: the fake arch's VMGEXIT reaches the
 * model hypervisor (sim/hv.c), which records the VMSA in the host's vCPU
 * table (sim/vcpu.c).
 */
#include "svsm/log.h"

#include "abi/ghcb.h"

#include "snp/ghcb.h"
#include "snp/snp.h"

enum svsm_err snp_vcpu_notify(enum snp_vcpu_op op, uint32_t apic_id,
			      unsigned int vmpl, paddr_t vmsa_pa,
			      uint64_t sev_features)
{
	/*
	 * TRUST: the host may refuse, or say yes and not do it; either only
	 * denies the guest its vCPU. The caller goes on either way: only the
	 * boot VMSA needs the host to know it (58019: the guest itself
	 * starts a vCPU it created, with its own AP Creation NAE, as Linux
	 * does), and a deleted VMSA cannot run whatever the host believes
	 * (SVME is off and the VMSA bit cleared). Refusals are logged within
	 * a budget, since the host can cause any number of them.
	 */
	static struct log_budget refusals = LOG_BUDGET(8);
	unsigned int request = op == SNP_VCPU_CREATE ? GHCB_AP_CREATE_ON_INIT
						     : GHCB_AP_DESTROY;

	if (ghcb_ap_create(request, apic_id, vmsa_pa, vmpl, sev_features) !=
	    SVSM_OK) {
		log_limited(&refusals,
			    "snp: host refused AP %s for APIC ID %u (VMPL%u)",
			    op == SNP_VCPU_CREATE ? "creation" : "destruction",
			    apic_id, vmpl);
		return SVSM_E_HW;
	}
	return SVSM_OK;
}
