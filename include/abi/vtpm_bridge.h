/* SPDX-License-Identifier: MIT */
/*
 * The vTPM host bridge's frames (native platform only, docs/vtpm-host.md):
 * csvsm-mssim on the host and kernel/vtpm/host_bridge.c in the SVSM
 * exchange TPM commands and responses over a byte stream (the SVSM's
 * second 16550 UART, a QEMU character device on a Unix socket). Each
 * frame is this header, then `len` bytes; all fields little-endian.
 * csvsm's own format: no specification defines it.
 */
#pragma once

#include <stdint.h>

#define VTPM_BRIDGE_MAGIC_CMD 0x51425456u /* "VTBQ": host to SVSM */
#define VTPM_BRIDGE_MAGIC_RSP 0x52425456u /* "VTBR": SVSM to host */
/* A command or response is at most one TPM buffer. */
#define VTPM_BRIDGE_MAX_LEN 4096u

/* status of a response frame; a command frame's status is 0. */
#define VTPM_BRIDGE_OK	     0u /* len bytes of TPM response follow */
#define VTPM_BRIDGE_REFUSED  1u /* the command frame was malformed */
#define VTPM_BRIDGE_TPM_DOWN 2u /* vtpm_cmd() failed; no response bytes */

struct vtpm_bridge_hdr {
	uint32_t magic;
	uint32_t status;
	uint32_t len;
};

_Static_assert(sizeof(struct vtpm_bridge_hdr) == 12, "bridge header");
