/* SPDX-License-Identifier: MIT */
/*
 * The SNP derived key as the store's key source
 * (kernel/plat/snp/derived_key.c): the MSG_KEY_REQ the store sends, byte
 * by byte against AMD 56860's layout; the checks on MSG_KEY_RSP; the
 * source with and without an exchange, the test's own here (the whole
 * path against the model PSP is tests/unit/snp_key_model_test.c).
 */
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "snp/crypto.h"
#include "snp/derived_key.h"
#include "test.h"

TEST(snp_key, request_mixes_policy_family_and_svn_floor_from_the_vcek)
{
	struct snp_key_req req;
	uint8_t raw[sizeof(req)];
	uint64_t fields;

	memset(&req, 0xa5, sizeof(req));
	snp_derived_key_request(&req);
	memcpy(raw, &req, sizeof(raw));
	/* Bit 0 (root) 0 = VCEK; bits 2:1 KEY_SEL = 1, the VCEK itself. */
	EXPECT_EQ(raw[0], 0x02);
	EXPECT_EQ(raw[1] | raw[2] | raw[3] | raw[4] | raw[5] | raw[6] | raw[7],
		  0);
	memcpy(&fields, raw + 8, sizeof(fields));
	/* Policy, family ID, guest SVN; no measurement, image ID or TCB. */
	EXPECT_EQ(fields, (1u << 0) | (1u << 2) | (1u << 4));
	EXPECT_EQ(raw[0x10], 0); /* VMPL 0 */
	EXPECT_EQ(req.guest_svn, SNP_STORE_SVN_FLOOR);
	EXPECT_EQ(req.tcb_version, 0);
}

static struct snp_key_rsp answer;
static struct snp_key_req asked;
static unsigned int exchanges;

static enum svsm_err test_exchange(const struct snp_key_req *req,
				   struct snp_key_rsp *rsp)
{
	asked = *req;
	exchanges++;
	*rsp = answer;
	return SVSM_OK;
}

TEST(snp_key, source_takes_the_psp_key_and_refuses_bad_answers)
{
	const struct store_key_source *src = &snp_derived_key_source;
	uint8_t key[STORE_KEY_SIZE];

	snp_derived_key_set_exchange(NULL);
	EXPECT_EQ(src->get(src, key), SVSM_E_UNSUPPORTED);
	EXPECT_FALSE(src->development);

	snp_derived_key_set_exchange(test_exchange);
	memset(&answer, 0, sizeof(answer));
	memset(answer.key, 0x3c, sizeof(answer.key));
	exchanges = 0;
	EXPECT_EQ(src->get(src, key), SVSM_OK);
	EXPECT_EQ(exchanges, 1);
	EXPECT_EQ(key[0], 0x3c);
	EXPECT_EQ(key[31], 0x3c);
	EXPECT_EQ(asked.guest_field_select, SNP_KEY_FIELD_POLICY |
						    SNP_KEY_FIELD_FAMILY_ID |
						    SNP_KEY_FIELD_GUEST_SVN);

	/* 56860 status 0x16 (invalid parameters): no key. */
	answer.status = 0x16;
	EXPECT_EQ(src->get(src, key), SVSM_E_HW);
	EXPECT_EQ(key[0], 0);
	answer.status = 0;
	answer.reserved[27] = 1;
	EXPECT_EQ(src->get(src, key), SVSM_E_HW);
	snp_derived_key_set_exchange(NULL);
}

/* The store's KDF (crypto_hkdf_sha512, mbedTLS) against OpenSSL's HKDF. */
TEST(snp_key, hkdf_sha512_matches_openssl)
{
	static const uint8_t ikm[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	uint8_t ours[48];
	uint8_t theirs[48];
	size_t len = sizeof(theirs);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);

	ASSERT_TRUE(ctx != NULL);
	ASSERT_EQ(crypto_hkdf_sha512("salt", 4, ikm, sizeof(ikm), "info", 4,
				     ours, sizeof(ours)),
		  SVSM_OK);
	ASSERT_EQ(EVP_PKEY_derive_init(ctx), 1);
	ASSERT_EQ(EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha512()), 1);
	ASSERT_EQ(EVP_PKEY_CTX_set1_hkdf_salt(ctx, (const uint8_t *)"salt", 4),
		  1);
	ASSERT_EQ(EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, sizeof(ikm)), 1);
	ASSERT_EQ(EVP_PKEY_CTX_add1_hkdf_info(ctx, (const uint8_t *)"info", 4),
		  1);
	ASSERT_EQ(EVP_PKEY_derive(ctx, theirs, &len), 1);
	EVP_PKEY_CTX_free(ctx);
	EXPECT_EQ(len, sizeof(theirs));
	EXPECT_TRUE(memcmp(ours, theirs, sizeof(ours)) == 0);
}
