/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP instructions as the arch layer offers them: PVALIDATE and
 * RMPADJUST on a virtual address the SVSM has mapped, and the broadcast
 * TLB flush that must follow every reduction of a lower VMPL's
 * permissions. kernel/arch/x86_64/snp.c executes the instructions;
 * kernel/arch/fake/fake_snp.c runs them against the RMP model in sim/ so
 * that the platform and protocol code above is tested without hardware.
 *
 * Results are the architectural EAX values of include/abi/snp.h
 * (SNP_SUCCESS, SNP_FAIL_INPUT, SNP_FAIL_PERMISSION,
 * SNP_FAIL_SIZEMISMATCH); turning them into SVSM result codes is the
 * protocol dispatcher's job, never this layer's.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * PVALIDATE (AMD64 APM vol. 3, PVALIDATE): sets (validate) or clears the
 * Validated bit of the 4 KiB or 2 MiB (huge) page mapped at va. Returns
 * EAX; *cf is rFLAGS.CF, true when the bit already had the requested
 * value and nothing changed (only meaningful with SNP_SUCCESS). A fault
 * during the instruction is reported as SNP_FAIL_INPUT with *cf false.
 */
int arch_pvalidate(uintptr_t va, bool huge, bool validate, bool *cf);

/*
 * RMPADJUST (AMD64 APM vol. 3, RMPADJUST): attrs is the RDX operand built with
 * snp_rmpadjust_attrs() (target VMPL, permission mask, VMSA bit). Returns
 * EAX. A fault during the instruction is reported as SNP_FAIL_INPUT.
 */
int arch_rmpadjust(uintptr_t va, bool huge, uint64_t attrs);
/*
 * RMPQUERY (AMD64 APM vol. 3, RMPQUERY; CPUID Fn8000_001F EAX[6]): the
 * permission masks (SNP_PERM_*) of VMPL0..3 for the page mapped at va, in
 * perms[0..3]. Returns EAX: SNP_SUCCESS, or SNP_FAIL_INPUT when the page
 * is not a validated private page (or the instruction faulted).
 */
int arch_rmpquery(uintptr_t va, uint8_t perms[4]);

/*
 * Invalidates the TLB entries of every CPU of the VM, global ones
 * included, and waits until that is done (INVLPGB + TLBSYNC on x86-64).
 * Required after RMPADJUST took permissions away from a lower VMPL and
 * before the page is used in a way that relies on it (APM vol. 3,
 * RMPADJUST; docs/threat-model.md, bug class 7).
 */
void arch_snp_flush_tlb_global(void);
