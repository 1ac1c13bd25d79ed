/* SPDX-License-Identifier: MIT */
/*
 * The #HV doorbell of each vCPU of the SVSM (kernel/plat/snp/hv_doorbell.c)
 * when it runs with restricted injection (SEV_FEATURES bit 3, which the
 * launch VMSA asks for; snp/features.h). The host can then inject nothing
 * but #HV: it writes the interrupt it delivers into a page the vCPU
 * registered (AMD 56421, "#HV Doorbell Page") and raises #HV, and the SVSM
 * hands the vector on to its own interrupt handlers (svsm/arch/hv.h), the
 * LAPIC timer tick that bounds a task's time among them.
 *
 * Everything in the doorbell page is the host's: a vector the SVSM has no
 * handler for is acknowledged and ignored with a line on a log budget, as
 * are the NMI and #MC event bits; a host that keeps writing gets a
 * bounded number of rounds per #HV. An #HV that interrupts the SVSM
 * while interrupts are off (a GHCB call or the console may be in flight)
 * is left pending and served at the next point where the SVSM lets
 * interrupts in (arch_trap_hv_poll()), as an interrupt would wait for IF.
 * docs/snp.md, "Restricted injection", has the flow.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"

struct user_regs;

/*
 * This vCPU's doorbell, once its GHCB is registered and the page
 * allocator runs: nothing at all without restricted injection. With it,
 * installs the #HV handler, shares a page with the host and registers it
 * (#HV Doorbell Page NAE, SET). A vCPU that cannot have a doorbell
 * receives no interrupt, so a refusal ends the VM (GHCB termination,
 * reason set SNP_TERM_SET_CSVSM, code SNP_TERM_HV_DOORBELL); it never
 * returns then. Idempotent per vCPU.
 */
void snp_hvdb_cpu_init(void);
/* The #HV handler (arch_trap_set_hv_handler); always true. */
bool snp_hvdb_handle(struct user_regs *f);
/* Serves what an #HV left pending (arch_trap_set_hv_handler's poll). */
void snp_hvdb_poll(void);
/* This vCPU's doorbell page; 0 when it has none. */
paddr_t snp_hvdb_page(void);

/* Per-vCPU counts of what the host signalled (tests, the log). */
struct snp_hvdb_stats {
	unsigned int signals;	/* #HV taken */
	unsigned int deferred;	/* of them, left pending (interrupts off) */
	unsigned int rounds;	/* passes over the page */
	unsigned int ticks;	/* timer vectors handed on */
	unsigned int ignored;	/* vectors without a handler */
	unsigned int nmi;	/* NMI events (the SVSM uses none) */
	unsigned int mc;	/* #MC events (the SVSM cannot recover one) */
	unsigned int no_page;	/* #HV on a vCPU without a doorbell */
	unsigned int cut_short; /* rounds that hit the bound */
};
void snp_hvdb_get_stats(struct snp_hvdb_stats *out);

#if __STDC_HOSTED__
void snp_hvdb_reset(void);
#endif
