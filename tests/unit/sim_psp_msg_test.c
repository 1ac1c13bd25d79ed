/* SPDX-License-Identifier: MIT */
/*
 * Tests of the secure-processor model's message rules (sim/psp.c):
 * sequence numbers (replay, gaps, per VMPCK, exhaustion), tampering,
 * wrong keys, refused report requests, truncated, oversized and malformed
 * headers, and the guest-side open checks. Each refusal must leave the
 * model's state unchanged.
 */
#include "sim_psp_fixture.h"
#include "test.h"

TEST(sim_psp, seqno_replay_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t first[PAGE];
	static uint8_t resp[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;
	size_t resp_len;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 1, 0, 0);
	len = pfx_seal_req(&m, &req, first);
	ASSERT_EQ(len, REQ_LEN);
	ASSERT_EQ(sim_psp_guest_request(psp, 0, first, len, resp, PAGE,
					&resp_len),
		  SIM_PSP_OK);
	/* The very same bytes again: a replay. */
	EXPECT_TRUE(pfx_refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	EXPECT_TRUE(pfx_refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 3);
	/* A fresh request with an old number (1) or the response's (2). */
	pfx_report_req(&req, 2, 0, 0);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	m.seqno = 2;
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	/* After the refusals the right next request still works. */
	m.seqno = 3;
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.status, 0);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	EXPECT_TRUE(pfx_refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_gap_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	const uint64_t bad[] = {0, 2, 3, 5, 0x101, UINT64_MAX};

	ASSERT_TRUE(psp);
	pfx_report_req(&req, 3, 1, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len;

		pfx_guest_msg(&m, &cfg, 0, bad[i]);
		len = pfx_seal_req(&m, &req, page);
		ASSERT_EQ(len, REQ_LEN);
		EXPECT_TRUE(
			pfx_refused_with(psp, 0, page, len, SIM_PSP_E_SEQNO));
	}
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	pfx_guest_msg(&m, &cfg, 0, 1);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	/* Skipping 3 to 5 is a gap too. */
	m.seqno = 5;
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	m.seqno = 3;
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_per_vmpck)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;

	ASSERT_TRUE(psp);
	pfx_report_req(&req, 4, 3, 0);
	for (uint64_t s = 1; s <= 7; s += 2) {
		pfx_guest_msg(&m, &cfg, 0, s);
		EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	}
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 9);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 2), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 3), 1);
	/* VMPCK2 still starts at 1; VMPCK0's number is a gap for it. */
	pfx_guest_msg(&m, &cfg, 2, 9);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	pfx_guest_msg(&m, &cfg, 2, 1);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.report.vmpl, 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 2), 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 9);
	pfx_guest_msg(&m, &cfg, 3, 1);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 3), 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 4), 0);
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_exhausted)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;

	ASSERT_TRUE(psp);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 0, 0), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 0, 4), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 4, 1), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	pfx_report_req(&req, 5, 0, 0);
	ASSERT_EQ(sim_psp_set_next_seqno(psp, 0, UINT64_MAX - 2), SIM_PSP_OK);
	pfx_guest_msg(&m, &cfg, 0, UINT64_MAX - 2);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), UINT64_MAX);
	/* The answer to UINT64_MAX would carry 0: refused for good. */
	pfx_guest_msg(&m, &cfg, 0, UINT64_MAX);
	len = pfx_seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_SEQNO));
	sim_psp_destroy(psp);
}

TEST(sim_psp, tamper_request_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t good[PAGE];
	static uint8_t bad[PAGE];
	static uint8_t resp[PAGE];
	struct snp_report_req req;
	struct sim_psp_msg m;
	unsigned int unchanged = 0;
	unsigned int wrong_err = 0;
	size_t len;
	size_t resp_len = 0;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 6, 0, 0);
	len = pfx_seal_req(&m, &req, good);
	ASSERT_EQ(len, REQ_LEN);
	for (size_t i = 0; i < len; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			enum sim_psp_err got;

			memcpy(bad, good, PAGE);
			bad[i] ^= (uint8_t)(1u << bit);
			if (!pfx_refused(psp, 0, bad, len, PAGE, &got)) {
				test_printf("  byte 0x%zx bit %u accepted\n", i,
					    bit);
				unchanged++;
			}
			/* Tag and ciphertext: the AEAD must catch them. */
			if ((i < 16 || i >= HDR) && got != SIM_PSP_E_AUTH)
				wrong_err++;
			if (i >= 0x20 && i < 0x28 && got != SIM_PSP_E_SEQNO)
				wrong_err++;
		}
	}
	EXPECT_EQ(unchanged, 0);
	EXPECT_EQ(wrong_err, 0);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	/* The untouched request is still good afterwards. */
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, good, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	/* Bytes after the message in the 4 KB page are not part of it. */
	pfx_guest_msg(&m, &cfg, 0, 3);
	ASSERT_EQ(pfx_seal_req(&m, &req, good), REQ_LEN);
	memset(good + REQ_LEN, 0xEE, PAGE - REQ_LEN);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, good, PAGE, resp, PAGE,
					&resp_len),
		  SIM_PSP_OK);
	sim_psp_destroy(psp);
}

TEST(sim_psp, tamper_response_detected)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	static uint8_t bad[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req in;
	struct sim_psp_msg m;
	unsigned int accepted = 0;
	size_t len;
	size_t resp_len = 0;
	size_t plen = 0;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 1, 1);
	pfx_report_req(&in, 7, 1, 0);
	len = pfx_seal_req(&m, &in, req);
	ASSERT_EQ(
		sim_psp_guest_request(psp, 1, req, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	ASSERT_EQ(resp_len, RSP_LEN);
	for (size_t i = 0; i < resp_len; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			memcpy(bad, resp, resp_len);
			bad[i] ^= (uint8_t)(1u << bit);
			if (sim_psp_guest_open(&m, bad, resp_len, &rsp,
					       sizeof(rsp),
					       &plen) == SIM_PSP_OK)
				accepted++;
		}
	}
	EXPECT_EQ(accepted, 0);
	EXPECT_EQ(sim_psp_guest_open(&m, resp, resp_len, &rsp, sizeof(rsp),
				     &plen),
		  SIM_PSP_OK);
	EXPECT_EQ(plen, sizeof(rsp));
	sim_psp_destroy(psp);
}

TEST(sim_psp, wrong_vmpck_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;

	ASSERT_TRUE(psp);
	pfx_report_req(&req, 8, 3, 0);
	/* VMPCK1's key under a header (and a call) that say VMPCK0. */
	pfx_guest_msg(&m, &cfg, 0, 1);
	memcpy(m.key, cfg.vmpck[1], sizeof(m.key));
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_AUTH));
	/* The header says 1, the PSP is asked with 0, and the reverse. */
	pfx_guest_msg(&m, &cfg, 1, 1);
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_VMPCK));
	pfx_guest_msg(&m, &cfg, 0, 1);
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused_with(psp, 1, page, len, SIM_PSP_E_VMPCK));
	/* There are four VMPCKs. */
	EXPECT_TRUE(pfx_refused_with(psp, 4, page, len, SIM_PSP_E_VMPCK));
	EXPECT_TRUE(pfx_refused_with(psp, ~0u, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 4;
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused_with(psp, 4, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 0xFF;
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 0x100;
	EXPECT_EQ(sim_psp_guest_seal(&m, &req, sizeof(req), page, PAGE, &len),
		  SIM_PSP_E_VMPCK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	/* The right key for each VMPCK is accepted. */
	for (unsigned int i = 0; i < 4; i++) {
		pfx_guest_msg(&m, &cfg, i, 1);
		EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
		EXPECT_EQ(rsp.status, 0);
	}
	sim_psp_destroy(psp);
}

/*
 * Report requests that authenticate but ask for what the PSP refuses get a
 * response with a nonzero status and no report; they consume the number.
 */
TEST(sim_psp, report_req_refusals)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	uint64_t seq = 1;
	struct {
		unsigned int vmpck;
		uint32_t vmpl;
		uint32_t flags;
		uint8_t reserved_last;
		uint32_t status;
	} cases[] = {
		{1, 0, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{3, 2, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 4, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0xFFFFFFFF, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, SNP_REPORT_KEY_SEL_VLEK, 0,
		 SNP_REPORT_STATUS_INVALID_KEY},
		{0, 0, 3, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 1u << 5, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 1u << 31, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 0, 1, SNP_REPORT_STATUS_INVALID_PARAMS},
		{1, 1, SNP_REPORT_KEY_SEL_VCEK, 0, SNP_REPORT_STATUS_SUCCESS},
		{3, 3, SNP_REPORT_KEY_SEL_DEFAULT, 0,
		 SNP_REPORT_STATUS_SUCCESS},
	};

	ASSERT_TRUE(psp);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int k = cases[i].vmpck;

		seq = sim_psp_next_seqno(psp, k);
		pfx_guest_msg(&m, &cfg, k, seq);
		pfx_report_req(&req, (uint8_t)i, cases[i].vmpl, cases[i].flags);
		req.reserved[23] = cases[i].reserved_last;
		memset(&rsp, 0xCC, sizeof(rsp));
		EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
		EXPECT_EQ(rsp.status, cases[i].status);
		EXPECT_EQ(sim_psp_next_seqno(psp, k), seq + 2);
		if (cases[i].status) {
			EXPECT_EQ(rsp.report_size, 0);
			EXPECT_TRUE(pfx_all_byte((const uint8_t *)&rsp.report,
						 sizeof(rsp.report), 0));
		} else {
			EXPECT_EQ(rsp.report_size, SNP_REPORT_SIZE);
			EXPECT_EQ(rsp.report.vmpl, cases[i].vmpl);
		}
	}
	sim_psp_destroy(psp);
}

TEST(sim_psp, truncated_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE];
	static uint8_t resp[PAGE];
	const size_t cuts[] = {0, 1, 0x20, HDR - 1, HDR, HDR + 1, REQ_LEN - 1};
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 9, 0, 0);
	len = pfx_seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		EXPECT_TRUE(pfx_refused_with(psp, 0, page, cuts[i],
					     SIM_PSP_E_SHORT));
	EXPECT_EQ(sim_psp_guest_request(NULL, 0, page, len, resp, PAGE,
					&resp_len),
		  SIM_PSP_E_ARG);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, NULL, len, resp, PAGE, &resp_len),
		SIM_PSP_E_ARG);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, NULL, PAGE, &resp_len),
		SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, page, len, resp, PAGE, NULL),
		  SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	EXPECT_EQ(resp_len, RSP_LEN);
	sim_psp_destroy(psp);
}

TEST(sim_psp, oversized_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE + 16];
	static uint8_t big[PAGE];
	struct snp_guest_msg_hdr h;
	struct snp_report_req req;
	struct sim_psp_msg m;
	enum sim_psp_err got;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 10, 0, 0);
	len = pfx_seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	/* Longer than the 4 KB request page. */
	EXPECT_TRUE(
		pfx_refused_with(psp, 0, page, PAGE + 1, SIM_PSP_E_TOO_LONG));
	EXPECT_TRUE(
		pfx_refused_with(psp, 0, page, (size_t)-1, SIM_PSP_E_TOO_LONG));
	/* msg_sz beyond what a page can hold, or beyond what was sent. */
	pfx_good_hdr(&h, 1);
	h.msg_sz = SNP_GUEST_MSG_MAX_PAYLOAD + 1;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, PAGE, SIM_PSP_E_TOO_LONG));
	h.msg_sz = 0xFFFF;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, PAGE, SIM_PSP_E_TOO_LONG));
	h.msg_sz = 0x100;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, REQ_LEN, SIM_PSP_E_SHORT));
	/* A sealed report request with a page-sized payload. */
	EXPECT_EQ(sim_psp_guest_seal(&m, big, SNP_GUEST_MSG_MAX_PAYLOAD + 1,
				     page, sizeof(page), &len),
		  SIM_PSP_E_TOO_LONG);
	ASSERT_EQ(sim_psp_guest_seal(&m, big, SNP_GUEST_MSG_MAX_PAYLOAD, page,
				     sizeof(page), &len),
		  SIM_PSP_OK);
	EXPECT_EQ(len, PAGE);
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_SIZE));
	/* A response buffer one byte short. */
	len = pfx_seal_req(&m, &req, page);
	EXPECT_TRUE(pfx_refused(psp, 0, page, len, RSP_LEN - 1, &got));
	EXPECT_EQ(got, SIM_PSP_E_RESP_SPACE);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, page, len, big, RSP_LEN,
					&resp_len),
		  SIM_PSP_OK);
	EXPECT_EQ(resp_len, RSP_LEN);
	sim_psp_destroy(psp);
}

/* Each header rule, on requests sealed correctly with the bad value. */
TEST(sim_psp, header_fields_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t page[PAGE];
	static uint8_t payload[0x61];
	static uint8_t resp[PAGE];
	struct snp_guest_msg_hdr h;
	struct snp_report_req req;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	pfx_report_req(&req, 11, 0, 0);
	memcpy(payload, &req, sizeof(req));

#define BAD_HDR(stmt, want)                                                   \
	do {                                                                  \
		pfx_good_hdr(&h, 1);                                          \
		stmt;                                                         \
		len = pfx_raw_req(page, &h, cfg.vmpck[0], payload, h.msg_sz); \
		EXPECT_TRUE(len &&pfx_refused_with(psp, 0, page, len, want)); \
	} while (0)

	BAD_HDR(h.algo = 0, SIM_PSP_E_HDR);
	BAD_HDR(h.algo = 2, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_version = 0, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_version = 2, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_sz = 0x40, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_sz = 0x80, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_28 = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_38 = 0x80000000u, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_3d[0] = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_3d[34] = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.msg_type = SNP_MSG_TYPE_INVALID, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_CPUID_REQ, SIM_PSP_E_TYPE);
	/* A key request (served) with a report request's size. */
	BAD_HDR(h.msg_type = SNP_MSG_KEY_REQ, SIM_PSP_E_SIZE);
	BAD_HDR(h.msg_type = SNP_MSG_REPORT_RSP, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_TSC_INFO_REQ, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = 0xFF, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_version = 0, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_version = 2, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_sz = 0, SIM_PSP_E_SIZE);
	BAD_HDR(h.msg_sz = sizeof(req) - 1, SIM_PSP_E_SIZE);
	BAD_HDR(h.msg_sz = sizeof(req) + 1, SIM_PSP_E_SIZE);
#undef BAD_HDR

	/* Bytes 16..31 of the tag field are outside the AEAD: must be 0. */
	pfx_good_hdr(&h, 1);
	len = pfx_raw_req(page, &h, cfg.vmpck[0], payload, sizeof(req));
	page[0x1F] = 1;
	EXPECT_TRUE(pfx_refused_with(psp, 0, page, len, SIM_PSP_E_HDR));
	page[0x1F] = 0;
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	sim_psp_destroy(psp);
}

/* Opens resp as the answer to m; *payload_len must be 0 on refusal. */
static enum sim_psp_err open_as(const struct sim_psp_msg *m,
				const uint8_t *resp, size_t len, size_t cap)
{
	static struct snp_report_rsp rsp;
	size_t plen = 99;
	enum sim_psp_err err;

	err = sim_psp_guest_open(m, resp, len, &rsp, cap, &plen);
	if (err == SIM_PSP_OK)
		return plen == sizeof(rsp) && !rsp.status ? err
							  : SIM_PSP_E_SIZE;
	return plen ? SIM_PSP_E_ARG : err;
}

TEST(sim_psp, guest_open_checks)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	const size_t cap = sizeof(struct snp_report_rsp);
	struct snp_report_req in;
	struct sim_psp_msg m;
	struct sim_psp_msg w;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&in, 12, 0, 0);
	len = pfx_seal_req(&m, &in, req);
	ASSERT_EQ(
		sim_psp_guest_request(psp, 0, req, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	/* 56860: seqno + 1, type + 1, same version and VMPCK, tag. */
	w = m;
	w.seqno = 3;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_SEQNO);
	w = m;
	w.msg_type = SNP_MSG_KEY_REQ;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_TYPE);
	w = m;
	w.msg_version = 2;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_TYPE);
	w = m;
	w.vmpck_id = 1;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_VMPCK);
	w = m;
	w.key[31] ^= 1;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_AUTH);
	EXPECT_EQ(open_as(&m, resp, resp_len, cap - 1), SIM_PSP_E_RESP_SPACE);
	EXPECT_EQ(open_as(&m, resp, HDR - 1, cap), SIM_PSP_E_SHORT);
	EXPECT_EQ(open_as(&m, resp, resp_len - 1, cap), SIM_PSP_E_SHORT);
	EXPECT_EQ(open_as(&m, resp, PAGE + 1, cap), SIM_PSP_E_TOO_LONG);
	EXPECT_EQ(open_as(&m, resp, resp_len, cap), SIM_PSP_OK);
	sim_psp_destroy(psp);
}
