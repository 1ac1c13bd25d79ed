/* SPDX-License-Identifier: MIT */
/*
 * The vTPM room's own interface: the command channel to the vTPM program,
 * with one backend per kind of build. chan_task.c runs the program as an
 * SVSM task behind the device /dev/vtpm (the kernel); chan_proc.c runs the
 * same program as a host process over a SOCK_SEQPACKET socket pair (the
 * fake arch, where ring 3 does not exist). vtpm.c, beside them, is the
 * part both share. Only the files in kernel/vtpm include this.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * Starts the program, argv (argv[0] the program; NULL: the vTPM with its
 * default arguments), with `time_ms` for each command (0: the default),
 * and runs it until it waits for its first command. SVSM_E_HW when it
 * ended instead, SVSM_E_TIMEOUT when it did not get there in time.
 */
enum svsm_err __must_check vtpm_chan_open(const char *const *argv,
					  uint32_t time_ms);
/* Ends the program (nothing when none runs). */
void vtpm_chan_close(void);
/*
 * Gives the program one command and takes its response. SVSM_OK with
 * *rsp_len; SVSM_E_NOMEM when the response was larger than cap (the
 * program goes on); SVSM_E_HW when it ended or broke the channel's rules,
 * SVSM_E_TIMEOUT when it took too long: in both cases it was ended, and
 * vtpm_chan_open() starts it again.
 */
enum svsm_err __must_check vtpm_chan_transact(const void *cmd, size_t len,
					      void *rsp, size_t cap,
					      size_t *rsp_len);

/* The default time a command may take, and the first start (manufacture). */
#define VTPM_CMD_TIME_MS   30000u
#define VTPM_START_TIME_MS 120000u
