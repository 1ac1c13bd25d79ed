// SPDX-License-Identifier: MIT
/*
 * The vTPM bound into attestation, on the model: the vTPM service
 * registered (vtpm_service_register), the model guest asks the TPM for
 * its RSA endorsement key with TPM2_ReadPublic through SVSM_VTPM_CMD, then
 * for an ATTEST_SINGLE_SERVICE report of the vTPM service and an
 * ATTEST_SERVICES report, by the calling convention. The vTPM's manifest
 * (version 0) must equal the EK public area the TPM returned, in both;
 * REPORT_DATA must bind it; another manifest version is refused.
 */
#include <openssl/evp.h>

#include "svsm/attest.h"
#include "svsm/vtpm.h"

#include "abi/vtpm.h"

#include "hv.h"
#include "protocol_fixture.h"
#include "sim_psp_fixture.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"

static const uint8_t vtpm_guid[16] = SVSM_VTPM_SERVICE_GUID;

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

/*
 * The guest's TPM2_ReadPublic(0x81010001) through the vTPM protocol; the
 * public area (TPMT_PUBLIC) into out.
 */
static bool guest_read_ek(uint64_t gpa, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t cmd[14];
	uint8_t *p = sim_guest_ptr(gpa, VTPM_BUFFER_SIZE);
	struct sim_call c;
	uint32_t m;
	size_t n;

	vtpm_put_be16(cmd, TPM_ST_NO_SESSIONS);
	vtpm_put_be32(cmd + 2, sizeof(cmd));
	vtpm_put_be32(cmd + 6, TPM_CC_READ_PUBLIC);
	vtpm_put_be32(cmd + 10, VTPM_EK_RSA_HANDLE);
	vtpm_put_le32(p, VTPM_PLAT_SEND_COMMAND);
	p[VTPM_REQ_OFF_LOCALITY] = 0;
	vtpm_put_le32(p + VTPM_REQ_OFF_SIZE, sizeof(cmd));
	memcpy(p + VTPM_REQ_HDR_SIZE, cmd, sizeof(cmd));
	sim_call_init(&c, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD);
	c.rcx = gpa;
	sim_guest_call(&pfx, pfx.boot, &c);
	REQUIRE_EQ(c.rax, SVSM_SUCCESS);
	m = vtpm_le32(p);
	REQUIRE_TRUE(m >= 16 && m <= VTPM_MAX_RSP_SIZE);
	REQUIRE_EQ(vtpm_be32(p + 4 + 6), TPM_RC_SUCCESS);
	n = vtpm_be16(p + 4 + TPM_HDR_SIZE);
	REQUIRE_TRUE(n <= cap && n + 12 <= m);
	memcpy(out, p + 4 + TPM_HDR_SIZE + 2, n);
	*len = n;
	return true;
}

struct attest_env {
	struct sim_psp_config cfg;
	struct sim_psp *psp;
};

static bool attest_env_up(struct attest_env *e)
{
	paddr_t req, resp;

	pfx_test_config(&e->cfg);
	e->psp = pfx_new_psp(&e->cfg);
	REQUIRE_TRUE(e->psp != NULL);
	sim_hv.psp = e->psp;
	guest_msg_reset();
	REQUIRE_EQ(pgalloc_alloc(0, 0, &req), SVSM_OK);
	REQUIRE_EQ(pgalloc_alloc(0, 0, &resp), SVSM_OK);
	REQUIRE_TRUE(share_with_host(req));
	REQUIRE_TRUE(share_with_host(resp));
	REQUIRE_EQ(guest_msg_init(req, resp), SVSM_OK);
	REQUIRE_EQ(guest_msg_set_vmpck0(e->cfg.vmpck[0]), SVSM_OK);
	return true;
}

static void attest_env_down(struct attest_env *e)
{
	sim_hv.psp = NULL;
	guest_msg_reset();
	sim_psp_destroy(e->psp);
}

/* Writes an operation at opa with buffers on the given pages. */
static void put_op(uint64_t opa, uint64_t nonce, uint64_t rep, uint64_t man,
		   bool single, uint32_t version)
{
	struct svsm_attest_single_service_op op = {0};

	for (unsigned int i = 0; i < 64; i++)
		((uint8_t *)sim_guest_ptr(nonce, 64))[i] = (uint8_t)(7 * i);
	op.base.report_gpa = rep;
	op.base.report_size = SZ_4K;
	op.base.nonce_gpa = nonce;
	op.base.nonce_size = 64;
	op.base.manifest_gpa = man;
	op.base.manifest_size = SZ_4K;
	memcpy(op.service_guid, vtpm_guid, sizeof(vtpm_guid));
	op.manifest_version = version;
	memcpy(sim_guest_ptr(opa, sizeof(op)), &op,
	       single ? sizeof(op) : sizeof(op.base));
}

TEST(protocol_vtpm_attest, manifest_is_the_ek_public_area)
{
	struct attest_env env;
	struct snp_attestation_report report;
	struct sim_call c;
	uint64_t opa = pfx_page(0), nonce = pfx_page(1), rep = pfx_page(2);
	uint64_t man = pfx_page(3), buf = pfx_page(4);
	uint8_t ek[512], want[64];
	size_t ek_len = 0;
	const struct svsm_services_manifest_hdr *h;
	const struct svsm_services_manifest_entry *ent;
	const uint8_t *m;
	bool found = false;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(vtpm_start(), SVSM_OK);
	ASSERT_EQ(vtpm_service_register(), SVSM_OK);
	ASSERT_TRUE(attest_env_up(&env));
	ASSERT_TRUE(guest_read_ek(buf, ek, sizeof(ek), &ek_len));
	EXPECT_EQ(ek_len, VTPM_EK_RSA_SIZE);

	/* ATTEST_SINGLE_SERVICE, the vTPM's GUID, manifest version 0. */
	put_op(opa, nonce, rep, man, true, 0);
	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SINGLE_SERVICE);
	c.rcx = opa;
	sim_guest_call(&pfx, pfx.boot, &c);
	ASSERT_EQ(c.rax, SVSM_SUCCESS);
	ASSERT_EQ(c.rcx, ek_len);
	EXPECT_EQ(memcmp(sim_guest_ptr(man, ek_len), ek, ek_len), 0);
	memcpy(&report, sim_guest_ptr(rep, sizeof(report)), sizeof(report));
	ASSERT_TRUE(sha512_two(sim_guest_ptr(nonce, 64), 64,
			       sim_guest_ptr(man, c.rcx), c.rcx, want));
	EXPECT_EQ(memcmp(report.report_data, want, sizeof(want)), 0);

	/* A manifest version the vTPM does not offer. */
	put_op(opa, nonce, rep, man, true, 1);
	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SINGLE_SERVICE);
	c.rcx = opa;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_PARAMETER);

	/* ATTEST_SERVICES: the vTPM's entry carries the same bytes. */
	put_op(opa, nonce, rep, man, false, 0);
	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES);
	c.rcx = opa;
	sim_guest_call(&pfx, pfx.boot, &c);
	ASSERT_EQ(c.rax, SVSM_SUCCESS);
	m = sim_guest_ptr(man, c.rcx);
	h = (const void *)m;
	ASSERT_EQ(h->length, c.rcx);
	for (uint32_t i = 0; i < h->service_count; i++) {
		ent = (const void *)(m + sizeof(*h) + i * sizeof(*ent));
		if (memcmp(ent->guid, vtpm_guid, sizeof(vtpm_guid)))
			continue;
		found = true;
		ASSERT_EQ(ent->data_size, ek_len);
		ASSERT_LE((uint64_t)ent->data_offset + ent->data_size, c.rcx);
		EXPECT_EQ(memcmp(m + ent->data_offset, ek, ek_len), 0);
	}
	EXPECT_TRUE(found);

	attest_env_down(&env);
	EXPECT_EQ(attest_unregister_service(vtpm_guid), SVSM_OK);
}
