/* SPDX-License-Identifier: MIT */
/*
 * The attestation protocol handlers (include/svsm/attest.h, which also
 * documents the result codes): ATTEST_SERVICES and ATTEST_SINGLE_SERVICE,
 * AMD 58019 rev 1.00, Tables 11-13 ("58019" below), with the bug classes
 * 3, 4, 12 and 15 of docs/threat-model.md.
 *
 * Each call runs in three steps. Validate: the operation structure is
 * copied out of guest memory once and every check runs on that private
 * copy (reserved fields, alignment, nonce size, buffer sizes, then the
 * buffer ranges), with no side effects. Report: the nonce is read once,
 * in chunks that go straight into SHA-512 after the manifest is built,
 * and the guest-message client gets a VMPL0 report over the digest.
 * Write: report, manifest and the host's certificate table (or an empty
 * one) go to the guest's buffers. Guest memory is only touched through
 * guestmem.h.
 */
#include "svsm/attest.h"

#include <stdbool.h>

#include "svsm/addr.h"
#include "svsm/guestmem.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/spinlock.h"

#include "abi/snp_guest_msg.h"
#include "abi/svsm.h"

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"
#include "snp/guest_msg.h"

/* 58019: the operation structures are read with 8-byte alignment. */
#define OP_ALIGN 8u
/* Nonce bytes hashed per guest-memory read. */
#define NONCE_CHUNK 256u
/*
 * 58019 Table 12 and the 56421 certificate table: with no
 * certificates the table is a single all-zero entry, and RDX is 0.
 */
#define CERT_TABLE_ENTRY_SIZE 24u

static_assert(SVSM_ATTEST_REPORT_DATA_SIZE == CRYPTO_SHA512_SIZE,
	      "REPORT_DATA is a SHA-512 digest, 58019");
static_assert(
	sizeof(struct svsm_services_manifest_hdr) +
			ATTEST_MAX_SERVICES *
				sizeof(struct svsm_services_manifest_entry) <=
		ATTEST_MANIFEST_MAX,
	"the manifest header and entries fit ATTEST_MANIFEST_MAX");

static const uint8_t manifest_guid[16] = SVSM_SERVICES_MANIFEST_GUID;

static struct {
	struct spinlock lock;
	unsigned int count;
	struct attest_service svc[ATTEST_MAX_SERVICES];
} services;

/* Per call, on the heap (too big for the kernel's 2 KiB frames). */
struct attest_work {
	struct snp_attestation_report report;
	uint8_t report_data[SVSM_ATTEST_REPORT_DATA_SIZE];
	size_t manifest_len;
	uint8_t manifest[ATTEST_MANIFEST_MAX];
};

/* ---- Services table ---------------------------------------------- */

static int find_locked(const uint8_t guid[16])
{
	for (unsigned int i = 0; i < services.count; i++) {
		if (!memcmp(services.svc[i].guid, guid, 16))
			return (int)i;
	}
	return -1;
}

enum svsm_err attest_register_service(const struct attest_service *svc)
{
	enum svsm_err err = SVSM_OK;

	if (!svc->manifest || !memcmp(svc->guid, manifest_guid, 16))
		return SVSM_E_INVAL;
	spin_lock(&services.lock);
	if (find_locked(svc->guid) >= 0)
		err = SVSM_E_BUSY;
	else if (services.count == ATTEST_MAX_SERVICES)
		err = SVSM_E_NOMEM;
	else
		services.svc[services.count++] = *svc;
	spin_unlock(&services.lock);
	return err;
}

enum svsm_err attest_unregister_service(const uint8_t guid[16])
{
	enum svsm_err err = SVSM_OK;
	int i;

	spin_lock(&services.lock);
	i = find_locked(guid);
	if (i < 0) {
		err = SVSM_E_INVAL;
	} else {
		memmove(&services.svc[i], &services.svc[i + 1],
			(services.count - (unsigned int)i - 1) *
				sizeof(services.svc[0]));
		services.count--;
	}
	spin_unlock(&services.lock);
	return err;
}

/* A copy of the table, so that no callback runs under the lock. */
static unsigned int services_snapshot(struct attest_service *out)
{
	unsigned int n;

	spin_lock(&services.lock);
	n = services.count;
	memcpy(out, services.svc, n * sizeof(*out));
	spin_unlock(&services.lock);
	return n;
}

/* ---- Manifests ---------------------------------------------------- */

/*
 * 58019 Table 12: header (GUID, total length, count), one entry per
 * service (GUID, offset from the manifest start, length), then the
 * services' data in entry order. Every service is listed, with length 0
 * when it has no data. SVSM_E_HW when a service cannot give its data.
 */
static enum svsm_err build_services_manifest(struct attest_work *w)
{
	struct attest_service svc[ATTEST_MAX_SERVICES];
	unsigned int n = services_snapshot(svc);
	struct svsm_services_manifest_hdr hdr;
	struct svsm_services_manifest_entry ent;
	size_t off = sizeof(hdr) + n * sizeof(ent);

	for (unsigned int i = 0; i < n; i++) {
		size_t len = 0;

		if (svc[i].manifest(0, w->manifest + off,
				    ATTEST_MANIFEST_MAX - off,
				    &len) != SVSM_OK ||
		    len > ATTEST_MANIFEST_MAX - off)
			return SVSM_E_HW;
		memcpy(ent.guid, svc[i].guid, sizeof(ent.guid));
		ent.data_offset = (uint32_t)off;
		ent.data_size = (uint32_t)len;
		memcpy(w->manifest + sizeof(hdr) + i * sizeof(ent), &ent,
		       sizeof(ent));
		off += len;
	}
	memcpy(hdr.guid, manifest_guid, sizeof(hdr.guid));
	hdr.length = (uint32_t)off;
	hdr.service_count = n;
	memcpy(w->manifest, &hdr, sizeof(hdr));
	w->manifest_len = off;
	return SVSM_OK;
}

/*
 * 58019: ATTEST_SINGLE_SERVICE returns the service's own manifest,
 * not wrapped in the services table. SVSM_E_UNSUPPORTED for a GUID no
 * service has, SVSM_E_INVAL for a version the service does not offer.
 */
static enum svsm_err build_single_manifest(struct attest_work *w,
					   const uint8_t guid[16],
					   uint32_t version)
{
	struct attest_service svc[ATTEST_MAX_SERVICES];
	unsigned int n = services_snapshot(svc);
	enum svsm_err err;
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (memcmp(svc[i].guid, guid, 16) != 0)
			continue;
		err = svc[i].manifest(version, w->manifest, ATTEST_MANIFEST_MAX,
				      &len);
		if (err == SVSM_E_INVAL)
			return SVSM_E_INVAL;
		if (err != SVSM_OK || len > ATTEST_MANIFEST_MAX)
			return SVSM_E_HW;
		w->manifest_len = len;
		return SVSM_OK;
	}
	return SVSM_E_UNSUPPORTED;
}

/* ---- Validation --------------------------------------------------- */

/*
 * 58019, bug class 12: the checks that need nothing but the operation
 * itself. All SVSM_E_INVAL.
 */
static enum svsm_err check_op(const struct svsm_attest_services_op *op)
{
	if (op->reserved_0c ||
	    !mem_is_zero(op->reserved_1a, sizeof(op->reserved_1a)) ||
	    op->reserved_2c || op->reserved_3c)
		return SVSM_E_INVAL;
	if (!IS_ALIGNED(op->report_gpa, PAGE_SIZE) ||
	    !IS_ALIGNED(op->manifest_gpa, PAGE_SIZE))
		return SVSM_E_INVAL;
	if (op->certs_size && !IS_ALIGNED(op->certs_gpa, PAGE_SIZE))
		return SVSM_E_INVAL;
	if (op->nonce_size == 0 || op->nonce_size > ATTEST_NONCE_MAX)
		return SVSM_E_INVAL;
	return SVSM_OK;
}

/*
 * A guest range the call may read or write, whole (gpa.h's errors); an
 * empty one names no memory.
 */
static enum svsm_err check_range(uint64_t gpa, uint64_t size)
{
	paddr_t pa;

	if (!size)
		return SVSM_OK;
	return gpa_validate(gpa_init(gpa), size, 1, &pa);
}

/* Whether [a, a + alen) and [b, b + blen) share a byte (ranges checked). */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/*
 * The outputs (report, manifest, certificates) must not overlap each
 * other: the SVSM would write one over the other and return results that
 * disagree with the buffers. Refused, rather than filled in some order.
 * The nonce is only read, before any output is written.
 */
static enum svsm_err check_disjoint(const struct svsm_attest_services_op *op)
{
	if (overlap(op->report_gpa, op->report_size, op->manifest_gpa,
		    op->manifest_size) ||
	    overlap(op->report_gpa, op->report_size, op->certs_gpa,
		    op->certs_size) ||
	    overlap(op->manifest_gpa, op->manifest_size, op->certs_gpa,
		    op->certs_size))
		return SVSM_E_INVAL;
	return SVSM_OK;
}

/*
 * 58019: a buffer too small for its output is INVALID_PARAMETER with
 * the sizes needed; then every range must be guest RAM the SVSM does not
 * own (gPA + size overflow is INVALID_ADDRESS, bug class 4).
 */
static enum svsm_err check_buffers(const struct svsm_attest_services_op *op,
				   const struct attest_work *w,
				   struct attest_regs *regs)
{
	enum svsm_err err;

	if (op->report_size < SNP_REPORT_SIZE ||
	    op->manifest_size < w->manifest_len) {
		regs->rcx = w->manifest_len;
		regs->rdx = 0;
		regs->r8 = SNP_REPORT_SIZE;
		regs->out_valid = true;
		return SVSM_E_INVAL;
	}
	err = check_range(op->report_gpa, op->report_size);
	if (err == SVSM_OK)
		err = check_range(op->manifest_gpa, op->manifest_size);
	if (err == SVSM_OK)
		err = check_range(op->certs_gpa, op->certs_size);
	if (err == SVSM_OK)
		err = check_range(op->nonce_gpa, op->nonce_size);
	if (err == SVSM_OK)
		err = check_disjoint(op);
	return err;
}

/* ---- Report and results ------------------------------------------ */

/*
 * 58019: REPORT_DATA = SHA-512(nonce || manifest). Each nonce byte is
 * read from the guest exactly once and hashed as read. SVSM_E_FAULT when
 * a read fails, SVSM_E_HW when the hash does.
 */
static enum svsm_err report_data(const struct svsm_attest_services_op *op,
				 struct attest_work *w)
{
	struct crypto_sha512_ctx ctx;
	uint8_t chunk[NONCE_CHUNK];
	enum svsm_err err;
	size_t off = 0;

	if (crypto_sha512_init(&ctx) != SVSM_OK)
		return SVSM_E_HW;
	while (off < op->nonce_size) {
		size_t n = op->nonce_size - off;
		gpa_t at;

		n = n < sizeof(chunk) ? n : sizeof(chunk);
		if (!gpa_add(gpa_init(op->nonce_gpa), off, &at)) {
			crypto_sha512_abort(&ctx);
			return SVSM_E_FAULT;
		}
		err = guestmem_copy_from(at, chunk, n);
		if (err != SVSM_OK) {
			crypto_sha512_abort(&ctx);
			return SVSM_E_FAULT;
		}
		if (crypto_sha512_update(&ctx, chunk, n) != SVSM_OK) {
			crypto_sha512_abort(&ctx);
			return SVSM_E_HW;
		}
		off += n;
	}
	if (crypto_sha512_update(&ctx, w->manifest, w->manifest_len) !=
	    SVSM_OK) {
		crypto_sha512_abort(&ctx);
		return SVSM_E_HW;
	}
	if (crypto_sha512_final(&ctx, w->report_data) != SVSM_OK)
		return SVSM_E_HW;
	return SVSM_OK;
}

static enum svsm_err write_results(const struct svsm_attest_services_op *op,
				   const struct attest_work *w,
				   const struct guest_msg_certs *certs,
				   struct attest_regs *regs)
{
	static const uint8_t no_certs[CERT_TABLE_ENTRY_SIZE];
	size_t certs_len = certs ? certs->len : 0;
	enum svsm_err err;

	/*
	 * 58019: a certificate buffer too small for the host's table is
	 * INVALID_PARAMETER with the sizes needed (Linux then grows the
	 * buffer and asks again); nothing is written.
	 */
	if (certs_len > op->certs_size) {
		regs->rcx = w->manifest_len;
		regs->rdx = certs_len;
		regs->r8 = sizeof(w->report);
		regs->out_valid = true;
		return SVSM_E_INVAL;
	}

	err = guestmem_copy_to(gpa_init(op->report_gpa), &w->report,
			       sizeof(w->report));
	/* A single service's manifest may be empty. */
	if (err == SVSM_OK && w->manifest_len)
		err = guestmem_copy_to(gpa_init(op->manifest_gpa), w->manifest,
				       w->manifest_len);
	/*
	 * 58019: the host's certificate table, or with none the table's
	 * terminating all-zero entry where it fits, and a size of 0.
	 */
	if (err == SVSM_OK && certs_len)
		err = guestmem_copy_to(gpa_init(op->certs_gpa), certs->buf,
				       certs_len);
	else if (err == SVSM_OK && op->certs_size >= sizeof(no_certs))
		err = guestmem_copy_to(gpa_init(op->certs_gpa), no_certs,
				       sizeof(no_certs));
	if (err != SVSM_OK)
		return SVSM_E_FAULT;
	regs->rcx = w->manifest_len;
	regs->rdx = certs_len;
	regs->r8 = sizeof(w->report);
	regs->out_valid = true;
	return SVSM_OK;
}

/* Everything after the operation was read and its own fields checked. */
static enum svsm_err attest(const struct svsm_attest_services_op *op,
			    struct attest_work *w, struct attest_regs *regs)
{
	struct guest_msg_status st;
	struct guest_msg_certs certs = {0};
	enum svsm_err err;

	err = check_buffers(op, w, regs);
	if (err != SVSM_OK)
		return err;
	err = report_data(op, w);
	if (err != SVSM_OK)
		return err;
	/*
	 * 58019: the SVSM's report is at VMPL0, with VMPCK0; with a
	 * certificate buffer, through the extended request, which also
	 * brings the host's certificate table.
	 */
	if (op->certs_size) {
		certs.cap = (size_t)GUEST_MSG_CERTS_MAX_PAGES * PAGE_SIZE;
		certs.buf = kmalloc(certs.cap);
		if (!certs.buf)
			return SVSM_E_NOMEM;
		err = guest_msg_report_certs(w->report_data, 0, &w->report, &st,
					     &certs);
	} else {
		err = guest_msg_report(w->report_data, 0, &w->report, &st);
	}
	switch (err) {
	case SVSM_OK:
		err = write_results(op, w, op->certs_size ? &certs : NULL,
				    regs);
		break;
	case SVSM_E_BUSY:
		/* The host throttles: the guest may ask again (BUSY). */
		break;
	default:
		err = SVSM_E_HW;
		break;
	}
	kfree(certs.buf);
	return err;
}

/*
 * Reads the operation (size bytes of it) at the guest's RCX, once.
 * SVSM_E_INVAL for a misaligned address, SVSM_E_FAULT for a bad one.
 */
static enum svsm_err read_op(uint64_t rcx, void *op, size_t size)
{
	if (!IS_ALIGNED(rcx, OP_ALIGN))
		return SVSM_E_INVAL;
	return guestmem_copy_from(gpa_init(rcx), op, size) == SVSM_OK
		       ? SVSM_OK
		       : SVSM_E_FAULT;
}

static enum svsm_err attest_services(struct attest_regs *regs)
{
	struct svsm_attest_services_op op;
	struct attest_work *w;
	enum svsm_err err;

	err = read_op(regs->rcx, &op, sizeof(op));
	if (err == SVSM_OK)
		err = check_op(&op);
	if (err != SVSM_OK)
		return err;
	w = kmalloc(sizeof(*w));
	if (!w)
		return SVSM_E_NOMEM;
	err = build_services_manifest(w);
	if (err == SVSM_OK)
		err = attest(&op, w, regs);
	kfree(w);
	return err;
}

static enum svsm_err attest_single_service(struct attest_regs *regs)
{
	struct svsm_attest_single_service_op op;
	struct attest_work *w;
	enum svsm_err err;

	err = read_op(regs->rcx, &op, sizeof(op));
	if (err == SVSM_OK)
		err = check_op(&op.base);
	if (err == SVSM_OK && op.reserved_54)
		err = SVSM_E_INVAL;
	if (err != SVSM_OK)
		return err;
	w = kmalloc(sizeof(*w));
	if (!w)
		return SVSM_E_NOMEM;
	err = build_single_manifest(w, op.service_guid, op.manifest_version);
	if (err == SVSM_OK)
		err = attest(&op.base, w, regs);
	kfree(w);
	return err;
}

enum svsm_err attest_call(uint32_t call_id, struct attest_regs *regs)
{
	/*
	 * TRUST: regs->rcx and all guest memory are the guest's. The
	 * operation is copied once and only the copy is used; the nonce is
	 * read once; the guest can change its memory at any time without
	 * changing what this call acts on, and a bad address is an error,
	 * never a fault in the SVSM.
	 */
	regs->out_valid = false;
	switch (call_id) {
	case SVSM_ATTEST_SERVICES:
		return attest_services(regs);
	case SVSM_ATTEST_SINGLE_SERVICE:
		return attest_single_service(regs);
	default:
		return SVSM_E_UNSUPPORTED;
	}
}
