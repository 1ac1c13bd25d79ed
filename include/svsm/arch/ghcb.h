/* SPDX-License-Identifier: MIT */
/*
 * The instructions the GHCB protocol needs (AMD 56421, MSR protocol and
 * GHCB page; docs/references.md): reading and writing the GHCB MSR
 * (0xC001_0130), and VMGEXIT, which hands control to the hypervisor. What
 * goes into the MSR and the GHCB page is the platform's business
 * (kernel/plat/snp/ghcb.c); this layer only executes.
 *
 * kernel/arch/x86_64/ghcb.c executes RDMSR/WRMSR and REP VMMCALL;
 * kernel/arch/fake/fake_ghcb.c keeps the MSR in a variable and makes
 * VMGEXIT a synchronous call into the model hypervisor of sim/hv.h, so
 * the SVSM's GHCB client runs unchanged in hosted tests and fuzzers.
 *
 * Every call runs on the CPU whose GHCB it concerns, with interrupts
 * disabled (the SVSM does not enable them), so that nothing else can
 * write the MSR between the write and the VMGEXIT (56421).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Writes the GHCB MSR: a GHCB GPA, or an MSR-protocol request (56421). */
void arch_ghcb_msr_write(uint64_t val);
/* Reads the GHCB MSR: after VMGEXIT, the hypervisor's MSR-protocol answer. */
uint64_t arch_ghcb_msr_read(void);
/*
 * VMGEXIT (REP VMMCALL, F3 0F 01 D9): exits to the hypervisor, which reads
 * the GHCB MSR and, when it holds a GHCB GPA, the GHCB page; it returns
 * when the hypervisor resumes the vCPU. May not return at all (a
 * termination request).
 */
void arch_vmgexit(void);
/*
 * The index of this CPU (struct percpu's index, 0 = the boot CPU), which
 * selects its GHCB: each CPU registers and uses its own page.
 */
unsigned int arch_ghcb_cpu_index(void);

#if __STDC_HOSTED__
#include <setjmp.h>

/*
 * FAKE ARCH ONLY (kernel/arch/fake/fake_ghcb.c), hosted builds: the
 * machine behind the instructions above. No SVSM code uses these; the
 * model hypervisor (sim/hv.c) and tests do.
 */

/* The GHCB MSR of the fake CPU, and which CPU the code "runs" on. */
extern uint64_t fake_ghcb_msr;
extern unsigned int fake_ghcb_cpu;
/* VMGEXITs executed. */
extern unsigned int fake_vmgexits;

/*
 * The hypervisor VMGEXIT runs, synchronously: it gets the CPU index, the
 * GHCB MSR (to read and answer in) and the page the MSR names when it
 * holds a GHCB GPA inside fake memory (else NULL). It returns true to stop
 * the vCPU for good (a termination). NULL: VMGEXIT changes nothing.
 */
extern bool (*fake_vmgexit_hook)(unsigned int cpu, uint64_t *msr,
				 void *ghcb_page);

/*
 * A stopped vCPU never runs again: the fake long-jumps back to
 * FAKE_EXPECT_VCPU_STOP() when a test armed it, and aborts otherwise.
 * fake_vcpu_halted tells whether the SVSM itself halted
 * (arch_halt_forever) rather than the hypervisor stopping it.
 */
extern jmp_buf fake_vcpu_stop_jmp;
extern bool fake_vcpu_stop_armed;
extern bool fake_vcpu_halted;

/* Evaluates `stmt`; true when the vCPU stopped in it (which is caught). */
#define FAKE_EXPECT_VCPU_STOP(stmt)                    \
	({                                             \
		bool fake_stopped_ = false;            \
		fake_vcpu_halted = false;              \
		fake_vcpu_stop_armed = true;           \
		if (setjmp(fake_vcpu_stop_jmp) == 0) { \
			stmt;                          \
		} else {                               \
			fake_stopped_ = true;          \
		}                                      \
		fake_vcpu_stop_armed = false;          \
		fake_stopped_;                         \
	})
#endif
