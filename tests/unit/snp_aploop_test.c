/* SPDX-License-Identifier: MIT */
/*
 * The request loop of the SVSM's own APs (snp_ap_loop_step,
 * kernel/plat/snp/loop.c) on the model VM (tests/model/guest.h): AP 1
 * is started as the kernel starts it (snp_ap_start on the boot CPU, its
 * GHCB registered on CPU 1, fake_ghcb_cpu), and then steps its loop.
 * The "hardware" (this test's host callback) runs, on each Run VMPL, the
 * guest vCPU of the APIC ID of the CPU that asked, which makes the SVSM
 * call the test scripted for it exactly as the calling convention says
 * (AMD 58019 rev 1.00: registers and exit code in its VMSA, CALL_PENDING
 * in its calling area).
 *
 * What must hold: AP 1 waits (no Run VMPL) until the guest creates a
 * vCPU for APIC ID 1; then it runs turns for that vCPU, through its own
 * GHCB, with that vCPU's calling area; DELETE_VCPU sends it back to
 * waiting and a second CREATE_VCPU restarts it; a CREATE_VCPU for an
 * APIC ID with no SVSM CPU behind it is refused with nothing changed;
 * DELETE_VCPU and a turn on AP 1 never overlap (docs/threat-model.md,
 * "Races around DELETE_VCPU").
 */
#include <string.h>

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "hv.h"
#include "protocol_fixture.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/loop.h"
#include "snp/shared_pages.h"
#include "snp/smp.h"
#include "snp/vcpu.h"
#include "unit/hosted_plat.h"

/* SEV_STATUS of an SNP guest: SEV, SEV-ES, SNP. */
#define SEV_STATUS_SNP 0x7ull

/* The guest vCPU of APIC ID 1, as the tests create it. */
#define AP_VMSA(i) pfx_page(20 + 2 * (i))
#define AP_CAA(i)  pfx_page(21 + 2 * (i))

/* What the guest vCPU of APIC ID 1 does when the hardware runs it. */
static struct {
	bool call; /* make a call (else return to VMPL0 without one) */
	uint64_t rax, rcx, rdx, r8;
	uint64_t vmsa, caa;	/* the vCPU the hardware runs for APIC ID 1 */
	unsigned int runs[2];	/* Run VMPL per CPU 0, 1 */
	unsigned int vmpl_seen; /* of CPU 1's last Run VMPL */
	bool other_ghcb;	/* a CPU-1 Run VMPL came through another page */
	/* Called during CPU 1's run, after the call was made (may be NULL). */
	void (*during)(void);
} hw;

static struct snp_ap_loop ap;

static void put_u64(uint64_t gpa, uint64_t v)
{
	memcpy(sim_guest_ptr(gpa, 8), &v, 8);
}

static uint64_t get_u64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, sim_guest_ptr(gpa, 8), 8);
	return v;
}

static void hardware(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_RUN_VMPL || x->cpu > 1)
		return;
	hw.runs[x->cpu]++;
	if (x->cpu != 1)
		return;
	hw.vmpl_seen = sim_hv.last_vmpl;
	hw.other_ghcb |= x->ghcb != sim_guest_ptr(sim_hv.ghcb_gpa[1], 8) ||
			 sim_hv.ghcb_gpa[1] != pa_val(snp_ap_get(1)->ghcb.pa);
	if (!hw.call)
		return;
	/* VMGEXIT saves the guest's registers and exit code in its VMSA. */
	put_u64(hw.vmsa + offsetof(struct snp_vmsa, rax), hw.rax);
	put_u64(hw.vmsa + offsetof(struct snp_vmsa, rcx), hw.rcx);
	put_u64(hw.vmsa + offsetof(struct snp_vmsa, rdx), hw.rdx);
	put_u64(hw.vmsa + offsetof(struct snp_vmsa, r8), hw.r8);
	put_u64(hw.vmsa + SNP_VMSA_OFF_EXITCODE, SNP_EXITCODE_VMGEXIT);
	*(uint8_t *)sim_guest_ptr(hw.caa, 1) = 1; /* CALL_PENDING */
	if (hw.during)
		hw.during();
}

/* AP 1 as the kernel starts it, declared as the SVSM CPU of APIC ID 1. */
static bool start_ap1(void)
{
	const struct arch_snp_ap_ctx ctx = {.cr0 = 0x80050033ull,
					    .cr4 = 0x3406a0ull,
					    .efer = 0xd00ull,
					    .xcr0 = 1,
					    .cs = 0x18,
					    .ds = 0x10,
					    .entry = 0xffffffff80017160ull};
	const struct snp_ap_cpu cpu = {.index = 1, .apic_id = 1};

	REQUIRE_EQ(snp_features_init(SEV_STATUS_SNP, sim_hv.features), SVSM_OK);
	hosted_plat_share = snp_share_pages;
	hosted_plat_unshare = snp_unshare_pages;
	REQUIRE_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	fake_ghcb_cpu = 1;
	REQUIRE_EQ(snp_ap_ghcb_init(1), SVSM_OK);
	fake_ghcb_cpu = 0;
	REQUIRE_EQ(snp_vcpu_serve(0), SVSM_OK);
	REQUIRE_EQ(snp_vcpu_serve(1), SVSM_OK);
	return true;
}

static bool setup(void)
{
	REQUIRE_TRUE(pfx_setup());
	snp_aps_reset();
	snp_features_reset();
	REQUIRE_TRUE(start_ap1());
	memset(&hw, 0, sizeof(hw));
	memset(&ap, 0, sizeof(ap));
	ap.apic_id = 1;
	sim_hv.hostile = hardware;
	sim_hv.hostile_ctx = NULL;
	return true;
}

static void teardown(void)
{
	sim_hv.hostile = NULL;
	hosted_plat_share = NULL;
	hosted_plat_unshare = NULL;
	fake_ghcb_cpu = 0;
	snp_aps_reset();
	snp_features_reset();
	sim_guest_fini(&pfx);
}

/* One step of AP 1's loop, on CPU 1. */
static enum snp_ap_step ap1_step(void)
{
	enum snp_ap_step st;

	fake_ghcb_cpu = 1;
	st = snp_ap_loop_step(&ap);
	fake_ghcb_cpu = 0;
	return st;
}

/* The boot vCPU creates the vCPU of APIC ID 1 at VMPL2 (pages i). */
static uint64_t create_ap1(unsigned int i)
{
	hw.vmsa = AP_VMSA(i);
	hw.caa = AP_CAA(i);
	return pfx_create(AP_VMSA(i), AP_CAA(i), 1, PFX_VMPL);
}

/* The guest AP's next call: SVSM_CORE_QUERY_PROTOCOL(core, 1). */
static void script_query(void)
{
	hw.call = true;
	hw.rax =
		((uint64_t)SVSM_CORE_PROTOCOL << 32) | SVSM_CORE_QUERY_PROTOCOL;
	hw.rcx = ((uint64_t)SVSM_CORE_PROTOCOL << 32) | 1;
}

/* The guest AP's side after its run: exchange CALL_PENDING with 0. */
static uint8_t ap_pending_xchg(void)
{
	return __atomic_exchange_n((uint8_t *)sim_guest_ptr(hw.caa, 1), 0,
				   __ATOMIC_SEQ_CST);
}

/* The guest AP's call was answered: pending cleared, RAX 0, RCX set. */
static bool ap_call_answered(void)
{
	REQUIRE_EQ(ap.last, SNP_REQUEST_DONE);
	REQUIRE_EQ(ap_pending_xchg(), 0u);
	REQUIRE_EQ(get_u64(hw.vmsa + offsetof(struct snp_vmsa, rax)),
		   SVSM_SUCCESS);
	REQUIRE_EQ(get_u64(hw.vmsa + offsetof(struct snp_vmsa, rcx)),
		   (1ull << 32) | 1);
	REQUIRE_TRUE(get_u64(hw.vmsa + offsetof(struct snp_vmsa, efer)) &
		     SNP_EFER_SVME);
	return true;
}

TEST(snp_aploop, waits_until_create_then_serves_its_vcpu)
{
	uint8_t boot_ca[8];

	ASSERT_TRUE(setup());
	/* No vCPU for APIC ID 1: AP 1 waits and asks the host nothing. */
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_IDLE);
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_IDLE);
	EXPECT_EQ(hw.runs[1], 0u);
	EXPECT_EQ(ap.turns, 0u);

	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	memcpy(boot_ca, sim_guest_ptr(pfx.boot_caa, 8), 8);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	/* Run VMPL of the vCPU's VMPL, through AP 1's GHCB, not CPU 0's. */
	EXPECT_EQ(hw.runs[1], 1u);
	EXPECT_EQ(hw.runs[0], 0u);
	EXPECT_FALSE(hw.other_ghcb);
	EXPECT_EQ(hw.vmpl_seen, PFX_VMPL);
	EXPECT_TRUE(ap.held == snp_vcpu_by_vmsa(gpa_init(AP_VMSA(0))));
	EXPECT_TRUE(snp_vcpu_is_held(ap.held));
	/* Answered in its own VMSA and calling area; the boot CA untouched. */
	EXPECT_TRUE(ap_call_answered());
	EXPECT_EQ(memcmp(boot_ca, sim_guest_ptr(pfx.boot_caa, 8), 8), 0);

	/* A return to VMPL0 without a call serves nothing; the loop goes on. */
	hw.call = false;
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_EQ(ap.last, SNP_REQUEST_SPURIOUS);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap_call_answered());
	EXPECT_EQ(hw.runs[1], 3u);
	EXPECT_EQ(hw.runs[0], 0u);
	EXPECT_TRUE(pfx_still_serving()); /* the boot vCPU, on CPU 0 */
	teardown();
}

TEST(snp_aploop, delete_sends_it_back_to_waiting_and_create_restarts_it)
{
	struct svsm_vcpu *first;

	ASSERT_TRUE(setup());
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	script_query();
	ASSERT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	first = ap.held;
	ASSERT_TRUE(first != NULL);
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, AP_VMSA(0), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	/* Its record is gone: AP 1 lets go of it and waits, no Run VMPL. */
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_IDLE);
	EXPECT_TRUE(ap.held == NULL);
	EXPECT_FALSE(snp_vcpu_is_held(first));
	EXPECT_EQ(hw.runs[1], 1u);

	/* A second CREATE_VCPU for APIC ID 1 restarts the loop. */
	ASSERT_EQ(create_ap1(1), SVSM_SUCCESS);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap.held == snp_vcpu_by_vmsa(gpa_init(AP_VMSA(1))));
	EXPECT_TRUE(ap_call_answered());
	EXPECT_EQ(hw.runs[1], 2u);
	teardown();
}

/* Linux creates a woken CPU's new VMSA before it deletes the old one. */
TEST(snp_aploop, follows_the_newest_vmsa_of_its_apic_id)
{
	struct svsm_vcpu *old;

	ASSERT_TRUE(setup());
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	script_query();
	ASSERT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	old = ap.held;
	ASSERT_EQ(create_ap1(1), SVSM_SUCCESS);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap.held == snp_vcpu_by_vmsa(gpa_init(AP_VMSA(1))));
	EXPECT_FALSE(snp_vcpu_is_held(old));
	EXPECT_TRUE(ap_call_answered());
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, AP_VMSA(0), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap_call_answered());
	teardown();
}

/*
 * APIC ID 2 is one of the VM's, but no SVSM CPU serves it (its AP did
 * not start): CREATE_VCPU is refused with INVALID_PARAMETER (58019
 * rev 1.00, Table 10: the APIC ID is a parameter) and changes nothing.
 */
TEST(snp_aploop, create_for_an_apic_id_without_svsm_cpu_is_refused)
{
	struct pfx_snapshot before;
	struct pfx_snapshot after;
	unsigned int level = log_get_level();

	ASSERT_TRUE(setup());
	sim_guest_write_vmsa(AP_VMSA(0), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	pfx_snapshot(&before);
	log_set_level(LOG_LEVEL_NONE);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, AP_VMSA(0),
				 AP_CAA(0), 2, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	log_set_level(level);
	pfx_snapshot(&after);
	EXPECT_TRUE(pfx_snapshot_same(&before, &after));
	EXPECT_TRUE(pfx_is_guest_page(AP_VMSA(0)));
	/* Declaring an APIC ID twice is refused too. */
	EXPECT_EQ(snp_vcpu_serve(1), SVSM_E_INVAL);
	/* The served one works. */
	EXPECT_EQ(create_ap1(0), SVSM_SUCCESS);
	teardown();
}

/*
 * DELETE_VCPU in flight (claimed, the host's answer to AP_DESTROY not
 * yet in): AP 1 must not start a turn for the vCPU (it steps RETRY and
 * asks for no Run VMPL), and once the delete is done it waits.
 */
static enum snp_ap_step step_in_window;
static unsigned int destroys_seen;

static void ap1_steps_during_destroy(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_AP_CREATION || destroys_seen++)
		return;
	step_in_window = ap1_step();
	fake_ghcb_cpu = 0; /* back on the deleting CPU */
}

TEST(snp_aploop, no_turn_while_its_vcpu_is_being_deleted)
{
	ASSERT_TRUE(setup());
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	script_query();
	ASSERT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	destroys_seen = 0;
	step_in_window = SNP_AP_STEP_FAIL;
	sim_hv.hostile = ap1_steps_during_destroy;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, AP_VMSA(0), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	sim_hv.hostile = hardware;
	EXPECT_EQ(destroys_seen, 1u);
	EXPECT_EQ(step_in_window, SNP_AP_STEP_RETRY);
	EXPECT_EQ(hw.runs[1], 1u);
	EXPECT_TRUE(ap.held == NULL);
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_IDLE);
	EXPECT_TRUE(pfx_is_guest_page(AP_VMSA(0)));
	teardown();
}

/*
 * The vCPU is deleted (from the boot vCPU, on CPU 0) while AP 1 has it
 * in Run VMPL: the turn finds its record dead and serves nothing (the
 * VMSA and CA are the guest's again), and a vCPU created meanwhile never
 * takes the slot AP 1 still holds.
 */
static struct svsm_vcpu *created_meanwhile;

static void delete_from_cpu0(void)
{
	fake_ghcb_cpu = 0;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, AP_VMSA(0), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	/* The guest re-creates APIC ID 1's vCPU at once (pages 2). */
	EXPECT_EQ(pfx_create(AP_VMSA(2), AP_CAA(2), 1, PFX_VMPL), SVSM_SUCCESS);
	created_meanwhile = snp_vcpu_by_vmsa(gpa_init(AP_VMSA(2)));
	fake_ghcb_cpu = 1;
}

TEST(snp_aploop, vcpu_deleted_during_its_run_is_not_served)
{
	struct svsm_vcpu *held;

	ASSERT_TRUE(setup());
	created_meanwhile = NULL;
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	script_query();
	ASSERT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	ASSERT_TRUE(ap_call_answered());
	held = ap.held;
	script_query();
	hw.during = delete_from_cpu0;
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	hw.during = NULL;
	EXPECT_EQ(ap.last, SNP_REQUEST_NO_VCPU);
	EXPECT_TRUE(ap.held == NULL);
	/* Not served: RAX is the guest's own, CALL_PENDING still set. */
	EXPECT_EQ(get_u64(hw.vmsa + offsetof(struct snp_vmsa, rax)), hw.rax);
	EXPECT_EQ(ap_pending_xchg(), 1u);
	EXPECT_TRUE(pfx_is_guest_page(AP_VMSA(0)));
	/* The new record did not take the slot the turn still held. */
	ASSERT_TRUE(created_meanwhile != NULL);
	EXPECT_TRUE(created_meanwhile != held);
	EXPECT_FALSE(snp_vcpu_is_held(held));
	/* The next step serves the new vCPU. */
	hw.vmsa = AP_VMSA(2);
	hw.caa = AP_CAA(2);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap.held == created_meanwhile);
	EXPECT_TRUE(ap_call_answered());
	teardown();
}

/*
 * The other order: AP 1 serves a call of its vCPU (pinned) that waits
 * for the host (the guest AP's own CREATE_VCPU, whose AP Creation
 * notice the host answers late). DELETE_VCPU's claim of that vCPU, from
 * any other CPU, fails meanwhile (the call would answer 0x80001003), so
 * no call is served with a record being erased.
 */
static struct {
	struct svsm_vcpu *victim;
	bool seen, claimed, pinned;
} window;

static void claim_during_call(struct sim_hv_exit *x, void *ctx)
{
	hardware(x, ctx);
	if (x->exit_code != GHCB_NAE_SNP_AP_CREATION || x->cpu != 1 ||
	    window.seen)
		return;
	window.seen = true;
	window.pinned = snp_vcpu_pinned(window.victim);
	window.claimed = snp_vcpu_claim(window.victim, false);
	if (window.claimed)
		snp_vcpu_unclaim(window.victim);
}

TEST(snp_aploop, no_delete_while_a_call_of_its_vcpu_is_served)
{
	ASSERT_TRUE(setup());
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	script_query();
	ASSERT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	memset(&window, 0, sizeof(window));
	window.victim = ap.held;
	/* The guest AP creates a second VMSA for itself (pages 3). */
	sim_guest_write_vmsa(AP_VMSA(3), PFX_VMPL, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	hw.call = true;
	hw.rax = ((uint64_t)SVSM_CORE_PROTOCOL << 32) | SVSM_CORE_CREATE_VCPU;
	hw.rcx = AP_VMSA(3);
	hw.rdx = AP_CAA(3);
	hw.r8 = 1;
	sim_hv.hostile = claim_during_call;
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	sim_hv.hostile = hardware;
	EXPECT_TRUE(window.seen);
	EXPECT_TRUE(window.pinned);
	EXPECT_FALSE(window.claimed);
	EXPECT_EQ(ap.last, SNP_REQUEST_DONE);
	EXPECT_EQ(get_u64(hw.vmsa + offsetof(struct snp_vmsa, rax)),
		  SVSM_SUCCESS);
	/* Served, unpinned: now it can be deleted (by the boot vCPU). */
	EXPECT_FALSE(snp_vcpu_pinned(window.victim));
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_DELETE_VCPU, AP_VMSA(0), 0, 0,
				 NULL),
		  SVSM_SUCCESS);
	teardown();
}

/*
 * The host refuses AP 1's Run VMPL: for a vCPU that still exists nothing
 * else can run it, so the loop says FAIL (the kernel ends the VM, as on
 * the boot CPU); for one the guest deleted meanwhile (the host was told
 * to destroy it) the refusal is expected and AP 1 goes back to waiting.
 */
static bool delete_first;

static void refuse_run(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_RUN_VMPL || x->cpu != 1 || !x->ghcb)
		return;
	if (delete_first)
		delete_from_cpu0();
	x->ghcb->sw_exit_info_1 = GHCB_RESP_MALFORMED_INPUT;
}

TEST(snp_aploop, host_refuses_run_vmpl)
{
	unsigned int level = log_get_level();

	ASSERT_TRUE(setup());
	ASSERT_EQ(create_ap1(0), SVSM_SUCCESS);
	log_set_level(LOG_LEVEL_NONE);
	delete_first = false;
	sim_hv.hostile = refuse_run;
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_FAIL);
	EXPECT_TRUE(ap.held == snp_vcpu_by_vmsa(gpa_init(AP_VMSA(0))));
	delete_first = true;
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	sim_hv.hostile = hardware;
	log_set_level(level);
	EXPECT_TRUE(ap.held == NULL);
	EXPECT_TRUE(pfx_is_guest_page(AP_VMSA(0)));
	/* delete_from_cpu0 re-created APIC ID 1's vCPU: AP 1 serves it. */
	hw.vmsa = AP_VMSA(2);
	hw.caa = AP_CAA(2);
	script_query();
	EXPECT_EQ(ap1_step(), SNP_AP_STEP_TURN);
	EXPECT_TRUE(ap_call_answered());
	teardown();
}
