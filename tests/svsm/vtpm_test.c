// SPDX-License-Identifier: MIT
/*
 * The vTPM in the SVSM (in QEMU): the vTPM program of the test image
 * (user/vtpm) started with vtpm_start() and driven through vtpm_cmd(), a
 * task that blocks in its device read between commands; and the channel's
 * failure paths with a program that misbehaves on request
 * (user/test/vtpmbad.c): a crash, a hang, an exit, reading or writing out
 * of turn, a response larger than the caller's buffer. After each, the
 * caller has an error and the next command works.
 */
#include "svsm/task.h"
#include "svsm/vtpm.h"

#include "abi/vtpm.h"

#include "lib/string.h"
#include "svtest.h"
#include "test.h"

static uint8_t rsp[VTPM_BUFFER_SIZE];

/* A command of `size` bytes: tag, size and code filled in. */
static void hdr(uint8_t *c, uint16_t tag, uint32_t size, uint32_t cc)
{
	vtpm_put_be16(c, tag);
	vtpm_put_be32(c + 2, size);
	vtpm_put_be32(c + 6, cc);
}

/* Runs a command; returns the TPM response code, or ~0 on an SVSM error. */
static uint32_t tpm(const uint8_t *c, size_t len, size_t *rlen)
{
	size_t n = 0;

	if (vtpm_cmd(c, len, rsp, sizeof(rsp), &n) != SVSM_OK || n < 10)
		return ~0u;
	if (rlen)
		*rlen = n;
	return vtpm_be32(rsp + 6);
}

static uint32_t startup(void)
{
	uint8_t c[12];

	hdr(c, TPM_ST_NO_SESSIONS, sizeof(c), TPM_CC_STARTUP);
	vtpm_put_be16(c + 10, TPM_SU_CLEAR);
	return tpm(c, sizeof(c), NULL);
}

static uint32_t get_random(size_t *rlen)
{
	uint8_t c[12];

	hdr(c, TPM_ST_NO_SESSIONS, sizeof(c), TPM_CC_GET_RANDOM);
	vtpm_put_be16(c + 10, 32);
	return tpm(c, sizeof(c), rlen);
}

/* The empty password session (TCG Part 1 §19.6.13), 4-byte size first. */
static const uint8_t pw_session[13] = {0, 0, 0, 9, 0x40, 0, 0,
				       9, 0, 0, 1, 0,	 0};

static bool start_vtpm(void)
{
	REQUIRE_TRUE(svtest_unpack_initfs());
	REQUIRE_EQ(vtpm_start(), SVSM_OK);
	return true;
}

TEST(vtpm, startup_random_create_primary_pcr_extend)
{
	static const uint8_t digest[32] = {
		0x12, 0x0d, 0xef, 0xf7, 0x5d, 0xef, 0xc3, 0x07,
		0xa2, 0xe8, 0x93, 0x88, 0x17, 0x4e, 0x1c, 0x9b,
		0x06, 0xbb, 0xdf, 0x81, 0x9a, 0xa9, 0x4e, 0xbb,
		0xee, 0x83, 0x58, 0x77, 0x20, 0x00, 0x5c, 0x9a};
	/* SHA-256(32 zero bytes || digest): PCR 16 after one extend. */
	static const uint8_t pcr16[32] = {
		0xa9, 0x52, 0xbd, 0x9f, 0x1b, 0xe4, 0x21, 0x56,
		0x8b, 0x8d, 0x5f, 0x0f, 0x0c, 0x91, 0x0b, 0xf8,
		0xc1, 0xe1, 0x29, 0xf0, 0xae, 0xdd, 0xf6, 0x14,
		0xb9, 0x77, 0x36, 0xb6, 0x91, 0x4d, 0x1b, 0x43};
	static const uint8_t ecc_prefix[] = {VTPM_EK_ECC_PREFIX};
	uint8_t c[256];
	size_t n = 0, len;
	const uint8_t *ek;

	ASSERT_TRUE(start_vtpm());
	/* Manufactured: the RSA EK's public area is Template L-1's size. */
	ek = vtpm_ek_public(&len);
	ASSERT_TRUE(ek != NULL);
	EXPECT_EQ(len, VTPM_EK_RSA_SIZE);
	/* The guest's Startup works although the vTPM started the TPM. */
	EXPECT_EQ(startup(), TPM_RC_SUCCESS);
	EXPECT_EQ(startup(), TPM_RC_INITIALIZE);
	EXPECT_EQ(get_random(&n), TPM_RC_SUCCESS);
	EXPECT_EQ(n, 44u);
	EXPECT_EQ(vtpm_be16(rsp + 10), 32u);

	/* PCR_Extend(16, SHA-256 digest), then PCR_Read(16). */
	len = 0;
	hdr(c, TPM_ST_SESSIONS, 65, TPM_CC_PCR_EXTEND);
	vtpm_put_be32(c + 10, 16);
	memcpy(c + 14, pw_session, sizeof(pw_session));
	vtpm_put_be32(c + 27, 1);
	vtpm_put_be16(c + 31, 0x000b);
	memcpy(c + 33, digest, sizeof(digest));
	EXPECT_EQ(tpm(c, 65, NULL), TPM_RC_SUCCESS);
	hdr(c, TPM_ST_NO_SESSIONS, 20, 0x17e /* TPM_CC_PCR_Read */);
	vtpm_put_be32(c + 10, 1);
	vtpm_put_be16(c + 14, 0x000b);
	c[16] = 3;
	c[17] = 0;
	c[18] = 0;
	c[19] = 1; /* PCR 16 */
	ASSERT_EQ(tpm(c, 20, &n), TPM_RC_SUCCESS);
	ASSERT_EQ(n, 62u);
	EXPECT_EQ(memcmp(rsp + 30, pcr16, sizeof(pcr16)), 0);

	/* CreatePrimary (ECC P-256, owner hierarchy), then FlushContext. */
	len = 0;
	hdr(c, TPM_ST_SESSIONS, 0, TPM_CC_CREATE_PRIMARY);
	len = TPM_HDR_SIZE;
	vtpm_put_be32(c + len, TPM_RH_OWNER);
	len += 4;
	memcpy(c + len, pw_session, sizeof(pw_session));
	len += sizeof(pw_session);
	memcpy(c + len, "\x00\x04\x00\x00\x00\x00", 6);
	len += 6;
	vtpm_put_be16(c + len, VTPM_EK_ECC_SIZE);
	memset(c + len + 2, 0, VTPM_EK_ECC_SIZE);
	memcpy(c + len + 2, ecc_prefix, sizeof(ecc_prefix));
	c[len + 2 + VTPM_EK_ECC_PREFIX_SIZE + 1] = 32;
	c[len + 2 + VTPM_EK_ECC_PREFIX_SIZE + 35] = 32;
	len += 2 + VTPM_EK_ECC_SIZE;
	memset(c + len, 0, 6);
	len += 6;
	vtpm_put_be32(c + 2, (uint32_t)len);
	ASSERT_EQ(tpm(c, len, &n), TPM_RC_SUCCESS);
	EXPECT_EQ(vtpm_be32(rsp + 10) >> 24, 0x80u); /* a transient handle */
	vtpm_put_be32(c + 10, vtpm_be32(rsp + 10));
	hdr(c, TPM_ST_NO_SESSIONS, 14, TPM_CC_FLUSH_CONTEXT);
	EXPECT_EQ(tpm(c, 14, NULL), TPM_RC_SUCCESS);
}

TEST(vtpm, response_larger_than_buffer_then_next_works)
{
	uint8_t c[12], small[16];
	size_t n = 99;

	ASSERT_TRUE(start_vtpm());
	hdr(c, TPM_ST_NO_SESSIONS, sizeof(c), TPM_CC_GET_RANDOM);
	vtpm_put_be16(c + 10, 32);
	EXPECT_EQ(vtpm_cmd(c, sizeof(c), small, sizeof(small), &n),
		  SVSM_E_NOMEM);
	EXPECT_EQ(n, 0u);
	/* Sizes the protocol never allows. */
	EXPECT_EQ(vtpm_cmd(c, 0, rsp, sizeof(rsp), &n), SVSM_E_INVAL);
	EXPECT_EQ(vtpm_cmd(rsp, VTPM_MAX_CMD_SIZE + 1, rsp, sizeof(rsp), &n),
		  SVSM_E_INVAL);
	/* The same task answers the next command. */
	EXPECT_NE(get_random(&n), ~0u);
	EXPECT_EQ(n, 44u);
}

TEST(vtpm, restart_keeps_nv_state)
{
	uint8_t before[VTPM_EK_RSA_SIZE];
	const uint8_t *ek;
	size_t len = 0, n = 0;

	ASSERT_TRUE(start_vtpm());
	ek = vtpm_ek_public(&len);
	ASSERT_EQ(len, VTPM_EK_RSA_SIZE);
	memcpy(before, ek, len);
	/* A new instance loads the NV files: the same seed, the same EK. */
	vtpm_stop();
	EXPECT_EQ(vtpm_ek_public(&len), NULL);
	ASSERT_EQ(vtpm_start(), SVSM_OK);
	ek = vtpm_ek_public(&len);
	ASSERT_EQ(len, VTPM_EK_RSA_SIZE);
	EXPECT_EQ(memcmp(before, ek, len), 0);
	EXPECT_EQ(get_random(&n), TPM_RC_SUCCESS);
}

/* vtpmbad's command: its last byte says how to misbehave. */
static enum svsm_err bad(char what, uint8_t *starts)
{
	uint8_t c[11] = {0x80, 0x01, 0, 0, 0, 11, 0, 0, 0, 0, (uint8_t)what};
	size_t n = 0;
	enum svsm_err err = vtpm_cmd(c, sizeof(c), rsp, sizeof(rsp), &n);

	*starts = err == SVSM_OK && n == 11 ? rsp[10] : 0;
	return err;
}

TEST(vtpm, crash_hang_and_misuse_restart_the_program)
{
	static const char *const argv[] = {"/bin/vtpmbad", NULL};
	uint8_t s0 = 0, s = 0;

	ASSERT_TRUE(svtest_unpack_initfs());
	ASSERT_EQ(vtpm_start_program(argv, 300), SVSM_OK);
	ASSERT_EQ(bad('.', &s0), SVSM_OK);
	ASSERT_NE(s0, 0u);
	/* Each failure: an error now, a new start, the next command works. */
	EXPECT_EQ(bad('C', &s), SVSM_E_HW);
	EXPECT_EQ(bad('.', &s), SVSM_OK);
	EXPECT_EQ(s, s0 + 1u); /* its file in /var/tpm survived */
	EXPECT_EQ(bad('H', &s), SVSM_E_TIMEOUT);
	EXPECT_EQ(bad('.', &s), SVSM_OK);
	EXPECT_EQ(s, s0 + 2u);
	EXPECT_EQ(bad('X', &s), SVSM_E_HW);
	EXPECT_EQ(bad('R', &s), SVSM_E_HW);
	EXPECT_EQ(bad('W', &s), SVSM_E_HW);
	EXPECT_EQ(bad('.', &s), SVSM_OK);
	EXPECT_EQ(s, s0 + 5u);
	vtpm_stop();
	/* The real vTPM again, for the tests that follow. */
	EXPECT_EQ(vtpm_start(), SVSM_OK);
}
