/* SPDX-License-Identifier: MIT */
/*
 * The model hypervisor of csvsm's SEV-SNP machine model: the host side of
 * the GHCB protocol (AMD 56421, docs/references.md). The fake arch's
 * VMGEXIT (kernel/arch/fake/fake_ghcb.c) calls it synchronously with the
 * GHCB MSR and the page the MSR names, so the SVSM's GHCB client
 * (kernel/plat/snp/ghcb.c) runs unchanged against it.
 *
 * What it serves:
 *  - MSR protocol: SEV information, HV features, CPUID (a small table),
 *    GHCB GPA registration (refused for a GFN outside the model or, with
 *    an RMP, a page that is not shared), page-state change of one page,
 *    termination (recorded; the vCPU stops);
 *  - NAE events through a registered GHCB page (a GHCB GPA the vCPU did
 *    not register ends the VM, as KVM's -EINVAL from KVM_RUN does; GPA 0
 *    or one outside memory is ignored), each checked first as KVM's
 *    sev_es_validate_vmgexit checks it, the scratch area mapped as
 *    setup_vmgexit_scratch maps it: page-state change (the RMP
 *    updates of sim/rmp.h, with PSMASH where a 4 KiB change hits a 2 MiB
 *    entry), SNP guest request and extended guest request (forwarded to
 *    sim/psp.h; certificate buffer length rules), AP creation (into
 *    sim/vcpu.h's table), Run VMPL (recorded), the #HV doorbell page
 *    (only on a host that advertises restricted injection, as the KVM
 *    series that adds it; upstream KVM answers INVALID_EVENT).
 * And it delivers interrupts to a vCPU with restricted injection as that
 * series does (sim_hv_raise): through the vCPU's doorbell page and #HV.
 * Malformed input is answered as 56421 says: EXITINFO1 = 2 and the reason
 * in EXITINFO2. Each rule names its source where it is defined (AMD 56421,
 * a Linux arch/x86/kvm/svm/sev.c function, the APM); rules that are the
 * model's own choice, where KVM has none or its behaviour cannot be
 * modelled (it would read past a buffer), are marked "model:".
 *
 * Tests make it unlucky (the guest-request knobs) or hostile: the
 * `hostile` callback runs after the honest handler of every VMGEXIT and
 * may change anything the host controls (the MSR, any byte of the GHCB,
 * the response page).
 *
 * One hypervisor per process (sim_hv), as the fake arch has one machine.
 * Hosted only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/ghcb.h"

struct sim_rmp;
struct sim_psp;
struct sim_vcpu_table;

/* vCPUs whose GHCB registration the model tracks (fake_ghcb_cpu). */
#define SIM_HV_CPUS 4u

/*
 * model: page-state change errors in EXITINFO2 (56421 only says
 * nonzero is failure; these are KVM's values): a bad header, a bad entry,
 * an RMP update that failed.
 */
#define SIM_HV_PSC_ERR_HDR     ((1ull << 32) | 1u)
#define SIM_HV_PSC_ERR_ENTRY   ((1ull << 32) | 2u)
#define SIM_HV_PSC_ERR_GENERIC (0x100ull << 32)

/*
 * model: what a failing host reports: in the error field of an MSR PSC
 * response, and as the firmware status of a guest request it failed
 * itself (fail_before, fail_after, no PSP).
 */
#define SIM_HV_HOST_FAILURE 0xbadull

/* model: the largest certificate buffer the host accepts, in pages. */
#define SIM_HV_CERTS_MAX_PAGES 64u

/* One guest request as the host saw it (the header is plaintext). */
#define SIM_HV_GREQ_LOG 16u
struct sim_hv_greq_seen {
	uint64_t seqno;
	uint8_t bytes[0xC0]; /* header and the MSG_REPORT_REQ ciphertext */
};

/* The guest-request service, with the knobs of an unlucky host. */
struct sim_hv_greq {
	/* Answer this many requests with BUSY before forwarding any. */
	unsigned int busy;
	/*
	 * And answer BUSY until the model clock (sim_now_us) reaches this:
	 * a host that throttles for a while (KVM: its guest-request rate
	 * limit, Linux arch/x86/kvm/svm/sev.c snp_handle_guest_req).
	 */
	uint64_t busy_until_us;
	/* With each BUSY, also scribble over the request page. */
	bool busy_scribble;
	/* Fail the next request without forwarding it to the PSP. */
	bool fail_before;
	/* Forward the next request, then report a failure anyway. */
	bool fail_after;
	/* Called on the response page after the PSP answered. */
	void (*tamper)(uint8_t *resp_page, const uint8_t *req_page);
	/*
	 * The certificate table of extended requests (NULL: none, the
	 * host writes an empty table).
	 */
	const uint8_t *certs;
	size_t certs_len;
	/* Counters and the log of requests received (oldest first). */
	unsigned int calls;	/* plain and extended */
	unsigned int ext_calls; /* extended */
	unsigned int forwarded; /* to the PSP */
	struct sim_hv_greq_seen seen[SIM_HV_GREQ_LOG];
	unsigned int seen_count;
	uint64_t last_resp; /* GPA of the last response page */
};

/* A VMGEXIT as the hostile callback sees it. */
struct sim_hv_exit {
	unsigned int cpu;
	uint64_t msr_in; /* the MSR at VMGEXIT */
	uint64_t *msr;	 /* the MSR the vCPU reads back */
	/* The page the MSR named, for a GHCB-page exit; else NULL. */
	struct ghcb *ghcb;
	/* The NAE event the honest handler served; 0 for the MSR protocol. */
	uint64_t exit_code;
	/* The vCPU stops (termination); the callback may clear it. */
	bool stop;
};

struct sim_cpuid {
	uint32_t fn;
	uint32_t regs[4]; /* EAX, EBX, ECX, EDX */
};

#define SIM_HV_CPUID_MAX 8u

struct sim_hv {
	/* The machine (set by the test or sim_guest_init). NULL: refused. */
	struct sim_rmp *rmp;	      /* PSC; page-state checks when set */
	struct sim_vcpu_table *vcpus; /* AP creation */
	struct sim_psp *psp;	      /* guest requests */

	/* The answers to negotiation and CPUID. */
	uint16_t min_version;
	uint16_t max_version;
	uint8_t cbit;
	uint64_t features; /* GHCB_HV_FT_* */
	struct sim_cpuid cpuid[SIM_HV_CPUID_MAX];
	unsigned int cpuid_count;

	/* Knobs. */
	bool refuse_register; /* refuse GHCB registrations */
	/*
	 * The host backs guest memory with 2 MiB pages, so a 2 MiB page-state
	 * change makes a 2 MiB RMP entry; false (the default, as KVM with
	 * 4 KiB guest_memfd pages): 512 entries of 4 KiB.
	 */
	bool huge_backing;
	unsigned int psc_max_per_exit; /* entries per PSC exit; 0: all */
	/* 4 KiB pages of a 2 MiB PSC entry per exit (cur_page); 0: whole. */
	unsigned int psc_2m_pages_per_exit;

	/* Refuse #HV doorbell registration (SET) with INVALID_INPUT. */
	bool refuse_hvdb;

	/* State and records. */
	uint64_t ghcb_gpa[SIM_HV_CPUS]; /* registered GHCB, 0: none */
	uint64_t hvdb_gpa[SIM_HV_CPUS]; /* #HV doorbell page, 0: none */
	unsigned int hvdb_events;	/* #HV doorbell NAE events served */
	unsigned int hv_signals;	/* #HV raised (sim_hv_raise) */
	unsigned int exits;		/* every VMGEXIT */
	unsigned int nae_exits;		/* served through a GHCB page */
	unsigned int unregistered;	/* exits with an unregistered GHCB */
	unsigned int unmapped;		/* exits with GPA 0 or outside memory */
	bool ended; /* the VM ended as KVM ends it (KVM_RUN failed) */
	uint64_t last_exit_code;
	unsigned int msr_pscs;	  /* MSR page-state changes applied */
	unsigned int psc_entries; /* PSC NAE entries applied */
	unsigned int psmashes;	  /* 2 MiB entries split for a change */
	unsigned int vmpl_runs;	  /* Run VMPL events */
	unsigned int last_vmpl;
	bool terminated;
	unsigned int term_set;
	unsigned int term_code;
	struct sim_hv_greq greq;

	/* Runs after the honest handler of every VMGEXIT. */
	void (*hostile)(struct sim_hv_exit *x, void *ctx);
	void *hostile_ctx;
};

extern struct sim_hv sim_hv;

/*
 * Forgets everything (machine pointers included) and sets the defaults
 * (versions 1..2, C-bit 51, features SNP + AP creation as upstream KVM
 * advertises them, CPUID leaf 0x8000001F).
 */
void sim_hv_reset(void);
/*
 * One VMGEXIT of vCPU `cpu`: the GHCB MSR to read and answer in, and the
 * page it names when it holds a GHCB GPA inside model memory (else NULL).
 * True when the vCPU stops for good (a termination request).
 */
bool sim_hv_vmgexit(unsigned int cpu, uint64_t *msr, void *page);

/* What sim_hv_raise() did with an interrupt. */
enum sim_hv_raise {
	/* Not delivered: no doorbell, or a vector still unacknowledged. */
	SIM_HV_RAISE_BLOCKED,
	/* Written to the doorbell; no #HV (NO_FURTHER_SIGNAL was set). */
	SIM_HV_RAISE_PENDING,
	/* Written, NO_FURTHER_SIGNAL set: the vCPU takes #HV now. */
	SIM_HV_RAISE_SIGNAL,
};
/*
 * Delivers interrupt `vector` to vCPU `cpu` as the KVM restricted-
 * injection series does (Linux arch/x86/kvm/svm/sev.c, __sev_snp_inject,
 * prepare_hv_injection, sev_snp_blocked): blocked while the doorbell's
 * vector byte is nonzero; else the vector is written, and #HV is raised
 * unless NO_FURTHER_SIGNAL is set, which raising sets. The test takes
 * the #HV (calls the SVSM's handler) on SIM_HV_RAISE_SIGNAL.
 */
enum sim_hv_raise sim_hv_raise(unsigned int cpu, uint8_t vector);
