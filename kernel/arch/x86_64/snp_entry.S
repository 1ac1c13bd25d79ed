/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's entry point (the launch VMSA's RIP; csvsm-igvm
 * puts the SNP kernel's ELF entry there). It starts as entry.S's does, in
 * 32-bit protected mode with paging off and ESI = the boot-info page, but
 * on SEV-SNP it may not execute CPUID (#VC, and no IDT yet) and its page
 * tables need the C-bit. So, before entry.S's common code runs:
 *
 *   1. SEV_STATUS (MSR 0xC001_0131, read without #VC) must show SEV,
 *      SEV-ES and SNP; else termination, set 0 code 2;
 *   2. the C-bit comes from Fn8000_001F EBX[5:0] of the CPUID page (the
 *      page the PSP checked, at the boot info's cpuid_gpa, below 4 GiB);
 *      no such entry, or a C-bit outside 32..51: set 1 code 4;
 *   3. it is recorded in snp_entry_cbit for the C checks
 *      (kernel/plat/snp/boot.c), and entry32_common builds the tables
 *      with EBP = 1 << (C-bit - 32) in every entry's high half.
 *
 * With paging off every data access of an SEV-SNP guest is private, so
 * the boot info and the CPUID page are read as the launch placed them.
 * Termination is the GHCB MSR protocol's request (AMD 56421), written
 * with WRMSR and sent with VMGEXIT (REP VMMCALL), neither of which
 * raises #VC. The reasons are include/abi/snp_term.h's.
 */
#include "abi/snp_term.h"
#include "x86/layout.h"
#include "asm_offsets.h" /* generated from asm_offsets.c */

#define PA(x)		(x - KERNEL_OFFSET)
#define MSR_SEV_STATUS	0xc0010131
#define MSR_GHCB	0xc0010130
#define GHCB_TERM_REQ	0x100
#define TERM(set, code)	(GHCB_TERM_REQ | ((set) << 12) | ((code) << 16))
#define CPUID_FN_SIZE	48	/* struct snp_cpuid_fn */
#define CPUID_FN_BASE	16	/* struct snp_cpuid_page, fn[] */
#define CPUID_FN_EBX	0x1c
#define CPUID_COUNT_MAX	64

	.section .text.boot, "ax"
	.code32
	.globl entry32_snp
entry32_snp:
	cli
	cld
	movl	$MSR_SEV_STATUS, %ecx
	rdmsr
	andl	$7, %eax		/* SEV | SEV-ES | SNP */
	cmpl	$7, %eax
	movl	$TERM(SNP_TERM_SET_GENERAL, SNP_TERM_SNP_UNSUPPORTED), %eax
	jne	snp_entry_term

	movl	$TERM(SNP_TERM_SET_LINUX, SNP_TERM_CPUID), %eax
	cmpl	$0, BOOT_INFO_CPUID_GPA+4(%esi)	/* below 4 GiB */
	jne	snp_entry_term
	movl	BOOT_INFO_CPUID_GPA(%esi), %edi
	testl	$0xfff, %edi
	jnz	snp_entry_term
	movl	(%edi), %ecx		/* count */
	cmpl	$CPUID_COUNT_MAX, %ecx
	ja	snp_entry_term
	leal	CPUID_FN_BASE(%edi), %edx
1:	testl	%ecx, %ecx
	jz	snp_entry_term		/* no Fn8000_001F */
	cmpl	$0x8000001f, (%edx)
	je	2f
	addl	$CPUID_FN_SIZE, %edx
	decl	%ecx
	jmp	1b
2:	movl	CPUID_FN_EBX(%edx), %ecx
	andl	$0x3f, %ecx
	cmpl	$32, %ecx
	jb	snp_entry_term
	cmpl	$51, %ecx
	ja	snp_entry_term
	movl	%ecx, PA(snp_entry_cbit)
	subl	$32, %ecx
	movl	$1, %ebp
	shll	%cl, %ebp		/* the C-bit in an entry's high half */
	jmp	entry32_common

/* Ends the launch with the request in EAX; never returns. */
snp_entry_term:
	xorl	%edx, %edx
	movl	$MSR_GHCB, %ecx
	wrmsr
	.byte	0xf3, 0x0f, 0x01, 0xd9	/* VMGEXIT */
3:	hlt
	jmp	3b

	.data
	.balign 4
	.globl snp_entry_cbit
snp_entry_cbit:
	.long	0
