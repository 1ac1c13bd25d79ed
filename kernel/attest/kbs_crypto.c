/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client's cryptography on mbedTLS: the ephemeral P-256
 * key and ECDH (mbedtls_ecp/ecdh), SHA-256 and SHA-384, AES-256 key
 * unwrap (RFC 3394, mbedtls_nist_kw), AES-256-GCM, and the ECDSA P-256
 * check of the broker's signature (mbedtls_ecdsa). Nothing here is
 * written by hand. Besides kernel/plat/snp/crypto_mbedtls.c this is the
 * only file that includes mbedTLS headers; the kernel's build takes the
 * modules it needs (mk/mbedtls.mk), the hosted tests link Debian's
 * libmbedcrypto 2.28.
 */
#include <mbedtls/bignum.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/gcm.h>
#include <mbedtls/nist_kw.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/version.h>

#include "svsm/mm/heap.h"

#include "kbs_int.h"
#include "lib/string.h"

#if MBEDTLS_VERSION_MAJOR >= 3
#define sha256_oneshot mbedtls_sha256
#define sha512_oneshot mbedtls_sha512
#else
#define sha256_oneshot mbedtls_sha256_ret
#define sha512_oneshot mbedtls_sha512_ret
#endif

struct kbs_ec_key {
	mbedtls_ecp_group grp;
	mbedtls_mpi d;
	mbedtls_ecp_point q;
	bool (*random)(void *, size_t);
};

void kbs_wipe(void *p, size_t len)
{
	if (len)
		mbedtls_platform_zeroize(p, len);
}

/* mbedTLS's RNG callback over the configuration's hardware source. */
static int rng(void *ctx, unsigned char *out, size_t len)
{
	bool (*random)(void *, size_t) = *(bool (**)(void *, size_t))ctx;

	return random(out, len) ? 0 : -1;
}

enum svsm_err kbs_ec_generate(bool (*random)(void *, size_t),
			      struct kbs_ec_key **out)
{
	struct kbs_ec_key *k;

	*out = NULL;
	if (!random)
		return SVSM_E_INVAL;
	k = kmalloc(sizeof(*k));
	if (!k)
		return SVSM_E_NOMEM;
	k->random = random;
	mbedtls_ecp_group_init(&k->grp);
	mbedtls_mpi_init(&k->d);
	mbedtls_ecp_point_init(&k->q);
	if (mbedtls_ecp_group_load(&k->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    mbedtls_ecp_gen_keypair(&k->grp, &k->d, &k->q, rng, &k->random) !=
		    0) {
		kbs_ec_free(k);
		return SVSM_E_HW;
	}
	*out = k;
	return SVSM_OK;
}

enum svsm_err kbs_ec_load(const uint8_t d[KBS_EC_COORD],
			  bool (*random)(void *, size_t),
			  struct kbs_ec_key **out)
{
	struct kbs_ec_key *k;

	*out = NULL;
	if (!random)
		return SVSM_E_INVAL;
	k = kmalloc(sizeof(*k));
	if (!k)
		return SVSM_E_NOMEM;
	k->random = random;
	mbedtls_ecp_group_init(&k->grp);
	mbedtls_mpi_init(&k->d);
	mbedtls_ecp_point_init(&k->q);
	if (mbedtls_ecp_group_load(&k->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    mbedtls_mpi_read_binary(&k->d, d, KBS_EC_COORD) != 0 ||
	    mbedtls_ecp_check_privkey(&k->grp, &k->d) != 0 ||
	    mbedtls_ecp_mul(&k->grp, &k->q, &k->d, &k->grp.G, rng,
			    &k->random) != 0) {
		kbs_ec_free(k);
		return SVSM_E_INVAL;
	}
	*out = k;
	return SVSM_OK;
}

void kbs_ec_free(struct kbs_ec_key *k)
{
	if (!k)
		return;
	mbedtls_mpi_free(&k->d); /* zeroizes the limbs */
	mbedtls_ecp_point_free(&k->q);
	mbedtls_ecp_group_free(&k->grp);
	kbs_wipe(k, sizeof(*k));
	kfree(k);
}

void kbs_ec_public(const struct kbs_ec_key *k, uint8_t x[KBS_EC_COORD],
		   uint8_t y[KBS_EC_COORD])
{
	/* Cannot fail: a generated point's coordinates fit 32 bytes. */
	(void)!mbedtls_mpi_write_binary(&k->q.X, x, KBS_EC_COORD);
	(void)!mbedtls_mpi_write_binary(&k->q.Y, y, KBS_EC_COORD);
}

/* A point from coordinates, checked to lie on the group's curve. */
static bool read_point(const mbedtls_ecp_group *grp, mbedtls_ecp_point *p,
		       const uint8_t x[KBS_EC_COORD],
		       const uint8_t y[KBS_EC_COORD])
{
	uint8_t sec1[1 + 2 * KBS_EC_COORD];

	sec1[0] = 0x04;
	memcpy(sec1 + 1, x, KBS_EC_COORD);
	memcpy(sec1 + 1 + KBS_EC_COORD, y, KBS_EC_COORD);
	return mbedtls_ecp_point_read_binary(grp, p, sec1, sizeof(sec1)) == 0 &&
	       mbedtls_ecp_check_pubkey(grp, p) == 0;
}

enum svsm_err kbs_ec_ecdh(const struct kbs_ec_key *k,
			  const uint8_t px[KBS_EC_COORD],
			  const uint8_t py[KBS_EC_COORD],
			  uint8_t z[KBS_EC_COORD])
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point peer;
	mbedtls_mpi shared;
	enum svsm_err err = SVSM_E_INVAL;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&peer);
	mbedtls_mpi_init(&shared);
	if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0) {
		err = SVSM_E_HW;
		goto out;
	}
	if (!read_point(&grp, &peer, px, py))
		goto out;
	if (mbedtls_ecdh_compute_shared(&grp, &shared, &peer, &k->d, rng,
					(void *)&k->random) != 0 ||
	    mbedtls_mpi_write_binary(&shared, z, KBS_EC_COORD) != 0)
		goto out;
	err = SVSM_OK;
out:
	mbedtls_mpi_free(&shared);
	mbedtls_ecp_point_free(&peer);
	mbedtls_ecp_group_free(&grp);
	if (err != SVSM_OK)
		kbs_wipe(z, KBS_EC_COORD);
	return err;
}

enum svsm_err kbs_sha256(const void *a, size_t alen, uint8_t out[32])
{
	return sha256_oneshot(a, alen, out, 0) == 0 ? SVSM_OK : SVSM_E_HW;
}

enum svsm_err kbs_sha384(const void *a, size_t alen, uint8_t out[48])
{
	/* mbedTLS writes 64 bytes even for SHA-384. */
	uint8_t full[64];
	int ret = sha512_oneshot(a, alen, full, 1);

	memcpy(out, full, 48);
	return ret == 0 ? SVSM_OK : SVSM_E_HW;
}

enum svsm_err kbs_aes_kw_unwrap(const uint8_t kek[32], const uint8_t *in,
				size_t in_len, uint8_t *out, size_t cap,
				size_t *got)
{
	mbedtls_nist_kw_context kw;
	int ret;

	*got = 0;
	mbedtls_nist_kw_init(&kw);
	ret = mbedtls_nist_kw_setkey(&kw, MBEDTLS_CIPHER_ID_AES, kek, 256, 0);
	if (ret == 0)
		ret = mbedtls_nist_kw_unwrap(&kw, MBEDTLS_KW_MODE_KW, in,
					     in_len, out, got, cap);
	mbedtls_nist_kw_free(&kw);
	if (ret != 0) {
		kbs_wipe(out, cap);
		*got = 0;
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err kbs_gcm_open(const uint8_t key[32], const uint8_t iv[12],
			   const void *aad, size_t aad_len, const uint8_t *in,
			   size_t len, const uint8_t tag[16], uint8_t *out)
{
	mbedtls_gcm_context gcm;
	int ret;

	mbedtls_gcm_init(&gcm);
	ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256);
	/* Decrypts, then compares the tag in constant time. */
	if (ret == 0)
		ret = mbedtls_gcm_auth_decrypt(&gcm, len, iv, 12, aad, aad_len,
					       tag, 16, in, out);
	mbedtls_gcm_free(&gcm);
	if (ret != 0) {
		kbs_wipe(out, len);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

bool kbs_ecdsa_p256_verify(const uint8_t pub[KBS_BROKER_KEY_SIZE],
			   const void *msg, size_t len, const uint8_t r[32],
			   const uint8_t s[32])
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi mr;
	mbedtls_mpi ms;
	uint8_t hash[32];
	bool ok = false;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&mr);
	mbedtls_mpi_init(&ms);
	if (pub[0] != 0x04 ||
	    mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    !read_point(&grp, &q, pub + 1, pub + 1 + KBS_EC_COORD) ||
	    kbs_sha256(msg, len, hash) != SVSM_OK ||
	    mbedtls_mpi_read_binary(&mr, r, 32) != 0 ||
	    mbedtls_mpi_read_binary(&ms, s, 32) != 0)
		goto out;
	/* mbedtls_ecdsa_verify refuses r or s outside [1, n-1]. */
	ok = mbedtls_ecdsa_verify(&grp, hash, sizeof(hash), &q, &mr, &ms) == 0;
out:
	mbedtls_mpi_free(&ms);
	mbedtls_mpi_free(&mr);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return ok;
}
