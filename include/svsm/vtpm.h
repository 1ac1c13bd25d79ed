/* SPDX-License-Identifier: MIT */
/*
 * The vTPM (kernel/vtpm, docs/vtpm.md): the vTPM program (user/vtpm) runs
 * as a task of the SVSM and answers TPM 2.0 commands through its command
 * channel. The SVSM vTPM protocol (kernel/protocols/vtpm.c) and whatever
 * else in the SVSM speaks to the TPM go through these calls.
 *
 * The program is restarted when it crashes, hangs or breaks the channel's
 * rules; its NV state lives in files of the SVSM's file system and
 * survives that (a restart is a TPM Reset: PCRs and loaded objects go).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * Starts the vTPM and runs it until it waits for its first command: the
 * TPM is manufactured on the first start (endorsement keys persistent at
 * 0x81010001 and 0x81010002) and started. SVSM_OK when it is running
 * (also when it already was); SVSM_E_UNSUPPORTED without user mode or the
 * program, SVSM_E_NOMEM, SVSM_E_HW when the program did not come up.
 */
enum svsm_err __must_check vtpm_start(void);

/*
 * Runs one TPM command (cmd, len bytes: TPM 2.0 wire format, at most
 * VTPM_MAX_CMD_SIZE of abi/vtpm.h) and copies the TPM's response, at most
 * `cap` bytes, to rsp; *rsp_len is its size. TPM errors are inside the
 * response. SVSM_E_INVAL: len is 0 or above the limit, or the vTPM is not
 * started; SVSM_E_NOMEM: the response was larger than cap (the vTPM goes
 * on); SVSM_E_HW / SVSM_E_TIMEOUT: the vTPM crashed or hung on this
 * command and was restarted for the next one.
 */
enum svsm_err __must_check vtpm_cmd(const void *cmd, size_t len, void *rsp,
				    size_t cap, size_t *rsp_len);

/* True while the vTPM program runs (vtpm_start() succeeded). */
bool vtpm_running(void);

/*
 * Starts another program as the vTPM, for tests of the failure paths:
 * argv[0] is the program (a path of the SVSM's file system; a host path on
 * the fake arch), `time_ms` each command's time limit (0: the default).
 * Ends the vTPM that ran before. argv must stay valid while it runs.
 */
enum svsm_err __must_check vtpm_start_program(const char *const *argv,
					      uint32_t time_ms);
/* Ends the vTPM program; vtpm_start() starts it again. */
void vtpm_stop(void);

/*
 * The public area (marshalled TPMT_PUBLIC, TCG TPM 2.0 Part 2 §12.2.4) of
 * the RSA-2048 endorsement key, read when the vTPM started; NULL before
 * that. The attestation protocol's vTPM service manifest.
 */
const uint8_t *vtpm_ek_public(size_t *len);
