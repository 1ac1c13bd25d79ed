/* SPDX-License-Identifier: MIT */
/*
 * The SEV features of the SVSM's own VMSAs (snp/features.h): the boot
 * vCPU's, with restricted injection exactly when the host offers it.
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
	 * TRUST: the host's HV features decide only whether restricted
	 * injection is asked for. A host that claims it and cannot do it
	 * refuses the AP (the SVSM then runs on fewer CPUs); one that hides
	 * it gets the boot vCPU's injection mode.
	 */
	uint64_t boot = (sev_status >> SNP_SEV_STATUS_FEATURES_SHIFT) &
			SNP_FEATURES_MASK;
	bool host_ri = hv_features & GHCB_HV_FT_SNP_RESTRICTED_INJ;
	bool boot_ri = boot & SNP_FEATURE_RESTRICTED_INJECTION;
	uint64_t f;

	if (!(sev_status & SNP_SEV_STATUS_SNP))
		return SVSM_E_UNSUPPORTED;
	f = boot & ~SNP_FEATURE_RESTRICTED_INJECTION;
	if (host_ri)
		f |= SNP_FEATURE_RESTRICTED_INJECTION;
	if (host_ri != boot_ri)
		log_notice(
			"restricted injection %s for APs, %s on the boot CPU",
			host_ri ? "on" : "off", boot_ri ? "on" : "off");
	else
		log_info("restricted injection %s", host_ri ? "on" : "off");
	svsm_features = f | SNP_FEATURE_SNP_ACTIVE;
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
