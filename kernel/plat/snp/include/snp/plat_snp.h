/* SPDX-License-Identifier: MIT */
/*
 * What the SEV-SNP kernel's boot (kernel/plat/snp/boot.c) leaves for the
 * rest of the platform glue (plat.c): the checked CPUID page and the
 * C-bit. Kernel only.
 */
#pragma once

#include <stdbool.h>

#include "snp/cpuid.h"

struct user_regs;

/* The SVSM's private copy of the CPUID page, checked at boot. */
const struct snp_cpuid_table *snp_boot_cpuid(void);
/* The C-bit position the launch checks accepted. */
unsigned int snp_boot_cbit(void);
/* The #VC handler plat_early_init() installs (plat.c). */
bool snp_plat_vc(struct user_regs *regs);
/* The handler of a task's #VC (plat.c): CPUID from the CPUID page. */
bool snp_plat_vc_user(struct user_regs *regs);
