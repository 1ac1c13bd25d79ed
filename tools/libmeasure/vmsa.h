/* SPDX-License-Identifier: MIT */
/*
 * The 4 KiB VMSA (SEV-ES save area) pages that KVM measures at the end of an
 * SEV-ES or SEV-SNP launch, built byte for byte as virtee/sev-snp-measure
 * builds them (vmsa.py): the OVMF reset-vector state for QEMU, EC2 and GCE,
 * and the old COCONUT-SVSM entry state (`snp:svsm`). Also the vCPU models
 * whose CPUID(1).EAX signature KVM/QEMU puts in RDX at reset.
 *
 * Layout: AMD APM vol. 2 Table B-4, offsets as sev-snp-measure 0.0.13's
 * sevsnpmeasure/vmsa.py lays them out (include/abi/snp_vmsa.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/snp_vmsa.h"

#define VMSA_SIZE SNP_VMSA_SIZE
#define VMSA_BSP_EIP \
	0xfffffff0u /* x86 reset vector, AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py */

/* The VMSA is little endian and is hashed as laid out in memory. */
_Static_assert(
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	"libmeasure assumes a little-endian host (AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py)");

/*
 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py: the
 * VMMs whose reset state sev-snp-measure knows.
 */
enum vmsa_vmm_type {
	VMSA_VMM_QEMU = 1,
	VMSA_VMM_EC2 = 2,
	VMSA_VMM_GCE = 3,
};

/*
 * The reset-vector VMSA of one vCPU (sev-snp-measure `snp` and `seves`
 * modes, AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
 * sevsnpmeasure/vmsa.py): eip is VMSA_BSP_EIP for the BSP and the OVMF SEV-ES
 * reset-block address for APs; vcpu_sig is the CPUID(1).EAX value that QEMU
 * passes in RDX (EC2 and GCE use 0x600 and ignore it); sev_features are the
 * guest features (SEV-ES: 0). -1 for an unknown vmm, else 0.
 */
int vmsa_build(uint8_t page[VMSA_SIZE], enum vmsa_vmm_type vmm, uint32_t eip,
	       uint64_t vcpu_sig, uint64_t sev_features)
	__attribute__((warn_unused_result));

/*
 * The `snp:svsm` VMSA (old COCONUT-SVSM flow with a QEMU fork, AMD APM vol. 2,
 * Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py):
 * flat 32-bit segments, CR0.PE, rip = the SVSM entry, sev_features (1 in
 * sev-snp-measure), and x87_fcw left 0 as the hardware-derived vectors need.
 */
void vmsa_build_svsm(uint8_t page[VMSA_SIZE], uint64_t rip, uint64_t vcpu_sig,
		     uint64_t sev_features);

/*
 * CPUID Fn0000_0001_EAX from family, model and stepping (AMD CPUID spec
 * 25481): extended family above 0xf, extended model in bits 19:16.
 */
uint32_t vmsa_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping);

/* The signature of a QEMU CPU model name ("EPYC-v4"); -1 if unknown. */
int vmsa_cpu_sig_by_name(const char *name, uint32_t *sig)
	__attribute__((warn_unused_result));
/* The i-th known CPU model name, NULL past the end (for listings). */
const char *vmsa_cpu_type_name(size_t i);

/* "QEMU", "ec2", "gce" (sev-snp-measure's spelling); -1 if unknown. */
int vmsa_vmm_type_by_name(const char *name, enum vmsa_vmm_type *out)
	__attribute__((warn_unused_result));
