/* SPDX-License-Identifier: MIT */
/*
 * The SEV-ES/SEV-SNP VM save area (VMSA): the 4 KiB page that holds a
 * vCPU's state under SEV-ES and SEV-SNP. Layout: AMD64 Architecture
 * Programmer's Manual vol. 2, Table B-4 ("VMSA Layout, State Save Area for
 * SEV-ES"); offsets as listed in reference/igvm-and-measurement.md §2.3.
 * Only the fields csvsm sets are named; the rest is reserved space that
 * must be zero in a launch VMSA. Shared by the IGVM builder, the
 * measurement tools and (later) the SVSM's CREATE_VCPU checks.
 */
#pragma once

#include <stdint.h>

/* A segment register in the VMSA: the VMCB segment format. */
struct snp_vmsa_seg {
	uint16_t selector;
	uint16_t
		attrib; /* descriptor bits 8..15 and 20..23, packed to 12 bits */
	uint32_t limit;
	uint64_t base;
};

_Static_assert(sizeof(struct snp_vmsa_seg) == 16, "APM vol. 2, Table B-4");

/* Byte offsets of the VMSA fields csvsm sets (APM vol. 2, Table B-4). */
#define SNP_VMSA_ES	      0x000
#define SNP_VMSA_CS	      0x010
#define SNP_VMSA_SS	      0x020
#define SNP_VMSA_DS	      0x030
#define SNP_VMSA_FS	      0x040
#define SNP_VMSA_GS	      0x050
#define SNP_VMSA_GDTR	      0x060
#define SNP_VMSA_LDTR	      0x070
#define SNP_VMSA_IDTR	      0x080
#define SNP_VMSA_TR	      0x090
#define SNP_VMSA_EFER	      0x0d0
#define SNP_VMSA_XSS	      0x140
#define SNP_VMSA_CR4	      0x148
#define SNP_VMSA_CR3	      0x150
#define SNP_VMSA_CR0	      0x158
#define SNP_VMSA_DR7	      0x160
#define SNP_VMSA_DR6	      0x168
#define SNP_VMSA_RFLAGS	      0x170
#define SNP_VMSA_RIP	      0x178
#define SNP_VMSA_RSP	      0x1d8
#define SNP_VMSA_RAX	      0x1f8
#define SNP_VMSA_G_PAT	      0x268
#define SNP_VMSA_RCX	      0x308
#define SNP_VMSA_RDX	      0x310
#define SNP_VMSA_RBX	      0x318
#define SNP_VMSA_RBP	      0x328
#define SNP_VMSA_RSI	      0x330
#define SNP_VMSA_RDI	      0x338
#define SNP_VMSA_SEV_FEATURES 0x3b0
#define SNP_VMSA_XCR0	      0x3e8
#define SNP_VMSA_X87_DP	      0x400
#define SNP_VMSA_MXCSR	      0x408
#define SNP_VMSA_X87_FCW      0x410
#define SNP_VMSA_SIZE	      0x1000

/* SEV_FEATURES bits (APM vol. 2, "SEV_FEATURES"). */
#define SNP_FEATURE_SNP_ACTIVE (1ull << 0)
#define SNP_FEATURE_DEBUG_SWAP (1ull << 5)

/* EFER.SVME: must be set in every SEV-ES/SNP VMSA. */
#define SNP_EFER_SVME (1ull << 12)

/* The GPA at which QEMU/KVM place and measure the launch VMSA (§2.1). */
#define SNP_LAUNCH_VMSA_GPA 0x0000fffffffff000ull
