/* SPDX-License-Identifier: MIT */
/*
 * Races a hostile guest and host can stage around DELETE_VCPU
 * (docs/threat-model.md, "Races"). The host holds DELETE_VCPU's window
 * open at will by delaying its answer to the AP Creation NAE (AMD 56421,
 * AP_DESTROY); the model's hostile hook runs exactly then, as another
 * CPU's turn would, and tries to get the vCPU being deleted served.
 */
#include "abi/ghcb.h"

#include "hv.h"
#include "protocol_fixture.h"

struct race {
	struct svsm_vcpu *victim;
	unsigned int destroys_seen;
	bool pinned_during_delete;
	struct sim_call during; /* the victim's call made in the window */
	uint32_t call;		/* what the victim calls */
	uint64_t rcx;
};

/* The host, while it "delays" its answer to AP_DESTROY. */
static void race_in_window(struct sim_hv_exit *x, void *ctx)
{
	struct race *r = ctx;

	if (x->exit_code != GHCB_NAE_SNP_AP_CREATION || r->destroys_seen++)
		return;
	/*
	 * Another CPU's turn for the victim starts now. Its first step is
	 * the pin; if that succeeded the turn would go on to wait for the
	 * protocol lock that the deleting call holds, and be served with
	 * the erased record once it is released.
	 */
	if (snp_vcpu_pin(r->victim)) {
		r->pinned_during_delete = true;
		snp_vcpu_unpin(r->victim);
		return;
	}
	sim_call_init(&r->during, SVSM_CORE_PROTOCOL, r->call);
	r->during.rcx = r->rcx;
	sim_guest_call(&pfx, r->victim, &r->during);
}

static void race_delete(struct race *r, uint32_t call, uint64_t rcx)
{
	uint64_t vmsa = pfx_page(10);

	*r = (struct race){.call = call, .rcx = rcx};
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 2, 3), SVSM_SUCCESS);
	r->victim = snp_vcpu_by_vmsa(gpa_init(vmsa));
	ASSERT_TRUE(r->victim != NULL);
	sim_hv.hostile = race_in_window;
	sim_hv.hostile_ctx = r;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_SUCCESS);
	sim_hv.hostile = NULL;
	EXPECT_EQ(r->destroys_seen, 1u);
	EXPECT_FALSE(r->pinned_during_delete);
	/* The victim's turn found its vCPU gone and served nothing. */
	EXPECT_EQ(r->during.status, SNP_REQUEST_NO_VCPU);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(vmsa)) == NULL);
	EXPECT_TRUE(pfx_is_guest_page(vmsa));
}

TEST(protocol_race, delete_vcpu_window_serves_no_create)
{
	/*
	 * A VMPL3 vCPU asks, inside the window, to create a VMPL1 vCPU:
	 * served with the erased record (VMPL 0), that would succeed.
	 */
	uint64_t vmsa = pfx_page(20);
	struct race r;

	ASSERT_TRUE(pfx_setup());
	sim_guest_write_vmsa(vmsa, 1, SNP_EFER_SVME, SIM_SEV_FEATURES);
	race_delete(&r, SVSM_CORE_CREATE_VCPU, vmsa);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(vmsa)) == NULL);
	EXPECT_TRUE(pfx_is_guest_page(vmsa));
	EXPECT_EQ(snp_vcpu_count(), 1u);
	EXPECT_TRUE(pfx_still_serving());
}

TEST(protocol_race, delete_vcpu_window_serves_no_remap)
{
	/* REMAP_CA for the record being erased once panicked the SVSM. */
	struct race r;

	ASSERT_TRUE(pfx_setup());
	race_delete(&r, SVSM_CORE_REMAP_CA, pfx_page(21));
	EXPECT_TRUE(pfx_still_serving());
}

TEST(protocol_race, delete_of_a_vcpu_being_served_is_busy)
{
	/* The other order: the victim's turn is on when DELETE_VCPU comes. */
	uint64_t vmsa = pfx_page(10);
	struct pfx_snapshot before;
	struct pfx_snapshot after;
	struct svsm_vcpu *v;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 2, 3), SVSM_SUCCESS);
	v = snp_vcpu_by_vmsa(gpa_init(vmsa));
	ASSERT_TRUE(v != NULL && snp_vcpu_pin(v));
	pfx_snapshot(&before);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_CORE_FAIL_INUSE);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	/* Refused, so not claimed: the vCPU is served again afterwards. */
	snp_vcpu_unpin(v);
	EXPECT_TRUE(snp_vcpu_pin(v));
	snp_vcpu_unpin(v);
}
