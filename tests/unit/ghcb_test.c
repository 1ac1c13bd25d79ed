/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the SVSM's GHCB client (kernel/plat/snp/ghcb.c) against
 * the model hypervisor (sim/hv.c), reached through the fake arch's
 * VMGEXIT (kernel/arch/fake/fake_ghcb.c), with the RMP, vCPU table and
 * PSP models of sim/ behind it.
 *
 * Covered: registration (good, before negotiation, refused by the host,
 * a host echoing another GFN or response code, per-CPU pages, the host's
 * refusal of an unregistered GPA); SEV information version negotiation
 * and HV features; CPUID over the MSR protocol; page-state change over
 * the MSR protocol and the NAE, round trips checked in the RMP (4 KiB,
 * 2 MiB with PSMASH, more than one descriptor, a host that stops early);
 * a hostile host moving the PSC indices backwards, beyond the end,
 * changing the end, setting reserved bits, making no progress, claiming
 * success without changing the RMP, or mangling the exit code, the valid
 * bitmap or EXITINFO1/2; the SNP guest request through ghcb -> hv -> psp
 * and the firmware/VMM error split; the extended request's certificate
 * buffer rules; AP creation recorded in the host's table; Run VMPL;
 * termination, also by a host that returns from it. Each hostile case
 * must fail (or stop the vCPU) and leave the client's state as it was.
 * Reference: AMD 56421 ("56421" below), AMD 56860 guest messages and the
 * bug classes of docs/threat-model.md.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/arch/ghcb.h"

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "sim_psp_fixture.h"
#include "snp/ghcb.h"
#include "snp/guest_req.h"
#include "snp/snp.h"
#include "test.h"
#include "vcpu.h"

#define MEM_SIZE (8ull << 20)
#define BASE	 FAKE_PHYS_BASE
#define GHCB_A	 (BASE + 0x1000)
#define GHCB_B	 (BASE + 0x2000)
#define REQ	 (BASE + 0x10000)
#define RESP	 (BASE + 0x11000)
#define CERTS	 (BASE + 0x12000) /* 4 pages */
#define VMSA	 (BASE + 0x20000)
#define PAGES	 (BASE + 0x40000)  /* 4 KiB pages for PSC tests */
#define BIG	 (BASE + 0x200000) /* a 2 MiB page */
#define SZ_4K	 0x1000ull

static unsigned int saved_log_level;
static struct sim_vcpu_table host_vcpus;

/* Fresh memory, all pages shared; the hypervisor attached; no GHCB. */
static bool setup(void)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	REQUIRE_TRUE(fake_mm_init(MEM_SIZE) == BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, BASE, MEM_SIZE));
	fake_snp_reset_counters();
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	sim_vcpu_table_init(&host_vcpus, &fake_snp_rmp);
	sim_hv.vcpus = &host_vcpus;
	ghcb_reset();
	fake_vmgexits = 0;
	return true;
}

/* setup(), then negotiation and GHCB_A registered. */
static bool setup_registered(void)
{
	return setup() && ghcb_negotiate(NULL) == SVSM_OK &&
	       ghcb_register(pa_init(GHCB_A)) == SVSM_OK;
}

static void teardown(void)
{
	fake_snp_hv_stop();
	ghcb_reset();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_log_level);
}

static struct sim_rmp_entry rmp(uint64_t gpa)
{
	struct sim_rmp_entry e;

	memset(&e, 0xee, sizeof(e));
	EXPECT_TRUE(sim_rmp_entry(&fake_snp_rmp, gpa, &e));
	return e;
}

/* The client still works: an honest event goes through GHCB_A. */
static bool still_usable(void)
{
	unsigned int runs = sim_hv.vmpl_runs;

	sim_hv.hostile = NULL;
	REQUIRE_TRUE(ghcb_registered());
	REQUIRE_EQ(ghcb_run_vmpl(1), SVSM_OK);
	REQUIRE_EQ(sim_hv.vmpl_runs, runs + 1);
	REQUIRE_EQ(sim_hv.ghcb_gpa[0], GHCB_A);
	return true;
}

/* ---- Negotiation and registration (56421) ----------------------------- */

TEST(ghcb, negotiate_versions_and_features)
{
	static const struct {
		uint16_t min, max;
		enum svsm_err want;
	} cases[] = {
		{1, 2, SVSM_OK},
		{2, 2, SVSM_OK},
		{2, 5, SVSM_OK},
		{1, 1, SVSM_E_UNSUPPORTED},
		{3, 4, SVSM_E_UNSUPPORTED},
		{2, 1, SVSM_E_UNSUPPORTED},
		{3, 2, SVSM_E_UNSUPPORTED},
		{0, 0, SVSM_E_UNSUPPORTED},
	};
	struct ghcb_host_info info;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_TRUE(setup());
		sim_hv.min_version = cases[i].min;
		sim_hv.max_version = cases[i].max;
		memset(&info, 0, sizeof(info));
		EXPECT_EQ(ghcb_negotiate(&info), cases[i].want);
		if (cases[i].want == SVSM_OK) {
			EXPECT_EQ(info.min_version, cases[i].min);
			EXPECT_EQ(info.max_version, cases[i].max);
			EXPECT_EQ(info.cbit, 51);
			EXPECT_EQ(info.hv_features, sim_hv.features);
		} else {
			/* Nothing recorded: registration still refused. */
			EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_E_INVAL);
			EXPECT_EQ(sim_hv.ghcb_gpa[0], 0);
		}
		teardown();
	}

	/* Each feature an SVSM needs (56421 HV features), on a host that
	 * offers every one of the first six. */
	for (unsigned int bit = 0; bit < 6; bit++) {
		uint64_t f = 1ull << bit;

		ASSERT_TRUE(setup());
		sim_hv.features = 0x3full & ~f;
		EXPECT_EQ(ghcb_negotiate(NULL), (f & GHCB_SVSM_HV_FEATURES)
							? SVSM_E_UNSUPPORTED
							: SVSM_OK);
		teardown();
	}
}

TEST(ghcb, negotiate_on_a_host_with_only_snp_and_ap_creation)
{
	/* What upstream KVM and today's SVSM-capable hosts advertise. */
	struct ghcb_host_info info;

	ASSERT_TRUE(setup());
	sim_hv.features = GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION;
	EXPECT_EQ(ghcb_negotiate(&info), SVSM_OK);
	EXPECT_EQ(info.hv_features,
		  GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION);
	EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_OK);
	teardown();
}

static uint64_t msr_value;

static void msr_rewrite(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (!x->ghcb)
		*x->msr = msr_value;
}

/* A host answering the negotiation with the wrong response codes. */
TEST(ghcb, negotiate_wrong_response_code)
{
	ASSERT_TRUE(setup());
	sim_hv.hostile = msr_rewrite;
	/* SEV info data with the HV-features response code. */
	msr_value = ghcb_msr_sev_info_resp(2, 1, 51) ^
		    (GHCB_MSR_SEV_INFO_RESP ^ GHCB_MSR_HV_FT_RESP);
	EXPECT_EQ(ghcb_negotiate(NULL), SVSM_E_HW);
	/* A good SEV info answer to both requests. */
	msr_value = ghcb_msr_sev_info_resp(2, 1, 51);
	EXPECT_EQ(ghcb_negotiate(NULL), SVSM_E_HW);
	EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_E_INVAL);
	teardown();
}

TEST(ghcb, register_good)
{
	ASSERT_TRUE(setup());
	EXPECT_FALSE(ghcb_registered());
	ASSERT_EQ(ghcb_negotiate(NULL), SVSM_OK);
	ASSERT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_OK);
	EXPECT_TRUE(ghcb_registered());
	EXPECT_EQ(sim_hv.ghcb_gpa[0], GHCB_A);
	EXPECT_TRUE(still_usable());
	/* The page is left invalidated (56421): no exit code, no bits. */
	{
		const struct ghcb *g = arch_phys_to_virt(GHCB_A, SZ_4K);

		EXPECT_EQ(g->sw_exit_code, 0);
		EXPECT_EQ(g->valid_bitmap[0], 0);
		EXPECT_EQ(g->valid_bitmap[1], 0);
		EXPECT_EQ(g->protocol_version, GHCB_PROTOCOL_VERSION);
	}
	teardown();
}

TEST(ghcb, register_refused)
{
	/* Arguments the client refuses without asking the host. */
	ASSERT_TRUE(setup());
	EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_E_INVAL);
	ASSERT_EQ(ghcb_negotiate(NULL), SVSM_OK);
	fake_vmgexits = 0;
	EXPECT_EQ(ghcb_register(pa_init(GHCB_A + 8)), SVSM_E_INVAL);
	EXPECT_EQ(ghcb_register(pa_init(BASE + MEM_SIZE)), SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);

	/* The host refuses: no GHCB on this CPU, nothing recorded. */
	sim_hv.refuse_register = true;
	EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_E_HW);
	EXPECT_FALSE(ghcb_registered());
	EXPECT_EQ(sim_hv.ghcb_gpa[0], 0);
	EXPECT_EQ(ghcb_run_vmpl(1), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(sim_hv.vmpl_runs, 0);

	/* The host refuses a private page as a GHCB. */
	sim_hv.refuse_register = false;
	ASSERT_EQ(sim_rmp_assign(&fake_snp_rmp, GHCB_B, SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	EXPECT_EQ(ghcb_register(pa_init(GHCB_B)), SVSM_E_HW);
	EXPECT_FALSE(ghcb_registered());
	teardown();
}

/* For a call that never returns. */
static void run_vmpl_ignoring_result(unsigned int vmpl)
{
	if (ghcb_run_vmpl(vmpl) == SVSM_OK)
		return;
}

/* A host that echoes something else than the GFN it was given. */
TEST(ghcb, register_wrong_echo)
{
	static const uint64_t lies[] = {
		((GHCB_B >> 12) << 12) | GHCB_MSR_REG_GPA_RESP,
		((GHCB_A >> 12) << 12) | GHCB_MSR_REG_GPA_REQ,
		((GHCB_A >> 12) << 12) | GHCB_MSR_SEV_INFO_RESP,
		GHCB_MSR_DATA_MASK | GHCB_MSR_REG_GPA_RESP,
		0,
	};

	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		ASSERT_TRUE(setup());
		ASSERT_EQ(ghcb_negotiate(NULL), SVSM_OK);
		sim_hv.hostile = msr_rewrite;
		msr_value = lies[i];
		EXPECT_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_E_HW);
		EXPECT_FALSE(ghcb_registered());
		teardown();
	}

	/*
	 * A lie about a second page leaves the client with the first. The
	 * host did register the second, so the next event through the first
	 * is one through an unregistered GHCB, which ends the VM as KVM ends
	 * it: the lie costs the host its guest.
	 */
	ASSERT_TRUE(setup_registered());
	sim_hv.hostile = msr_rewrite;
	msr_value = lies[0] + (1ull << 12);
	EXPECT_EQ(ghcb_register(pa_init(GHCB_B)), SVSM_E_HW);
	sim_hv.hostile = NULL;
	EXPECT_TRUE(ghcb_registered());
	EXPECT_EQ(sim_hv.ghcb_gpa[0], GHCB_B);
	EXPECT_TRUE(FAKE_EXPECT_VCPU_STOP(run_vmpl_ignoring_result(1)));
	EXPECT_FALSE(fake_vcpu_halted);
	EXPECT_EQ(fake_ghcb_msr, GHCB_A);
	EXPECT_EQ(sim_hv.unregistered, 1);
	EXPECT_TRUE(sim_hv.ended);
	EXPECT_EQ(sim_hv.vmpl_runs, 0);
	teardown();
}

/*
 * Each CPU has its own page. An event through a GHCB GPA the vCPU did not
 * register ends the VM, as KVM ends it (Linux arch/x86/kvm/svm/sev.c,
 * sev_handle_vmgexit: KVM_RUN fails with -EINVAL); GPA 0 or a GPA outside
 * memory is ignored and the vCPU resumes with the page unchanged.
 */
TEST(ghcb, per_cpu_pages_and_unregistered_gpa)
{
	uint8_t before[64];
	struct ghcb *a;

	ASSERT_TRUE(setup_registered());
	fake_ghcb_cpu = 1;
	EXPECT_FALSE(ghcb_registered());
	EXPECT_EQ(ghcb_run_vmpl(2), SVSM_E_UNSUPPORTED);
	ASSERT_EQ(ghcb_register(pa_init(GHCB_B)), SVSM_OK);
	EXPECT_EQ(sim_hv.ghcb_gpa[1], GHCB_B);
	EXPECT_EQ(ghcb_run_vmpl(2), SVSM_OK);
	EXPECT_EQ(sim_hv.last_vmpl, 2);

	/* GPA 0 and a GPA outside memory: back to the guest, nothing done. */
	a = arch_phys_to_virt(GHCB_A, SZ_4K);
	memset(a, 0x3c, SZ_4K);
	memcpy(before, a, sizeof(before));
	arch_ghcb_msr_write(0);
	arch_vmgexit();
	arch_ghcb_msr_write(BASE + MEM_SIZE);
	arch_vmgexit();
	EXPECT_EQ(sim_hv.unmapped, 2);
	EXPECT_FALSE(sim_hv.ended);
	EXPECT_EQ(memcmp(before, a, sizeof(before)), 0);

	/* CPU 1 exits with CPU 0's page: the VM ends, nothing served. */
	memset(a, 0, SZ_4K);
	arch_ghcb_msr_write(GHCB_A);
	EXPECT_TRUE(FAKE_EXPECT_VCPU_STOP(arch_vmgexit()));
	EXPECT_EQ(sim_hv.unregistered, 1);
	EXPECT_TRUE(sim_hv.ended);
	EXPECT_EQ(sim_hv.vmpl_runs, 1);
	EXPECT_EQ(a->sw_exit_info_1, 0);
	teardown();
}

/* CPUID over the MSR protocol, as the hypervisor's table says (56421). */
TEST(ghcb, hv_cpuid_msr)
{
	uint64_t r;

	ASSERT_TRUE(setup());
	arch_ghcb_msr_write(
		ghcb_msr_cpuid_req(0x8000001fu, GHCB_CPUID_REG_EBX));
	arch_vmgexit();
	r = arch_ghcb_msr_read();
	EXPECT_EQ(ghcb_msr_info(r), GHCB_MSR_CPUID_RESP);
	EXPECT_EQ(r >> 32, 51u | (1u << 6));
	arch_ghcb_msr_write(ghcb_msr_cpuid_req(0x1234, GHCB_CPUID_REG_EAX));
	arch_vmgexit();
	EXPECT_EQ(arch_ghcb_msr_read() >> 32, 0);
	/* An unknown request: the model leaves the MSR alone. */
	arch_ghcb_msr_write(0x0ffu);
	arch_vmgexit();
	EXPECT_EQ(arch_ghcb_msr_read(), 0x0ffu);
	teardown();
}

/* ---- Page state change (56421) ---------------------------------------- */

TEST(ghcb, msr_page_state_change)
{
	ASSERT_TRUE(setup());
	ASSERT_EQ(
		ghcb_msr_page_state_change(pa_init(PAGES), GHCB_PSC_OP_PRIVATE),
		SVSM_OK);
	EXPECT_TRUE(rmp(PAGES).assigned);
	EXPECT_FALSE(rmp(PAGES).validated);
	ASSERT_EQ(
		ghcb_msr_page_state_change(pa_init(PAGES), GHCB_PSC_OP_SHARED),
		SVSM_OK);
	EXPECT_FALSE(rmp(PAGES).assigned);
	EXPECT_EQ(sim_hv.msr_pscs, 2);

	fake_vmgexits = 0;
	EXPECT_EQ(
		ghcb_msr_page_state_change(pa_init(PAGES), GHCB_PSC_OP_PSMASH),
		SVSM_E_INVAL);
	EXPECT_EQ(ghcb_msr_page_state_change(pa_init(PAGES + 1),
					     GHCB_PSC_OP_SHARED),
		  SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);
	/* The host fails it (outside its RMP), or says so falsely. */
	EXPECT_EQ(ghcb_msr_page_state_change(pa_init(BASE + MEM_SIZE),
					     GHCB_PSC_OP_PRIVATE),
		  SVSM_E_HW);
	sim_hv.hostile = msr_rewrite;
	msr_value = (1ull << 32) | GHCB_MSR_PSC_RESP;
	EXPECT_EQ(
		ghcb_msr_page_state_change(pa_init(PAGES), GHCB_PSC_OP_PRIVATE),
		SVSM_E_HW);
	msr_value = GHCB_MSR_REG_GPA_RESP;
	EXPECT_EQ(
		ghcb_msr_page_state_change(pa_init(PAGES), GHCB_PSC_OP_PRIVATE),
		SVSM_E_HW);
	teardown();
}

static void psc_4k(uint64_t *e, uint64_t gpa, size_t n, unsigned int op)
{
	for (size_t i = 0; i < n; i++)
		e[i] = ghcb_psc_entry((gpa >> 12) + i, op, false);
}

/* Private and back to shared, checked in the RMP; PVALIDATE proves it. */
TEST(ghcb, psc_round_trip)
{
	uint64_t e[4];
	bool cf;

	ASSERT_TRUE(setup_registered());
	psc_4k(e, PAGES, 4, GHCB_PSC_OP_PRIVATE);
	ASSERT_EQ(ghcb_page_state_change(e, 4), SVSM_OK);
	for (unsigned int i = 0; i < 4; i++) {
		struct sim_rmp_entry r = rmp(PAGES + i * SZ_4K);

		EXPECT_TRUE(r.assigned);
		EXPECT_FALSE(r.validated);
		EXPECT_EQ(r.page_size, SNP_RMP_PSIZE_4K);
	}
	EXPECT_FALSE(rmp(PAGES + 4 * SZ_4K).assigned);
	EXPECT_EQ(sim_hv.psc_entries, 4);
	EXPECT_EQ(snp_pvalidate(pa_init(PAGES), false, true, &cf), SNP_SUCCESS);

	/* Back to shared (after the rescind, as the SVSM does it). */
	EXPECT_EQ(snp_pvalidate(pa_init(PAGES), false, false, &cf),
		  SNP_SUCCESS);
	psc_4k(e, PAGES, 4, GHCB_PSC_OP_SHARED);
	ASSERT_EQ(ghcb_page_state_change(e, 4), SVSM_OK);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_FALSE(rmp(PAGES + i * SZ_4K).assigned);
	EXPECT_TRUE(still_usable());
	teardown();
}

/*
 * A host that backs memory with huge pages: a 2 MiB page, then one 4 KiB
 * page of it shared: the host PSMASHes.
 */
TEST(ghcb, psc_2m_and_psmash)
{
	uint64_t e = ghcb_psc_entry(BIG >> 12, GHCB_PSC_OP_PRIVATE, true);
	bool cf;

	ASSERT_TRUE(setup_registered());
	sim_hv.huge_backing = true;
	ASSERT_EQ(ghcb_page_state_change(&e, 1), SVSM_OK);
	EXPECT_EQ(rmp(BIG).page_size, SNP_RMP_PSIZE_2M);
	EXPECT_TRUE(rmp(BIG + SNP_PAGE_SIZE_2M - SZ_4K).assigned);
	EXPECT_EQ(snp_pvalidate(pa_init(BIG), true, true, &cf), SNP_SUCCESS);
	EXPECT_EQ(snp_pvalidate(pa_init(BIG), true, false, &cf), SNP_SUCCESS);

	e = ghcb_psc_entry((BIG >> 12) + 5, GHCB_PSC_OP_SHARED, false);
	ASSERT_EQ(ghcb_page_state_change(&e, 1), SVSM_OK);
	EXPECT_EQ(sim_hv.psmashes, 1);
	EXPECT_FALSE(rmp(BIG + 5 * SZ_4K).assigned);
	EXPECT_TRUE(rmp(BIG + 4 * SZ_4K).assigned);
	EXPECT_EQ(rmp(BIG + 4 * SZ_4K).page_size, SNP_RMP_PSIZE_4K);
	teardown();
}

/* More entries than one descriptor holds, from a host that stops early. */
TEST(ghcb, psc_many_entries_host_stops_early)
{
	static uint64_t e[300];

	ASSERT_TRUE(setup_registered());
	sim_hv.psc_max_per_exit = 7;
	psc_4k(e, PAGES, ARRAY_SIZE(e), GHCB_PSC_OP_PRIVATE);
	fake_vmgexits = 0;
	ASSERT_EQ(ghcb_page_state_change(e, ARRAY_SIZE(e)), SVSM_OK);
	/* 253 entries in 37 rounds, then 47 in 7. */
	EXPECT_EQ(fake_vmgexits, 37 + 7);
	EXPECT_EQ(sim_hv.psc_entries, 300);
	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		EXPECT_TRUE(rmp(PAGES + i * SZ_4K).assigned);
	EXPECT_FALSE(rmp(PAGES + 300 * SZ_4K).assigned);
	teardown();
}

/*
 * A host with 4 KiB backing (KVM's usual case): a 2 MiB change gives 512
 * entries of 4 KiB, so a 2 MiB PVALIDATE reports FAIL_SIZEMISMATCH and the
 * guest validates the pages one by one.
 */
TEST(ghcb, psc_2m_without_huge_backing_gives_4k_entries)
{
	uint64_t e = ghcb_psc_entry(BIG >> 12, GHCB_PSC_OP_PRIVATE, true);
	bool cf;

	ASSERT_TRUE(setup_registered());
	ASSERT_EQ(ghcb_page_state_change(&e, 1), SVSM_OK);
	EXPECT_EQ(rmp(BIG).page_size, SNP_RMP_PSIZE_4K);
	EXPECT_TRUE(rmp(BIG + SNP_PAGE_SIZE_2M - SZ_4K).assigned);
	EXPECT_EQ(snp_pvalidate(pa_init(BIG), true, true, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_EQ(snp_pvalidate(pa_init(BIG + SZ_4K), false, true, &cf),
		  SNP_SUCCESS);
	teardown();
}

/*
 * A host that changes a 2 MiB entry 100 pages per exit, advancing only
 * that entry's cur_page (KVM may): progress, not a stalled host.
 */
TEST(ghcb, psc_2m_entry_completed_in_partial_rounds)
{
	uint64_t e[2] = {
		ghcb_psc_entry(BIG >> 12, GHCB_PSC_OP_PRIVATE, true),
		ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_PRIVATE, false),
	};

	ASSERT_TRUE(setup_registered());
	sim_hv.psc_2m_pages_per_exit = 100;
	fake_vmgexits = 0;
	ASSERT_EQ(ghcb_page_state_change(e, 2), SVSM_OK);
	/* 512 pages in rounds of 100: 6 exits, the last also doing e[1]. */
	EXPECT_EQ(fake_vmgexits, 6u);
	for (uint64_t off = 0; off < SNP_PAGE_SIZE_2M; off += SZ_4K)
		EXPECT_TRUE(rmp(BIG + off).assigned);
	EXPECT_TRUE(rmp(PAGES).assigned);
	teardown();
}

static void rewind_cur_page(struct sim_hv_exit *x, void *ctx)
{
	struct ghcb_psc *d;

	(void)ctx;
	if (!x->ghcb || x->exit_code != GHCB_NAE_SNP_PSC)
		return;
	d = (struct ghcb_psc *)(void *)x->ghcb->shared_buffer;
	/* No cur_entry progress, and cur_page not grown: a stalled host. */
	d->entries[0] &= ~GHCB_PSC_ENTRY_CUR_PAGE_MASK;
}

TEST(ghcb, psc_2m_entry_without_progress_is_refused)
{
	uint64_t e = ghcb_psc_entry(BIG >> 12, GHCB_PSC_OP_PRIVATE, true);

	ASSERT_TRUE(setup_registered());
	sim_hv.psc_2m_pages_per_exit = 100;
	sim_hv.hostile = rewind_cur_page;
	fake_vmgexits = 0;
	EXPECT_EQ(ghcb_page_state_change(&e, 1), SVSM_E_HW);
	EXPECT_EQ(fake_vmgexits, 1u);
	sim_hv.hostile = NULL;
	teardown();
}

/* Entries the client refuses to send. */
TEST(ghcb, psc_entry_rules)
{
	const uint64_t bad[] = {
		ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_PRIVATE, false) | 1,
		ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_PRIVATE, false) |
			(1ull << 60),
		ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_PSMASH, false),
		ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_UNSMASH, false),
		ghcb_psc_entry(PAGES >> 12, 0, false),
		ghcb_psc_entry((BIG >> 12) + 1, GHCB_PSC_OP_PRIVATE, true),
	};
	uint64_t good = ghcb_psc_entry(PAGES >> 12, GHCB_PSC_OP_PRIVATE, false);

	ASSERT_TRUE(setup_registered());
	fake_vmgexits = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t two[2] = {good, bad[i]};

		EXPECT_EQ(ghcb_page_state_change(two, 2), SVSM_E_INVAL);
	}
	EXPECT_EQ(ghcb_page_state_change(&good, 0), SVSM_E_INVAL);
	EXPECT_EQ(ghcb_page_state_change(NULL, 1), SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);
	EXPECT_FALSE(rmp(PAGES).assigned);
	teardown();
}

/* How a hostile host rewrites the answer to a PSC exit. */
enum psc_lie {
	LIE_BACKWARDS,	   /* cur_entry below the one before the exit */
	LIE_BEYOND_END,	   /* cur_entry past end + 1 */
	LIE_END_SHRINKS,   /* end_entry lowered to the new cur_entry - 1 */
	LIE_END_GROWS,	   /* end_entry raised */
	LIE_RESERVED,	   /* reserved header bits set */
	LIE_NO_PROGRESS,   /* success, cur_entry unchanged */
	LIE_ERROR,	   /* EXITINFO2 nonzero */
	LIE_EXIT_CODE,	   /* another exit code in the page */
	LIE_INFO1_INVALID, /* EXITINFO1 not marked valid */
	LIE_INFO1_EXC,	   /* EXITINFO1 = 1: inject an exception */
	LIE_INFO1_HIGH,	   /* EXITINFO1 = 0x100000000 + 2 */
};

static enum psc_lie psc_lie;
static unsigned int psc_exits;
static uint16_t psc_cur_before;

static void psc_hostile(struct sim_hv_exit *x, void *ctx)
{
	struct ghcb_psc *d;

	(void)ctx;
	if (!x->ghcb || x->exit_code != GHCB_NAE_SNP_PSC)
		return;
	d = (struct ghcb_psc *)(void *)x->ghcb->shared_buffer;
	/* The honest host did two entries; lie on the second exit. */
	if (++psc_exits < 2) {
		psc_cur_before = d->hdr.cur_entry;
		return;
	}
	switch (psc_lie) {
	case LIE_BACKWARDS:
		d->hdr.cur_entry = (uint16_t)(psc_cur_before - 1);
		break;
	case LIE_BEYOND_END:
		d->hdr.cur_entry = (uint16_t)(d->hdr.end_entry + 2);
		break;
	case LIE_END_SHRINKS:
		d->hdr.end_entry = (uint16_t)(d->hdr.cur_entry - 1);
		break;
	case LIE_END_GROWS:
		d->hdr.end_entry++;
		break;
	case LIE_RESERVED:
		d->hdr.reserved = 0x10;
		break;
	case LIE_NO_PROGRESS:
		d->hdr.cur_entry = psc_cur_before;
		break;
	case LIE_ERROR:
		x->ghcb->sw_exit_info_2 = 7;
		break;
	case LIE_EXIT_CODE:
		x->ghcb->sw_exit_code = GHCB_NAE_SNP_RUN_VMPL;
		break;
	case LIE_INFO1_INVALID:
		x->ghcb->valid_bitmap[offsetof(struct ghcb, sw_exit_info_1) /
				      8 / 64] = 0;
		break;
	case LIE_INFO1_EXC:
		x->ghcb->sw_exit_info_1 = GHCB_RESP_ISSUE_EXCEPTION;
		break;
	case LIE_INFO1_HIGH:
		x->ghcb->sw_exit_info_1 = (1ull << 32) | 2;
		break;
	}
}

TEST(ghcb, psc_hostile_host_detected)
{
	static const enum psc_lie lies[] = {
		LIE_BACKWARDS, LIE_BEYOND_END, LIE_END_SHRINKS,
		LIE_END_GROWS, LIE_RESERVED,   LIE_NO_PROGRESS,
		LIE_ERROR,     LIE_EXIT_CODE,  LIE_INFO1_INVALID,
		LIE_INFO1_EXC, LIE_INFO1_HIGH,
	};
	uint64_t e[10];

	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		ASSERT_TRUE(setup_registered());
		sim_hv.psc_max_per_exit = 2;
		sim_hv.hostile = psc_hostile;
		psc_lie = lies[i];
		psc_exits = 0;
		psc_4k(e, PAGES, ARRAY_SIZE(e), GHCB_PSC_OP_PRIVATE);
		fake_vmgexits = 0;
		EXPECT_EQ(ghcb_page_state_change(e, ARRAY_SIZE(e)), SVSM_E_HW);
		/* Detected on the exit it happened: no further rounds. */
		EXPECT_EQ(fake_vmgexits, 2);
		if (fake_vmgexits != 2)
			test_printf("  lie %d: %u exits\n", (int)lies[i],
				    fake_vmgexits);
		/* The client is as it was, and the caller's entries too. */
		EXPECT_EQ(e[9], ghcb_psc_entry((PAGES >> 12) + 9,
					       GHCB_PSC_OP_PRIVATE, false));
		EXPECT_TRUE(still_usable());
		teardown();
	}
}

/*
 * A host that says it made the pages private and did not: the client
 * cannot see the RMP, and PVALIDATE, which the SVSM does next for every
 * page made private, is what fails.
 */
static void psc_do_nothing(struct sim_hv_exit *x, void *ctx)
{
	struct ghcb_psc *d;

	(void)ctx;
	if (!x->ghcb || x->exit_code != GHCB_NAE_SNP_PSC)
		return;
	d = (struct ghcb_psc *)(void *)x->ghcb->shared_buffer;
	for (unsigned int i = 0; i <= d->hdr.end_entry; i++)
		(void)sim_rmp_make_shared(
			&fake_snp_rmp, ghcb_psc_entry_gfn(d->entries[i]) << 12,
			SNP_RMP_PSIZE_4K);
}

TEST(ghcb, psc_success_without_change_caught_by_pvalidate)
{
	uint64_t e[2];
	bool cf;

	ASSERT_TRUE(setup_registered());
	sim_hv.hostile = psc_do_nothing;
	psc_4k(e, PAGES, 2, GHCB_PSC_OP_PRIVATE);
	EXPECT_EQ(ghcb_page_state_change(e, 2), SVSM_OK);
	EXPECT_FALSE(rmp(PAGES).assigned);
	EXPECT_EQ(snp_pvalidate(pa_init(PAGES), false, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_FALSE(rmp(PAGES).validated);
	teardown();
}

/* ---- Guest requests (56421, 56860) ----------------------------------- */

static struct sim_psp_config cfg;

/* A sealed MSG_REPORT_REQ for seqno in the request page; its message. */
static void put_request(struct sim_psp_msg *m, struct snp_report_req *r,
			uint64_t seqno)
{
	pfx_guest_msg(m, &cfg, 0, seqno);
	pfx_report_req(r, (uint8_t)seqno, 0, 0);
	memset(arch_phys_to_virt(REQ, PAGE), 0, PAGE);
	EXPECT_NE(pfx_seal_req(m, r, arch_phys_to_virt(REQ, PAGE)), 0);
}

static bool setup_psp(void)
{
	REQUIRE_TRUE(setup_registered());
	sim_hv.psp = pfx_new_psp(&cfg);
	REQUIRE_TRUE(sim_hv.psp != NULL);
	return true;
}

static void teardown_psp(void)
{
	sim_psp_destroy(sim_hv.psp);
	sim_hv.psp = NULL;
	teardown();
}

TEST(ghcb, guest_request_through_psp)
{
	struct sim_psp_msg m;
	struct snp_report_req r;
	static struct snp_report_rsp rsp;
	uint64_t fw_err = 1;
	size_t len = 0;

	ASSERT_TRUE(setup_psp());
	put_request(&m, &r, 1);
	ASSERT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_OK);
	EXPECT_EQ(fw_err, 0);
	EXPECT_EQ(sim_hv.greq.forwarded, 1);
	EXPECT_EQ(sim_hv.greq.seen[0].seqno, 1);
	ASSERT_EQ(sim_psp_guest_open(&m, arch_phys_to_virt(RESP, PAGE), PAGE,
				     &rsp, sizeof(rsp), &len),
		  SIM_PSP_OK);
	EXPECT_EQ(len, sizeof(rsp));
	EXPECT_EQ(rsp.status, SNP_REPORT_STATUS_SUCCESS);
	EXPECT_TRUE(!memcmp(rsp.report.report_data, r.report_data, 64));
	EXPECT_EQ(sim_psp_next_seqno(sim_hv.psp, 0), 3);

	/* Pages the client refuses; private pages the host refuses. */
	fake_vmgexits = 0;
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(REQ), &fw_err),
		  SVSM_E_INVAL);
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ + 8), pa_init(RESP), &fw_err),
		  SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);
	ASSERT_EQ(sim_rmp_assign(&fake_snp_rmp, RESP, SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_E_HW);
	EXPECT_EQ(fw_err, GHCB_ERR_INVALID_INPUT);
	EXPECT_EQ(sim_hv.greq.calls, 1);
	teardown_psp();
}

static uint64_t info2_value;

static void info2_rewrite(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->ghcb)
		x->ghcb->sw_exit_info_2 = info2_value;
}

/* 56421: EXITINFO2 = VMM error << 32 | firmware status. */
TEST(ghcb, guest_request_error_split)
{
	static const struct {
		uint64_t info2;
		enum svsm_err want;
	} lies[] = {
		{(uint64_t)GHCB_GUEST_REQ_ERR_BUSY << 32, SVSM_E_BUSY},
		{((uint64_t)GHCB_GUEST_REQ_ERR_BUSY << 32) | 0x16, SVSM_E_HW},
		{(uint64_t)GHCB_GUEST_REQ_ERR_INVALID_LEN << 32, SVSM_E_HW},
		{7ull << 32, SVSM_E_HW},
		{0x16, SVSM_E_HW},
	};
	struct sim_psp_msg m;
	struct snp_report_req r;
	uint64_t fw_err;

	/* The host's BUSY: nothing forwarded, the same request later. */
	ASSERT_TRUE(setup_psp());
	put_request(&m, &r, 1);
	sim_hv.greq.busy = 1;
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_E_BUSY);
	EXPECT_EQ(fw_err, (uint64_t)GHCB_GUEST_REQ_ERR_BUSY << 32);
	EXPECT_EQ(sim_hv.greq.forwarded, 0);
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_OK);
	EXPECT_EQ(sim_psp_next_seqno(sim_hv.psp, 0), 3);
	/* The transport passes BUSY on as BUSY, all else as HW. */
	sim_hv.greq.busy = 1;
	EXPECT_EQ(snp_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_E_BUSY);
	EXPECT_EQ(snp_guest_request(pa_init(REQ), pa_init(REQ), &fw_err),
		  SVSM_E_HW);

	/* The firmware's error: the low half, no VMM error. */
	put_request(&m, &r, 3);
	((uint8_t *)arch_phys_to_virt(REQ, PAGE))[0x70] ^= 1;
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_E_HW);
	EXPECT_EQ(fw_err >> 32, 0);
	EXPECT_EQ(fw_err, SIM_PSP_E_AUTH);
	/* The host's own failure. */
	sim_hv.greq.fail_before = true;
	EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err),
		  SVSM_E_HW);
	EXPECT_EQ(fw_err, SIM_HV_HOST_FAILURE);
	teardown_psp();

	/* Whatever the host claims, only 0 is success and only BUSY busy. */
	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		ASSERT_TRUE(setup_psp());
		put_request(&m, &r, 1);
		sim_hv.hostile = info2_rewrite;
		info2_value = lies[i].info2;
		EXPECT_EQ(ghcb_guest_request(pa_init(REQ), pa_init(RESP),
					     &fw_err),
			  lies[i].want);
		EXPECT_EQ(fw_err, lies[i].info2);
		EXPECT_TRUE(still_usable());
		teardown_psp();
	}
}

static uint8_t certs_blob[5000];

/* 56421: too small a buffer gets INVALID_LEN and the pages needed. */
TEST(ghcb, ext_guest_request_certs)
{
	const uint8_t *buf;
	struct sim_psp_msg m;
	struct snp_report_req r;
	uint64_t fw_err;
	uint32_t npages = 1;

	ASSERT_TRUE(setup_psp());
	pfx_pattern(certs_blob, sizeof(certs_blob), 0x3c);
	sim_hv.greq.certs = certs_blob;
	sim_hv.greq.certs_len = sizeof(certs_blob);
	put_request(&m, &r, 1);
	EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(CERTS), &npages, &fw_err),
		  SVSM_E_NOMEM);
	EXPECT_EQ(npages, 2);
	EXPECT_EQ(fw_err, (uint64_t)GHCB_GUEST_REQ_ERR_INVALID_LEN << 32);
	EXPECT_EQ(sim_hv.greq.forwarded, 0);
	EXPECT_EQ(sim_psp_next_seqno(sim_hv.psp, 0), 1);
	/* The same request again with the pages asked for. */
	ASSERT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(CERTS), &npages, &fw_err),
		  SVSM_OK);
	buf = arch_phys_to_virt(CERTS, 2 * SZ_4K);
	EXPECT_TRUE(!memcmp(buf, certs_blob, sizeof(certs_blob)));
	EXPECT_EQ(sim_hv.greq.ext_calls, 2);
	EXPECT_EQ(sim_psp_next_seqno(sim_hv.psp, 0), 3);

	/* No certificates: an empty table. */
	sim_hv.greq.certs_len = 0;
	memset(arch_phys_to_virt(CERTS, SZ_4K), 0xff, SZ_4K);
	put_request(&m, &r, 3);
	npages = 1;
	EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(CERTS), &npages, &fw_err),
		  SVSM_OK);
	EXPECT_TRUE(pfx_all_byte(arch_phys_to_virt(CERTS, 24), 24, 0));

	/* Arguments the client refuses without an exit. */
	fake_vmgexits = 0;
	npages = GHCB_EXT_CERTS_MAX_PAGES + 1;
	EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(CERTS), &npages, &fw_err),
		  SVSM_E_INVAL);
	npages = 2;
	EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(RESP), &npages, &fw_err),
		  SVSM_E_INVAL);
	EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
					 pa_init(CERTS + 1), &npages, &fw_err),
		  SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);
	teardown_psp();
}

static uint64_t rbx_value;
static bool rbx_valid;

static void invalid_len_lie(struct sim_hv_exit *x, void *ctx)
{
	size_t bit = offsetof(struct ghcb, rbx) / 8;

	(void)ctx;
	if (!x->ghcb)
		return;
	x->ghcb->sw_exit_info_2 = (uint64_t)GHCB_GUEST_REQ_ERR_INVALID_LEN
				  << 32;
	x->ghcb->rbx = rbx_value;
	if (rbx_valid)
		x->ghcb->valid_bitmap[bit / 64] |= 1ull << (bit % 64);
	else
		x->ghcb->valid_bitmap[bit / 64] &= ~(1ull << (bit % 64));
}

/* An INVALID_LEN whose page count does not add up. */
TEST(ghcb, ext_guest_request_length_bounded)
{
	static const struct {
		uint64_t rbx;
		bool valid;
	} lies[] = {
		{GHCB_EXT_CERTS_MAX_PAGES + 1, true},
		{1ull << 40, true},
		{2, true}, /* not more than offered */
		{1, true},
		{0, true},
		{3, false}, /* RBX not marked valid */
	};
	uint64_t fw_err;

	for (size_t i = 0; i < ARRAY_SIZE(lies); i++) {
		uint32_t npages = 2;

		ASSERT_TRUE(setup_psp());
		sim_hv.hostile = invalid_len_lie;
		rbx_value = lies[i].rbx;
		rbx_valid = lies[i].valid;
		EXPECT_EQ(ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
						 pa_init(CERTS), &npages,
						 &fw_err),
			  SVSM_E_HW);
		EXPECT_EQ(npages, 2);
		EXPECT_TRUE(still_usable());
		teardown_psp();
	}
}

/* ---- The host's checks of every event (KVM) ---------------------------- */

/* One event written straight into GHCB_A, as a guest other than the
 * SVSM's client might write it; returns the page after the exit. */
struct raw_event {
	uint64_t exit_code;
	uint64_t info1;
	uint64_t info2;
	uint64_t scratch;
	uint32_t usage;
	uint16_t version;
	bool no_info1; /* leave SW_EXITINFO1 unmarked */
	bool no_scratch;
};

static struct ghcb *raw_exit(const struct raw_event *r)
{
	struct ghcb *g = arch_phys_to_virt(GHCB_A, SZ_4K);

	memset(g, 0, offsetof(struct ghcb, shared_buffer));
	g->sw_exit_code = r->exit_code;
	g->sw_exit_info_1 = r->info1;
	g->sw_exit_info_2 = r->info2;
	g->sw_scratch = r->scratch;
	g->ghcb_usage = r->usage;
	g->protocol_version = r->version;
	ghcb_bitmap_set(g->valid_bitmap, offsetof(struct ghcb, sw_exit_code));
	ghcb_bitmap_set(g->valid_bitmap, offsetof(struct ghcb, sw_exit_info_2));
	if (!r->no_info1)
		ghcb_bitmap_set(g->valid_bitmap,
				offsetof(struct ghcb, sw_exit_info_1));
	if (!r->no_scratch)
		ghcb_bitmap_set(g->valid_bitmap,
				offsetof(struct ghcb, sw_scratch));
	arch_ghcb_msr_write(GHCB_A);
	arch_vmgexit();
	return g;
}

static bool refused_with(const struct ghcb *g, uint64_t reason)
{
	REQUIRE_EQ(g->sw_exit_info_1, GHCB_RESP_MALFORMED_INPUT);
	REQUIRE_EQ(g->sw_exit_info_2, reason);
	return true;
}

/*
 * As KVM checks an event before serving it (Linux arch/x86/kvm/svm/sev.c,
 * sev_es_validate_vmgexit): usage, the three valid bits, the inputs each
 * event needs, known events; the protocol version field is not checked.
 */
TEST(ghcb, events_checked_as_kvm_checks_them)
{
	struct raw_event r = {.exit_code = GHCB_NAE_SNP_RUN_VMPL,
			      .info1 = 1,
			      .version = GHCB_PROTOCOL_VERSION};

	ASSERT_TRUE(setup_registered());
	r.usage = 1;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_USAGE));
	r.usage = 0;
	r.no_info1 = true;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_MISSING_INPUT));
	r.no_info1 = false;
	EXPECT_EQ(sim_hv.vmpl_runs, 0);
	/* Any version field: KVM does not read it. */
	r.version = 1;
	EXPECT_EQ(raw_exit(&r)->sw_exit_info_1, 0);
	EXPECT_EQ(sim_hv.vmpl_runs, 1);

	/* Guest requests: page-aligned, different pages. */
	r = (struct raw_event){.exit_code = GHCB_NAE_SNP_GUEST_REQUEST,
			       .info1 = REQ + 8,
			       .info2 = RESP};
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_MISSING_INPUT));
	r.info1 = REQ;
	r.info2 = REQ;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_MISSING_INPUT));
	EXPECT_EQ(sim_hv.greq.calls, 0);
	/* A page-state change without SW_SCRATCH; an unknown event. */
	r = (struct raw_event){.exit_code = GHCB_NAE_SNP_PSC,
			       .no_scratch = true};
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_MISSING_INPUT));
	r = (struct raw_event){.exit_code = 0x8000fffeull};
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_EVENT));
	EXPECT_FALSE(sim_hv.ended);
	EXPECT_TRUE(still_usable());
	teardown();
}

/* A PSC descriptor for one private 4 KiB page at `page`, at `at`. */
static void psc_descriptor(uint64_t at, uint64_t page)
{
	uint64_t d[2] = {
		(uint64_t)0 | ((uint64_t)0 << 16), /* cur 0, end 0 */
		ghcb_psc_entry(page >> 12, GHCB_PSC_OP_PRIVATE, false),
	};

	memcpy(arch_phys_to_virt(at, sizeof(d)), d, sizeof(d));
}

/*
 * The scratch area as KVM maps it (setup_vmgexit_scratch): not 0, no
 * overflow; inside the GHCB only within the shared buffer; outside it
 * at most 16 pages, copied in and back; one KVM cannot read ends the VM.
 */
TEST(ghcb, scratch_area_mapped_as_kvm_maps_it)
{
	const uint64_t shared = GHCB_A + GHCB_SHARED_BUF_OFFSET;
	struct raw_event r = {.exit_code = GHCB_NAE_SNP_PSC};
	const struct ghcb *g;

	ASSERT_TRUE(setup_registered());
	r.scratch = 0;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_SCRATCH));
	r.scratch = GHCB_A + 0x100; /* in the GHCB, not the shared buffer */
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_SCRATCH));
	r.scratch = GHCB_A + 0xfe8; /* 16 bytes past 0xff0 */
	r.info2 = 16;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_SCRATCH));
	r.scratch = ~0ull - 8; /* wraps */
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_SCRATCH));
	r.scratch = PAGES; /* outside: more than 16 pages */
	r.info2 = 16 * SZ_4K + 8;
	EXPECT_TRUE(refused_with(raw_exit(&r), GHCB_ERR_INVALID_SCRATCH));
	EXPECT_EQ(sim_hv.psc_entries, 0);

	/* Served: in the shared buffer past its start, and outside. */
	psc_descriptor(shared + 0x40, PAGES + SZ_4K);
	r = (struct raw_event){.exit_code = GHCB_NAE_SNP_PSC,
			       .scratch = shared + 0x40};
	g = raw_exit(&r);
	EXPECT_EQ(g->sw_exit_info_1, 0);
	EXPECT_EQ(g->sw_exit_info_2, 0);
	EXPECT_TRUE(rmp(PAGES + SZ_4K).assigned);
	psc_descriptor(PAGES, PAGES + 2 * SZ_4K);
	r.scratch = PAGES;
	r.info2 = 16;
	g = raw_exit(&r);
	EXPECT_EQ(g->sw_exit_info_1, 0);
	EXPECT_TRUE(rmp(PAGES + 2 * SZ_4K).assigned);
	/* The header went back into guest memory: entry 0 done. */
	EXPECT_EQ(*(const uint16_t *)arch_phys_to_virt(PAGES, 2), 1);
	EXPECT_EQ(sim_hv.psc_entries, 2);
	EXPECT_FALSE(sim_hv.ended);

	/* Outside memory: KVM's read fails and the VM ends. */
	r.scratch = BASE + MEM_SIZE;
	EXPECT_TRUE(FAKE_EXPECT_VCPU_STOP(raw_exit(&r)));
	EXPECT_TRUE(sim_hv.ended);
	teardown();
}

/* ---- AP creation, Run VMPL, termination (56421) ---------------------- */

TEST(ghcb, ap_create_recorded)
{
	const struct sim_vcpu *v;

	ASSERT_TRUE(setup_registered());
	ASSERT_EQ(sim_rmp_launch_page(&fake_snp_rmp, VMSA, true), SNP_SUCCESS);
	/* As KVM: other SEV features than the VM's are refused. */
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE_ON_INIT, 3, pa_init(VMSA), 2,
				 0x5),
		  SVSM_E_HW);
	host_vcpus.vmsa_features = 0x5;
	ASSERT_EQ(ghcb_ap_create(GHCB_AP_CREATE_ON_INIT, 3, pa_init(VMSA), 2,
				 0x5),
		  SVSM_OK);
	v = sim_vcpu_find(&host_vcpus, 3, 2);
	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(v->vmsa_gpa, VMSA);
	EXPECT_EQ(v->sev_features, 0x5);
	EXPECT_EQ(host_vcpus.creates, 1);
	/* Through the platform notification, as DELETE_VCPU sends it. */
	EXPECT_EQ(snp_vcpu_notify(SNP_VCPU_DESTROY, 3, 2, pa_init(VMSA), 0x5),
		  SVSM_OK);
	EXPECT_TRUE(sim_vcpu_find(&host_vcpus, 3, 2) == NULL);
	EXPECT_EQ(host_vcpus.destroys, 1);

	/* The host refuses: not a VMSA page, or it just says no. */
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE, 3, pa_init(PAGES), 2, 0x5),
		  SVSM_E_HW);
	host_vcpus.refuse = 1;
	EXPECT_EQ(snp_vcpu_notify(SNP_VCPU_CREATE, 3, 2, pa_init(VMSA), 0x5),
		  SVSM_E_HW);
	EXPECT_EQ(sim_vcpu_count(&host_vcpus), 0);
	/* As KVM refuses: an APIC ID without a vCPU, a 2 MiB-aligned VMSA. */
	host_vcpus.apic_count = 4;
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE, 4, pa_init(VMSA), 2, 0x5),
		  SVSM_E_HW);
	ASSERT_EQ(sim_rmp_launch_page(&fake_snp_rmp, BIG, true), SNP_SUCCESS);
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE, 3, pa_init(BIG), 2, 0x5),
		  SVSM_E_HW);
	EXPECT_EQ(sim_vcpu_count(&host_vcpus), 0);
	host_vcpus.apic_count = 0;

	/* Refused by the client without an exit. */
	fake_vmgexits = 0;
	EXPECT_EQ(ghcb_ap_create(3, 3, pa_init(VMSA), 2, 0x5), SVSM_E_INVAL);
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE, 3, pa_init(VMSA), 4, 0x5),
		  SVSM_E_INVAL);
	EXPECT_EQ(ghcb_ap_create(GHCB_AP_CREATE, 3, pa_init(VMSA + 8), 2, 0x5),
		  SVSM_E_INVAL);
	EXPECT_EQ(fake_vmgexits, 0);
	EXPECT_TRUE(still_usable());
	teardown();
}

static void info1_exception(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->ghcb)
		x->ghcb->sw_exit_info_1 = GHCB_RESP_ISSUE_EXCEPTION;
}

TEST(ghcb, run_vmpl)
{
	ASSERT_TRUE(setup_registered());
	EXPECT_EQ(ghcb_run_vmpl(2), SVSM_OK);
	EXPECT_EQ(sim_hv.vmpl_runs, 1);
	EXPECT_EQ(sim_hv.last_vmpl, 2);
	EXPECT_EQ(sim_hv.last_exit_code, GHCB_NAE_SNP_RUN_VMPL);
	EXPECT_EQ(ghcb_run_vmpl(4), SVSM_E_INVAL);
	sim_hv.hostile = info1_exception;
	EXPECT_EQ(ghcb_run_vmpl(2), SVSM_E_HW);
	EXPECT_TRUE(still_usable());
	teardown();
}

static void resume_after_terminate(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	x->stop = false;
}

TEST(ghcb, terminate)
{
	ASSERT_TRUE(setup_registered());
	EXPECT_TRUE(FAKE_EXPECT_VCPU_STOP(ghcb_terminate(1, 3)));
	EXPECT_TRUE(sim_hv.terminated);
	EXPECT_EQ(sim_hv.term_set, 1);
	EXPECT_EQ(sim_hv.term_code, 3);
	EXPECT_FALSE(fake_vcpu_halted);
	teardown();

	/* A host that resumes the vCPU anyway: it halts for good. */
	ASSERT_TRUE(setup_registered());
	sim_hv.hostile = resume_after_terminate;
	EXPECT_TRUE(FAKE_EXPECT_VCPU_STOP(ghcb_terminate(0, 2)));
	EXPECT_TRUE(sim_hv.terminated);
	EXPECT_EQ(sim_hv.term_set, 0);
	EXPECT_EQ(sim_hv.term_code, 2);
	EXPECT_TRUE(fake_vcpu_halted);
	teardown();
}
