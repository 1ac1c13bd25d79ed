/* SPDX-License-Identifier: MIT */
/*
 * The guest rescinds a page through PVALIDATE, then names it wherever a
 * call takes an address. On hardware the SVSM's access to a page that is
 * not validated raises #VC (error code 0x404), which it must recover like
 * a fault and answer INVALID_ADDRESS; the model raises it from the RMP
 * (fake_snp_rmp_guards_access). Nothing may change and the SVSM goes on.
 */
#include "protocol_fixture.h"
#include "rmp.h"

#define E4K(gpa, v) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_4K, (v), false)

static uint64_t rescinded;

static bool rescind(uint64_t gpa)
{
	REQUIRE_EQ(pfx_pvalidate1(pfx_page(0), E4K(gpa, false)), SVSM_SUCCESS);
	REQUIRE_TRUE(!pfx_rmp(gpa).validated);
	rescinded = gpa;
	return true;
}

static void expect_refused(uint32_t protocol, uint32_t call, uint64_t rcx,
			   uint64_t rdx, uint64_t r8)
{
	struct pfx_snapshot before;
	struct pfx_snapshot after;
	struct sim_call c;

	pfx_snapshot(&before);
	sim_call_init(&c, protocol, call);
	c.rcx = rcx;
	c.rdx = rdx;
	c.r8 = r8;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_DONE);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_ADDRESS);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	EXPECT_FALSE(pfx_rmp(rescinded).validated);
	EXPECT_TRUE(pfx_still_serving());
}

TEST(protocol_rescinded, named_in_every_call_that_takes_an_address)
{
	uint64_t page = pfx_page(20);

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(rescind(page));
	/* A calling area, a list, a list, a list to fill, an operation. */
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA, page, 0, 0);
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, page, 0, 0);
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_DEPOSIT_MEM, page, 0, 0);
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_WITHDRAW_MEM, page, 0, 0);
	expect_refused(SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, page, 0, 0);
	expect_refused(SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SINGLE_SERVICE, page,
		       0, 0);
	/* A VMSA page, and a calling area for a new vCPU. */
	sim_guest_write_vmsa(pfx_page(21), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_CREATE_VCPU, page,
		       pfx_page(22), 1);
	expect_refused(SVSM_CORE_PROTOCOL, SVSM_CORE_CREATE_VCPU, pfx_page(21),
		       page, 1);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(pfx_page(21))) == NULL);
}

TEST(protocol_rescinded, the_callers_own_calling_area)
{
	/*
	 * PVALIDATE refuses to rescind a calling area, but the host can take
	 * it (a page-state change to shared): the turn cannot read
	 * CALL_PENDING, serves nothing and leaves the vCPU as it was.
	 */
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	EXPECT_EQ(pfx_pvalidate1(pfx_page(0), E4K(pfx.boot_caa, false)),
		  SVSM_ERR_INVALID_ADDRESS);
	ASSERT_EQ(sim_rmp_make_shared(&fake_snp_rmp, pfx.boot_caa,
				      SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL);
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_CA_FAULT);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(pfx.boot_vmsa)) != NULL);
}
