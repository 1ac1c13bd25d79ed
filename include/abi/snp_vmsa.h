/* SPDX-License-Identifier: MIT */
/*
 * The SEV-ES/SEV-SNP VM save area (VMSA): the 4 KiB page that holds a
 * vCPU's state under SEV-ES and SEV-SNP. Layout: AMD64 Architecture
 * Programmer's Manual vol. 2, Table B-4 ("VMSA Layout, State Save Area for
 * SEV-ES"), offsets cross-checked against sev-snp-measure v0.0.13.
 * Only the fields csvsm sets or checks are named; the rest is reserved
 * space that must be zero in a launch VMSA. Shared by the IGVM builder, the
 * measurement library and (later) the SVSM's CREATE_VCPU checks.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SNP_VMSA_SIZE 4096u

/* APM vol. 2 Table B-4: a segment register slot, struct vmcb_seg. */
struct snp_vmsa_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct snp_vmsa_seg) == 16,
	       "vmcb_seg, APM vol. 2 Table B-4");

/*
 * APM vol. 2 Table B-4: the save area. Only the fields the tools
 * set or that readers look at are named; the rest is reserved here.
 */
struct snp_vmsa {
	struct snp_vmsa_seg es, cs, ss, ds, fs, gs; /* 0x000 */
	struct snp_vmsa_seg gdtr, ldtr, idtr, tr;   /* 0x060 */
	uint8_t reserved_0a0[0x30]; /* VMPLn_SSP, U_CET, VMPL, CPL */
	uint64_t efer;		    /* 0x0d0 */
	uint8_t reserved_0d8[0x68];
	uint64_t xss;		    /* 0x140 */
	uint64_t cr4;		    /* 0x148 */
	uint64_t cr3;		    /* 0x150 */
	uint64_t cr0;		    /* 0x158 */
	uint64_t dr7;		    /* 0x160 */
	uint64_t dr6;		    /* 0x168 */
	uint64_t rflags;	    /* 0x170 */
	uint64_t rip;		    /* 0x178 */
	uint8_t reserved_180[0x58]; /* DR0-3, address masks */
	uint64_t rsp;		    /* 0x1d8 */
	uint8_t reserved_1e0[0x18];
	uint64_t rax;		    /* 0x1f8 */
	uint8_t reserved_200[0x68]; /* STAR .. CR2 */
	uint64_t g_pat;		    /* 0x268 */
	uint8_t reserved_270[0x98];
	uint64_t rcx; /* 0x308 */
	uint64_t rdx; /* 0x310 */
	uint64_t rbx; /* 0x318 */
	uint64_t reserved_320;
	uint64_t rbp, rsi, rdi;			       /* 0x328 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t reserved_380[0x30]; /* guest exit info, NRIP */
	uint64_t sev_features;	    /* 0x3b0 */
	uint8_t reserved_3b8[0x30];
	uint64_t xcr0; /* 0x3e8 */
	uint8_t reserved_3f0[0x10];
	uint64_t x87_dp; /* 0x400 */
	uint32_t mxcsr;	 /* 0x408 */
	uint16_t x87_ftw, x87_fsw;
	uint16_t x87_fcw; /* 0x410 */
	uint16_t x87_fop, x87_ds, x87_cs;
	uint64_t x87_rip;			     /* 0x418 */
	uint8_t reserved_420[SNP_VMSA_SIZE - 0x420]; /* FP registers, padding */
} __attribute__((packed));

#define SNP_VMSA_ASSERT_(f, o)                              \
	_Static_assert(offsetof(struct snp_vmsa, f) == (o), \
		       "VMSA " #f ", APM vol. 2 Table B-4")
SNP_VMSA_ASSERT_(cs, 0x10);
SNP_VMSA_ASSERT_(ss, 0x20);
SNP_VMSA_ASSERT_(ds, 0x30);
SNP_VMSA_ASSERT_(fs, 0x40);
SNP_VMSA_ASSERT_(gs, 0x50);
SNP_VMSA_ASSERT_(gdtr, 0x60);
SNP_VMSA_ASSERT_(ldtr, 0x70);
SNP_VMSA_ASSERT_(idtr, 0x80);
SNP_VMSA_ASSERT_(tr, 0x90);
SNP_VMSA_ASSERT_(efer, 0xd0);
SNP_VMSA_ASSERT_(xss, 0x140);
SNP_VMSA_ASSERT_(cr4, 0x148);
SNP_VMSA_ASSERT_(cr3, 0x150);
SNP_VMSA_ASSERT_(cr0, 0x158);
SNP_VMSA_ASSERT_(dr7, 0x160);
SNP_VMSA_ASSERT_(dr6, 0x168);
SNP_VMSA_ASSERT_(rflags, 0x170);
SNP_VMSA_ASSERT_(rip, 0x178);
SNP_VMSA_ASSERT_(rsp, 0x1d8);
SNP_VMSA_ASSERT_(rax, 0x1f8);
SNP_VMSA_ASSERT_(g_pat, 0x268);
SNP_VMSA_ASSERT_(rcx, 0x308);
SNP_VMSA_ASSERT_(rdx, 0x310);
SNP_VMSA_ASSERT_(rsi, 0x330);
SNP_VMSA_ASSERT_(r15, 0x378);
SNP_VMSA_ASSERT_(sev_features, 0x3b0);
SNP_VMSA_ASSERT_(xcr0, 0x3e8);
SNP_VMSA_ASSERT_(x87_dp, 0x400);
SNP_VMSA_ASSERT_(mxcsr, 0x408);
SNP_VMSA_ASSERT_(x87_fcw, 0x410);
SNP_VMSA_ASSERT_(x87_rip, 0x418);
_Static_assert(sizeof(struct snp_vmsa) == SNP_VMSA_SIZE,
	       "APM vol. 2 Table B-4");
#undef SNP_VMSA_ASSERT_

/*
 * Two fields the SVSM reads that struct snp_vmsa keeps inside reserved
 * space (AMD64 APM vol. 2, Table B-4, VMSA layout of the state save area
 * for SEV-ES/SNP): the VMPL byte and the guest exit code.
 */
#define SNP_VMSA_OFF_VMPL     0x0cau /* u8 */
#define SNP_VMSA_OFF_EXITCODE 0x3c0u /* u64 */
_Static_assert(SNP_VMSA_OFF_VMPL >= offsetof(struct snp_vmsa, reserved_0a0) &&
		       SNP_VMSA_OFF_VMPL < offsetof(struct snp_vmsa, efer),
	       "VMPL lies in reserved_0a0 (APM vol. 2, Table B-4)");
_Static_assert(SNP_VMSA_OFF_EXITCODE >=
			       offsetof(struct snp_vmsa, reserved_3b8) &&
		       SNP_VMSA_OFF_EXITCODE + 8 <=
			       offsetof(struct snp_vmsa, xcr0),
	       "exit code lies in reserved_3b8 (APM vol. 2, Table B-4)");

/* SEV_FEATURES bits (APM vol. 2, "SEV_FEATURES"). */
#define SNP_FEATURE_SNP_ACTIVE		 (1ull << 0)
#define SNP_FEATURE_RESTRICTED_INJECTION (1ull << 3)
#define SNP_FEATURE_DEBUG_SWAP		 (1ull << 5)
/* Bits [15:0]: defined or reserved; above them nothing is defined yet. */
#define SNP_FEATURES_MASK 0xffffull

/*
 * The SEV_STATUS MSR (0xC0010131, APM vol. 2, "SEV_STATUS MSR"): bit 0 SEV,
 * 1 SEV-ES, 2 SNP; from bit 3 on, bit n + 2 says that SEV_FEATURES bit n
 * is active in the VMSA this CPU runs (bit 5 restricted injection; Linux
 * arch/x86/include/asm/msr-index.h, MSR_AMD64_SNP_*).
 */
#define SNP_MSR_SEV_STATUS	      0xc0010131u
#define SNP_SEV_STATUS_SNP	      (1ull << 2)
#define SNP_SEV_STATUS_FEATURES_SHIFT 2u

/* EFER.SVME: must be set in every SEV-ES/SNP VMSA. */
#define SNP_EFER_SVME (1ull << 12)

/* The GPA where QEMU/KVM place and measure the launch VMSA (KVM's choice). */
#define SNP_LAUNCH_VMSA_GPA 0x0000fffffffff000ull
