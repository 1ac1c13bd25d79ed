/* SPDX-License-Identifier: MIT */
/*
 * CPUID on SEV-SNP, answered from the CPUID page (include/abi/snp_cpuid.h)
 * rather than by the host: what the #VC handler gives the SVSM, and later
 * its user-mode tasks, when they execute CPUID.
 *
 * The rules (the SEV-SNP guest convention that Linux follows in
 * arch/x86/coco/sev/ snp_cpuid(), described here in csvsm's own words):
 *   - an entry matches the leaf, and for indexed leaves also the subleaf;
 *   - a leaf absent from the page reads as zeros; inside the standard,
 *     hypervisor or extended range the page announces (leaves 0x0,
 *     0x40000000, 0x80000000) the zeros are then adjusted like a found
 *     entry, outside those ranges they are returned as they are;
 *   - values that depend on the running CPU are filled in: OSXSAVE
 *     (leaf 1 ECX[27]) and OSPKE (leaf 7.0 ECX[4]) from CR4, the APIC ID
 *     (leaf 1 EBX[31:24], leaves 0xB/0x1F EDX, leaf 0x8000001E EAX);
 *   - XSAVE sizes (leaf 0xD subleaves 0 and 1, EBX) are computed for the
 *     XCR0 (and XSS) in force from the page's per-component leaves 0xD.i;
 *     a component that is enabled but absent makes the lookup fail.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#include "abi/snp_cpuid.h"

/* The SVSM's private copy of the CPUID page, checked once at boot. */
struct snp_cpuid_table {
	uint32_t count;
	uint32_t std_max; /* leaf 0x0 EAX, 0 if absent */
	uint32_t hyp_max; /* leaf 0x40000000 EAX, 0 if absent */
	uint32_t ext_max; /* leaf 0x80000000 EAX, 0 if absent */
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};

/* What CPUID depends on in the CPU that executes it. */
struct snp_cpuid_cpu {
	uint64_t xcr0;
	uint64_t xss;
	bool osxsave; /* CR4.OSXSAVE */
	bool ospke;   /* CR4.PKE */
	uint32_t apic_id;
};

/*
 * Copies the page once into t and checks it: count at most 64, reserved
 * fields zero. SVSM_E_INVAL otherwise (the boot then terminates).
 */
enum svsm_err __must_check snp_cpuid_init(struct snp_cpuid_table *t,
					  const struct snp_cpuid_page *page);

/*
 * CPUID leaf/subleaf for cpu into out[EAX, EBX, ECX, EDX]. SVSM_E_INVAL
 * when an XSAVE size cannot be computed (an enabled component absent from
 * the page, or sizes that overflow).
 */
enum svsm_err __must_check snp_cpuid(const struct snp_cpuid_table *t,
				     const struct snp_cpuid_cpu *cpu,
				     uint32_t leaf, uint32_t subleaf,
				     uint32_t out[4]);
