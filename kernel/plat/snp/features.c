/* SPDX-License-Identifier: MIT */
/*
 * The SEV features of the SVSM's own VMSAs (snp/features.h): the boot
 * vCPU's, restricted injection included.
 *
 * State: the decision, written once on the boot CPU before any AP exists,
 * read when an AP's VMSA is built.
 */
#define LOG_PREFIX "snp: "

#include "snp/features.h"

#include <stdbool.h>

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp_vmsa.h"

static uint64_t svsm_features;

enum svsm_err snp_features_init(uint64_t sev_status, uint64_t hv_features)
{
	/*
	 * TRUST: the host's HV features only choose a log line. What the
	 * SVSM's VMSAs carry is what the boot vCPU runs with, which the
	 * launch measured: a host compares every AP's features with the
	 * VM's and refuses a different injection mode (Linux
	 * arch/x86/kvm/svm/sev.c, sev_snp_ap_creation), so restricted
	 * injection is on for the APs exactly when the launch VMSA asked
	 * for it, and a launch VMSA should ask exactly when the host
	 * advertises it (docs/snp.md).
	 */
	uint64_t boot = (sev_status >> SNP_SEV_STATUS_FEATURES_SHIFT) &
			SNP_FEATURES_MASK;
	bool host_ri = hv_features & GHCB_HV_FT_SNP_RESTRICTED_INJ;
	bool boot_ri = boot & SNP_FEATURE_RESTRICTED_INJECTION;

	if (!(sev_status & SNP_SEV_STATUS_SNP))
		return SVSM_E_UNSUPPORTED;
	if (host_ri && !boot_ri)
		log_notice("the host offers restricted injection; the launch "
			   "VMSA does not ask for it");
	else if (!host_ri && boot_ri)
		log_notice("restricted injection on, though the host does not "
			   "advertise it");
	else
		log_info("restricted injection %s", boot_ri ? "on" : "off");
	svsm_features = boot | SNP_FEATURE_SNP_ACTIVE;
	return SVSM_OK;
}

uint64_t snp_svsm_sev_features(void)
{
	return svsm_features;
}

#if __STDC_HOSTED__
void snp_features_reset(void)
{
	svsm_features = 0;
}
#endif
