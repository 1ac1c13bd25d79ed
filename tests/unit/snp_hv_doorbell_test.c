/* SPDX-License-Identifier: MIT */
/*
 * The #HV doorbell (kernel/plat/snp/hv_doorbell.c) on the model: the SVSM
 * launched with restricted injection registers a shared doorbell page per
 * vCPU with the model host (sim/hv.c, which serves the #HV Doorbell Page
 * NAE and raises #HV as the KVM restricted-injection series does), and its
 * #HV handler hands the vectors the host writes there to the SVSM's
 * interrupt handlers (the fake arch logs them: kernel/arch/fake/fake_hv.c).
 *
 *   - registration: accepted by a host that offers restricted injection;
 *     refused (upstream KVM, a refusing host, a host echoing another
 *     page): the VM ends with (SNP_TERM_SET_CSVSM, SNP_TERM_HV_DOORBELL);
 *     without restricted injection nothing happens at all;
 *   - a pending timer vector reaches the tick handler with the frame the
 *     #HV interrupted, EOI as NO_EOI_REQUIRED says, and the host can
 *     signal again; an #HV that interrupts the SVSM with interrupts off is
 *     left pending and served by the poll;
 *   - hostile contents (an unknown vector, every bit set, a page that
 *     changes under the handler, #HV without a doorbell) are acknowledged,
 *     counted and logged on a budget, never a crash or an endless loop;
 *   - the model's rules for the NAE (KVM's sev_snp_hv_doorbell_page).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/arch/user.h"

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_term.h"
#include "abi/snp_vmsa.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/hv_doorbell.h"
#include "snp_pool_fixture.h"
#include "test.h"

#define MEM_SIZE SPF_MEM_SIZE
#define BASE	 SPF_BASE
#define GHCB_PA	 SPF_GHCB_PA
#define PRIV_PA	 (BASE + 0x10000) /* a private, validated page */
#define POOL	 SPF_POOL
#define POOL_END SPF_POOL_END
#define SZ_4K	 0x1000ull

#define RI SNP_FEATURE_RESTRICTED_INJECTION
#define HOST_RI                                        \
	(GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION | \
	 GHCB_HV_FT_SNP_RESTRICTED_INJ)
#define HOST_KVM (GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION)

static unsigned int saved_log_level;
static char console[4096];

/* SEV_STATUS of a vCPU whose VMSA has these SEV_FEATURES. */
static uint64_t sev_status(uint64_t features)
{
	return 0x7 | (features << SNP_SEV_STATUS_FEATURES_SHIFT);
}

/*
 * A booted SVSM on the model: pool private and validated, the GHCB
 * registered, the page allocator running, SEV features decided from a
 * launch VMSA with `launch` features on a host advertising `host`.
 */
static bool setup(uint64_t host, uint64_t launch)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_NOTICE);
	REQUIRE_TRUE(spf_model_start());
	fake_hv_reset();
	sim_hv.features = host;
	snp_features_reset();
	snp_hvdb_reset();
	REQUIRE_EQ(sim_rmp_assign(&fake_snp_rmp, PRIV_PA, SNP_RMP_PSIZE_4K),
		   SNP_SUCCESS);
	REQUIRE_TRUE(spf_svsm_start(console, sizeof(console)));
	REQUIRE_EQ(snp_features_init(
			   sev_status(SNP_FEATURE_SNP_ACTIVE | launch), host),
		   SVSM_OK);
	return true;
}

static void teardown(void)
{
	fake_console_buf = NULL;
	sim_hv.hostile = NULL;
	fake_hv_reset();
	snp_hvdb_reset();
	snp_features_reset();
	fake_snp_hv_stop();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_log_level);
}

/* The host's view of vCPU 0's doorbell page. */
static struct ghcb_hv_doorbell *host_view(void)
{
	return arch_phys_to_virt(sim_hv.hvdb_gpa[0], SZ_4K);
}

/* A frame from a task in ring 3 (interrupts on, as in ring 3). */
static void user_frame(struct user_regs *f)
{
	memset(f, 0, sizeof(*f));
	f->vector = GHCB_HV_VECTOR;
	f->cs = 0x2b;
	f->ss = 0x23;
	f->rflags = 0x202;
	f->rip = 0x401000;
}

/* A frame of the SVSM itself, with interrupts off. */
static void kernel_frame(struct user_regs *f)
{
	memset(f, 0, sizeof(*f));
	f->vector = GHCB_HV_VECTOR;
	f->cs = 0x8;
	f->ss = 0x10;
	f->rflags = 0x2;
	f->rip = 0xffffffff80101234ull;
}

static struct snp_hvdb_stats stats(void)
{
	struct snp_hvdb_stats s;

	snp_hvdb_get_stats(&s);
	return s;
}

/* ---- Registration ------------------------------------------------------ */

TEST(snp_hv_doorbell, registered_when_launched_with_restricted_injection)
{
	struct sim_rmp_entry e;
	uint64_t pa;
	unsigned int events;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	pa = pa_val(snp_hvdb_page());
	EXPECT_NE(pa, 0);
	EXPECT_EQ(sim_hv.hvdb_gpa[0], pa);
	EXPECT_EQ(sim_hv.hvdb_events, 1);
	/* The page is shared with the host: in the RMP and the mapping. */
	ASSERT_TRUE(sim_rmp_entry(&fake_snp_rmp, pa, &e));
	EXPECT_FALSE(e.assigned);
	EXPECT_TRUE(fake_vm_shared(pa));
	EXPECT_TRUE(fake_hv_handler == snp_hvdb_handle);
	EXPECT_TRUE(fake_hv_poll == snp_hvdb_poll);
	/* Once per vCPU. */
	events = sim_hv.hvdb_events;
	snp_hvdb_cpu_init();
	EXPECT_EQ(sim_hv.hvdb_events, events);
	EXPECT_EQ(pa_val(snp_hvdb_page()), pa);
	teardown();
}

TEST(snp_hv_doorbell, nothing_without_restricted_injection)
{
	/* Upstream KVM, and a host that offers it to a launch that did not
	 * ask: no exit, no page, no handler; #HV stays an exception. */
	const uint64_t hosts[] = {HOST_KVM, HOST_RI};

	for (unsigned int i = 0; i < 2; i++) {
		unsigned int exits;
		uint64_t free_before;
		struct pgalloc_stats st;

		ASSERT_TRUE(setup(hosts[i], 0));
		pgalloc_get_stats(&st);
		free_before = st.free_pages;
		exits = fake_vmgexits;
		snp_hvdb_cpu_init();
		EXPECT_EQ(fake_vmgexits, exits);
		EXPECT_EQ(sim_hv.hvdb_events, 0);
		EXPECT_EQ(pa_val(snp_hvdb_page()), 0);
		EXPECT_TRUE(fake_hv_handler == NULL);
		EXPECT_TRUE(fake_hv_poll == NULL);
		pgalloc_get_stats(&st);
		EXPECT_EQ(st.free_pages, free_before);
		teardown();
	}
}

/* A host that answers SET with another page than the one named. */
static void echo_other(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (x->ghcb && x->exit_code == GHCB_NAE_HV_DOORBELL_PAGE)
		x->ghcb->sw_exit_info_2 += SZ_4K;
}

static bool ends_with_doorbell_reason(void)
{
	REQUIRE_TRUE(FAKE_EXPECT_VCPU_STOP(snp_hvdb_cpu_init()));
	REQUIRE_TRUE(sim_hv.terminated);
	REQUIRE_EQ(sim_hv.term_set, SNP_TERM_SET_CSVSM);
	REQUIRE_EQ(sim_hv.term_code, SNP_TERM_HV_DOORBELL);
	REQUIRE_TRUE(strstr(console, "#HV doorbell") != NULL);
	return true;
}

TEST(snp_hv_doorbell, refused_doorbell_ends_the_vm)
{
	/* The launch asked for it; upstream KVM has no such event. */
	ASSERT_TRUE(setup(HOST_KVM, RI));
	EXPECT_TRUE(ends_with_doorbell_reason());
	EXPECT_EQ(sim_hv.hvdb_gpa[0], 0);
	teardown();

	/* A host that offers it and refuses the page. */
	ASSERT_TRUE(setup(HOST_RI, RI));
	sim_hv.refuse_hvdb = true;
	EXPECT_TRUE(ends_with_doorbell_reason());
	teardown();

	/* A host that claims another page. */
	ASSERT_TRUE(setup(HOST_RI, RI));
	sim_hv.hostile = echo_other;
	EXPECT_TRUE(ends_with_doorbell_reason());
	teardown();
}

/* ---- Serving the doorbell ---------------------------------------------- */

TEST(snp_hv_doorbell, timer_vector_reaches_the_tick)
{
	struct user_regs f;
	struct ghcb_hv_doorbell *db;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	db = host_view();
	ASSERT_TRUE(db != NULL);
	user_frame(&f);

	ASSERT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_SIGNAL);
	EXPECT_TRUE(snp_hvdb_handle(&f));
	EXPECT_EQ(fake_irq.ticks, 1);
	EXPECT_EQ(fake_irq.user_ticks, 1);
	EXPECT_TRUE(fake_irq.last_frame == &f);
	EXPECT_EQ(fake_irq.eois, 1);
	/* Acknowledged, and the host may signal again. */
	EXPECT_EQ(db->vector, 0);
	EXPECT_EQ(db->events & GHCB_HVDB_NO_FURTHER_SIGNAL, 0);

	/* The host needs no EOI this time: none is written, bit cleared. */
	ASSERT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_SIGNAL);
	db->no_eoi_required = GHCB_HVDB_NO_EOI_REQUIRED;
	EXPECT_TRUE(snp_hvdb_handle(&f));
	EXPECT_EQ(fake_irq.ticks, 2);
	EXPECT_EQ(fake_irq.eois, 1);
	EXPECT_EQ(db->no_eoi_required, 0);
	EXPECT_EQ(sim_hv.hv_signals, 2);
	EXPECT_EQ(stats().ignored, 0);
	teardown();
}

TEST(snp_hv_doorbell, interrupts_off_waits_for_the_poll)
{
	struct user_regs f;
	struct ghcb_hv_doorbell *db;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	db = host_view();
	kernel_frame(&f);

	ASSERT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_SIGNAL);
	EXPECT_TRUE(snp_hvdb_handle(&f));
	/* Nothing taken: a GHCB call may be in flight under this frame. */
	EXPECT_EQ(fake_irq.ticks, 0);
	EXPECT_EQ(fake_irq.eois, 0);
	EXPECT_EQ(db->vector, ARCH_VECTOR_TIMER);
	EXPECT_EQ(stats().deferred, 1);
	/* The host holds further interrupts back meanwhile. */
	EXPECT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_BLOCKED);
	/* The SVSM lets interrupts in again: served, with no task frame. */
	snp_hvdb_poll();
	EXPECT_EQ(fake_irq.ticks, 1);
	EXPECT_EQ(fake_irq.user_ticks, 0);
	EXPECT_EQ(fake_irq.eois, 1);
	EXPECT_EQ(db->vector, 0);
	EXPECT_EQ(db->events & GHCB_HVDB_NO_FURTHER_SIGNAL, 0);
	EXPECT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_SIGNAL);
	/* A poll with nothing pending hands nothing on. */
	snp_hvdb_poll();
	EXPECT_EQ(fake_irq.ticks, 2);
	snp_hvdb_poll();
	EXPECT_EQ(fake_irq.ticks, 2);
	teardown();
}

TEST(snp_hv_doorbell, unknown_vector_ignored_with_a_log_line)
{
	struct user_regs f;
	struct ghcb_hv_doorbell *db;
	size_t before;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	db = host_view();
	user_frame(&f);

	ASSERT_EQ(sim_hv_raise(0, 0x41), SIM_HV_RAISE_SIGNAL);
	EXPECT_TRUE(snp_hvdb_handle(&f));
	EXPECT_EQ(fake_irq.ticks, 0);
	EXPECT_EQ(fake_irq.others, 1);
	EXPECT_EQ(fake_irq.eois, 1); /* the APIC holds it in service */
	EXPECT_EQ(stats().ignored, 1);
	EXPECT_EQ(db->vector, 0);
	EXPECT_TRUE(strstr(console, "ignored 1 vectors") != NULL);
	/* The log has a budget: a host repeating it cannot flood it. */
	before = fake_console_len;
	for (unsigned int i = 0; i < 100; i++) {
		ASSERT_EQ(sim_hv_raise(0, 0x41), SIM_HV_RAISE_SIGNAL);
		EXPECT_TRUE(snp_hvdb_handle(&f));
	}
	EXPECT_EQ(stats().ignored, 101);
	EXPECT_TRUE(fake_console_len - before < 16 * 160);
	teardown();
}

TEST(snp_hv_doorbell, every_bit_set)
{
	struct user_regs f;
	struct ghcb_hv_doorbell *db;
	struct snp_hvdb_stats s;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	db = host_view();
	user_frame(&f);
	memset(db, 0xff, sizeof(*db));
	EXPECT_TRUE(snp_hvdb_handle(&f));
	s = stats();
	/* 0xff is the spurious vector: nothing to run, no EOI. */
	EXPECT_EQ(fake_irq.spurious, 1);
	EXPECT_EQ(fake_irq.eois, 0);
	EXPECT_EQ(fake_irq.ticks, 0);
	EXPECT_EQ(s.nmi, 1);
	EXPECT_EQ(s.mc, 1);
	EXPECT_EQ(db->vector, 0);
	EXPECT_EQ(db->events & (GHCB_HVDB_NO_FURTHER_SIGNAL |
				GHCB_HVDB_NMI_PENDING | GHCB_HVDB_MC_PENDING),
		  0);
	EXPECT_TRUE(strstr(console, "1 NMI, 1 #MC") != NULL);
	teardown();
}

/*
 * A host that writes a new vector and signals again each time the SVSM
 * hands one on, and raises #HV inside the handler (which runs with
 * interrupts off, so the nested #HV is left pending).
 */
static unsigned int hook_calls;

static void keep_writing(uint32_t vector)
{
	struct ghcb_hv_doorbell *db = host_view();
	struct user_regs nested;

	(void)vector;
	hook_calls++;
	db->vector = 0x41;
	db->events |= GHCB_HVDB_NO_FURTHER_SIGNAL;
	kernel_frame(&nested);
	(void)snp_hvdb_handle(&nested);
}

TEST(snp_hv_doorbell, changing_page_is_bounded)
{
	struct user_regs f;
	struct snp_hvdb_stats s;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	user_frame(&f);
	hook_calls = 0;
	fake_irq_hook = keep_writing;
	ASSERT_EQ(sim_hv_raise(0, 0x41), SIM_HV_RAISE_SIGNAL);
	EXPECT_TRUE(snp_hvdb_handle(&f));
	fake_irq_hook = NULL;
	s = stats();
	/* Bounded: 4 rounds of at most 8 vectors, then back to the task. */
	EXPECT_TRUE(hook_calls >= 4 && hook_calls <= 32);
	EXPECT_EQ(s.ignored, hook_calls);
	EXPECT_EQ(s.cut_short, 1);
	EXPECT_EQ(s.deferred, hook_calls);
	/* What is left is served at the next poll. */
	snp_hvdb_poll();
	EXPECT_EQ(host_view()->vector, 0);
	EXPECT_EQ(host_view()->events & GHCB_HVDB_NO_FURTHER_SIGNAL, 0);
	teardown();
}

/* The timer vector written while the handler takes another one. */
static void tick_arrives(uint32_t vector)
{
	struct ghcb_hv_doorbell *db = host_view();

	if (vector != 0x41)
		return;
	db->vector = ARCH_VECTOR_TIMER;
	db->events |= GHCB_HVDB_NO_FURTHER_SIGNAL;
}

TEST(snp_hv_doorbell, tick_written_during_the_handler_is_taken)
{
	struct user_regs f;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	user_frame(&f);
	fake_irq_hook = tick_arrives;
	ASSERT_EQ(sim_hv_raise(0, 0x41), SIM_HV_RAISE_SIGNAL);
	EXPECT_TRUE(snp_hvdb_handle(&f));
	fake_irq_hook = NULL;
	EXPECT_EQ(fake_irq.others, 1);
	EXPECT_EQ(fake_irq.ticks, 1);
	EXPECT_EQ(fake_irq.user_ticks, 1);
	EXPECT_EQ(host_view()->events & GHCB_HVDB_NO_FURTHER_SIGNAL, 0);
	EXPECT_EQ(stats().cut_short, 0);
	teardown();
}

TEST(snp_hv_doorbell, hv_without_a_doorbell_is_ignored)
{
	struct user_regs f;
	unsigned int exits;

	ASSERT_TRUE(setup(HOST_RI, RI));
	snp_hvdb_cpu_init();
	/* vCPU 1 has no doorbell yet: its #HV changes nothing. */
	fake_ghcb_cpu = 1;
	user_frame(&f);
	exits = fake_vmgexits;
	EXPECT_TRUE(snp_hvdb_handle(&f));
	snp_hvdb_poll();
	EXPECT_EQ(stats().no_page, 1);
	EXPECT_EQ(fake_irq.ticks + fake_irq.others + fake_irq.eois, 0);
	EXPECT_EQ(fake_vmgexits, exits);
	fake_ghcb_cpu = 0;
	teardown();
}

/* ---- The model's rules -------------------------------------------------- */

/* One #HV Doorbell Page NAE, sent raw through the registered GHCB. */
static void raw_hvdb(uint64_t op, uint64_t gpa, uint64_t *info1,
		     uint64_t *info2)
{
	struct ghcb *g = arch_phys_to_virt(GHCB_PA, SZ_4K);
	uint64_t msr = GHCB_PA;

	memset(g, 0, sizeof(*g));
	g->sw_exit_code = GHCB_NAE_HV_DOORBELL_PAGE;
	g->sw_exit_info_1 = op;
	g->sw_exit_info_2 = gpa;
	ghcb_bitmap_set(g->valid_bitmap, offsetof(struct ghcb, sw_exit_code));
	ghcb_bitmap_set(g->valid_bitmap, offsetof(struct ghcb, sw_exit_info_1));
	ghcb_bitmap_set(g->valid_bitmap, offsetof(struct ghcb, sw_exit_info_2));
	(void)sim_hv_vmgexit(0, &msr, g);
	*info1 = g->sw_exit_info_1;
	*info2 = g->sw_exit_info_2;
}

TEST(snp_hv_doorbell, model_serves_the_nae_as_kvm)
{
	uint64_t i1;
	uint64_t i2;
	uint64_t shared = POOL_END - SZ_4K;

	ASSERT_TRUE(setup(HOST_RI, 0));
	ASSERT_EQ(sim_rmp_make_shared(&fake_snp_rmp, shared, SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	raw_hvdb(GHCB_HV_DOORBELL_GET_PREFERRED, 0, &i1, &i2);
	EXPECT_EQ(i1, 0);
	EXPECT_EQ(i2, GHCB_HV_DOORBELL_NONE);
	raw_hvdb(GHCB_HV_DOORBELL_QUERY, 0, &i1, &i2);
	EXPECT_EQ(i2, GHCB_HV_DOORBELL_NONE);
	/* Not page aligned, outside memory, private: INVALID_INPUT. */
	raw_hvdb(GHCB_HV_DOORBELL_SET, shared + 8, &i1, &i2);
	EXPECT_EQ(i1, GHCB_RESP_MALFORMED_INPUT);
	EXPECT_EQ(i2, GHCB_ERR_INVALID_INPUT);
	raw_hvdb(GHCB_HV_DOORBELL_SET, BASE + MEM_SIZE, &i1, &i2);
	EXPECT_EQ(i2, GHCB_ERR_INVALID_INPUT);
	raw_hvdb(GHCB_HV_DOORBELL_SET, PRIV_PA, &i1, &i2);
	EXPECT_EQ(i2, GHCB_ERR_INVALID_INPUT);
	EXPECT_EQ(sim_hv.hvdb_gpa[0], 0);
	/* A shared page: set, answered, queried, cleared. */
	raw_hvdb(GHCB_HV_DOORBELL_SET, shared, &i1, &i2);
	EXPECT_EQ(i1, 0);
	EXPECT_EQ(i2, shared);
	raw_hvdb(GHCB_HV_DOORBELL_QUERY, 0, &i1, &i2);
	EXPECT_EQ(i2, shared);
	raw_hvdb(GHCB_HV_DOORBELL_CLEAR, 0, &i1, &i2);
	EXPECT_EQ(i1, 0);
	raw_hvdb(GHCB_HV_DOORBELL_QUERY, 0, &i1, &i2);
	EXPECT_EQ(i2, GHCB_HV_DOORBELL_NONE);
	EXPECT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_BLOCKED);
	/* A request it does not know forgets the page. */
	raw_hvdb(GHCB_HV_DOORBELL_SET, shared, &i1, &i2);
	raw_hvdb(7, 0, &i1, &i2);
	EXPECT_EQ(i2, GHCB_ERR_INVALID_INPUT);
	EXPECT_EQ(sim_hv.hvdb_gpa[0], 0);
	teardown();

	/* Upstream KVM knows no such event. */
	ASSERT_TRUE(setup(HOST_KVM, 0));
	raw_hvdb(GHCB_HV_DOORBELL_QUERY, 0, &i1, &i2);
	EXPECT_EQ(i1, GHCB_RESP_MALFORMED_INPUT);
	EXPECT_EQ(i2, GHCB_ERR_INVALID_EVENT);
	teardown();
}

TEST(snp_hv_doorbell, model_raises_hv_as_kvm)
{
	struct ghcb_hv_doorbell *db;

	ASSERT_TRUE(setup(HOST_RI, RI));
	EXPECT_EQ(sim_hv_raise(0, ARCH_VECTOR_TIMER), SIM_HV_RAISE_BLOCKED);
	snp_hvdb_cpu_init();
	db = host_view();
	EXPECT_EQ(sim_hv_raise(0, 0x30), SIM_HV_RAISE_SIGNAL);
	EXPECT_EQ(db->vector, 0x30);
	EXPECT_TRUE(db->events & GHCB_HVDB_NO_FURTHER_SIGNAL);
	/* Blocked until the vector is acknowledged. */
	EXPECT_EQ(sim_hv_raise(0, 0x31), SIM_HV_RAISE_BLOCKED);
	db->vector = 0;
	/* Written, but no #HV while NO_FURTHER_SIGNAL is set. */
	EXPECT_EQ(sim_hv_raise(0, 0x31), SIM_HV_RAISE_PENDING);
	EXPECT_EQ(db->vector, 0x31);
	EXPECT_EQ(sim_hv.hv_signals, 1);
	teardown();
}
