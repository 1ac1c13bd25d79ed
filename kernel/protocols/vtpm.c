/* SPDX-License-Identifier: MIT */
/*
 * The SVSM vTPM protocol (protocol 2, version 1; AMD 58019 rev 1.00, vTPM
 * protocol, Tables 14-17): SVSM_VTPM_QUERY and SVSM_VTPM_CMD with the
 * TPM_SEND_COMMAND platform command, served by the vTPM program through
 * include/svsm/vtpm.h. Also the vTPM's attestation service, whose
 * manifest (version 0) is the endorsement key's public area.
 *
 * SVSM result codes are for protocol errors only; whatever the TPM says,
 * and a vTPM that failed while running the command, is a TPM response
 * (docs/vtpm.md has the table).
 */
#include "svsm/vtpm.h"

#include "svsm/attest.h"
#include "svsm/guestmem.h"
#include "svsm/mm/gpa.h"

#include "abi/svsm.h"
#include "abi/vtpm.h"

#include "internal.h"
#include "lib/string.h"
#include "snp/snp.h"

/*
 * The private copy of one request and the response: under the protocol
 * lock only, so one of each.
 */
static uint8_t cmd_buf[VTPM_MAX_CMD_SIZE];
static uint8_t rsp_buf[VTPM_BUFFER_SIZE];

/* A bare TPM response header with `rc` (TCG Part 1 §18.2), after 4 bytes. */
static size_t tpm_error_response(uint32_t rc)
{
	vtpm_put_be16(rsp_buf + VTPM_RSP_HDR_SIZE, TPM_ST_NO_SESSIONS);
	vtpm_put_be32(rsp_buf + VTPM_RSP_HDR_SIZE + 2, TPM_HDR_SIZE);
	vtpm_put_be32(rsp_buf + VTPM_RSP_HDR_SIZE + 6, rc);
	return TPM_HDR_SIZE;
}

enum svsm_err vtpm_decode_request(const uint8_t hdr[VTPM_REQ_HDR_SIZE],
				  uint32_t *cmd_size)
{
	uint32_t plat = vtpm_le32(hdr);
	uint32_t size = vtpm_le32(hdr + VTPM_REQ_OFF_SIZE);

	/* Not an MSSIM platform command at all: a malformed request. */
	if (plat == 0 || plat > VTPM_PLAT_MAX)
		return SVSM_E_INVAL;
	/* One the vTPM does not offer (VTPM_QUERY says which it does). */
	if (!(VTPM_QUERY_PLATFORM_CMDS & (1ull << plat)))
		return SVSM_E_UNSUPPORTED;
	if (hdr[VTPM_REQ_OFF_LOCALITY] != 0)
		return SVSM_E_INVAL;
	if (size == 0 || size > VTPM_MAX_CMD_SIZE)
		return SVSM_E_INVAL;
	*cmd_size = size;
	return SVSM_OK;
}

static enum svsm_err vtpm_send_command(uint64_t rcx)
{
	/*
	 * TRUST: the guest chose RCX and every byte of the buffer, and may
	 * change them while the call runs. The whole page-sized buffer must
	 * be 8-byte aligned guest RAM outside the SVSM and outside every
	 * calling area before anything is read, so the
	 * response has somewhere to go; the header is copied once and
	 * checked, then the command bytes after it are copied once: no byte
	 * is read twice. The response is written once, size and bytes
	 * together, and nothing past it.
	 */
	uint8_t hdr[VTPM_REQ_HDR_SIZE];
	uint32_t size = 0;
	size_t rsp_len = 0;
	enum svsm_err err;
	paddr_t pa;
	gpa_t at;

	err = gpa_validate(gpa_init(rcx), VTPM_BUFFER_SIZE, 8, &pa);
	if (err)
		return err;
	/* A calling area is the request path's, not a buffer to write. */
	if (snp_vcpu_ca_user(gpa_init(rcx), VTPM_BUFFER_SIZE, NULL))
		return SVSM_E_FAULT;
	if (guestmem_copy_from(gpa_init(rcx), hdr, sizeof(hdr)))
		return SVSM_E_FAULT;
	err = vtpm_decode_request(hdr, &size);
	if (err)
		return err;
	if (!gpa_add(gpa_init(rcx), VTPM_REQ_HDR_SIZE, &at) ||
	    guestmem_copy_from(at, cmd_buf, size))
		return SVSM_E_FAULT;

	err = vtpm_cmd(cmd_buf, size, rsp_buf + VTPM_RSP_HDR_SIZE,
		       VTPM_MAX_RSP_SIZE, &rsp_len);
	if (err == SVSM_E_INVAL)
		return SVSM_E_INVAL;
	/*
	 * The vTPM crashed, hung or answered more than the buffer holds:
	 * a TPM failure, in a TPM response (it was restarted already).
	 */
	if (err)
		rsp_len = tpm_error_response(TPM_RC_FAILURE);
	vtpm_put_le32(rsp_buf, (uint32_t)rsp_len);
	if (guestmem_copy_to(gpa_init(rcx), rsp_buf,
			     VTPM_RSP_HDR_SIZE + rsp_len))
		return SVSM_E_FAULT;
	return SVSM_OK;
}

enum svsm_err vtpm_handle(struct protocol_call *c)
{
	/* TRUST: RCX is any value; see vtpm_send_command(). */
	switch (svsm_call_id(c->regs->rax)) {
	case SVSM_VTPM_QUERY:
		c->regs->rcx = VTPM_QUERY_PLATFORM_CMDS;
		c->regs->rdx = VTPM_QUERY_FEATURES;
		return SVSM_OK;
	case SVSM_VTPM_CMD:
		return vtpm_send_command(c->regs->rcx);
	default:
		return SVSM_E_UNSUPPORTED;
	}
}

/* Manifest version 0: the RSA EK's TPMT_PUBLIC (TCG Part 2 §12.2.4). */
static enum svsm_err ek_manifest(uint32_t version, uint8_t *buf, size_t cap,
				 size_t *len)
{
	size_t n = 0;
	const uint8_t *ek = vtpm_ek_public(&n);

	if (version != 0)
		return SVSM_E_INVAL;
	if (!ek)
		return SVSM_E_HW;
	if (n > cap)
		return SVSM_E_NOMEM;
	memcpy(buf, ek, n);
	*len = n;
	return SVSM_OK;
}

enum svsm_err vtpm_service_register(void)
{
	static const struct attest_service svc = {
		.guid = SVSM_VTPM_SERVICE_GUID,
		.manifest = ek_manifest,
	};
	size_t n = 0;
	enum svsm_err err;

	if (!vtpm_ek_public(&n))
		return SVSM_E_INVAL;
	err = attest_register_service(&svc);
	return err == SVSM_E_BUSY ? SVSM_OK : err;
}
