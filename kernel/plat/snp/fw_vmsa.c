/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's boot VMSA at the reset state (snp/fw_vmsa.h).
 * Segment attributes in the VMSA's packed form (APM vol. 2, Table B-4):
 * 0x9b present accessed read/execute code, 0x93 present accessed
 * read/write data, 0x82 LDT, 0x8b busy 32-bit TSS.
 */
#include "snp/fw_vmsa.h"

#include "abi/snp.h"

#include "lib/string.h"

#define SEG_CODE	0x9bu
#define SEG_DATA	0x93u
#define SEG_LDT		0x82u
#define SEG_TSS_BUSY	0x8bu
#define SEG_LIMIT_RESET 0xffffu
#define RESET_CS	0xf000u
#define RESET_CR0	0x10ull /* ET */
#define RESET_CR4	0x40ull /* MCE, as KVM leaves it */
#define RESET_DR6	0xffff0ff0ull
#define RESET_DR7	0x400ull
#define RESET_RFLAGS	0x2ull
#define RESET_PAT	0x0007040600070406ull
#define RESET_XCR0	0x1ull
#define RESET_MXCSR	0x1f80u
#define RESET_FCW	0x37fu

static struct snp_vmsa_seg seg(uint16_t sel, uint16_t attrib, uint64_t base)
{
	return (struct snp_vmsa_seg){sel, attrib, SEG_LIMIT_RESET, base};
}

void snp_fw_vmsa_reset(struct snp_vmsa *v, unsigned int vmpl,
		       uint64_t sev_features, uint32_t cpu_sig)
{
	memset(v, 0, sizeof(*v));
	v->es = seg(0, SEG_DATA, 0);
	v->cs = seg(RESET_CS, SEG_CODE, SNP_FW_RESET_EIP & 0xffff0000u);
	v->ss = seg(0, SEG_DATA, 0);
	v->ds = seg(0, SEG_DATA, 0);
	v->fs = seg(0, SEG_DATA, 0);
	v->gs = seg(0, SEG_DATA, 0);
	v->gdtr = seg(0, 0, 0);
	v->idtr = seg(0, 0, 0);
	v->ldtr = seg(0, SEG_LDT, 0);
	v->tr = seg(0, SEG_TSS_BUSY, 0);
	v->efer = SNP_EFER_SVME;
	v->cr4 = RESET_CR4;
	v->cr0 = RESET_CR0;
	v->dr7 = RESET_DR7;
	v->dr6 = RESET_DR6;
	v->rflags = RESET_RFLAGS;
	v->rip = SNP_FW_RESET_EIP & 0xffffu;
	v->g_pat = RESET_PAT;
	v->rdx = cpu_sig;
	v->sev_features = sev_features;
	v->xcr0 = RESET_XCR0;
	v->mxcsr = RESET_MXCSR;
	v->x87_fcw = RESET_FCW;
	((uint8_t *)v)[SNP_VMSA_OFF_VMPL] = (uint8_t)vmpl;
}
