/* SPDX-License-Identifier: MIT */
/*
 * What the SEV-SNP platform needs from the x86-64 arch to start the
 * SVSM's own APs (kernel/plat/snp/smp.c): the boot CPU's long-mode state
 * that an AP's VMSA copies, so the AP begins at its entry point already in
 * 64-bit mode with the SVSM's page tables (no real-mode trampoline: an SNP
 * guest cannot take a SIPI into unvalidated low memory), and that entry
 * point, snp_ap_entry64 (kernel/arch/x86_64/snp_ap.S).
 *
 * kernel/arch/x86_64/snp_cpu.c fills it; hosted tests make one up.
 */
#pragma once

#include <stdint.h>

/* The boot CPU's state an AP VMSA starts from (AMD64 APM vol. 2, B-4). */
struct arch_snp_ap_ctx {
	uint64_t cr0;
	uint64_t
		cr3; /* the SVSM's page-table root (no C-bit: walks are private) */
	uint64_t cr4;
	uint64_t efer; /* as read; the builder adds SVME, LME and LMA */
	uint64_t xcr0; /* 1 unless CR4.OSXSAVE */
	uint64_t pat;
	/*
	 * The GDT and IDT the AP starts with (the early tables of
	 * snp_cpu.c, at kernel addresses, until arch_cpu_init() loads the
	 * AP's own), and the selectors of its 64-bit code and flat data
	 * descriptors in that GDT.
	 */
	uint64_t gdt_base;
	uint64_t idt_base;
	uint16_t gdt_limit;
	uint16_t idt_limit;
	uint16_t cs;
	uint16_t ds;
	/* RIP: snp_ap_entry64, which takes the CPU index in RDI. */
	uint64_t entry;
};

/* Fills *out from the running (boot) CPU, after vm_init(). */
void arch_snp_ap_context(struct arch_snp_ap_ctx *out);

/*
 * One HLT with interrupts off, on an AP that waits for work: it returns
 * when the host runs the vCPU's VMPL0 again (on SEV-SNP HLT is an
 * automatic exit, AMD64 APM vol. 2, 15.35.4; the host resumes the VMSA
 * after it, e.g. once the guest asks for that vCPU with AP Creation).
 * Interrupts stay off: the AP takes none, so it needs no handler and no
 * #HV doorbell. Kernel only.
 */
void arch_snp_ap_halt(void);
