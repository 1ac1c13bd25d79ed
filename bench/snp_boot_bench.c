/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's boot on SEV-SNP and its request loop, in instructions, under
 * callgrind (bench/run.py): the end-to-end test's launch of the model
 * (tests/unit/snp_e2e_fixture.h), optimised and without sanitizers. The
 * loader, the model hypervisor and the model's SNP instructions run too;
 * run.py counts only instructions inside the phase's function and takes
 * the model's share out, so the figures are the SVSM's own code:
 *
 *   boot  snp_boot_seq: the launch checks, the GHCB protocol, the boot
 *         GHCB made shared and registered, the region's PVALIDATE (up to
 *         kmain, which the model does not run);
 *   fw    snp_fw_seq_start: the firmware's metadata, pages, secrets and
 *         CPUID pages, guest-message pages, its VMSA and registration;
 *   turn  snp_fw_seq_turn, ITERATIONS times: one Run VMPL round trip of
 *         the request loop carrying the model guest's QUERY_PROTOCOL.
 *
 * Usage: snp_boot_bench boot|fw|turn [ITERATIONS [FIRMWARE]]: the
 * test's synthetic firmware (64 KiB), or the OVMF image FIRMWARE (the one
 * `make` builds into out/svsm.igvm), at its real addresses. Prints
 * nothing the benchmark reads; exit status 1 if the launch did not go
 * through.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "snp_e2e_fixture.h"
#include "test.h"

static struct e2e e;
static bool failed;

/* The test vocabulary's environment (tests/harness/test.h). */
void test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void test_fail(const char *file, int line, const char *msg)
{
	failed = true;
	fprintf(stderr, "snp_boot_bench: %s:%d: %s\n", file, line, msg);
}

void test_fail_u64(const char *file, int line, const char *expr, uint64_t got,
		   uint64_t want)
{
	failed = true;
	fprintf(stderr, "snp_boot_bench: %s:%d: %s (0x%llx vs 0x%llx)\n", file,
		line, expr, (unsigned long long)got, (unsigned long long)want);
}

static bool query(void)
{
	e.guest = (struct e2e_guest){
		.call = true,
		.exit_code = SNP_EXITCODE_VMGEXIT,
		.rax = svsm_call_rax(SVSM_CORE_PROTOCOL,
				     SVSM_CORE_QUERY_PROTOCOL),
		.rcx = svsm_query_protocol_rcx(SVSM_CORE_PROTOCOL, 1),
	};
	return !e2e_turn(&e) && e2e_guest_pending_xchg(&e) == 0 &&
	       e2e_guest_reg(&e, offsetof(struct snp_vmsa, rax)) ==
		       SVSM_SUCCESS;
}

int main(int argc, char **argv)
{
	const char *phase = argc > 1 ? argv[1] : "";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	struct e2e_opts o = {.firmware = argc > 3 ? argv[3] : NULL};
	bool ok;

	if (strcmp(phase, "boot") && strcmp(phase, "fw") &&
	    strcmp(phase, "turn")) {
		fprintf(stderr, "usage: snp_boot_bench boot|fw|turn "
				"[N [FIRMWARE]]\n");
		return 2;
	}
	ok = e2e_launch(&e, &o) && !e2e_boot(&e);
	if (ok && strcmp(phase, "boot"))
		ok = e2e_kmain(&e) && !e2e_fw(&e) && e.vcpu;
	for (unsigned long i = 0; ok && !strcmp(phase, "turn") && i < n; i++)
		ok = query();
	e2e_fini(&e);
	return ok && !failed ? 0 : 1;
}
