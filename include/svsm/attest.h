/* SPDX-License-Identifier: MIT */
/*
 * The SVSM attestation protocol (protocol 1, version 1; AMD 58019 rev
 * 1.00, Tables 11-13; docs/references.md):
 * ATTEST_SERVICES and ATTEST_SINGLE_SERVICE. The handler reads the
 * guest's operation structure once, validates it, builds the services
 * manifest (or the one service's manifest), binds it and the guest's
 * nonce into an SNP attestation report at VMPL0 with REPORT_DATA =
 * SHA-512(nonce || manifest), and writes report and manifest (and an
 * empty certificate table) to the guest's buffers. Implemented in
 * kernel/protocols/attest.c; the report comes from guest_msg.h.
 *
 * ---- How the dispatcher calls it -----------------------------------
 *
 *   struct attest_regs r = { .rcx = <caller's RCX> };
 *   enum svsm_err err = attest_call(<RAX[31:0]>, &r);
 *   RAX := result code for (call id, err) from the table below;
 *   if (r.out_valid) { RCX := r.rcx; RDX := r.rdx; R8 := r.r8; }
 *
 * out_valid is true exactly on success and on a too-small buffer
 * (58019: the sizes are returned in both cases; Linux relies on it).
 * Otherwise RCX, RDX and R8 must be left as the caller had them (bug
 * class 15, docs/threat-model.md).
 *
 * ---- enum svsm_err -> SVSM result code (58019) ----------------------
 *
 *   SVSM_OK             SVSM_SUCCESS                 0x00000000
 *   SVSM_E_INVAL        SVSM_ERR_INVALID_PARAMETER   0x80000005
 *       operation GPA not 8-byte aligned; a reserved field nonzero;
 *       report or manifest buffer GPA not 4 KiB aligned; certificate
 *       buffer GPA not 4 KiB aligned while its size is nonzero; nonce
 *       size 0 or above ATTEST_NONCE_MAX; manifest version the service
 *       does not offer (ATTEST_SINGLE_SERVICE); report buffer smaller
 *       than 0x4A0 or manifest buffer smaller than the manifest (these
 *       two with out_valid = true and the sizes needed).
 *   SVSM_E_FAULT        SVSM_ERR_INVALID_ADDRESS     0x80000003
 *       the operation, the nonce or a buffer (its whole declared size)
 *       wraps, is not guest RAM, overlaps SVSM memory, or faulted when
 *       it was read or written.
 *   SVSM_E_UNSUPPORTED  depends on the call id:
 *       ATTEST_SINGLE_SERVICE: the service GUID is not offered
 *           -> SVSM_ERR_UNSUPPORTED_PROTOCOL 0x80000001 (COCONUT's
 *           choice; unconfirmed, see docs/protocols.md);
 *       any call id other than 0 and 1
 *           -> SVSM_ERR_UNSUPPORTED_CALL     0x80000002.
 *   SVSM_E_HW           SVSM_ERR_INVALID_REQUEST     0x80000006
 *       no report could be had: the guest-request channel is not set up
 *       or was disabled, the host or the PSP failed the request, a
 *       service could not produce its manifest.
 *   SVSM_E_NOMEM        SVSM_ERR_INVALID_REQUEST     0x80000006
 *       the SVSM heap could not hold the working buffers. (Not BUSY:
 *       Linux retries BUSY forever.)
 *
 * No other value is returned. The guest-request sequence number is
 * consumed only after every check above has passed; an SVSM_E_FAULT while
 * writing the results (a buffer the host invalidated in the meantime) is
 * the only error that comes after a report was obtained.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/* The largest nonce accepted (Linux sends 64 bytes). */
#define ATTEST_NONCE_MAX 4096u
/* The largest manifest the SVSM builds (header, entries and data). */
#define ATTEST_MANIFEST_MAX 8192u
/* The services table. */
#define ATTEST_MAX_SERVICES 4u

/* The caller's registers, see "How the dispatcher calls it" above. */
struct attest_regs {
	uint64_t rcx;	/* in: GPA of the operation; out: manifest size */
	uint64_t rdx;	/* out: certificates size */
	uint64_t r8;	/* out: report size */
	bool out_valid; /* out: copy rcx, rdx, r8 back to the caller */
};

/*
 * TRUST: everything in regs and in the guest memory it points to is
 * chosen by the guest (and, for shared pages, the host), and may change
 * while the call runs. See the top of this file for the result.
 */
enum svsm_err __must_check attest_call(uint32_t call_id,
				       struct attest_regs *regs);

/*
 * A service that appears in the services manifest (58019 Table 12)
 * and can be attested alone (ATTEST_SINGLE_SERVICE). The vTPM will be the
 * first. manifest() writes the service's manifest in the given version
 * to buf[0..cap) and its size to *len; SVSM_E_INVAL when it does not
 * offer that version, SVSM_E_NOMEM when cap is too small, anything else
 * when it cannot produce one now. The services manifest uses version 0.
 */
struct attest_service {
	uint8_t guid[16]; /* EFI byte order */
	enum svsm_err (*manifest)(uint32_t version, uint8_t *buf, size_t cap,
				  size_t *len);
};

/*
 * Adds a service (the struct is copied); manifest entries follow the
 * order of registration. SVSM_E_INVAL for a NULL callback or the
 * services-manifest GUID, SVSM_E_BUSY when the GUID is registered,
 * SVSM_E_NOMEM when the table is full.
 */
enum svsm_err __must_check
attest_register_service(const struct attest_service *svc);
/* Removes one; SVSM_E_INVAL when the GUID is not registered. */
enum svsm_err __must_check attest_unregister_service(const uint8_t guid[16]);
