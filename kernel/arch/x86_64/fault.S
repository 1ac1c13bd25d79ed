/* SPDX-License-Identifier: MIT */
/*
 * Fault-tolerant primitives.
 *
 * arch_copy_from_guest(dst, src, len) and arch_copy_to_guest(dst, src, len)
 * copy with REP MOVSB; if either side faults, the exception table sends the
 * CPU to the fixup, which returns 1 instead of 0. Used only by
 * kernel/guestmem for memory the guest or the host controls.
 *
 * arch_read_u64_guest(src, out) does one 8-byte load (atomic when
 * aligned), for fields that must be read exactly once.
 *
 * arch_probe_call(fn, arg) calls fn(arg) with a recovery point armed (see
 * trap.c): any exception inside it unwinds to probe_recover, which restores
 * the callee-saved registers from this frame and returns 1. It lets
 * in-kernel tests assert that something faults (a write to rodata, a jump
 * into data, a stack overflow into a guard page).
 *
 * Register use (SysV): rdi, rsi, rdx in; rax out.
 */
#include "x86/extable.inc"

	.text
	.globl arch_copy_from_guest, arch_copy_to_guest
arch_copy_from_guest:
arch_copy_to_guest:
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret
2:	movl	$1, %eax
	ret
	EXTABLE 1b, 2b

	.globl arch_read_u64_guest
arch_read_u64_guest:
1:	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
2:	movl	$1, %eax
	ret
	EXTABLE 1b, 2b

	.globl arch_probe_call, probe_recover
arch_probe_call:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp		/* keep the call 16-byte aligned */
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rsp, %rsi		/* arch_probe_arm(frame rsp) */
	pushq	%rax
	pushq	%rdi
	movq	%rsi, %rdi
	call	arch_probe_arm
	popq	%rdi
	popq	%rax
	call	*%rax
	call	arch_probe_disarm
	xorl	%eax, %eax
	jmp	3f
probe_recover:				/* trap.c resumes here, rsp restored */
	movl	$1, %eax
3:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.section .note.GNU-stack, "", @progbits
