/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SVSM vTPM protocol's decoding (AMD 58019,
 * vTPM protocol) on the SEV-SNP model: the input is a few SVSM_VTPM_CMD
 * and SVSM_VTPM_QUERY calls from a hostile guest, each with the buffer's
 * address chosen among interesting places (a guest page, misaligned, across
 * a page, in the SVSM region, on a VMSA or a calling area, at the end of
 * RAM, anywhere) and the request bytes from the input, and with what the
 * vTPM does with it chosen too: a response of any size, up to more than
 * the buffer holds, a crash or a hang. The vTPM channel here is a stub
 * (this file) that answers as told, so every path of kernel/protocols/
 * vtpm.c and kernel/vtpm/vtpm.c runs without a process.
 *
 * Besides ASan/UBSan and the SVSM's CHECKs, after each call the target
 * aborts if: the SVSM region's bytes changed; RAX is not one of the codes
 * the protocol may return; a successful SEND_COMMAND's response size is
 * above 4092 or disagrees with what the vTPM answered, or a byte past the
 * response changed; a refused call changed any byte of guest memory; the
 * stub saw a command the protocol should have refused (size 0 or above
 * 4087, or bytes other than the guest's).
 *
 * Build: make out/fuzz/vtpm_fuzz (mk/tests.mk).
 *
 * Input (read in order; a short input reads zeros):
 *   [0]  calls - 1 (low 2 bits)
 *   per call: [0] bit 0 QUERY instead of CMD, bits 3:1 address kind;
 *   [1..2] offset inside the kind's page; [3..11] the request's first 9
 *   bytes as given, [12..13] how many command bytes follow (of the
 *   input); [14] the vTPM's behaviour: 0 answer, 1 crash, 2 hang, 3
 *   more than the buffer; [15..16] response size; then the command bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/protocols.h"
#include "svsm/vtpm.h"

#include "abi/svsm.h"
#include "abi/vtpm.h"

#include "fake/fake.h"
#include "model/guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE (8ull << 20)

static struct sim_guest g;
static uint8_t region_copy[SIM_SVSM_SIZE / 2];

/* ---- The stub vTPM channel (kernel/vtpm/chan.h) ------------------- */

enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms);
void vtpm_chan_close(void);
enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len);

static struct {
	uint8_t mode;	   /* what the next command does */
	uint16_t rsp_size; /* the size it answers with */
	const uint8_t *expect;
	size_t expect_len;
	size_t answered; /* the size it answered, 0 if none */
} stub;

enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms)
{
	(void)argv;
	(void)time_ms;
	return SVSM_OK;
}

void vtpm_chan_close(void)
{
}

enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len)
{
	uint8_t *r = rsp;
	size_t n = stub.rsp_size;

	*rsp_len = 0;
	stub.answered = 0;
	/* The start's own command (the EK): answer a small public area. */
	if (!stub.expect) {
		static const uint8_t ek[] = {0x80, 0x01, 0, 0, 0, 16, 0, 0,
					     0,	   0,	 0, 4, 1, 2,  3, 4};

		memcpy(rsp, ek, sizeof(ek));
		*rsp_len = sizeof(ek);
		return SVSM_OK;
	}
	if (len == 0 || len > VTPM_MAX_CMD_SIZE || len != stub.expect_len ||
	    memcmp(cmd, stub.expect, len))
		abort();
	switch (stub.mode & 3) {
	case 1:
		return SVSM_E_HW;
	case 2:
		return SVSM_E_TIMEOUT;
	case 3:
		return SVSM_E_NOMEM;
	default:
		break;
	}
	if (n > cap)
		return SVSM_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		r[i] = (uint8_t)(0xa0 + i);
	*rsp_len = n;
	stub.answered = n;
	return SVSM_OK;
}

/* ---- The calls ------------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

static uint8_t byte(struct input *in)
{
	return in->pos < in->len ? in->p[in->pos++] : (in->pos++, 0);
}

static uint64_t buffer_address(uint8_t kind, uint16_t off)
{
	switch (kind & 7) {
	case 0:
		return g.first_free + 0x1000;
	case 1:
		return g.first_free + 0x1000 + (off & 0xfff);
	case 2:
		return g.first_free + 0x2000 + (off & 0xff8);
	case 3:
		return g.svsm_base + (off & 0xfff);
	case 4:
		return g.boot_vmsa + (off & 0xfff) - 0x800;
	case 5:
		return g.boot_caa + (off & 0xfff) - 0x800;
	case 6:
		return g.base + MEM_SIZE - (off & 0x1fff);
	default:
		return (uint64_t)off << 48 | off;
	}
}

static bool in_guest_ram(uint64_t gpa, uint64_t len)
{
	return gpa >= g.base && gpa + len >= gpa &&
	       gpa + len <= g.base + MEM_SIZE;
}

static void one_call(struct input *in)
{
	static uint8_t before[2 * VTPM_BUFFER_SIZE];
	static uint8_t cmd[VTPM_BUFFER_SIZE];
	uint8_t sel = byte(in);
	uint16_t off = (uint16_t)(byte(in) | byte(in) << 8);
	uint8_t hdr[VTPM_REQ_HDR_SIZE];
	uint16_t cmd_len;
	uint64_t gpa = buffer_address(sel >> 1, off);
	uint64_t snap = gpa & ~0xfffull;
	/*
	 * The boot VMSA and calling area change with every call (the
	 * calling convention), so they are not compared.
	 */
	bool snap_ok = in_guest_ram(snap, sizeof(before)) &&
		       (snap + sizeof(before) <= g.boot_vmsa ||
			snap >= g.boot_caa + 0x1000);
	struct sim_call c;
	uint32_t size;

	for (unsigned int i = 0; i < sizeof(hdr); i++)
		hdr[i] = byte(in);
	cmd_len = (uint16_t)(byte(in) | byte(in) << 8) % VTPM_BUFFER_SIZE;
	stub.mode = byte(in);
	stub.rsp_size = (uint16_t)(byte(in) | byte(in) << 8) % 5000;
	for (unsigned int i = 0; i < cmd_len; i++)
		cmd[i] = byte(in);
	size = vtpm_le32(hdr + VTPM_REQ_OFF_SIZE);
	/* Most requests carry their own length; some lie. */
	if (!(sel & 0x80))
		vtpm_put_le32(hdr + VTPM_REQ_OFF_SIZE, size = cmd_len);
	if (in_guest_ram(gpa, sizeof(hdr) + cmd_len) && gpa >= g.first_free) {
		memcpy(sim_guest_ptr(gpa, sizeof(hdr)), hdr, sizeof(hdr));
		memcpy(sim_guest_ptr(gpa + sizeof(hdr), cmd_len), cmd, cmd_len);
	}
	/*
	 * What the SVSM must hand the vTPM: the command its header's size
	 * names, as guest memory holds it (the input's bytes, or what lay
	 * there before when the size claims more or the buffer was not
	 * written); 0 where it must not reach the vTPM at all.
	 */
	stub.expect = cmd;
	stub.expect_len = 0;
	if (in_guest_ram(gpa, sizeof(hdr))) {
		uint32_t gsize =
			vtpm_le32(sim_guest_ptr(gpa + VTPM_REQ_OFF_SIZE, 4));

		if (gsize && gsize <= VTPM_MAX_CMD_SIZE &&
		    in_guest_ram(gpa, sizeof(hdr) + gsize)) {
			stub.expect = sim_guest_ptr(gpa + sizeof(hdr), gsize);
			stub.expect_len = gsize;
		}
	}
	if (snap_ok)
		memcpy(before, sim_guest_ptr(snap, sizeof(before)),
		       sizeof(before));

	sim_call_init(&c, SVSM_VTPM_PROTOCOL,
		      sel & 1 ? SVSM_VTPM_QUERY : SVSM_VTPM_CMD);
	c.rcx = gpa;
	sim_guest_call(&g, g.boot, &c);

	if (memcmp(region_copy, sim_guest_ptr(g.svsm_base, sizeof(region_copy)),
		   sizeof(region_copy)))
		abort();
	if (sel & 1) {
		if (c.rax != SVSM_SUCCESS || c.rcx != 0x100 || c.rdx != 0)
			abort();
		return;
	}
	switch (c.rax) {
	case SVSM_SUCCESS: {
		uint32_t m;
		size_t end;

		/* Only a request whose bytes the stub checked succeeds. */
		if (!snap_ok || !stub.expect_len)
			abort();
		/*
		 * The stub's answer as it was, or, where it failed or answered
		 * less than a TPM response header, a TPM_RC_FAILURE header.
		 */
		m = vtpm_le32(sim_guest_ptr(gpa, 4));
		if (m > VTPM_MAX_RSP_SIZE ||
		    (stub.answered >= TPM_HDR_SIZE ? m != stub.answered
						   : m != TPM_HDR_SIZE))
			abort();
		if (stub.answered < TPM_HDR_SIZE &&
		    vtpm_be32(sim_guest_ptr(gpa + VTPM_RSP_HDR_SIZE + 6, 4)) !=
			    TPM_RC_FAILURE)
			abort();
		/* Past the request and the response, nothing changed. */
		end = (size_t)(gpa - snap) +
		      (VTPM_RSP_HDR_SIZE + m > sizeof(hdr) + cmd_len
			       ? VTPM_RSP_HDR_SIZE + m
			       : sizeof(hdr) + cmd_len);
		if (memcmp(before + end,
			   sim_guest_ptr(snap + end, sizeof(before) - end),
			   sizeof(before) - end))
			abort();
		break;
	}
	case SVSM_ERR_INVALID_PARAMETER:
	case SVSM_ERR_INVALID_ADDRESS:
	case SVSM_ERR_UNSUPPORTED_CALL:
		/* Refused: the guest's memory is as it was. */
		if (snap_ok &&
		    memcmp(before, sim_guest_ptr(snap, sizeof(before)),
			   sizeof(before)))
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size, 0};
	unsigned int calls;

	log_set_level(LOG_LEVEL_ERROR);
	if (!sim_guest_init(&g, 2, MEM_SIZE))
		abort();
	stub.expect = NULL;
	if (vtpm_start() != SVSM_OK)
		abort();
	memcpy(region_copy, sim_guest_ptr(g.svsm_base, sizeof(region_copy)),
	       sizeof(region_copy));
	calls = (byte(&in) & 3) + 1;
	for (unsigned int i = 0; i < calls; i++)
		one_call(&in);
	return 0;
}
