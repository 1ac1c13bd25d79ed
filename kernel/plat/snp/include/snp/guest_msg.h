/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's SNP guest-message client (kernel/plat/snp/guest_msg.c): talks
 * to the AMD secure processor (PSP) with VMPCK0, the key the SVSM alone
 * holds, to get attestation reports at VMPL0. It owns VMPCK0 (copied out
 * of the secrets page at boot, see include/snp/secrets.h) and the
 * sequence number of the next message, seals requests with AES-256-GCM,
 * hands them to the host (include/snp/guest_req.h) and opens and
 * checks the answers. Wire formats: include/abi/snp_guest_msg.h; rules:
 * AMD 56860 guest messages and docs/threat-model.md, bug class 13.
 *
 * Sequence numbers: the first message carries 1, an answer carries its
 * request's number + 1, and the next request carries + 2. The number
 * advances only after a completed exchange (an authenticated answer with
 * the right number, whatever its status). An AES-GCM IV must never
 * protect two different plaintexts, so once a sealed request has been
 * shown to the host it is either completed or VMPCK0 is wiped: a host
 * that fails a request, answers with something that does not check out,
 * or keeps answering BUSY disables the client for good (every later call
 * fails without talking to the host). Linux and COCONUT do the same.
 *
 * Calls are serialised by a lock; any CPU may call.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#include "abi/snp_guest_msg.h"

/*
 * A host that throttles guest requests answers BUSY (56421 guest request
 * NAE, SW_EXITINFO2 VMM error 2). The client resends the same bytes after
 * a growing pause (GUEST_MSG_BUSY_DELAY_MIN_US doubling up to _MAX_US)
 * for at most GUEST_MSG_BUSY_BUDGET_US per call; then the call ends with
 * SVSM_E_BUSY and the sealed request stays pending: the next call sends
 * those same bytes again before anything new, so a busy host never costs
 * the key (Linux drivers/virt/coco/sev-guest retries every 2 s for 60 s,
 * then gives the key up). Hosts throttle at about ten reports per ten
 * seconds, which one budget covers.
 */
#define GUEST_MSG_BUSY_DELAY_MIN_US 50000u
#define GUEST_MSG_BUSY_DELAY_MAX_US 2000000u
#define GUEST_MSG_BUSY_BUDGET_US    10000000u

/*
 * Sets the two 4 KiB pages that carry requests and responses. They are
 * SVSM-owned and shared with the host: on SNP the caller has made them
 * shared (page-state change, mapping without the C-bit) at the address
 * arch_phys_to_virt() gives. SVSM_E_INVAL when a page is not aligned or
 * not mapped, or both are the same page.
 */
enum svsm_err __must_check guest_msg_init(paddr_t req_page, paddr_t resp_page);

/*
 * The host's certificate table (VCEK, ASK, ARK: 56421 extended guest
 * request) travels through pages shared with the host, as Linux's 16 KiB
 * buffer (SEV_FW_BLOB_MAX_SIZE). guest_msg_init_certs() sets them:
 * npages contiguous pages at pa, 1..GUEST_MSG_CERTS_MAX_PAGES, shared like
 * the request pages. SVSM_E_INVAL otherwise.
 */
#define GUEST_MSG_CERTS_MAX_PAGES 4u
enum svsm_err __must_check guest_msg_init_certs(paddr_t pa, uint32_t npages);

/*
 * Installs VMPCK0 (from the secrets page) and starts at sequence number 1.
 * SVSM_E_INVAL for an all-zero key (a page whose VMPCK0 was already
 * wiped), SVSM_E_BUSY when a key was installed before: numbering restarts
 * only with a new launch, so a second key would reuse IVs.
 */
enum svsm_err __must_check
guest_msg_set_vmpck0(const uint8_t key[SNP_GUEST_MSG_KEY_SIZE]);

/* What the host and the PSP said about the last guest_msg_report(). */
struct guest_msg_status {
	/* The transport's error (VMM error << 32 | PSP status), else 0. */
	uint64_t fw_err;
	/* MSG_REPORT_RSP status of an authenticated answer, else 0. */
	uint32_t report_status;
};

/*
 * Gets an attestation report with REPORT_DATA = report_data at the given
 * VMPL (the SVSM asks for 0), signed with the key the PSP picks by
 * default (VLEK if installed, else VCEK). Returns
 *   SVSM_OK      *out holds the report as the PSP signed it;
 *   SVSM_E_HW    no report: no key or pages, client disabled (before or
 *                by this call), transport failure, an answer that does
 *                not authenticate or check out, or the PSP refused the
 *                request (status->report_status nonzero; that exchange
 *                completed and the client stays usable).
 * *out is zeroed on error; *status is always written.
 */
enum svsm_err __must_check guest_msg_report(const uint8_t report_data[64],
					    uint32_t vmpl,
					    struct snp_attestation_report *out,
					    struct guest_msg_status *status);

/* The certificate table of an extended request, as the caller gets it. */
struct guest_msg_certs {
	uint8_t *buf; /* the caller's private buffer ... */
	size_t cap;   /* ... of GUEST_MSG_CERTS_MAX_PAGES pages at least */
	size_t len;   /* out: the table's length (0: the host has none) */
};

/*
 * guest_msg_report() through the extended guest request: the host's
 * certificate table is read once from the shared certificate pages into
 * certs->buf, checked (24-byte entries {GUID, offset, length} ending with
 * an all-zero entry, every certificate inside the pages) and its length
 * put in certs->len. Without certificate pages it is guest_msg_report()
 * with len 0. Errors as guest_msg_report(), and SVSM_E_HW for a table
 * that is malformed or needs more than the SVSM's pages (the request is
 * then completed through a plain resend, so no number is lost).
 */
enum svsm_err __must_check guest_msg_report_certs(
	const uint8_t report_data[64], uint32_t vmpl,
	struct snp_attestation_report *out, struct guest_msg_status *status,
	struct guest_msg_certs *certs);

/* True when a key is installed and the client has not been disabled. */
bool guest_msg_ready(void);

/* The sequence number the next request will carry (0 when not ready). */
uint64_t guest_msg_next_seqno(void);

#if __STDC_HOSTED__
/* Tests only: forgets the key, the pages and the counter. */
void guest_msg_reset(void);
#endif
