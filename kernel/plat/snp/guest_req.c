/* SPDX-License-Identifier: MIT */
/*
 * The transport of an SNP guest request (snp/guest_req.h)
 * on SEV-SNP: the GHCB SNP Guest Request NAE event (AMD 56421),
 * through the SVSM's GHCB client (kernel/plat/snp/ghcb.c), which splits
 * the host's EXITINFO2 into the VMM error and the firmware status. This
 * layer only narrows the client's errors to the three outcomes the
 * guest-message client distinguishes.
 *
 * Hosted builds run the same code: the fake arch's VMGEXIT reaches the
 * model hypervisor (sim/hv.c), which forwards to the model PSP.
 */
#include "snp/guest_req.h"

#include "snp/ghcb.h"

enum svsm_err snp_guest_request(paddr_t req_page, paddr_t resp_page,
				uint64_t *fw_err)
{
	/*
	 * TRUST: the host answers; ghcb_guest_request() checked the form of
	 * its answer, not its truth. guest_msg.c authenticates the response
	 * and treats every failure as a possibly spent sequence number.
	 */
	enum svsm_err err = ghcb_guest_request(req_page, resp_page, fw_err);

	switch (err) {
	case SVSM_OK:
	case SVSM_E_BUSY:
		return err;
	default:
		return SVSM_E_HW;
	}
}

enum svsm_err snp_guest_request_ext(paddr_t req_page, paddr_t resp_page,
				    paddr_t certs_page, uint32_t *npages,
				    uint64_t *fw_err)
{
	/* TRUST: as snp_guest_request(); *npages was bounded by the client. */
	enum svsm_err err = ghcb_ext_guest_request(req_page, resp_page,
						   certs_page, npages, fw_err);

	switch (err) {
	case SVSM_OK:
	case SVSM_E_BUSY:
	case SVSM_E_NOMEM:
		return err;
	default:
		return SVSM_E_HW;
	}
}
