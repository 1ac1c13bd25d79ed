/* SPDX-License-Identifier: MIT */
/*
 * The end of a production boot: announce "ready", then run the guest the
 * platform has (SEV-SNP: the firmware at VMPL1) or idle. With
 * `exit_on_ready` on the command line the SVSM instead ends the VM with a
 * success status, so scripts can boot it and check the log; with
 * `vtpm_bridge` it serves the vTPM to the host (csvsm-run --tpm). (The
 * test image links tests/svsm/svtest_main.c in place of this file.)
 */
#include "svsm/arch/cpu.h"

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/plat/plat.h"

#include "abi/csvsm_boot.h"

void boot_finish(void)
{
	log_printf("csvsm: ready\n");
	if (cmdline_has(boot_params()->cmdline, "exit_on_ready"))
		plat_terminate(CSVSM_EXIT_SUCCESS);
	boot_host_bridge();
	plat_run_guest(); /* SEV-SNP: the firmware; returns if there is none */
	for (;;)
		arch_wait_for_interrupt();
}
