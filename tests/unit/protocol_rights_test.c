/* SPDX-License-Identifier: MIT */
/*
 * Page rights in a guest with several VMPLs (docs/threat-model.md, "Page
 * rights"). The guest's vCPU is at VMPL2; a more privileged VMPL1 and a
 * less privileged VMPL3 adjust rights with RMPADJUST as hardware lets
 * them (here: straight on the model's RMP). A call may act on a page only
 * in the name of a caller that can read and write it, and every refused
 * or undone call leaves every VMPL's rights exactly as they were.
 */
#include "protocol_fixture.h"
#include "rmp.h"

/* VMPL `by` sets VMPL `target`'s rights on page gpa, as RMPADJUST would. */
static bool adjust(uint64_t gpa, unsigned int by, unsigned int target,
		   unsigned int perms)
{
	return sim_rmpadjust(&fake_snp_rmp, by, gpa, SNP_RMP_PSIZE_4K, target,
			     perms, false) == SNP_SUCCESS;
}

/* A valid page that VMPL1 took away from VMPL2 (and so from VMPL3). */
static bool taken_by_vmpl1(uint64_t gpa)
{
	return adjust(gpa, 0, 3, 0) && adjust(gpa, 1, 2, 0);
}

static void expect_untouched(uint64_t gpa, const struct sim_rmp_entry *before)
{
	struct sim_rmp_entry after = pfx_rmp(gpa);

	EXPECT_TRUE(pfx_rmp_same(before, &after));
	EXPECT_FALSE(pfx_is_reserved(gpa));
}

TEST(protocol_rights, create_vcpu_refuses_a_page_the_caller_cannot_use)
{
	uint64_t page = pfx_page(10);
	struct sim_rmp_entry before;

	ASSERT_TRUE(pfx_setup());
	/* Contents CREATE_VCPU would refuse: an undo would follow. */
	sim_guest_write_vmsa(page, 0, SNP_EFER_SVME, SIM_SEV_FEATURES);
	ASSERT_TRUE(taken_by_vmpl1(page));
	before = pfx_rmp(page);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, page,
				 pfx_page(11), 1, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	expect_untouched(page, &before);
	EXPECT_EQ(before.perms[2], 0u);
}

TEST(protocol_rights, pvalidate_refuses_to_rescind_a_page_taken_from_the_caller)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(10);
	struct sim_rmp_entry before;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(taken_by_vmpl1(page));
	before = pfx_rmp(page);
	EXPECT_EQ(
		pfx_pvalidate1(list, svsm_pvalidate_entry(
					     page, SVSM_PVALIDATE_ENTRY_SIZE_4K,
					     false, false)),
		SVSM_PVALIDATE_FAIL_PERMISSION);
	expect_untouched(page, &before);
	EXPECT_TRUE(before.validated);
	EXPECT_EQ(pfx_list_next(list), 0u);
}

TEST(protocol_rights, deposit_refuses_a_page_taken_from_the_caller)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(10);
	uint64_t entry = page | SVSM_DEPOSIT_ENTRY_SIZE_4K;
	struct sim_rmp_entry before;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(taken_by_vmpl1(page));
	before = pfx_rmp(page);
	pfx_write_list(list, 1, 0, &entry);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	expect_untouched(page, &before);
	EXPECT_EQ(protocols_deposit_count(), 0u);
}

TEST(protocol_rights, refused_create_vcpu_restores_every_vmpls_rights)
{
	/*
	 * VMPL2 gave VMPL3 read-only access and VMPL1 left VMPL2 without
	 * execute: a refused CREATE_VCPU must put back exactly that, not
	 * "full access for VMPL1..caller" and nothing for VMPL3.
	 */
	uint64_t page = pfx_page(10);
	struct sim_rmp_entry before;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(adjust(page, 1, 2, SNP_PERM_READ | SNP_PERM_WRITE));
	ASSERT_TRUE(adjust(page, 2, 3, SNP_PERM_READ));
	before = pfx_rmp(page);
	/* Refused after the SVSM took the page: bad VMPL, no SVME, bad
	 * features; each time everything goes back. */
	sim_guest_write_vmsa(page, 0, SNP_EFER_SVME, SIM_SEV_FEATURES);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, page,
				 pfx_page(11), 1, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	expect_untouched(page, &before);
	sim_guest_write_vmsa(page, PFX_VMPL, 0, SIM_SEV_FEATURES);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, page,
				 pfx_page(11), 1, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	expect_untouched(page, &before);
	EXPECT_EQ(before.perms[3], SNP_PERM_READ);
	EXPECT_EQ(before.perms[2], SNP_PERM_READ | SNP_PERM_WRITE);
}

TEST(protocol_rights, a_page_the_caller_can_use_is_still_served)
{
	/* Reduced but sufficient rights (read and write) are enough. */
	uint64_t page = pfx_page(10);
	uint64_t list = pfx_page(0);
	uint64_t entry = page | SVSM_DEPOSIT_ENTRY_SIZE_4K;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(adjust(page, 1, 2, SNP_PERM_READ | SNP_PERM_WRITE));
	pfx_write_list(list, 1, 0, &entry);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_TRUE(pfx_is_svsm_only(page));
}

TEST(protocol_rights, withdraw_lists_only_pages_given_back)
{
	/*
	 * A host that changes the RMP of a deposited page makes its grant
	 * fail: that page stays the SVSM's, and the guest is not told of it.
	 */
	uint64_t list = pfx_page(0);
	uint64_t out = pfx_page(1);
	uint64_t entries[2] = {pfx_page(10) | SVSM_DEPOSIT_ENTRY_SIZE_4K,
			       pfx_page(11) | SVSM_DEPOSIT_ENTRY_SIZE_4K};
	struct svsm_withdraw_hdr hdr;
	uint64_t listed;

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 2, 0, entries);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	ASSERT_EQ(sim_rmp_make_shared(&fake_snp_rmp, pfx_page(11),
				      SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, out, 0, 0, NULL),
		  SVSM_SUCCESS);
	memcpy(&hdr, sim_guest_ptr(out, sizeof(hdr)), sizeof(hdr));
	memcpy(&listed, sim_guest_ptr(out + sizeof(hdr), 8), 8);
	EXPECT_EQ(hdr.count, 1u);
	EXPECT_EQ(listed, pfx_page(10));
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(10)));
	EXPECT_TRUE(pfx_is_reserved(pfx_page(11)));
}

TEST(protocol_rights, a_list_may_not_name_its_own_page)
{
	/*
	 * PVALIDATE rescinding, or DEPOSIT_MEM taking, the page the list is
	 * in would leave `next` unwritable: that entry is refused
	 * (INVALID_ADDRESS) and `next` names it, so the result, `next` and
	 * the pages the call left agree.
	 */
	uint64_t list = pfx_page(0);
	uint64_t entries[3] = {
		svsm_pvalidate_entry(pfx_page(10), SVSM_PVALIDATE_ENTRY_SIZE_4K,
				     false, false),
		svsm_pvalidate_entry(list, SVSM_PVALIDATE_ENTRY_SIZE_4K, false,
				     false),
		svsm_pvalidate_entry(pfx_page(11), SVSM_PVALIDATE_ENTRY_SIZE_4K,
				     false, false),
	};
	uint64_t deposit[2] = {pfx_page(12) | SVSM_DEPOSIT_ENTRY_SIZE_4K,
			       list | SVSM_DEPOSIT_ENTRY_SIZE_4K};

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 3, 0, entries);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pfx_list_next(list), 1u);
	EXPECT_FALSE(pfx_rmp(pfx_page(10)).validated);
	EXPECT_TRUE(pfx_is_guest_page(list));
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(11)));

	pfx_write_list(list, 2, 0, deposit);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pfx_list_next(list), 1u);
	EXPECT_EQ(protocols_deposit_count(), 1u);
	EXPECT_TRUE(pfx_is_guest_page(list));
}
