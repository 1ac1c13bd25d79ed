/* SPDX-License-Identifier: MIT */
/*
 * Where the SVSM's own APs begin on SEV-SNP: the RIP of the VMPL0 VMSA
 * that kernel/plat/snp/smp.c builds for each of them and announces with
 * the GHCB AP Creation NAE (AMD 56421, SNP AP Creation). The VMSA starts
 * the AP already in 64-bit mode (AMD64 APM vol. 2, 15.35 and Table B-4:
 * the VMSA is the AP's whole register state): the SVSM's page tables in
 * CR3, the early GDT and IDT of snp_cpu.c, CS/DS/ES/SS flat, GS base = the
 * CPU's struct percpu, RSP = the top of its stack, RDI = its CPU index,
 * interrupts off. So nothing here needs memory below 1 MiB, CPUID or a
 * mode switch: align the stack as the ABI wants at a call, clear the
 * frame pointer, and call snp_ap_main(index) (kernel/plat/snp/plat.c),
 * which does not return.
 */
	.text
	.code64
	.globl snp_ap_entry64
snp_ap_entry64:
	cli
	cld
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	call	snp_ap_main
1:	cli
	hlt
	jmp	1b
