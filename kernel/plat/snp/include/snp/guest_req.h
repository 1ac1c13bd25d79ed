/* SPDX-License-Identifier: MIT */
/*
 * The transport of an SNP guest request: hands a sealed request page to
 * the host, which forwards it to the AMD secure processor (PSP) and puts
 * the PSP's sealed answer in the response page. Both pages are SVSM-owned
 * and shared with the host. The SVSM's guest-message client
 * (kernel/plat/snp/guest_msg.c) is the only caller; it seals and opens the
 * messages, this layer only moves pages.
 *
 * This is the GHCB "SNP Guest Request" NAE event (GHCB_NAE_SNP_GUEST_REQUEST:
 * EXITINFO1 = request page, EXITINFO2 = response page; EXITINFO2 on return
 * = VMM error << 32 | PSP status; AMD 56421, SNP Guest Request NAE),
 * implemented in kernel/plat/snp/guest_req.c on the GHCB
 * client. Hosted builds run the same code against the model hypervisor
 * (sim/hv.h), which forwards to the model PSP of sim/.
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
enum svsm_err __must_check snp_guest_request(paddr_t req_page,
					     paddr_t resp_page,
					     uint64_t *fw_err);

/*
 * The same through the extended guest request: the host also writes its
 * certificate table into the *npages shared pages at certs_page. Returns
 * as snp_guest_request(), and SVSM_E_NOMEM when the pages are too few:
 * the request was not forwarded, *npages is what the host wants.
 */
enum svsm_err __must_check snp_guest_request_ext(paddr_t req_page,
						 paddr_t resp_page,
						 paddr_t certs_page,
						 uint32_t *npages,
						 uint64_t *fw_err);
