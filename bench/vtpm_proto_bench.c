/* SPDX-License-Identifier: MIT */
/*
 * csvsm's own cost of one SVSM_VTPM_CMD (AMD 58019, vTPM protocol) on the
 * protocol side, in instructions, measured under callgrind (bench/run.py):
 * the real request path (calling area, dispatch, kernel/protocols/vtpm.c,
 * kernel/vtpm/vtpm.c, the copies in from and out to guest memory) runs on
 * the SNP machine model, driven by its lower-VMPL guest. The vTPM channel
 * is a stub in this file that answers at once, so the figure leaves out
 * the channel and task switch (kernel/vtpm/chan_task.c) and the TPM's own
 * work. Two workloads, each a fixed number of calls:
 *
 *   getrandom  TPM2_GetRandom(32): a 12-byte command, a 44-byte response
 *   4k         a 4087-byte command (the most the buffer holds) and a
 *              4092-byte response (the most it returns)
 *
 * Usage: vtpm_proto_bench getrandom|4k ITERATIONS. It prints nothing the
 * benchmark reads; the counts come from callgrind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/protocols.h"
#include "svsm/vtpm.h"

#include "abi/svsm.h"
#include "abi/vtpm.h"

#include "model/guest.h"

#define MEM_SIZE (8ull << 20)

static struct sim_guest g;

/* ---- The stub vTPM channel (kernel/vtpm/chan.h) ------------------- */

enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms);
void vtpm_chan_close(void);
enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len);

/* The size of the next answer; 0 before the start's own command. */
static size_t rsp_size;

enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms)
{
	(void)argv;
	(void)time_ms;
	return SVSM_OK;
}

void vtpm_chan_close(void)
{
}

/* A TPM response header (TCG TPM 2.0 Part 1, 18.2): tag, size, rc 0. */
static void tpm_header(uint8_t *p, uint16_t tag, uint32_t size, uint32_t cc)
{
	p[0] = (uint8_t)(tag >> 8);
	p[1] = (uint8_t)tag;
	for (unsigned int i = 0; i < 4; i++) {
		p[2 + i] = (uint8_t)(size >> (24 - 8 * i));
		p[6 + i] = (uint8_t)(cc >> (24 - 8 * i));
	}
}

enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len)
{
	size_t n = rsp_size ? rsp_size : 16;

	(void)cmd;
	(void)len;
	*rsp_len = 0;
	if (n > cap)
		return SVSM_E_NOMEM;
	/* The start's own command (the EK) gets a small public area. */
	memset(rsp, 0, n);
	tpm_header(rsp, 0x8001, (uint32_t)n, 0);
	*rsp_len = n;
	return SVSM_OK;
}

/* ---- The calls ------------------------------------------------------ */

static int run(size_t cmd_len, size_t rsp_len, unsigned int n)
{
	uint64_t gpa = g.first_free + 0x1000;
	uint8_t *buf = sim_guest_ptr(gpa, VTPM_BUFFER_SIZE);
	struct sim_call c;

	rsp_size = rsp_len;
	for (unsigned int i = 0; i < n; i++) {
		/* The guest writes its request each time (the response overwrote it). */
		memset(buf, 0, VTPM_REQ_HDR_SIZE + cmd_len);
		vtpm_put_le32(buf, VTPM_PLAT_SEND_COMMAND);
		vtpm_put_le32(buf + VTPM_REQ_OFF_SIZE, (uint32_t)cmd_len);
		/* TPM2_GetRandom (0x17B), no sessions (TCG TPM 2.0 Part 3, 16.1). */
		tpm_header(buf + VTPM_REQ_HDR_SIZE, 0x8001, (uint32_t)cmd_len,
			   0x17B);
		if (cmd_len >= TPM_HDR_SIZE + 2)
			buf[VTPM_REQ_HDR_SIZE + TPM_HDR_SIZE + 1] = 32;
		sim_call_init(&c, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD);
		c.rcx = gpa;
		sim_guest_call(&g, g.boot, &c);
		if (c.rax != SVSM_SUCCESS || vtpm_le32(buf) != rsp_len)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 1;
	int rc;

	log_set_level(LOG_LEVEL_ERROR);
	if (argc < 2 || !n || !sim_guest_init(&g, 2, MEM_SIZE)) {
		fprintf(stderr, "usage: vtpm_proto_bench getrandom|4k N\n");
		return 2;
	}
	if (vtpm_start() != SVSM_OK) {
		fprintf(stderr, "vtpm_proto_bench: vtpm_start failed\n");
		return 1;
	}
	if (strcmp(argv[1], "getrandom") == 0)
		rc = run(TPM_HDR_SIZE + 2, TPM_HDR_SIZE + 2 + 32, n);
	else if (strcmp(argv[1], "4k") == 0)
		rc = run(VTPM_MAX_CMD_SIZE, VTPM_MAX_RSP_SIZE, n);
	else
		rc = 2;
	if (rc)
		fprintf(stderr, "vtpm_proto_bench: %s failed\n", argv[1]);
	sim_guest_fini(&g);
	return rc;
}
