// SPDX-License-Identifier: MIT
/*
 * The SVSM vTPM protocol on the model (AMD 58019, vTPM protocol): the
 * model guest writes TPM_SEND_COMMAND requests into its memory and calls
 * SVSM_VTPM_CMD by the calling convention; the SVSM's vTPM channel runs
 * the vTPM program (user/vtpm) as a host process (kernel/vtpm/chan_proc.c).
 * Conformance (QUERY, QUERY_PROTOCOL, commands and their responses) and
 * hostile input: each refusal has its exact code, changes nothing the SVSM
 * owns, and the next valid command works. The vTPM's failures (crash,
 * hang, a response larger than the buffer) come from user/test/vtpmbad.
 */
#include "svsm/vtpm.h"

#include "abi/vtpm.h"

#include "protocol_fixture.h"

#ifndef VTPM_BAD_PROGRAM
#define VTPM_BAD_PROGRAM "out/user/vtpmbad"
#endif

static bool vtpm_up(void)
{
	REQUIRE_TRUE(pfx_setup());
	REQUIRE_EQ(vtpm_start(), SVSM_OK);
	return true;
}

/* Writes a TPM_SEND_COMMAND request at gpa (58019 Table 16). */
static void put_request(uint64_t gpa, uint32_t plat, uint8_t locality,
			uint32_t size, const void *cmd, size_t cmd_len)
{
	uint8_t *p = sim_guest_ptr(gpa, VTPM_REQ_HDR_SIZE + cmd_len);

	vtpm_put_le32(p, plat);
	p[VTPM_REQ_OFF_LOCALITY] = locality;
	vtpm_put_le32(p + VTPM_REQ_OFF_SIZE, size);
	memcpy(p + VTPM_REQ_HDR_SIZE, cmd, cmd_len);
}

static uint64_t vtpm_call(uint32_t call, uint64_t rcx, struct sim_call *c)
{
	sim_call_init(c, SVSM_VTPM_PROTOCOL, call);
	c->rcx = rcx;
	sim_guest_call(&pfx, pfx.boot, c);
	return c->rax;
}

static const uint8_t get_random[12] = {0x80, 0x01, 0, 0,    0, 12,
				       0,    0,	   1, 0x7b, 0, 32};

/* Sends a whole command at gpa; returns RAX. */
static uint64_t send(uint64_t gpa, const void *cmd, size_t len)
{
	struct sim_call c;

	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 0, (uint32_t)len, cmd, len);
	return vtpm_call(SVSM_VTPM_CMD, gpa, &c);
}

/* The response at gpa: its size M, and the TPM response code. */
static uint32_t rsp_size(uint64_t gpa)
{
	return vtpm_le32(sim_guest_ptr(gpa, 4));
}

static uint32_t rsp_rc(uint64_t gpa)
{
	return vtpm_be32((uint8_t *)sim_guest_ptr(gpa, 14) + 4 + 6);
}

/* GetRandom(32) at a fresh page works: SUCCESS, 44 bytes, rc 0. */
static bool next_command_works(void)
{
	uint64_t gpa = pfx_page(40);

	REQUIRE_EQ(send(gpa, get_random, sizeof(get_random)), SVSM_SUCCESS);
	REQUIRE_EQ(rsp_size(gpa), 44u);
	REQUIRE_EQ(rsp_rc(gpa), TPM_RC_SUCCESS);
	REQUIRE_TRUE(pfx_still_serving());
	return true;
}

TEST(protocol_vtpm, query_protocol_only_while_the_vtpm_runs)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	vtpm_stop();
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				 svsm_query_protocol_rcx(2, 1), 0, 0, &c),
		  SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, 0u);
	EXPECT_EQ(vtpm_call(SVSM_VTPM_QUERY, 0, &c),
		  SVSM_ERR_UNSUPPORTED_PROTOCOL);
	ASSERT_EQ(vtpm_start(), SVSM_OK);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				 svsm_query_protocol_rcx(2, 1), 0, 0, &c),
		  SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, svsm_query_protocol_result(1, 1));
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				 svsm_query_protocol_rcx(2, 2), 0, 0, &c),
		  SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, 0u);
}

TEST(protocol_vtpm, query_reports_send_command_only)
{
	struct sim_call c;

	ASSERT_TRUE(vtpm_up());
	EXPECT_EQ(vtpm_call(SVSM_VTPM_QUERY, 0, &c), SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, 0x100u); /* bit 8: TPM_SEND_COMMAND */
	EXPECT_EQ(c.rdx, 0u);
	EXPECT_EQ(vtpm_call(2, 0, &c), SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(vtpm_call(0xffffffffu, 0, &c), SVSM_ERR_UNSUPPORTED_CALL);
}

TEST(protocol_vtpm, commands_through_the_calling_convention)
{
	static const uint8_t startup[12] = {0x80, 0x01, 0, 0,	 0, 12,
					    0,	  0,	1, 0x44, 0, 0};
	uint64_t gpa = pfx_page(0);
	const uint8_t *r;

	ASSERT_TRUE(vtpm_up());
	/* The guest's Startup; a second one is a TPM error, RAX 0. */
	pfx_fill(gpa, SZ_4K, 0xee);
	EXPECT_EQ(send(gpa, startup, sizeof(startup)), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 10u);
	EXPECT_TRUE(rsp_rc(gpa) == TPM_RC_SUCCESS ||
		    rsp_rc(gpa) == TPM_RC_INITIALIZE);
	EXPECT_EQ(send(gpa, startup, sizeof(startup)), SVSM_SUCCESS);
	EXPECT_EQ(rsp_rc(gpa), TPM_RC_INITIALIZE);

	/* GetRandom: the response, and nothing written past it. */
	pfx_fill(gpa, SZ_4K, 0xee);
	EXPECT_EQ(send(gpa, get_random, sizeof(get_random)), SVSM_SUCCESS);
	ASSERT_EQ(rsp_size(gpa), 44u);
	r = sim_guest_ptr(gpa, 48);
	EXPECT_EQ(vtpm_be32(r + 4 + 2), 44u); /* the TPM header's size */
	EXPECT_EQ(rsp_rc(gpa), TPM_RC_SUCCESS);
	EXPECT_EQ(vtpm_be16(r + 4 + 10), 32u);
	EXPECT_TRUE(pfx_all(gpa + 48, SZ_4K - 48, 0xee));

	/* A buffer anywhere 8-byte aligned, across a page boundary too. */
	EXPECT_EQ(send(pfx_page(2) - 16, get_random, sizeof(get_random)),
		  SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(pfx_page(2) - 16), 44u);
}

/* GetCapability(cap, first, count) at gpa; the response's data after it. */
static const uint8_t *get_cap(uint64_t gpa, uint32_t cap, uint32_t first,
			      uint32_t count)
{
	uint8_t c[22];

	vtpm_put_be16(c, TPM_ST_NO_SESSIONS);
	vtpm_put_be32(c + 2, sizeof(c));
	vtpm_put_be32(c + 6, 0x17a); /* TPM_CC_GetCapability */
	vtpm_put_be32(c + 10, cap);
	vtpm_put_be32(c + 14, first);
	vtpm_put_be32(c + 18, count);
	if (send(gpa, c, sizeof(c)) != SVSM_SUCCESS ||
	    rsp_rc(gpa) != TPM_RC_SUCCESS || rsp_size(gpa) < 19)
		return NULL;
	/* header, moreData, capability: then the list's count and items. */
	return (const uint8_t *)sim_guest_ptr(gpa, rsp_size(gpa) + 4) + 4 +
	       TPM_HDR_SIZE + 1 + 4;
}

TEST(protocol_vtpm, manufactured_keys_persistent_no_slot_taken_sizes_fit)
{
	uint64_t gpa = pfx_page(0);
	const uint8_t *d;

	ASSERT_TRUE(vtpm_up());
	/* TPM_CAP_HANDLES, persistent: the two EKs, in order. */
	d = get_cap(gpa, 1, 0x81000000u, 16);
	ASSERT_TRUE(d != NULL);
	ASSERT_EQ(vtpm_be32(d), 2u);
	EXPECT_EQ(vtpm_be32(d + 4), VTPM_EK_RSA_HANDLE);
	EXPECT_EQ(vtpm_be32(d + 8), VTPM_EK_ECC_HANDLE);
	/* Transient objects: none left by manufacture or the EK read. */
	d = get_cap(gpa, 1, 0x80000000u, 16);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(vtpm_be32(d), 0u);
	/* TPM_CAP_TPM_PROPERTIES: MAX_COMMAND_SIZE, MAX_RESPONSE_SIZE. */
	d = get_cap(gpa, 6, 0x11e, 2);
	ASSERT_TRUE(d != NULL);
	ASSERT_EQ(vtpm_be32(d), 2u);
	EXPECT_EQ(vtpm_be32(d + 4), 0x11eu);
	EXPECT_EQ(vtpm_be32(d + 8), VTPM_TPM_BUFFER_SIZE);
	EXPECT_EQ(vtpm_be32(d + 12), 0x11fu);
	EXPECT_EQ(vtpm_be32(d + 16), VTPM_TPM_BUFFER_SIZE);
	EXPECT_LE(VTPM_TPM_BUFFER_SIZE, VTPM_MAX_CMD_SIZE);
	EXPECT_LE(VTPM_TPM_BUFFER_SIZE, VTPM_MAX_RSP_SIZE);
}

/* The guest's request is refused with `want`, and nothing changed. */
static bool refused(uint64_t gpa, uint64_t want)
{
	struct pfx_snapshot before, after;
	struct sim_call c;

	pfx_snapshot(&before);
	REQUIRE_EQ(vtpm_call(SVSM_VTPM_CMD, gpa, &c), want);
	pfx_snapshot(&after);
	REQUIRE_TRUE(pfx_snapshot_same(&before, &after));
	return next_command_works();
}

TEST(protocol_vtpm, hostile_requests_get_their_codes)
{
	uint64_t gpa = pfx_page(0);
	uint8_t big[VTPM_MAX_CMD_SIZE + 1] = {0};

	ASSERT_TRUE(vtpm_up());
	/* Size beyond the limit; zero. */
	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 0, VTPM_MAX_CMD_SIZE + 1, big,
		    sizeof(big) - 9);
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 0, 0xffffffffu, get_random,
		    sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 0, 0, get_random,
		    sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	/* Platform commands: not one at all, and one not offered. */
	put_request(gpa, 0, 0, sizeof(get_random), get_random,
		    sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, VTPM_PLAT_MAX + 1, 0, sizeof(get_random), get_random,
		    sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, 0xffffffffu, 0, sizeof(get_random), get_random,
		    sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, VTPM_PLAT_SIGNAL_POWER_ON, 0, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_UNSUPPORTED_CALL));
	put_request(gpa, VTPM_PLAT_SIGNAL_RESET, 0, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_UNSUPPORTED_CALL));
	/* Locality other than 0. */
	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 1, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa, VTPM_PLAT_SEND_COMMAND, 4, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa, SVSM_ERR_INVALID_PARAMETER));
	/* A misaligned buffer (the request itself is well formed). */
	put_request(gpa + 4, VTPM_PLAT_SEND_COMMAND, 0, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa + 4, SVSM_ERR_INVALID_PARAMETER));
	put_request(gpa + 1, VTPM_PLAT_SEND_COMMAND, 0, sizeof(get_random),
		    get_random, sizeof(get_random));
	EXPECT_TRUE(refused(gpa + 1, SVSM_ERR_INVALID_PARAMETER));
	/* SVSM memory: the region, the boot VMSA, the boot CA, a buffer
	 * that runs into the VMSA page. */
	EXPECT_TRUE(refused(PFX_SVSM_BASE, SVSM_ERR_INVALID_ADDRESS));
	EXPECT_TRUE(refused(PFX_BOOT_VMSA, SVSM_ERR_INVALID_ADDRESS));
	EXPECT_TRUE(refused(PFX_BOOT_CAA, SVSM_ERR_INVALID_ADDRESS));
	EXPECT_TRUE(refused(PFX_BOOT_VMSA - 8, SVSM_ERR_INVALID_ADDRESS));
	/* Leaving RAM: a buffer past its end, not RAM at all, wrapping. */
	EXPECT_TRUE(
		refused(PFX_BASE + PFX_MEM_SIZE - 8, SVSM_ERR_INVALID_ADDRESS));
	EXPECT_TRUE(refused(PFX_BASE + PFX_MEM_SIZE, SVSM_ERR_INVALID_ADDRESS));
	EXPECT_TRUE(refused(0xfffffffffffff000ull, SVSM_ERR_INVALID_ADDRESS));
}

TEST(protocol_vtpm, tpm_level_errors_are_inside_the_response)
{
	static const uint8_t unknown_cc[10] = {0x80, 0x01, 0, 0, 0,
					       10,   0x20, 0, 0, 0};
	uint64_t gpa = pfx_page(0);
	uint8_t longer[20];

	ASSERT_TRUE(vtpm_up());
	/* The request is longer than the TPM header says. */
	memcpy(longer, get_random, sizeof(get_random));
	memset(longer + sizeof(get_random), 0, sizeof(longer) - 12);
	EXPECT_EQ(send(gpa, longer, sizeof(longer)), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 10u);
	EXPECT_EQ(rsp_rc(gpa), TPM_RC_COMMAND_SIZE);
	/* A truncated TPM header (5 of its 10 bytes). */
	EXPECT_EQ(send(gpa, get_random, 5), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 10u);
	EXPECT_NE(rsp_rc(gpa), TPM_RC_SUCCESS);
	/* A command code the TPM does not know. */
	EXPECT_EQ(send(gpa, unknown_cc, sizeof(unknown_cc)), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 10u);
	EXPECT_EQ(rsp_rc(gpa), 0x143u); /* TPM_RC_COMMAND_CODE */
	EXPECT_TRUE(next_command_works());
}

/* vtpmbad's command: its last byte chooses the misbehaviour. */
static uint64_t bad(uint64_t gpa, char what)
{
	uint8_t c[11] = {0x80, 0x01, 0, 0, 0, 11, 0, 0, 0, 0, (uint8_t)what};

	pfx_fill(gpa, SZ_4K, 0xee);
	return send(gpa, c, sizeof(c));
}

TEST(protocol_vtpm, vtpm_failures_are_tpm_failures_then_it_restarts)
{
	static const char *const argv[] = {VTPM_BAD_PROGRAM, "--fd", "3", NULL};
	uint64_t gpa = pfx_page(0);
	uint8_t s0;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(vtpm_start_program(argv, 300), SVSM_OK);
	ASSERT_EQ(bad(gpa, '.'), SVSM_SUCCESS);
	ASSERT_EQ(rsp_size(gpa), 11u);
	s0 = ((uint8_t *)sim_guest_ptr(gpa, 15))[14];
	/*
	 * Each failure: RAX 0 with TPM_RC_FAILURE inside, nothing written
	 * past it (the request's 20 bytes, then 0xee), the program started
	 * again, the next command served by the new instance.
	 */
	const char fails[] = {'C', 'H', 'X', 'R'};
	for (unsigned int i = 0; i < sizeof(fails); i++) {
		EXPECT_EQ(bad(gpa, fails[i]), SVSM_SUCCESS);
		EXPECT_EQ(rsp_size(gpa), 10u);
		EXPECT_EQ(rsp_rc(gpa), TPM_RC_FAILURE);
		EXPECT_TRUE(pfx_all(gpa + 20, SZ_4K - 20, 0xee));
		EXPECT_EQ(bad(gpa, '.'), SVSM_SUCCESS);
		EXPECT_EQ(rsp_size(gpa), 11u);
		/* Its state file survived: the count went on. */
		EXPECT_EQ(((uint8_t *)sim_guest_ptr(gpa, 15))[14],
			  (uint8_t)(s0 + i + 1));
	}
	/*
	 * Two answers to one command: a socket shows the second one only
	 * when the next command is sent, which then fails the same way.
	 */
	EXPECT_EQ(bad(gpa, 'W'), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 11u);
	EXPECT_EQ(bad(gpa, '.'), SVSM_SUCCESS);
	EXPECT_EQ(rsp_rc(gpa), TPM_RC_FAILURE);
	EXPECT_EQ(bad(gpa, '.'), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 11u);
	EXPECT_EQ(((uint8_t *)sim_guest_ptr(gpa, 15))[14],
		  (uint8_t)(s0 + sizeof(fails) + 1));
	/* A response larger than the buffer: a TPM failure, same program. */
	EXPECT_EQ(bad(gpa, 'B'), SVSM_SUCCESS);
	EXPECT_EQ(rsp_size(gpa), 10u);
	EXPECT_EQ(rsp_rc(gpa), TPM_RC_FAILURE);
	EXPECT_TRUE(pfx_all(gpa + 20, SZ_4K - 20, 0xee));
	EXPECT_EQ(bad(gpa, '.'), SVSM_SUCCESS);
	EXPECT_EQ(((uint8_t *)sim_guest_ptr(gpa, 15))[14],
		  (uint8_t)(s0 + sizeof(fails) + 1));
	EXPECT_TRUE(pfx_still_serving());
	vtpm_stop();
	ASSERT_EQ(vtpm_start(), SVSM_OK);
	EXPECT_TRUE(next_command_works());
}
