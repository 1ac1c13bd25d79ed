/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform's first step (kernel/plat/snp/early.c). The SNP
 * boot path calls snp_early_init() on the boot CPU before anything that
 * can trap or needs randomness (stackprot_init, the IDT), with the SVSM's
 * checked copy of the CPUID page (snp_cpuid_init):
 *
 *   - from then on an unhandled exception reports only its vector and RIP
 *     (svsm/trap_report.h), never registers, on the host's console;
 *   - plat_rng_sources() answers from that table instead of executing
 *     CPUID, which on SNP raises #VC (AMD64 APM vol. 2, "#VC Exception")
 *     and would be answered by the untrusted host. Before the call it
 *     answers "none", so an SVSM that forgot it has no stack guard and
 *     stops at boot, rather than trusting the host's CPUID.
 *
 * The table must stay valid for the SVSM's lifetime.
 */
#pragma once

#include "snp/cpuid.h"

void snp_early_init(const struct snp_cpuid_table *cpuid);

#if __STDC_HOSTED__
/* Forgets the table and turns the quiet report off (hosted tests). */
void snp_early_reset(void);
#endif
