/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of libmeasure's SNP ID blocks (tools/libmeasure/idblock.c):
 * the block bytes against sev-snp-measure's vector, the byte offsets of the
 * firmware structures, r/s and qx/qy encodings checked against OpenSSL's own
 * DER and point encodings (decoded here, independently of the library),
 * RFC 6979 A.2.6 for the deterministic mode, sign -> verify round trips and
 * one rejection per field that verification must cover. Keys are generated
 * at test time; no key file is committed. Formats: igvm_defs
 * 0.4.0 (IGVM_VHS_SNP_ID_BLOCK), AMD 56860 SNP_LAUNCH_FINISH (ID_BLOCK,
 * ID_AUTH_INFO); vectors: sev-snp-measure 0.0.13, tests/test_id_block.py.
 */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "idblock.h"
#include "test.h"

#define P384 IDBLOCK_P384_SIZE

/* sev-snp-measure 0.0.13, tests/test_id_block.py: the LD and the block. */
static const char vector_ld_b64[] =
	"B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t";
static const char vector_block_b64[] =
	"B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA";

/* RFC 6979 A.2.6: the P-384 key and the SHA-384 signatures. */
static const char rfc_x[] = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA"
			    "9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
static const char rfc_ux[] = "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E"
			     "06AAE5286B300C64DEF8F0EA9055866064A254515480BC13";
static const char rfc_uy[] = "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9"
			     "F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720";
static const char rfc_sample_r[] =
	"94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA7"
	"3D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46";
static const char rfc_sample_s[] =
	"99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526"
	"203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8";
static const char rfc_test_r[] =
	"8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36"
	"AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB";
static const char rfc_test_s[] =
	"DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B"
	"827C2F13173923E06A739F040649A667BF3B828246BAA5A5";

static int unhex(const char *s, uint8_t *out, size_t len)
{
	if (strlen(s) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char byte[3] = {s[2 * i], s[2 * i + 1], '\0'};
		char *end = NULL;

		out[i] = (uint8_t)strtoul(byte, &end, 16);
		if (end != byte + 2)
			return -1;
	}
	return 0;
}

/* Big-endian bytes as the 72-byte LE field the SNP structures use. */
static void be_to_field(const uint8_t *be, size_t len,
			uint8_t field[IDBLOCK_COMP_SIZE])
{
	memset(field, 0, IDBLOCK_COMP_SIZE);
	for (size_t i = 0; i < len; i++)
		field[i] = be[len - 1 - i];
}

static size_t b64(const char *s, uint8_t *out)
{
	int n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)strlen(s));

	return n < 0 ? 0 : (size_t)n;
}

/* A fresh key: RSA (1024 bits: only its type matters), EC on curve, ... */
static EVP_PKEY *gen(const char *type, const char *curve)
{
	if (!strcmp(type, "RSA"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	if (!strcmp(type, "EC"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	return EVP_PKEY_Q_keygen(NULL, NULL, type);
}

/*
 * Writes pkey as PEM (PKCS#8, or SEC1 "EC PRIVATE KEY" when traditional)
 * and loads it through the library. Returns the rc of idblock_key_from_pem.
 */
static int load_pem(EVP_PKEY *pkey, bool traditional, struct idblock_key **k,
		    char err[IDBLOCK_ERR_LEN])
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long len;
	int rc = -1;

	*k = NULL;
	if (!bio)
		return -1;
	if (traditional ? PEM_write_bio_PrivateKey_traditional(
				  bio, pkey, NULL, NULL, 0, NULL, NULL)
			: PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0,
						   NULL, NULL)) {
		len = BIO_get_mem_data(bio, &pem);
		rc = idblock_key_from_pem(pem, (size_t)len, "test.pem", k, err);
	}
	BIO_free(bio);
	return rc;
}

/* A fresh P-384 key, both as OpenSSL's EVP_PKEY and as the library's key. */
struct pair {
	EVP_PKEY *pkey;
	struct idblock_key *k;
};

static bool pair_new(struct pair *p)
{
	char err[IDBLOCK_ERR_LEN];

	p->k = NULL;
	p->pkey = gen("EC", "P-384");
	return p->pkey && !load_pem(p->pkey, false, &p->k, err);
}

static void pair_free(struct pair *p)
{
	idblock_key_free(p->k);
	EVP_PKEY_free(p->pkey);
}

/* OpenSSL's uncompressed point 04 || X || Y of pkey (97 bytes). */
static bool point_of(EVP_PKEY *pkey, uint8_t pt[1 + 2 * P384])
{
	size_t len = 0;

	return EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY,
					       pt, 1 + 2 * P384, &len) &&
	       len == 1 + 2 * P384 && pt[0] == 4;
}

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the 0x404-byte SNP key
 * built by hand from OpenSSL's point.
 */
static bool snp_key_digest_of(EVP_PKEY *pkey, uint8_t out[48])
{
	uint8_t buf[0x404] = {0};
	uint8_t pt[1 + 2 * P384];

	if (!point_of(pkey, pt))
		return false;
	buf[0] = 2; /* curve P-384, u32 LE */
	be_to_field(pt + 1, P384, buf + 4);
	be_to_field(pt + 1 + P384, P384, buf + 0x4C);
	return EVP_Digest(buf, sizeof(buf), out, NULL, EVP_sha384(), NULL);
}

/*
 * A minimal DER reader of ECDSA-Sig-Value (SEQUENCE { INTEGER r, INTEGER s
 * }), written here so that the library's decoder is checked against code
 * that shares nothing with it. Returns big-endian r and s without the sign
 * byte, or false.
 */
static bool der_int(const uint8_t **p, const uint8_t *end, uint8_t out[P384],
		    size_t *out_len)
{
	size_t len;

	if (end - *p < 2 || (*p)[0] != 0x02)
		return false;
	len = (*p)[1];
	*p += 2;
	if (len > (size_t)(end - *p) || !len)
		return false;
	if (len > 1 && (*p)[0] == 0) { /* sign byte of a "negative" top bit */
		(*p)++;
		len--;
	}
	if (len > P384)
		return false;
	memcpy(out, *p, len);
	*out_len = len;
	*p += len;
	return true;
}

static bool der_decode(const uint8_t *der, size_t len, uint8_t r[P384],
		       size_t *rl, uint8_t s[P384], size_t *sl)
{
	const uint8_t *p = der + 2;
	const uint8_t *end = der + len;

	/* P-384 signatures are at most 104 bytes: a one-byte length. */
	if (len < 2 || der[0] != 0x30 || der[1] != len - 2)
		return false;
	return der_int(&p, end, r, rl) && der_int(&p, end, s, sl) && p == end;
}

/* Verifies an LE r/s with OpenSSL directly (own DER, own key object). */
static bool openssl_verifies(EVP_PKEY *pkey, const void *msg, size_t len,
			     const struct igvm_vhs_snp_id_block_signature *sig)
{
	uint8_t rb[IDBLOCK_COMP_SIZE];
	uint8_t sb[IDBLOCK_COMP_SIZE];
	uint8_t der[128];
	unsigned char *p = der;
	ECDSA_SIG *es = ECDSA_SIG_new();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	BIGNUM *r;
	BIGNUM *s;
	bool ok = false;
	int n;

	for (size_t i = 0; i < IDBLOCK_COMP_SIZE; i++) {
		rb[i] = sig->r_comp[IDBLOCK_COMP_SIZE - 1 - i];
		sb[i] = sig->s_comp[IDBLOCK_COMP_SIZE - 1 - i];
	}
	r = BN_bin2bn(rb, sizeof(rb), NULL);
	s = BN_bin2bn(sb, sizeof(sb), NULL);
	if (!es || !md || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	n = i2d_ECDSA_SIG(es, &p);
	ok = n > 0 &&
	     EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, pkey) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)n, msg, len) == 1;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return ok;
}

static const struct idblock_params sample_params = {
	.ld = {0x11, 0x22, 0x33, [47] = 0x99},
	.family_id = {0xfa, [15] = 0x01},
	.image_id = {0x1a, [15] = 0x02},
	.guest_svn = 7,
	.policy = 0x30000,
};

/*
 * sev-snp-measure 0.0.13, tests/test_id_block.py: its ID block vector, byte for
 * byte.
 */
TEST(idblock, block_matches_sev_snp_measure_vector)
{
	struct idblock_params p = {.policy = 0x30000};
	struct idblock_snp_id_block block;
	uint8_t want[96 + 2];

	ASSERT_EQ(b64(vector_ld_b64, p.ld), 48);
	ASSERT_EQ(b64(vector_block_b64, want), 96);
	idblock_build(&p, &block);
	ASSERT_EQ(sizeof(block), 96);
	EXPECT_TRUE(!memcmp(&block, want, 96));
}

/*
 * AMD 56860, the ID_BLOCK structure: where each field of the 96-byte block
 * lands.
 */
TEST(idblock, block_field_offsets)
{
	struct idblock_snp_id_block block;
	const uint8_t *b = (const uint8_t *)&block;

	idblock_build(&sample_params, &block);
	EXPECT_EQ(b[0x00], 0x11);
	EXPECT_EQ(b[0x2F], 0x99);
	EXPECT_EQ(b[0x30], 0xfa);
	EXPECT_EQ(b[0x3F], 0x01);
	EXPECT_EQ(b[0x40], 0x1a);
	EXPECT_EQ(b[0x4F], 0x02);
	EXPECT_EQ(b[0x50], 1); /* VERSION 1, LE */
	EXPECT_EQ(b[0x51] | b[0x52] | b[0x53], 0);
	EXPECT_EQ(b[0x54], 7);
	EXPECT_EQ(b[0x5A], 0x03); /* policy 0x30000, LE */
	EXPECT_EQ(b[0x58] | b[0x59] | b[0x5B], 0);
}

/*
 * AMD 56860, the ID_AUTH_INFO structure, at the byte offsets of the firmware
 * ABI.
 */
TEST(idblock, auth_info_layout)
{
	struct igvm_vhs_snp_id_block d = {0};
	struct idblock_snp_id_auth_info *ai = malloc(sizeof(*ai));
	const uint8_t *b = (const uint8_t *)ai;

	ASSERT_TRUE(ai != NULL);
	d.id_key_algorithm = 1;
	d.author_key_algorithm = 1;
	d.id_key_signature.r_comp[0] = 0xA1;
	d.id_key_signature.s_comp[0] = 0xA2;
	d.id_public_key.curve = 2;
	d.id_public_key.reserved = 0xdeadbeef; /* must not be copied */
	d.id_public_key.qx[0] = 0xB1;
	d.id_public_key.qy[71] = 0xB2;
	d.author_key_signature.r_comp[0] = 0xC1;
	d.author_key_signature.s_comp[71] = 0xC2;
	d.author_public_key.curve = 2;
	d.author_public_key.qx[0] = 0xD1;
	d.author_public_key.qy[0] = 0xD2;
	idblock_auth_info(&d, ai);
	EXPECT_EQ(sizeof(*ai), 0x1000);
	EXPECT_EQ(b[0x000], 1);
	EXPECT_EQ(b[0x004], 1);
	EXPECT_EQ(b[0x040], 0xA1);
	EXPECT_EQ(b[0x040 + 0x48], 0xA2);
	EXPECT_EQ(b[0x240], 2);
	EXPECT_EQ(b[0x244], 0xB1);
	EXPECT_EQ(b[0x240 + 0x4C + 71], 0xB2);
	EXPECT_EQ(b[0x680], 0xC1);
	EXPECT_EQ(b[0x680 + 0x48 + 71], 0xC2);
	EXPECT_EQ(b[0x880], 2);
	EXPECT_EQ(b[0x884], 0xD1);
	EXPECT_EQ(b[0x880 + 0x4C], 0xD2);
	/* Everything else is zero: 12 marker bytes above, nothing more. */
	{
		unsigned int nonzero = 0;

		for (size_t i = 0; i < sizeof(*ai); i++)
			nonzero += b[i] != 0;
		EXPECT_EQ(nonzero, 12);
	}
	free(ai);
}

/* The library's LE public key against OpenSSL's uncompressed point. */
TEST(idblock, public_key_is_little_endian)
{
	struct igvm_vhs_snp_id_block_public_key pub;
	uint8_t pt[1 + 2 * P384];
	uint8_t want[IDBLOCK_COMP_SIZE];
	struct pair k;

	ASSERT_TRUE(pair_new(&k));
	ASSERT_TRUE(point_of(k.pkey, pt));
	idblock_key_public(k.k, &pub);
	EXPECT_EQ(pub.curve, 2);
	EXPECT_EQ(pub.reserved, 0);
	be_to_field(pt + 1, P384, want);
	EXPECT_TRUE(!memcmp(pub.qx, want, sizeof(want)));
	be_to_field(pt + 1 + P384, P384, want);
	EXPECT_TRUE(!memcmp(pub.qy, want, sizeof(want)));
	pair_free(&k);
}

/* OpenSSL's DER, decoded by the test's own reader, vs the library. */
TEST(idblock, der_signature_decodes_to_le_fields)
{
	static const char msg[] = "id block";
	struct igvm_vhs_snp_id_block_signature sig;
	uint8_t der[128];
	size_t der_len = sizeof(der);
	uint8_t r[P384], s[P384], want[IDBLOCK_COMP_SIZE];
	size_t rl = 0, sl = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct pair k;

	ASSERT_TRUE(md != NULL);
	ASSERT_TRUE(pair_new(&k));
	/* Several signatures, so r or s with a high top bit shows up. */
	for (int i = 0; i < 8; i++) {
		der_len = sizeof(der);
		ASSERT_EQ(EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL,
					     k.pkey),
			  1);
		ASSERT_EQ(EVP_DigestSign(md, der, &der_len,
					 (const uint8_t *)msg, sizeof(msg)),
			  1);
		ASSERT_TRUE(der_decode(der, der_len, r, &rl, s, &sl));
		ASSERT_EQ(idblock_sig_from_der(der, der_len, &sig), 0);
		be_to_field(r, rl, want);
		EXPECT_TRUE(!memcmp(sig.r_comp, want, sizeof(want)));
		be_to_field(s, sl, want);
		EXPECT_TRUE(!memcmp(sig.s_comp, want, sizeof(want)));
	}
	EVP_MD_CTX_free(md);
	pair_free(&k);
}

/* What the library signs, OpenSSL verifies with the test's own DER. */
TEST(idblock, library_signature_verifies_in_openssl)
{
	struct idblock_snp_id_block block;
	struct igvm_vhs_snp_id_block_signature sig;
	char err[IDBLOCK_ERR_LEN];
	struct pair k;

	ASSERT_TRUE(pair_new(&k));
	idblock_build(&sample_params, &block);
	for (int det = 0; det < 2; det++) {
		ASSERT_EQ(idblock_sign(k.k, &block, sizeof(block), det, &sig,
				       err),
			  0);
		EXPECT_TRUE(
			openssl_verifies(k.pkey, &block, sizeof(block), &sig));
		/* The signature is over these 96 bytes, not others. */
		block.guest_svn ^= 1;
		EXPECT_FALSE(
			openssl_verifies(k.pkey, &block, sizeof(block), &sig));
		block.guest_svn ^= 1;
	}
	pair_free(&k);
}

TEST(idblock, der_round_trip_and_rejects)
{
	struct igvm_vhs_snp_id_block_signature sig = {0}, back;
	uint8_t *der = NULL;
	size_t len = 0;
	uint8_t junk[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};

	for (int i = 0; i < P384; i++) {
		sig.r_comp[i] = (uint8_t)(i + 1);
		sig.s_comp[i] = (uint8_t)(0xff - i);
	}
	ASSERT_EQ(idblock_sig_to_der(&sig, &der, &len), 0);
	EXPECT_EQ(idblock_sig_from_der(der, len, &back), 0);
	EXPECT_TRUE(!memcmp(&sig, &back, sizeof(sig)));
	/* Trailing bytes and truncation are rejected. */
	{
		uint8_t longer[128] = {0};

		ASSERT_LT(len, sizeof(longer));
		memcpy(longer, der, len);
		EXPECT_NE(idblock_sig_from_der(longer, len + 1, &back), 0);
	}
	EXPECT_NE(idblock_sig_from_der(der, len - 1, &back), 0);
	free(der);
	EXPECT_EQ(idblock_sig_from_der(junk, sizeof(junk), &back), 0);
	EXPECT_EQ(back.r_comp[0], 1);
	EXPECT_NE(idblock_sig_from_der(junk, sizeof(junk) - 1, &back), 0);
	/* A value above 48 bytes cannot be a P-384 r or s. */
	sig.r_comp[P384] = 1;
	EXPECT_NE(idblock_sig_to_der(&sig, &der, &len), 0);
	EXPECT_TRUE(der == NULL);
}

/* Builds the RFC 6979 A.2.6 key from its scalar and public point. */
static EVP_PKEY *rfc_key(void)
{
	uint8_t x[P384], pt[1 + 2 * P384];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = NULL;

	pt[0] = 4;
	if (unhex(rfc_x, x, P384) || unhex(rfc_ux, pt + 1, P384) ||
	    unhex(rfc_uy, pt + 1 + P384, P384))
		goto out;
	d = BN_bin2bn(x, P384, NULL);
	if (!bld || !ctx || !d ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "P-384", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
					      sizeof(pt)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
		pkey = NULL;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_clear_free(d);
	return pkey;
}

static bool rfc_case(const struct idblock_key *k, const char *msg,
		     const char *r_hex, const char *s_hex)
{
	struct igvm_vhs_snp_id_block_signature sig;
	uint8_t be[P384], want[IDBLOCK_COMP_SIZE];
	char err[IDBLOCK_ERR_LEN];

	if (idblock_sign(k, msg, strlen(msg), true, &sig, err))
		return false;
	if (unhex(r_hex, be, P384))
		return false;
	be_to_field(be, P384, want);
	if (memcmp(sig.r_comp, want, sizeof(want)) != 0)
		return false;
	if (unhex(s_hex, be, P384))
		return false;
	be_to_field(be, P384, want);
	return !memcmp(sig.s_comp, want, sizeof(want));
}

/* RFC 6979 A.2.6, P-384 with SHA-384: "sample" and "test". */
TEST(idblock, deterministic_mode_is_rfc6979)
{
	EVP_PKEY *pkey = rfc_key();
	struct idblock_key *k = NULL;
	struct igvm_vhs_snp_id_block_public_key pub;
	uint8_t be[P384], want[IDBLOCK_COMP_SIZE];
	char err[IDBLOCK_ERR_LEN];

	ASSERT_TRUE(pkey != NULL);
	ASSERT_EQ(load_pem(pkey, true, &k, err), 0);
	idblock_key_public(k, &pub);
	ASSERT_EQ(unhex(rfc_ux, be, P384), 0);
	be_to_field(be, P384, want);
	EXPECT_TRUE(!memcmp(pub.qx, want, sizeof(want)));
	EXPECT_TRUE(rfc_case(k, "sample", rfc_sample_r, rfc_sample_s));
	EXPECT_TRUE(rfc_case(k, "test", rfc_test_r, rfc_test_s));
	idblock_key_free(k);
	EVP_PKEY_free(pkey);
}

static int sign_with(const struct pair *id, const struct pair *author, bool det,
		     struct igvm_vhs_snp_id_block *d)
{
	char err[IDBLOCK_ERR_LEN];

	return idblock_sign_directive(&sample_params, IGVM_MASK_SNP, id->k,
				      author ? author->k : NULL, det, d, err);
}

TEST(idblock, deterministic_twice_is_identical)
{
	struct igvm_vhs_snp_id_block a, b, c;
	struct pair id, au, other;

	ASSERT_TRUE(pair_new(&id) && pair_new(&au) && pair_new(&other));
	ASSERT_EQ(sign_with(&id, &au, true, &a), 0);
	ASSERT_EQ(sign_with(&id, &au, true, &b), 0);
	EXPECT_TRUE(!memcmp(&a, &b, sizeof(a)));
	/* Another ID key: another key and another ID-block signature. */
	ASSERT_EQ(sign_with(&other, &au, true, &c), 0);
	EXPECT_TRUE(memcmp(&a.id_key_signature, &c.id_key_signature,
			   sizeof(c.id_key_signature)));
	EXPECT_TRUE(memcmp(&a.id_public_key, &c.id_public_key,
			   sizeof(c.id_public_key)));
	/* Another author key: only the author half changes. */
	ASSERT_EQ(sign_with(&id, &other, true, &c), 0);
	EXPECT_TRUE(!memcmp(&a.id_key_signature, &c.id_key_signature,
			    sizeof(c.id_key_signature)));
	EXPECT_TRUE(memcmp(&a.author_key_signature, &c.author_key_signature,
			   sizeof(c.author_key_signature)));
	/* The default mode uses a random nonce. */
	ASSERT_EQ(sign_with(&id, &au, false, &b), 0);
	ASSERT_EQ(sign_with(&id, &au, false, &c), 0);
	EXPECT_TRUE(memcmp(&b.id_key_signature, &c.id_key_signature,
			   sizeof(c.id_key_signature)));
	pair_free(&id);
	pair_free(&au);
	pair_free(&other);
}

TEST(idblock, round_trip_with_author_key)
{
	struct igvm_vhs_snp_id_block d;
	struct idblock_report rep;
	struct idblock_snp_public_key snp;
	uint8_t id_digest[48], au_digest[48];
	struct idblock_expect e = {
		.ld = sample_params.ld,
		.policy = sample_params.policy,
		.id_key_digest = id_digest,
		.author_key_digest = au_digest,
	};
	char err[IDBLOCK_ERR_LEN];
	struct pair id, au;

	ASSERT_TRUE(pair_new(&id) && pair_new(&au));
	ASSERT_TRUE(snp_key_digest_of(id.pkey, id_digest));
	ASSERT_TRUE(snp_key_digest_of(au.pkey, au_digest));
	ASSERT_EQ(sign_with(&id, &au, false, &d), 0);
	EXPECT_EQ(d.compatibility_mask, IGVM_MASK_SNP);
	EXPECT_EQ(d.author_key_enabled, 1);
	EXPECT_EQ(d.version, 1);
	EXPECT_EQ(d.id_key_algorithm, 1);
	EXPECT_EQ(d.author_key_algorithm, 1);
	ASSERT_EQ(idblock_verify(&d, &e, &rep, err), 0);
	EXPECT_TRUE(!memcmp(rep.id_key_digest, id_digest, 48));
	EXPECT_TRUE(!memcmp(rep.author_key_digest, au_digest, 48));
	EXPECT_TRUE(rep.author_key_enabled);
	EXPECT_EQ(rep.block.guest_svn, 7);
	EXPECT_EQ(rep.block.policy, 0x30000);
	EXPECT_TRUE(!memcmp(rep.block.family_id, sample_params.family_id, 16));
	/*
	 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the author
	 * signs the SNP form of the ID key.
	 */
	idblock_snp_key_from_igvm(&d.id_public_key, &snp);
	EXPECT_TRUE(openssl_verifies(au.pkey, &snp, sizeof(snp),
				     &d.author_key_signature));
	EXPECT_FALSE(openssl_verifies(au.pkey, &d.id_public_key,
				      sizeof(d.id_public_key),
				      &d.author_key_signature));
	pair_free(&id);
	pair_free(&au);
}

TEST(idblock, round_trip_without_author_key)
{
	static const uint8_t zero[48];
	struct igvm_vhs_snp_id_block d;
	struct idblock_report rep;
	struct idblock_expect e = {.policy = sample_params.policy};
	char err[IDBLOCK_ERR_LEN];
	struct pair id;

	ASSERT_TRUE(pair_new(&id));
	ASSERT_EQ(sign_with(&id, NULL, true, &d), 0);
	EXPECT_EQ(d.author_key_enabled, 0);
	EXPECT_EQ(d.author_public_key.curve, 0);
	ASSERT_EQ(idblock_verify(&d, &e, &rep, err), 0);
	EXPECT_FALSE(rep.author_key_enabled);
	EXPECT_TRUE(!memcmp(rep.author_key_digest, zero, 48));
	/* Expecting an author key that is not there fails. */
	e.author_key_digest = zero;
	EXPECT_NE(idblock_verify(&d, &e, &rep, err), 0);
	pair_free(&id);
}

/* One signed directive, then one change per case; each must fail. */
struct tamper_fixture {
	struct pair id, au;
	struct igvm_vhs_snp_id_block d;
	uint8_t id_digest[48], au_digest[48];
	struct idblock_expect e;
};

static bool tamper_setup(struct tamper_fixture *f)
{
	char err[IDBLOCK_ERR_LEN];

	memset(f, 0, sizeof(*f));
	if (!pair_new(&f->id) || !pair_new(&f->au) ||
	    !snp_key_digest_of(f->id.pkey, f->id_digest) ||
	    !snp_key_digest_of(f->au.pkey, f->au_digest) ||
	    sign_with(&f->id, &f->au, true, &f->d))
		return false;
	f->e = (struct idblock_expect){
		.policy = sample_params.policy,
		.id_key_digest = f->id_digest,
		.author_key_digest = f->au_digest,
	};
	return !idblock_verify(&f->d, &f->e, NULL, err);
}

static void tamper_teardown(struct tamper_fixture *f)
{
	pair_free(&f->id);
	pair_free(&f->au);
}

/* Flips bit `bit` of byte `off` of the directive; true if verify fails. */
static bool rejects_flip(const struct tamper_fixture *f, size_t off, int bit,
			 const char *needle)
{
	struct igvm_vhs_snp_id_block d = f->d;
	char err[IDBLOCK_ERR_LEN] = "";

	((uint8_t *)&d)[off] ^= (uint8_t)(1u << bit);
	if (!idblock_verify(&d, &f->e, NULL, err))
		return false;
	if (needle && !strstr(err, needle)) {
		test_printf("    unexpected message: %s\n", err);
		return false;
	}
	return true;
}

#define OFF(f) offsetof(struct igvm_vhs_snp_id_block, f)

TEST(idblock, verify_rejects_flipped_bits)
{
	struct tamper_fixture f;

	ASSERT_TRUE(tamper_setup(&f));
	/* The signed block: LD, IDs, SVN. */
	EXPECT_TRUE(rejects_flip(&f, OFF(ld), 0, "ID block signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(ld) + 47, 7, "ID block signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(family_id) + 3, 2, "signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(image_id) + 15, 5, "signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(guest_svn), 0, "signature"));
	/* r and s of the ID-block signature, low and high bytes. */
	EXPECT_TRUE(rejects_flip(&f, OFF(id_key_signature.r_comp), 0,
				 "ID block signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_key_signature.r_comp) + 47, 6,
				 "ID block signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_key_signature.s_comp) + 10, 1,
				 "ID block signature"));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_key_signature.s_comp) + 60, 0,
				 "above the 48"));
	/* The ID key: off the curve, or a different (valid) key. */
	EXPECT_TRUE(rejects_flip(&f, OFF(id_public_key.qx), 0, NULL));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_public_key.qy) + 20, 3, NULL));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_public_key.qx) + 50, 0,
				 "above the 48"));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_public_key.curve), 0, "curve"));
	EXPECT_TRUE(
		rejects_flip(&f, OFF(id_public_key.reserved), 0, "reserved"));
	/* The author's signature of the ID key, and the author key. */
	EXPECT_TRUE(rejects_flip(&f, OFF(author_key_signature.r_comp) + 1, 0,
				 "author"));
	EXPECT_TRUE(rejects_flip(&f, OFF(author_key_signature.s_comp), 4,
				 "author"));
	EXPECT_TRUE(
		rejects_flip(&f, OFF(author_public_key.qx) + 5, 0, "author"));
	/* Fixed fields. */
	EXPECT_TRUE(rejects_flip(&f, OFF(version), 1, "version"));
	EXPECT_TRUE(rejects_flip(&f, OFF(id_key_algorithm), 1, "algorithm"));
	EXPECT_TRUE(
		rejects_flip(&f, OFF(author_key_algorithm), 2, "algorithm"));
	EXPECT_TRUE(rejects_flip(&f, OFF(reserved), 0, "reserved"));
	EXPECT_TRUE(rejects_flip(&f, OFF(author_key_enabled), 1,
				 "author_key_enabled"));
	tamper_teardown(&f);
}

/* Turning the author key off must not hide a check the caller asked for. */
TEST(idblock, verify_rejects_disabled_author_when_expected)
{
	struct tamper_fixture f;

	ASSERT_TRUE(tamper_setup(&f));
	EXPECT_TRUE(rejects_flip(&f, OFF(author_key_enabled), 0, "author"));
	tamper_teardown(&f);
}

TEST(idblock, verify_rejects_wrong_expectations)
{
	struct tamper_fixture f;
	struct idblock_expect e;
	uint8_t bad[48];
	char err[IDBLOCK_ERR_LEN];

	ASSERT_TRUE(tamper_setup(&f));
	/* A wrong ID key digest, and a wrong author key digest. */
	e = f.e;
	memcpy(bad, f.id_digest, 48);
	bad[17] ^= 0x40;
	e.id_key_digest = bad;
	EXPECT_NE(idblock_verify(&f.d, &e, NULL, err), 0);
	EXPECT_TRUE(strstr(err, "ID key digest") != NULL);
	e = f.e;
	memcpy(bad, f.au_digest, 48);
	bad[0] ^= 1;
	e.author_key_digest = bad;
	EXPECT_NE(idblock_verify(&f.d, &e, NULL, err), 0);
	EXPECT_TRUE(strstr(err, "author key digest") != NULL);
	/* The digests swapped: each key is checked against its own. */
	e = f.e;
	e.id_key_digest = f.au_digest;
	e.author_key_digest = f.id_digest;
	EXPECT_NE(idblock_verify(&f.d, &e, NULL, err), 0);
	/* Another launch digest or another policy than the signed one. */
	e = f.e;
	memcpy(bad, sample_params.ld, 48);
	bad[5] ^= 1;
	e.ld = bad;
	EXPECT_NE(idblock_verify(&f.d, &e, NULL, err), 0);
	EXPECT_TRUE(strstr(err, "launch digest") != NULL);
	e.ld = sample_params.ld;
	EXPECT_EQ(idblock_verify(&f.d, &e, NULL, err), 0);
	e.policy = 0x30000 | (1u << 19); /* DEBUG */
	EXPECT_NE(idblock_verify(&f.d, &e, NULL, err), 0);
	tamper_teardown(&f);
}

/* A signature by another key, with the matching public key swapped in. */
TEST(idblock, verify_rejects_swapped_id_key)
{
	struct tamper_fixture f;
	struct igvm_vhs_snp_id_block other;
	char err[IDBLOCK_ERR_LEN];

	ASSERT_TRUE(tamper_setup(&f));
	/* ID key and ID-block signature by the author key: the block still
	 * verifies, but the author no longer vouches for that key. */
	ASSERT_EQ(sign_with(&f.au, &f.au, true, &other), 0);
	other.author_key_signature = f.d.author_key_signature;
	f.e.id_key_digest = NULL;
	EXPECT_NE(idblock_verify(&other, &f.e, NULL, err), 0);
	EXPECT_TRUE(strstr(err, "author") != NULL);
	tamper_teardown(&f);
}

static bool refused(EVP_PKEY *pkey, bool traditional, const char *needle)
{
	struct idblock_key *k = NULL;
	char err[IDBLOCK_ERR_LEN] = "";
	bool ok;

	if (!pkey)
		return false;
	ok = load_pem(pkey, traditional, &k, err) != 0 && k == NULL &&
	     strstr(err, needle) && strstr(err, "test.pem") &&
	     !strchr(err, '\n');
	if (!ok)
		test_printf("    message: %s\n", err);
	idblock_key_free(k);
	EVP_PKEY_free(pkey);
	return ok;
}

TEST(idblock, refuses_other_key_types)
{
	EXPECT_TRUE(refused(gen("RSA", NULL), false, "not an ECDSA P-384 key"));
	EXPECT_TRUE(refused(gen("RSA", NULL), true, "not an ECDSA P-384 key"));
	EXPECT_TRUE(
		refused(gen("EC", "P-256"), false, "not an ECDSA P-384 key"));
	EXPECT_TRUE(
		refused(gen("EC", "P-256"), true, "not an ECDSA P-384 key"));
	EXPECT_TRUE(
		refused(gen("EC", "P-521"), false, "not an ECDSA P-384 key"));
	EXPECT_TRUE(
		refused(gen("ED25519", NULL), false, "not an ECDSA P-384 key"));
}

TEST(idblock, loads_sec1_and_pkcs8_refuses_garbage)
{
	static const char junk[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
				   "-----END PRIVATE KEY-----\n";
	struct idblock_key *k = NULL;
	char err[IDBLOCK_ERR_LEN];
	EVP_PKEY *pkey = gen("EC", "P-384");

	ASSERT_TRUE(pkey != NULL);
	EXPECT_EQ(load_pem(pkey, true, &k, err), 0);
	idblock_key_free(k);
	EXPECT_EQ(load_pem(pkey, false, &k, err), 0);
	idblock_key_free(k);
	EVP_PKEY_free(pkey);
	EXPECT_NE(idblock_key_from_pem(junk, sizeof(junk) - 1, "junk.pem", &k,
				       err),
		  0);
	EXPECT_TRUE(k == NULL);
	EXPECT_TRUE(strstr(err, "junk.pem") != NULL);
	EXPECT_NE(idblock_key_load("/nonexistent/key.pem", &k, err), 0);
}

/* An encrypted key is refused without prompting for a passphrase. */
TEST(idblock, refuses_encrypted_key)
{
	EVP_PKEY *pkey = gen("EC", "P-384");
	BIO *bio = BIO_new(BIO_s_mem());
	struct idblock_key *k = NULL;
	char err[IDBLOCK_ERR_LEN];
	char *pem = NULL;
	long len;

	ASSERT_TRUE(pkey && bio);
	ASSERT_TRUE(PEM_write_bio_PrivateKey(bio, pkey, EVP_aes_128_cbc(),
					     (unsigned char *)"pw", 2, NULL,
					     NULL));
	len = BIO_get_mem_data(bio, &pem);
	EXPECT_NE(idblock_key_from_pem(pem, (size_t)len, "enc.pem", &k, err),
		  0);
	EXPECT_TRUE(strstr(err, "unencrypted") != NULL);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}
