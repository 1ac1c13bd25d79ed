/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's SNP guest-message client (include/snp/guest_msg.h): builds
 * MSG_REPORT_REQ (and, for the store's key, MSG_KEY_REQ: the same
 * exchange with another message type and sizes), seals it with VMPCK0
 * (AES-256-GCM, IV = the sequence number in 8 little-endian bytes then 4
 * zero bytes, AAD = header bytes 0x30..0x5F, tag in header bytes 0..15,
 * payload at 0x60), hands it to the host, and opens and checks the
 * answer (MSG_REPORT_RSP, MSG_KEY_RSP). Rules: AMD 56860 guest
 * messages ("56860" below) and bug class 13 of docs/threat-model.md
 * (IV reuse, BUSY handling, wiping VMPCK0 on error, response validation,
 * private staging).
 *
 * Memory: VMPCK0, the plaintexts and the staging copy of the answer live
 * in this file's private state. The request and response pages are shared
 * with the host (__shared); they are touched only by shared_write() and
 * shared_read() below: the sealed request is written there, and the
 * answer is copied out once, in full, before anything looks at it.
 */
#define LOG_PREFIX "guest_msg: "

#include "snp/guest_msg.h"

#include "svsm/arch/cpu.h"

#include "svsm/log.h"
#include "svsm/spinlock.h"

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"
#include "snp/derived_key.h"
#include "snp/guest_req.h"

#define HDR_SIZE sizeof(struct snp_guest_msg_hdr)
/* The largest request and answer the client sends or takes. */
#define REQ_SIZE sizeof(struct snp_report_req)
#define RSP_SIZE sizeof(union guest_msg_rsp)
/* 56421 certificate table entry: GUID, u32 offset, u32 length. */
#define CERT_ENTRY_SIZE 24u

/* The plaintext answers the client takes (56860). */
union guest_msg_rsp {
	struct snp_report_rsp report; /* MSG_REPORT_RSP */
	struct snp_key_rsp key;	      /* MSG_KEY_RSP */
};

static_assert(HDR_SIZE + RSP_SIZE <= SNP_GUEST_MSG_PAGE_SIZE,
	      "a report answer fits in the response page, 56860");
static_assert(sizeof(struct snp_key_req) <= REQ_SIZE,
	      "a key request is the smaller request, 56860");
static_assert(SNP_GUEST_MSG_KEY_SIZE == CRYPTO_AES256_KEY_SIZE &&
		      SNP_GUEST_MSG_TAG_SIZE == CRYPTO_GCM_TAG_SIZE &&
		      SNP_GUEST_MSG_IV_SIZE == CRYPTO_GCM_IV_SIZE,
	      "VMPCKs are AES-256-GCM keys, 56860");

static struct {
	struct spinlock lock;
	bool keyed;    /* a VMPCK0 was installed (ever) */
	bool disabled; /* VMPCK0 was wiped after a failure */
	uint8_t vmpck0[SNP_GUEST_MSG_KEY_SIZE];
	/* 56860: the number the next request carries; odd, from 1. */
	uint64_t next_seqno;
	paddr_t req_pa;
	paddr_t resp_pa;
	uint8_t __shared *req;
	const uint8_t __shared *resp;
	paddr_t certs_pa;
	const uint8_t __shared *certs;
	uint32_t certs_npages;
	/*
	 * A request the host has seen but answered only with BUSY: resent,
	 * byte for byte, before any new one (its sequence number is spent).
	 */
	bool pending;
	bool certs_too_big; /* the last extended request fell back to plain */
	struct snp_guest_msg_hdr pending_hdr; /* its msg_type, msg_sz tell */
	uint8_t pending_ct[REQ_SIZE];
	/* Private staging: the answer as copied out of the response page. */
	uint8_t rsp_msg[HDR_SIZE + RSP_SIZE];
	union guest_msg_rsp rsp;
} gm;

/*
 * One kind of exchange (56860): the request's type and plaintext size,
 * the answer's plaintext size; the answer's type is the request's + 1.
 */
struct msg_kind {
	uint8_t req_type;
	uint16_t req_size;
	uint16_t rsp_size;
};

static const struct msg_kind report_kind = {
	.req_type = SNP_MSG_REPORT_REQ,
	.req_size = sizeof(struct snp_report_req),
	.rsp_size = sizeof(struct snp_report_rsp),
};

static const struct msg_kind key_kind = {
	.req_type = SNP_MSG_KEY_REQ,
	.req_size = sizeof(struct snp_key_req),
	.rsp_size = sizeof(struct snp_key_rsp),
};

/* The kind of a request sealed earlier (the pending one). */
static struct msg_kind kind_of(const struct snp_guest_msg_hdr *hdr)
{
	return hdr->msg_type == SNP_MSG_KEY_REQ ? key_kind : report_kind;
}

/*
 * SAFETY: the only accesses to the shared pages. The pointers come from
 * arch_phys_to_virt() of the two pages guest_msg_init() checked (aligned,
 * mapped, one page each) and of the certificate pages
 * guest_msg_init_certs() checked (aligned, mapped, certs_npages pages);
 * every length is a compile-time constant of at most one page, or the
 * certificate pages' size. The host can write these pages at any time:
 * the request page is only written, and the response and certificate
 * pages are only read, once per exchange, into private memory.
 */
static void shared_write(uint8_t __shared *dst, const void *src, size_t len)
{
	memcpy((uint8_t *)dst, src, len);
}

static void shared_read(void *dst, const uint8_t __shared *src, size_t len)
{
	memcpy(dst, (const uint8_t *)src, len);
}

/* 56860: the 96-bit IV is the sequence number (LE) and four zeros. */
static void gcm_iv(uint64_t seqno, uint8_t iv[SNP_GUEST_MSG_IV_SIZE])
{
	for (unsigned int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(seqno >> (8 * i));
	memset(iv + 8, 0, SNP_GUEST_MSG_IV_SIZE - 8);
}

static const uint8_t *hdr_aad(const struct snp_guest_msg_hdr *hdr)
{
	return (const uint8_t *)hdr + SNP_GUEST_MSG_AAD_OFFSET;
}

static bool ready_locked(void)
{
	return gm.keyed && !gm.disabled && gm.req && gm.resp;
}

/*
 * 56860, bug class 13: once a request may have been consumed without
 * an answer the client can trust, its sequence number can never be used
 * again for another plaintext; the only safe state is no key at all.
 */
static void disable_locked(const char *why, uint64_t fw_err)
{
	crypto_wipe(gm.vmpck0, sizeof(gm.vmpck0));
	gm.disabled = true;
	log_warn("VMPCK0 disabled after seqno %llu: %s (host/firmware error "
		 "0x%llx)",
		 (unsigned long long)gm.next_seqno, why,
		 (unsigned long long)fw_err);
}

enum svsm_err guest_msg_init_certs(paddr_t pa, uint32_t npages)
{
	const void *p;

	if (!pa_is_aligned(pa, PAGE_SIZE) || npages == 0 ||
	    npages > GUEST_MSG_CERTS_MAX_PAGES)
		return SVSM_E_INVAL;
	p = arch_phys_to_virt(pa_val(pa), (uint64_t)npages * PAGE_SIZE);
	if (!p)
		return SVSM_E_INVAL;
	spin_lock(&gm.lock);
	gm.certs_pa = pa;
	gm.certs = (const uint8_t __shared *)p;
	gm.certs_npages = npages;
	spin_unlock(&gm.lock);
	return SVSM_OK;
}

enum svsm_err guest_msg_init(paddr_t req_page, paddr_t resp_page)
{
	void *req = arch_phys_to_virt(pa_val(req_page), PAGE_SIZE);
	void *resp = arch_phys_to_virt(pa_val(resp_page), PAGE_SIZE);

	if (!pa_is_aligned(req_page, PAGE_SIZE) ||
	    !pa_is_aligned(resp_page, PAGE_SIZE) || !req || !resp ||
	    pa_val(req_page) == pa_val(resp_page))
		return SVSM_E_INVAL;
	spin_lock(&gm.lock);
	gm.req_pa = req_page;
	gm.resp_pa = resp_page;
	gm.req = (uint8_t __shared *)req;
	gm.resp = (const uint8_t __shared *)resp;
	spin_unlock(&gm.lock);
	return SVSM_OK;
}

static enum svsm_err key_exchange(const struct snp_key_req *req,
				  struct snp_key_rsp *rsp);

enum svsm_err guest_msg_set_vmpck0(const uint8_t key[SNP_GUEST_MSG_KEY_SIZE])
{
	enum svsm_err err = SVSM_OK;

	if (mem_is_zero(key, SNP_GUEST_MSG_KEY_SIZE))
		return SVSM_E_INVAL;
	spin_lock(&gm.lock);
	if (gm.keyed) {
		err = SVSM_E_BUSY;
	} else {
		memcpy(gm.vmpck0, key, sizeof(gm.vmpck0));
		gm.keyed = true;
		gm.disabled = false;
		gm.next_seqno = 1; /* 56860: numbering starts at 1 */
	}
	spin_unlock(&gm.lock);
	/* From now on the store's SNP key source can ask the PSP. */
	if (err == SVSM_OK)
		snp_derived_key_set_exchange(key_exchange);
	return err;
}

bool guest_msg_ready(void)
{
	bool ready;

	spin_lock(&gm.lock);
	ready = ready_locked();
	spin_unlock(&gm.lock);
	return ready;
}

uint64_t guest_msg_next_seqno(void)
{
	uint64_t seqno;

	spin_lock(&gm.lock);
	seqno = ready_locked() ? gm.next_seqno : 0;
	spin_unlock(&gm.lock);
	return seqno;
}

#if __STDC_HOSTED__
void guest_msg_reset(void)
{
	crypto_wipe(&gm, sizeof(gm));
}
#endif

/* 56860: the header of a request about to be sealed. */
static void req_hdr_init(struct snp_guest_msg_hdr *hdr, uint64_t seqno,
			 const struct msg_kind *kind)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->msg_seqno = seqno;
	hdr->algo = SNP_GUEST_MSG_AEAD_AES_256_GCM;
	hdr->hdr_version = SNP_GUEST_MSG_HDR_VERSION;
	hdr->hdr_sz = SNP_GUEST_MSG_HDR_SIZE;
	hdr->msg_type = kind->req_type;
	hdr->msg_version = SNP_GUEST_MSG_VERSION;
	hdr->msg_sz = kind->req_size;
	hdr->msg_vmpck = 0;
}

/*
 * 56860 response validation, checked on the private copy before
 * decrypting: everything psp.c's hdr_check() requires of a sender
 * (algorithm, header version and size, reserved bytes, including the
 * unused half of the tag field, zero), then that it answers this request:
 * sequence number + 1, type + 1, the same version and VMPCK, and the
 * exact size of the answer (MSG_REPORT_RSP, MSG_KEY_RSP).
 */
static bool rsp_hdr_ok(const struct snp_guest_msg_hdr *hdr, uint64_t seqno,
		       const struct msg_kind *kind)
{
	/*
	 * Bytes neither authenticated nor meaningful (the tag's unused tail,
	 * reserved_28, both before the AAD) are not looked at: the host can
	 * set them, and refusing them would let it wipe VMPCK0 at will (Linux
	 * drivers/virt/coco/sev-guest ignores them too). The sequence number
	 * is checked; it is also bound through the IV.
	 */
	return hdr->algo == SNP_GUEST_MSG_AEAD_AES_256_GCM &&
	       hdr->hdr_version == SNP_GUEST_MSG_HDR_VERSION &&
	       hdr->hdr_sz == SNP_GUEST_MSG_HDR_SIZE && hdr->reserved_38 == 0 &&
	       mem_is_zero(hdr->reserved_3d, sizeof(hdr->reserved_3d)) &&
	       hdr->msg_seqno == seqno + 1 &&
	       hdr->msg_type == kind->req_type + 1 &&
	       hdr->msg_version == SNP_GUEST_MSG_VERSION &&
	       hdr->msg_vmpck == 0 && hdr->msg_sz == kind->rsp_size;
}

/*
 * Sends the sealed request, writing the same bytes again before each
 * retry (the host may have changed the page; a resend must be identical
 * to be the same message), pausing longer after each BUSY. SVSM_E_BUSY
 * when the host still said BUSY after GUEST_MSG_BUSY_BUDGET_US of pauses.
 */
static enum svsm_err send_locked(const struct snp_guest_msg_hdr *hdr,
				 const uint8_t *ct, bool ext, uint64_t *fw_err)
{
	uint32_t delay = GUEST_MSG_BUSY_DELAY_MIN_US;
	uint64_t waited = 0;
	enum svsm_err err;

	for (;;) {
		uint32_t npages = gm.certs_npages;

		shared_write(gm.req, hdr, HDR_SIZE);
		shared_write(gm.req + HDR_SIZE, ct, hdr->msg_sz);
		if (ext)
			err = snp_guest_request_ext(gm.req_pa, gm.resp_pa,
						    gm.certs_pa, &npages,
						    fw_err);
		else
			err = snp_guest_request(gm.req_pa, gm.resp_pa, fw_err);
		/*
		 * The host wants more certificate pages than the SVSM has:
		 * it forwarded nothing, but it has seen the request, so the
		 * same bytes go again as a plain request (56421).
		 */
		if (ext && err == SVSM_E_NOMEM) {
			log_warn("host certificate table needs %u pages, more "
				 "than the SVSM's %u",
				 npages, gm.certs_npages);
			ext = false;
			gm.certs_too_big = true;
			continue;
		}
		if (err != SVSM_E_BUSY || waited >= GUEST_MSG_BUSY_BUDGET_US)
			return err;
		arch_udelay(delay);
		waited += delay;
		delay = delay * 2 > GUEST_MSG_BUSY_DELAY_MAX_US
				? GUEST_MSG_BUSY_DELAY_MAX_US
				: delay * 2;
	}
}

/* Keeps the sealed request for the next call (see send_locked). */
static void keep_pending_locked(const struct snp_guest_msg_hdr *hdr,
				const uint8_t *ct)
{
	gm.pending = true;
	memcpy(&gm.pending_hdr, hdr, sizeof(*hdr));
	memcpy(gm.pending_ct, ct, hdr->msg_sz);
}

/*
 * Copies the answer out of the response page once, checks its header,
 * and decrypts it into gm.rsp. False when it is not the authenticated
 * answer to the request of this kind with this sequence number.
 */
static bool open_locked(uint64_t seqno, const struct msg_kind *kind)
{
	struct snp_guest_msg_hdr hdr;
	uint8_t iv[SNP_GUEST_MSG_IV_SIZE];
	struct crypto_gcm g;

	shared_read(gm.rsp_msg, gm.resp, sizeof(gm.rsp_msg));
	memcpy(&hdr, gm.rsp_msg, HDR_SIZE);
	if (!rsp_hdr_ok(&hdr, seqno, kind))
		return false;
	gcm_iv(hdr.msg_seqno, iv);
	g.key = gm.vmpck0;
	g.iv = iv;
	g.aad = hdr_aad(&hdr);
	g.aad_len = SNP_GUEST_MSG_AAD_SIZE;
	return crypto_aes256gcm_open(&g, gm.rsp_msg + HDR_SIZE, kind->rsp_size,
				     hdr.authtag, &gm.rsp) == SVSM_OK;
}

/* The exchange completed; is the answer a report? */
static bool rsp_ok(uint32_t vmpl)
{
	const struct snp_report_rsp *rsp = &gm.rsp.report;

	return rsp->status == SNP_REPORT_STATUS_SUCCESS &&
	       rsp->report_size == SNP_REPORT_SIZE &&
	       mem_is_zero(rsp->reserved, sizeof(rsp->reserved)) &&
	       rsp->report.vmpl == vmpl;
}

/*
 * Sends the pending request again. SVSM_E_BUSY: still throttled, still
 * pending. SVSM_OK: its authenticated answer arrived (and is dropped: the
 * caller who asked for it was told BUSY), the numbers move on. Anything
 * else disables the client, as for any request.
 */
static enum svsm_err finish_pending_locked(struct guest_msg_status *status)
{
	uint64_t seqno = gm.pending_hdr.msg_seqno;
	struct msg_kind kind = kind_of(&gm.pending_hdr);
	enum svsm_err err = send_locked(&gm.pending_hdr, gm.pending_ct, false,
					&status->fw_err);

	if (err == SVSM_E_BUSY)
		return err;
	gm.pending = false;
	if (err != SVSM_OK) {
		disable_locked("host failed a resent request", status->fw_err);
		err = SVSM_E_HW;
	} else if (!open_locked(seqno, &kind)) {
		disable_locked("response failed validation", status->fw_err);
		err = SVSM_E_HW;
	} else {
		gm.next_seqno = seqno + 2;
	}
	crypto_wipe(gm.pending_ct, sizeof(gm.pending_ct));
	crypto_wipe(gm.rsp_msg, sizeof(gm.rsp_msg));
	crypto_wipe(&gm.rsp, sizeof(gm.rsp));
	return err;
}

/*
 * The certificate table the host wrote, read once into certs->buf and
 * checked: entries of 24 bytes (GUID, offset, length) up to an all-zero
 * one, every certificate inside the pages. Its length is the end of the
 * furthest of the entry list and the certificates (56421 certificate
 * table; the guest verifies the certificates themselves).
 */
static enum svsm_err take_certs_locked(struct guest_msg_certs *certs)
{
	/*
	 * TRUST: the host wrote every byte of these pages, and may change
	 * them at any time; only the private copy is looked at.
	 */
	size_t cap = (size_t)gm.certs_npages * PAGE_SIZE;
	size_t len = 0;

	if (gm.certs_too_big)
		return SVSM_E_HW;
	shared_read(certs->buf, gm.certs, cap);
	for (size_t off = 0;; off += CERT_ENTRY_SIZE) {
		uint32_t c_off;
		uint32_t c_len;

		if (off + CERT_ENTRY_SIZE > cap)
			return SVSM_E_HW; /* no terminating entry */
		if (mem_is_zero(certs->buf + off, CERT_ENTRY_SIZE)) {
			/* An empty table (terminator only) means none. */
			if (off != 0 && off + CERT_ENTRY_SIZE > len)
				len = off + CERT_ENTRY_SIZE;
			break;
		}
		memcpy(&c_off, certs->buf + off + 16, sizeof(c_off));
		memcpy(&c_len, certs->buf + off + 20, sizeof(c_len));
		if ((uint64_t)c_off + c_len > cap)
			return SVSM_E_HW;
		if ((uint64_t)c_off + c_len > len)
			len = (size_t)c_off + c_len;
	}
	/* Entries and certificates: whichever ends later. */
	certs->len = len;
	return SVSM_OK;
}

/*
 * One exchange of the given kind: seals the plaintext request `req`
 * (kind->req_size bytes) with VMPCK0 and the next sequence number, sends
 * it (through the extended request when `ext`), and leaves the
 * authenticated answer's plaintext in gm.rsp for the caller, who checks
 * it and wipes gm.rsp_msg and gm.rsp (wipe_rsp_locked). SVSM_E_BUSY: the
 * request is pending and goes again first on the next call.
 */
static enum svsm_err exchange_locked(const struct msg_kind *kind,
				     const void *req, bool ext,
				     struct guest_msg_status *status)
{
	/*
	 * TRUST: the host carries both messages and controls the shared
	 * pages and the transport's result; the PSP is trusted once its
	 * answer authenticates with VMPCK0 and carries our sequence number.
	 * A hostile host can make this call fail (and disable the client)
	 * but cannot make it return an answer the PSP did not give to this
	 * request, nor make the client reuse an IV.
	 */
	struct snp_guest_msg_hdr hdr;
	uint8_t iv[SNP_GUEST_MSG_IV_SIZE];
	uint8_t ct[REQ_SIZE];
	struct crypto_gcm g;
	enum svsm_err err;
	uint64_t seqno;

	if (!ready_locked())
		return SVSM_E_HW;
	if (gm.pending) {
		err = finish_pending_locked(status);
		if (err != SVSM_OK)
			return err;
	}
	seqno = gm.next_seqno;
	/* The answer carries seqno + 1 and the next request seqno + 2. */
	if (seqno > UINT64_MAX - 2) {
		disable_locked("sequence numbers exhausted", 0);
		return SVSM_E_HW;
	}

	req_hdr_init(&hdr, seqno, kind);
	gcm_iv(seqno, iv);
	g.key = gm.vmpck0;
	g.iv = iv;
	g.aad = hdr_aad(&hdr);
	g.aad_len = SNP_GUEST_MSG_AAD_SIZE;
	err = crypto_aes256gcm_seal(&g, req, kind->req_size, ct, hdr.authtag);
	if (err != SVSM_OK) {
		/* Nothing was shown to the host; the number is still unused. */
		return SVSM_E_HW;
	}

	/*
	 * From here on the host has seen seqno: complete it, keep it for the
	 * next call (BUSY), or disable.
	 */
	gm.certs_too_big = false;
	err = send_locked(&hdr, ct, ext, &status->fw_err);
	if (err == SVSM_E_BUSY) {
		keep_pending_locked(&hdr, ct);
		return err;
	}
	if (err != SVSM_OK) {
		disable_locked("host failed the request", status->fw_err);
		return SVSM_E_HW;
	}
	if (!open_locked(seqno, kind)) {
		disable_locked("response failed validation", status->fw_err);
		return SVSM_E_HW;
	}
	/* An authenticated answer to this request: the exchange completed. */
	gm.next_seqno = seqno + 2;
	return SVSM_OK;
}

static void wipe_rsp_locked(void)
{
	crypto_wipe(gm.rsp_msg, sizeof(gm.rsp_msg));
	crypto_wipe(&gm.rsp, sizeof(gm.rsp));
}

static enum svsm_err report_locked(const uint8_t report_data[64], uint32_t vmpl,
				   struct snp_attestation_report *out,
				   struct guest_msg_status *status,
				   struct guest_msg_certs *certs)
{
	struct snp_report_req req;
	enum svsm_err err;

	memset(&req, 0, sizeof(req));
	memcpy(req.report_data, report_data, sizeof(req.report_data));
	req.vmpl = vmpl;
	req.flags = SNP_REPORT_KEY_SEL_DEFAULT;
	err = exchange_locked(&report_kind, &req, certs != NULL, status);
	crypto_wipe(&req, sizeof(req));
	if (err != SVSM_OK)
		goto wipe;
	status->report_status = gm.rsp.report.status;
	if (!rsp_ok(vmpl)) {
		log_warn("no report from the PSP: status 0x%x, size 0x%x",
			 (unsigned int)gm.rsp.report.status,
			 (unsigned int)gm.rsp.report.report_size);
		err = SVSM_E_HW;
		goto wipe;
	}
	memcpy(out, &gm.rsp.report.report, sizeof(*out));
	if (certs)
		err = take_certs_locked(certs);
wipe:
	wipe_rsp_locked();
	return err;
}

/*
 * The derived-key source's exchange (snp/derived_key.h): MSG_KEY_REQ
 * sealed with VMPCK0, the authenticated MSG_KEY_RSP copied to *rsp as it
 * came (snp_derived_key_take() checks its status). Errors as
 * guest_msg_report(); *rsp is zero then.
 */
static enum svsm_err key_exchange(const struct snp_key_req *req,
				  struct snp_key_rsp *rsp)
{
	struct guest_msg_status status;
	enum svsm_err err;

	memset(rsp, 0, sizeof(*rsp));
	memset(&status, 0, sizeof(status));
	spin_lock(&gm.lock);
	err = exchange_locked(&key_kind, req, false, &status);
	if (err == SVSM_OK)
		memcpy(rsp, &gm.rsp.key, sizeof(*rsp));
	wipe_rsp_locked();
	spin_unlock(&gm.lock);
	if (err != SVSM_OK)
		log_warn("no MSG_KEY_RSP: %s (host/firmware error 0x%llx)",
			 err == SVSM_E_BUSY ? "the host is busy"
					    : "the exchange failed",
			 (unsigned long long)status.fw_err);
	return err;
}

enum svsm_err guest_msg_report(const uint8_t report_data[64], uint32_t vmpl,
			       struct snp_attestation_report *out,
			       struct guest_msg_status *status)
{
	enum svsm_err err;

	memset(out, 0, sizeof(*out));
	memset(status, 0, sizeof(*status));
	spin_lock(&gm.lock);
	err = report_locked(report_data, vmpl, out, status, NULL);
	spin_unlock(&gm.lock);
	return err;
}

enum svsm_err guest_msg_report_certs(const uint8_t report_data[64],
				     uint32_t vmpl,
				     struct snp_attestation_report *out,
				     struct guest_msg_status *status,
				     struct guest_msg_certs *certs)
{
	enum svsm_err err;

	memset(out, 0, sizeof(*out));
	memset(status, 0, sizeof(*status));
	certs->len = 0;
	if (certs->cap < (size_t)GUEST_MSG_CERTS_MAX_PAGES * PAGE_SIZE)
		return SVSM_E_INVAL;
	spin_lock(&gm.lock);
	err = report_locked(report_data, vmpl, out, status,
			    gm.certs ? certs : NULL);
	if (err != SVSM_OK)
		memset(out, 0, sizeof(*out));
	spin_unlock(&gm.lock);
	return err;
}
