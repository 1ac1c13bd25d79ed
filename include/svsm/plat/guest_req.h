/* SPDX-License-Identifier: MIT */
/*
 * The transport of an SNP guest request: hands a sealed request page to
 * the host, which forwards it to the AMD secure processor (PSP) and puts
 * the PSP's sealed answer in the response page. Both pages are SVSM-owned
 * and shared with the host. The SVSM's guest-message client
 * (kernel/plat/snp/guest_msg.c) is the only caller; it seals and opens the
 * messages, this layer only moves pages.
 *
 * On SEV-SNP hardware this is the GHCB "SNP Guest Request" NAE event
 * (GHCB_NAE_SNP_GUEST_REQUEST: EXITINFO1 = request page, EXITINFO2 =
 * response page; EXITINFO2 on return = VMM error << 32 | PSP status; ref
 * shared/reference/svsm-protocols.md §2.3, §2.4); that implementation
 * belongs with the GHCB code and does not exist yet. Hosted builds link
 * kernel/plat/snp/guest_req_model.c, which calls the model PSP of sim/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * TRUST: the host answers. Returns
 *   SVSM_OK      the host says the PSP processed the request and its
 *                answer is in resp_page (*fw_err = 0);
 *   SVSM_E_BUSY  the host asks for the same request to be sent again
 *                later (VMM error BUSY); it says nothing was consumed;
 *   SVSM_E_HW    the host or the PSP failed the request: *fw_err holds
 *                what it reported (VMM error << 32 | PSP status).
 * None of this is trusted: the caller authenticates the response and
 * treats any failure as "the sequence number may have been consumed".
 */
enum svsm_err __must_check plat_snp_guest_request(paddr_t req_page,
						  paddr_t resp_page,
						  uint64_t *fw_err);

#if __STDC_HOSTED__
/*
 * The hosted model transport (guest_req_model.c): plays the host between
 * the SVSM and the model PSP of sim/psp.h, with hooks that let tests act
 * as a hostile host. Not part of the SVSM.
 */
struct sim_psp;

#define GUEST_REQ_MODEL_LOG 16u

/* One request as the host saw it (the header is plaintext to the host). */
struct guest_req_model_seen {
	uint64_t seqno;
	uint8_t bytes[0xC0]; /* header and the MSG_REPORT_REQ ciphertext */
};

struct guest_req_model {
	/* The PSP requests go to (set by the test); NULL fails them all. */
	struct sim_psp *psp;
	/* Answer this many requests with BUSY before forwarding any. */
	unsigned int busy;
	/* With each BUSY, also scribble over the request page. */
	bool busy_scribble;
	/* Fail the next request without forwarding it to the PSP. */
	bool fail_before;
	/* Forward the next request, then report a failure anyway. */
	bool fail_after;
	/* Called on the response page after the PSP answered. */
	void (*tamper)(uint8_t *resp_page, const uint8_t *req_page);
	/* Counters and the log of requests received (oldest first). */
	unsigned int calls;
	unsigned int forwarded;
	struct guest_req_model_seen seen[GUEST_REQ_MODEL_LOG];
	unsigned int seen_count;
};

extern struct guest_req_model guest_req_model;

/* Clears the hooks, counters and log; keeps nothing, not even psp. */
void guest_req_model_reset(void);
#endif
