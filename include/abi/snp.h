/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP instruction facts shared by the SVSM and the machine model in
 * sim/: the operands and return codes of PVALIDATE and RMPADJUST, the
 * RMPADJUST attribute encoding (target VMPL, permission mask, VMSA bit),
 * page sizes, the VMPL count and the guest exit codes a VMSA carries.
 *
 * Source: AMD64 APM vol. 3 (PVALIDATE, RMPADJUST) and vol. 2 §15.36 (SEV-SNP),
 * with the values cross-checked against Linux, COCONUT-SVSM and openvmm
 * (docs/references.md); "APM vol. 3" below names the instruction page.
 * Where these sources are silent the file says so.
 *
 * Hosted and freestanding: only <stdint.h> and <stdbool.h>.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* VMPL0 (most privileged) .. VMPL3. */
#define SNP_VMPL_COUNT 4u

#define SNP_PAGE_SIZE_4K  0x1000ull
#define SNP_PAGE_SIZE_2M  0x200000ull
#define SNP_PAGES_PER_2M  512u
#define SNP_PAGE_SHIFT_4K 12
#define SNP_PAGE_SHIFT_2M 21

/* APM vol. 3: the page-size operand (RCX) of PVALIDATE and RMPADJUST. */
#define SNP_RMP_PSIZE_4K 0u
#define SNP_RMP_PSIZE_2M 1u

/* APM vol. 3, PVALIDATE: the EDX operand. */
#define SNP_PVALIDATE_RESCIND  0u
#define SNP_PVALIDATE_VALIDATE 1u

/*
 * APM vol. 3: EAX after PVALIDATE (0, 1, 6; plus rFLAGS.CF = 1 when the
 * Validated bit already had the requested value) and RMPADJUST (0, 1, 2, 6).
 * FAIL_INUSE (3) is PSMASH's; the SVSM protocol reuses it for DELETE_VCPU.
 */
#define SNP_SUCCESS	      0u
#define SNP_FAIL_INPUT	      1u
#define SNP_FAIL_PERMISSION   2u
#define SNP_FAIL_INUSE	      3u
#define SNP_FAIL_SIZEMISMATCH 6u

/*
 * APM vol. 3: the permission mask RMPADJUST grants a target VMPL, as the 4-bit
 * value in RDX[11:8]. VMPL0 always holds all four.
 */
#define SNP_PERM_READ	    0x1u
#define SNP_PERM_WRITE	    0x2u
#define SNP_PERM_EXEC_USER  0x4u
#define SNP_PERM_EXEC_SUPER 0x8u
#define SNP_PERM_ALL	    0xfu

/* APM vol. 3, RMPADJUST: the RDX operand. All other bits are reserved. */
#define SNP_RMPADJUST_VMPL_MASK	 0xffull /* [7:0] target VMPL */
#define SNP_RMPADJUST_PERM_SHIFT 8	 /* [11:8] permission mask */
#define SNP_RMPADJUST_PERM_MASK	 (0xfull << SNP_RMPADJUST_PERM_SHIFT)
#define SNP_RMPADJUST_READ	 (1ull << 8)
#define SNP_RMPADJUST_WRITE	 (1ull << 9)
#define SNP_RMPADJUST_EXEC_USER	 (1ull << 10)
#define SNP_RMPADJUST_EXEC_SUPER (1ull << 11)
#define SNP_RMPADJUST_VMSA	 (1ull << 16) /* honoured at VMPL0 only */
#define SNP_RMPADJUST_RESERVED                                 \
	(~(SNP_RMPADJUST_VMPL_MASK | SNP_RMPADJUST_PERM_MASK | \
	   SNP_RMPADJUST_VMSA))

/* The RMPADJUST RDX operand for a target VMPL, a SNP_PERM_* mask and VMSA. */
static inline uint64_t snp_rmpadjust_attrs(unsigned int target_vmpl,
					   unsigned int perms, bool vmsa)
{
	return ((uint64_t)target_vmpl & SNP_RMPADJUST_VMPL_MASK) |
	       (((uint64_t)perms << SNP_RMPADJUST_PERM_SHIFT) &
		SNP_RMPADJUST_PERM_MASK) |
	       (vmsa ? SNP_RMPADJUST_VMSA : 0);
}

static inline unsigned int snp_rmpadjust_target_vmpl(uint64_t attrs)
{
	return (unsigned int)(attrs & SNP_RMPADJUST_VMPL_MASK);
}

static inline unsigned int snp_rmpadjust_perms(uint64_t attrs)
{
	return (unsigned int)((attrs & SNP_RMPADJUST_PERM_MASK) >>
			      SNP_RMPADJUST_PERM_SHIFT);
}

static inline bool snp_rmpadjust_vmsa(uint64_t attrs)
{
	return (attrs & SNP_RMPADJUST_VMSA) != 0;
}

/*
 * 58019 calling convention, APM vol. 2: the guest exit code in a VMSA (offset
 * 0x3C0) after the guest executed VMGEXIT, and the value that marks a VMSA as
 * busy (running). An SVSM acts on a call only when it reads
 * SNP_EXITCODE_VMGEXIT there.
 */
#define SNP_EXITCODE_VMGEXIT   0x403ull
#define SNP_EXITCODE_VMSA_BUSY 0xfffffffffffffffeull

/*
 * SEV-SNP erratum: a page that becomes a VMSA must not be 2 MiB aligned (Linux
 * works around it in snp_alloc_vmsa_page(), arch/x86/coco/sev/core.c). The
 * hardware does not refuse it; the SVSM must.
 */
static inline bool snp_vmsa_gpa_erratum(uint64_t gpa)
{
	return (gpa & (SNP_PAGE_SIZE_2M - 1)) == 0;
}
