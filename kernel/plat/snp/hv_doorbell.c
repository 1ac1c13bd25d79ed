/* SPDX-License-Identifier: MIT */
/*
 * The #HV doorbell of each vCPU (snp/hv_doorbell.h): registration, and
 * what the #HV handler does with the page the host writes.
 *
 * The protocol (AMD 56421, "#HV Doorbell Page"; the host side as the KVM
 * restricted-injection series writes it, Linux arch/x86/kvm/svm/sev.c,
 * __sev_snp_inject and prepare_hv_injection): the host writes the vector
 * it delivers into byte 0 and raises #HV unless NO_FURTHER_SIGNAL is set,
 * which it sets when it does; while byte 0 is nonzero it delivers nothing
 * else (sev_snp_blocked). The guest clears NO_FURTHER_SIGNAL first, then
 * takes vectors by exchanging byte 0 with 0 until it reads 0, so a signal
 * that comes while it works is either seen in the page or raises a new
 * #HV. EOI: the guest writes the local APIC's EOI for each interrupt,
 * unless NO_EOI_REQUIRED (byte 2, bit 0) was set, which it clears.
 *
 * State: one record per vCPU, written by that vCPU only (in its #HV
 * handler or at its init), so no lock.
 */
#define LOG_PREFIX "snp: "

#include "snp/hv_doorbell.h"

#include "svsm/arch/ghcb.h"
#include "svsm/arch/hv.h"
#include "svsm/arch/user.h"

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"

#include "abi/ghcb.h"
#include "abi/snp_term.h"
#include "abi/snp_vmsa.h"

#include "lib/string.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/shared_pages.h"

/*
 * Bounds on one #HV: passes over the page (a pass starts again when the
 * host signalled while the last one ran) and vectors taken per pass. An
 * honest host delivers one interrupt at a time; these only stop a host
 * that keeps writing from holding the vCPU in the handler.
 */
#define HVDB_ROUNDS	       4u
#define HVDB_VECTORS_PER_ROUND 8u

#define RFLAGS_IF (1ull << 9)

struct hvdb_cpu {
	paddr_t pa;
	struct ghcb_hv_doorbell __shared *page; /* NULL: no doorbell */
	bool deferred; /* an #HV was left for arch_trap_hv_poll() */
	struct snp_hvdb_stats stats;
	struct snp_hvdb_stats logged; /* what the log has reported */
};

static struct hvdb_cpu cpus[CFG_MAX_CPUS];
static struct log_budget notices = LOG_BUDGET(16);

static struct hvdb_cpu *this_hvdb(void)
{
	unsigned int cpu = arch_ghcb_cpu_index();

	CHECK(cpu < CFG_MAX_CPUS);
	return &cpus[cpu];
}

/* ---- Shared-page access ------------------------------------------------ */

/*
 * SAFETY: the only accesses to a doorbell page. The pointers are members
 * of the page snp_hvdb_cpu_init() allocated (4 KiB, shared, mapped) and
 * are bytes, so each access is inside the page and aligned. Every access
 * is one atomic read-modify-write or load: the host writes the page at
 * any time, and the value the SVSM acts on is the one the atomic
 * operation returned, never a second read.
 */
static uint8_t take_vector(const struct hvdb_cpu *c)
{
	return __atomic_exchange_n(&c->page->vector, 0, __ATOMIC_SEQ_CST);
}

/* Clears `bits` of the event byte; returns the byte before. */
static uint8_t clear_events(const struct hvdb_cpu *c, uint8_t bits)
{
	return __atomic_fetch_and(&c->page->events, (uint8_t)~bits,
				  __ATOMIC_SEQ_CST);
}

/* Clears NO_EOI_REQUIRED; returns whether it was set. */
static bool take_no_eoi(const struct hvdb_cpu *c)
{
	return __atomic_fetch_and(&c->page->no_eoi_required,
				  (uint8_t)~GHCB_HVDB_NO_EOI_REQUIRED,
				  __ATOMIC_SEQ_CST) &
	       GHCB_HVDB_NO_EOI_REQUIRED;
}

/* The bytes the SVSM reads, zeroed: a shared page holds what it held. */
static void clear_page(const struct hvdb_cpu *c)
{
	__atomic_store_n(&c->page->vector, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->page->events, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->page->no_eoi_required, 0, __ATOMIC_SEQ_CST);
}

/* Whether the host signalled again: a vector waits, or the bit is set. */
static bool signalled(const struct hvdb_cpu *c)
{
	return __atomic_load_n(&c->page->vector, __ATOMIC_SEQ_CST) ||
	       (__atomic_load_n(&c->page->events, __ATOMIC_SEQ_CST) &
		GHCB_HVDB_NO_FURTHER_SIGNAL);
}

/* ---- Registration ------------------------------------------------------ */

static __noreturn void end(const char *why)
{
	log_error("#HV doorbell: %s; restricted injection needs one", why);
	ghcb_terminate(SNP_TERM_SET_CSVSM, SNP_TERM_HV_DOORBELL);
}

/*
 * A page of the SVSM's, shared with the host (snp_share_pages: rescinded,
 * shared in the RMP, mapped without the C-bit), as c->page and c->pa.
 */
static bool share_page(struct hvdb_cpu *c)
{
	bool lost = false;
	void *va;

	if (pgalloc_alloc(0, 0, &c->pa) != SVSM_OK)
		return false;
	va = arch_phys_to_virt(pa_val(c->pa), PAGE_SIZE);
	CHECK(va != NULL);
	if (snp_share_pages(c->pa, 1, &lost) != SVSM_OK) {
		if (!lost)
			pgalloc_free(c->pa, 0);
		return false;
	}
	c->page = (struct ghcb_hv_doorbell __shared *)va;
	return true;
}

void snp_hvdb_cpu_init(void)
{
	/*
	 * TRUST: the host may refuse the page or answer another GPA
	 * (ghcb_hv_doorbell() checks the echo). Either way no interrupt
	 * would reach this vCPU, the task tick included, so the VM ends.
	 */
	struct hvdb_cpu *c;
	enum svsm_err err;

	if (!(snp_svsm_sev_features() & SNP_FEATURE_RESTRICTED_INJECTION))
		return;
	c = this_hvdb();
	if (c->page)
		return;
	/* First the handler: the host may signal as soon as SET returns. */
	arch_trap_set_hv_handler(snp_hvdb_handle, snp_hvdb_poll);
	if (!share_page(c))
		end("no shared page");
	clear_page(c);
	err = ghcb_hv_doorbell(GHCB_HV_DOORBELL_SET, c->pa, NULL);
	if (err != SVSM_OK) {
		c->page = NULL;
		end("the host refused the page");
	}
	log_info("#HV doorbell at 0x%llx", (unsigned long long)pa_val(c->pa));
}

paddr_t snp_hvdb_page(void)
{
	struct hvdb_cpu *c = this_hvdb();

	return c->page ? c->pa : pa_init(0);
}

/* ---- Serving the page -------------------------------------------------- */

/*
 * One pass: clear the signal and event bits, then take vectors. A timer
 * vector is only noted (*tick, *tick_eoi): its handler may end the task
 * and not return, so it runs last, once the page is served.
 */
static void serve_round(struct hvdb_cpu *c, bool *tick, bool *tick_eoi)
{
	uint8_t ev = clear_events(c, GHCB_HVDB_NO_FURTHER_SIGNAL |
					     GHCB_HVDB_NMI_PENDING |
					     GHCB_HVDB_MC_PENDING);

	c->stats.rounds++;
	c->stats.nmi += !!(ev & GHCB_HVDB_NMI_PENDING);
	c->stats.mc += !!(ev & GHCB_HVDB_MC_PENDING);
	for (unsigned int i = 0; i < HVDB_VECTORS_PER_ROUND; i++) {
		uint8_t v = take_vector(c);
		bool eoi;

		if (!v)
			return;
		eoi = !take_no_eoi(c); /* 56421, NoEoiRequired */
		if (v == ARCH_VECTOR_TIMER) {
			c->stats.ticks++;
			*tick = true;
			*tick_eoi |= eoi;
		} else if (!arch_trap_interrupt(NULL, v, eoi)) {
			c->stats.ignored++;
		}
	}
}

/* What the host did that the SVSM ignored, on the log budget. */
static void report(struct hvdb_cpu *c)
{
	struct snp_hvdb_stats *s = &c->stats;
	struct snp_hvdb_stats *l = &c->logged;

	if (s->ignored == l->ignored && s->nmi == l->nmi && s->mc == l->mc &&
	    s->no_page == l->no_page && s->cut_short == l->cut_short)
		return;
	log_limited(&notices,
		    "#HV: ignored %u vectors without a handler, %u NMI, %u "
		    "#MC, %u without a doorbell, %u cut short",
		    s->ignored - l->ignored, s->nmi - l->nmi, s->mc - l->mc,
		    s->no_page - l->no_page, s->cut_short - l->cut_short);
	*l = *s;
}

/*
 * Serves the page; f is the interrupted frame (NULL from the poll: the
 * SVSM itself). Runs only where interrupts could be taken, so the EOIs,
 * the log and the tick may use the GHCB and the console.
 */
static void serve(struct hvdb_cpu *c, struct user_regs *f)
{
	bool tick = false;
	bool tick_eoi = false;
	unsigned int round = 0;

	c->deferred = false;
	do {
		serve_round(c, &tick, &tick_eoi);
	} while (signalled(c) && ++round < HVDB_ROUNDS);
	if (round == HVDB_ROUNDS)
		c->stats.cut_short++;
	report(c);
	if (tick)
		(void)arch_trap_interrupt(f, ARCH_VECTOR_TIMER, tick_eoi);
}

bool snp_hvdb_handle(struct user_regs *f)
{
	/*
	 * TRUST: the host raises #HV when it likes and writes the page as
	 * it likes, before and while the handler reads it. Each byte is
	 * taken by one atomic operation; a vector without a handler is
	 * acknowledged and counted, the event bits are cleared and
	 * counted, the passes are bounded. Nothing here ends the SVSM.
	 */
	struct hvdb_cpu *c = this_hvdb();

	c->stats.signals++;
	if (!c->page) {
		c->stats.no_page++;
		return true;
	}
	if (!(f->rflags & RFLAGS_IF)) {
		/*
		 * The SVSM ran with interrupts off, maybe inside a GHCB call
		 * or the console, which the EOI and the log use: leave it
		 * for the poll, as IF would hold an interrupt back.
		 */
		c->stats.deferred++;
		c->deferred = true;
		return true;
	}
	serve(c, f);
	return true;
}

void snp_hvdb_poll(void)
{
	struct hvdb_cpu *c = this_hvdb();

	if (c->page && (c->deferred || signalled(c)))
		serve(c, NULL);
}

void snp_hvdb_get_stats(struct snp_hvdb_stats *out)
{
	*out = this_hvdb()->stats;
}

#if __STDC_HOSTED__
void snp_hvdb_reset(void)
{
	memset(cpus, 0, sizeof(cpus));
	notices = (struct log_budget)LOG_BUDGET(16);
}
#endif
