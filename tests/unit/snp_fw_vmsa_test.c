/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's boot VMSA the SVSM builds
 * (kernel/plat/snp/fw_vmsa.c) is, byte for byte, the reset VMSA that
 * QEMU/KVM give an SEV-SNP boot vCPU and that `csvsm-snp-measure`
 * measures (tools/libmeasure/vmsa.c, vmsa_build for QEMU at the reset
 * EIP), except for the VMPL byte: what OVMF expects at reset, at VMPL1.
 */
#include <string.h>

#include "abi/snp_vmsa.h"

#include "snp/fw_vmsa.h"
#include "test.h"
#include "vmsa.h"

TEST(snp_fw_vmsa, reset_state_as_kvm_gives_it)
{
	uint8_t want[SNP_VMSA_SIZE];
	struct snp_vmsa got;
	uint32_t sig = vmsa_cpu_sig(0x19, 0x1, 0x1); /* Milan B1 */

	ASSERT_EQ(vmsa_build(want, VMSA_VMM_QEMU, SNP_FW_RESET_EIP, sig, 0x1),
		  0);
	snp_fw_vmsa_reset(&got, 1, 0x1, sig);
	EXPECT_EQ(((uint8_t *)&got)[SNP_VMSA_OFF_VMPL], 1);
	EXPECT_EQ(want[SNP_VMSA_OFF_VMPL], 0);
	want[SNP_VMSA_OFF_VMPL] = 1;
	EXPECT_EQ(memcmp(&got, want, sizeof(want)), 0);
	/* The fields OVMF's reset vector relies on, spelled out. */
	EXPECT_EQ(got.cs.selector, 0xf000);
	EXPECT_EQ(got.cs.base, 0xffff0000ull);
	EXPECT_EQ(got.rip, 0xfff0ull);
	EXPECT_EQ(got.cr0 & 1, 0ull); /* real mode */
	EXPECT_TRUE(got.efer & SNP_EFER_SVME);
	EXPECT_EQ(got.rdx, sig);
	EXPECT_EQ(got.sev_features, 0x1ull);
}

TEST(snp_fw_vmsa, whole_page_written)
{
	struct snp_vmsa v;

	memset(&v, 0xa5, sizeof(v));
	snp_fw_vmsa_reset(&v, 2, 0x1, 0);
	EXPECT_EQ(((uint8_t *)&v)[SNP_VMSA_OFF_VMPL], 2);
	/* Nothing left over from before: the reserved areas are zero. */
	EXPECT_EQ(v.reserved_420[0] |
			  v.reserved_420[sizeof(v.reserved_420) - 1],
		  0);
	EXPECT_EQ(v.xss | v.cr3 | v.rax | v.rcx | v.rsp, 0ull);
}
