/* SPDX-License-Identifier: MIT */
/*
 * The model hypervisor (sim/hv.h): the host's side of every VMGEXIT of the
 * fake arch. One entry point, sim_hv_vmgexit(), which the fake VMGEXIT calls with
 * the GHCB MSR and the page it names; the MSR protocol and each NAE event
 * have their own handler below. This is the host: it trusts nothing the
 * guest (the SVSM under test) writes, and checks it as KVM would, so that
 * a client bug shows up as a refusal rather than as model damage.
 */
#include "hv.h"

#include <string.h>

#include "abi/snp.h"
#include "abi/snp_guest_msg.h"

#include "mem.h"
#include "psp.h"
#include "rmp.h"
#include "vcpu.h"

struct sim_hv sim_hv;

/* ---- Helpers ----------------------------------------------------------- */

static bool valid(const struct ghcb *g, size_t off)
{
	return ghcb_bitmap_test(g->valid_bitmap, off);
}

#define VALID_(g, f) valid((g), offsetof(struct ghcb, f))

/* Writes an output field and marks it valid, as KVM's setters do. */
static void set_out(struct ghcb *g, uint64_t *field, uint64_t v)
{
	*field = v;
	ghcb_bitmap_set(g->valid_bitmap,
			(size_t)((uint8_t *)field - (uint8_t *)g));
}

/* 56421: EXITINFO1 = 2, EXITINFO2 = the reason. */
static void malformed(struct ghcb *g, uint64_t reason)
{
	set_out(g, &g->sw_exit_info_1, GHCB_RESP_MALFORMED_INPUT);
	set_out(g, &g->sw_exit_info_2, reason);
}

/* A host pointer to a whole page of model memory at gpa, or NULL. */
static uint8_t *page_at(uint64_t gpa)
{
	if (gpa & (SNP_PAGE_SIZE_4K - 1))
		return NULL;
	return sim_mem(gpa, SNP_PAGE_SIZE_4K);
}

/* Whether the host may use the page: shared in the RMP, when there is one. */
static bool host_page(const struct sim_hv *hv, uint64_t gpa)
{
	struct sim_rmp_entry e;

	if (!page_at(gpa))
		return false;
	if (!hv->rmp)
		return true;
	return sim_rmp_entry(hv->rmp, gpa, &e) && !e.assigned;
}

/*
 * One 4 KiB or 2 MiB page-state change in the RMP: PSMASH first when a
 * 4 KiB change hits a 2 MiB entry (model: what KVM does before RMPUPDATE).
 * A 2 MiB request becomes one 2 MiB RMP entry only when the host backs
 * the range with a huge page (huge_backing); otherwise KVM changes the
 * 512 pages as 4 KiB entries (Linux arch/x86/kvm/svm/sev.c, snp_begin_psc
 * and sev_gmem_prepare: the RMP page size follows the backing page), and
 * the guest's 2 MiB PVALIDATE then fails with FAIL_SIZEMISMATCH.
 */
static bool rmp_change(struct sim_hv *hv, uint64_t gpa, bool huge,
		       unsigned int op)
{
	unsigned int psize = huge ? SNP_RMP_PSIZE_2M : SNP_RMP_PSIZE_4K;
	struct sim_rmp_entry e;
	uint32_t rc;

	if (!hv->rmp || !sim_rmp_entry(hv->rmp, gpa, &e))
		return false;
	if (huge && !hv->huge_backing) {
		for (uint64_t off = 0; off < SNP_PAGE_SIZE_2M;
		     off += SNP_PAGE_SIZE_4K) {
			if (!rmp_change(hv, gpa + off, false, op))
				return false;
		}
		return true;
	}
	if (!huge && e.page_size == SNP_RMP_PSIZE_2M) {
		if (sim_rmp_psmash(hv->rmp, gpa & ~(SNP_PAGE_SIZE_2M - 1)))
			return false;
		hv->psmashes++;
	}
	if (op == GHCB_PSC_OP_PRIVATE)
		rc = sim_rmp_assign(hv->rmp, gpa, psize);
	else if (op == GHCB_PSC_OP_SHARED)
		rc = sim_rmp_make_shared(hv->rmp, gpa, psize);
	else
		return false;
	return rc == SNP_SUCCESS;
}

/* ---- MSR protocol (AMD 56421) ----------------------------------------- */

static uint32_t cpuid_value(const struct sim_hv *hv, uint32_t fn,
			    unsigned int reg)
{
	for (unsigned int i = 0; i < hv->cpuid_count; i++) {
		if (hv->cpuid[i].fn == fn)
			return hv->cpuid[i].regs[reg];
	}
	return 0; /* model: an unknown leaf reads as zeros */
}

/* Registration: a GFN of model memory; with an RMP, a shared page. */
static uint64_t msr_register(struct sim_hv *hv, unsigned int cpu, uint64_t msr)
{
	uint64_t gfn = ghcb_msr_gfn(msr);
	uint64_t gpa = gfn << SNP_PAGE_SHIFT_4K; /* page aligned */

	if (cpu >= SIM_HV_CPUS || hv->refuse_register || !host_page(hv, gpa))
		/* model: KVM answers an all-ones GFN. */
		return GHCB_MSR_DATA_MASK | GHCB_MSR_REG_GPA_RESP;
	hv->ghcb_gpa[cpu] = gpa;
	return (gfn << 12) | GHCB_MSR_REG_GPA_RESP;
}

static uint64_t msr_psc(struct sim_hv *hv, uint64_t msr)
{
	uint64_t gpa = ghcb_msr_psc_gfn(msr) << SNP_PAGE_SHIFT_4K;

	if (!rmp_change(hv, gpa, false, ghcb_msr_psc_op(msr)))
		return (SIM_HV_HOST_FAILURE << 32) | GHCB_MSR_PSC_RESP;
	hv->msr_pscs++;
	return GHCB_MSR_PSC_RESP;
}

/* Serves an MSR-protocol request; true when the vCPU stops. */
static bool msr_protocol(struct sim_hv *hv, unsigned int cpu, uint64_t *msr)
{
	uint64_t req = *msr;

	switch (ghcb_msr_info(req)) {
	case GHCB_MSR_SEV_INFO_REQ:
		*msr = ghcb_msr_sev_info_resp(hv->max_version, hv->min_version,
					      hv->cbit);
		return false;
	case GHCB_MSR_HV_FT_REQ:
		*msr = (hv->features << 12) | GHCB_MSR_HV_FT_RESP;
		return false;
	case GHCB_MSR_CPUID_REQ:
		*msr = ((uint64_t)cpuid_value(hv, ghcb_msr_cpuid_fn(req),
					      ghcb_msr_cpuid_reg(req))
			<< 32) |
		       ((uint64_t)ghcb_msr_cpuid_reg(req) << 30) |
		       GHCB_MSR_CPUID_RESP;
		return false;
	case GHCB_MSR_REG_GPA_REQ:
		*msr = msr_register(hv, cpu, req);
		return false;
	case GHCB_MSR_PSC_REQ:
		*msr = msr_psc(hv, req);
		return false;
	case GHCB_MSR_TERM_REQ:
		hv->terminated = true;
		hv->term_set = (unsigned int)((req >> 12) & 0xfu);
		hv->term_code = (unsigned int)((req >> 16) & 0xffu);
		return true;
	default:
		/* model: an unknown request is ignored; the MSR stays. */
		return false;
	}
}

/* ---- NAE: page state change (AMD 56421) ------------------------------- */

/*
 * Up to psc_2m_pages_per_exit pages of the 2 MiB entry i from its
 * cur_page on, each changed as a 4 KiB page (the 2 MiB RMP entry is
 * split), and cur_page advanced: what KVM does when it stops partway
 * through a large entry (Linux arch/x86/kvm/svm/sev.c, snp_begin_psc).
 * False after an error (reported in EXITINFO2).
 */
static bool psc_partial_2m(struct sim_hv *hv, struct ghcb_psc *d, uint16_t i,
			   struct ghcb *g)
{
	uint64_t e = d->entries[i];
	uint64_t base = ghcb_psc_entry_gfn(e) << SNP_PAGE_SHIFT_4K;
	unsigned int page = ghcb_psc_entry_cur_page(e);
	unsigned int n = 0;

	if (page >= SNP_PAGES_PER_2M) {
		set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_ENTRY);
		return false;
	}
	for (; page < SNP_PAGES_PER_2M && n < hv->psc_2m_pages_per_exit;
	     page++, n++) {
		if (!rmp_change(hv, base + (uint64_t)page * SNP_PAGE_SIZE_4K,
				false, ghcb_psc_entry_op(e))) {
			set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_GENERIC);
			return false;
		}
	}
	hv->psc_entries++;
	d->entries[i] = (e & ~GHCB_PSC_ENTRY_CUR_PAGE_MASK) | page;
	return true;
}

/*
 * The scratch area as KVM maps it for an event (Linux
 * arch/x86/kvm/svm/sev.c, setup_vmgexit_scratch): SW_SCRATCH nonzero,
 * SW_SCRATCH + len without overflow; inside the GHCB page it must lie in
 * the shared buffer ([0x800, 0xff0)), outside it len is at most 16 pages
 * (GHCB_SCRATCH_AREA_LIMIT) and KVM copies it in and out. A refusal is
 * EXITINFO1 2 / INVALID_SCRATCH; an outside area KVM cannot read ends the
 * VM (kvm_read_guest fails, KVM_RUN returns -EFAULT). On success *area is
 * the first byte in model memory and *avail the bytes the descriptor may
 * use: model: to the end of the shared buffer inside the GHCB, len
 * outside it (KVM reads a PSC descriptor from there unbounded by len).
 */
#define SIM_HV_SCRATCH_LIMIT (16u * SNP_PAGE_SIZE_4K)

enum scratch_result {
	SCRATCH_OK,
	SCRATCH_REFUSED,
	SCRATCH_VM_ENDS
};

static enum scratch_result scratch_map(struct sim_hv *hv, uint64_t ghcb_gpa,
				       const struct ghcb *in, struct ghcb *g,
				       uint64_t len, uint8_t **area,
				       size_t *avail)
{
	const uint64_t buf_beg = ghcb_gpa + GHCB_SHARED_BUF_OFFSET;
	const uint64_t buf_end = buf_beg + GHCB_SHARED_BUF_SIZE;
	uint64_t beg = in->sw_scratch;
	uint64_t end;

	if (beg == 0 || __builtin_add_overflow(beg, len, &end)) {
		malformed(g, GHCB_ERR_INVALID_SCRATCH);
		return SCRATCH_REFUSED;
	}
	if ((beg & ~(uint64_t)(SNP_PAGE_SIZE_4K - 1)) == ghcb_gpa) {
		if (beg < buf_beg || end > buf_end) {
			malformed(g, GHCB_ERR_INVALID_SCRATCH);
			return SCRATCH_REFUSED;
		}
		*area = (uint8_t *)g + (beg - ghcb_gpa);
		*avail = (size_t)(buf_end - beg);
		return SCRATCH_OK;
	}
	if (len > SIM_HV_SCRATCH_LIMIT) {
		malformed(g, GHCB_ERR_INVALID_SCRATCH);
		return SCRATCH_REFUSED;
	}
	*area = sim_mem(beg, len);
	if (len && !*area)
		return SCRATCH_VM_ENDS;
	for (uint64_t p = beg & ~(uint64_t)(SNP_PAGE_SIZE_4K - 1); p < end;
	     p += SNP_PAGE_SIZE_4K) {
		if (!host_page(hv, p))
			return SCRATCH_VM_ENDS;
	}
	*avail = (size_t)len;
	return SCRATCH_OK;
}

/* The PSC descriptor: header and entries up to end_entry (56421). */
static size_t psc_bytes(uint16_t end_entry)
{
	return sizeof(struct ghcb_psc_hdr) +
	       ((size_t)end_entry + 1) * sizeof(uint64_t);
}

static void psc_run(struct sim_hv *hv, struct ghcb_psc *d, struct ghcb *g);

/* Returns true when the VM ends (a scratch area KVM cannot read). */
static bool nae_psc(struct sim_hv *hv, uint64_t ghcb_gpa, const struct ghcb *in,
		    struct ghcb *g)
{
	static struct ghcb_psc d;
	struct ghcb_psc_hdr hdr;
	uint8_t *area = NULL;
	size_t avail = 0;
	size_t need;

	switch (scratch_map(hv, ghcb_gpa, in, g, in->sw_exit_info_2, &area,
			    &avail)) {
	case SCRATCH_VM_ENDS:
		return true;
	case SCRATCH_REFUSED:
		return false;
	case SCRATCH_OK:
		break;
	}
	/* KVM reads the header in place (snp_begin_psc). */
	if (avail < sizeof(hdr)) {
		malformed(g, GHCB_ERR_INVALID_SCRATCH); /* model */
		return false;
	}
	memcpy(&hdr, area, sizeof(hdr));
	if (hdr.reserved || hdr.end_entry >= GHCB_PSC_MAX_ENTRIES) {
		set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_HDR);
		return false;
	}
	need = psc_bytes(hdr.end_entry);
	if (need > avail) {
		malformed(g, GHCB_ERR_INVALID_SCRATCH); /* model */
		return false;
	}
	memset(&d, 0, sizeof(d));
	memcpy(&d, area, need);
	psc_run(hv, &d, g);
	memcpy(area, &d, need);
	return false;
}

static void psc_run(struct sim_hv *hv, struct ghcb_psc *d, struct ghcb *g)
{
	unsigned int budget = hv->psc_max_per_exit;
	struct ghcb_psc_hdr hdr = d->hdr;

	while (hdr.cur_entry <= hdr.end_entry) {
		uint64_t e = d->entries[hdr.cur_entry];
		uint64_t gpa = ghcb_psc_entry_gfn(e) << SNP_PAGE_SHIFT_4K;

		if (hv->psc_max_per_exit && budget-- == 0)
			break;
		if (e & GHCB_PSC_ENTRY_RESERVED) {
			set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_ENTRY);
			break;
		}
		if (ghcb_psc_entry_2m(e) && hv->psc_2m_pages_per_exit) {
			/* Part of a 2 MiB entry, as KVM may do. */
			if (!psc_partial_2m(hv, d, hdr.cur_entry, g))
				break;
			if (ghcb_psc_entry_cur_page(d->entries[hdr.cur_entry]) <
			    SNP_PAGES_PER_2M)
				break;
			hdr.cur_entry++;
			d->hdr.cur_entry = hdr.cur_entry;
			continue;
		}
		if (!rmp_change(hv, gpa, ghcb_psc_entry_2m(e),
				ghcb_psc_entry_op(e))) {
			set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_GENERIC);
			break;
		}
		hv->psc_entries++;
		hdr.cur_entry++;
		d->hdr.cur_entry = hdr.cur_entry;
	}
}

/* ---- NAE: guest requests (AMD 56421) ---------------------------------- */

static void greq_log(struct sim_hv_greq *q, const uint8_t *req)
{
	struct sim_hv_greq_seen *s;

	if (q->seen_count == SIM_HV_GREQ_LOG) {
		memmove(&q->seen[0], &q->seen[1],
			sizeof(q->seen[0]) * (SIM_HV_GREQ_LOG - 1));
		q->seen_count--;
	}
	s = &q->seen[q->seen_count++];
	memcpy(&s->seqno, req + offsetof(struct snp_guest_msg_hdr, msg_seqno),
	       sizeof(s->seqno));
	memcpy(s->bytes, req, sizeof(s->bytes));
}

/*
 * Extended request: the certificate table goes into the guest's buffer
 * when it fits; otherwise INVALID_LEN with the pages needed in RBX and
 * the request is not forwarded (56421 Extended Guest Request). False when the
 * request ends here.
 */
static bool greq_certs(struct sim_hv *hv, const struct ghcb *in, struct ghcb *g)
{
	uint64_t certs_gpa = in->rax;
	uint64_t npages = in->rbx;
	uint64_t need =
		(hv->greq.certs_len + SNP_PAGE_SIZE_4K - 1) / SNP_PAGE_SIZE_4K;
	uint8_t *buf;

	if (need > npages) {
		set_out(g, &g->rbx, need);
		set_out(g, &g->sw_exit_info_2,
			(uint64_t)GHCB_GUEST_REQ_ERR_INVALID_LEN
				<< GHCB_GUEST_REQ_VMM_ERR_SHIFT);
		return false;
	}
	if (npages == 0)
		return true;
	if (npages > SIM_HV_CERTS_MAX_PAGES) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return false;
	}
	for (uint64_t i = 0; i < npages; i++) {
		if (!host_page(hv, certs_gpa + i * SNP_PAGE_SIZE_4K)) {
			malformed(g, GHCB_ERR_INVALID_INPUT);
			return false;
		}
	}
	buf = sim_mem(certs_gpa, npages * SNP_PAGE_SIZE_4K);
	if (!buf) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return false;
	}
	if (hv->greq.certs_len)
		memcpy(buf, hv->greq.certs, hv->greq.certs_len);
	else
		memset(buf, 0, 24); /* 56421: an empty table */
	return true;
}

static void nae_guest_request(struct sim_hv *hv, const struct ghcb *in,
			      struct ghcb *g, bool ext)
{
	struct sim_hv_greq *q = &hv->greq;
	uint64_t req_gpa = in->sw_exit_info_1;
	uint64_t resp_gpa = in->sw_exit_info_2;
	uint8_t *req = page_at(req_gpa);
	uint8_t *resp = page_at(resp_gpa);
	size_t resp_len = 0;
	enum sim_psp_err err;

	/*
	 * KVM (snp_handle_ext_guest_req): an extended request needs RAX and
	 * RBX, else INVALID_INPUT. model: KVM reads and writes the two pages
	 * whatever their RMP state (a private page reads as its shared
	 * view); the model refuses pages the host does not own, and pages
	 * outside memory, where KVM's kvm_read_guest() fails and the VM ends.
	 */
	if (ext && (!VALID_(in, rax) || !VALID_(in, rbx))) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (!req || !resp || !host_page(hv, req_gpa) ||
	    !host_page(hv, resp_gpa)) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return;
	}
	q->calls++;
	q->ext_calls += ext;
	q->last_resp = resp_gpa;
	greq_log(q, req);
	if (q->busy || sim_now_us() < q->busy_until_us) {
		if (q->busy)
			q->busy--;
		if (q->busy_scribble)
			memset(req, 0x6b, SNP_GUEST_MSG_PAGE_SIZE);
		set_out(g, &g->sw_exit_info_2,
			(uint64_t)GHCB_GUEST_REQ_ERR_BUSY
				<< GHCB_GUEST_REQ_VMM_ERR_SHIFT);
		return;
	}
	if (ext && !greq_certs(hv, in, g))
		return;
	if (q->fail_before || !hv->psp) {
		q->fail_before = false;
		set_out(g, &g->sw_exit_info_2, SIM_HV_HOST_FAILURE);
		return;
	}
	q->forwarded++;
	err = sim_psp_guest_request(
		hv->psp, req[offsetof(struct snp_guest_msg_hdr, msg_vmpck)],
		req, SNP_GUEST_MSG_PAGE_SIZE, resp, SNP_GUEST_MSG_PAGE_SIZE,
		&resp_len);
	if (err != SIM_PSP_OK) {
		/* The model PSP changed nothing; its reason is the status. */
		set_out(g, &g->sw_exit_info_2, (uint64_t)err);
		return;
	}
	if (q->tamper)
		q->tamper(resp, req);
	if (q->fail_after) {
		q->fail_after = false;
		set_out(g, &g->sw_exit_info_2, SIM_HV_HOST_FAILURE);
	}
}

/* ---- NAE: AP creation, Run VMPL (AMD 56421) --------------------------- */

static void nae_ap_creation(struct sim_hv *hv, const struct ghcb *in,
			    struct ghcb *g)
{
	uint32_t rc;

	/* KVM (sev_es_validate_vmgexit): RAX is needed except to destroy. */
	if ((in->sw_exit_info_1 & GHCB_AP_REQUEST_MASK) != GHCB_AP_DESTROY &&
	    !VALID_(in, rax)) {
		malformed(g, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (!hv->vcpus) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return;
	}
	rc = sim_vcpu_ap_creation(hv->vcpus, in->sw_exit_info_1,
				  in->sw_exit_info_2, in->rax);
	if (rc)
		malformed(g, rc);
}

static void nae_run_vmpl(struct sim_hv *hv, const struct ghcb *in,
			 struct ghcb *g)
{
	if (!VALID_(in, sw_exit_info_1)) {
		malformed(g, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (in->sw_exit_info_1 >= SNP_VMPL_COUNT) {
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return;
	}
	hv->vmpl_runs++;
	hv->last_vmpl = (unsigned int)in->sw_exit_info_1;
}

/* ---- NAE: #HV doorbell page (AMD 56421) ------------------------------- */

/*
 * As the KVM restricted-injection series serves it (Linux
 * arch/x86/kvm/svm/sev.c, sev_snp_hv_doorbell_page; not in upstream
 * Linux, which answers INVALID_EVENT, see event_ok()): GET_PREFERRED
 * answers all ones (no preference); SET forgets the old page, refuses a
 * GPA that is not page aligned or not guest memory (INVALID_INPUT), and
 * answers the GPA, as QUERY does (all ones: none); CLEAR forgets it; any
 * other request forgets it and is INVALID_INPUT. model: with an RMP, a
 * page that is not shared is refused too: KVM maps the page through the
 * host's view, which for a private page is not the page the guest reads.
 */
static void nae_hv_doorbell(struct sim_hv *hv, unsigned int cpu,
			    const struct ghcb *in, struct ghcb *g)
{
	uint64_t gpa = in->sw_exit_info_2;

	hv->hvdb_events++;
	if (cpu >= SIM_HV_CPUS) {
		malformed(g, GHCB_ERR_INVALID_INPUT); /* model */
		return;
	}
	switch (in->sw_exit_info_1) {
	case GHCB_HV_DOORBELL_GET_PREFERRED:
		set_out(g, &g->sw_exit_info_2, GHCB_HV_DOORBELL_NONE);
		return;
	case GHCB_HV_DOORBELL_SET:
		hv->hvdb_gpa[cpu] = 0;
		if (hv->refuse_hvdb || gpa == 0 || !page_at(gpa) ||
		    !host_page(hv, gpa)) {
			malformed(g, GHCB_ERR_INVALID_INPUT);
			return;
		}
		hv->hvdb_gpa[cpu] = gpa;
		set_out(g, &g->sw_exit_info_2, gpa); /* as QUERY answers */
		return;
	case GHCB_HV_DOORBELL_QUERY:
		set_out(g, &g->sw_exit_info_2,
			hv->hvdb_gpa[cpu] ? hv->hvdb_gpa[cpu]
					  : GHCB_HV_DOORBELL_NONE);
		return;
	case GHCB_HV_DOORBELL_CLEAR:
		hv->hvdb_gpa[cpu] = 0;
		return;
	default:
		hv->hvdb_gpa[cpu] = 0;
		malformed(g, GHCB_ERR_INVALID_INPUT);
		return;
	}
}

enum sim_hv_raise sim_hv_raise(unsigned int cpu, uint8_t vector)
{
	struct ghcb_hv_doorbell *db;

	if (cpu >= SIM_HV_CPUS || !sim_hv.hvdb_gpa[cpu])
		return SIM_HV_RAISE_BLOCKED;
	db = (struct ghcb_hv_doorbell *)sim_mem(sim_hv.hvdb_gpa[cpu],
						SNP_PAGE_SIZE_4K);
	if (!db || db->vector)
		return SIM_HV_RAISE_BLOCKED; /* sev_snp_blocked */
	db->vector = vector;
	if (db->events & GHCB_HVDB_NO_FURTHER_SIGNAL)
		return SIM_HV_RAISE_PENDING;
	db->events |= GHCB_HVDB_NO_FURTHER_SIGNAL;
	sim_hv.hv_signals++;
	return SIM_HV_RAISE_SIGNAL;
}

/* ---- The GHCB page (AMD 56421) ---------------------------------------- */

/*
 * What KVM checks before it serves any event (Linux
 * arch/x86/kvm/svm/sev.c, sev_es_validate_vmgexit): GHCB usage 0 (else
 * INVALID_USAGE); SW_EXITCODE, SW_EXITINFO1 and SW_EXITINFO2 marked valid,
 * and per event: SW_SCRATCH for a page-state change, RAX for an AP
 * creation that is not a destroy, page-aligned and different request and
 * response pages for a guest request (else MISSING_INPUT); an event it
 * does not know is INVALID_EVENT. KVM does not look at the protocol
 * version field. model: Run VMPL, which upstream KVM does not serve; the
 * #HV doorbell page, which only a host with restricted injection serves.
 */
static bool event_ok(const struct sim_hv *hv, const struct ghcb *in,
		     struct ghcb *g)
{
	uint64_t reason = GHCB_ERR_MISSING_INPUT;

	if (in->ghcb_usage != GHCB_USAGE_STANDARD) {
		malformed(g, GHCB_ERR_INVALID_USAGE);
		return false;
	}
	if (!VALID_(in, sw_exit_code) || !VALID_(in, sw_exit_info_1) ||
	    !VALID_(in, sw_exit_info_2)) {
		malformed(g, reason);
		return false;
	}
	switch (in->sw_exit_code) {
	case GHCB_NAE_SNP_PSC:
		if (VALID_(in, sw_scratch))
			return true;
		break;
	case GHCB_NAE_SNP_AP_CREATION:
		if ((in->sw_exit_info_1 & GHCB_AP_REQUEST_MASK) ==
			    GHCB_AP_DESTROY ||
		    VALID_(in, rax))
			return true;
		break;
	case GHCB_NAE_SNP_GUEST_REQUEST:
	case GHCB_NAE_SNP_EXT_GUEST_REQUEST:
		if ((in->sw_exit_info_1 & (SNP_PAGE_SIZE_4K - 1)) == 0 &&
		    (in->sw_exit_info_2 & (SNP_PAGE_SIZE_4K - 1)) == 0 &&
		    in->sw_exit_info_1 != in->sw_exit_info_2)
			return true;
		break;
	case GHCB_NAE_SNP_RUN_VMPL:
		return true;
	case GHCB_NAE_HV_DOORBELL_PAGE:
		/*
		 * Served by a host with the restricted-injection series,
		 * which advertises it (HV feature bit 2); upstream KVM has
		 * no such event.
		 */
		if (hv->features & GHCB_HV_FT_SNP_RESTRICTED_INJ)
			return true;
		reason = GHCB_ERR_INVALID_EVENT;
		break;
	default:
		reason = GHCB_ERR_INVALID_EVENT;
		break;
	}
	malformed(g, reason);
	return false;
}

/*
 * Serves the event in a registered GHCB page; *exit_code gets its exit
 * code. The handlers read the guest's inputs from a snapshot (`in`: the
 * host reads the page once, as KVM copies it, sev_es_sync_from_ghcb) and
 * write the answer into the page. True when the VM ends.
 */
static bool ghcb_page_exit(struct sim_hv *hv, unsigned int cpu, uint64_t gpa,
			   struct ghcb *g, uint64_t *exit_code)
{
	static struct ghcb in;
	bool ends = false;

	memcpy(&in, g, sizeof(in));
	hv->nae_exits++;
	hv->last_exit_code = in.sw_exit_code;
	*exit_code = in.sw_exit_code;
	/* As KVM: the answer starts from an empty bitmap and info 0/0. */
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	set_out(g, &g->sw_exit_info_1, 0);
	set_out(g, &g->sw_exit_info_2, 0);
	if (!event_ok(hv, &in, g))
		return false;
	switch (in.sw_exit_code) {
	case GHCB_NAE_SNP_PSC:
		ends = nae_psc(hv, gpa, &in, g);
		break;
	case GHCB_NAE_SNP_GUEST_REQUEST:
		nae_guest_request(hv, &in, g, false);
		break;
	case GHCB_NAE_SNP_EXT_GUEST_REQUEST:
		nae_guest_request(hv, &in, g, true);
		break;
	case GHCB_NAE_SNP_AP_CREATION:
		nae_ap_creation(hv, &in, g);
		break;
	case GHCB_NAE_HV_DOORBELL_PAGE:
		nae_hv_doorbell(hv, cpu, &in, g);
		break;
	default: /* GHCB_NAE_SNP_RUN_VMPL, as event_ok() let through */
		nae_run_vmpl(hv, &in, g);
		break;
	}
	return ends;
}

/* ---- Entry ------------------------------------------------------------- */

bool sim_hv_vmgexit(unsigned int cpu, uint64_t *msr, void *page)
{
	/*
	 * TRUST: this is the host; the guest controls the MSR and the page.
	 * The hostile callback then plays a host that controls both.
	 */
	struct sim_hv *hv = &sim_hv;
	struct sim_hv_exit x = {
		.cpu = cpu,
		.msr_in = *msr,
		.msr = msr,
	};

	hv->exits++;
	if (ghcb_msr_info(*msr) != 0) {
		x.stop = msr_protocol(hv, cpu, msr);
	} else if (*msr == 0 || !page) {
		/*
		 * KVM (sev_handle_vmgexit): no GHCB GPA, or one it cannot map
		 * (kvm_vcpu_map fails): straight back to the guest, nothing
		 * written.
		 */
		hv->unmapped++;
	} else if (cpu < SIM_HV_CPUS && *msr == hv->ghcb_gpa[cpu]) {
		x.ghcb = page;
		x.stop = ghcb_page_exit(hv, cpu, *msr, page, &x.exit_code);
		hv->ended |= x.stop;
	} else {
		/*
		 * KVM (sev_handle_vmgexit): an SNP guest's GHCB GPA must be
		 * the one this vCPU registered; otherwise KVM_RUN fails with
		 * -EINVAL and the VMM ends the VM. Nothing is answered.
		 */
		hv->unregistered++;
		hv->ended = true;
		x.stop = true;
	}
	if (hv->hostile)
		hv->hostile(&x, hv->hostile_ctx);
	return x.stop;
}

void sim_hv_reset(void)
{
	memset(&sim_hv, 0, sizeof(sim_hv));
	sim_hv.min_version = 1;
	sim_hv.max_version = GHCB_PROTOCOL_VERSION;
	sim_hv.cbit = 51;
	/*
	 * As upstream KVM advertises them (Linux arch/x86/kvm/svm/svm.h,
	 * GHCB_HV_FT_SUPPORTED): SNP and AP creation, nothing else.
	 */
	sim_hv.features = GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION;
	/* CPUID 0x8000001F: SME, SEV, SEV-ES, SNP; EBX C-bit 51, 1 bit lost. */
	sim_hv.cpuid[0] = (struct sim_cpuid){
		.fn = 0x8000001fu,
		.regs = {0x1bu, 51u | (1u << 6), 0, 0},
	};
	sim_hv.cpuid_count = 1;
}
