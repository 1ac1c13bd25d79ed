/* SPDX-License-Identifier: MIT */
/*
 * The architecture interface the core uses: per-CPU descriptor tables,
 * halting, randomness and identification. Implemented by
 * kernel/arch/x86_64 (and, for host tests, by a fake).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"

struct percpu;

/* Loads this CPU's GDT, TSS (with IST stacks), IDT and per-CPU pointer. */
void arch_cpu_init(struct percpu *pc);
/* The struct percpu that arch_cpu_init() installed on this CPU. */
struct percpu *arch_this_cpu(void);
/* Stops this CPU for good, interrupts off. */
__noreturn void arch_halt_forever(void);
/* Waits for an interrupt (the idle loop). */
void arch_wait_for_interrupt(void);
/* A spin-wait hint. */
void arch_cpu_relax(void);
/* This CPU's local APIC ID. */
uint32_t arch_apic_id(void);
/*
 * A 64-bit random value from the CPU's entropy source (RDSEED, else RDRAND),
 * retried as the vendors advise. False when the CPU has neither or it keeps
 * failing. Usable before the stack protector is seeded.
 */
bool arch_hw_random(uint64_t *out);
struct user_regs;
/*
 * The handler of #VC exceptions raised by the SVSM itself (SEV-SNP:
 * kernel/plat/snp/plat.c): true when it emulated the instruction and the
 * frame may resume. Not called for #VC from ring 3, nor for an access to
 * an unvalidated page (error code 0x404), which the exception table
 * recovers.
 */
void arch_trap_set_vc_handler(bool (*handler)(struct user_regs *regs));
/*
 * The handler of #VC exceptions raised by a task in ring 3 (SEV-SNP:
 * CPUID, kernel/plat/snp/plat.c): true when it emulated the instruction
 * and the task may resume; false ends the task like any fault from ring 3.
 */
void arch_trap_set_user_vc_handler(bool (*handler)(struct user_regs *regs));
/* Short delay of about `us` microseconds (I/O-port based; not precise). */
void arch_udelay(uint32_t us);

/* True when the CPU can mark pages no-execute (EFER.NXE is then on). */
bool arch_has_nx(void);
#define ARCH_VM_SMEP (1u << 0)
#define ARCH_VM_SMAP (1u << 1)
/*
 * Loads `root` as the page-table root and turns on SMEP and SMAP where the
 * CPU has them (returns which). Flushes the whole TLB.
 */
unsigned int arch_vm_activate(uint64_t root);
/* Invalidates this CPU's TLB entry for one page. */
void arch_flush_tlb_page(uintptr_t va);
/* The physical address of this CPU's local APIC registers. */
uint64_t arch_apic_base(void);

/* What a fault probe saw (arch_probe_call). */
struct arch_fault {
	bool faulted;
	uint32_t vector;
	uint64_t error_code;
	uint64_t cr2;
	uint64_t rip;
};

/*
 * Calls fn(arg) and returns true if it raised any CPU exception, which is
 * then not fatal: execution unwinds back here. For tests that must show a
 * fault happens; never for handling guest input (see guestmem).
 */
bool arch_probe_call(void (*fn)(void *), void *arg);
/* Details of the last fault a probe caught on this CPU. */
bool arch_probe_last(struct arch_fault *out);

/*
 * Copies len bytes from or to memory the SVSM does not control; returns 0,
 * or 1 if a page fault or #GP interrupted it (part of dst may have been
 * written). Only kernel/guestmem calls these.
 */
int arch_copy_from_guest(void *dst, const void __guest *src, size_t len);
int arch_copy_to_guest(void __guest *dst, const void *src, size_t len);
/* One 8-byte load from src into *out; 0, or 1 on a fault. */
int arch_read_u64_guest(const void __guest *src, uint64_t *out);
