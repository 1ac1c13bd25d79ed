/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's request loop (kernel/plat/snp/loop.c) on the model VM
 * (tests/model/guest.h): the SVSM asks the model hypervisor to run the
 * guest's VMPL through its GHCB; the "hardware" (this test's host
 * callback) runs the guest, which makes its first SVSM call exactly as
 * the calling convention says (registers saved in its VMSA by VMGEXIT,
 * CALL_PENDING in its calling area); back at VMPL0 the SVSM serves it,
 * and the guest's exchange of CALL_PENDING finds it served with the
 * answer in its registers. A host that returns to VMPL0 with another
 * exit code, or without a call, gets nothing served; a host that refuses
 * Run VMPL ends the turn with an error.
 */
#include <string.h>

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "hv.h"
#include "protocol_fixture.h"
#include "snp/loop.h"

/* What the guest does when the hardware runs it. */
static struct {
	bool call;	    /* make a call */
	uint64_t exit_code; /* the exit that ends its run */
	uint64_t rax, rcx;
	unsigned int runs;
	unsigned int vmpl_seen;
} guest;

static void guest_runs(struct sim_hv_exit *x, void *ctx)
{
	struct snp_vmsa *v;
	uint8_t *caa;

	(void)ctx;
	if (x->exit_code != GHCB_NAE_SNP_RUN_VMPL)
		return;
	guest.runs++;
	guest.vmpl_seen = sim_hv.last_vmpl;
	v = sim_guest_ptr(pfx.boot_vmsa, sizeof(*v));
	caa = sim_guest_ptr(pfx.boot_caa, 8);
	/* VMGEXIT saves the guest's registers and exit code in its VMSA. */
	v->rax = guest.rax;
	v->rcx = guest.rcx;
	memcpy((uint8_t *)v + SNP_VMSA_OFF_EXITCODE, &guest.exit_code, 8);
	if (guest.call)
		caa[0] = 1; /* CALL_PENDING */
}

static bool setup(void)
{
	REQUIRE_TRUE(pfx_setup());
	memset(&guest, 0, sizeof(guest));
	sim_hv.hostile = guest_runs;
	sim_hv.hostile_ctx = NULL;
	return true;
}

static void teardown(void)
{
	sim_hv.hostile = NULL;
	sim_guest_fini(&pfx);
}

/* The guest's side after the run: exchange CALL_PENDING with 0. */
static uint8_t guest_pending_xchg(void)
{
	uint8_t *caa = sim_guest_ptr(pfx.boot_caa, 8);

	return __atomic_exchange_n(caa, 0, __ATOMIC_SEQ_CST);
}

static uint64_t guest_reg(size_t off)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)sim_guest_ptr(pfx.boot_vmsa, SNP_VMSA_SIZE) + off,
	       8);
	return v;
}

TEST(snp_loop, first_call_gets_an_answer)
{
	enum snp_request_status st = SNP_REQUEST_NO_VCPU;
	unsigned int runs_before;

	ASSERT_TRUE(setup());
	runs_before = sim_hv.vmpl_runs;
	/* SVSM_CORE_QUERY_PROTOCOL for the core protocol, version 1. */
	guest.call = true;
	guest.exit_code = SNP_EXITCODE_VMGEXIT;
	guest.rax =
		((uint64_t)SVSM_CORE_PROTOCOL << 32) | SVSM_CORE_QUERY_PROTOCOL;
	guest.rcx = ((uint64_t)SVSM_CORE_PROTOCOL << 32) | 1;
	ASSERT_EQ(snp_loop_turn(pfx.boot, &st), SVSM_OK);
	EXPECT_EQ(sim_hv.vmpl_runs, runs_before + 1);
	EXPECT_EQ(guest.vmpl_seen, PFX_VMPL);
	EXPECT_EQ(st, SNP_REQUEST_DONE);
	EXPECT_EQ(guest_pending_xchg(), 0); /* served */
	EXPECT_EQ(guest_reg(offsetof(struct snp_vmsa, rax)), SVSM_SUCCESS);
	/* RCX = max << 32 | min supported versions of the core protocol. */
	EXPECT_EQ(guest_reg(offsetof(struct snp_vmsa, rcx)), (1ull << 32) | 1);
	/* The guest can run again: EFER.SVME is set. */
	EXPECT_TRUE(guest_reg(offsetof(struct snp_vmsa, efer)) & SNP_EFER_SVME);
	teardown();
}

TEST(snp_loop, returns_without_a_call_serve_nothing)
{
	enum snp_request_status st = SNP_REQUEST_DONE;

	ASSERT_TRUE(setup());
	/* An exit code the loop does not know (an NPF, 0x400). */
	guest.call = true;
	guest.exit_code = 0x400;
	guest.rax =
		((uint64_t)SVSM_CORE_PROTOCOL << 32) | SVSM_CORE_QUERY_PROTOCOL;
	ASSERT_EQ(snp_loop_turn(pfx.boot, &st), SVSM_OK);
	EXPECT_EQ(st, SNP_REQUEST_SPURIOUS);
	EXPECT_EQ(guest_reg(offsetof(struct snp_vmsa, rax)), guest.rax);
	EXPECT_EQ(guest_pending_xchg(), 1); /* not served */
	/* VMGEXIT, but no CALL_PENDING: the host ran VMPL0 on its own. */
	guest.call = false;
	guest.exit_code = SNP_EXITCODE_VMGEXIT;
	ASSERT_EQ(snp_loop_turn(pfx.boot, &st), SVSM_OK);
	EXPECT_EQ(st, SNP_REQUEST_SPURIOUS);
	EXPECT_EQ(guest_reg(offsetof(struct snp_vmsa, rax)), guest.rax);
	EXPECT_TRUE(guest_reg(offsetof(struct snp_vmsa, efer)) & SNP_EFER_SVME);
	teardown();
}

static void refuse_run(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->exit_code == GHCB_NAE_SNP_RUN_VMPL && x->ghcb)
		x->ghcb->sw_exit_info_1 = GHCB_RESP_MALFORMED_INPUT;
}

TEST(snp_loop, host_refuses_run_vmpl)
{
	enum snp_request_status st = SNP_REQUEST_NO_VCPU;

	unsigned int level = log_get_level();

	ASSERT_TRUE(setup());
	log_set_level(LOG_LEVEL_NONE);
	sim_hv.hostile = refuse_run;
	EXPECT_EQ(snp_loop_turn(pfx.boot, &st), SVSM_E_HW);
	EXPECT_EQ(st, SNP_REQUEST_NO_VCPU); /* untouched: nothing served */
	log_set_level(level);
	teardown();
}
