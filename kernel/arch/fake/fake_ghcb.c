/* SPDX-License-Identifier: MIT */
/*
 * The GHCB instructions of the fake arch (include/svsm/arch/ghcb.h): the
 * GHCB MSR is a variable, and VMGEXIT calls the model hypervisor that
 * sim/hv.c installs in fake_vmgexit_hook, synchronously, with the MSR and
 * the page the MSR names (fake physical memory). So the SVSM's GHCB client
 * (kernel/plat/snp/ghcb.c) runs unchanged against a hypervisor a test can
 * make hostile.
 *
 * A vCPU the hypervisor stops (termination), or that halts for good
 * (arch_halt_forever, the end of ghcb_terminate when a host returns from a
 * termination request), never runs again: the fake long-jumps to the
 * test's FAKE_EXPECT_VCPU_STOP(), or aborts the binary when none is armed.
 *
 * Deliberately free of sim/ headers: the fuzzers without the SNP model
 * link every fake arch file but this model.
 */
#include <stdio.h>
#include <stdlib.h>

#include "svsm/arch/cpu.h"
#include "svsm/arch/ghcb.h"

#include "svsm/addr.h"

#include "abi/ghcb.h"

#include "fake/fake.h"

uint64_t fake_ghcb_msr;
unsigned int fake_ghcb_cpu;
unsigned int fake_vmgexits;
bool (*fake_vmgexit_hook)(unsigned int cpu, uint64_t *msr, void *ghcb_page);
jmp_buf fake_vcpu_stop_jmp;
bool fake_vcpu_stop_armed;
bool fake_vcpu_halted;

static __noreturn void vcpu_stop(const char *why)
{
	if (fake_vcpu_stop_armed)
		longjmp(fake_vcpu_stop_jmp, 1);
	fprintf(stderr, "fake vCPU stopped: %s\n", why);
	abort();
}

void arch_ghcb_msr_write(uint64_t val)
{
	fake_ghcb_msr = val;
}

uint64_t arch_ghcb_msr_read(void)
{
	return fake_ghcb_msr;
}

void arch_vmgexit(void)
{
	void *page = NULL;

	fake_vmgexits++;
	if (!fake_vmgexit_hook)
		return;
	/* GHCBInfo 0: the MSR holds the GPA of a GHCB page (AMD 56421). */
	if (ghcb_msr_info(fake_ghcb_msr) == 0)
		page = arch_phys_to_virt(fake_ghcb_msr, GHCB_PAGE_SIZE);
	if (fake_vmgexit_hook(fake_ghcb_cpu, &fake_ghcb_msr, page))
		vcpu_stop("terminated by the hypervisor");
}

unsigned int arch_ghcb_cpu_index(void)
{
	return fake_ghcb_cpu;
}

void arch_halt_forever(void)
{
	fake_vcpu_halted = true;
	vcpu_stop("halted");
}
