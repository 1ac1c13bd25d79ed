/* SPDX-License-Identifier: MIT */
/*
 * The vTPM host bridge's frames (include/abi/vtpm_bridge.h): one command
 * frame in, one response frame out.
 *
 * TRUST: the host writes the channel and may send anything. Bytes before
 * a command frame's magic are skipped (so a desynchronised stream finds
 * the next frame); a frame with a nonzero status or a length outside
 * 10..VTPM_BRIDGE_MAX_LEN is answered VTPM_BRIDGE_REFUSED without reading
 * its payload (the skipping finds the next frame); the command bytes are
 * copied once into private memory and handed to the vTPM, which checks
 * them as it checks the guest's. Nothing here keeps state between frames.
 */
#define LOG_PREFIX "vtpm bridge: "
#include "svsm/log.h"
#include "svsm/vtpm_bridge.h"

#include "abi/vtpm_bridge.h"

#include "lib/string.h"

/* A TPM 2.0 command header: tag, size, code (TCG TPM 2.0 Part 1 §18). */
#define TPM_HEADER_SIZE 10u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static bool read_n(const struct vtpm_bridge_io *io, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!io->read_byte(io->ctx, &buf[i]))
			return false;
	return true;
}

static void respond(const struct vtpm_bridge_io *io, uint32_t status,
		    const uint8_t *rsp, size_t len)
{
	uint8_t h[sizeof(struct vtpm_bridge_hdr)];

	put_le32(h, VTPM_BRIDGE_MAGIC_RSP);
	put_le32(h + 4, status);
	put_le32(h + 8, (uint32_t)len);
	io->write(io->ctx, h, sizeof(h));
	if (len)
		io->write(io->ctx, rsp, len);
}

enum svsm_err vtpm_bridge_serve_one(const struct vtpm_bridge_io *io,
				    vtpm_bridge_cmd_fn cmd)
{
	static uint8_t buf[VTPM_BRIDGE_MAX_LEN], rsp[VTPM_BRIDGE_MAX_LEN];
	uint8_t h[sizeof(struct vtpm_bridge_hdr)] = {0};
	size_t rsp_len = 0;
	uint32_t status, len;
	enum svsm_err err;

	/* The magic: a window of the last four bytes read. */
	if (!read_n(io, h, 4))
		return SVSM_E_INVAL;
	while (le32(h) != VTPM_BRIDGE_MAGIC_CMD) {
		memmove(h, h + 1, 3);
		if (!io->read_byte(io->ctx, &h[3]))
			return SVSM_E_INVAL;
	}
	if (!read_n(io, h + 4, 8))
		return SVSM_E_INVAL;
	status = le32(h + 4);
	len = le32(h + 8);
	if (status != 0 || len < TPM_HEADER_SIZE || len > VTPM_BRIDGE_MAX_LEN) {
		log_notice("refused a frame (status %u, %u bytes)", status,
			   len);
		respond(io, VTPM_BRIDGE_REFUSED, NULL, 0);
		return SVSM_OK;
	}
	if (!read_n(io, buf, len))
		return SVSM_E_INVAL;
	err = cmd(buf, len, rsp, sizeof(rsp), &rsp_len);
	if (err != SVSM_OK || rsp_len > sizeof(rsp)) {
		log_notice("the vTPM failed on a command (%s)",
			   svsm_err_name(err));
		respond(io, VTPM_BRIDGE_TPM_DOWN, NULL, 0);
		return SVSM_OK;
	}
	respond(io, VTPM_BRIDGE_OK, rsp, rsp_len);
	return SVSM_OK;
}
