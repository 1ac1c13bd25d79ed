/* SPDX-License-Identifier: MIT */
/*
 * RFC 6979 deterministic ECDSA for ID blocks, through libgcrypt's
 * "(flags rfc6979)": OpenSSL 3.0 has no deterministic nonces (they arrive in
 * 3.2). This is the only file that uses libgcrypt, so only the signing tool
 * links it.
 */
#include <gcrypt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

#include "idblock_internal.h"
#include "util.h"

static int gcry_fail(char *err, const char *what, gcry_error_t e)
{
	return util_errf(err, IDBLOCK_ERR_LEN, "%s: libgcrypt: %s", what,
			 gcry_strerror(e));
}

/* libgcrypt wants to be initialised once, before its first use. */
static int gcry_init(char *err)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return 0;
	if (!gcry_check_version(GCRYPT_VERSION))
		return util_errf(
			err, IDBLOCK_ERR_LEN,
			"libgcrypt is older than the %s it was built with",
			GCRYPT_VERSION);
	/*
	 * A secure memory pool: the private scalar is copied into it, so the
	 * key S-expression and the MPIs libgcrypt derives from it live there
	 * and are wiped when released. Without mlock (RLIMIT_MEMLOCK) the pool
	 * still works, unlocked; no warning goes to stderr.
	 */
	gcry_control(GCRYCTL_SUSPEND_SECMEM_WARN);
	gcry_control(GCRYCTL_INIT_SECMEM, 32768, 0);
	gcry_control(GCRYCTL_RESUME_SECMEM_WARN);
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
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
	idblock_reverse_copy(field, be, n);
	return 0;
}

/*
 * RFC 6979 deterministic ECDSA: the nonce is HMAC-DRBG(SHA-384) of the
 * private scalar and the message digest, so the same key and message always
 * give the same (r, s). libgcrypt does the signing; we only convert the key.
 */
int idblock_sign_rfc6979(const struct idblock_key *k, const void *msg,
			 size_t len,
			 struct igvm_vhs_snp_id_block_signature *sig, char *err)
{
	uint8_t hash[IDBLOCK_DIGEST_SIZE];
	uint8_t *d = NULL; /* the private scalar, in secure memory */
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
		return idblock_ossl_fail(err, "SHA-384 failed");
	d = gcry_malloc_secure(IDBLOCK_P384_SIZE);
	if (!d) {
		util_errf(err, IDBLOCK_ERR_LEN,
			  "no libgcrypt secure memory for the private key");
		goto out;
	}
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) ||
	    BN_bn2binpad(priv, d, IDBLOCK_P384_SIZE) != IDBLOCK_P384_SIZE) {
		idblock_ossl_fail(err, "cannot read the private key");
		goto out;
	}
	q[0] = POINT_CONVERSION_UNCOMPRESSED;
	idblock_reverse_copy(q + 1, k->pub.qx, IDBLOCK_P384_SIZE);
	idblock_reverse_copy(q + 1 + IDBLOCK_P384_SIZE, k->pub.qy,
			     IDBLOCK_P384_SIZE);
	e = gcry_sexp_build(&skey, NULL,
			    "(private-key(ecc(curve \"NIST P-384\")"
			    "(q %b)(d %b)))",
			    (int)sizeof(q), q, (int)IDBLOCK_P384_SIZE, d);
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
		util_errf(err, IDBLOCK_ERR_LEN,
			  "libgcrypt returned an r or s wider than P-384");
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
	if (d) {
		OPENSSL_cleanse(d, IDBLOCK_P384_SIZE);
		gcry_free(d); /* secure memory is wiped again when freed */
	}
	return rc;
}
