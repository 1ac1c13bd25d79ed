/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's pages readied for its VMPL
 * (kernel/plat/snp/fw_prepare.c) on the model VM: the pages OVMF's SEV
 * metadata names are validated, zeroed and granted to VMPL1..2; the
 * firmware image keeps its bytes and gains the same rights; a section
 * page that was already validated (a replay) or a firmware page the
 * launch did not validate stops it with the page's address.
 */
#include <string.h>

#include "abi/ovmf_meta.h"

#include "protocol_fixture.h"
#include "snp/fw_prepare.h"

#define FW_PAGES 4u

static struct fw_meta meta;
static uint64_t fw_gpa;

/* Sections at the first free guest pages; the firmware after them. */
static bool setup(void)
{
	REQUIRE_TRUE(pfx_setup());
	memset(&meta, 0, sizeof(meta));
	meta.sections[0] =
		(struct fw_section){pfx_page(0), 3 * SZ_4K, OVMF_META_SEC_MEM};
	meta.sections[1] =
		(struct fw_section){pfx_page(3), SZ_4K, OVMF_META_SECRETS};
	meta.sections[2] =
		(struct fw_section){pfx_page(4), SZ_4K, OVMF_META_CPUID};
	meta.sections[3] =
		(struct fw_section){pfx_page(5), SZ_4K, OVMF_META_SVSM_CAA};
	meta.count = 4;
	meta.secrets_gpa = pfx_page(3);
	meta.cpuid_gpa = pfx_page(4);
	meta.caa_gpa = pfx_page(5);
	/* As the launch leaves them: plain RAM the host wrote into ... */
	for (unsigned int i = 0; i < 6; i++) {
		REQUIRE_TRUE(sim_guest_page_unvalidated(&pfx, pfx_page(i),
							SNP_RMP_PSIZE_4K));
		pfx_fill(pfx_page(i), SZ_4K, 0xaa);
	}
	/* ... and the measured firmware, validated, VMPL0 only. */
	fw_gpa = pfx_page(8);
	for (unsigned int i = 0; i < FW_PAGES; i++) {
		REQUIRE_TRUE(sim_guest_page_unvalidated(
			&pfx, fw_gpa + i * SZ_4K, SNP_RMP_PSIZE_4K));
		REQUIRE_EQ(sim_rmp_launch_page(&fake_snp_rmp,
					       fw_gpa + i * SZ_4K, false),
			   SNP_SUCCESS);
		pfx_fill(fw_gpa + i * SZ_4K, SZ_4K, 0x5a);
	}
	return true;
}

static bool granted(uint64_t gpa)
{
	struct sim_rmp_entry e = pfx_rmp(gpa);

	REQUIRE_TRUE(e.assigned && e.validated && !e.vmsa);
	REQUIRE_EQ(e.perms[1], SNP_PERM_ALL);
	REQUIRE_EQ(e.perms[2], SNP_PERM_ALL);
	REQUIRE_EQ(e.perms[3], 0);
	return true;
}

TEST(snp_fw_prepare, sections_and_image_ready_for_the_firmware)
{
	struct fw_prepare_result r;

	ASSERT_TRUE(setup());
	ASSERT_EQ(snp_fw_prepare(&meta, fw_gpa, FW_PAGES * SZ_4K, PFX_VMPL, &r),
		  SVSM_OK);
	EXPECT_EQ(r.validated, 6u);
	EXPECT_EQ(r.granted, (uint64_t)FW_PAGES);
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_TRUE(granted(pfx_page(i)));
		EXPECT_TRUE(pfx_all(pfx_page(i), SZ_4K, 0)); /* zeroed */
	}
	for (unsigned int i = 0; i < FW_PAGES; i++) {
		EXPECT_TRUE(granted(fw_gpa + i * SZ_4K));
		EXPECT_TRUE(pfx_all(fw_gpa + i * SZ_4K, SZ_4K, 0x5a));
	}
	sim_guest_fini(&pfx);
}

TEST(snp_fw_prepare, replayed_section_page)
{
	struct fw_prepare_result r;

	ASSERT_TRUE(setup());
	/* The host left the secrets page validated (and its bytes in it). */
	ASSERT_TRUE(sim_guest_page_valid(&pfx, meta.secrets_gpa));
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa, FW_PAGES * SZ_4K, PFX_VMPL, &r),
		  SVSM_E_BUSY);
	EXPECT_EQ(r.fail_gpa, meta.secrets_gpa);
	EXPECT_EQ(r.validated, 3u);
	EXPECT_EQ(r.granted, 0u);
	sim_guest_fini(&pfx);
}

TEST(snp_fw_prepare, firmware_page_not_from_the_launch)
{
	struct fw_prepare_result r;
	uint64_t bad;

	ASSERT_TRUE(setup());
	bad = fw_gpa + 2 * SZ_4K;
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, bad, SNP_RMP_PSIZE_4K));
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa, FW_PAGES * SZ_4K, PFX_VMPL, &r),
		  SVSM_E_HW);
	EXPECT_EQ(r.fail_gpa, bad);
	EXPECT_EQ(r.fail_rc, (int)SNP_FAIL_INPUT);
	EXPECT_EQ(r.granted, 2u);
	sim_guest_fini(&pfx);
}

TEST(snp_fw_prepare, bad_arguments_touch_nothing)
{
	struct fw_prepare_result r;
	unsigned int ops = 0;

	ASSERT_TRUE(setup());
	ops = fake_snp_pvalidates + fake_snp_rmpadjusts;
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa, FW_PAGES * SZ_4K, 0, &r),
		  SVSM_E_INVAL);
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa, FW_PAGES * SZ_4K, 4, &r),
		  SVSM_E_INVAL);
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa + 1, SZ_4K, 1, &r),
		  SVSM_E_INVAL);
	EXPECT_EQ(snp_fw_prepare(&meta, fw_gpa, 0, 1, &r), SVSM_E_INVAL);
	EXPECT_EQ(snp_fw_prepare(&meta, 0xfffff000ull, 2 * SZ_4K, 1, &r),
		  SVSM_E_INVAL);
	EXPECT_EQ(fake_snp_pvalidates + fake_snp_rmpadjusts, ops);
	sim_guest_fini(&pfx);
}
