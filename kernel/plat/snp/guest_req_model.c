/* SPDX-License-Identifier: MIT */
/*
 * MODEL TRANSPORT, hosted builds only: plat_snp_guest_request() for the
 * unit tests, playing the host between the SVSM's guest-message client and
 * the model PSP of sim/psp.h. On hardware the same call is the GHCB SNP
 * Guest Request NAE event (include/svsm/plat/guest_req.h); this file is
 * never part of the SVSM image.
 *
 * The model host reads the request page as a host would (the header is
 * plaintext, the payload ciphertext), logs it, passes the whole page to
 * sim_psp_guest_request() with the VMPCK id the header names, and writes
 * the answer into the response page. The hooks in struct guest_req_model
 * let a test be a hostile or unlucky host: answer BUSY (and scribble over
 * the request page meanwhile), fail before or after forwarding, or
 * rewrite the response page.
 */
#if !__STDC_HOSTED__
#error "guest_req_model.c is the hosted model transport; not for the SVSM"
#endif

#include <string.h>

#include "svsm/plat/guest_req.h"

#include "abi/ghcb.h"
#include "abi/snp_guest_msg.h"

#include "psp.h"

struct guest_req_model guest_req_model;

/* Reported by the host for fail_before/fail_after: any nonzero value. */
#define MODEL_HOST_FAILURE 0xbadull

void guest_req_model_reset(void)
{
	memset(&guest_req_model, 0, sizeof(guest_req_model));
}

static void log_request(const uint8_t *req)
{
	struct guest_req_model *m = &guest_req_model;
	struct guest_req_model_seen *s;

	if (m->seen_count == GUEST_REQ_MODEL_LOG) {
		memmove(&m->seen[0], &m->seen[1],
			sizeof(m->seen[0]) * (GUEST_REQ_MODEL_LOG - 1));
		m->seen_count--;
	}
	s = &m->seen[m->seen_count++];
	memcpy(&s->seqno, req + offsetof(struct snp_guest_msg_hdr, msg_seqno),
	       sizeof(s->seqno));
	memcpy(s->bytes, req, sizeof(s->bytes));
}

enum svsm_err plat_snp_guest_request(paddr_t req_page, paddr_t resp_page,
				     uint64_t *fw_err)
{
	/*
	 * TRUST: this is the host's side; the SVSM trusts nothing it does.
	 * The pages are the SVSM's shared pages in fake physical memory.
	 */
	struct guest_req_model *m = &guest_req_model;
	uint8_t *req = arch_phys_to_virt(pa_val(req_page), PAGE_SIZE);
	uint8_t *resp = arch_phys_to_virt(pa_val(resp_page), PAGE_SIZE);
	enum sim_psp_err err;
	size_t resp_len = 0;
	unsigned int vmpck;

	*fw_err = 0;
	m->calls++;
	if (!req || !resp || !m->psp) {
		*fw_err = MODEL_HOST_FAILURE;
		return SVSM_E_HW;
	}
	log_request(req);
	if (m->busy) {
		m->busy--;
		if (m->busy_scribble)
			memset(req, 0x6b, SNP_GUEST_MSG_PAGE_SIZE);
		*fw_err = (uint64_t)GHCB_GUEST_REQ_ERR_BUSY
			  << GHCB_GUEST_REQ_VMM_ERR_SHIFT;
		return SVSM_E_BUSY;
	}
	if (m->fail_before) {
		m->fail_before = false;
		*fw_err = MODEL_HOST_FAILURE;
		return SVSM_E_HW;
	}
	vmpck = req[offsetof(struct snp_guest_msg_hdr, msg_vmpck)];
	m->forwarded++;
	err = sim_psp_guest_request(m->psp, vmpck, req, SNP_GUEST_MSG_PAGE_SIZE,
				    resp, SNP_GUEST_MSG_PAGE_SIZE, &resp_len);
	if (err != SIM_PSP_OK) {
		/* The model PSP changed nothing; report its reason. */
		*fw_err = (uint64_t)err;
		return SVSM_E_HW;
	}
	if (m->tamper)
		m->tamper(resp, req);
	if (m->fail_after) {
		m->fail_after = false;
		*fw_err = MODEL_HOST_FAILURE;
		return SVSM_E_HW;
	}
	return SVSM_OK;
}
