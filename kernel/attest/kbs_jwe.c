/* SPDX-License-Identifier: MIT */
/*
 * The broker's answer: a JWE in the flattened JSON serialisation (RFC
 * 7516 §7.2.2) as Trustee's KBS produces it for an EC TEE key
 * (confidential-containers/trustee kbs/docs/kbs_attestation_protocol.md,
 * "Response"): protected header {"alg":"ECDH-ES+A256KW","enc":"A256GCM",
 * "epk":{EC P-256 JWK}}, a 40-byte encrypted_key, a 12-byte iv, the
 * ciphertext and a 16-byte tag, all base64url.
 *
 *   Z   = ECDH(TEE key, epk)                          (RFC 7518 §4.6)
 *   KEK = SHA-256(00000001 || Z || 0000000E || "ECDH-ES+A256KW" ||
 *                 00000000 || 00000000 || 00000100)   (Concat KDF, §4.6.2)
 *   CEK = AES-256 key unwrap (RFC 3394) of encrypted_key
 *   plaintext = AES-256-GCM(CEK, iv, AAD = the protected string as
 *               received, RFC 7516 §5.2 step 14)
 *
 * TRUST: every byte comes from the proxy. The JSON is parsed with the
 * bounded parser, every field is length-checked before it is decoded,
 * the epk must be a point of P-256, and the GCM tag must verify before a
 * byte of plaintext is returned. Any deviation: SVSM_E_INVAL, output
 * wiped. The JWE authenticates nothing about its sender (anyone with the
 * TEE public key can make one); kbs_client.c checks the broker's
 * signature inside.
 */
#include "svsm/mm/heap.h"

#include "kbs_int.h"
#include "lib/string.h"

#define KW_WRAPPED 40u
#define GCM_IV	   12u
#define GCM_TAG	   16u
/* Trustee's headers are about 200 characters; leave room. */
#define PROTECTED_MAX 1024u
#define HEADER_MAX    (PROTECTED_MAX / 4 * 3)

static const char alg_name[] = "ECDH-ES+A256KW";

struct jwe_work {
	struct kbs_json doc;
	struct kbs_json hdr;
	char header[HEADER_MAX];
	uint8_t wrapped[KW_WRAPPED];
	uint8_t iv[GCM_IV];
	uint8_t tag[GCM_TAG];
	uint8_t epk_x[KBS_EC_COORD];
	uint8_t epk_y[KBS_EC_COORD];
	uint8_t z[KBS_EC_COORD];
	uint8_t kek[32];
	uint8_t cek[32];
	uint8_t kdf_in[4 + KBS_EC_COORD + 4 + sizeof(alg_name) - 1 + 12];
};

/* A base64url field of exactly `want` bytes. */
static bool field_exact(const struct kbs_json *d, int obj, const char *key,
			uint8_t *out, size_t want)
{
	const char *s;
	size_t n;
	size_t got;

	return kbs_json_get_str(d, obj, key, kbs_b64_len(want, true), &s, &n) &&
	       kbs_b64_decode(s, n, true, out, want, &got) && got == want;
}

static bool str_is(const struct kbs_json *d, int obj, const char *key,
		   const char *want)
{
	const char *s;
	size_t n;

	return kbs_json_get_str(d, obj, key, 64, &s, &n) && n == strlen(want) &&
	       !memcmp(s, want, n);
}

/* The protected header: algorithms and the broker's ephemeral key. */
static enum svsm_err parse_header(struct jwe_work *w, const char *prot,
				  size_t prot_len)
{
	size_t hlen;
	int epk;

	if (!kbs_b64_decode(prot, prot_len, true, (uint8_t *)w->header,
			    sizeof(w->header), &hlen) ||
	    kbs_json_parse(&w->hdr, w->header, hlen) != SVSM_OK)
		return SVSM_E_INVAL;
	if (!str_is(&w->hdr, 0, "alg", alg_name) ||
	    !str_is(&w->hdr, 0, "enc", "A256GCM"))
		return SVSM_E_INVAL;
	/* "zip" would need decompression; "crit" names what we ignore. */
	if (kbs_json_get(&w->hdr, 0, "zip") >= 0 ||
	    kbs_json_get(&w->hdr, 0, "crit") >= 0)
		return SVSM_E_INVAL;
	epk = kbs_json_get(&w->hdr, 0, "epk");
	if (!str_is(&w->hdr, epk, "kty", "EC") ||
	    !str_is(&w->hdr, epk, "crv", "P-256") ||
	    !field_exact(&w->hdr, epk, "x", w->epk_x, KBS_EC_COORD) ||
	    !field_exact(&w->hdr, epk, "y", w->epk_y, KBS_EC_COORD))
		return SVSM_E_INVAL;
	return SVSM_OK;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 7518 §4.6.2, one round of SHA-256, 256-bit output, empty apu/apv. */
static enum svsm_err concat_kdf(struct jwe_work *w)
{
	uint8_t *p = w->kdf_in;
	size_t alen = sizeof(alg_name) - 1;

	put_be32(p, 1);
	memcpy(p + 4, w->z, KBS_EC_COORD);
	p += 4 + KBS_EC_COORD;
	put_be32(p, (uint32_t)alen);
	memcpy(p + 4, alg_name, alen);
	p += 4 + alen;
	put_be32(p, 0);
	put_be32(p + 4, 0);
	put_be32(p + 8, 256);
	return kbs_sha256(w->kdf_in, sizeof(w->kdf_in), w->kek);
}

static enum svsm_err decrypt(struct jwe_work *w, const struct kbs_ec_key *k,
			     const char *body, size_t len, uint8_t *out,
			     size_t cap, size_t *got)
{
	const char *prot;
	const char *ct;
	size_t prot_len;
	size_t ct_len;
	size_t ct_bytes;
	size_t cek_len;
	enum svsm_err err;

	if (kbs_json_parse(&w->doc, body, len) != SVSM_OK ||
	    !kbs_json_get_str(&w->doc, 0, "protected", PROTECTED_MAX, &prot,
			      &prot_len) ||
	    !field_exact(&w->doc, 0, "encrypted_key", w->wrapped, KW_WRAPPED) ||
	    !field_exact(&w->doc, 0, "iv", w->iv, GCM_IV) ||
	    !field_exact(&w->doc, 0, "tag", w->tag, GCM_TAG) ||
	    !kbs_json_get_str(&w->doc, 0, "ciphertext", kbs_b64_len(cap, true),
			      &ct, &ct_len))
		return SVSM_E_INVAL;
	/* Trustee sends no "aad"; one we would have to fold in is refused. */
	if (kbs_json_get(&w->doc, 0, "aad") >= 0)
		return SVSM_E_INVAL;
	err = parse_header(w, prot, prot_len);
	if (err != SVSM_OK)
		return err;
	/* The ciphertext is decoded into out, then decrypted in place. */
	if (!kbs_b64_decode(ct, ct_len, true, out, cap, &ct_bytes))
		return SVSM_E_INVAL;
	err = kbs_ec_ecdh(k, w->epk_x, w->epk_y, w->z);
	if (err == SVSM_OK)
		err = concat_kdf(w);
	if (err == SVSM_OK)
		err = kbs_aes_kw_unwrap(w->kek, w->wrapped, KW_WRAPPED, w->cek,
					sizeof(w->cek), &cek_len);
	if (err == SVSM_OK && cek_len != sizeof(w->cek))
		err = SVSM_E_INVAL;
	if (err == SVSM_OK)
		err = kbs_gcm_open(w->cek, w->iv, prot, prot_len, out, ct_bytes,
				   w->tag, out);
	if (err != SVSM_OK)
		return err == SVSM_E_NOMEM ? err : SVSM_E_INVAL;
	*got = ct_bytes;
	return SVSM_OK;
}

enum svsm_err kbs_jwe_decrypt(const struct kbs_ec_key *k, const char *body,
			      size_t len, uint8_t *out, size_t cap, size_t *got)
{
	struct jwe_work *w = kmalloc(sizeof(*w));
	enum svsm_err err;

	*got = 0;
	if (!w)
		return SVSM_E_NOMEM;
	err = decrypt(w, k, body, len, out, cap, got);
	if (err != SVSM_OK) {
		kbs_wipe(out, cap);
		*got = 0;
	}
	kbs_wipe(w, sizeof(*w));
	kfree(w);
	return err;
}
