/* SPDX-License-Identifier: MIT */
/*
 * Conformance of the SVSM core protocol, part two (part one, with the
 * calling convention, REMAP_CA, PVALIDATE, QUERY_PROTOCOL and
 * CONFIGURE_VTOM, is protocol_core_test.c): CREATE_VCPU and DELETE_VCPU
 * (AMD 58019 calls 2 and 3) and DEPOSIT_MEM and WITHDRAW_MEM (calls 4 and
 * 5), each success path and each documented error with the exact result
 * code, on the SEV-SNP model through the real request path.
 */
#include "protocol_fixture.h"

#define E4K(gpa, v, i) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_4K, (v), (i))
#define RESC false
#define NOCF false

/* ---- CREATE_VCPU / DELETE_VCPU (58019, calls 2 and 3) ----------------- */

TEST(protocol_core, create_vcpu_success)
{
	uint64_t vmsa = pfx_page(10);
	uint64_t caa = pfx_page(11);
	struct svsm_vcpu *v;
	const struct sim_vcpu *host;
	struct sim_rmp_entry e;
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, caa, 1, PFX_VMPL), SVSM_SUCCESS);
	e = pfx_rmp(vmsa);
	EXPECT_TRUE(e.validated && e.vmsa);
	EXPECT_EQ(e.perms[1] | e.perms[2] | e.perms[3], 0);
	EXPECT_TRUE(pfx_is_reserved(vmsa));
	EXPECT_FALSE(pfx_is_reserved(caa));
	v = snp_vcpu_by_vmsa(gpa_init(vmsa));
	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(v->apic_id, 1);
	EXPECT_EQ(v->vmpl, PFX_VMPL);
	EXPECT_EQ(gpa_val(v->caa), caa);
	EXPECT_EQ(snp_vcpu_current(1), v);
	host = sim_vcpu_find(&pfx.host, 1, PFX_VMPL);
	ASSERT_TRUE(host != NULL);
	EXPECT_EQ(host->vmsa_gpa, vmsa);
	EXPECT_EQ(host->sev_features, SIM_SEV_FEATURES);
	/* The new vCPU is served through its own CA. */
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL);
	c.rcx = svsm_query_protocol_rcx(0, 1);
	sim_guest_call(&pfx, v, &c);
	EXPECT_EQ(c.rax, SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, svsm_query_protocol_result(1, 1));
	EXPECT_EQ(c.pending_seen, 0);
}

TEST(protocol_core, create_vcpu_at_a_less_privileged_vmpl)
{
	ASSERT_TRUE(pfx_setup());
	EXPECT_EQ(pfx_create(pfx_page(10), pfx_page(11), 1, 3), SVSM_SUCCESS);
	EXPECT_EQ(snp_vcpu_by_vmsa(gpa_init(pfx_page(10)))->vmpl, 3);
	EXPECT_TRUE(sim_vcpu_find(&pfx.host, 1, 3) != NULL);
}

/* A CREATE_VCPU that must fail with `want` and change nothing. */
static void expect_create_refused(uint64_t vmsa, uint64_t caa, uint64_t r8,
				  uint64_t want)
{
	struct pfx_snapshot before;
	struct pfx_snapshot after;
	struct sim_rmp_entry e0 = pfx_rmp(pfx_page(10));
	struct sim_rmp_entry e1;

	pfx_snapshot(&before);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, vmsa, caa, r8,
				 NULL),
		  want);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	/* The VMSA page of these tests, whatever the call named. */
	e1 = pfx_rmp(pfx_page(10));
	EXPECT_TRUE(pfx_rmp_same(&e0, &e1));
	EXPECT_TRUE(pfx_still_serving());
}

TEST(protocol_core, create_vcpu_register_and_address_errors)
{
	uint64_t vmsa = pfx_page(10);
	uint64_t caa = pfx_page(11);
	uint64_t big = pfx_2m(1);

	ASSERT_TRUE(pfx_setup());
	sim_guest_write_vmsa(vmsa, PFX_VMPL, SNP_EFER_SVME, SIM_SEV_FEATURES);
	sim_guest_write_vmsa(big, PFX_VMPL, SNP_EFER_SVME, SIM_SEV_FEATURES);
	expect_create_refused(vmsa + 8, caa, 1, SVSM_ERR_INVALID_PARAMETER);
	expect_create_refused(vmsa, caa + 0x100, 1, SVSM_ERR_INVALID_PARAMETER);
	/* The 2 MiB-alignment erratum. */
	expect_create_refused(big, caa, 1, SVSM_ERR_INVALID_PARAMETER);
	/* R8[63:32] reserved; an unknown APIC ID. */
	expect_create_refused(vmsa, caa, (1ull << 32) | 1,
			      SVSM_ERR_INVALID_PARAMETER);
	expect_create_refused(vmsa, caa, 77, SVSM_ERR_INVALID_PARAMETER);
	/* VMSA: SVSM memory, the boot VMSA, a CA, not RAM. */
	expect_create_refused(pfx.svsm_base + 0x5000, caa, 1,
			      SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(pfx.boot_vmsa, caa, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(pfx.boot_caa, caa, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(pfx.base + pfx.size + SZ_4K, caa, 1,
			      SVSM_ERR_INVALID_ADDRESS);
	/* CA: the VMSA itself, SVSM memory, the boot VMSA, another APIC's. */
	expect_create_refused(vmsa, vmsa, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(vmsa, pfx.svsm_base, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(vmsa, pfx.boot_vmsa, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_create_refused(vmsa, pfx.boot_caa, 1, SVSM_ERR_INVALID_ADDRESS);
}

TEST(protocol_core, create_vcpu_page_state_errors)
{
	uint64_t vmsa = pfx_page(10);
	uint64_t caa = pfx_page(11);

	ASSERT_TRUE(pfx_setup());
	/* Not validated, and shared: RMPADJUST refuses -> INVALID_ADDRESS. */
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, vmsa, SNP_RMP_PSIZE_4K));
	sim_guest_write_vmsa(vmsa, PFX_VMPL, SNP_EFER_SVME, SIM_SEV_FEATURES);
	expect_create_refused(vmsa, caa, 1, SVSM_ERR_INVALID_ADDRESS);
	ASSERT_TRUE(sim_guest_page_shared(&pfx, vmsa));
	expect_create_refused(vmsa, caa, 1, SVSM_ERR_INVALID_ADDRESS);
}

TEST(protocol_core, create_vcpu_contents_errors)
{
	uint64_t vmsa = pfx_page(10);
	uint64_t caa = pfx_page(11);
	struct {
		unsigned int vmpl;
		uint64_t efer;
		uint64_t features;
	} cases[] = {
		{0, SNP_EFER_SVME, SIM_SEV_FEATURES},	 /* VMPL0 */
		{1, SNP_EFER_SVME, SIM_SEV_FEATURES},	 /* above the caller */
		{4, SNP_EFER_SVME, SIM_SEV_FEATURES},	 /* no such VMPL */
		{0xff, SNP_EFER_SVME, SIM_SEV_FEATURES}, /* no such VMPL */
		{PFX_VMPL, 0, SIM_SEV_FEATURES},	 /* SVME clear */
		{PFX_VMPL, SNP_EFER_SVME,
		 SIM_SEV_FEATURES | SNP_FEATURE_DEBUG_SWAP},
		{PFX_VMPL, SNP_EFER_SVME, 0},
	};

	ASSERT_TRUE(pfx_setup());
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_guest_write_vmsa(vmsa, cases[i].vmpl, cases[i].efer,
				     cases[i].features);
		/* Guest access is given back exactly as it was. */
		expect_create_refused(vmsa, caa, 1, SVSM_ERR_INVALID_PARAMETER);
		EXPECT_TRUE(pfx_is_guest_page(vmsa));
	}
}

TEST(protocol_core, create_and_delete_vcpu_survive_a_host_refusal)
{
	/*
	 * Only the boot VMSA needs the host to know it: the guest starts a
	 * vCPU it created with its own AP Creation NAE (58019), and a
	 * deleted VMSA cannot run whatever the host believes.
	 */
	uint64_t vmsa = pfx_page(10);
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	ASSERT_TRUE(pfx_setup());
	pfx_snapshot(&before);
	pfx.host.refuse = 1;
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	EXPECT_EQ(pfx.host.refuse, 0u); /* the host was asked, and refused */
	EXPECT_TRUE(pfx_rmp(vmsa).vmsa);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(vmsa)) != NULL);
	pfx.host.refuse = 1;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(pfx.host.refuse, 0u);
	EXPECT_TRUE(pfx_is_guest_page(vmsa));
	EXPECT_FALSE(pfx_rmp(vmsa).vmsa);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(vmsa)) == NULL);
	pfx_snapshot(&after);
	EXPECT_EQ(after.reserved_hash, before.reserved_hash);
	EXPECT_EQ(after.vcpus, before.vcpus);
}

TEST(protocol_core, create_vcpu_again_for_a_woken_cpu_shares_its_ca)
{
	uint64_t caa = pfx_page(11);
	struct svsm_vcpu *old;
	struct svsm_vcpu *new;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(pfx_page(10), caa, 1, PFX_VMPL), SVSM_SUCCESS);
	old = snp_vcpu_by_vmsa(gpa_init(pfx_page(10)));
	/* Linux: new VMSA with the same CA, then delete the old VMSA. */
	ASSERT_EQ(pfx_create(pfx_page(12), caa, 1, PFX_VMPL), SVSM_SUCCESS);
	new = snp_vcpu_by_vmsa(gpa_init(pfx_page(12)));
	EXPECT_EQ(snp_vcpu_current(1), new);
	EXPECT_EQ(sim_vcpu_find(&pfx.host, 1, PFX_VMPL)->vmsa_gpa,
		  pfx_page(12));
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, pfx_page(10), 0,
				 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(pfx_page(10))) == NULL);
	(void)old;
	/* The host still runs the new VMSA: it was not told to destroy. */
	EXPECT_EQ(sim_vcpu_find(&pfx.host, 1, PFX_VMPL)->vmsa_gpa,
		  pfx_page(12));
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(10)));
}

TEST(protocol_core, delete_vcpu_success)
{
	uint64_t vmsa = pfx_page(10);
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	ASSERT_TRUE(pfx_setup());
	pfx_snapshot(&before);
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 2, PFX_VMPL), SVSM_SUCCESS);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_SUCCESS);
	/* An ordinary guest page again, forgotten by SVSM and host. */
	EXPECT_TRUE(pfx_is_guest_page(vmsa));
	EXPECT_FALSE(pfx_is_reserved(vmsa));
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(vmsa)) == NULL);
	EXPECT_TRUE(sim_vcpu_find(&pfx.host, 2, PFX_VMPL) == NULL);
	EXPECT_EQ(pfx.host.destroys, 1u);
	pfx_snapshot(&after);
	EXPECT_EQ(after.reserved_hash, before.reserved_hash);
	EXPECT_EQ(after.vcpus, before.vcpus);
}

TEST(protocol_core, delete_vcpu_errors)
{
	uint64_t vmsa = pfx_page(10);
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	pfx_snapshot(&before);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa + 8, 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, pfx_page(12), 0,
				 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, pfx.boot_vmsa, 0,
				 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
}

TEST(protocol_core, delete_vcpu_of_a_more_privileged_vmpl_is_refused)
{
	struct svsm_vcpu *low;
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(pfx_page(10), pfx_page(11), 1, PFX_VMPL),
		  SVSM_SUCCESS);
	ASSERT_EQ(pfx_create(pfx_page(12), pfx_page(13), 2, 3), SVSM_SUCCESS);
	low = snp_vcpu_by_vmsa(gpa_init(pfx_page(12)));
	ASSERT_TRUE(low != NULL);
	/* The VMPL3 vCPU may not delete the VMPL2 one. */
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_DELETE_VCPU);
	c.rcx = pfx_page(10);
	sim_guest_call(&pfx, low, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_TRUE(snp_vcpu_by_vmsa(gpa_init(pfx_page(10))) != NULL);
}

TEST(protocol_core, delete_vcpu_running_is_fail_inuse)
{
	uint64_t vmsa = pfx_page(10);
	uint64_t busy = SNP_EXITCODE_VMSA_BUSY;
	uint64_t efer;
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	memcpy(sim_guest_ptr(vmsa + SNP_VMSA_OFF_EXITCODE, 8), &busy, 8);
	pfx_snapshot(&before);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_CORE_FAIL_INUSE);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	/* SVME was restored: the host may keep running it. */
	memcpy(&efer, sim_guest_ptr(vmsa + offsetof(struct snp_vmsa, efer), 8),
	       8);
	EXPECT_EQ(efer & SNP_EFER_SVME, SNP_EFER_SVME);
}

TEST(protocol_core, delete_own_vcpu_never_returns)
{
	uint64_t vmsa = pfx_page(10);
	struct svsm_vcpu *v;
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	v = snp_vcpu_by_vmsa(gpa_init(vmsa));
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_DELETE_VCPU);
	c.rcx = vmsa;
	sim_guest_call(&pfx, v, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_CALLER_GONE);
	/* Neither the VMSA (now a guest page) nor the CA was written. */
	EXPECT_EQ(c.pending_seen, 1);
	EXPECT_TRUE(pfx_is_guest_page(vmsa));
	EXPECT_FALSE(pfx_is_reserved(vmsa));
	EXPECT_TRUE(pfx_still_serving());
}

/* ---- DEPOSIT_MEM / WITHDRAW_MEM (58019, calls 4 and 5) ---------------- */

#define D4K(gpa) ((gpa) | SVSM_DEPOSIT_ENTRY_SIZE_4K)

TEST(protocol_core, deposit_then_withdraw)
{
	uint64_t list = pfx_page(0);
	uint64_t out = pfx_page(1);
	uint64_t e[2] = {D4K(pfx_page(5)), D4K(pfx_page(6))};
	struct svsm_withdraw_hdr hdr;
	uint64_t gpas[2];

	ASSERT_TRUE(pfx_setup());
	pfx_fill(pfx_page(5), SZ_4K, 0x11);
	pfx_write_list(list, 2, 0, e);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 2);
	EXPECT_EQ(protocols_deposit_count(), 2u);
	EXPECT_TRUE(pfx_is_svsm_only(pfx_page(5)));
	EXPECT_TRUE(pfx_is_reserved(pfx_page(6)));
	EXPECT_EQ(*(uint8_t *)sim_guest_ptr(pfx.boot_caa + 1, 1), 1);
	/* Deposited memory is SVSM memory: PVALIDATE refuses it. */
	EXPECT_EQ(pfx_pvalidate1(pfx_page(2), E4K(pfx_page(5), RESC, NOCF)),
		  SVSM_ERR_INVALID_ADDRESS);

	pfx_fill(out, 64, 0xee);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, out, 0, 0, NULL),
		  SVSM_SUCCESS);
	memcpy(&hdr, sim_guest_ptr(out, 8), 8);
	memcpy(gpas, sim_guest_ptr(out + 8, 16), 16);
	EXPECT_EQ(hdr.count, 2);
	EXPECT_TRUE((gpas[0] == pfx_page(5) && gpas[1] == pfx_page(6)) ||
		    (gpas[0] == pfx_page(6) && gpas[1] == pfx_page(5)));
	EXPECT_TRUE(pfx_all(out + 24, 8, 0xee)); /* unused slots untouched */
	EXPECT_EQ(protocols_deposit_count(), 0u);
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(5)));
	EXPECT_FALSE(pfx_is_reserved(pfx_page(5)));
	EXPECT_TRUE(pfx_all(pfx_page(5), SZ_4K, 0)); /* zeroed first */
	EXPECT_EQ(*(uint8_t *)sim_guest_ptr(pfx.boot_caa + 1, 1), 0);

	/* Nothing left: count 0. */
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, out, 0, 0, NULL),
		  SVSM_SUCCESS);
	memcpy(&hdr, sim_guest_ptr(out, 8), 8);
	EXPECT_EQ(hdr.count, 0);
}

TEST(protocol_core, withdraw_fills_what_fits_and_keeps_mem_available)
{
	uint64_t list = pfx_page(0);
	uint64_t out = pfx_page(1) + 0xfe8; /* room for 2 */
	uint64_t e[3] = {D4K(pfx_page(5)), D4K(pfx_page(6)), D4K(pfx_page(7))};
	struct svsm_withdraw_hdr hdr;

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 3, 0, e);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, out, 0, 0, NULL),
		  SVSM_SUCCESS);
	memcpy(&hdr, sim_guest_ptr(out, 8), 8);
	EXPECT_EQ(hdr.count, 2);
	EXPECT_EQ(protocols_deposit_count(), 1u);
	EXPECT_EQ(*(uint8_t *)sim_guest_ptr(pfx.boot_caa + 1, 1), 1);
}

TEST(protocol_core, withdraw_errors)
{
	ASSERT_TRUE(pfx_setup());
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM,
				 pfx_page(1) + 0xff8, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, pfx_page(1) + 4,
				 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, pfx.svsm_base, 0,
				 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
}

TEST(protocol_core, deposit_errors)
{
	uint64_t list = pfx_page(0);
	struct {
		uint64_t entry;
		uint64_t want;
	} cases[] = {
		{D4K(pfx_page(5)) | 0x4, SVSM_ERR_INVALID_PARAMETER},
		{D4K(pfx_page(5)) | 0x800, SVSM_ERR_INVALID_PARAMETER},
		{D4K(pfx_page(5)) | 2, SVSM_ERR_INVALID_PARAMETER},
		{D4K(pfx_page(5)) | 3, SVSM_ERR_INVALID_PARAMETER},
		{0, SVSM_ERR_INVALID_REQUEST},
		{0, SVSM_ERR_INVALID_ADDRESS},
		{0, SVSM_ERR_INVALID_ADDRESS},
		{0, SVSM_ERR_INVALID_ADDRESS},
		{0, SVSM_ERR_INVALID_ADDRESS},
	};
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, pfx_page(8),
					       SNP_RMP_PSIZE_4K));
	cases[4].entry = pfx_2m(1) | SVSM_DEPOSIT_ENTRY_SIZE_2M;
	cases[5].entry = D4K(pfx.svsm_base);
	cases[6].entry = D4K(pfx.boot_caa);
	cases[7].entry = D4K(pfx.boot_vmsa);
	cases[8].entry = D4K(pfx_page(8)); /* not validated */
	pfx_snapshot(&before);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		pfx_write_list(list, 1, 0, &cases[i].entry);
		EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0,
					 0, NULL),
			  cases[i].want);
		EXPECT_EQ(pfx_list_next(list), 0);
	}
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
}
