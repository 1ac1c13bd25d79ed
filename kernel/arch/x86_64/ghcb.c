/* SPDX-License-Identifier: MIT */
/*
 * The GHCB instructions (include/svsm/arch/ghcb.h) on x86-64: RDMSR and
 * WRMSR of the GHCB MSR 0xC001_0130 (AMD 56421, MSR protocol), and VMGEXIT,
 * which is REP VMMCALL (F3 0F 01 D9, AMD64 APM vol. 3 "VMGEXIT"), emitted
 * as bytes so that any binutils assembles it.
 *
 * An SEV-ES/SNP guest accesses the GHCB MSR directly: the access does not
 * raise #VC and the hypervisor never sees it. VMGEXIT does not change
 * the guest's registers (they live in the encrypted VMSA); the hypervisor
 * answers in the GHCB MSR and the GHCB page, hence the "memory" clobbers.
 *
 * Not linked into the native kernel; built for the SNP platform.
 */
#include "svsm/arch/ghcb.h"

#include "svsm/arch/cpu.h"

#include "svsm/percpu.h"

#include "abi/ghcb.h"

void arch_ghcb_msr_write(uint64_t val)
{
	/*
	 * SAFETY: WRMSR of the GHCB MSR, which only tells the hypervisor
	 * where to look at the next VMGEXIT; it maps or changes no memory of
	 * the SVSM. The "memory" clobber keeps the GHCB page writes the
	 * caller made before this point in program order.
	 */
	__asm__ volatile("wrmsr"
			 :
			 : "c"(GHCB_MSR), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32))
			 : "memory");
}

uint64_t arch_ghcb_msr_read(void)
{
	uint32_t lo;
	uint32_t hi;

	/*
	 * SAFETY: RDMSR of the GHCB MSR, which exists on every SEV-ES/SNP
	 * guest; it writes only EDX:EAX. The value is the hypervisor's and
	 * untrusted: the caller checks it.
	 */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(GHCB_MSR));
	return ((uint64_t)hi << 32) | lo;
}

void arch_vmgexit(void)
{
	/*
	 * SAFETY: VMGEXIT (REP VMMCALL) exits to the hypervisor and resumes
	 * here with every register as it was (the VMSA is encrypted). The
	 * hypervisor may have written the GHCB MSR and the shared GHCB page,
	 * which the "memory" clobber makes the compiler reload; it can write
	 * no private memory of the SVSM.
	 */
	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xd9" : : : "memory");
}

unsigned int arch_ghcb_cpu_index(void)
{
	return arch_this_cpu()->index;
}
