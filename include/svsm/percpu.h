/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. Each vCPU the SVSM runs on has one struct percpu in the
 * per-CPU area of the static region; the arch layer points the CPU at it
 * (GS base on x86-64) so this_cpu() finds it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"

#define CFG_MAX_CPUS 64

/* The interrupt stacks every CPU has (x86-64 IST slots 1..3). */
enum ist_slot {
	IST_DOUBLE_FAULT = 0,
	IST_NMI,
	IST_MACHINE_CHECK,
	IST_COUNT,
};

struct percpu {
	struct percpu *self; /* must stay first: read through GS:0 */
	uint32_t index;	     /* 0 is the boot CPU */
	uint32_t apic_id;
	uintptr_t stack_top;
	uintptr_t ist_top[IST_COUNT];
	paddr_t area; /* the area's physical pages (percpu.c) */
	bool online;
	/*
	 * User mode (kernel/arch/x86_64/user.S reads these through GS; their
	 * offsets are generated): the user RSP saved at SYSCALL entry, the
	 * running task's kernel stack top, and the kernel RSP to return to
	 * when the task ends.
	 */
	uint64_t user_rsp;
	uint64_t task_kstack_top;
	uint64_t task_resume_rsp;
};

/* The per-CPU data of the CPU this runs on. */
struct percpu *this_cpu(void);
/* The per-CPU data of CPU `index`, or NULL when it does not exist. */
struct percpu *percpu_get(uint32_t index);
/* Number of CPUs the SVSM manages (the vCPU count from the loader). */
uint32_t percpu_count(void);
/* Allocates the per-CPU areas for `count` CPUs; panics if they do not fit. */
void percpu_init(uint32_t count);
/* Loads the boot CPU's descriptor tables (after vm_init mapped its stacks). */
void percpu_init_boot_cpu(void);
