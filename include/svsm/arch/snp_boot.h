/* SPDX-License-Identifier: MIT */
/*
 * What the SEV-SNP kernel's boot and #VC glue (kernel/plat/snp/boot.c,
 * plat.c) need from the x86-64 arch beyond the SNP instructions
 * (svsm/arch/snp.h): an IDT before the per-CPU tables exist, SEV_STATUS,
 * the CPU state CPUID answers depend on, and the bytes of a faulting
 * kernel instruction. kernel/arch/x86_64/snp_cpu.c; only the SNP kernel
 * links it, and no hosted code calls it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The CPU state CPUID answers depend on (snp/cpuid.h, the rules). */
struct arch_snp_cpu_state {
	uint64_t xcr0;
	bool osxsave; /* CR4.OSXSAVE */
	bool ospke;   /* CR4.PKE */
	uint32_t apic_id;
};

/*
 * Loads an IDT whose exception gates reach trap.S's stubs on the boot
 * stack (no IST: there is no TSS yet), so that a #VC can be served
 * before arch_cpu_init() installs the real tables.
 */
void arch_snp_early_idt(void);
/* SEV_STATUS (MSR 0xC001_0131), which an SNP guest reads without #VC. */
uint64_t arch_snp_sev_status(void);
/* The C-bit position the entry code found in the CPUID page. */
unsigned int arch_snp_entry_cbit(void);
/*
 * This CPU's state, read without CPUID: XCR0 (when CR4.OSXSAVE),
 * CR4.OSXSAVE and CR4.PKE, the APIC ID the per-CPU data recorded (0
 * before it exists).
 */
void arch_snp_cpu_state(struct arch_snp_cpu_state *out);
/*
 * Copies the bytes of the kernel instruction at rip into buf (at most
 * max), stopping at the end of the kernel's text; returns how many. 0
 * when rip is not in the kernel's text.
 */
size_t arch_snp_insn_fetch(uint64_t rip, uint8_t *buf, size_t max);
