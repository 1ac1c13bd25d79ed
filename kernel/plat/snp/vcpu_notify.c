/* SPDX-License-Identifier: MIT */
/*
 * The host notification of CREATE_VCPU and DELETE_VCPU
 * (plat_snp_vcpu_notify, include/svsm/plat/snp.h).
 *
 * On hardware this is the GHCB SNP AP Creation NAE (SW_EXITCODE
 * 0x80000013, ref §2.3): EXITINFO1 = request (GHCB_AP_CREATE_ON_INIT for a
 * new VMSA, so the host knows it without starting it; GHCB_AP_DESTROY for
 * a deleted one) | VMPL << 16 | APIC ID << 32, EXITINFO2 = the VMSA GPA,
 * RAX = its SEV_FEATURES; EXITINFO1[31:0] != 0 on return is a refusal.
 * The GHCB client belongs to the GHCB work and is not wired yet: the
 * freestanding build answers SVSM_E_UNSUPPORTED, which makes CREATE_VCPU
 * undo itself and fail, rather than pretend.
 *
 * Hosted builds (unit tests, fuzzers) call the MODEL HOOK instead, which
 * the SNP machine model (sim/guest.c) points at its host vCPU table
 * (sim/vcpu.c). The hook exists only when __STDC_HOSTED__; no kernel
 * path can reach it.
 */
#include "svsm/plat/snp.h"

#if __STDC_HOSTED__

enum svsm_err (*plat_snp_vcpu_notify_model_hook)(enum snp_vcpu_op op,
						 uint32_t apic_id,
						 unsigned int vmpl,
						 uint64_t vmsa_gpa,
						 uint64_t sev_features);

enum svsm_err plat_snp_vcpu_notify(enum snp_vcpu_op op, uint32_t apic_id,
				   unsigned int vmpl, paddr_t vmsa_pa,
				   uint64_t sev_features)
{
	if (!plat_snp_vcpu_notify_model_hook)
		return SVSM_OK;
	return plat_snp_vcpu_notify_model_hook(op, apic_id, vmpl,
					       pa_val(vmsa_pa), sev_features);
}

#else

enum svsm_err plat_snp_vcpu_notify(enum snp_vcpu_op op, uint32_t apic_id,
				   unsigned int vmpl, paddr_t vmsa_pa,
				   uint64_t sev_features)
{
	/* The GHCB AP Creation NAE goes here (GHCB work, see above). */
	(void)op;
	(void)apic_id;
	(void)vmpl;
	(void)vmsa_pa;
	(void)sev_features;
	return SVSM_E_UNSUPPORTED;
}

#endif
