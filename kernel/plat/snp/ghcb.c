/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's GHCB client (include/snp/ghcb.h): the MSR protocol
 * (negotiation, GHCB registration, page-state change, termination) and
 * the NAE events an SVSM needs, through each CPU's registered GHCB page.
 * Reference: AMD 56421 (docs/references.md; "56421" below names the
 * spec's message or event) and the bug classes of docs/threat-model.md;
 * wire formats in include/abi/ghcb.h.
 *
 * The GHCB page is shared with the host, which can write any byte of it at
 * any time. Every access to it goes through the shared_* helpers below:
 * the inputs of an event are written fresh for each call, and after
 * VMGEXIT each field of the answer is read exactly once, with one 8-byte
 * load, into private memory; only that copy is checked and used. The MSR
 * is the host's too: each MSR-protocol answer is read once and checked.
 *
 * State: whether the negotiation succeeded (written once, on the boot CPU,
 * before any other CPU runs), and one record per CPU, which only that CPU
 * touches. No lock is needed.
 */
#define LOG_PREFIX "ghcb: "

#include "snp/ghcb.h"

#include "svsm/arch/cpu.h"
#include "svsm/arch/ghcb.h"

#include "svsm/log.h"
#include "svsm/percpu.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "lib/string.h"

/* One CPU's GHCB. */
struct ghcb_cpu {
	struct ghcb __shared *page;
	paddr_t pa;
	bool registered;
	/*
	 * The event is the console's own output (IOIO): a failure must not
	 * log, which would re-enter the console under its lock.
	 */
	bool quiet;
};

static struct {
	bool negotiated;
	struct ghcb_host_info host;
	struct ghcb_cpu cpu[CFG_MAX_CPUS];
} gs;

/* ---- Shared-page access ------------------------------------------------ */

/*
 * SAFETY: the only accesses to a GHCB page. The pointers point into the
 * page ghcb_register() checked (4 KiB aligned, mapped) and are formed from
 * struct ghcb members (the shared buffer through shared_buf_u64()), so
 * each access lies inside the page and is naturally aligned. Writes are
 * plain copies: the host may read them torn or changed, which only
 * confuses the host. Reads are one relaxed atomic 8-byte load each: the
 * compiler can neither split one nor read the field again later, so a
 * value the host changes afterwards is never seen by code that checked
 * the first one.
 */
static void shared_write(void __shared *dst, const void *src, size_t len)
{
	memcpy((void *)dst, src, len);
}

static void shared_put_u64(uint64_t __shared *p, uint64_t v)
{
	shared_write(p, &v, sizeof(v));
}

static uint64_t shared_get_u64(const uint64_t __shared *p)
{
	return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
}

/*
 * SAFETY: slot < GHCB_SHARED_BUF_SIZE / 8 keeps the 8 bytes inside the
 * shared buffer, which starts 8-byte aligned (offset 0x800).
 */
static uint64_t __shared *shared_buf_u64(struct ghcb __shared *g, size_t slot)
{
	uint8_t __shared *b;

	CHECK(slot < GHCB_SHARED_BUF_SIZE / sizeof(uint64_t));
	b = &g->shared_buffer[slot * sizeof(uint64_t)];
	return (uint64_t __shared *)(void __shared *)b;
}

/* ---- The MSR protocol (56421) ----------------------------------------- */

/* One MSR-protocol exchange: the host's answer, read once. */
static uint64_t msr_exchange(uint64_t request)
{
	arch_ghcb_msr_write(request);
	arch_vmgexit();
	return arch_ghcb_msr_read();
}

enum svsm_err ghcb_negotiate(struct ghcb_host_info *out)
{
	/*
	 * TRUST: the host answers both requests with any 64-bit value. A
	 * wrong response code, a version range without 2 or upside down, or
	 * missing features is refused; nothing is recorded then.
	 */
	struct ghcb_host_info info;
	uint64_t resp;

	resp = msr_exchange(GHCB_MSR_SEV_INFO_REQ);
	if (ghcb_msr_info(resp) != GHCB_MSR_SEV_INFO_RESP) {
		log_warn("SEV information: response code 0x%x",
			 ghcb_msr_info(resp));
		return SVSM_E_HW;
	}
	info.min_version = ghcb_msr_sev_info_min(resp);
	info.max_version = ghcb_msr_sev_info_max(resp);
	info.cbit = ghcb_msr_sev_info_cbit(resp);
	if (info.min_version > info.max_version ||
	    info.min_version > GHCB_PROTOCOL_VERSION ||
	    info.max_version < GHCB_PROTOCOL_VERSION) {
		log_warn("host GHCB versions %u..%u exclude %u",
			 info.min_version, info.max_version,
			 GHCB_PROTOCOL_VERSION);
		return SVSM_E_UNSUPPORTED;
	}

	resp = msr_exchange(GHCB_MSR_HV_FT_REQ);
	if (ghcb_msr_info(resp) != GHCB_MSR_HV_FT_RESP) {
		log_warn("HV features: response code 0x%x",
			 ghcb_msr_info(resp));
		return SVSM_E_HW;
	}
	info.hv_features = ghcb_msr_hv_features(resp);
	if ((info.hv_features & GHCB_SVSM_HV_FEATURES) !=
	    GHCB_SVSM_HV_FEATURES) {
		log_warn("host lacks HV features 0x%llx",
			 (unsigned long long)(GHCB_SVSM_HV_FEATURES &
					      ~info.hv_features));
		return SVSM_E_UNSUPPORTED;
	}
	if ((info.hv_features & GHCB_SVSM_HV_FEATURES_WANTED) !=
	    GHCB_SVSM_HV_FEATURES_WANTED)
		log_notice("host does not offer HV features 0x%llx (optional)",
			   (unsigned long long)(GHCB_SVSM_HV_FEATURES_WANTED &
						~info.hv_features));

	gs.host = info;
	gs.negotiated = true;
	if (out)
		*out = info;
	return SVSM_OK;
}

enum svsm_err ghcb_msr_page_state_change(paddr_t pa, unsigned int op)
{
	/*
	 * TRUST: the host answers with any value; only the PSC response
	 * code with a zero error field is success. It may still not have
	 * changed the RMP: a page made private proves it when PVALIDATE
	 * succeeds; for a page made shared the SVSM cannot tell, and a
	 * private page in the GHCB's place only breaks the host's own
	 * accesses to it.
	 */
	uint64_t gfn = pa_val(pa) >> PAGE_SHIFT;
	uint64_t resp;

	if ((op != GHCB_PSC_OP_PRIVATE && op != GHCB_PSC_OP_SHARED) ||
	    !pa_is_aligned(pa, PAGE_SIZE) || gfn > GHCB_MSR_PSC_GFN_MASK)
		return SVSM_E_INVAL;
	resp = msr_exchange(ghcb_msr_psc_req(gfn, op));
	if (ghcb_msr_info(resp) != GHCB_MSR_PSC_RESP ||
	    ghcb_msr_resp_error(resp) != 0) {
		log_warn("MSR page-state change of 0x%llx refused: 0x%llx",
			 (unsigned long long)pa_val(pa),
			 (unsigned long long)resp);
		return SVSM_E_HW;
	}
	return SVSM_OK;
}

static struct ghcb_cpu *this_ghcb(void)
{
	unsigned int cpu = arch_ghcb_cpu_index();

	if (cpu >= CFG_MAX_CPUS || !gs.cpu[cpu].registered)
		return NULL;
	return &gs.cpu[cpu];
}

bool ghcb_registered(void)
{
	return this_ghcb() != NULL;
}

enum svsm_err ghcb_register(paddr_t page)
{
	/*
	 * TRUST: the host must echo the GFN it registered (SNP requires
	 * registration before use, 56421). Any other answer means this
	 * page is not the CPU's GHCB as far as the host is concerned: the
	 * CPU's record stays as it was.
	 */
	unsigned int cpu = arch_ghcb_cpu_index();
	uint64_t gfn = pa_val(page) >> PAGE_SHIFT;
	void *va;
	uint64_t resp;

	if (!gs.negotiated || cpu >= CFG_MAX_CPUS ||
	    !pa_is_aligned(page, PAGE_SIZE))
		return SVSM_E_INVAL;
	va = arch_phys_to_virt(pa_val(page), GHCB_PAGE_SIZE);
	if (!va)
		return SVSM_E_INVAL;
	resp = msr_exchange(ghcb_msr_reg_gpa_req(gfn));
	if (ghcb_msr_info(resp) != GHCB_MSR_REG_GPA_RESP ||
	    ghcb_msr_gfn(resp) != gfn) {
		log_warn("GHCB registration of 0x%llx refused: 0x%llx",
			 (unsigned long long)pa_val(page),
			 (unsigned long long)resp);
		return SVSM_E_HW;
	}
	gs.cpu[cpu].page = (struct ghcb __shared *)va;
	gs.cpu[cpu].pa = page;
	gs.cpu[cpu].registered = true;
	return SVSM_OK;
}

void ghcb_terminate(unsigned int reason_set, unsigned int reason_code)
{
	/*
	 * TRUST: a host that resumes the vCPU after a termination request
	 * gets nothing more from it (56421; Linux halts the same way).
	 */
	arch_ghcb_msr_write(ghcb_msr_term_req(reason_set, reason_code));
	arch_vmgexit();
	arch_halt_forever();
}

#if __STDC_HOSTED__
void ghcb_reset(void)
{
	memset(&gs, 0, sizeof(gs));
}
#endif

/* ---- NAE events through the GHCB page (56421) ------------------------- */

/* The inputs of one event. */
struct nae_in {
	uint64_t exit_code;
	uint64_t info1;
	uint64_t info2;
	uint64_t rax; /* when has_rax */
	uint64_t rbx; /* when has_rbx */
	uint64_t rcx; /* when has_rcx */
	uint64_t rdx; /* when has_rdx */
	bool has_rax;
	bool has_rbx;
	bool has_rcx;
	bool has_rdx;
	bool has_scratch; /* SW_SCRATCH = this GHCB's shared buffer */
};

/* The host's answer: the private copy, checked by nae_call(). */
struct nae_out {
	uint64_t info1;
	uint64_t info2;
	uint64_t rax;
	uint64_t rbx;
	uint64_t rdx;
	bool rax_valid;
	bool rbx_valid;
	bool rdx_valid;
};

#define GHCB_VALID_(f) ghcb_bitmap_set(valid, offsetof(struct ghcb, f))
#define GHCB_TEST_(f)  ghcb_bitmap_test(valid, offsetof(struct ghcb, f))

/* Fills the GHCB with the event's inputs and a fresh valid bitmap. */
static void nae_fill(struct ghcb_cpu *gc, const struct nae_in *in)
{
	const uint16_t version = GHCB_PROTOCOL_VERSION;
	const uint32_t usage = GHCB_USAGE_STANDARD;
	struct ghcb __shared *g = gc->page;
	uint64_t valid[2] = {0, 0};
	uint64_t scratch = 0;

	GHCB_VALID_(sw_exit_code);
	GHCB_VALID_(sw_exit_info_1);
	GHCB_VALID_(sw_exit_info_2);
	if (in->has_scratch) {
		scratch = pa_val(gc->pa) + GHCB_SHARED_BUF_OFFSET;
		GHCB_VALID_(sw_scratch);
	}
	if (in->has_rax)
		GHCB_VALID_(rax);
	if (in->has_rbx)
		GHCB_VALID_(rbx);
	if (in->has_rcx)
		GHCB_VALID_(rcx);
	if (in->has_rdx)
		GHCB_VALID_(rdx);

	shared_put_u64(&g->sw_exit_code, in->exit_code);
	shared_put_u64(&g->sw_exit_info_1, in->info1);
	shared_put_u64(&g->sw_exit_info_2, in->info2);
	shared_put_u64(&g->sw_scratch, scratch);
	shared_put_u64(&g->rax, in->has_rax ? in->rax : 0);
	shared_put_u64(&g->rbx, in->has_rbx ? in->rbx : 0);
	shared_put_u64(&g->rcx, in->has_rcx ? in->rcx : 0);
	shared_put_u64(&g->rdx, in->has_rdx ? in->rdx : 0);
	shared_put_u64(&g->valid_bitmap[0], valid[0]);
	shared_put_u64(&g->valid_bitmap[1], valid[1]);
	shared_write(&g->protocol_version, &version, sizeof(version));
	shared_write(&g->ghcb_usage, &usage, sizeof(usage));
}

/*
 * One NAE event: fill the GHCB, VMGEXIT, copy the answer out once and
 * check it. SVSM_OK means EXITINFO1[31:0] is 0; what EXITINFO2 and the
 * registers say is the caller's to check, in *out.
 */
static enum svsm_err nae_call(struct ghcb_cpu *gc, const struct nae_in *in,
			      struct nae_out *out)
{
	/*
	 * TRUST: the host controls every byte of the GHCB, before, during
	 * and after the exit. The answer is copied out field by field, once
	 * (below), before anything looks at it. Refused: an exit code that
	 * is not the one sent (the host answered some other request), an
	 * EXITINFO1/2 the host did not mark valid, EXITINFO1[31:0] other
	 * than 0 (an exception the host wants injected, a malformed-input
	 * report or garbage). RAX and RBX count only with their valid bits.
	 */
	struct ghcb __shared *g = gc->page;
	uint64_t valid[2];
	uint64_t exit_code;
	uint32_t status;

	nae_fill(gc, in);
	arch_ghcb_msr_write(pa_val(gc->pa));
	arch_vmgexit();

	valid[0] = shared_get_u64(&g->valid_bitmap[0]);
	valid[1] = shared_get_u64(&g->valid_bitmap[1]);
	exit_code = shared_get_u64(&g->sw_exit_code);
	out->info1 = shared_get_u64(&g->sw_exit_info_1);
	out->info2 = shared_get_u64(&g->sw_exit_info_2);
	out->rax = shared_get_u64(&g->rax);
	out->rbx = shared_get_u64(&g->rbx);
	out->rdx = shared_get_u64(&g->rdx);
	/* 56421: invalidate the GHCB once the answer is out. */
	shared_put_u64(&g->sw_exit_code, 0);
	shared_put_u64(&g->valid_bitmap[0], 0);
	shared_put_u64(&g->valid_bitmap[1], 0);

	out->rax_valid = GHCB_TEST_(rax);
	out->rbx_valid = GHCB_TEST_(rbx);
	out->rdx_valid = GHCB_TEST_(rdx);
	if (exit_code != in->exit_code || !GHCB_TEST_(sw_exit_info_1) ||
	    !GHCB_TEST_(sw_exit_info_2)) {
		if (gc->quiet)
			return SVSM_E_HW;
		log_warn("event 0x%llx: malformed answer (exit code 0x%llx, "
			 "valid 0x%llx:%llx)",
			 (unsigned long long)in->exit_code,
			 (unsigned long long)exit_code,
			 (unsigned long long)valid[1],
			 (unsigned long long)valid[0]);
		return SVSM_E_HW;
	}
	status = (uint32_t)out->info1;
	if (status == GHCB_RESP_OK)
		return SVSM_OK;
	if (gc->quiet)
		return SVSM_E_HW;
	if (status == GHCB_RESP_MALFORMED_INPUT)
		log_info("event 0x%llx refused by the host: reason 0x%llx",
			 (unsigned long long)in->exit_code,
			 (unsigned long long)out->info2);
	else
		log_warn("event 0x%llx: EXITINFO1 0x%llx",
			 (unsigned long long)in->exit_code,
			 (unsigned long long)out->info1);
	return SVSM_E_HW;
}

/* ---- Page state change (56421, SNP Page State Change NAE) ------------- */

/* What the client sends: PRIVATE or SHARED of an aligned 4K or 2M page. */
static bool psc_entry_ok(uint64_t e)
{
	unsigned int op = ghcb_psc_entry_op(e);

	if ((e & GHCB_PSC_ENTRY_RESERVED) || ghcb_psc_entry_cur_page(e) != 0)
		return false;
	if (op != GHCB_PSC_OP_PRIVATE && op != GHCB_PSC_OP_SHARED)
		return false;
	return !ghcb_psc_entry_2m(e) ||
	       IS_ALIGNED(ghcb_psc_entry_gfn(e), SNP_PAGES_PER_2M);
}

static uint64_t psc_hdr(uint16_t cur, uint16_t end)
{
	return (uint64_t)cur | ((uint64_t)end << 16);
}

/*
 * Whether the host advanced entry `i` (sent as `sent` with *cur_page) by
 * part of its pages: its cur_page grew, up to the entry's page count, and
 * nothing else of the entry changed. Updates *cur_page when it did.
 */
static bool psc_partial_progress(struct ghcb_cpu *gc, uint64_t sent, uint16_t i,
				 unsigned int *cur_page)
{
	uint64_t now = shared_get_u64(shared_buf_u64(gc->page, 1u + i));
	unsigned int pages = ghcb_psc_entry_2m(sent) ? SNP_PAGES_PER_2M : 1u;
	unsigned int page = ghcb_psc_entry_cur_page(now);

	if ((now & ~GHCB_PSC_ENTRY_CUR_PAGE_MASK) != sent ||
	    page <= *cur_page || page > pages)
		return false;
	*cur_page = page;
	return true;
}

/*
 * One descriptor of n (1..GHCB_PSC_MAX_ENTRIES) entries, sent again from
 * the first entry not done until the host has done all of them.
 */
static enum svsm_err psc_batch(struct ghcb_cpu *gc, const uint64_t *entries,
			       uint16_t n)
{
	/*
	 * TRUST: the host rewrites the descriptor's header to say how far it
	 * got, and may stop partway through a 2 MiB entry, advancing only
	 * that entry's cur_page (KVM does: Linux arch/x86/kvm/svm/sev.c,
	 * snp_begin_psc). The header is read once, as one 8-byte load, and
	 * must show progress: cur_entry beyond the old one and at most
	 * end + 1, or the same cur_entry with its entry's cur_page grown
	 * (read once; the rest of the entry as sent, cur_page at most the
	 * entry's page count); end_entry unchanged, reserved zero (56421;
	 * Linux refuses backwards and growing indices; csvsm also refuses a
	 * shrinking end, which would end the loop with entries undone, and
	 * a round without progress, which could loop forever). Each round
	 * makes progress, so there are at most n * 513 rounds. Apart from
	 * that one cur_page, nothing is read back: every round rewrites the
	 * entries from the caller's private array.
	 */
	const struct nae_in in = {
		.exit_code = GHCB_NAE_SNP_PSC,
		.has_scratch = true,
	};
	const uint16_t end = (uint16_t)(n - 1);
	uint16_t cur = 0;
	unsigned int cur_page = 0; /* of entry `cur`, as the host left it */

	static_assert(offsetof(struct ghcb_psc, entries) == sizeof(uint64_t),
		      "entry i is shared-buffer slot i + 1, 56421");
	for (;;) {
		struct nae_out out;
		enum svsm_err err;
		uint64_t hdr;
		uint16_t new_cur;

		shared_put_u64(shared_buf_u64(gc->page, 0), psc_hdr(cur, end));
		shared_put_u64(shared_buf_u64(gc->page, 1u + cur),
			       entries[cur] | cur_page);
		for (uint16_t i = cur + 1u; i < n; i++)
			shared_put_u64(shared_buf_u64(gc->page, 1u + i),
				       entries[i]);
		err = nae_call(gc, &in, &out);
		if (err != SVSM_OK)
			return err;
		if (out.info2 != 0) {
			log_warn("page-state change failed at entry %u: 0x%llx",
				 cur, (unsigned long long)out.info2);
			return SVSM_E_HW;
		}
		hdr = shared_get_u64(shared_buf_u64(gc->page, 0));
		new_cur = (uint16_t)hdr;
		if ((hdr >> 32) != 0 || (uint16_t)(hdr >> 16) != end ||
		    new_cur < cur || new_cur > end + 1u ||
		    (new_cur == cur &&
		     !psc_partial_progress(gc, entries[cur], cur, &cur_page))) {
			log_warn("page-state change: host header 0x%llx after "
				 "entry %u of %u",
				 (unsigned long long)hdr, cur, n);
			return SVSM_E_HW;
		}
		if (new_cur == end + 1u)
			return SVSM_OK;
		if (new_cur != cur)
			cur_page = 0;
		cur = new_cur;
	}
}

enum svsm_err ghcb_page_state_change(const uint64_t *entries, size_t count)
{
	/*
	 * TRUST: entries come from the SVSM and are checked as a bug guard;
	 * the host's side is checked round by round in psc_batch().
	 */
	struct ghcb_cpu *gc = this_ghcb();

	if (!entries || count == 0)
		return SVSM_E_INVAL;
	for (size_t i = 0; i < count; i++) {
		if (!psc_entry_ok(entries[i]))
			return SVSM_E_INVAL;
	}
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	for (size_t done = 0; done < count;) {
		size_t n = count - done;
		enum svsm_err err;

		if (n > GHCB_PSC_MAX_ENTRIES)
			n = GHCB_PSC_MAX_ENTRIES;
		err = psc_batch(gc, entries + done, (uint16_t)n);
		if (err != SVSM_OK)
			return err;
		done += n;
	}
	return SVSM_OK;
}

/* ---- Guest requests (56421, SNP Guest Request NAE) -------------------- */

/*
 * 56421: EXITINFO2 = VMM error << 32 | firmware status. SVSM_OK only
 * when both are zero; BUSY (with no firmware status) asks for a resend.
 * INVALID_LEN is the caller's to interpret (extended requests only).
 */
static enum svsm_err guest_req_result(uint64_t info2)
{
	uint32_t vmm = (uint32_t)(info2 >> GHCB_GUEST_REQ_VMM_ERR_SHIFT);

	if (info2 == 0)
		return SVSM_OK;
	if (vmm == GHCB_GUEST_REQ_ERR_BUSY && (uint32_t)info2 == 0)
		return SVSM_E_BUSY;
	return SVSM_E_HW;
}

static bool guest_req_pages_ok(paddr_t req_pa, paddr_t resp_pa)
{
	return pa_is_aligned(req_pa, PAGE_SIZE) &&
	       pa_is_aligned(resp_pa, PAGE_SIZE) &&
	       pa_val(req_pa) != pa_val(resp_pa);
}

enum svsm_err ghcb_guest_request(paddr_t req_pa, paddr_t resp_pa,
				 uint64_t *fw_err)
{
	/*
	 * TRUST: the host reports the outcome in EXITINFO2 and may lie; the
	 * caller (guest_msg.c) authenticates the response page itself and
	 * treats every failure as "the sequence number may be spent".
	 */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_NAE_SNP_GUEST_REQUEST,
		.info1 = pa_val(req_pa),
		.info2 = pa_val(resp_pa),
	};
	struct nae_out out;
	enum svsm_err err;

	*fw_err = 0;
	if (!guest_req_pages_ok(req_pa, resp_pa))
		return SVSM_E_INVAL;
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	err = nae_call(gc, &in, &out);
	*fw_err = out.info2;
	if (err != SVSM_OK)
		return err;
	return guest_req_result(out.info2);
}

enum svsm_err ghcb_ext_guest_request(paddr_t req_pa, paddr_t resp_pa,
				     paddr_t certs_pa, uint32_t *npages,
				     uint64_t *fw_err)
{
	/*
	 * TRUST: as ghcb_guest_request(); and the page count the host asks
	 * for with INVALID_LEN (RBX) counts only when marked valid, more
	 * than offered and at most GHCB_EXT_CERTS_MAX_PAGES.
	 */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_NAE_SNP_EXT_GUEST_REQUEST,
		.info1 = pa_val(req_pa),
		.info2 = pa_val(resp_pa),
		.rax = pa_val(certs_pa),
		.rbx = *npages,
		.has_rax = true,
		.has_rbx = true,
	};
	uint64_t certs_end;
	struct nae_out out;
	enum svsm_err err;
	uint32_t vmm;

	*fw_err = 0;
	if (!guest_req_pages_ok(req_pa, resp_pa) ||
	    !pa_is_aligned(certs_pa, PAGE_SIZE) ||
	    *npages > GHCB_EXT_CERTS_MAX_PAGES ||
	    __builtin_add_overflow(pa_val(certs_pa),
				   (uint64_t)*npages * PAGE_SIZE, &certs_end))
		return SVSM_E_INVAL;
	/* The certificate pages must not cover the message pages. */
	if ((pa_val(req_pa) >= pa_val(certs_pa) &&
	     pa_val(req_pa) < certs_end) ||
	    (pa_val(resp_pa) >= pa_val(certs_pa) &&
	     pa_val(resp_pa) < certs_end))
		return SVSM_E_INVAL;
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	err = nae_call(gc, &in, &out);
	*fw_err = out.info2;
	if (err != SVSM_OK)
		return err;
	vmm = (uint32_t)(out.info2 >> GHCB_GUEST_REQ_VMM_ERR_SHIFT);
	if (vmm != GHCB_GUEST_REQ_ERR_INVALID_LEN)
		return guest_req_result(out.info2);
	if ((uint32_t)out.info2 != 0 || !out.rbx_valid || out.rbx <= *npages ||
	    out.rbx > GHCB_EXT_CERTS_MAX_PAGES) {
		log_warn("extended guest request: INVALID_LEN for 0x%llx "
			 "pages",
			 (unsigned long long)out.rbx);
		return SVSM_E_HW;
	}
	*npages = (uint32_t)out.rbx;
	return SVSM_E_NOMEM;
}

/* ---- AP creation and Run VMPL (56421) -------------------------------- */

enum svsm_err ghcb_ap_create(unsigned int op, uint32_t apic_id, paddr_t vmsa_pa,
			     unsigned int vmpl, uint64_t sev_features)
{
	/*
	 * TRUST: the host may refuse, or claim to have done it and not;
	 * the SVSM cannot tell the latter, and loses nothing by it: a VMSA
	 * the host does not run is a vCPU the guest does not get.
	 */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_NAE_SNP_AP_CREATION,
		.info1 = ghcb_ap_creation_info1(op, vmpl, apic_id),
		.info2 = pa_val(vmsa_pa),
		.rax = sev_features,
		.has_rax = true,
	};
	struct nae_out out;

	if (op > GHCB_AP_DESTROY || vmpl >= SNP_VMPL_COUNT ||
	    !pa_is_aligned(vmsa_pa, PAGE_SIZE))
		return SVSM_E_INVAL;
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	return nae_call(gc, &in, &out);
}

enum svsm_err ghcb_run_vmpl(unsigned int vmpl)
{
	/* TRUST: the host decides what runs; only its answer is checked. */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_NAE_SNP_RUN_VMPL,
		.info1 = vmpl,
	};
	struct nae_out out;

	if (vmpl >= SNP_VMPL_COUNT)
		return SVSM_E_INVAL;
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	return nae_call(gc, &in, &out);
}

enum svsm_err ghcb_hv_doorbell(unsigned int op, paddr_t page, uint64_t *gpa)
{
	/*
	 * TRUST: the host answers a GPA in EXITINFO2; SET must echo the
	 * page the SVSM named, as ghcb_register() requires of the GHCB's
	 * GFN, else the SVSM would believe in a doorbell the host does not
	 * write. What the caller does with another request's GPA is its
	 * own check.
	 */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_NAE_HV_DOORBELL_PAGE,
		.info1 = op,
		.info2 = op == GHCB_HV_DOORBELL_SET ? pa_val(page) : 0,
	};
	struct nae_out out;
	enum svsm_err err;

	if (op > GHCB_HV_DOORBELL_CLEAR ||
	    (op == GHCB_HV_DOORBELL_SET && !pa_is_aligned(page, PAGE_SIZE)))
		return SVSM_E_INVAL;
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	err = nae_call(gc, &in, &out);
	if (err != SVSM_OK)
		return err;
	if (op == GHCB_HV_DOORBELL_SET && out.info2 != pa_val(page)) {
		log_warn("#HV doorbell 0x%llx: the host answered 0x%llx",
			 (unsigned long long)pa_val(page),
			 (unsigned long long)out.info2);
		return SVSM_E_HW;
	}
	if (gpa)
		*gpa = out.info2;
	return SVSM_OK;
}

/* ---- Port I/O and MSRs for the #VC handler (56421, IOIO and MSR) ------ */

enum svsm_err ghcb_ioio(uint64_t info1, uint64_t value, uint64_t *in_value)
{
	/*
	 * TRUST: for IN, the host's RAX is the device's answer and may be
	 * anything; it counts only with its valid bit. Any other answer
	 * is refused by nae_call().
	 */
	struct ghcb_cpu *gc = this_ghcb();
	bool is_in = info1 & GHCB_IOIO_TYPE_IN;
	struct nae_in in = {
		.exit_code = GHCB_EXIT_IOIO,
		.info1 = info1,
		.info2 = 0,
		.rax = is_in ? 0 : value,
		.has_rax = !is_in,
	};
	struct nae_out out;
	enum svsm_err err;

	if (info1 & (GHCB_IOIO_STR | GHCB_IOIO_REP))
		return SVSM_E_INVAL; /* string I/O needs the shared buffer */
	if (!gc)
		return SVSM_E_UNSUPPORTED;
	gc->quiet = true; /* the console's path: no log on failure */
	err = nae_call(gc, &in, &out);
	gc->quiet = false;
	if (err != SVSM_OK || !is_in)
		return err;
	if (!out.rax_valid)
		return SVSM_E_HW; /* an IN without the device's answer */
	*in_value = out.rax;
	return SVSM_OK;
}

enum svsm_err ghcb_msr(bool write, uint32_t msr, uint64_t value,
		       uint64_t *read_value)
{
	/*
	 * TRUST: the host's RAX and RDX are the MSR's value as the host
	 * says; they count only with both valid bits.
	 */
	struct ghcb_cpu *gc = this_ghcb();
	struct nae_in in = {
		.exit_code = GHCB_EXIT_MSR,
		.info1 = write ? 1 : 0,
		.rcx = msr,
		.has_rcx = true,
		.rax = (uint32_t)value,
		.rdx = value >> 32,
		.has_rax = write,
		.has_rdx = write,
	};
	struct nae_out out;
	enum svsm_err err;

	if (!gc)
		return SVSM_E_UNSUPPORTED;
	err = nae_call(gc, &in, &out);
	if (err != SVSM_OK || write)
		return err;
	if (!out.rax_valid || !out.rdx_valid) {
		log_warn("RDMSR 0x%x: no RAX/RDX in the answer", msr);
		return SVSM_E_HW;
	}
	*read_value = (uint32_t)out.rax | ((uint64_t)(uint32_t)out.rdx << 32);
	return SVSM_OK;
}
