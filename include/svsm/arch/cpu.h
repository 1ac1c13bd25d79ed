/* SPDX-License-Identifier: MIT */
/*
 * The architecture interface the core uses: per-CPU descriptor tables,
 * halting, randomness and identification. Implemented by
 * kernel/arch/x86_64 (and, for host tests, by a fake).
 */
#pragma once

#include <stdbool.h>
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
/* Short delay of about `us` microseconds (I/O-port based; not precise). */
void arch_udelay(uint32_t us);
