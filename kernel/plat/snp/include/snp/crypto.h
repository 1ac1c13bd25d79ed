/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's cryptography: AES-256-GCM for SNP guest messages (VMPCK0),
 * SHA-384 and SHA-512 (one-shot, and incremental for the attestation
 * protocol's REPORT_DATA = SHA-512(nonce || manifest)), HKDF-SHA-512
 * (RFC 5869) for the persistent store's keys (kernel/store), and a wipe the
 * compiler cannot drop. Implemented on mbedTLS in
 * kernel/plat/snp/crypto_mbedtls.c, the only file that includes mbedTLS
 * headers; nothing here is hand-written cryptography (design brief,
 * "Dependencies"). Callers see no library types.
 *
 * Errors: every function that can fail returns SVSM_E_INVAL, both for
 * input the library refuses (a length beyond its limits) and, for
 * crypto_aes256gcm_open(), for a tag that does not verify. Outputs are
 * wiped on every error, so no unauthenticated plaintext survives.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define CRYPTO_AES256_KEY_SIZE 32u
#define CRYPTO_GCM_IV_SIZE     12u
#define CRYPTO_GCM_TAG_SIZE    16u
#define CRYPTO_SHA384_SIZE     48u
#define CRYPTO_SHA512_SIZE     64u

/* The key, IV and additional authenticated data of one AES-256-GCM call. */
struct crypto_gcm {
	const uint8_t *key; /* CRYPTO_AES256_KEY_SIZE bytes */
	const uint8_t *iv;  /* CRYPTO_GCM_IV_SIZE bytes */
	const void *aad;
	size_t aad_len;
};

/*
 * AES-256-GCM encryption of plain[0..len) into out (out may equal plain),
 * authenticating g->aad as well; the 16-byte tag goes to tag.
 */
enum svsm_err __must_check
crypto_aes256gcm_seal(const struct crypto_gcm *g, const void *plain, size_t len,
		      void *out, uint8_t tag[CRYPTO_GCM_TAG_SIZE]);

/*
 * AES-256-GCM decryption of cipher[0..len) into out (out may equal
 * cipher). The tag is compared in constant time by the library; on a
 * mismatch the call returns SVSM_E_INVAL and out[0..len) is zero.
 */
enum svsm_err __must_check crypto_aes256gcm_open(
	const struct crypto_gcm *g, const void *cipher, size_t len,
	const uint8_t tag[CRYPTO_GCM_TAG_SIZE], void *out);

/* One-shot digests. */
enum svsm_err __must_check crypto_sha384(const void *data, size_t len,
					 uint8_t out[CRYPTO_SHA384_SIZE]);
enum svsm_err __must_check crypto_sha512(const void *data, size_t len,
					 uint8_t out[CRYPTO_SHA512_SIZE]);

/*
 * Incremental SHA-512. The state is opaque storage sized for the library's
 * context (crypto_mbedtls.c checks that it fits). init, any number of
 * update, then final, which wipes the state whatever it returns; a caller
 * that gives up early calls crypto_sha512_abort() instead.
 */
#define CRYPTO_SHA512_CTX_WORDS 32u
struct crypto_sha512_ctx {
	uint64_t opaque[CRYPTO_SHA512_CTX_WORDS];
};

enum svsm_err __must_check crypto_sha512_init(struct crypto_sha512_ctx *ctx);
enum svsm_err __must_check crypto_sha512_update(struct crypto_sha512_ctx *ctx,
						const void *data, size_t len);
enum svsm_err __must_check crypto_sha512_final(struct crypto_sha512_ctx *ctx,
					       uint8_t out[CRYPTO_SHA512_SIZE]);
void crypto_sha512_abort(struct crypto_sha512_ctx *ctx);

/*
 * HKDF-SHA-512 (RFC 5869): extract with salt, expand with info into
 * out[0..out_len), out_len at most 255 * 64. out is wiped on error.
 */
enum svsm_err __must_check crypto_hkdf_sha512(const void *salt, size_t salt_len,
					      const void *ikm, size_t ikm_len,
					      const void *info, size_t info_len,
					      void *out, size_t out_len);

/* Zeroes p[0..len) in a way the compiler keeps (key material, plaintext). */
void crypto_wipe(void *p, size_t len);
