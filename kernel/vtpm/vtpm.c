/* SPDX-License-Identifier: MIT */
/*
 * The vTPM as the rest of the SVSM sees it (include/svsm/vtpm.h): starting
 * the vTPM program through its channel (chan.h), one command at a time,
 * and the policy when the program fails: the caller's command gets an
 * error, the program is started again at once (its NV files survive), and
 * the next command goes to the new instance. Also the endorsement key's
 * public area, read once at start, for the attestation manifest.
 *
 * TRUST: commands come from the guest (through the vTPM protocol), which
 * checked their size against the protocol; responses come from the vTPM
 * program, which is isolated from the SVSM but may misbehave: its sizes
 * are checked here, and its bytes are passed on, never interpreted,
 * except the EK's public area at start.
 */
#define LOG_PREFIX "vtpm: "
#include "svsm/vtpm.h"

#include <stdbool.h>

#include "svsm/log.h"

#include "abi/vtpm.h"

#include "chan.h"
#include "lib/string.h"

static bool started; /* vtpm_start() succeeded */
static bool running; /* the program is up now */
static const char *const *prog_argv;
static uint32_t prog_time_ms;
static uint8_t ek_pub[VTPM_EK_RSA_SIZE];
static size_t ek_len;

/*
 * TPM2_ReadPublic of the RSA EK (TCG Part 3 §12.4): the response is the
 * header, then outPublic as a TPM2B (u16 size, TPMT_PUBLIC). The channel's
 * error when the program failed; SVSM_OK otherwise, with no EK (and a
 * warning) when the TPM did not give a well-formed one.
 */
static enum svsm_err read_ek_public(void)
{
	uint8_t cmd[14];
	static uint8_t rsp[VTPM_TPM_BUFFER_SIZE];
	size_t len = 0, pub;
	enum svsm_err err;

	ek_len = 0;
	vtpm_put_be16(cmd, TPM_ST_NO_SESSIONS);
	vtpm_put_be32(cmd + 2, sizeof(cmd));
	vtpm_put_be32(cmd + 6, TPM_CC_READ_PUBLIC);
	vtpm_put_be32(cmd + 10, VTPM_EK_RSA_HANDLE);
	err = vtpm_chan_transact(cmd, sizeof(cmd), rsp, sizeof(rsp), &len);
	if (err == SVSM_E_HW || err == SVSM_E_TIMEOUT)
		return err;
	if (err || len < TPM_HDR_SIZE + 2 ||
	    vtpm_be32(rsp + 6) != TPM_RC_SUCCESS) {
		log_warn("the endorsement key could not be read");
		return SVSM_OK;
	}
	pub = vtpm_be16(rsp + TPM_HDR_SIZE);
	if (pub > sizeof(ek_pub) || pub > len - TPM_HDR_SIZE - 2) {
		log_warn("the endorsement key's public area is malformed");
		return SVSM_OK;
	}
	memcpy(ek_pub, rsp + TPM_HDR_SIZE + 2, pub);
	ek_len = pub;
	return SVSM_OK;
}

static enum svsm_err vtpm_open(void)
{
	enum svsm_err err = vtpm_chan_open(prog_argv, prog_time_ms);

	running = err == SVSM_OK;
	if (err)
		log_notice("the vTPM program did not start: %s",
			   svsm_err_name(err));
	return err;
}

enum svsm_err vtpm_start_program(const char *const *argv, uint32_t time_ms)
{
	enum svsm_err err;

	vtpm_stop();
	prog_argv = argv;
	prog_time_ms = time_ms;
	err = vtpm_open();
	if (err == SVSM_OK && !argv)
		err = read_ek_public();
	if (err) {
		vtpm_stop();
		return err;
	}
	started = true;
	return SVSM_OK;
}

enum svsm_err vtpm_start(void)
{
	if (started)
		return SVSM_OK;
	return vtpm_start_program(NULL, 0);
}

void vtpm_stop(void)
{
	vtpm_chan_close();
	started = false;
	running = false;
	ek_len = 0;
}

enum svsm_err vtpm_cmd(const void *cmd, size_t len, void *rsp, size_t cap,
		       size_t *rsp_len)
{
	enum svsm_err err;

	*rsp_len = 0;
	if (!started || !len || len > VTPM_MAX_CMD_SIZE)
		return SVSM_E_INVAL;
	/* The last restart failed: try again before giving up on this one. */
	if (!running && vtpm_open())
		return SVSM_E_HW;
	err = vtpm_chan_transact(cmd, len, rsp, cap, rsp_len);
	if (err == SVSM_OK && *rsp_len < TPM_HDR_SIZE) {
		/* Not even a response header: the program is broken. */
		*rsp_len = 0;
		err = SVSM_E_HW;
	}
	if (err == SVSM_E_HW || err == SVSM_E_TIMEOUT) {
		log_notice("the vTPM program failed (%s): restarting it",
			   svsm_err_name(err));
		vtpm_chan_close();
		running = false;
		(void)vtpm_open();
	}
	return err;
}

bool vtpm_running(void)
{
	return started;
}

const uint8_t *vtpm_ek_public(size_t *len)
{
	*len = ek_len;
	return ek_len ? ek_pub : NULL;
}
