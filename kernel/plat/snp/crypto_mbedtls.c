/* SPDX-License-Identifier: MIT */
/*
 * include/snp/crypto.h on mbedTLS: AES-256-GCM (mbedtls_gcm_*), SHA-384
 * and SHA-512 (mbedtls_sha512_*), HKDF (mbedtls_hkdf over the message-digest
 * layer) and mbedtls_platform_zeroize. This is
 * the only file in csvsm that includes mbedTLS headers, so replacing or
 * upgrading the library touches nothing else.
 *
 * Build: the hosted unit tests link Debian's libmbedcrypto (2.28, package
 * libmbedtls-dev). The kernel compiles the same release from Debian's
 * source package with its own flags (mk/mbedtls.mk, configuration in
 * kernel/plat/snp/mbedtls/mbedtls_config.h: no SSE/AES-NI, no libc, only
 * AES, GCM, SHA-512 and zeroize); tests/svsm/crypto_test.c checks known
 * answers inside the kernel. The code below works with the 2.28 API (the
 * *_ret functions) and with 3.x (their new names).
 *
 * The GCM tag check is mbedTLS's (constant time), and mbedTLS zeroes the
 * output when it fails; this file wipes it again on every error path so
 * the guarantee does not depend on the library version.
 */
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha512.h>
#include <mbedtls/version.h>

#include "lib/string.h"
#include "snp/crypto.h"

#if MBEDTLS_VERSION_MAJOR >= 3
#define sha512_starts  mbedtls_sha512_starts
#define sha512_update  mbedtls_sha512_update
#define sha512_finish  mbedtls_sha512_finish
#define sha512_oneshot mbedtls_sha512
#else
#define sha512_starts  mbedtls_sha512_starts_ret
#define sha512_update  mbedtls_sha512_update_ret
#define sha512_finish  mbedtls_sha512_finish_ret
#define sha512_oneshot mbedtls_sha512_ret
#endif

static_assert(sizeof(mbedtls_sha512_context) <=
		      sizeof(((struct crypto_sha512_ctx *)0)->opaque),
	      "struct crypto_sha512_ctx is too small for mbedTLS's SHA-512");
static_assert(_Alignof(mbedtls_sha512_context) <= _Alignof(uint64_t),
	      "struct crypto_sha512_ctx is not aligned enough for mbedTLS");

void crypto_wipe(void *p, size_t len)
{
	if (len)
		mbedtls_platform_zeroize(p, len);
}

static enum svsm_err gcm_setup(mbedtls_gcm_context *gcm,
			       const uint8_t key[CRYPTO_AES256_KEY_SIZE])
{
	mbedtls_gcm_init(gcm);
	if (mbedtls_gcm_setkey(gcm, MBEDTLS_CIPHER_ID_AES, key,
			       CRYPTO_AES256_KEY_SIZE * 8) != 0) {
		mbedtls_gcm_free(gcm);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err crypto_aes256gcm_seal(const struct crypto_gcm *g,
				    const void *plain, size_t len, void *out,
				    uint8_t tag[CRYPTO_GCM_TAG_SIZE])
{
	mbedtls_gcm_context gcm;
	int ret;

	if (gcm_setup(&gcm, g->key) != SVSM_OK) {
		crypto_wipe(out, len);
		crypto_wipe(tag, CRYPTO_GCM_TAG_SIZE);
		return SVSM_E_INVAL;
	}
	ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len, g->iv,
					CRYPTO_GCM_IV_SIZE, g->aad, g->aad_len,
					plain, out, CRYPTO_GCM_TAG_SIZE, tag);
	/* mbedtls_gcm_free() zeroizes the key schedule. */
	mbedtls_gcm_free(&gcm);
	if (ret != 0) {
		crypto_wipe(out, len);
		crypto_wipe(tag, CRYPTO_GCM_TAG_SIZE);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err crypto_aes256gcm_open(const struct crypto_gcm *g,
				    const void *cipher, size_t len,
				    const uint8_t tag[CRYPTO_GCM_TAG_SIZE],
				    void *out)
{
	mbedtls_gcm_context gcm;
	int ret;

	if (gcm_setup(&gcm, g->key) != SVSM_OK) {
		crypto_wipe(out, len);
		return SVSM_E_INVAL;
	}
	/* Decrypts, then compares the tag in constant time. */
	ret = mbedtls_gcm_auth_decrypt(&gcm, len, g->iv, CRYPTO_GCM_IV_SIZE,
				       g->aad, g->aad_len, tag,
				       CRYPTO_GCM_TAG_SIZE, cipher, out);
	mbedtls_gcm_free(&gcm);
	if (ret != 0) {
		crypto_wipe(out, len);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err crypto_sha384(const void *data, size_t len,
			    uint8_t out[CRYPTO_SHA384_SIZE])
{
	/* mbedTLS declares a 64-byte output even for SHA-384. */
	uint8_t full[CRYPTO_SHA512_SIZE];
	int ret = sha512_oneshot(data, len, full, 1);

	if (ret == 0)
		memcpy(out, full, CRYPTO_SHA384_SIZE);
	else
		crypto_wipe(out, CRYPTO_SHA384_SIZE);
	crypto_wipe(full, sizeof(full));
	return ret == 0 ? SVSM_OK : SVSM_E_INVAL;
}

enum svsm_err crypto_sha512(const void *data, size_t len,
			    uint8_t out[CRYPTO_SHA512_SIZE])
{
	if (sha512_oneshot(data, len, out, 0) != 0) {
		crypto_wipe(out, CRYPTO_SHA512_SIZE);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

/*
 * The incremental state lives in the caller's opaque storage, whose
 * declared type is uint64_t[]. To stay within C's aliasing rules it is
 * never accessed as an mbedtls_sha512_context in place: each step copies
 * it into a local context, runs mbedTLS there, copies it back and wipes
 * the local copy. The software SHA-512 context is plain data (counters,
 * state words, a block buffer), so a byte copy is a faithful copy.
 */
static void ctx_load(mbedtls_sha512_context *c,
		     const struct crypto_sha512_ctx *ctx)
{
	memcpy(c, ctx->opaque, sizeof(*c));
}

static void ctx_store(struct crypto_sha512_ctx *ctx, mbedtls_sha512_context *c)
{
	memcpy(ctx->opaque, c, sizeof(*c));
	mbedtls_platform_zeroize(c, sizeof(*c));
}

enum svsm_err crypto_sha512_init(struct crypto_sha512_ctx *ctx)
{
	mbedtls_sha512_context c;
	int ret;

	mbedtls_sha512_init(&c);
	ret = sha512_starts(&c, 0);
	ctx_store(ctx, &c);
	if (ret != 0) {
		crypto_sha512_abort(ctx);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err crypto_sha512_update(struct crypto_sha512_ctx *ctx,
				   const void *data, size_t len)
{
	mbedtls_sha512_context c;
	int ret;

	ctx_load(&c, ctx);
	ret = sha512_update(&c, data, len);
	ctx_store(ctx, &c);
	return ret == 0 ? SVSM_OK : SVSM_E_INVAL;
}

enum svsm_err crypto_sha512_final(struct crypto_sha512_ctx *ctx,
				  uint8_t out[CRYPTO_SHA512_SIZE])
{
	mbedtls_sha512_context c;
	int ret;

	ctx_load(&c, ctx);
	ret = sha512_finish(&c, out);
	mbedtls_sha512_free(&c); /* zeroizes c */
	crypto_sha512_abort(ctx);
	if (ret != 0) {
		crypto_wipe(out, CRYPTO_SHA512_SIZE);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

void crypto_sha512_abort(struct crypto_sha512_ctx *ctx)
{
	mbedtls_platform_zeroize(ctx->opaque, sizeof(ctx->opaque));
}

enum svsm_err crypto_hkdf_sha512(const void *salt, size_t salt_len,
				 const void *ikm, size_t ikm_len,
				 const void *info, size_t info_len, void *out,
				 size_t out_len)
{
	const mbedtls_md_info_t *md =
		mbedtls_md_info_from_type(MBEDTLS_MD_SHA512);

	if (!md || mbedtls_hkdf(md, salt, salt_len, ikm, ikm_len, info,
				info_len, out, out_len) != 0) {
		crypto_wipe(out, out_len);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}
