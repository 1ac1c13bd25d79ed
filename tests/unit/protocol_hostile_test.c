/* SPDX-License-Identifier: MIT */
/*
 * The SVSM core protocol against a hostile guest OS (and, where the model
 * allows, a hostile host), one test per bug class of docs/threat-model.md:
 *
 *   double fetch      the PVALIDATE and DEPOSIT lists and the calling area
 *                     are rewritten right after the SVSM's first read; the
 *                     SVSM acts on its private copy and reads each exactly
 *                     once (fake_guest_copies, per address);
 *   calling area      CALL_PENDING changed or made to fault while a call
 *                     is served;
 *   SVSM pages        PVALIDATE of the SVSM region, VMSAs, calling areas
 *                     and deposited pages, also when one 4 KiB page of
 *                     them lies inside a 2 MiB entry, validate and rescind;
 *   overflow          guest ranges and counts at the top of the address
 *                     space, and the launch VMSA page when RAM reaches it;
 *   faults            the list, the page being zeroed, the write-back,
 *                     the calling area and the WITHDRAW list fault;
 *   CREATE_VCPU       the VMSA is checked only once the guest lost write
 *                     access, and the RMP entry is unchanged after each
 *                     refusal;
 *   zero before grant the guest gains access only to zeroed pages;
 *   reserved fields   every reserved bit of every field the SVSM checks;
 *   exhaustion        the vCPU registry and the deposit pool;
 *   in use            DELETE_VCPU of a VMSA another CPU is serving.
 *
 * After every refusal the test checks that nothing the SVSM owns changed
 * (RMP, reservations, the SVSM region, heap and allocator statistics,
 * registry, pool, host vCPU table) and that the next good call succeeds.
 */
#include "protocol_fixture.h"

#define E4K(gpa, v) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_4K, (v), false)
#define E2M(gpa, v) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_2M, (v), false)
#define D4K(gpa) ((gpa) | SVSM_DEPOSIT_ENTRY_SIZE_4K)

/* A call from the boot vCPU that must be refused with `want` and change
 * nothing the SVSM owns; the SVSM must keep serving afterwards. */
static void expect_harmless(uint32_t call, uint64_t rcx, uint64_t rdx,
			    uint64_t r8, uint64_t want)
{
	struct pfx_snapshot before;
	struct pfx_snapshot after;

	pfx_snapshot(&before);
	EXPECT_EQ(sim_guest_core(&pfx, call, rcx, rdx, r8, NULL), want);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	EXPECT_TRUE(pfx_still_serving());
}

/* ---- Double fetch ------------------------------------------------------ */

static uint64_t flip_gpa;
static unsigned int reads_of_flip;
static unsigned int reads_of_ca;
static uint64_t flip_entries[3];

static void flip_list(uint64_t gpa, size_t len)
{
	(void)len;
	if (gpa == pfx.boot_caa)
		reads_of_ca++;
	if (gpa != flip_gpa)
		return;
	reads_of_flip++;
	/* Another vCPU rewrites the whole list after the SVSM's read. */
	pfx_write_list(flip_gpa, 3, 0, flip_entries);
}

TEST(protocol_hostile, double_fetch_pvalidate_list)
{
	uint64_t list = pfx_page(0);
	uint64_t e[2] = {E4K(pfx_page(5), false), E4K(pfx_page(6), false)};
	struct sim_rmp_entry svsm0;
	struct sim_rmp_entry vmsa0;
	struct sim_rmp_entry svsm1;
	struct sim_rmp_entry vmsa1;

	ASSERT_TRUE(pfx_setup());
	svsm0 = pfx_rmp(pfx.svsm_base);
	vmsa0 = pfx_rmp(pfx.boot_vmsa);
	flip_entries[0] = E4K(pfx.svsm_base, false);
	flip_entries[1] = E4K(pfx.boot_vmsa, false);
	flip_entries[2] = E4K(pfx.boot_caa, false);
	pfx_write_list(list, 2, 0, e);
	flip_gpa = list;
	reads_of_flip = reads_of_ca = 0;
	fake_guest_copies = 0;
	fake_guest_after_copy = flip_list;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	fake_guest_after_copy = NULL;
	/* One read of the CA header, one of the whole list, nothing else. */
	EXPECT_EQ(fake_guest_copies, 2u);
	EXPECT_EQ(reads_of_flip, 1u);
	EXPECT_EQ(reads_of_ca, 1u);
	/* The SVSM did what the list said when it read it... */
	EXPECT_FALSE(pfx_rmp(pfx_page(5)).validated);
	EXPECT_FALSE(pfx_rmp(pfx_page(6)).validated);
	EXPECT_EQ(pfx_list_next(list), 2);
	/* ... and nothing the rewritten list asked for. */
	svsm1 = pfx_rmp(pfx.svsm_base);
	vmsa1 = pfx_rmp(pfx.boot_vmsa);
	EXPECT_TRUE(pfx_rmp_same(&svsm0, &svsm1));
	EXPECT_TRUE(pfx_rmp_same(&vmsa0, &vmsa1));
	EXPECT_TRUE(pfx_is_guest_page(pfx.boot_caa));
}

TEST(protocol_hostile, double_fetch_deposit_list)
{
	uint64_t list = pfx_page(0);
	uint64_t e = D4K(pfx_page(5));

	ASSERT_TRUE(pfx_setup());
	flip_entries[0] = D4K(pfx_page(7));
	flip_entries[1] = D4K(pfx_page(8));
	flip_entries[2] = D4K(pfx_page(9));
	pfx_write_list(list, 1, 0, &e);
	flip_gpa = list;
	reads_of_flip = 0;
	fake_guest_after_copy = flip_list;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	fake_guest_after_copy = NULL;
	EXPECT_EQ(reads_of_flip, 1u);
	EXPECT_EQ(protocols_deposit_count(), 1u);
	EXPECT_TRUE(pfx_is_svsm_only(pfx_page(5)));
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(7)));
	EXPECT_FALSE(pfx_is_reserved(pfx_page(8)));
}

static void flip_ca(uint64_t gpa, size_t len)
{
	(void)len;
	if (gpa != pfx.boot_caa)
		return;
	reads_of_ca++;
	/* Another vCPU: "no call pending" and junk in the rest. */
	pfx_fill(pfx.boot_caa, 8, 0);
	pfx_fill(pfx.boot_caa + 2, 6, 0xff);
}

TEST(protocol_hostile, double_fetch_calling_area)
{
	uint64_t new_ca = pfx_page(3);
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	reads_of_ca = 0;
	fake_guest_after_copy = flip_ca;
	/* The call still runs on the copy that said "pending". */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, new_ca, 0, 0, &c),
		  SVSM_SUCCESS);
	fake_guest_after_copy = NULL;
	EXPECT_EQ(reads_of_ca, 1u);
	EXPECT_EQ(c.status, SNP_REQUEST_DONE);
	EXPECT_EQ(gpa_val(pfx.boot->caa), new_ca);
	/* The SVSM wrote only CALL_PENDING, never the reserved bytes. */
	EXPECT_TRUE(pfx_all(pfx.boot_caa + 2, 6, 0xff));
}

/* ---- Races on the calling area ----------------------------------------- */

static void set_pending_again(uint64_t gpa, size_t len)
{
	(void)len;
	if (gpa == pfx.boot_caa)
		pfx_fill(pfx.boot_caa, 1, 1);
}

static void ca_starts_faulting(uint64_t gpa, size_t len)
{
	(void)len;
	if (gpa != pfx.boot_caa)
		return;
	fake_guest_fault_base = pfx.boot_caa;
	fake_guest_fault_size = SZ_4K;
}

TEST(protocol_hostile, calling_area_races)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	/* Another vCPU sets CALL_PENDING again mid-call: the SVSM still
	 * completes the call it read and clears the byte at the end. */
	fake_guest_after_copy = set_pending_again;
	EXPECT_TRUE(pfx_still_serving());
	fake_guest_after_copy = NULL;

	/* The host makes the CA fault after the SVSM read it: the result
	 * is still in RAX, CALL_PENDING cannot be cleared, no crash. */
	fake_guest_after_copy = ca_starts_faulting;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				 svsm_query_protocol_rcx(0, 1), 0, 0, &c),
		  SVSM_SUCCESS);
	fake_guest_after_copy = NULL;
	EXPECT_EQ(c.status, SNP_REQUEST_DONE);
	EXPECT_EQ(c.pending_seen, 1);

	/* A CA that faults from the start: nothing is done, the VMSA's RAX
	 * keeps the request, SVME is back on. */
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA);
	c.rcx = pfx_page(3);
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_CA_FAULT);
	EXPECT_EQ(c.rax, svsm_call_rax(0, SVSM_CORE_REMAP_CA));
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
	fake_guest_fault_size = 0;
	EXPECT_TRUE(pfx_still_serving());
}

TEST(protocol_hostile, vcpu_served_twice_at_once_is_refused)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	/* The host enters the same vCPU on a second CPU mid-call. */
	ASSERT_TRUE(snp_vcpu_pin(pfx.boot));
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL);
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_NO_VCPU);
	snp_vcpu_unpin(pfx.boot);
	EXPECT_TRUE(pfx_still_serving());
}

/* ---- PVALIDATE of SVSM-owned pages, also inside 2 MiB ------------------- */

TEST(protocol_hostile, pvalidate_of_svsm_vmsa_ca_and_deposited_pages)
{
	uint64_t list = pfx_page(0);
	uint64_t dep = D4K(pfx_2m(5) + 0x9000);
	uint64_t targets[] = {
		/* 4 KiB */
		PFX_SVSM_BASE + SZ_2M - SZ_4K,
		PFX_BOOT_VMSA,
		PFX_BOOT_CAA,
		pfx_2m(3) + 0x5000, /* a created VMSA */
		pfx_2m(4) + 0x7000, /* its CA */
		pfx_2m(5) + 0x9000, /* a deposited page */
	};
	uint64_t big[] = {PFX_SVSM_BASE, PFX_SVSM_BASE + SZ_2M, pfx_2m(3),
			  pfx_2m(4), pfx_2m(5)};

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(
		pfx_create(pfx_2m(3) + 0x5000, pfx_2m(4) + 0x7000, 1, PFX_VMPL),
		SVSM_SUCCESS);
	pfx_write_list(pfx_page(1), 1, 0, &dep);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, pfx_page(1), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	for (unsigned int i = 0; i < 5; i++)
		ASSERT_TRUE(sim_guest_page_unvalidated(
			&pfx, pfx_2m(3 + i) + 0x20000, SNP_RMP_PSIZE_4K));
	for (int validate = 0; validate < 2; validate++) {
		for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
			uint64_t e = E4K(targets[i], validate);

			pfx_write_list(list, 1, 0, &e);
			fake_snp_reset_counters();
			expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
					SVSM_ERR_INVALID_ADDRESS);
			EXPECT_EQ(fake_snp_pvalidates + fake_snp_rmpadjusts,
				  0u);
		}
		for (size_t i = 0; i < ARRAY_SIZE(big); i++) {
			uint64_t e = E2M(big[i], validate);

			pfx_write_list(list, 1, 0, &e);
			fake_snp_reset_counters();
			expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
					SVSM_ERR_INVALID_ADDRESS);
			EXPECT_EQ(fake_snp_pvalidates + fake_snp_rmpadjusts,
				  0u);
		}
	}
}

/* ---- Overflow of guest-supplied ranges and counts ---------------------- */

TEST(protocol_hostile, overflow_of_ranges_and_counts)
{
	uint64_t list = pfx_page(0);
	uint64_t top[] = {
		E2M(0xffffffffffe00000ull, true),
		E4K(0xfffffffffffff000ull, true),
		E2M(0xffffffffffe00000ull, false),
		E4K(pfx_page(5) | (1ull << 63), false),
	};
	struct ram_range ram[2];

	ASSERT_TRUE(pfx_setup());
	for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
		pfx_write_list(list, 1, 0, &top[i]);
		expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
				SVSM_ERR_INVALID_ADDRESS);
	}
	/* Lists and CAs at the very top. */
	expect_harmless(SVSM_CORE_PVALIDATE, 0xfffffffffffffff8ull, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_DEPOSIT_MEM, 0xfffffffffffffff8ull, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_WITHDRAW_MEM, 0xfffffffffffffff0ull, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_REMAP_CA, 0xfffffffffffff000ull, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_CREATE_VCPU, 0xffffffffffffe000ull,
			pfx_page(11), 1, SVSM_ERR_INVALID_ADDRESS);
	sim_guest_write_vmsa(pfx_page(10), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	expect_harmless(SVSM_CORE_CREATE_VCPU, pfx_page(10),
			0xfffffffffffff000ull, 1, SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_DELETE_VCPU, 0xfffffffffffff000ull, 0, 0,
			SVSM_ERR_INVALID_PARAMETER);
	/* Counts: all ones. */
	pfx_write_hdr(list, 0xffff, 0);
	expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
			SVSM_ERR_INVALID_PARAMETER);
	pfx_write_hdr(list, 1, 0xffff);
	expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
			SVSM_ERR_INVALID_PARAMETER);
	pfx_write_hdr(list, 0xffff, 0xfffe);
	expect_harmless(SVSM_CORE_DEPOSIT_MEM, list, 0, 0,
			SVSM_ERR_INVALID_PARAMETER);

	/* A host whose map reaches the launch VMSA page (bug class 5). */
	ram[0] = (struct ram_range){pfx.base, pfx.size};
	ram[1] = (struct ram_range){SNP_LAUNCH_VMSA_GPA - 0xf000, 0x10000};
	ASSERT_EQ(gpa_set_ram(ram, 2), SVSM_OK);
	top[0] = E4K(SNP_LAUNCH_VMSA_GPA, false);
	pfx_write_list(list, 1, 0, &top[0]);
	fake_snp_reset_counters();
	expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(fake_snp_pvalidates + fake_snp_rmpadjusts, 0u);
}

/* ---- Faults on guest memory ------------------------------------------- */

static void fault_after_list_read(uint64_t gpa, size_t len)
{
	(void)len;
	if (gpa != flip_gpa)
		return;
	fake_guest_fault_base = flip_gpa & ~(SZ_4K - 1);
	fake_guest_fault_size = SZ_4K;
}

TEST(protocol_hostile, faults_on_guest_memory)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);
	uint64_t e[2] = {E4K(pfx_page(6), false), E4K(page, true)};
	uint64_t dep = D4K(pfx_page(8));

	ASSERT_TRUE(pfx_setup());
	/* The list itself faults. */
	pfx_write_list(list, 2, 0, e);
	fake_guest_fault_base = list;
	fake_guest_fault_size = SZ_4K;
	expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	expect_harmless(SVSM_CORE_DEPOSIT_MEM, list, 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	fake_guest_fault_size = 0;

	/* The page being validated faults when it is zeroed: it must not
	 * be granted to the guest; the entry before it was done. */
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, page, SNP_RMP_PSIZE_4K));
	fake_guest_fault_base = page;
	fake_guest_fault_size = SZ_4K;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	fake_guest_fault_size = 0;
	EXPECT_EQ(pfx_list_next(list), 1);
	EXPECT_FALSE(pfx_rmp(pfx_page(6)).validated);
	EXPECT_EQ(pfx_rmp(page).perms[PFX_VMPL], 0);
	EXPECT_EQ(pfx_rmp(page).perms[1], 0);
	EXPECT_TRUE(pfx_still_serving());

	/* The write-back of `next` faults: the work is done, the guest is
	 * told it could not be reported. */
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, page, SNP_RMP_PSIZE_4K));
	ASSERT_TRUE(sim_guest_page_valid(&pfx, pfx_page(6)));
	pfx_write_list(list, 2, 0, e);
	flip_gpa = list;
	fake_guest_after_copy = fault_after_list_read;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	fake_guest_after_copy = NULL;
	fake_guest_fault_size = 0;
	EXPECT_TRUE(pfx_is_guest_page(page));
	EXPECT_TRUE(pfx_still_serving());

	/* A faulting WITHDRAW list: the pages stay with the SVSM. */
	pfx_write_list(list, 1, 0, &dep);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	fake_guest_fault_base = pfx_page(1);
	fake_guest_fault_size = SZ_4K;
	expect_harmless(SVSM_CORE_WITHDRAW_MEM, pfx_page(1), 0, 0,
			SVSM_ERR_INVALID_ADDRESS);
	fake_guest_fault_size = 0;
	EXPECT_TRUE(pfx_is_svsm_only(pfx_page(8)));
	EXPECT_EQ(protocols_deposit_count(), 1u);
}

/* ---- CREATE_VCPU: no check on contents the guest can still change ------ */

static uint64_t watched;
static bool tamper;
static bool guest_could_write_at_flush;
static bool vmsa_bit_seen;

static void watch_create(enum fake_snp_op op, uint64_t gpa)
{
	if (op == FAKE_SNP_OP_FLUSH) {
		for (unsigned int v = 1; v < SNP_VMPL_COUNT; v++)
			guest_could_write_at_flush |= sim_rmp_access_ok(
				&fake_snp_rmp, v, watched, SNP_PERM_WRITE);
	}
	/*
	 * Another guest vCPU makes the VMSA a VMPL0 one whenever it still
	 * can: the SVSM must either see that or have taken write access
	 * away before it read the VMSA.
	 */
	if (tamper &&
	    sim_rmp_access_ok(&fake_snp_rmp, PFX_VMPL, watched, SNP_PERM_WRITE))
		*(uint8_t *)sim_guest_ptr(watched + SNP_VMSA_OFF_VMPL, 1) = 0;
	if (op == FAKE_SNP_OP_RMPADJUST && gpa == watched &&
	    pfx_rmp(watched).vmsa)
		vmsa_bit_seen = true;
}

TEST(protocol_hostile, create_vcpu_checks_contents_after_revoking_access)
{
	uint64_t vmsa = pfx_page(10);
	struct svsm_vcpu *v;

	ASSERT_TRUE(pfx_setup());
	watched = vmsa;
	guest_could_write_at_flush = false;
	vmsa_bit_seen = false;

	/* A guest racing the checks: its write lands before the read. */
	tamper = true;
	fake_snp_after_op = watch_create;
	EXPECT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL),
		  SVSM_ERR_INVALID_PARAMETER);
	fake_snp_after_op = NULL;
	tamper = false;
	EXPECT_FALSE(vmsa_bit_seen);
	EXPECT_TRUE(pfx_is_guest_page(vmsa));

	/* Without the race: created, and no lower VMPL could write it
	 * from the moment the SVSM started checking. */
	fake_snp_after_op = watch_create;
	EXPECT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	fake_snp_after_op = NULL;
	EXPECT_FALSE(guest_could_write_at_flush);
	EXPECT_TRUE(vmsa_bit_seen);
	v = snp_vcpu_by_vmsa(gpa_init(vmsa));
	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(v->vmpl, PFX_VMPL);
}

TEST(protocol_hostile, create_vcpu_refusals_leave_the_rmp_entry)
{
	uint64_t vmsa = pfx_page(10);
	struct sim_rmp_entry before;
	struct sim_rmp_entry after;

	ASSERT_TRUE(pfx_setup());
	before = pfx_rmp(vmsa);
	/* Each refusal after the SVSM took the page for checking. */
	sim_guest_write_vmsa(vmsa, 0, SNP_EFER_SVME, SIM_SEV_FEATURES);
	expect_harmless(SVSM_CORE_CREATE_VCPU, vmsa, pfx_page(11), 1,
			SVSM_ERR_INVALID_PARAMETER);
	sim_guest_write_vmsa(vmsa, PFX_VMPL, 0, SIM_SEV_FEATURES);
	expect_harmless(SVSM_CORE_CREATE_VCPU, vmsa, pfx_page(11), 1,
			SVSM_ERR_INVALID_PARAMETER);
	sim_guest_write_vmsa(vmsa, PFX_VMPL, SNP_EFER_SVME, 0x4);
	expect_harmless(SVSM_CORE_CREATE_VCPU, vmsa, pfx_page(11), 1,
			SVSM_ERR_INVALID_PARAMETER);
	/*
	 * A host refusing the AP creation notification is no longer a
	 * refusal of CREATE_VCPU (protocol_core.create_and_delete_vcpu_
	 * survive_a_host_refusal).
	 */
	after = pfx_rmp(vmsa);
	EXPECT_TRUE(pfx_rmp_same(&before, &after));
	EXPECT_FALSE(after.vmsa);
}

/* ---- Zero before grant --------------------------------------------------- */

static bool granted_nonzero;

static void check_zero_at_grant(enum fake_snp_op op, uint64_t gpa)
{
	if (op != FAKE_SNP_OP_RMPADJUST || gpa != watched)
		return;
	for (unsigned int v = 1; v < SNP_VMPL_COUNT; v++) {
		if (sim_rmp_access_ok(&fake_snp_rmp, v, watched,
				      SNP_PERM_READ) &&
		    !pfx_all(watched, SZ_4K, 0))
			granted_nonzero = true;
	}
}

TEST(protocol_hostile, guest_gains_access_only_to_zeroed_pages)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);
	uint64_t dep = D4K(pfx_page(6));

	ASSERT_TRUE(pfx_setup());
	/* PVALIDATE: a page a host remapped, with "old" contents. */
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, page, SNP_RMP_PSIZE_4K));
	pfx_fill(page, SZ_4K, 0xab);
	watched = page;
	granted_nonzero = false;
	fake_snp_after_op = check_zero_at_grant;
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, true)), SVSM_SUCCESS);
	EXPECT_FALSE(granted_nonzero);
	EXPECT_TRUE(pfx_is_guest_page(page));

	/* WITHDRAW: a deposited page that held SVSM data. */
	fake_snp_after_op = NULL;
	pfx_write_list(list, 1, 0, &dep);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	pfx_fill(pfx_page(6), SZ_4K, 0x5e); /* "SVSM secrets" */
	watched = pfx_page(6);
	fake_snp_after_op = check_zero_at_grant;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_WITHDRAW_MEM, pfx_page(1), 0,
				 0, NULL),
		  SVSM_SUCCESS);
	fake_snp_after_op = NULL;
	EXPECT_FALSE(granted_nonzero);
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(6)));
}

/* ---- Reserved fields ----------------------------------------------------- */

TEST(protocol_hostile, reserved_fields_nonzero)
{
	uint64_t list = pfx_page(0);

	ASSERT_TRUE(pfx_setup());
	sim_guest_write_vmsa(pfx_page(10), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	for (unsigned int bit = 4; bit < 12; bit++) {
		uint64_t e = E4K(pfx_page(5), false) | (1ull << bit);

		pfx_write_list(list, 1, 0, &e);
		expect_harmless(SVSM_CORE_PVALIDATE, list, 0, 0,
				SVSM_ERR_INVALID_PARAMETER);
	}
	for (unsigned int bit = 2; bit < 12; bit++) {
		uint64_t e = D4K(pfx_page(5)) | (1ull << bit);

		pfx_write_list(list, 1, 0, &e);
		expect_harmless(SVSM_CORE_DEPOSIT_MEM, list, 0, 0,
				SVSM_ERR_INVALID_PARAMETER);
	}
	for (unsigned int bit = 32; bit < 64; bit += 7)
		expect_harmless(SVSM_CORE_CREATE_VCPU, pfx_page(10),
				pfx_page(11), (1ull << bit) | 1,
				SVSM_ERR_INVALID_PARAMETER);
	for (unsigned int bit = 5; bit < 12; bit++)
		expect_harmless(SVSM_CORE_CONFIGURE_VTOM, 1ull << bit, 0, 0,
				SVSM_ERR_INVALID_PARAMETER);
	for (unsigned int bit = 1; bit < 64; bit += 5)
		expect_harmless(SVSM_CORE_CONFIGURE_VTOM,
				SVSM_VTOM_QUERY | (1ull << bit), 0, 0,
				SVSM_ERR_INVALID_PARAMETER);
}

/* ---- Exhaustion ---------------------------------------------------------- */

TEST(protocol_hostile, vcpu_registry_exhaustion)
{
	unsigned int made = 0;

	ASSERT_TRUE(pfx_setup());
	/* Four APIC IDs, each re-created over and over with its own CA. */
	while (snp_vcpu_has_room()) {
		uint32_t apic = made % SIM_APIC_COUNT;
		uint64_t caa = apic == 0 ? pfx.boot_caa : pfx_page(1 + apic);

		ASSERT_EQ(pfx_create(pfx_page(100 + made), caa, apic, PFX_VMPL),
			  SVSM_SUCCESS);
		made++;
	}
	EXPECT_EQ(made, SNP_MAX_VMSAS - 1);
	sim_guest_write_vmsa(pfx_page(100 + made), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	expect_harmless(SVSM_CORE_CREATE_VCPU, pfx_page(100 + made),
			pfx_page(2), 1, SVSM_ERR_INVALID_REQUEST);
	/* Deleting one makes room again. */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, pfx_page(100), 0,
				 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU,
				 pfx_page(100 + made), pfx_page(2), 1, NULL),
		  SVSM_SUCCESS);
}

TEST(protocol_hostile, deposit_pool_exhaustion)
{
	uint64_t list = pfx_page(0);
	uint64_t e[65];

	ASSERT_TRUE(pfx_setup());
	for (unsigned int i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = D4K(pfx_page(100 + i));
	pfx_write_list(list, 65, 0, e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DEPOSIT_MEM, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_REQUEST);
	EXPECT_EQ(pfx_list_next(list), 64);
	EXPECT_EQ(protocols_deposit_count(), 64u);
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(164)));
	EXPECT_FALSE(pfx_is_reserved(pfx_page(164)));
	EXPECT_TRUE(pfx_still_serving());
}

/* ---- In use ---------------------------------------------------------------- */

TEST(protocol_hostile, delete_vcpu_served_on_another_cpu_is_in_use)
{
	uint64_t vmsa = pfx_page(10);
	struct svsm_vcpu *v;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(11), 1, PFX_VMPL), SVSM_SUCCESS);
	v = snp_vcpu_by_vmsa(gpa_init(vmsa));
	ASSERT_TRUE(v != NULL);
	ASSERT_TRUE(snp_vcpu_pin(v)); /* another CPU is in its call */
	expect_harmless(SVSM_CORE_DELETE_VCPU, vmsa, 0, 0,
			SVSM_CORE_FAIL_INUSE);
	snp_vcpu_unpin(v);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0, NULL),
		  SVSM_SUCCESS);
}

/* ---- Every refusal: harmless, and the SVSM keeps serving --------------- */

TEST(protocol_hostile, refusals_change_nothing_and_service_continues)
{
	uint64_t list = pfx_page(0);
	uint64_t bad_entry = E4K(PFX_SVSM_BASE, true);
	struct {
		uint32_t call;
		uint64_t rcx, rdx, r8;
		uint64_t want;
	} cases[] = {
		{SVSM_CORE_REMAP_CA, 1, 0, 0, SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_REMAP_CA, 0, 0, 0, SVSM_ERR_INVALID_ADDRESS},
		{SVSM_CORE_PVALIDATE, 0, 0, 0, SVSM_ERR_INVALID_ADDRESS},
		{SVSM_CORE_PVALIDATE, 2, 0, 0, SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_PVALIDATE, 0, 0, 0, SVSM_ERR_INVALID_ADDRESS},
		{SVSM_CORE_CREATE_VCPU, 0, 0, 0, SVSM_ERR_INVALID_ADDRESS},
		{SVSM_CORE_CREATE_VCPU, ~0ull, ~0ull, ~0ull,
		 SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_DELETE_VCPU, 0, 0, 0, SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_DELETE_VCPU, ~0ull, 0, 0,
		 SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_DEPOSIT_MEM, 0, 0, 0, SVSM_ERR_INVALID_ADDRESS},
		{SVSM_CORE_WITHDRAW_MEM, 0xff8, 0, 0,
		 SVSM_ERR_INVALID_PARAMETER},
		{SVSM_CORE_CONFIGURE_VTOM, 2, 0, 0, SVSM_ERR_INVALID_REQUEST},
		{8, 0, 0, 0, SVSM_ERR_UNSUPPORTED_CALL},
	};

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 1, 0, &bad_entry);
	cases[1].rcx = pfx.boot_vmsa;
	cases[2].rcx = pfx.svsm_base;
	cases[4].rcx = list; /* an entry naming SVSM memory */
	cases[5].rcx = pfx.svsm_base + 0x1000;
	cases[5].rdx = pfx_page(11);
	cases[5].r8 = 1;
	cases[9].rcx = pfx.base + pfx.size;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_harmless(cases[i].call, cases[i].rcx, cases[i].rdx,
				cases[i].r8, cases[i].want);
}
