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
