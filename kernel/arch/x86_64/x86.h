/* SPDX-License-Identifier: MIT */
/*
 * x86-64 details that the x86 platforms (native, SNP) need beyond the
 * generic arch interface: control registers, MSRs, the AP trampoline and
 * the local APIC. Core code never includes this header.
 */
#pragma once

#include <stdint.h>

uint64_t arch_read_cr3(void);
uint64_t arch_read_efer(void);
/*
 * Broadcasts INIT-SIPI-SIPI to every other CPU, SIPI vector `vector`,
 * through the local APIC registers mapped at `apic` (see arch_apic_base()).
 */
void arch_apic_start_aps(void *apic, uint32_t vector);

extern const char ap_trampoline_start[];
extern const char ap_trampoline_end[];
