/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the vTPM host bridge's frames (kernel/vtpm/host_bridge.c)
 * over an in-memory channel, with a stand-in for vtpm_cmd(): a valid
 * frame is answered with the vTPM's bytes; bytes before the magic are
 * skipped; a frame with a nonzero status or a length outside 10..4096 is
 * refused without its payload and the next frame is still served; a vTPM
 * failure is VTPM_BRIDGE_TPM_DOWN with no bytes; input that ends inside a
 * frame gets no answer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/vtpm_bridge.h"

#include "abi/vtpm_bridge.h"

#include "test.h"

struct chan {
	uint8_t in[12000];
	size_t in_len, in_pos;
	uint8_t out[12000];
	size_t out_len;
};

static bool chan_read(void *ctx, uint8_t *b)
{
	struct chan *c = ctx;

	if (c->in_pos == c->in_len)
		return false;
	*b = c->in[c->in_pos++];
	return true;
}

static void chan_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct chan *c = ctx;

	if (c->out_len + len <= sizeof(c->out)) {
		memcpy(c->out + c->out_len, buf, len);
		c->out_len += len;
	}
}

static void put32(struct chan *c, uint32_t v)
{
	memcpy(c->in + c->in_len, &v, 4); /* the host is little-endian too */
	c->in_len += 4;
}

static void put_frame(struct chan *c, uint32_t status, const uint8_t *cmd,
		      uint32_t len)
{
	put32(c, VTPM_BRIDGE_MAGIC_CMD);
	put32(c, status);
	put32(c, len);
	memcpy(c->in + c->in_len, cmd, len);
	c->in_len += len;
}

static uint8_t seen[4096];
static size_t seen_len;
static enum svsm_err fake_result;

/* Echoes the command's code in a 14-byte "response". */
static enum svsm_err fake_cmd(const void *cmd, size_t len, void *rsp,
			      size_t cap, size_t *rsp_len)
{
	static const uint8_t hdr[10] = {0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0};

	memcpy(seen, cmd, len);
	seen_len = len;
	if (fake_result != SVSM_OK || cap < 14)
		return fake_result != SVSM_OK ? fake_result : SVSM_E_NOMEM;
	memcpy(rsp, hdr, 10);
	memcpy((uint8_t *)rsp + 10, (const uint8_t *)cmd + 6, 4);
	*rsp_len = 14;
	return SVSM_OK;
}

static const uint8_t getrandom[12] = {0x80, 0x01, 0, 0,	   0, 12,
				      0,    0,	  1, 0x7b, 0, 8};

/* The response frame at out[off]: status and length; 0 on a bad magic. */
static bool frame_at(const struct chan *c, size_t off, uint32_t *status,
		     uint32_t *len)
{
	uint32_t magic;

	if (off + 12 > c->out_len)
		return false;
	memcpy(&magic, c->out + off, 4);
	memcpy(status, c->out + off + 4, 4);
	memcpy(len, c->out + off + 8, 4);
	return magic == VTPM_BRIDGE_MAGIC_RSP;
}

static struct vtpm_bridge_io io_of(struct chan *c)
{
	return (struct vtpm_bridge_io){chan_read, chan_write, c};
}

TEST(vtpm_bridge, answers_a_frame_with_the_vtpm_bytes)
{
	static struct chan c;
	struct vtpm_bridge_io io = io_of(&c);
	uint32_t status = 9, len = 0;

	memset(&c, 0, sizeof(c));
	fake_result = SVSM_OK;
	put_frame(&c, 0, getrandom, sizeof(getrandom));
	ASSERT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_OK);
	EXPECT_EQ(seen_len, sizeof(getrandom));
	EXPECT_TRUE(!memcmp(seen, getrandom, sizeof(getrandom)));
	ASSERT_TRUE(frame_at(&c, 0, &status, &len));
	EXPECT_EQ(status, VTPM_BRIDGE_OK);
	EXPECT_EQ(len, 14);
	EXPECT_EQ(c.out_len, 12 + 14);
	EXPECT_TRUE(!memcmp(c.out + 12 + 10, getrandom + 6, 4));
	/* Nothing more: the input ended. */
	EXPECT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_E_INVAL);
	EXPECT_EQ(c.out_len, 12 + 14);
}

TEST(vtpm_bridge, skips_bytes_before_the_magic)
{
	static struct chan c;
	struct vtpm_bridge_io io = io_of(&c);
	uint32_t status = 9, len = 0;

	memset(&c, 0, sizeof(c));
	fake_result = SVSM_OK;
	memcpy(c.in, "\x56\x54\x42garbage\x56\x54", 12); /* partial magics */
	c.in_len = 12;
	put_frame(&c, 0, getrandom, sizeof(getrandom));
	ASSERT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_OK);
	ASSERT_TRUE(frame_at(&c, 0, &status, &len));
	EXPECT_EQ(status, VTPM_BRIDGE_OK);
	EXPECT_EQ(seen_len, sizeof(getrandom));
}

TEST(vtpm_bridge, refuses_bad_frames_and_serves_the_next)
{
	static struct chan c;
	static const uint8_t big[5000] = {0x80, 0x01};
	struct vtpm_bridge_io io = io_of(&c);
	uint32_t status = 0, len = 9;
	size_t off = 0;

	memset(&c, 0, sizeof(c));
	fake_result = SVSM_OK;
	put_frame(&c, 0, big, sizeof(big));		/* over 4096 */
	put_frame(&c, 0, getrandom, 9);			/* under a TPM header */
	put_frame(&c, 1, getrandom, sizeof(getrandom)); /* a status */
	put_frame(&c, 0, getrandom, sizeof(getrandom));
	for (int i = 0; i < 3; i++) {
		seen_len = 0;
		ASSERT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_OK);
		ASSERT_TRUE(frame_at(&c, off, &status, &len));
		EXPECT_EQ(status, VTPM_BRIDGE_REFUSED);
		EXPECT_EQ(len, 0);
		EXPECT_EQ(seen_len, 0); /* the vTPM saw nothing */
		off += 12;
	}
	/* The refused payloads are skipped by the magic search. */
	ASSERT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_OK);
	ASSERT_TRUE(frame_at(&c, off, &status, &len));
	EXPECT_EQ(status, VTPM_BRIDGE_OK);
	EXPECT_EQ(seen_len, sizeof(getrandom));
}

TEST(vtpm_bridge, vtpm_failure_is_tpm_down)
{
	static struct chan c;
	struct vtpm_bridge_io io = io_of(&c);
	uint32_t status = 0, len = 9;

	memset(&c, 0, sizeof(c));
	fake_result = SVSM_E_TIMEOUT;
	put_frame(&c, 0, getrandom, sizeof(getrandom));
	ASSERT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_OK);
	ASSERT_TRUE(frame_at(&c, 0, &status, &len));
	EXPECT_EQ(status, VTPM_BRIDGE_TPM_DOWN);
	EXPECT_EQ(len, 0);
	EXPECT_EQ(c.out_len, 12);
	fake_result = SVSM_OK;
}

TEST(vtpm_bridge, input_ending_inside_a_frame_gets_no_answer)
{
	static struct chan c;
	struct vtpm_bridge_io io = io_of(&c);

	memset(&c, 0, sizeof(c));
	fake_result = SVSM_OK;
	put_frame(&c, 0, getrandom, sizeof(getrandom));
	c.in_len -= 3; /* the command's last bytes never come */
	seen_len = 0;
	EXPECT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_E_INVAL);
	EXPECT_EQ(seen_len, 0);
	EXPECT_EQ(c.out_len, 0);
	c.in_len = 6; /* inside the header */
	c.in_pos = 0;
	EXPECT_EQ(vtpm_bridge_serve_one(&io, fake_cmd), SVSM_E_INVAL);
	EXPECT_EQ(c.out_len, 0);
}
