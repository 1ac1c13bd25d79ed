/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own APs on SEV-SNP (kernel/plat/snp/smp.c). An SNP guest
 * cannot start a CPU with INIT-SIPI-SIPI into a real-mode trampoline (the
 * host would have to give it a VMSA the guest never validated); it builds
 * the AP's VMSA itself and asks the host to run it:
 *
 *   1. a page for the VMSA (4 KiB, never 2 MiB aligned: KVM refuses that,
 *      Linux arch/x86/kvm/svm/sev.c, sev_snp_ap_creation, for the erratum
 *      of a 2 MiB page that collides with a VMSA's RMP entry), filled with
 *      a VMPL0 state that starts the AP in 64-bit mode at snp_ap_entry64
 *      (snp_ap_vmsa_build), and made a VMSA with RMPADJUST (AMD64 APM
 *      vol. 3, RMPADJUST, the VMSA bit; target VMPL1, no permissions);
 *   2. a page for the AP's GHCB, made shared by page state change and
 *      mapped without the C-bit (plat_share, shared_pages.c);
 *   3. the GHCB SNP AP Creation NAE, request CREATE (AMD 56421, SNP AP
 *      Creation: EXITINFO1 = request | VMPL << 16 | APIC ID << 32,
 *      EXITINFO2 = the VMSA's GPA, RAX = its SEV_FEATURES, which must be
 *      the boot vCPU's: snp_svsm_sev_features()).
 *
 * The AP then registers its GHCB (GHCB MSR protocol, GHCB GPA
 * registration: snp_ap_ghcb_init, from snp_ap_main in plat.c), reports
 * online (kernel/core/smp.c, smp_ap_online) and runs the request loop of
 * the guest vCPU with its APIC ID (snp/loop.h, snp_ap_loop_step).
 *
 * A step the host refuses (the page-state change, AP creation) costs only
 * that AP: everything taken for it is given back exactly (the VMSA bit
 * cleared with RMPADJUST before the page returns to the allocator; a page
 * whose bit cannot be cleared, or a GHCB that cannot be made private
 * again, is leaked with a log line, never reused), and the boot goes on
 * with fewer CPUs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/arch/snp_ap.h"

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/shared.h"

#include "abi/snp_vmsa.h"

/* Who an AP is: its CPU index, APIC ID, stack and per-CPU record. */
struct snp_ap_cpu {
	uint32_t index; /* 1..count-1; RDI at the entry */
	uint32_t apic_id;
	uint64_t stack_top; /* RSP */
	uint64_t gs_base;   /* its struct percpu */
};

/* The state of an AP's start, as the boot CPU sees it. */
enum snp_ap_state {
	SNP_AP_NONE = 0,     /* not started, nothing held */
	SNP_AP_ANNOUNCED,    /* the host accepted the VMSA */
	SNP_AP_GHCB_REFUSED, /* it ran, the host refused its GHCB */
	SNP_AP_GHCB_OK,	     /* it ran and registered its GHCB */
};

/* What the SVSM holds for one AP (valid while the state is not NONE). */
struct snp_ap {
	paddr_t vmsa;
	struct shared_buf ghcb;
	uint32_t apic_id;
	enum snp_ap_state state; /* written by the AP too: atomic access */
};

/*
 * Fills *v (all of it) with the VMPL0 state at which AP `cpu` starts:
 * 64-bit mode with ctx's CR0/CR3/CR4/EFER (+ SVME, LME, LMA), XCR0 and
 * PAT; ctx's GDT and IDT; CS = ctx->cs (64-bit code), DS/ES/SS = ctx->ds
 * (flat data), FS null, GS base = cpu->gs_base; RIP = ctx->entry,
 * RSP = cpu->stack_top, RDI = cpu->index, RFLAGS with IF clear; DR6, DR7,
 * MXCSR and the x87 control word at their reset values; SEV_FEATURES =
 * sev_features; VMPL 0, CPL 0 (AMD64 APM vol. 2, Table B-4).
 */
void snp_ap_vmsa_build(struct snp_vmsa *v, const struct arch_snp_ap_ctx *ctx,
		       const struct snp_ap_cpu *cpu, uint64_t sev_features);

/*
 * Steps 1-3 above for one AP, on the boot CPU (its GHCB carries the
 * page-state change and the AP creation). SVSM_OK: the host accepted
 * the VMSA and the AP may now run. Errors, with nothing held and the RMP
 * as before: SVSM_E_INVAL (index 0 or out of range, already started, no
 * SEV features decided), SVSM_E_NOMEM, SVSM_E_HW (the host refused the
 * page-state change or the AP creation; an RMPADJUST failed).
 */
enum svsm_err __must_check snp_ap_start(const struct arch_snp_ap_ctx *ctx,
					const struct snp_ap_cpu *cpu);

/*
 * On AP `index` itself, first thing after arch_cpu_init(): registers the
 * GHCB page snp_ap_start() prepared for it and records the outcome for
 * the boot CPU. SVSM_E_INVAL when it has none; SVSM_E_HW when the host
 * refuses (the AP must then stop: it cannot use the GHCB).
 */
enum svsm_err __must_check snp_ap_ghcb_init(uint32_t index);

/* What the SVSM holds for AP `index` (tests, logs); NULL out of range. */
const struct snp_ap *snp_ap_get(uint32_t index);
/* Its state, read atomically. */
enum snp_ap_state snp_ap_state(uint32_t index);

/*
 * After the boot CPU's wait: logs each AP among 1..count-1 that the host
 * accepted but that never registered its GHCB (it may still run later,
 * so its pages stay reserved) or whose GHCB the host refused, and
 * returns how many there are. APs that reported in say nothing here.
 */
uint32_t snp_aps_report(uint32_t count);

#if __STDC_HOSTED__
/* Forgets every AP (hosted tests; nothing is given back). */
void snp_aps_reset(void);
#endif
