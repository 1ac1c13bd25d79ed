/* SPDX-License-Identifier: MIT */
/*
 * Ring 3: entering it, the SYSCALL entry and its return, ending a task, and
 * the fault-safe user copies.
 *
 * The frame is struct user_regs (include/svsm/arch/user.h): fifteen GPRs,
 * vector, error code, then RIP, CS, RFLAGS, RSP, SS in the order IRETQ pops
 * them, the same layout trap.S builds for exceptions.
 *
 * SYSCALL (AMD APM Vol. 3, SYSCALL; Intel SDM Vol. 2B) leaves RSP as the
 * user's and GS.base as the user's: the entry swaps GS first, saves the
 * user RSP in the per-CPU area, and moves to the task's kernel stack before
 * anything can fault. SFMASK has cleared IF, TF, DF and AC. The return
 * uses SYSRET when the frame allows it (RIP below USER_TOP, which
 * task_syscall_entry enforces, and neither TF nor RF set, which SYSRET
 * cannot honour), IRETQ otherwise, as Linux decides in
 * arch/x86/entry/common.c (do_syscall_64) and arch/x86/entry/entry_64.S.
 * Every GPR is reloaded from the frame, so no kernel value reaches ring 3.
 */
#include "asm_offsets.h"
#include "x86/extable.inc"
#include "x86/layout.h"

#define FRAME_GPRS   (15 * 8)
#define FRAME_RIP    (FRAME_GPRS + 16)
#define FRAME_RFLAGS (FRAME_RIP + 16)
#define FRAME_RSP    (FRAME_RIP + 24)
#define RFLAGS_TF    0x100
#define RFLAGS_RF    0x10000

.macro SAVE_GPRS
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
.endm

.macro RESTORE_GPRS
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
.endm

	.text
	.globl arch_syscall_entry
arch_syscall_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_USER_RSP
	movq	%gs:PERCPU_TASK_KSTACK, %rsp
	pushq	$USER_DS			/* ss */
	pushq	%gs:PERCPU_USER_RSP		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	$0				/* error code */
	pushq	$256				/* ARCH_VECTOR_SYSCALL */
	SAVE_GPRS
	movq	%rsp, %rdi
	call	task_syscall_entry
	call	arch_trap_hv_poll		/* a pending #HV, before ring 3 */
	/* The 22 pushes keep RSP 16-byte aligned from the stack top. */
	testq	$(RFLAGS_TF | RFLAGS_RF), FRAME_RFLAGS(%rsp)
	jnz	user_return_iret
	RESTORE_GPRS
	addq	$16, %rsp			/* vector, error code */
	movq	(%rsp), %rcx			/* RIP for SYSRET */
	movq	16(%rsp), %r11			/* RFLAGS for SYSRET */
	movq	24(%rsp), %rsp			/* the user stack, IF still 0 */
	swapgs
	sysretq

/* Returns to ring 3 through IRETQ from a full frame at RSP. */
user_return_iret:
	RESTORE_GPRS
	addq	$16, %rsp
	swapgs
	iretq

/*
 * SYSCALL from compatibility mode lands here (CSTAR). It cannot happen:
 * the GDT has no 32-bit user code segment. Should it ever, the CPU is
 * stopped rather than run on a user stack in ring 0.
 */
	.globl arch_syscall_compat_entry
arch_syscall_compat_entry:
	cli
1:	hlt
	jmp	1b

/* long arch_user_run(struct user_regs *frame, uintptr_t kstack_top) */
	.globl arch_user_run
arch_user_run:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %gs:PERCPU_TASK_RESUME
	movq	%rsi, %gs:PERCPU_TASK_KSTACK
	movq	%rdi, %rsp
	jmp	user_return_iret

/* void arch_user_exit(long code): back to arch_user_run's caller. */
	.globl arch_user_exit
arch_user_exit:
	movq	%gs:PERCPU_TASK_RESUME, %rsp
	movq	$0, %gs:PERCPU_TASK_RESUME
	movq	%rdi, %rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * int arch_copy_from_user(void *dst, uint64_t usrc, size_t len)
 * int arch_copy_to_user(uint64_t udst, const void *src, size_t len)
 * REP MOVSQ for the 8-byte words, then REP MOVSB for the rest (under
 * emulation a string instruction costs per iteration, so words are about
 * eight times faster), with SMAP opened (STAC) for the copy only; a fault
 * in either resumes at the fixup through the exception table, which
 * closes SMAP again (CLAC) and returns 1. STAC/CLAC exist only with SMAP
 * (user.c sets arch_user_smap), hence the test.
 */
	.globl arch_copy_from_user, arch_copy_to_user
arch_copy_from_user:
arch_copy_to_user:
	movq	%rdx, %rcx
	shrq	$3, %rcx
	andl	$7, %edx
	cmpb	$0, arch_user_smap(%rip)
	je	1f
	stac
1:	rep movsq
5:	movl	%edx, %ecx
6:	rep movsb
	xorl	%eax, %eax
	jmp	3f
2:	movl	$1, %eax
3:	cmpb	$0, arch_user_smap(%rip)
	je	4f
	clac
4:	ret
	EXTABLE 1b, 2b
	EXTABLE 6b, 2b
	.section .note.GNU-stack, "", @progbits
