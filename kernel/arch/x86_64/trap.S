/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs for vectors 0-31. Each stub pushes a dummy error
 * code where the CPU pushes none, then the vector, so every exception reaches
 * trap_common with the same frame layout (struct trap_frame in trap.c).
 * trap_common saves the general-purpose registers and calls
 * arch_trap(frame). When arch_trap returns, it has redirected the frame to
 * a recovery point (an exception-table fixup or a fault probe), and the
 * registers are restored from the frame and IRETQ resumes there. Double
 * fault, NMI and machine check arrive on IST stacks.
 */
	.text

.macro TRAP_NOERR vec
	.balign 16
trap_stub_\vec:
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm

.macro TRAP_ERR vec
	.balign 16
trap_stub_\vec:
	pushq	$\vec
	jmp	trap_common
.endm

/* Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30. */
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
/* Interrupts: the preemption timer and the APIC's spurious vector. */
TRAP_NOERR 32
TRAP_NOERR 255

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cmpb	$0, arch_user_smap(%rip)
	je	1f
	clac
1:	xorl	%r13d, %r13d		/* 1 if GS was swapped below */
	movl	$0xc0000101, %ecx	/* IA32_GS_BASE */
	rdmsr
	testl	%edx, %edx
	js	2f			/* a kernel address: the kernel's GS */
	swapgs
	movl	$1, %r13d
2:	lfence
	movq	%rsp, %rdi
	movq	%rsp, %r12		/* the frame; restored below */
	andq	$-16, %rsp
	call	arch_trap
	testl	%r13d, %r13d
	jz	3f
	swapgs
3:	movq	%r12, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_stub_\vec
	.endr
	.globl trap_stub_timer, trap_stub_spurious
	.set trap_stub_timer, trap_stub_32
	.set trap_stub_spurious, trap_stub_255
