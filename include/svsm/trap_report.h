/* SPDX-License-Identifier: MIT */
/*
 * What the console shows of a CPU exception the SVSM cannot recover
 * (kernel/base/trap_report.c): the arch's trap handler calls
 * trap_report_print() just before it panics.
 *
 * Two forms. The full one dumps every register, for development on a
 * plain VM. The quiet one shows only the vector and RIP: a confidential
 * platform switches it on at its first step (SNP: snp_early_init), because
 * its console is the host's, and a host can inject an exception precisely
 * to read the registers of the moment (docs/threat-model.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/arch/user.h"

void trap_report_set_quiet(bool quiet);
bool trap_report_quiet(void);

/*
 * Prints the exception in frame f (the frame the entry code saved) with
 * the control registers the arch read at the trap: the full dump, or in
 * quiet mode one line with the vector and RIP.
 */
void trap_report_print(const struct user_regs *f, uint64_t cr2, uint64_t cr3,
		       uint32_t apic_id);
