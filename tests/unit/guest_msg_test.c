/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the SVSM's SNP guest-message client (kernel/plat/snp/
 * guest_msg.c), the secrets-page hand-over (secrets.c) and the mbedTLS
 * crypto wrapper (crypto_mbedtls.c), against the model PSP of sim/psp.h
 * reached through the GHCB (kernel/plat/snp/ghcb.c) and the model
 * hypervisor (sim/hv.c).
 *
 * Covered: a report round trip checked field by field; the request's
 * plaintext header as the host sees it; sequence numbers 1, 3, 5, ... in
 * step with the PSP; a report the PSP refuses (status 0x16) completes the
 * exchange and the client carries on; every header byte class and the
 * ciphertext of the answer flipped by the host, answers forged with the
 * right key but the wrong number, type, version, VMPCK or size, and hosts
 * that fail before or after forwarding, or answer BUSY too often: each
 * disables the client, which then never sends the same (or any) sequence
 * number again; BUSY retries resend byte-identical requests; key and page
 * set-up rules; the secrets page with VMPCK0 and VMPCK1 wiped and the SVSM
 * fields published, and every refusal leaving it untouched; AES-256-GCM
 * and SHA-384/512 against OpenSSL. Reference: AMD 56860 ("56860" below),
 * 58019 rev 1.00 (SVSM fields), docs/threat-model.md bug classes 13, 14.
 */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "hv.h"
#include "psp.h"
#include "sim_psp_fixture.h"
#include "snp/crypto.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "snp/secrets.h"
#include "test.h"

#define MEM_SIZE   (4ull << 20)
#define RSP_SIZE   sizeof(struct snp_report_rsp)
#define GUEST_VMPL 2u

struct fixture {
	struct sim_psp_config cfg;
	struct sim_psp *psp;
	paddr_t req;
	paddr_t resp;
	paddr_t secrets;
	paddr_t ghcb;
	struct snp_secrets_page *page;
	struct secrets_svsm_info info;
};

static struct fixture fx;
static unsigned int saved_log_level;

static void default_info(struct secrets_svsm_info *info)
{
	info->svsm_base = pa_init(0x800000000ull);
	info->svsm_size = 0x1000000;
	info->svsm_caa = pa_init(0x7fff0000ull);
	info->svsm_max_version = 1;
	info->guest_vmpl = GUEST_VMPL;
}

/*
 * Fresh fake memory, heap, model PSP and hypervisor with the GHCB
 * registered; the client gets its pages and, when `take` is set, VMPCK0
 * through secrets_take().
 */
static bool setup(bool take)
{
	uint64_t base;

	guest_msg_reset();
	fake_snp_hv_start();
	ghcb_reset();
	memset(&fx, 0, sizeof(fx));
	/* The client's warnings about hostile hosts are expected here. */
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	base = fake_mm_init(MEM_SIZE);
	REQUIRE_TRUE(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
	heap_init(0x6d5a0c11u);
	REQUIRE_TRUE(pgalloc_alloc(0, 0, &fx.req) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx.resp) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx.secrets) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx.ghcb) == SVSM_OK);
	fx.psp = pfx_new_psp(&fx.cfg);
	REQUIRE_TRUE(fx.psp != NULL);
	sim_hv.psp = fx.psp;
	REQUIRE_TRUE(ghcb_negotiate(NULL) == SVSM_OK &&
		     ghcb_register(fx.ghcb) == SVSM_OK);
	REQUIRE_TRUE(guest_msg_init(fx.req, fx.resp) == SVSM_OK);
	fx.page = arch_phys_to_virt(pa_val(fx.secrets), PAGE_SIZE);
	sim_psp_fill_secrets_page(fx.psp, fx.page);
	default_info(&fx.info);
	if (take)
		REQUIRE_TRUE(secrets_take(fx.page, &fx.info) == SVSM_OK);
	return true;
}

static void teardown(void)
{
	fake_snp_hv_stop();
	ghcb_reset();
	guest_msg_reset();
	sim_psp_destroy(fx.psp);
	fx.psp = NULL;
	log_set_level(saved_log_level);
}

static void report_data(uint8_t rd[64], uint8_t seed)
{
	pfx_pattern(rd, 64, seed);
}

/* One report at VMPL0; its result, with *r and *st filled. */
static enum svsm_err get_report(struct snp_attestation_report *r,
				struct guest_msg_status *st, uint8_t seed)
{
	uint8_t rd[64];

	report_data(rd, seed);
	return guest_msg_report(rd, 0, r, st);
}

/* The client is disabled and asks the host nothing more. */
static bool disabled_for_good(void)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	unsigned int calls = sim_hv.greq.calls;

	REQUIRE_TRUE(!guest_msg_ready());
	REQUIRE_EQ(guest_msg_next_seqno(), 0);
	REQUIRE_EQ(get_report(&r, &st, 9), SVSM_E_HW);
	REQUIRE_EQ(sim_hv.greq.calls, calls);
	REQUIRE_TRUE(pfx_all_byte((const uint8_t *)&r, sizeof(r), 0));
	return true;
}

TEST(guest_msg, report_round_trip)
{
	const struct sim_psp_launch *l = &fx.cfg.launch;
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	uint8_t rd[64];
	EVP_PKEY *pub;

	ASSERT_TRUE(setup(true));
	ASSERT_TRUE(guest_msg_ready());
	EXPECT_EQ(guest_msg_next_seqno(), 1);
	report_data(rd, 0x33);
	ASSERT_EQ(guest_msg_report(rd, 0, &r, &st), SVSM_OK);
	EXPECT_EQ(st.fw_err, 0);
	EXPECT_EQ(st.report_status, 0);
	EXPECT_EQ(r.version, SIM_PSP_REPORT_VERSION);
	EXPECT_EQ(r.guest_svn, l->guest_svn);
	EXPECT_EQ(r.policy, l->policy);
	EXPECT_EQ(r.vmpl, 0);
	EXPECT_EQ(r.signature_algo, SNP_REPORT_SIG_ALGO_ECDSA_P384_SHA384);
	EXPECT_EQ((r.flags & SNP_REPORT_FLAG_SIGNING_KEY_MASK) >>
			  SNP_REPORT_FLAG_SIGNING_KEY_SHIFT,
		  SNP_REPORT_SIGNING_KEY_VCEK);
	EXPECT_EQ(r.current_tcb, l->current_tcb);
	EXPECT_EQ(r.reported_tcb, l->reported_tcb);
	EXPECT_TRUE(!memcmp(r.report_data, rd, sizeof(rd)));
	EXPECT_TRUE(!memcmp(r.measurement, l->measurement, 48));
	EXPECT_TRUE(!memcmp(r.host_data, l->host_data, 32));
	EXPECT_TRUE(!memcmp(r.family_id, l->family_id, 16));
	EXPECT_TRUE(!memcmp(r.chip_id, l->chip_id, 64));
	pub = pfx_psp_pubkey(fx.psp);
	EXPECT_TRUE(pub && pfx_report_verifies(&r, pub));
	EVP_PKEY_free(pub);
	/* The PSP allows any VMPL at or below the VMPCK's own. */
	ASSERT_EQ(guest_msg_report(rd, GUEST_VMPL, &r, &st), SVSM_OK);
	EXPECT_EQ(r.vmpl, GUEST_VMPL);
	EXPECT_EQ(guest_msg_next_seqno(), 5);
	teardown();
}

/* 56860: the header the host sees is exactly a MSG_REPORT_REQ's. */
TEST(guest_msg, request_header_on_the_wire)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	struct snp_guest_msg_hdr h;

	ASSERT_TRUE(setup(true));
	ASSERT_EQ(get_report(&r, &st, 1), SVSM_OK);
	ASSERT_EQ(sim_hv.greq.seen_count, 1);
	memcpy(&h, sim_hv.greq.seen[0].bytes, sizeof(h));
	EXPECT_EQ(h.msg_seqno, 1);
	EXPECT_EQ(h.algo, SNP_GUEST_MSG_AEAD_AES_256_GCM);
	EXPECT_EQ(h.hdr_version, 1);
	EXPECT_EQ(h.hdr_sz, 0x60);
	EXPECT_EQ(h.msg_type, SNP_MSG_REPORT_REQ);
	EXPECT_EQ(h.msg_version, 1);
	EXPECT_EQ(h.msg_sz, sizeof(struct snp_report_req));
	EXPECT_EQ(h.msg_vmpck, 0);
	EXPECT_EQ(h.reserved_28, 0);
	EXPECT_EQ(h.reserved_38, 0);
	EXPECT_TRUE(pfx_all_byte(h.authtag + 16, 16, 0));
	EXPECT_TRUE(pfx_all_byte(h.reserved_3d, sizeof(h.reserved_3d), 0));
	EXPECT_FALSE(pfx_all_byte(h.authtag, 16, 0));
	teardown();
}

/* 56860: 1, 3, 5, ...: +2 per completed exchange, in step with the PSP. */
TEST(guest_msg, seqno_advances_by_two)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	ASSERT_TRUE(setup(true));
	for (unsigned int i = 0; i < 6; i++) {
		uint64_t want = 1 + 2 * (uint64_t)i;

		EXPECT_EQ(guest_msg_next_seqno(), want);
		EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), want);
		ASSERT_EQ(get_report(&r, &st, (uint8_t)i), SVSM_OK);
		EXPECT_EQ(sim_hv.greq.seen[i].seqno, want);
	}
	EXPECT_EQ(guest_msg_next_seqno(), 13);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 13);
	EXPECT_EQ(sim_hv.greq.calls, 6);
	teardown();
}

/*
 * A request the PSP answers with a nonzero status (VMPL 4 does not
 * exist) consumed its number like any exchange (psp.h): the client moves
 * on by 2, stays usable, and the next request is accepted.
 */
TEST(guest_msg, psp_refusal_completes_exchange)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	uint8_t rd[64];

	ASSERT_TRUE(setup(true));
	report_data(rd, 5);
	EXPECT_EQ(guest_msg_report(rd, 4, &r, &st), SVSM_E_HW);
	EXPECT_EQ(st.report_status, SNP_REPORT_STATUS_INVALID_PARAMS);
	EXPECT_EQ(st.fw_err, 0);
	EXPECT_TRUE(pfx_all_byte((const uint8_t *)&r, sizeof(r), 0));
	EXPECT_TRUE(guest_msg_ready());
	EXPECT_EQ(guest_msg_next_seqno(), 3);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 3);
	ASSERT_EQ(get_report(&r, &st, 6), SVSM_OK);
	EXPECT_EQ(guest_msg_next_seqno(), 5);
	teardown();
}

static_assert(0x60 + 0x20 + 0x50 == 0xd0 && 0x60 + RSP_SIZE - 1 == 0x51f,
	      "offsets of REPORT_DATA and the last byte in the answer");

static size_t tamper_off;

static void flip_byte(uint8_t *resp, const uint8_t *req)
{
	(void)req;
	resp[tamper_off] ^= 0x01;
}

/*
 * 56860, bug class 13: whatever byte of the answer the host flips, in
 * the tag, the sequence number, the AAD or the ciphertext, the client
 * refuses it and wipes VMPCK0, so the number the PSP consumed is never
 * sent again with another plaintext.
 */
TEST(guest_msg, tampered_response_disables)
{
	/*
	 * Header bytes, then REPORT_DATA (0xd0) and the last byte (0x51f) of
	 * the ciphertext.
	 */
	static const size_t offs[] = {0x00, 0x0f, 0x20, 0x27, 0x30, 0x31,
				      0x32, 0x34, 0x35, 0x36, 0x38, 0x3c,
				      0x3d, 0x5f, 0x60, 0xd0, 0x51f};

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		static struct snp_attestation_report r;
		struct guest_msg_status st;

		ASSERT_TRUE(setup(true));
		tamper_off = offs[i];
		sim_hv.greq.tamper = flip_byte;
		EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
		if (guest_msg_ready())
			test_printf("  offset 0x%zx accepted\n", offs[i]);
		EXPECT_EQ(sim_hv.greq.forwarded, 1);
		EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 3);
		EXPECT_TRUE(pfx_all_byte((const uint8_t *)&r, sizeof(r), 0));
		EXPECT_TRUE(disabled_for_good());
		/* Only seqno 1 was ever on the wire. */
		EXPECT_EQ(sim_hv.greq.seen_count, 1);
		teardown();
	}
}

/*
 * Bytes outside both the tag and the AAD (the tag's unused tail 0x10..0x1f,
 * reserved 0x28..0x2f) mean nothing: a host that sets them changes
 * nothing, and in particular cannot make the client wipe VMPCK0.
 */
TEST(guest_msg, unauthenticated_header_bytes_are_ignored)
{
	static const size_t offs[] = {0x10, 0x1f, 0x28, 0x2f};

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		static struct snp_attestation_report r;
		struct guest_msg_status st;

		ASSERT_TRUE(setup(true));
		tamper_off = offs[i];
		sim_hv.greq.tamper = flip_byte;
		EXPECT_EQ(get_report(&r, &st, 1), SVSM_OK);
		EXPECT_TRUE(guest_msg_ready());
		EXPECT_EQ(guest_msg_next_seqno(), 3);
		teardown();
	}
}

/*
 * Answers sealed with the right key (so only the checks can refuse them):
 * each case changes one property of the PSP's real answer.
 */
enum forge {
	FORGE_VALID,	   /* a correct answer: must be accepted */
	FORGE_SEQNO,	   /* request + 3 */
	FORGE_SEQNO_SAME,  /* the request's own number */
	FORGE_TYPE,	   /* MSG_REPORT_REQ instead of RSP */
	FORGE_VERSION,	   /* message version 2 */
	FORGE_VMPCK,	   /* header names VMPCK1 */
	FORGE_SHORT,	   /* payload 16 bytes short */
	FORGE_RSVD,	   /* payload reserved byte set */
	FORGE_REPORT_SIZE, /* report_size 0x4A1, status 0 */
	FORGE_REPORT_VMPL, /* a report for VMPL 1 */
};

static enum forge forge_case;
static struct snp_report_rsp forged_rsp;

static void forge(uint8_t *resp, const uint8_t *req)
{
	struct sim_psp_msg m;
	struct snp_guest_msg_hdr h;
	size_t plen = 0;
	size_t len = 0;
	size_t size = RSP_SIZE;

	memcpy(&h, req, sizeof(h));
	/* Open the PSP's own answer, then change and reseal it. */
	pfx_guest_msg(&m, &fx.cfg, 0, h.msg_seqno);
	if (sim_psp_guest_open(&m, resp, PAGE, &forged_rsp, sizeof(forged_rsp),
			       &plen) != SIM_PSP_OK)
		return;
	m.seqno = h.msg_seqno + 1;
	m.msg_type = SNP_MSG_REPORT_RSP;
	switch (forge_case) {
	case FORGE_VALID:
		break;
	case FORGE_SEQNO:
		m.seqno = h.msg_seqno + 3;
		break;
	case FORGE_SEQNO_SAME:
		m.seqno = h.msg_seqno;
		break;
	case FORGE_TYPE:
		m.msg_type = SNP_MSG_REPORT_REQ;
		break;
	case FORGE_VERSION:
		m.msg_version = 2;
		break;
	case FORGE_VMPCK:
		m.vmpck_id = 1;
		break;
	case FORGE_SHORT:
		size -= 16;
		break;
	case FORGE_RSVD:
		forged_rsp.reserved[5] = 1;
		break;
	case FORGE_REPORT_SIZE:
		forged_rsp.report_size = SNP_REPORT_SIZE + 1;
		break;
	case FORGE_REPORT_VMPL:
		forged_rsp.report.vmpl = 1;
		break;
	}
	memset(resp, 0, PAGE);
	if (sim_psp_guest_seal(&m, &forged_rsp, size, resp, PAGE, &len) !=
	    SIM_PSP_OK)
		memset(resp, 0, PAGE);
}

/* Sets up, runs one forged answer, returns the result of the call. */
static enum svsm_err forged(enum forge c, struct snp_attestation_report *r)
{
	struct guest_msg_status st;

	forge_case = c;
	sim_hv.greq.tamper = forge;
	return get_report(r, &st, 3);
}

TEST(guest_msg, forged_answers_checked)
{
	static const enum forge header_cases[] = {
		FORGE_SEQNO,   FORGE_SEQNO_SAME, FORGE_TYPE,
		FORGE_VERSION, FORGE_VMPCK,	 FORGE_SHORT,
	};
	static const enum forge payload_cases[] = {
		FORGE_RSVD,
		FORGE_REPORT_SIZE,
		FORGE_REPORT_VMPL,
	};
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	/* The control: a correctly sealed answer passes every check. */
	ASSERT_TRUE(setup(true));
	EXPECT_EQ(forged(FORGE_VALID, &r), SVSM_OK);
	EXPECT_TRUE(!memcmp(&r, &forged_rsp.report, sizeof(r)));
	EXPECT_EQ(guest_msg_next_seqno(), 3);
	teardown();

	/* Not the answer to this request: disabled, as for tampering. */
	for (size_t i = 0; i < ARRAY_SIZE(header_cases); i++) {
		ASSERT_TRUE(setup(true));
		EXPECT_EQ(forged(header_cases[i], &r), SVSM_E_HW);
		EXPECT_TRUE(disabled_for_good());
		teardown();
	}

	/*
	 * The answer to this request, but no usable report: the exchange
	 * completed (the number is spent on both sides), the client stays.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(payload_cases); i++) {
		ASSERT_TRUE(setup(true));
		EXPECT_EQ(forged(payload_cases[i], &r), SVSM_E_HW);
		EXPECT_TRUE(pfx_all_byte((const uint8_t *)&r, sizeof(r), 0));
		EXPECT_TRUE(guest_msg_ready());
		EXPECT_EQ(guest_msg_next_seqno(), 3);
		sim_hv.greq.tamper = NULL;
		EXPECT_EQ(get_report(&r, &st, 4), SVSM_OK);
		teardown();
	}
}

/*
 * A host that fails a request may or may not have let the PSP consume
 * it; the client cannot know, so it disables itself either way.
 */
TEST(guest_msg, host_failure_disables)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	/* Failed before the PSP saw it: the PSP still expects 1. */
	ASSERT_TRUE(setup(true));
	sim_hv.greq.fail_before = true;
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_NE(st.fw_err, 0);
	EXPECT_EQ(sim_hv.greq.forwarded, 0);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 1);
	EXPECT_TRUE(disabled_for_good());
	teardown();

	/* Processed by the PSP, then reported as failed. */
	ASSERT_TRUE(setup(true));
	sim_hv.greq.fail_after = true;
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 3);
	EXPECT_TRUE(disabled_for_good());
	teardown();

	/* No PSP behind the host. */
	ASSERT_TRUE(setup(true));
	sim_hv.psp = NULL;
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_TRUE(disabled_for_good());
	teardown();
}

/* A VMPCK0 the PSP does not know: the PSP refuses, the client disables. */
TEST(guest_msg, wrong_key_disables)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	ASSERT_TRUE(setup(false));
	fx.page->vmpck[0][7] ^= 0x40;
	ASSERT_EQ(secrets_take(fx.page, &fx.info), SVSM_OK);
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_EQ(st.fw_err, SIM_PSP_E_AUTH);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 1);
	EXPECT_TRUE(disabled_for_good());
	teardown();
}

/*
 * 56421: on BUSY the very same request is sent again, byte for byte,
 * even though the host scribbled over the shared page in between.
 */
TEST(guest_msg, busy_resends_identical_request)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	ASSERT_TRUE(setup(true));
	sim_hv.greq.busy = 3;
	sim_hv.greq.busy_scribble = true;
	ASSERT_EQ(get_report(&r, &st, 1), SVSM_OK);
	EXPECT_EQ(sim_hv.greq.calls, 4);
	EXPECT_EQ(sim_hv.greq.forwarded, 1);
	ASSERT_EQ(sim_hv.greq.seen_count, 4);
	for (unsigned int i = 1; i < 4; i++)
		EXPECT_TRUE(!memcmp(sim_hv.greq.seen[i].bytes,
				    sim_hv.greq.seen[0].bytes,
				    sizeof(sim_hv.greq.seen[0].bytes)));
	EXPECT_EQ(guest_msg_next_seqno(), 3);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 3);
	teardown();
}

TEST(guest_msg, busy_for_30_seconds_keeps_the_key)
{
	/*
	 * A host that throttles for 30 s: each call waits out its budget
	 * and says BUSY, keeping the sealed request; a later call resends
	 * those bytes, then asks anew. The key survives; no number is used
	 * for two plaintexts.
	 */
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	uint64_t start;
	unsigned int busy_calls = 0;
	enum svsm_err err;

	ASSERT_TRUE(setup(true));
	start = fake_time_us;
	sim_hv.greq.busy_until_us = start + 30000000u;
	while ((err = get_report(&r, &st, 1)) == SVSM_E_BUSY && busy_calls < 10)
		busy_calls++;
	EXPECT_EQ(err, SVSM_OK);
	EXPECT_GE(busy_calls, 2u);
	EXPECT_GE(fake_time_us - start, 30000000u);
	/* Each call waited about one budget, not much more. */
	EXPECT_LE(fake_time_us - start,
		  (busy_calls + 1ull) * (GUEST_MSG_BUSY_BUDGET_US +
					 GUEST_MSG_BUSY_DELAY_MAX_US));
	EXPECT_TRUE(guest_msg_ready());
	/* The pending request (seqno 1), then the new one (seqno 3). */
	EXPECT_EQ(sim_hv.greq.forwarded, 2u);
	EXPECT_EQ(guest_msg_next_seqno(), 5);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 5);
	/* Every request the host saw with seqno 1 carried the same bytes. */
	for (unsigned int i = 1; i < sim_hv.greq.seen_count; i++) {
		if (sim_hv.greq.seen[i].seqno == 1)
			EXPECT_TRUE(!memcmp(sim_hv.greq.seen[i].bytes,
					    sim_hv.greq.seen[0].bytes,
					    sizeof(sim_hv.greq.seen[0].bytes)));
	}
	EXPECT_EQ(sim_hv.greq.seen[0].seqno, 1u);
	teardown();
}

TEST(guest_msg, needs_key_and_pages)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;

	/* Pages but no key. */
	ASSERT_TRUE(setup(false));
	EXPECT_FALSE(guest_msg_ready());
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_EQ(sim_hv.greq.calls, 0);
	/* A key but no pages. */
	guest_msg_reset();
	EXPECT_EQ(guest_msg_set_vmpck0(fx.cfg.vmpck[0]), SVSM_OK);
	EXPECT_FALSE(guest_msg_ready());
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_E_HW);
	EXPECT_EQ(sim_hv.greq.calls, 0);
	EXPECT_EQ(guest_msg_init(fx.req, fx.resp), SVSM_OK);
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_OK);
	teardown();
}

TEST(guest_msg, key_and_page_rules)
{
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	uint8_t zero[32] = {0};

	ASSERT_TRUE(setup(false));
	EXPECT_EQ(guest_msg_set_vmpck0(zero), SVSM_E_INVAL);
	EXPECT_FALSE(guest_msg_ready());
	EXPECT_EQ(guest_msg_set_vmpck0(fx.cfg.vmpck[0]), SVSM_OK);
	/* A second key would restart the numbering: refused. */
	EXPECT_EQ(guest_msg_set_vmpck0(fx.cfg.vmpck[1]), SVSM_E_BUSY);
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_OK);

	EXPECT_EQ(guest_msg_init(pa_add(fx.req, 8), fx.resp), SVSM_E_INVAL);
	EXPECT_EQ(guest_msg_init(fx.req, pa_add(fx.resp, 1)), SVSM_E_INVAL);
	EXPECT_EQ(guest_msg_init(fx.req, fx.req), SVSM_E_INVAL);
	EXPECT_EQ(guest_msg_init(pa_init(FAKE_PHYS_BASE + MEM_SIZE), fx.resp),
		  SVSM_E_INVAL);
	EXPECT_EQ(guest_msg_init(fx.req, pa_init(0x1000)), SVSM_E_INVAL);
	/* The refusals kept the pages in use. */
	EXPECT_EQ(get_report(&r, &st, 2), SVSM_OK);
	/* Swapping the two pages is fine. */
	EXPECT_EQ(guest_msg_init(fx.resp, fx.req), SVSM_OK);
	EXPECT_EQ(get_report(&r, &st, 3), SVSM_OK);
	EXPECT_EQ(guest_msg_next_seqno(), 7);
	teardown();
}

/* ---- secrets.c ------------------------------------------------------ */

/*
 * 58019, 56860, bug class 14: VMPCK0 moves into the client; VMPCK0 and
 * VMPCK1 (below the guest's VMPL 2) are wiped; VMPCK2/3 and everything
 * else the PSP wrote stay; the SVSM fields appear at 0x140.
 */
TEST(secrets, take_wipes_and_publishes)
{
	static struct snp_secrets_page before;
	static struct snp_attestation_report r;
	struct guest_msg_status st;
	const uint8_t *b;

	ASSERT_TRUE(setup(false));
	before = *fx.page;
	ASSERT_EQ(secrets_take(fx.page, &fx.info), SVSM_OK);
	b = (const uint8_t *)fx.page;
	EXPECT_TRUE(pfx_all_byte(b + 0x20, 32, 0));
	EXPECT_TRUE(pfx_all_byte(b + 0x40, 32, 0));
	EXPECT_TRUE(!memcmp(b + 0x60, fx.cfg.vmpck[2], 32));
	EXPECT_TRUE(!memcmp(b + 0x80, fx.cfg.vmpck[3], 32));
	EXPECT_TRUE(!memcmp(b, &before, 0x20));
	EXPECT_TRUE(!memcmp(b + 0xA0, (const uint8_t *)&before + 0xA0,
			    0x140 - 0xA0));
	EXPECT_EQ(fx.page->version, fx.cfg.launch.secrets_version);
	EXPECT_EQ(fx.page->svsm_base, 0x800000000ull);
	EXPECT_EQ(fx.page->svsm_size, 0x1000000);
	EXPECT_EQ(fx.page->svsm_caa, 0x7fff0000ull);
	EXPECT_EQ(fx.page->svsm_max_version, 1);
	EXPECT_EQ(b[0x15C], GUEST_VMPL);
	EXPECT_TRUE(pfx_all_byte(b + 0x15D, 3, 0));
	EXPECT_TRUE(!memcmp(b + 0x160, (const uint8_t *)&before + 0x160,
			    PAGE_SIZE - 0x160));
	/* The key went to the client: reports work. */
	EXPECT_EQ(get_report(&r, &st, 1), SVSM_OK);
	teardown();
}

/* With the guest at VMPL1 only VMPCK0 goes. */
TEST(secrets, take_at_vmpl1)
{
	ASSERT_TRUE(setup(false));
	fx.info.guest_vmpl = 1;
	ASSERT_EQ(secrets_take(fx.page, &fx.info), SVSM_OK);
	EXPECT_TRUE(pfx_all_byte(fx.page->vmpck[0], 32, 0));
	EXPECT_TRUE(!memcmp(fx.page->vmpck[1], fx.cfg.vmpck[1], 32));
	EXPECT_EQ(fx.page->svsm_guest_vmpl, 1);
	teardown();
}

/*
 * Refused, and yet the keys of the VMPLs at or above the guest's are gone
 * (all but VMPCK3 when the guest's VMPL itself is bad): no error path
 * leaves them in a page the guest may be given. Nothing else changes.
 */
static bool refused_keys_wiped(const struct secrets_svsm_info *info,
			       enum svsm_err want)
{
	static struct snp_secrets_page before;
	static struct snp_secrets_page expect;
	unsigned int below = info->guest_vmpl >= 1 && info->guest_vmpl <= 3
				     ? info->guest_vmpl
				     : 3;

	before = *fx.page;
	expect = before;
	for (unsigned int i = 0; i < below; i++)
		memset(expect.vmpck[i], 0, sizeof(expect.vmpck[i]));
	REQUIRE_EQ(secrets_take(fx.page, info), want);
	REQUIRE_TRUE(!memcmp(&expect, fx.page, sizeof(expect)));
	/* Put the keys back for the next case. */
	*fx.page = before;
	return true;
}

TEST(secrets, take_refuses_bad_input)
{
	struct secrets_svsm_info bad;

	ASSERT_TRUE(setup(false));
	bad = fx.info;
	bad.svsm_base = pa_add(bad.svsm_base, 0x800);
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.svsm_size = 0;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.svsm_size = 0x1000001;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.svsm_base = pa_init(0xfffffffffffff000ull);
	bad.svsm_size = 0x2000;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.svsm_caa = pa_add(bad.svsm_caa, 8);
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.svsm_max_version = 0;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.guest_vmpl = 0;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	bad = fx.info;
	bad.guest_vmpl = 4;
	EXPECT_TRUE(refused_keys_wiped(&bad, SVSM_E_INVAL));
	EXPECT_FALSE(guest_msg_ready());

	/* Taken once; the same page again has no VMPCK0 left. */
	ASSERT_EQ(secrets_take(fx.page, &fx.info), SVSM_OK);
	EXPECT_TRUE(refused_keys_wiped(&fx.info, SVSM_E_INVAL));
	/* A fresh page while the client holds a key: refused, untouched. */
	sim_psp_fill_secrets_page(fx.psp, fx.page);
	EXPECT_TRUE(refused_keys_wiped(&fx.info, SVSM_E_BUSY));
	EXPECT_EQ(guest_msg_next_seqno(), 1);
	teardown();
}

/* ---- crypto_mbedtls.c against OpenSSL --------------------------------- */

/* The same AES-256-GCM with OpenSSL (an independent implementation). */
static bool openssl_gcm_seal(const struct crypto_gcm *g, const uint8_t *in,
			     size_t len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t fin[16];
	int n;
	bool ok;

	ok = c &&
	     EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, g->key, g->iv) &&
	     EVP_EncryptUpdate(c, NULL, &n, g->aad, (int)g->aad_len) &&
	     EVP_EncryptUpdate(c, out, &n, in, (int)len) &&
	     EVP_EncryptFinal_ex(c, fin, &n) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(c);
	return ok;
}

/* Opens ct with g; true when it verified into out, else out must be 0. */
static bool opens(const struct crypto_gcm *g, const uint8_t *ct, size_t len,
		  const uint8_t tag[16], uint8_t *out)
{
	memset(out, 0x5a, len);
	if (crypto_aes256gcm_open(g, ct, len, tag, out) == SVSM_OK)
		return true;
	EXPECT_TRUE(pfx_all_byte(out, len, 0));
	return false;
}

TEST(crypto, aes256gcm_matches_openssl)
{
	uint8_t key[32], iv[12], aad[48], pt[300], ct[300], ref[300];
	uint8_t tag[16], ref_tag[16], back[300];
	struct crypto_gcm g = {key, iv, aad, sizeof(aad)};

	pfx_pattern(key, sizeof(key), 1);
	pfx_pattern(iv, sizeof(iv), 2);
	pfx_pattern(aad, sizeof(aad), 3);
	pfx_pattern(pt, sizeof(pt), 4);
	ASSERT_EQ(crypto_aes256gcm_seal(&g, pt, sizeof(pt), ct, tag), SVSM_OK);
	ASSERT_TRUE(openssl_gcm_seal(&g, pt, sizeof(pt), ref, ref_tag));
	EXPECT_TRUE(!memcmp(ct, ref, sizeof(ct)));
	EXPECT_TRUE(!memcmp(tag, ref_tag, sizeof(tag)));
	ASSERT_TRUE(opens(&g, ct, sizeof(ct), tag, back));
	EXPECT_TRUE(!memcmp(back, pt, sizeof(pt)));

	/* A wrong tag, AAD byte, ciphertext byte or IV: refused, wiped. */
	tag[3] ^= 1;
	EXPECT_FALSE(opens(&g, ct, sizeof(ct), tag, back));
	tag[3] ^= 1;
	aad[47] ^= 1;
	EXPECT_FALSE(opens(&g, ct, sizeof(ct), tag, back));
	aad[47] ^= 1;
	ct[150] ^= 0x80;
	EXPECT_FALSE(opens(&g, ct, sizeof(ct), tag, back));
	ct[150] ^= 0x80;
	iv[11] ^= 1;
	EXPECT_FALSE(opens(&g, ct, sizeof(ct), tag, back));
	iv[11] ^= 1;
	g.aad_len--;
	EXPECT_FALSE(opens(&g, ct, sizeof(ct), tag, back));
	g.aad_len++;
	EXPECT_TRUE(opens(&g, ct, sizeof(ct), tag, back));

	/* In place works both ways. */
	memcpy(back, pt, sizeof(pt));
	ASSERT_EQ(crypto_aes256gcm_seal(&g, back, sizeof(back), back, tag),
		  SVSM_OK);
	EXPECT_TRUE(!memcmp(back, ref, sizeof(back)));
	ASSERT_EQ(crypto_aes256gcm_open(&g, back, sizeof(back), tag, back),
		  SVSM_OK);
	EXPECT_TRUE(!memcmp(back, pt, sizeof(pt)));
}

TEST(crypto, sha_matches_openssl)
{
	static uint8_t data[1000];
	uint8_t got[64], want[64], got384[48];
	struct crypto_sha512_ctx ctx;
	unsigned int n = 0;

	pfx_pattern(data, sizeof(data), 7);
	ASSERT_EQ(EVP_Digest(data, sizeof(data), want, &n, EVP_sha512(), NULL),
		  1);
	ASSERT_EQ(crypto_sha512(data, sizeof(data), got), SVSM_OK);
	EXPECT_TRUE(!memcmp(got, want, 64));
	/* Incremental, in uneven pieces (across the 128-byte blocks). */
	memset(got, 0, sizeof(got));
	ASSERT_EQ(crypto_sha512_init(&ctx), SVSM_OK);
	ASSERT_EQ(crypto_sha512_update(&ctx, data, 1), SVSM_OK);
	ASSERT_EQ(crypto_sha512_update(&ctx, data + 1, 0), SVSM_OK);
	ASSERT_EQ(crypto_sha512_update(&ctx, data + 1, 200), SVSM_OK);
	ASSERT_EQ(crypto_sha512_update(&ctx, data + 201, 799), SVSM_OK);
	ASSERT_EQ(crypto_sha512_final(&ctx, got), SVSM_OK);
	EXPECT_TRUE(!memcmp(got, want, 64));
	/* final wiped the state. */
	EXPECT_TRUE(pfx_all_byte((const uint8_t *)&ctx, sizeof(ctx), 0));
	/* The empty message. */
	ASSERT_EQ(EVP_Digest(data, 0, want, &n, EVP_sha512(), NULL), 1);
	ASSERT_EQ(crypto_sha512(data, 0, got), SVSM_OK);
	EXPECT_TRUE(!memcmp(got, want, 64));
	ASSERT_EQ(EVP_Digest(data, sizeof(data), want, &n, EVP_sha384(), NULL),
		  1);
	ASSERT_EQ(crypto_sha384(data, sizeof(data), got384), SVSM_OK);
	EXPECT_TRUE(!memcmp(got384, want, 48));

	memset(got, 0x77, sizeof(got));
	crypto_wipe(got, sizeof(got));
	EXPECT_TRUE(pfx_all_byte(got, sizeof(got), 0));
}
