/* SPDX-License-Identifier: MIT */
/*
 * The vTPM host bridge (native platform only, docs/vtpm-host.md): TPM
 * commands from the host, framed as include/abi/vtpm_bridge.h says, over a
 * byte channel (a second 16550 UART that QEMU connects to csvsm-mssim),
 * answered through the vTPM. `csvsm-run --tpm PORT` sets it up; it exists
 * so that host TPM software can test the vTPM inside a booted SVSM. An
 * SEV-SNP SVSM never offers it: its host is not to reach the vTPM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/* The byte channel. read_byte false: no more input (hosted tests only). */
struct vtpm_bridge_io {
	bool (*read_byte)(void *ctx, uint8_t *b);
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
};

/* How the bridge runs a command: vtpm_cmd() of include/svsm/vtpm.h. */
typedef enum svsm_err (*vtpm_bridge_cmd_fn)(const void *cmd, size_t len,
					    void *rsp, size_t cap,
					    size_t *rsp_len);

/*
 * Reads one command frame (skipping bytes until a frame's magic), runs it
 * with `cmd` and writes the response frame. SVSM_OK when a frame was
 * answered (also with a refusal or the vTPM's failure inside);
 * SVSM_E_INVAL when the input ended.
 */
enum svsm_err __must_check
vtpm_bridge_serve_one(const struct vtpm_bridge_io *io, vtpm_bridge_cmd_fn cmd);

/*
 * Serves the bridge on COM2 for ever (kernel/vtpm/host_bridge_uart.c);
 * returns only when there is no UART there.
 */
void vtpm_host_bridge_run(vtpm_bridge_cmd_fn cmd);
