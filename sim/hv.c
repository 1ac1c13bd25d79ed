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

static void nae_psc(struct sim_hv *hv, uint64_t ghcb_gpa, const struct ghcb *in,
		    struct ghcb *g)
{
	struct ghcb_psc *d = (struct ghcb_psc *)(void *)g->shared_buffer;
	unsigned int budget = hv->psc_max_per_exit;
	struct ghcb_psc_hdr hdr;

	/* model: the descriptor must be the one in the shared buffer. */
	if (!VALID_(in, sw_scratch) ||
	    in->sw_scratch != ghcb_gpa + GHCB_SHARED_BUF_OFFSET) {
		malformed(g, GHCB_ERR_INVALID_SCRATCH);
		return;
	}
	memcpy(&hdr, &d->hdr, sizeof(hdr));
	if (hdr.reserved || hdr.end_entry >= GHCB_PSC_MAX_ENTRIES) {
		set_out(g, &g->sw_exit_info_2, SIM_HV_PSC_ERR_HDR);
		return;
	}
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

	if (!VALID_(in, sw_exit_info_1) || !VALID_(in, sw_exit_info_2) ||
	    (ext && (!VALID_(in, rax) || !VALID_(in, rbx)))) {
		malformed(g, GHCB_ERR_MISSING_INPUT);
		return;
	}
	if (!req || !resp || req_gpa == resp_gpa || !host_page(hv, req_gpa) ||
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

	if (!VALID_(in, sw_exit_info_1) || !VALID_(in, sw_exit_info_2) ||
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

/* ---- The GHCB page (AMD 56421) ---------------------------------------- */

/*
 * Serves the event in a registered GHCB page; returns its exit code. The
 * handlers read the guest's inputs from a snapshot (`in`: the host reads
 * the page once, as KVM copies it) and write the answer into the page.
 */
static uint64_t ghcb_page_exit(struct sim_hv *hv, uint64_t gpa, struct ghcb *g)
{
	static struct ghcb in;

	memcpy(&in, g, sizeof(in));
	hv->nae_exits++;
	hv->last_exit_code = in.sw_exit_code;
	/* As KVM: the answer starts from an empty bitmap and info 0/0. */
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	set_out(g, &g->sw_exit_info_1, 0);
	set_out(g, &g->sw_exit_info_2, 0);
	if (!VALID_(&in, sw_exit_code)) {
		malformed(g, GHCB_ERR_MISSING_INPUT);
		return in.sw_exit_code;
	}
	if (in.protocol_version != GHCB_PROTOCOL_VERSION ||
	    in.ghcb_usage != GHCB_USAGE_STANDARD) {
		malformed(g, GHCB_ERR_INVALID_USAGE);
		return in.sw_exit_code;
	}
	switch (in.sw_exit_code) {
	case GHCB_NAE_SNP_PSC:
		nae_psc(hv, gpa, &in, g);
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
	case GHCB_NAE_SNP_RUN_VMPL:
		nae_run_vmpl(hv, &in, g);
		break;
	default:
		malformed(g, GHCB_ERR_INVALID_EVENT);
		break;
	}
	return in.sw_exit_code;
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
	} else if (cpu < SIM_HV_CPUS && *msr != 0 &&
		   *msr == hv->ghcb_gpa[cpu] && page) {
		x.ghcb = page;
		x.exit_code = ghcb_page_exit(hv, *msr, page);
	} else {
		/* A GPA this vCPU did not register (56421 reason 1). */
		hv->unregistered++;
		if (page && host_page(hv, *msr)) {
			struct ghcb *g = page;

			memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
			malformed(g, GHCB_ERR_NOT_REGISTERED);
		}
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
