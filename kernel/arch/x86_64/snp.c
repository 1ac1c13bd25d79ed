/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP instructions (include/svsm/arch/snp.h) on x86-64: PVALIDATE,
 * RMPADJUST, and the INVLPGB/TLBSYNC pair for the broadcast TLB flush.
 * Opcodes from the AMD64 APM vol. 3 instruction pages: PVALIDATE F2 0F 01 FF,
 * RMPADJUST F3 0F 01 FE, INVLPGB 0F 01 FE, TLBSYNC 0F 01 FF. They are
 * emitted as bytes so that any binutils assembles them.
 *
 * PVALIDATE and RMPADJUST raise #GP or #PF instead of returning a code in
 * a few cases (not running as an SNP guest, va not mapped, CPL != 0). Each
 * site has an exception-table entry (extable.inc, trap.c) whose fixup
 * turns such a fault into SNP_FAIL_INPUT with CF clear, so a hostile
 * request can never crash the SVSM through these instructions.
 *
 * Not linked into the native kernel; built for the SNP platform.
 */
#include "svsm/arch/snp.h"

#include "abi/snp.h"

/*
 * The fixup of a faulting SNP instruction at label 1: EAX := FAIL_INPUT,
 * CF := 0, continue at label 2. The fixup code lives in .text.fixup and
 * the extable entry in extable (kernel.lds.S keeps both).
 */
#define SNP_FIXUP_                            \
	"	.pushsection .text.fixup, \"ax\"\n" \
	"3:	movl %[fail], %%eax\n"            \
	"	clc\n"                              \
	"	jmp 2b\n"                           \
	"	.popsection\n"                      \
	"	.pushsection extable, \"a\"\n"      \
	"	.balign 8\n"                        \
	"	.quad 1b, 3b\n"                     \
	"	.popsection\n"

int arch_pvalidate(uintptr_t va, bool huge, bool validate, bool *cf)
{
	uint64_t rax = va;
	bool carry;

	/*
	 * SAFETY: PVALIDATE reads RAX (va), ECX (page size) and EDX
	 * (validate), writes EAX and rFLAGS, and changes only the Validated
	 * bit of the RMP entry of the page at va, which the caller mapped
	 * and chose to (in)validate. It reads and writes no memory through
	 * va. A fault resumes at the fixup (SNP_FIXUP_), which reports
	 * FAIL_INPUT with CF clear.
	 */
	__asm__ volatile("1:	.byte 0xf2, 0x0f, 0x01, 0xff\n"
			 "2:\n" SNP_FIXUP_
			 : "+a"(rax), "=@ccc"(carry)
			 : "c"((uint32_t)huge),
			   "d"((uint32_t)validate), [fail] "i"(SNP_FAIL_INPUT)
			 : "memory");
	*cf = carry;
	return (int)(uint32_t)rax;
}

int arch_rmpadjust(uintptr_t va, bool huge, uint64_t attrs)
{
	uint64_t rax = va;

	/*
	 * SAFETY: RMPADJUST reads RAX (va), ECX (page size) and RDX (target
	 * VMPL, permissions, VMSA bit), writes EAX and rFLAGS, and changes
	 * only the RMP entry of the page at va for a VMPL less privileged
	 * than this one. No memory is accessed through va. A fault resumes at
	 * the fixup (SNP_FIXUP_), which reports FAIL_INPUT.
	 */
	__asm__ volatile("1:	.byte 0xf3, 0x0f, 0x01, 0xfe\n"
			 "2:\n" SNP_FIXUP_
			 : "+a"(rax)
			 : "c"((uint32_t)huge),
			   "d"(attrs), [fail] "i"(SNP_FAIL_INPUT)
			 : "cc", "memory");
	return (int)(uint32_t)rax;
}

int arch_rmpquery(uintptr_t va, uint8_t perms[4])
{
	uint64_t rax = va;
	uint64_t rdx = 0;
	uint64_t rcx = 0;

	/*
	 * SAFETY: RMPQUERY reads RAX (va), writes EAX (status), RCX (page
	 * size) and RDX (the permission masks, one byte per VMPL, VMPL0 in
	 * RDX[7:0]) and rFLAGS; it changes nothing and accesses no memory
	 * through va. A fault resumes at the fixup (SNP_FIXUP_), which
	 * reports FAIL_INPUT. The encoding is what binutils 2.40 assembles
	 * for `rmpquery`; the RDX layout is to be confirmed on hardware
	 * (docs/protocols.md, "Page rights").
	 */
	__asm__ volatile("1:	.byte 0xf3, 0x0f, 0x01, 0xfd\n"
			 "2:\n" SNP_FIXUP_
			 : "+a"(rax), "+d"(rdx), "+c"(rcx)
			 : [fail] "i"(SNP_FAIL_INPUT)
			 : "cc", "memory");
	for (unsigned int v = 0; v < 4; v++)
		perms[v] = (uint8_t)(rdx >> (8 * v));
	return (int)(uint32_t)rax;
}

void arch_snp_flush_tlb_global(void)
{
	/*
	 * SAFETY: INVLPGB with RAX = 8 (no address, PCID or ASID selected,
	 * global entries included), ECX = 0 and EDX = 0 invalidates every
	 * TLB entry of this guest on every CPU; TLBSYNC waits until all CPUs
	 * have done so. Neither reads or writes memory; the "memory" clobber
	 * keeps later accesses after the flush. Every CPU that runs SEV-SNP
	 * implements both (CPUID 0x80000008 EBX[3]).
	 */
	__asm__ volatile(".byte 0x0f, 0x01, 0xfe"
			 :
			 : "a"(8ull), "c"(0u), "d"(0u)
			 : "memory");
	/* SAFETY: TLBSYNC only waits; see above. */
	__asm__ volatile(".byte 0x0f, 0x01, 0xff" : : : "memory");
}
