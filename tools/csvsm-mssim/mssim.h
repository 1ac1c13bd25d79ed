/* SPDX-License-Identifier: MIT */
/*
 * csvsm-mssim: the TCP protocol of Microsoft's TPM 2.0 simulator ("mssim",
 * TCG TPM 2.0 reference code, TPMCmd/Simulator/include/TpmTcpProtocol.h),
 * as tpm2-tss's mssim TCTI (src/tss2-tcti/tcti-mssim.c) speaks it, served
 * in front of a TPM reached some other way (docs/vtpm-host.md):
 *
 *  - a vTPM program run as a child process with one end of a
 *    SOCK_SEQPACKET socket pair (--fd N): one write is one TPM command,
 *    one read one response (backend_child.c);
 *  - the SVSM's host bridge, a byte stream (QEMU character device on a
 *    Unix socket) with the frames of include/abi/vtpm_bridge.h
 *    (backend_stream.c).
 *
 * All numbers on the mssim wire are big-endian u32.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TpmTcpProtocol.h's command numbers (both ports). */
#define MSSIM_POWER_ON	    1u
#define MSSIM_POWER_OFF	    2u
#define MSSIM_PHYS_PRES_ON  3u
#define MSSIM_PHYS_PRES_OFF 4u
#define MSSIM_HASH_START    5u
#define MSSIM_HASH_DATA	    6u
#define MSSIM_HASH_END	    7u
#define MSSIM_SEND_COMMAND  8u
#define MSSIM_CANCEL_ON	    9u
#define MSSIM_CANCEL_OFF    10u
#define MSSIM_NV_ON	    11u
#define MSSIM_NV_OFF	    12u
#define MSSIM_KEY_CACHE_ON  13u
#define MSSIM_KEY_CACHE_OFF 14u
#define MSSIM_RESET	    17u
#define MSSIM_RESTART	    18u
#define MSSIM_SESSION_END   20u
#define MSSIM_STOP	    21u

/* The largest TPM command or response the adapter carries. */
#define MSSIM_MAX_TPM_SIZE 4096u
/* A TPM 2.0 response header: tag, size, code (TCG TPM 2.0 Part 1 §18). */
#define TPM_HEADER_SIZE 10u
#define TPM_RC_FAILURE	0x101u

struct backend {
	const char *name;
	/* Powers the TPM on (1 when it already was on): 0, or -1. */
	int (*power_on)(struct backend *b);
	void (*power_off)(struct backend *b);
	/*
	 * One TPM command, one response (at most cap bytes): 0, or -1 when
	 * the TPM did not answer (the reason on stderr); a backend whose TPM
	 * is gone is then off until the next power on.
	 */
	int (*transact)(struct backend *b, const uint8_t *cmd, size_t len,
			uint8_t *rsp, size_t cap, size_t *rsp_len);
	bool on;
	void *ctx;
};

/* backend_child.c: argv runs with "{fd}" words replaced by the number. */
struct backend *backend_child_new(char **argv, const char *dir, int timeout_ms);
/* backend_stream.c: the SVSM's host bridge; listens on unix_path. */
struct backend *backend_stream_new(const char *unix_path, int timeout_ms);

/* Set by a signal handler: mssim_serve() returns 0 at its next wake-up. */
extern volatile sig_atomic_t mssim_stop_requested;

/* mssim.c: the server on two listening sockets; returns the exit status. */
int mssim_serve(struct backend *b, int cmd_listen, int plat_listen,
		bool verbose);

/* The 10-byte TPM_RC_FAILURE response the adapter gives for a TPM that
 * did not answer, so a client sees a TPM error rather than a hang. */
void mssim_failure_response(uint8_t out[TPM_HEADER_SIZE]);
/* A response that is a well-formed TPM header whose size field is len. */
bool mssim_response_ok(const uint8_t *rsp, size_t len);

static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
