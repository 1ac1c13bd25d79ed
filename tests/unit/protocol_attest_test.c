/* SPDX-License-Identifier: MIT */
/*
 * Attestation end to end through the calling convention: the model guest
 * (tests/model/guest.c) writes an ATTEST_SERVICES operation and a nonce into its
 * memory and calls the SVSM by the spec's convention; the SVSM's request
 * turn dispatches to the attestation protocol, which asks the model PSP
 * for a report through its guest-message client and the GHCB to the model
 * hypervisor. The test then checks, from the guest's side, the result
 * registers, REPORT_DATA = SHA-512(nonce || manifest) and the report's
 * signature against the model VCEK (OpenSSL).
 */
#include <openssl/evp.h>

#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"

#include "hv.h"
#include "protocol_fixture.h"
#include "sim_psp_fixture.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"

#define NONCE_LEN 64u

static bool sha512_two(const void *a, size_t alen, const void *b, size_t blen,
		       uint8_t out[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 &&
		  EVP_DigestUpdate(md, a, alen) == 1 &&
		  EVP_DigestUpdate(md, b, blen) == 1 &&
		  EVP_DigestFinal_ex(md, out, &n) == 1 && n == 64;

	EVP_MD_CTX_free(md);
	return ok;
}

/* Rescinds a private SVSM page and converts it to shared (AMD 56421). */
static bool share_with_host(paddr_t pa)
{
	bool cf = false;

	return snp_pvalidate(pa, false, false, &cf) == SNP_SUCCESS &&
	       ghcb_msr_page_state_change(pa, GHCB_PSC_OP_SHARED) == SVSM_OK;
}

TEST(protocol_attest, services_through_the_calling_convention)
{
	struct svsm_attest_services_op op = {0};
	struct snp_attestation_report report;
	struct sim_psp_config cfg;
	struct sim_psp *psp;
	struct sim_call c;
	paddr_t req;
	paddr_t resp;
	uint64_t opa = pfx_page(0);
	uint64_t nonce = pfx_page(1);
	uint64_t rep = pfx_page(2);
	uint64_t man = pfx_page(3);
	uint64_t certs = pfx_page(4);
	uint8_t want[64];
	EVP_PKEY *pub;
	bool verifies;

	ASSERT_TRUE(pfx_setup());
	/* The SVSM's side: two pages for messages, keyed with VMPCK0. */
	pfx_test_config(&cfg);
	psp = pfx_new_psp(&cfg);
	ASSERT_TRUE(psp != NULL);
	sim_hv.psp = psp;
	guest_msg_reset();
	ASSERT_EQ(pgalloc_alloc(0, 0, &req), SVSM_OK);
	ASSERT_EQ(pgalloc_alloc(0, 0, &resp), SVSM_OK);
	/* As boot does: the message pages become shared with the host. */
	ASSERT_TRUE(share_with_host(req));
	ASSERT_TRUE(share_with_host(resp));
	ASSERT_EQ(guest_msg_init(req, resp), SVSM_OK);
	ASSERT_EQ(guest_msg_set_vmpck0(cfg.vmpck[0]), SVSM_OK);

	/* The guest's side: an operation, a nonce, buffers. */
	for (unsigned int i = 0; i < NONCE_LEN; i++)
		((uint8_t *)sim_guest_ptr(nonce, NONCE_LEN))[i] =
			(uint8_t)(0x30 + i);
	pfx_fill(rep, SZ_4K, 0xee);
	op.report_gpa = rep;
	op.report_size = SZ_4K;
	op.nonce_gpa = nonce;
	op.nonce_size = NONCE_LEN;
	op.manifest_gpa = man;
	op.manifest_size = SZ_4K;
	op.certs_gpa = certs;
	op.certs_size = SZ_4K;
	memcpy(sim_guest_ptr(opa, sizeof(op)), &op, sizeof(op));

	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES);
	c.rcx = opa;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_SUCCESS);
	EXPECT_EQ(c.r8, SNP_REPORT_SIZE); /* R8: the report's size */
	ASSERT_GT(c.rcx, 0);		  /* RCX: the manifest's size */
	ASSERT_LE(c.rcx, SZ_4K);

	memcpy(&report, sim_guest_ptr(rep, sizeof(report)), sizeof(report));
	ASSERT_TRUE(sha512_two(sim_guest_ptr(nonce, NONCE_LEN), NONCE_LEN,
			       sim_guest_ptr(man, c.rcx), c.rcx, want));
	EXPECT_EQ(memcmp(report.report_data, want, sizeof(want)), 0);
	EXPECT_EQ(memcmp(report.measurement, cfg.launch.measurement, 48), 0);
	pub = pfx_psp_pubkey(psp);
	verifies = pub && pfx_report_verifies(&report, pub);
	EVP_PKEY_free(pub);
	EXPECT_TRUE(verifies);

	sim_hv.psp = NULL;
	guest_msg_reset();
	sim_psp_destroy(psp);
}
