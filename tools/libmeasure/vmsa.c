/* SPDX-License-Identifier: MIT */
/*
 * VMSA pages as KVM measures them for an OVMF (non-IGVM) launch, and the
 * CPU-model table for RDX. Every constant below is from the AMD APM vol. 2
 * (Table B-4 for the layout) and from
 * virtee/sev-snp-measure 0.0.13 (vmsa.py, vcpu_types.py), which records what
 * QEMU/KVM, EC2 and GCE put into a vCPU at reset. The page is built in a
 * zeroed struct snp_vmsa, so everything not set here is zero.
 */
#include "vmsa.h"

#include <string.h>

/*
 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py:
 * register values common to every reset-vector VMSA.
 */
#define VMSA_EFER_SVME	  0x1000ull /* KVM sets EFER.SVME */
#define VMSA_CR4_MCE	  0x40ull   /* KVM sets CR4.MCE */
#define VMSA_CR0_RESET	  0x10ull   /* CR0.ET */
#define VMSA_CR0_SVSM	  0x11ull   /* CR0.ET | CR0.PE */
#define VMSA_DR7_RESET	  0x400ull
#define VMSA_DR6_RESET	  0xffff0ff0ull
#define VMSA_RFLAGS_RESET 0x2ull
#define VMSA_XCR0_RESET	  0x1ull
#define VMSA_PAT_RESET	  0x0007040600070406ull /* APM vol. 2 §A.3 */
#define VMSA_PAT_GCE	  0x00070106ull		/* GCE overwrites g_pat */
#define VMSA_MXCSR_RESET  0x1f80u
#define VMSA_FCW_RESET	  0x37fu
#define VMSA_RDX_CLOUD	  0x600ull /* EC2 and GCE: fixed RDX */

/*
 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py:
 * real-mode segment attributes (VMCB format).
 */
#define SEG_DATA_RW	0x93u
#define SEG_DATA_RW_NA	0x92u /* EC2: accessed bit clear */
#define SEG_CODE_RX	0x9bu
#define SEG_CODE_RX_NA	0x9au /* EC2 BSP: accessed bit clear */
#define SEG_LDT		0x82u
#define SEG_TSS_BUSY	0x8bu
#define SEG_TSS_AVAIL	0x83u  /* EC2 */
#define SEG_CODE32_FLAT 0xc9bu /* snp:svsm: G, D/B, present code */
#define SEG_DATA32_FLAT 0xc93u
#define SEG_LIMIT_REAL	0xffffu
#define SEG_LIMIT_FLAT	0xffffffffu

static struct snp_vmsa_seg seg(uint16_t sel, uint16_t attrib, uint32_t limit,
			       uint64_t base)
{
	return (struct snp_vmsa_seg){.selector = sel,
				     .attrib = attrib,
				     .limit = limit,
				     .base = base};
}

int vmsa_build(uint8_t page[VMSA_SIZE], enum vmsa_vmm_type vmm, uint32_t eip,
	       uint64_t vcpu_sig, uint64_t sev_features)
{
	struct snp_vmsa v;
	uint16_t cs_attr = SEG_CODE_RX, ss_attr = SEG_DATA_RW;
	uint16_t tr_attr = SEG_TSS_BUSY;
	uint64_t g_pat = VMSA_PAT_RESET, rdx = vcpu_sig;
	uint32_t mxcsr = VMSA_MXCSR_RESET;
	uint16_t fcw = VMSA_FCW_RESET;

	switch (vmm) {
	case VMSA_VMM_QEMU:
		break;
	case VMSA_VMM_EC2:
		if (eip == VMSA_BSP_EIP)
			cs_attr = SEG_CODE_RX_NA;
		ss_attr = SEG_DATA_RW_NA;
		tr_attr = SEG_TSS_AVAIL;
		rdx = VMSA_RDX_CLOUD;
		mxcsr = 0;
		fcw = 0;
		break;
	case VMSA_VMM_GCE:
		g_pat = VMSA_PAT_GCE;
		rdx = VMSA_RDX_CLOUD;
		mxcsr = 0;
		fcw = 0;
		break;
	default:
		return -1;
	}
	memset(&v, 0, sizeof(v));
	v.es = seg(0, SEG_DATA_RW, SEG_LIMIT_REAL, 0);
	/*
	 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
	 * sevsnpmeasure/vmsa.py: CS:IP = f000:(eip & 0xffff) with CS.base =
	 * eip's top.
	 */
	v.cs = seg(0xf000, cs_attr, SEG_LIMIT_REAL, eip & 0xffff0000u);
	v.ss = seg(0, ss_attr, SEG_LIMIT_REAL, 0);
	v.ds = seg(0, SEG_DATA_RW, SEG_LIMIT_REAL, 0);
	v.fs = seg(0, SEG_DATA_RW, SEG_LIMIT_REAL, 0);
	v.gs = seg(0, SEG_DATA_RW, SEG_LIMIT_REAL, 0);
	v.gdtr = seg(0, 0, SEG_LIMIT_REAL, 0);
	v.idtr = seg(0, 0, SEG_LIMIT_REAL, 0);
	v.ldtr = seg(0, SEG_LDT, SEG_LIMIT_REAL, 0);
	v.tr = seg(0, tr_attr, SEG_LIMIT_REAL, 0);
	v.efer = VMSA_EFER_SVME;
	v.cr4 = VMSA_CR4_MCE;
	v.cr0 = VMSA_CR0_RESET;
	v.dr7 = VMSA_DR7_RESET;
	v.dr6 = VMSA_DR6_RESET;
	v.rflags = VMSA_RFLAGS_RESET;
	v.rip = eip & 0xffffu;
	v.g_pat = g_pat;
	v.rdx = rdx;
	v.sev_features = sev_features;
	v.xcr0 = VMSA_XCR0_RESET;
	v.mxcsr = mxcsr;
	v.x87_fcw = fcw;
	memcpy(page, &v, VMSA_SIZE);
	return 0;
}

void vmsa_build_svsm(uint8_t page[VMSA_SIZE], uint64_t rip, uint64_t vcpu_sig,
		     uint64_t sev_features)
{
	struct snp_vmsa v;

	memset(&v, 0, sizeof(v));
	/*
	 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
	 * sevsnpmeasure/vmsa.py: flat 32-bit protected mode, code 8, data 16;
	 * GS real.
	 */
	v.es = seg(16, SEG_DATA32_FLAT, SEG_LIMIT_FLAT, 0);
	v.cs = seg(8, SEG_CODE32_FLAT, SEG_LIMIT_FLAT, 0);
	v.ss = seg(16, SEG_DATA32_FLAT, SEG_LIMIT_FLAT, 0);
	v.ds = seg(16, SEG_DATA32_FLAT, SEG_LIMIT_FLAT, 0);
	v.fs = seg(16, SEG_DATA32_FLAT, SEG_LIMIT_FLAT, 0);
	v.gs = seg(0, SEG_DATA_RW, SEG_LIMIT_REAL, 0);
	v.gdtr = seg(0, 0, SEG_LIMIT_REAL, 0);
	v.idtr = seg(0, 0, SEG_LIMIT_REAL, 0);
	v.ldtr = seg(0, SEG_LDT, SEG_LIMIT_REAL, 0);
	v.tr = seg(0, SEG_TSS_BUSY, SEG_LIMIT_REAL, 0);
	v.efer = VMSA_EFER_SVME;
	v.cr4 = VMSA_CR4_MCE;
	v.cr0 = VMSA_CR0_SVSM;
	v.dr7 = VMSA_DR7_RESET;
	v.dr6 = VMSA_DR6_RESET;
	v.rflags = VMSA_RFLAGS_RESET;
	v.rip = rip;
	v.g_pat = VMSA_PAT_RESET;
	v.rdx = vcpu_sig;
	v.sev_features = sev_features;
	v.xcr0 = VMSA_XCR0_RESET;
	v.mxcsr = VMSA_MXCSR_RESET;
	/*
	 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
	 * sevsnpmeasure/vmsa.py: sev-snp-measure passes the FCW under a
	 * misspelled name,
	 * so it stays 0; the hardware-observed snp:svsm digests need that.
	 */
	v.x87_fcw = 0;
	memcpy(page, &v, VMSA_SIZE);
}

uint32_t vmsa_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping)
{
	uint32_t fam_lo = family, fam_hi = 0;

	if (family > 0xf) {
		fam_lo = 0xf;
		fam_hi = (family - 0xf) & 0xff;
	}
	return fam_hi << 20 | ((model >> 4) & 0xf) << 16 | fam_lo << 8 |
	       (model & 0xf) << 4 | (stepping & 0xf);
}

/*
 * QEMU's builtin_x86_defs EPYC models (sev-snp-measure vcpu_types.py):
 * family/model/stepping. EPYC-v4 = 0x800f12, Milan 0xa00f11, Genoa
 * 0xa10f10, Turin 0xb00f00 (AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13,
 * sevsnpmeasure/vmsa.py).
 */
static const struct cpu_type {
	const char *name;
	uint8_t family, model, stepping;
} cpu_types[] = {
	{"EPYC", 23, 1, 2},	      {"EPYC-v1", 23, 1, 2},
	{"EPYC-v2", 23, 1, 2},	      {"EPYC-IBPB", 23, 1, 2},
	{"EPYC-v3", 23, 1, 2},	      {"EPYC-v4", 23, 1, 2},
	{"EPYC-Rome", 23, 49, 0},     {"EPYC-Rome-v1", 23, 49, 0},
	{"EPYC-Rome-v2", 23, 49, 0},  {"EPYC-Rome-v3", 23, 49, 0},
	{"EPYC-Milan", 25, 1, 1},     {"EPYC-Milan-v1", 25, 1, 1},
	{"EPYC-Milan-v2", 25, 1, 1},  {"EPYC-Genoa", 25, 17, 0},
	{"EPYC-Genoa-v1", 25, 17, 0}, {"EPYC-Turin", 26, 0, 0},
};

int vmsa_cpu_sig_by_name(const char *name, uint32_t *sig)
{
	for (size_t i = 0; i < sizeof(cpu_types) / sizeof(cpu_types[0]); i++) {
		const struct cpu_type *t = &cpu_types[i];

		if (!strcmp(name, t->name)) {
			*sig = vmsa_cpu_sig(t->family, t->model, t->stepping);
			return 0;
		}
	}
	return -1;
}

const char *vmsa_cpu_type_name(size_t i)
{
	return i < sizeof(cpu_types) / sizeof(cpu_types[0]) ? cpu_types[i].name
							    : NULL;
}

int vmsa_vmm_type_by_name(const char *name, enum vmsa_vmm_type *out)
{
	static const struct {
		const char *name;
		enum vmsa_vmm_type type;
	} vmms[] = {
		{"QEMU", VMSA_VMM_QEMU},
		{"ec2", VMSA_VMM_EC2},
		{"gce", VMSA_VMM_GCE},
	};

	for (size_t i = 0; i < sizeof(vmms) / sizeof(vmms[0]); i++) {
		if (!strcmp(name, vmms[i].name)) {
			*out = vmms[i].type;
			return 0;
		}
	}
	return -1;
}
