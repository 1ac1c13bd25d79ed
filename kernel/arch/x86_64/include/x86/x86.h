/* SPDX-License-Identifier: MIT */
/*
 * x86-64 details that the x86 platforms (native, SNP) need beyond the
 * generic arch interface: control registers, MSRs, the AP trampoline and
 * the local APIC. Core code never includes this header.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

uint64_t arch_read_cr3(void);
/* CPUID leaf/subleaf into r[EAX, EBX, ECX, EDX] (native x86 only). */
void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);
uint64_t arch_read_efer(void);
/*
 * Broadcasts INIT-SIPI-SIPI to every other CPU, SIPI vector `vector`,
 * through the local APIC registers mapped at `apic` (see arch_apic_base()).
 */
void arch_apic_start_aps(void *apic, uint32_t vector);

extern const char ap_trampoline_start[];
extern const char ap_trampoline_end[];

/*
 * Copies the AP trampoline into `page` (mapped, below 1 MiB, identity-mapped
 * at its physical address) and fills its data block: the page-table root
 * `cr3`, the 64-bit entry `entry(index)`, and `stacks[index]`, the stack
 * top of each CPU index 1..cpu_count-1. False if the trampoline does not
 * fit its page or cpu_count is 0.
 */
bool arch_ap_trampoline_install(void *page, uint64_t cr3, uintptr_t entry,
				const uintptr_t *stacks, uint32_t cpu_count);
/*
 * Overwrites the trampoline's code with HLT once every wanted AP has left
 * it, so CPUs beyond the declared count stay parked.
 */
void arch_ap_trampoline_retire(void *page);
