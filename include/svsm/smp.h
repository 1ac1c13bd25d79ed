/* SPDX-License-Identifier: MIT */
/*
 * Bringing up and accounting for the other vCPUs. The platform starts them
 * (plat_start_aps); each arrives in smp_ap_entry(index) on its own stack.
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"

struct percpu;

/* Where a started AP enters C, with its CPU index (1..count-1). */
__noreturn void smp_ap_entry(uint32_t index);
/*
 * Records the AP's APIC ID and reports it online (the boot CPU's
 * smp_wait_online counts it). SEV-SNP's APs call it from snp_ap_main
 * (kernel/plat/snp/plat.c) and then run their request loop.
 */
void smp_ap_online(struct percpu *pc);
/*
 * What an AP does once its descriptor tables and per-CPU pointer are
 * loaded (arch_cpu_init): smp_ap_online(), then a halt for good with
 * interrupts off. smp_ap_entry() (the native platform) ends here.
 */
__noreturn void smp_ap_run(struct percpu *pc);
/* Waits up to `timeout_us` for CPUs 1..count-1; returns how many are online. */
uint32_t smp_wait_online(uint32_t count, uint32_t timeout_us);
/* Starts all APs and logs the result; returns the number of online CPUs. */
uint32_t smp_start(uint32_t count);
