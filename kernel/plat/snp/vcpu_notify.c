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
#include "abi/ghcb.h"

#include "snp/ghcb.h"
#include "snp/snp.h"

enum svsm_err snp_vcpu_notify(enum snp_vcpu_op op, uint32_t apic_id,
			      unsigned int vmpl, paddr_t vmsa_pa,
			      uint64_t sev_features)
{
	/*
	 * TRUST: the host may refuse (SVSM_E_HW: CREATE_VCPU is undone) or
	 * say yes and not do it, which only denies the guest its vCPU.
	 */
	unsigned int request = op == SNP_VCPU_CREATE ? GHCB_AP_CREATE_ON_INIT
						     : GHCB_AP_DESTROY;

	if (ghcb_ap_create(request, apic_id, vmsa_pa, vmpl, sev_features) !=
	    SVSM_OK)
		return SVSM_E_HW;
	return SVSM_OK;
}
