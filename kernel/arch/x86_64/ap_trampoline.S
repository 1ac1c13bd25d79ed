/* SPDX-License-Identifier: MIT */
/*
 * The application-processor trampoline, copied at boot to a page below 1 MiB
 * (boot info ap_trampoline_gpa) and started by INIT-SIPI-SIPI on the native
 * platform. It is position independent: it finds its base from CS, patches
 * the far pointers in its data block, and goes real mode -> protected mode ->
 * long mode with the BSP's page tables. In long mode it takes a CPU index
 * with an atomic increment, refuses CPUs beyond the declared vCPU count
 * (halting them), and jumps to ap_entry(index) on that CPU's stack.
 *
 * The data block at TRAMP_DATA_OFF (struct ap_tramp_data, x86/trampoline.h)
 * is filled by ap_boot.c; its offsets come from the generated asm_offsets.h.
 */
#include "x86/layout.h"
#include "asm_offsets.h" /* generated from asm_offsets.c */

	.section .rodata
	.balign 16
	.globl ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx		/* %ebx = linear base of this page */
	/* Patch the GDT base and both far pointers for this base. */
	leal	TRAMP_GDT(%ebx), %eax
	movl	%eax, TRAMP_GDTR + 2
	leal	(ap_pm32 - ap_trampoline_start)(%ebx), %eax
	movl	%eax, TRAMP_FAR32
	leal	(ap_lm64 - ap_trampoline_start)(%ebx), %eax
	movl	%eax, TRAMP_FAR64
	lgdtl	TRAMP_GDTR
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	*TRAMP_FAR32

	.code32
ap_pm32:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	TRAMP_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	TRAMP_EFER(%ebx), %eax	/* LME, and NXE when the BSP uses it */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG | WP | PE */
	movl	%eax, %cr0
	ljmpl	*TRAMP_FAR64(%ebx)

	.code64
ap_lm64:
	movl	%ebx, %ebx
	movl	$1, %eax
	lock xaddl %eax, TRAMP_COUNTER(%rbx)
	incl	%eax			/* CPU index: the BSP is 0 */
	cmpl	TRAMP_MAX_AP(%rbx), %eax
	ja	1f
	movq	TRAMP_STACKS(%rbx), %rsi
	movq	(%rsi,%rax,8), %rsp
	xorl	%ebp, %ebp
	movl	%eax, %edi
	movq	TRAMP_ENTRY(%rbx), %rax
	jmp	*%rax
	/* More CPUs answered than the host declared: park this one. */
1:	cli
	hlt
	jmp	1b
ap_trampoline_end:
