/* SPDX-License-Identifier: MIT */
/*
 * The SEV features of the VMSAs the SVSM creates for itself, its own APs
 * at VMPL0 (kernel/plat/snp/features.c). Decided once on the boot CPU,
 * after ghcb_negotiate(), from what the CPU runs with (the SEV_STATUS MSR)
 * and what the host offers (the GHCB HV features).
 *
 * Restricted injection (SEV_FEATURES bit 3, AMD64 APM vol. 2, "Restricted
 * Injection"): with it the host can inject no exception or interrupt into
 * the VMSA but #HV, so it cannot provoke an exception at a point of its
 * choosing (a #VC, #PF or #GP inside the SVSM). Whether the SVSM runs with
 * it is decided by the launch VMSA, which the launch measures, so the
 * request is made there: the launch VMSA should ask for it exactly when
 * the host advertises it (AMD 56421 HV feature bit 2). At run time the
 * SVSM's APs take the boot vCPU's features, restricted injection
 * included, because a host compares an AP's features with the VM's and
 * refuses a different injection mode (Linux arch/x86/kvm/svm/sev.c,
 * sev_snp_ap_creation); a launch VMSA that does not match what the host
 * offers is logged. With it, each vCPU needs an #HV doorbell page
 * (snp/hv_doorbell.h). docs/snp.md has the rest (#HV, the launch side:
 * csvsm-igvm build --restricted-injection).
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * Decides the features from SEV_STATUS (untrusted only in that the boot
 * path read it; the CPU writes it) and the host's HV features (from
 * ghcb_negotiate, untrusted). SVSM_E_UNSUPPORTED when SEV_STATUS says
 * SNP is off; nothing is decided then.
 */
enum svsm_err __must_check snp_features_init(uint64_t sev_status,
					     uint64_t hv_features);
/*
 * SEV_FEATURES for a VMPL0 VMSA of the SVSM and its AP Creation NAE (RAX);
 * 0 before snp_features_init() succeeded.
 */
uint64_t snp_svsm_sev_features(void);

#if __STDC_HOSTED__
void snp_features_reset(void);
#endif
