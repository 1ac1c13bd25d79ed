/* SPDX-License-Identifier: MIT */
/*
 * The GHCB termination reasons csvsm's SEV-SNP kernel ends a launch with
 * (AMD 56421, MSR protocol termination request: [15:12] reason set,
 * [23:16] reason code). Set 0 is the specification's; set 1 carries
 * Linux's codes (arch/x86/include/asm/sev-common.h, SEV_TERM_SET_LINUX),
 * so a host that knows them names the cause; set 3 is csvsm's own
 * (56421 leaves the other sets to the guest). Macros only: the SNP entry
 * assembly (kernel/arch/x86_64/snp_entry.S) uses them too.
 */
#pragma once

/* Set 0 (56421). */
#define SNP_TERM_SET_GENERAL	 0
#define SNP_TERM_GENERAL	 0
#define SNP_TERM_PROTOCOL_RANGE	 1 /* no GHCB version 2 */
#define SNP_TERM_SNP_UNSUPPORTED 2 /* SEV_STATUS lacks SEV, ES or SNP */

/* Set 1 (Linux's codes). */
#define SNP_TERM_SET_LINUX     1
#define SNP_TERM_GHCB_REGISTER 0 /* the host refused the GHCB */
#define SNP_TERM_PSC	       1 /* a page-state change failed */
#define SNP_TERM_PVALIDATE     2 /* PVALIDATE failed or changed nothing */
#define SNP_TERM_NOT_VMPL0     3 /* RMPADJUST says: not at VMPL0 */
#define SNP_TERM_CPUID	       4 /* the CPUID page is unusable */
#define SNP_TERM_CPUID_HV      5 /* the host disagrees with the page */
#define SNP_TERM_SECRETS_PAGE  6 /* missing or misplaced */

/* Set 3 (csvsm's own). */
#define SNP_TERM_SET_CSVSM 3
/* Codes 0x10..0x12: plat_terminate()'s CSVSM_EXIT_* (abi/csvsm_boot.h). */
#define SNP_TERM_VC_UNSUPPORTED 0x20 /* a #VC the SVSM cannot serve */
#define SNP_TERM_VC_DECODE	0x21 /* its instruction is not the exit's */
#define SNP_TERM_VC_HOST	0x22 /* the host failed an I/O or MSR */
#define SNP_TERM_SEV_FEATURES	0x23 /* a feature csvsm does not support */
#define SNP_TERM_LAYOUT		0x24 /* CPUID page outside the region */
#define SNP_TERM_FW_META	0x25 /* firmware metadata unusable */
#define SNP_TERM_FW_PREPARE	0x26 /* its pages could not be readied */
#define SNP_TERM_FW_VCPU	0x27 /* its VMSA could not be set up */
#define SNP_TERM_RUN_VMPL	0x28 /* Run VMPL failed */
/*
 * Restricted injection was launched, but the host refused this vCPU's
 * #HV doorbell page: without it no interrupt reaches the SVSM.
 */
#define SNP_TERM_HV_DOORBELL 0x30
