/* SPDX-License-Identifier: MIT */
/*
 * What the key-broker client's files share inside kernel/attest: the
 * bounded JSON parser and writer (kbs_json.c), strict base64
 * (kbs_b64.c), the cryptography on mbedTLS (kbs_crypto.c), the evidence
 * and binding (kbs_evidence.c) and the JWE (kbs_jwe.c). None of it keeps
 * state between calls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/kbs.h"

/* ---- JSON (RFC 8259), parsed into a fixed token table ------------- */

#define KBS_JSON_MAX_TOKENS 256u
#define KBS_JSON_MAX_DEPTH  16u
#define KBS_JSON_MAX_LEN    65536u

enum kbs_json_type {
	KBS_JSON_OBJECT = 1,
	KBS_JSON_ARRAY,
	KBS_JSON_STRING,
	KBS_JSON_NUMBER,
	KBS_JSON_TRUE,
	KBS_JSON_FALSE,
	KBS_JSON_NULL,
};

struct kbs_json_tok {
	uint8_t type;	/* enum kbs_json_type */
	bool escaped;	/* a string with a backslash escape */
	uint16_t next;	/* the token after this one's subtree */
	uint32_t start; /* strings: the first byte inside the quotes */
	uint32_t len;	/* strings: the bytes inside the quotes */
};

struct kbs_json {
	const char *text;
	size_t len;
	unsigned int count;
	struct kbs_json_tok tok[KBS_JSON_MAX_TOKENS];
};

/*
 * Parses text[0..len) as one JSON value with only whitespace around it.
 * TRUST: text comes from the proxy. SVSM_E_INVAL for anything RFC 8259
 * refuses, an object with a key twice, more than KBS_JSON_MAX_TOKENS
 * values, nesting deeper than KBS_JSON_MAX_DEPTH or len above
 * KBS_JSON_MAX_LEN. Token 0 is the top value.
 */
enum svsm_err __must_check kbs_json_parse(struct kbs_json *doc,
					  const char *text, size_t len);
/* The value of key in object token obj, or -1 (none, or obj no object). */
int kbs_json_get(const struct kbs_json *doc, int obj, const char *key);
/*
 * The string value of key in obj, without escapes (every value the
 * client reads is base64 or a name): false when missing, not a string,
 * escaped or longer than max.
 */
bool kbs_json_get_str(const struct kbs_json *doc, int obj, const char *key,
		      size_t max, const char **s, size_t *len);

/* A bounded writer: once it overflows, every later append is dropped. */
struct kbs_jw {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

void kbs_jw_raw(struct kbs_jw *w, const char *s);
void kbs_jw_mem(struct kbs_jw *w, const char *s, size_t len);
/* A JSON string, escaped as RFC 8785 (JCS) serialises strings. */
void kbs_jw_str(struct kbs_jw *w, const char *s, size_t len);
void kbs_jw_u64(struct kbs_jw *w, uint64_t v);
/* A JSON array of the bytes' values, e.g. [1,2,255]. */
void kbs_jw_bytes(struct kbs_jw *w, const uint8_t *p, size_t len);

/* ---- base64 (RFC 4648 §4 with padding, §5 url-safe without) ------- */

size_t kbs_b64_len(size_t n, bool url);
/* Writes the encoding of in[0..n) to out (kbs_b64_len(n, url) bytes). */
void kbs_b64_encode(const uint8_t *in, size_t n, char *out, bool url);
/*
 * Strict decoding: no whitespace; padding required (std) or refused
 * (url); non-zero trailing bits refused, so one string has one decoding.
 * false on any deviation or when the result exceeds cap.
 */
bool kbs_b64_decode(const char *in, size_t n, bool url, uint8_t *out,
		    size_t cap, size_t *got);

/* ---- cryptography (kbs_crypto.c, mbedTLS) -------------------------- */

#define KBS_EC_COORD 32u /* P-256 */

struct kbs_ec_key; /* an ephemeral P-256 key pair, on the heap */

enum svsm_err __must_check kbs_ec_generate(bool (*random)(void *, size_t),
					   struct kbs_ec_key **out);
/* A key pair from a given private scalar: known-answer tests only. */
enum svsm_err __must_check kbs_ec_load(const uint8_t d[KBS_EC_COORD],
				       bool (*random)(void *, size_t),
				       struct kbs_ec_key **out);
void kbs_ec_free(struct kbs_ec_key *k);
void kbs_ec_public(const struct kbs_ec_key *k, uint8_t x[KBS_EC_COORD],
		   uint8_t y[KBS_EC_COORD]);
/* Z = x of d * peer; SVSM_E_INVAL when peer is no point of the curve. */
enum svsm_err __must_check kbs_ec_ecdh(const struct kbs_ec_key *k,
				       const uint8_t px[KBS_EC_COORD],
				       const uint8_t py[KBS_EC_COORD],
				       uint8_t z[KBS_EC_COORD]);
enum svsm_err __must_check kbs_sha256(const void *a, size_t alen,
				      uint8_t out[32]);
enum svsm_err __must_check kbs_sha384(const void *a, size_t alen,
				      uint8_t out[48]);
/* RFC 3394 AES-256 key unwrap; SVSM_E_INVAL when the check fails. */
enum svsm_err __must_check kbs_aes_kw_unwrap(const uint8_t kek[32],
					     const uint8_t *in, size_t in_len,
					     uint8_t *out, size_t cap,
					     size_t *got);
/* AES-256-GCM decryption with a 12-byte IV and 16-byte tag. */
enum svsm_err __must_check kbs_gcm_open(const uint8_t key[32],
					const uint8_t iv[12], const void *aad,
					size_t aad_len, const uint8_t *in,
					size_t len, const uint8_t tag[16],
					uint8_t *out);
/* ECDSA P-256 over SHA-256(msg) against a SEC1 uncompressed key. */
bool kbs_ecdsa_p256_verify(const uint8_t pub[KBS_BROKER_KEY_SIZE],
			   const void *msg, size_t len, const uint8_t r[32],
			   const uint8_t s[32]);
void kbs_wipe(void *p, size_t len);

/* "<repository>/<type>/<tag>", each [A-Za-z0-9._-]+ (kbs_client.c). */
bool kbs_resource_ok(const char *r);

/* ---- evidence and binding (kbs_evidence.c) ------------------------- */

/* The JWK of the TEE key, with members in JCS order. */
void kbs_jwk(struct kbs_jw *w, const uint8_t x[KBS_EC_COORD],
	     const uint8_t y[KBS_EC_COORD]);
/*
 * JCS({"additional-evidence":"","nonce":N,"tee-pubkey":JWK}): the string
 * Trustee hashes for REPORT_DATA. nonce is the challenge's string as
 * received (base64 characters only, checked by the caller).
 */
void kbs_runtime_jcs(struct kbs_jw *w, const char *nonce, size_t nonce_len,
		     const uint8_t x[KBS_EC_COORD],
		     const uint8_t y[KBS_EC_COORD]);
/* What the attestation step sends. */
struct kbs_attestation {
	enum kbs_tee tee;
	const char *nonce; /* as received, nonce_len bytes */
	size_t nonce_len;
	const uint8_t *x; /* the TEE key's coordinates, KBS_EC_COORD each */
	const uint8_t *y;
	const uint8_t *report_data; /* 64 bytes */
	const uint8_t *report;	    /* SNP: the 0x4A0-byte report */
};

/* The body of POST /kbs/v0/attest. */
void kbs_attest_body(struct kbs_jw *w, const struct kbs_attestation *a);

/* ---- the JWE answer (kbs_jwe.c) ------------------------------------ */

/*
 * Decrypts a flattened JWE JSON (Trustee kbs/src/jwe: ECDH-ES+A256KW,
 * A256GCM, AAD = the protected string as received) for key k into
 * out[0..cap). TRUST: body comes from the proxy; SVSM_E_INVAL for any
 * malformed field, unexpected algorithm, invalid point or failed check;
 * out is wiped on error.
 */
enum svsm_err __must_check kbs_jwe_decrypt(const struct kbs_ec_key *k,
					   const char *body, size_t len,
					   uint8_t *out, size_t cap,
					   size_t *got);
