/* SPDX-License-Identifier: MIT */
/*
 * The CPU side of user mode, which kernel/task builds on: entering ring 3,
 * the SYSCALL entry, faults from ring 3, FPU/SSE/AVX state, the FS base,
 * address-space switches and fault-safe copies from and to user memory.
 * Implemented by kernel/arch/x86_64 (user.c, user.S). The register frame
 * is x86-64's because the task ABI is the x86-64 Linux ABI.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"

/*
 * User addresses are below USER_TOP: the last page below the canonical
 * boundary is never mapped, so the address after a SYSCALL instruction is
 * always canonical (the SYSRET trap of Intel SDM Vol. 2B, SYSRET, cannot be
 * reached), as Linux's TASK_SIZE_MAX (arch/x86/include/asm/page_64.h).
 */
#define USER_TOP 0x00007ffffffff000ull

/*
 * The registers of a task at its last entry into the kernel, as the entry
 * code saved them (the order is the push order of trap.S and user.S).
 * `vector` is the exception vector, or ARCH_VECTOR_SYSCALL.
 */
struct user_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
#define ARCH_VECTOR_SYSCALL 256u
/* Interrupt vectors: the preemption timer, the APIC's spurious vector. */
#define ARCH_VECTOR_TIMER    32u
#define ARCH_VECTOR_SPURIOUS 255u

/*
 * Turns on what user mode needs on this CPU, once: SYSCALL/SYSRET (EFER.SCE,
 * STAR, LSTAR, SFMASK), the FPU/SSE/AVX controls (CR0, CR4, XCR0), user
 * GS.base 0. Returns false when the CPU lacks what tasks need (FXSR, SSE2).
 */
bool __must_check arch_user_init(void);
/* Bytes of the FPU/SSE/AVX save area a task needs (64-byte aligned). */
size_t arch_fpu_area_size(void);
/* AT_HWCAP for tasks: CPUID 1 EDX, as Linux reports it on x86. */
uint64_t arch_user_hwcap(void);
/* AT_MINSIGSTKSZ: the save area plus a signal frame's other parts. */
uint64_t arch_user_minsigstksz(void);
/* Fills a zeroed save area with the state a new task starts with. */
void arch_fpu_area_init(void *area);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
/* The user FS.base (ARCH_SET_FS); the caller checked it is canonical. */
void arch_set_fs_base(uint64_t base);
/* The stack faults from ring 3 switch to (the running task's). */
void arch_set_kernel_stack(uintptr_t top);
/* Loads a page-table root (a task's, or the SVSM's). */
void arch_load_cr3(uint64_t root);
/* Fills the segment and flag parts of a frame that starts a task. */
void arch_user_regs_init(struct user_regs *r, uint64_t rip, uint64_t rsp);

/*
 * Enters ring 3 with the registers in `frame` (which lies at the top of
 * the task's kernel stack, ending at `kstack_top`) and returns the value
 * the task's end passed to arch_user_exit(), on the caller's stack. The
 * task's state (CR3, FPU, FS.base, the TSS stack) is set by the caller.
 */
long arch_user_run(struct user_regs *frame, uintptr_t kstack_top);
/* Ends the running task: arch_user_run() returns `code`. */
__noreturn void arch_user_exit(long code);

/*
 * The preemption tick (the local APIC timer, whose registers `apic` maps;
 * native platform). Tasks run with interrupts on; the tick interrupts
 * only ring 3 (the SVSM runs with interrupts off) and calls
 * task_timer_tick(), which may end the task. False when the timer cannot
 * be calibrated.
 */
bool __must_check arch_user_timer_init(void *apic);
void arch_user_timer_start(uint32_t period_ms);
void arch_user_timer_stop(void);
void arch_apic_eoi(void);

/*
 * Implemented by kernel/task: the C side of SYSCALL (the frame is updated
 * in place: RAX is the result) and of a fault taken in ring 3 (which ends
 * the task).
 */
void task_syscall_entry(struct user_regs *frame);
__noreturn void task_user_fault(const struct user_regs *frame, uint64_t cr2);
void task_timer_tick(const struct user_regs *frame);

/*
 * Copies between kernel memory and user memory [uaddr, uaddr + len) with
 * SMAP opened only for the copy; returns 0, or 1 if a fault stopped it.
 * The caller has checked the range lies below USER_TOP.
 */
int arch_copy_from_user(void *dst, uint64_t usrc, size_t len);
int arch_copy_to_user(uint64_t udst, const void *src, size_t len);
