/* SPDX-License-Identifier: MIT */
/*
 * The end of boot in the SVSM test image: instead of "ready", run the
 * in-kernel tests and end the VM with a status the QEMU runner checks.
 * Command line: `svtest=FILTER` selects tests (suite or suite.name prefix);
 * `crash=KIND` first triggers a deliberate failure (crash.c), so the runner
 * can prove that faults and panics are caught.
 */
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/plat/plat.h"

#include "abi/csvsm_boot.h"

#include "svtest.h"
#include "test.h"

void test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

void boot_finish(void)
{
	char filter[64] = "";
	char crash[16];
	unsigned int failed;

	if (cmdline_get(boot_params()->cmdline, "crash", crash, sizeof(crash)))
		svtest_crash(crash);
	if (!cmdline_get(boot_params()->cmdline, "svtest", filter,
			 sizeof(filter)))
		filter[0] = '\0';
	log_printf("[svtest] start\n");
	failed = test_run_all(filter);
	plat_terminate(failed ? CSVSM_EXIT_FAILURE : CSVSM_EXIT_SUCCESS);
}
