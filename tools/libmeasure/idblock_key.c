/* SPDX-License-Identifier: MIT */
/*
 * ID and author keys: an ECDSA P-384 private key read from an unencrypted
 * PEM file, and its public point in the 72-byte little-endian form of the
 * IGVM SNP_ID_BLOCK directive (igvm_defs 0.4.0, IGVM_VHS_*, AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)).
 *
 * TRUST: the PEM file comes from the user; anything but an unencrypted
 * P-384 key is refused with a message naming the file.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "idblock_internal.h"
#include "util.h"

#define MAX_PEM (64u << 10)

/* Formats "what: <OpenSSL's reason>" and empties OpenSSL's error queue. */
int idblock_ossl_fail(char *err, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[160] = "unknown OpenSSL error";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	return util_errf(err, IDBLOCK_ERR_LEN, "%s: %s", what, reason);
}

void idblock_reverse_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

bool idblock_fits_p384(const uint8_t field[IDBLOCK_COMP_SIZE])
{
	return util_all_zero(field + IDBLOCK_P384_SIZE,
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

		return util_errf(err, IDBLOCK_ERR_LEN,
				 "%s: not an ECDSA P-384 key (%s key)", name,
				 type ? type : "unknown");
	}
	if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len)) {
		ERR_clear_error();
		return util_errf(
			err, IDBLOCK_ERR_LEN,
			"%s: not an ECDSA P-384 key (EC without a named curve)",
			name);
	}
	if (OBJ_sn2nid(group) != NID_secp384r1)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "%s: not an ECDSA P-384 key (EC on %s)", name,
				 group);
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_*, AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK,
 * ID_AUTH_INFO): curve 2, qx and qy as 72-byte LE values.
 */
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
		return idblock_ossl_fail(err, "cannot read the public key");
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
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "%s: larger than %u bytes", name, MAX_PEM);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return idblock_ossl_fail(err, name);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey) {
		ERR_clear_error();
		return util_errf(
			err, IDBLOCK_ERR_LEN,
			"%s: no unencrypted PEM private key (want an ECDSA P-384 key)",
			name);
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return util_errf(err, IDBLOCK_ERR_LEN, "%s: out of memory",
				 name);
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
