/* SPDX-License-Identifier: MIT */
/*
 * Starting the guest firmware at VMPL1 and serving it (plat_run_guest on
 * SEV-SNP), after "ready": the firmware's start (fw_seq.c, which the
 * hosted end-to-end test runs too) with the boot's CPUID table and
 * SEV_STATUS, then the request loop for good.
 */
#include "svsm/arch/snp_boot.h"

#include "svsm/boot.h"
#include "svsm/plat/plat.h"

#include "snp/boot_seq.h"
#include "snp/plat_snp.h"

void plat_run_guest(void)
{
	struct snp_fw_env env = {
		.bp = boot_params(),
		.cpuid = snp_boot_cpuid(),
		.sev_status = arch_snp_sev_status(),
	};
	struct svsm_vcpu *v = snp_fw_seq_start(&env);

	if (!v)
		return;
	for (;;)
		snp_fw_seq_turn(v);
}
