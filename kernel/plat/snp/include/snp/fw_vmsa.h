/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's boot VMSA, built by the SVSM
 * (kernel/plat/snp/fw_vmsa.c): the x86 reset state (AMD64 APM vol. 2,
 * "Initial Processor State", with the VMSA fields of Table B-4) as KVM
 * gives an SEV-SNP vCPU at reset, so that OVMF starts at VMPL1 exactly as
 * it starts in a plain SNP guest, where its reset vector expects it:
 * CS f000 with base ffff0000 and RIP fff0, real mode, EFER.SVME (SNP
 * requires it), CR4.MCE, PAT/DR6/DR7/XCR0/MXCSR/FCW at their reset
 * values, RDX = the processor signature (CPUID Fn0000_0001 EAX).
 */
#pragma once

#include <stdint.h>

#include "abi/snp_vmsa.h"

/* The firmware's first instruction: 16 bytes below 4 GiB. */
#define SNP_FW_RESET_EIP 0xfffffff0u

/* Fills *v (all of it) with the reset state for `vmpl`. */
void snp_fw_vmsa_reset(struct snp_vmsa *v, unsigned int vmpl,
		       uint64_t sev_features, uint32_t cpu_sig);
