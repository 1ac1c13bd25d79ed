/* SPDX-License-Identifier: MIT */
/*
 * ECDSA P-384/SHA-384 signatures in the SNP form: r and s as 72-byte
 * little-endian fields (AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)),
 * converted to and from DER for OpenSSL;
 * verification against an IGVM-form public key, and signing (random nonce
 * with OpenSSL, or RFC 6979 in idblock_rfc6979.c). A new signature is
 * checked with OpenSSL before it leaves this file.
 *
 * TRUST: public keys and signatures come from an untrusted IGVM file; every
 * field is range-checked before it becomes an OpenSSL object.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#include "idblock_internal.h"
#include "util.h"

int idblock_sig_from_der(const uint8_t *der, size_t len,
			 struct igvm_vhs_snp_id_block_signature *out)
{
	const unsigned char *p = der;
	const BIGNUM *r;
	const BIGNUM *s;
	ECDSA_SIG *sig;
	int ok;

	memset(out, 0, sizeof(*out));
	if (!der || len > P384_MAX_DER)
		return -1;
	sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!sig) {
		ERR_clear_error();
		return -1;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	ok = p == der + len && !BN_is_negative(r) && !BN_is_negative(s) &&
	     BN_num_bytes(r) <= IDBLOCK_P384_SIZE &&
	     BN_num_bytes(s) <= IDBLOCK_P384_SIZE &&
	     BN_bn2lebinpad(r, out->r_comp, IDBLOCK_COMP_SIZE) > 0 &&
	     BN_bn2lebinpad(s, out->s_comp, IDBLOCK_COMP_SIZE) > 0;
	ECDSA_SIG_free(sig);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok ? 0 : -1;
}

int idblock_sig_to_der(const struct igvm_vhs_snp_id_block_signature *sig,
		       uint8_t **der, size_t *len)
{
	BIGNUM *r = NULL;
	BIGNUM *s = NULL;
	ECDSA_SIG *es = NULL;
	unsigned char *p;
	int n = -1;

	*der = NULL;
	*len = 0;
	if (!idblock_fits_p384(sig->r_comp) || !idblock_fits_p384(sig->s_comp))
		return -1;
	r = BN_lebin2bn(sig->r_comp, IDBLOCK_P384_SIZE, NULL);
	s = BN_lebin2bn(sig->s_comp, IDBLOCK_P384_SIZE, NULL);
	es = ECDSA_SIG_new();
	if (!r || !s || !es || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	/* es owns r and s now. */
	n = i2d_ECDSA_SIG(es, NULL);
	if (n <= 0 || !(*der = malloc((size_t)n))) {
		n = -1;
		goto out;
	}
	p = *der;
	n = i2d_ECDSA_SIG(es, &p);
	if (n <= 0) {
		free(*der);
		*der = NULL;
		n = -1;
	}
out:
	ECDSA_SIG_free(es);
	ERR_clear_error();
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* An OpenSSL public key from the IGVM form, after range checks (TRUST). */
static int pkey_from_igvm(const struct igvm_vhs_snp_id_block_public_key *k,
			  EVP_PKEY **out, char *err)
{
	uint8_t point[P384_POINT_LEN];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY_CTX *check = NULL;
	EVP_PKEY *pkey = NULL;
	char group[] = "P-384";
	int rc = -1;

	*out = NULL;
	if (k->curve != IGVM_SNP_ID_CURVE_P384)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "curve %u, want %u (P-384)", k->curve,
				 IGVM_SNP_ID_CURVE_P384);
	if (k->reserved)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "reserved is 0x%x, want 0", k->reserved);
	if (!idblock_fits_p384(k->qx) || !idblock_fits_p384(k->qy))
		return util_errf(
			err, IDBLOCK_ERR_LEN,
			"qx or qy has non-zero bytes above the 48 of P-384");
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	idblock_reverse_copy(point + 1, k->qx, IDBLOCK_P384_SIZE);
	idblock_reverse_copy(point + 1 + IDBLOCK_P384_SIZE, k->qy,
			     IDBLOCK_P384_SIZE);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		idblock_ossl_fail(err, "not a point on P-384");
		goto out;
	}
	/* A full check: on the curve, not infinity, in the right subgroup. */
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!check || EVP_PKEY_public_check(check) <= 0) {
		idblock_ossl_fail(err, "not a valid P-384 public key");
		goto out;
	}
	*out = pkey;
	pkey = NULL;
	rc = 0;
out:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

int idblock_verify_signature(const struct igvm_vhs_snp_id_block_public_key *k,
			     const void *msg, size_t len,
			     const struct igvm_vhs_snp_id_block_signature *sig,
			     char err[IDBLOCK_ERR_LEN])
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t *der = NULL;
	size_t der_len = 0;
	int rc = -1;
	int v;

	if (pkey_from_igvm(k, &pkey, err))
		return -1;
	if (idblock_sig_to_der(sig, &der, &der_len)) {
		util_errf(err, IDBLOCK_ERR_LEN,
			  "r or s has non-zero bytes above the 48 of P-384");
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, pkey) != 1) {
		idblock_ossl_fail(err, "cannot set up ECDSA verification");
		goto out;
	}
	v = EVP_DigestVerify(md, der, der_len, msg, len);
	ERR_clear_error();
	if (v != 1) {
		util_errf(err, IDBLOCK_ERR_LEN,
			  "the ECDSA P-384/SHA-384 signature does not verify");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	free(der);
	return rc;
}

/* Random-nonce ECDSA with OpenSSL (the default mode). */
static int sign_openssl(const struct idblock_key *k, const void *msg,
			size_t len, struct igvm_vhs_snp_id_block_signature *sig,
			char *err)
{
	uint8_t der[P384_MAX_DER + 16];
	size_t der_len = sizeof(der);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = -1;

	if (!md ||
	    EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, der, &der_len, msg, len) != 1) {
		idblock_ossl_fail(err, "ECDSA signing failed");
		goto out;
	}
	if (idblock_sig_from_der(der, der_len, sig)) {
		util_errf(err, IDBLOCK_ERR_LEN,
			  "OpenSSL returned a malformed ECDSA signature");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

int idblock_sign(const struct idblock_key *k, const void *msg, size_t len,
		 bool deterministic,
		 struct igvm_vhs_snp_id_block_signature *sig,
		 char err[IDBLOCK_ERR_LEN])
{
	char why[IDBLOCK_ERR_LEN];
	int rc;

	rc = deterministic ? idblock_sign_rfc6979(k, msg, len, sig, err)
			   : sign_openssl(k, msg, len, sig, err);
	if (rc)
		return -1;
	/* Hand out only what an independent verifier accepts. */
	if (idblock_verify_signature(&k->pub, msg, len, sig, why)) {
		memset(sig, 0, sizeof(*sig));
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "the new signature does not verify: %s", why);
	}
	return 0;
}
