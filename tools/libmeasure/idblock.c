/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP ID blocks (ref §4): building the 96-byte block, signing it and the
 * ID key with ECDSA P-384/SHA-384, encoding r/s and the public keys as the
 * 72-byte little-endian fields of the IGVM directive and of ID_AUTH_INFO, and
 * verifying a directive. All crypto is OpenSSL 3.0 (libcrypto), except the
 * RFC 6979 deterministic nonce, which OpenSSL only has from 3.2 on: that path
 * signs with libgcrypt's "(flags rfc6979)". Either way the signature is
 * checked with OpenSSL before it leaves this file.
 *
 * TRUST: PEM files come from the user; SNP_ID_BLOCK directives come from an
 * untrusted IGVM file. Every field of a directive is range-checked before it
 * is turned into an OpenSSL object, and a bad value gives -1 and a message.
 */
#include "idblock.h"

#include <gcrypt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_PEM	       (64u << 10)
#define P384_POINT_LEN (1 + 2 * IDBLOCK_P384_SIZE) /* 0x04 || X || Y */
#define P384_MAX_DER   104 /* SEQUENCE of two 49-byte INTEGERs */

struct idblock_key {
	EVP_PKEY *pkey;
	struct igvm_vhs_snp_id_block_public_key pub;
};

static int __attribute__((format(printf, 2, 3)))
errf(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, IDBLOCK_ERR_LEN, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Formats "what: <OpenSSL's reason>" and empties OpenSSL's error queue. */
static int ossl_fail(char *err, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[160] = "unknown OpenSSL error";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	return errf(err, "%s: %s", what, reason);
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* ref §4: a 72-byte LE field may only use its low 48 bytes on P-384. */
static bool fits_p384(const uint8_t field[IDBLOCK_COMP_SIZE])
{
	return all_zero(field + IDBLOCK_P384_SIZE,
			IDBLOCK_COMP_SIZE - IDBLOCK_P384_SIZE);
}

/*
 * Never ask for a passphrase on the terminal: encrypted keys fail. The
 * signature is OpenSSL's pem_password_cb, so buf cannot be const.
 */
/* NOLINTNEXTLINE(readability-non-const-parameter) */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Refuses everything but EC keys on the named curve P-384 (secp384r1). */
static int check_p384(EVP_PKEY *pkey, const char *name, char *err)
{
	char group[64];
	size_t len = 0;

	if (!EVP_PKEY_is_a(pkey, "EC")) {
		const char *type = EVP_PKEY_get0_type_name(pkey);

		return errf(err, "%s: not an ECDSA P-384 key (%s key)", name,
			    type ? type : "unknown");
	}
	if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len)) {
		ERR_clear_error();
		return errf(
			err,
			"%s: not an ECDSA P-384 key (EC without a named curve)",
			name);
	}
	if (OBJ_sn2nid(group) != NID_secp384r1)
		return errf(err, "%s: not an ECDSA P-384 key (EC on %s)", name,
			    group);
	return 0;
}

/* ref §1.4, §4: curve 2, qx and qy as 72-byte LE values. */
static int public_of(EVP_PKEY *pkey,
		     struct igvm_vhs_snp_id_block_public_key *out, char *err)
{
	BIGNUM *x = NULL;
	BIGNUM *y = NULL;
	int ok;

	memset(out, 0, sizeof(*out));
	out->curve = IGVM_SNP_ID_CURVE_P384;
	ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
	     EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
	     BN_bn2lebinpad(x, out->qx, IDBLOCK_COMP_SIZE) > 0 &&
	     BN_bn2lebinpad(y, out->qy, IDBLOCK_COMP_SIZE) > 0;
	BN_free(x);
	BN_free(y);
	if (!ok)
		return ossl_fail(err, "cannot read the public key");
	return 0;
}

int idblock_key_from_pem(const void *pem, size_t len, const char *name,
			 struct idblock_key **out, char err[IDBLOCK_ERR_LEN])
{
	struct idblock_key *k;
	EVP_PKEY *pkey;
	BIO *bio;

	*out = NULL;
	if (len > MAX_PEM)
		return errf(err, "%s: larger than %u bytes", name, MAX_PEM);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return ossl_fail(err, name);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey) {
		ERR_clear_error();
		return errf(
			err,
			"%s: no unencrypted PEM private key (want an ECDSA P-384 key)",
			name);
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return errf(err, "%s: out of memory", name);
	}
	k->pkey = pkey;
	if (check_p384(pkey, name, err) || public_of(pkey, &k->pub, err)) {
		idblock_key_free(k);
		return -1;
	}
	*out = k;
	return 0;
}

int idblock_key_load(const char *path, struct idblock_key **out,
		     char err[IDBLOCK_ERR_LEN])
{
	uint8_t *pem;
	size_t len = 0;
	int rc;

	*out = NULL;
	pem = util_read_file(path, MAX_PEM, &len, err, IDBLOCK_ERR_LEN);
	if (!pem)
		return -1;
	rc = idblock_key_from_pem(pem, len, path, out, err);
	OPENSSL_cleanse(pem, len);
	free(pem);
	return rc;
}

void idblock_key_free(struct idblock_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

void idblock_key_public(const struct idblock_key *k,
			struct igvm_vhs_snp_id_block_public_key *out)
{
	*out = k->pub;
}

void idblock_build(const struct idblock_params *p,
		   struct idblock_snp_id_block *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->ld, p->ld, sizeof(out->ld));
	memcpy(out->family_id, p->family_id, sizeof(out->family_id));
	memcpy(out->image_id, p->image_id, sizeof(out->image_id));
	out->version = IDBLOCK_VERSION;
	out->guest_svn = p->guest_svn;
	out->policy = p->policy;
}

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
	if (!fits_p384(sig->r_comp) || !fits_p384(sig->s_comp))
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
		return errf(err, "curve %u, want %u (P-384)", k->curve,
			    IGVM_SNP_ID_CURVE_P384);
	if (k->reserved)
		return errf(err, "reserved is 0x%x, want 0", k->reserved);
	if (!fits_p384(k->qx) || !fits_p384(k->qy))
		return errf(
			err,
			"qx or qy has non-zero bytes above the 48 of P-384");
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	reverse_copy(point + 1, k->qx, IDBLOCK_P384_SIZE);
	reverse_copy(point + 1 + IDBLOCK_P384_SIZE, k->qy, IDBLOCK_P384_SIZE);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		ossl_fail(err, "not a point on P-384");
		goto out;
	}
	/* A full check: on the curve, not infinity, in the right subgroup. */
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!check || EVP_PKEY_public_check(check) <= 0) {
		ossl_fail(err, "not a valid P-384 public key");
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
		errf(err, "r or s has non-zero bytes above the 48 of P-384");
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, pkey) != 1) {
		ossl_fail(err, "cannot set up ECDSA verification");
		goto out;
	}
	v = EVP_DigestVerify(md, der, der_len, msg, len);
	ERR_clear_error();
	if (v != 1) {
		errf(err, "the ECDSA P-384/SHA-384 signature does not verify");
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
		ossl_fail(err, "ECDSA signing failed");
		goto out;
	}
	if (idblock_sig_from_der(der, der_len, sig)) {
		errf(err, "OpenSSL returned a malformed ECDSA signature");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

static int gcry_fail(char *err, const char *what, gcry_error_t e)
{
	return errf(err, "%s: libgcrypt: %s", what, gcry_strerror(e));
}

/* libgcrypt wants to be initialised once, before its first use. */
static int gcry_init(char *err)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return 0;
	if (!gcry_check_version(GCRYPT_VERSION))
		return errf(err,
			    "libgcrypt is older than the %s it was built with",
			    GCRYPT_VERSION);
	/*
	 * No secure memory pool: the private scalar is in OpenSSL's normal
	 * memory anyway (this is a host tool, not a key server).
	 */
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	return 0;
}

/* The big-endian value of an MPI into a 72-byte LE field. */
static int mpi_to_le(gcry_mpi_t m, uint8_t field[IDBLOCK_COMP_SIZE])
{
	uint8_t be[IDBLOCK_P384_SIZE];
	size_t n = 0;

	if (gcry_mpi_print(GCRYMPI_FMT_USG, be, sizeof(be), &n, m) ||
	    n > sizeof(be))
		return -1;
	memset(field, 0, IDBLOCK_COMP_SIZE);
	reverse_copy(field, be, n);
	return 0;
}

/*
 * RFC 6979 deterministic ECDSA: the nonce is HMAC-DRBG(SHA-384) of the
 * private scalar and the message digest, so the same key and message always
 * give the same (r, s). libgcrypt does the signing; we only convert the key.
 */
static int sign_rfc6979(const struct idblock_key *k, const void *msg,
			size_t len, struct igvm_vhs_snp_id_block_signature *sig,
			char *err)
{
	uint8_t hash[IDBLOCK_DIGEST_SIZE];
	uint8_t d[IDBLOCK_P384_SIZE];
	uint8_t q[P384_POINT_LEN];
	gcry_sexp_t skey = NULL;
	gcry_sexp_t data = NULL;
	gcry_sexp_t res = NULL;
	gcry_mpi_t r = NULL;
	gcry_mpi_t s = NULL;
	BIGNUM *priv = NULL;
	gcry_error_t e;
	int rc = -1;

	if (gcry_init(err))
		return -1;
	if (!EVP_Digest(msg, len, hash, NULL, EVP_sha384(), NULL))
		return ossl_fail(err, "SHA-384 failed");
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) ||
	    BN_bn2binpad(priv, d, sizeof(d)) != (int)sizeof(d)) {
		ossl_fail(err, "cannot read the private key");
		goto out;
	}
	q[0] = POINT_CONVERSION_UNCOMPRESSED;
	reverse_copy(q + 1, k->pub.qx, IDBLOCK_P384_SIZE);
	reverse_copy(q + 1 + IDBLOCK_P384_SIZE, k->pub.qy, IDBLOCK_P384_SIZE);
	e = gcry_sexp_build(&skey, NULL,
			    "(private-key(ecc(curve \"NIST P-384\")"
			    "(q %b)(d %b)))",
			    (int)sizeof(q), q, (int)sizeof(d), d);
	if (!e)
		e = gcry_sexp_build(&data, NULL,
				    "(data(flags rfc6979)(hash sha384 %b))",
				    (int)sizeof(hash), hash);
	if (e) {
		gcry_fail(err, "cannot build the signing request", e);
		goto out;
	}
	e = gcry_pk_sign(&res, data, skey);
	if (!e)
		e = gcry_sexp_extract_param(res, "sig-val!ecdsa", "rs", &r, &s,
					    NULL);
	if (e) {
		gcry_fail(err, "RFC 6979 ECDSA signing failed", e);
		goto out;
	}
	memset(sig, 0, sizeof(*sig));
	if (mpi_to_le(r, sig->r_comp) || mpi_to_le(s, sig->s_comp)) {
		errf(err, "libgcrypt returned an r or s wider than P-384");
		goto out;
	}
	rc = 0;
out:
	gcry_mpi_release(r);
	gcry_mpi_release(s);
	gcry_sexp_release(res);
	gcry_sexp_release(data);
	gcry_sexp_release(skey);
	BN_clear_free(priv);
	OPENSSL_cleanse(d, sizeof(d));
	return rc;
}

int idblock_sign(const struct idblock_key *k, const void *msg, size_t len,
		 bool deterministic,
		 struct igvm_vhs_snp_id_block_signature *sig,
		 char err[IDBLOCK_ERR_LEN])
{
	char why[IDBLOCK_ERR_LEN];
	int rc;

	rc = deterministic ? sign_rfc6979(k, msg, len, sig, err)
			   : sign_openssl(k, msg, len, sig, err);
	if (rc)
		return -1;
	/* Hand out only what an independent verifier accepts. */
	if (idblock_verify_signature(&k->pub, msg, len, sig, why)) {
		memset(sig, 0, sizeof(*sig));
		return errf(err, "the new signature does not verify: %s", why);
	}
	return 0;
}

void idblock_snp_key_from_igvm(const struct igvm_vhs_snp_id_block_public_key *k,
			       struct idblock_snp_public_key *out)
{
	/* ref §4: QEMU drops the IGVM reserved word when it repacks. */
	memset(out, 0, sizeof(*out));
	out->curve = k->curve;
	memcpy(out->qx, k->qx, sizeof(out->qx));
	memcpy(out->qy, k->qy, sizeof(out->qy));
}

int idblock_key_digest(const struct igvm_vhs_snp_id_block_public_key *k,
		       uint8_t out[IDBLOCK_DIGEST_SIZE])
{
	struct idblock_snp_public_key snp;
	unsigned int n = 0;

	idblock_snp_key_from_igvm(k, &snp);
	if (!EVP_Digest(&snp, sizeof(snp), out, &n, EVP_sha384(), NULL) ||
	    n != IDBLOCK_DIGEST_SIZE) {
		ERR_clear_error();
		memset(out, 0, IDBLOCK_DIGEST_SIZE);
		return -1;
	}
	return 0;
}

int idblock_sign_directive(const struct idblock_params *p,
			   uint32_t compatibility_mask,
			   const struct idblock_key *id_key,
			   const struct idblock_key *author_key,
			   bool deterministic,
			   struct igvm_vhs_snp_id_block *out,
			   char err[IDBLOCK_ERR_LEN])
{
	struct idblock_snp_id_block block;
	struct idblock_snp_public_key snp_id_key;
	char why[IDBLOCK_ERR_LEN];

	memset(out, 0, sizeof(*out));
	idblock_build(p, &block);
	out->compatibility_mask = compatibility_mask;
	out->author_key_enabled = author_key ? 1 : 0;
	memcpy(out->ld, block.ld, sizeof(out->ld));
	memcpy(out->family_id, block.family_id, sizeof(out->family_id));
	memcpy(out->image_id, block.image_id, sizeof(out->image_id));
	out->version = block.version;
	out->guest_svn = block.guest_svn;
	out->id_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	out->author_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	idblock_key_public(id_key, &out->id_public_key);
	/* ref §4 step 3: the ID key signs the 96-byte block. */
	if (idblock_sign(id_key, &block, sizeof(block), deterministic,
			 &out->id_key_signature, why))
		return errf(err, "signing the ID block: %s", why);
	if (!author_key)
		return 0;
	/* ref §4 step 4: the author signs the SNP form of the ID key. */
	idblock_snp_key_from_igvm(&out->id_public_key, &snp_id_key);
	idblock_key_public(author_key, &out->author_public_key);
	if (idblock_sign(author_key, &snp_id_key, sizeof(snp_id_key),
			 deterministic, &out->author_key_signature, why))
		return errf(err, "signing the ID key: %s", why);
	return 0;
}

void idblock_block_from_directive(const struct igvm_vhs_snp_id_block *d,
				  uint64_t policy,
				  struct idblock_snp_id_block *out)
{
	struct idblock_params p = {
		.guest_svn = d->guest_svn,
		.policy = policy,
	};

	/* ref §4: QEMU forces VERSION 1 and takes POLICY from GUEST_POLICY. */
	memcpy(p.ld, d->ld, sizeof(p.ld));
	memcpy(p.family_id, d->family_id, sizeof(p.family_id));
	memcpy(p.image_id, d->image_id, sizeof(p.image_id));
	idblock_build(&p, out);
}

static void snp_sig_from_igvm(const struct igvm_vhs_snp_id_block_signature *s,
			      struct idblock_snp_signature *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->r, s->r_comp, sizeof(out->r));
	memcpy(out->s, s->s_comp, sizeof(out->s));
}

void idblock_auth_info(const struct igvm_vhs_snp_id_block *d,
		       struct idblock_snp_id_auth_info *out)
{
	/* ref §4: what QEMU's qigvm_directive_snp_id_block() builds. */
	memset(out, 0, sizeof(*out));
	out->id_key_algo = d->id_key_algorithm;
	out->auth_key_algo = d->author_key_algorithm;
	snp_sig_from_igvm(&d->id_key_signature, &out->id_block_sig);
	idblock_snp_key_from_igvm(&d->id_public_key, &out->id_key);
	snp_sig_from_igvm(&d->author_key_signature, &out->id_key_sig);
	idblock_snp_key_from_igvm(&d->author_public_key, &out->author_key);
}

static void hex(char *out, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int check_digest(const char *what, const uint8_t *got,
			const uint8_t *want, char *err)
{
	char g[2 * IDBLOCK_DIGEST_SIZE + 1];

	if (!want || !memcmp(got, want, IDBLOCK_DIGEST_SIZE))
		return 0;
	hex(g, got, IDBLOCK_DIGEST_SIZE);
	return errf(err, "%s digest %s is not the expected one", what, g);
}

/* ref §1.4, §4: the fields a loader and the firmware take as they are. */
static int check_fixed_fields(const struct igvm_vhs_snp_id_block *d, char *err)
{
	if (d->version != IDBLOCK_VERSION)
		return errf(err, "version %u, want 1 (QEMU passes 1)",
			    d->version);
	if (!all_zero(d->reserved, sizeof(d->reserved)))
		return errf(err, "reserved bytes are not zero");
	if (d->id_key_algorithm != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384)
		return errf(err, "id_key_algorithm %u, want 1 (ECDSA P-384)",
			    d->id_key_algorithm);
	if (d->author_key_enabled > 1)
		return errf(err, "author_key_enabled is %u, want 0 or 1",
			    d->author_key_enabled);
	if (d->author_key_enabled &&
	    d->author_key_algorithm != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384)
		return errf(err,
			    "author_key_algorithm %u, want 1 (ECDSA P-384)",
			    d->author_key_algorithm);
	return 0;
}

int idblock_verify(const struct igvm_vhs_snp_id_block *d,
		   const struct idblock_expect *e, struct idblock_report *out,
		   char err[IDBLOCK_ERR_LEN])
{
	struct idblock_report r = {0};
	struct idblock_snp_public_key snp_id_key;
	char why[IDBLOCK_ERR_LEN];
	char g[2 * IDBLOCK_LD_SIZE + 1];

	if (check_fixed_fields(d, err))
		return -1;
	if (e->ld && memcmp(d->ld, e->ld, IDBLOCK_LD_SIZE) != 0) {
		hex(g, d->ld, IDBLOCK_LD_SIZE);
		return errf(err, "ld %s is not the expected launch digest", g);
	}
	idblock_block_from_directive(d, e->policy, &r.block);
	if (idblock_verify_signature(&d->id_public_key, &r.block,
				     sizeof(r.block), &d->id_key_signature,
				     why))
		return errf(err, "ID block signature: %s", why);
	if (idblock_key_digest(&d->id_public_key, r.id_key_digest))
		return errf(err, "SHA-384 failed");
	if (check_digest("ID key", r.id_key_digest, e->id_key_digest, err))
		return -1;
	r.author_key_enabled = d->author_key_enabled;
	if (r.author_key_enabled) {
		idblock_snp_key_from_igvm(&d->id_public_key, &snp_id_key);
		if (idblock_verify_signature(&d->author_public_key, &snp_id_key,
					     sizeof(snp_id_key),
					     &d->author_key_signature, why))
			return errf(err,
				    "ID key signature by the author key: %s",
				    why);
		if (idblock_key_digest(&d->author_public_key,
				       r.author_key_digest))
			return errf(err, "SHA-384 failed");
	}
	if (e->author_key_digest && !r.author_key_enabled)
		return errf(err, "an author key digest is expected but the "
				 "author key is not enabled");
	if (check_digest("author key", r.author_key_digest,
			 e->author_key_digest, err))
		return -1;
	if (out)
		*out = r;
	return 0;
}

int idblock_igvm_snp(const struct igvm_file *f, struct idblock_igvm_snp *out,
		     char err[IDBLOCK_ERR_LEN])
{
	struct igvm_vhs_supported_platform plat;
	struct igvm_vhs_guest_policy pol;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(h, &plat, sizeof(plat)) &&
		    plat.platform_type == IGVM_PLATFORM_SEV_SNP)
			out->mask = plat.compatibility_mask;
	}
	if (!out->mask)
		return errf(err, "no SEV-SNP platform (no SUPPORTED_PLATFORM "
				 "with platform_type 2)");
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		uint32_t type = h->type & ~IGVM_VHT_OPTIONAL_BIT;

		if (!igvm_vhdr_applies(h, out->mask))
			continue;
		if (type == IGVM_VHT_SNP_ID_BLOCK) {
			/* The parser allows one per platform (ref §4). */
			out->id_block = h;
		} else if (type == IGVM_VHT_GUEST_POLICY &&
			   !igvm_vhdr_get(h, &pol, sizeof(pol))) {
			if (out->has_policy && out->policy != pol.policy)
				return errf(
					err,
					"two GUEST_POLICY headers for the SEV-SNP platform disagree (0x%llx, 0x%llx)",
					(unsigned long long)out->policy,
					(unsigned long long)pol.policy);
			out->has_policy = true;
			out->policy = pol.policy;
		}
	}
	return 0;
}
