/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the model secure processor (sim/psp.c): a report request
 * round trip whose report is checked field by field and whose signature is
 * verified with OpenSSL here (r/s decoded independently of the model), the
 * AEAD rules checked against a second AES-GCM implementation written in this
 * file straight from the reference (IV = LE sequence number, AAD = header
 * 0x30..0x5F), sequence numbers (replay, gap, per VMPCK, exhaustion), every
 * bit of a request and of a response flipped, wrong VMPCKs, malformed
 * headers, truncated and oversized messages, and the secrets-page layout.
 * Every refusal must leave the counters and the response page untouched.
 *
 * sim_psp.export additionally writes one signed report, the VCEK public key
 * and the REPORT_DATA inputs to $SIM_PSP_EXPORT_DIR when it is set, for
 * tests/qemu/psp_openssl_cli.py. Reference: shared/reference/
 * svsm-protocols.md §2.4, §2.5, §1.4 ("ref §x").
 */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/snp_guest_msg.h"

#include "psp.h"
#include "test.h"

#define PAGE	SNP_GUEST_MSG_PAGE_SIZE
#define HDR	0x60u
#define REQ_LEN (HDR + sizeof(struct snp_report_req))
#define RSP_LEN (HDR + sizeof(struct snp_report_rsp))
#define FILL	0xA5u

static void pattern(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + 13 * i);
}

static void test_config(struct sim_psp_config *cfg)
{
	struct sim_psp_launch *l = &cfg->launch;

	memset(cfg, 0, sizeof(*cfg));
	l->guest_svn = 0x11223344;
	l->policy = 0x30000;
	pattern(l->family_id, sizeof(l->family_id), 0x10);
	pattern(l->image_id, sizeof(l->image_id), 0x20);
	l->current_tcb = 0x1500000000000304ull;
	l->reported_tcb = 0x1400000000000203ull;
	l->committed_tcb = 0x1300000000000102ull;
	l->launch_tcb = 0x1200000000000101ull;
	l->platform_info = 0x3;
	l->author_key_en = true;
	pattern(l->measurement, sizeof(l->measurement), 0x30);
	pattern(l->host_data, sizeof(l->host_data), 0x40);
	pattern(l->id_key_digest, sizeof(l->id_key_digest), 0x50);
	pattern(l->author_key_digest, sizeof(l->author_key_digest), 0x60);
	pattern(l->report_id, sizeof(l->report_id), 0x70);
	pattern(l->report_id_ma, sizeof(l->report_id_ma), 0x80);
	pattern(l->chip_id, sizeof(l->chip_id), 0x90);
	l->cpuid_fam_id = 0x19;
	l->cpuid_mod_id = 0x11;
	l->cpuid_step = 0x01;
	l->current_build = 21;
	l->current_minor = 55;
	l->current_major = 1;
	l->committed_build = 20;
	l->committed_minor = 54;
	l->committed_major = 1;
	l->secrets_version = 3;
	l->fms = 0x00a10f11;
	cfg->vmpck_given = true;
	for (unsigned int i = 0; i < SNP_GUEST_MSG_VMPCK_COUNT; i++)
		pattern(cfg->vmpck[i], SNP_GUEST_MSG_KEY_SIZE,
			(uint8_t)(0xA0 + 0x11 * i));
}

static struct sim_psp *new_psp(struct sim_psp_config *cfg)
{
	struct sim_psp *psp = NULL;

	test_config(cfg);
	if (sim_psp_create(cfg, &psp) != SIM_PSP_OK)
		return NULL;
	return psp;
}

static void guest_msg(struct sim_psp_msg *m, const struct sim_psp_config *cfg,
		      unsigned int vmpck_id, uint64_t seqno)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->key, cfg->vmpck[vmpck_id], sizeof(m->key));
	m->vmpck_id = vmpck_id;
	m->seqno = seqno;
	m->msg_type = SNP_MSG_REPORT_REQ;
	m->msg_version = SNP_GUEST_MSG_VERSION;
}

static void report_req(struct snp_report_req *r, uint8_t seed, uint32_t vmpl,
		       uint32_t flags)
{
	memset(r, 0, sizeof(*r));
	pattern(r->report_data, sizeof(r->report_data), seed);
	r->vmpl = vmpl;
	r->flags = flags;
}

/* Seals a report request into page; returns its length, 0 on error. */
static size_t seal_req(const struct sim_psp_msg *m,
		       const struct snp_report_req *r, uint8_t *page)
{
	size_t len = 0;

	if (sim_psp_guest_seal(m, r, sizeof(*r), page, PAGE, &len) !=
	    SIM_PSP_OK)
		return 0;
	return len;
}

static void seqnos(const struct sim_psp *psp, uint64_t out[4])
{
	for (unsigned int i = 0; i < 4; i++)
		out[i] = sim_psp_next_seqno(psp, i);
}

static bool all_byte(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * Sends one request and reports the error in *got. True when it was
 * refused and nothing changed: counters, response page, *resp_len = 0.
 */
static bool refused(struct sim_psp *psp, unsigned int vmpck_id,
		    const uint8_t *req, size_t len, size_t resp_cap,
		    enum sim_psp_err *got)
{
	static uint8_t resp[PAGE];
	uint64_t before[4];
	uint64_t after[4];
	size_t resp_len = 77;

	seqnos(psp, before);
	memset(resp, FILL, sizeof(resp));
	*got = sim_psp_guest_request(psp, vmpck_id, req, len, resp,
				     resp_cap > PAGE ? PAGE : resp_cap,
				     &resp_len);
	seqnos(psp, after);
	return *got != SIM_PSP_OK && resp_len == 0 &&
	       !memcmp(before, after, sizeof(before)) &&
	       all_byte(resp, sizeof(resp), FILL);
}

static bool refused_with(struct sim_psp *psp, unsigned int vmpck_id,
			 const uint8_t *req, size_t len, enum sim_psp_err want)
{
	enum sim_psp_err got;
	bool ok = refused(psp, vmpck_id, req, len, PAGE, &got);

	if (got != want)
		test_printf("  got '%s', want '%s'\n", sim_psp_err_name(got),
			    sim_psp_err_name(want));
	return ok && got == want;
}

/* One report exchange from the guest's side. */
static enum sim_psp_err exchange(struct sim_psp *psp,
				 const struct sim_psp_msg *m,
				 const struct snp_report_req *r,
				 struct snp_report_rsp *rsp)
{
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	size_t len = seal_req(m, r, req);
	size_t resp_len = 0;
	size_t plen = 0;
	enum sim_psp_err err;

	if (!len)
		return SIM_PSP_E_ARG;
	err = sim_psp_guest_request(psp, m->vmpck_id, req, len, resp, PAGE,
				    &resp_len);
	if (err)
		return err;
	if (resp_len != RSP_LEN)
		return SIM_PSP_E_SIZE;
	err = sim_psp_guest_open(m, resp, resp_len, rsp, sizeof(*rsp), &plen);
	if (err)
		return err;
	return plen == sizeof(*rsp) ? SIM_PSP_OK : SIM_PSP_E_SIZE;
}

static EVP_PKEY *pubkey_from_pem(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *pkey = NULL;

	if (bio)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return pkey;
}

static EVP_PKEY *psp_pubkey(const struct sim_psp *psp)
{
	char pem[1024];
	size_t len = 0;

	if (sim_psp_vcek_public_pem(psp, pem, sizeof(pem), &len) != SIM_PSP_OK)
		return NULL;
	return pubkey_from_pem(pem);
}

/*
 * ref §2.4: ECDSA P-384/SHA-384 over bytes 0x000..0x29F; r and s are
 * 72-byte little-endian fields, of which only 48 bytes may be nonzero.
 */
static bool report_verifies(const struct snp_attestation_report *r,
			    EVP_PKEY *pub)
{
	const struct snp_report_signature *s = &r->signature;
	unsigned char *der = NULL;
	BIGNUM *br = NULL;
	BIGNUM *bs = NULL;
	ECDSA_SIG *sig = NULL;
	EVP_MD_CTX *md = NULL;
	int der_len;
	bool ok = false;

	if (!all_byte(s->r + SNP_REPORT_P384_SIZE, 24, 0) ||
	    !all_byte(s->s + SNP_REPORT_P384_SIZE, 24, 0))
		return false;
	br = BN_lebin2bn(s->r, sizeof(s->r), NULL);
	bs = BN_lebin2bn(s->s, sizeof(s->s), NULL);
	sig = ECDSA_SIG_new();
	if (!br || !bs || !sig || !ECDSA_SIG_set0(sig, br, bs)) {
		BN_free(br);
		BN_free(bs);
		goto out;
	}
	der_len = i2d_ECDSA_SIG(sig, &der);
	md = EVP_MD_CTX_new();
	ok = der_len > 0 && md &&
	     EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, pub) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)der_len, (const uint8_t *)r,
			      SNP_REPORT_SIGNED_SIZE) == 1;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return ok;
}

/*
 * A second AES-256-GCM of the guest-message rules, written from ref §2.4
 * and not from sim/psp.c: IV = the 8 LE bytes of the sequence number at
 * header 0x20 followed by 4 zero bytes, AAD = header 0x30..0x5F, tag in
 * header 0x00..0x0F, payload at 0x60. Encrypts (tag written into page) or
 * decrypts (true when the tag verifies).
 */
static bool ref_gcm(bool enc, const uint8_t key[32], uint8_t *page,
		    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t iv[12] = {0};
	uint8_t fin[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n;
	bool ok;

	memcpy(iv, page + 0x20, 8);
	ok = ctx &&
	     EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv, enc) ==
		     1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, page + 0x30, 0x30) == 1 &&
	     (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, page) ==
			     1 &&
		     EVP_CipherFinal_ex(ctx, fin, &n) == 1;
	if (ok && enc)
		ok = EVP_CipherFinal_ex(ctx, fin, &n) == 1 &&
		     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, page) ==
			     1;
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A request built by hand: header fields as given, sealed with ref_gcm. */
static size_t raw_req(uint8_t *page, const struct snp_guest_msg_hdr *hdr,
		      const uint8_t key[32], const void *payload, size_t len)
{
	memset(page, 0, PAGE);
	memcpy(page, hdr, HDR);
	memset(page, 0, 16);
	if (!ref_gcm(true, key, page, payload, len, page + HDR))
		return 0;
	return HDR + len;
}

static void good_hdr(struct snp_guest_msg_hdr *h, uint64_t seqno)
{
	memset(h, 0, sizeof(*h));
	h->msg_seqno = seqno;
	h->algo = 1;
	h->hdr_version = 1;
	h->hdr_sz = 0x60;
	h->msg_type = SNP_MSG_REPORT_REQ;
	h->msg_version = 1;
	h->msg_sz = sizeof(struct snp_report_req);
	h->msg_vmpck = 0;
}

TEST(sim_psp, report_round_trip)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	const struct sim_psp_launch *l = &cfg.launch;
	static struct snp_report_rsp rsp;
	const struct snp_attestation_report *r = &rsp.report;
	struct snp_report_req req;
	struct sim_psp_msg m;
	EVP_PKEY *pub;

	ASSERT_TRUE(psp);
	pub = psp_pubkey(psp);
	EXPECT_TRUE(pub);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 0x5A, 0, SNP_REPORT_KEY_SEL_DEFAULT);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 3);
	EXPECT_EQ(rsp.status, SNP_REPORT_STATUS_SUCCESS);
	EXPECT_EQ(rsp.report_size, SNP_REPORT_SIZE);
	EXPECT_TRUE(all_byte(rsp.reserved, sizeof(rsp.reserved), 0));
	EXPECT_EQ(r->version, SIM_PSP_REPORT_VERSION);
	EXPECT_EQ(r->guest_svn, l->guest_svn);
	EXPECT_EQ(r->policy, l->policy);
	EXPECT_TRUE(!memcmp(r->family_id, l->family_id, 16));
	EXPECT_TRUE(!memcmp(r->image_id, l->image_id, 16));
	EXPECT_EQ(r->vmpl, 0);
	EXPECT_EQ(r->signature_algo, SNP_REPORT_SIG_ALGO_ECDSA_P384_SHA384);
	EXPECT_EQ(r->current_tcb, l->current_tcb);
	EXPECT_EQ(r->platform_info, l->platform_info);
	/* author key enabled, chip id not masked, signed by the VCEK */
	EXPECT_EQ(r->flags, SNP_REPORT_FLAG_AUTHOR_KEY_EN);
	EXPECT_TRUE(!memcmp(r->report_data, req.report_data, 64));
	EXPECT_TRUE(!memcmp(r->measurement, l->measurement, 48));
	EXPECT_TRUE(!memcmp(r->host_data, l->host_data, 32));
	EXPECT_TRUE(!memcmp(r->id_key_digest, l->id_key_digest, 48));
	EXPECT_TRUE(!memcmp(r->author_key_digest, l->author_key_digest, 48));
	EXPECT_TRUE(!memcmp(r->report_id, l->report_id, 32));
	EXPECT_TRUE(!memcmp(r->report_id_ma, l->report_id_ma, 32));
	EXPECT_EQ(r->reported_tcb, l->reported_tcb);
	EXPECT_EQ(r->cpuid_fam_id, 0x19);
	EXPECT_EQ(r->cpuid_mod_id, 0x11);
	EXPECT_EQ(r->cpuid_step, 0x01);
	EXPECT_TRUE(!memcmp(r->chip_id, l->chip_id, 64));
	EXPECT_EQ(r->committed_tcb, l->committed_tcb);
	EXPECT_EQ(r->current_build, 21);
	EXPECT_EQ(r->current_minor, 55);
	EXPECT_EQ(r->current_major, 1);
	EXPECT_EQ(r->committed_build, 20);
	EXPECT_EQ(r->committed_minor, 54);
	EXPECT_EQ(r->committed_major, 1);
	EXPECT_EQ(r->launch_tcb, l->launch_tcb);
	EXPECT_TRUE(all_byte(r->reserved_18b, sizeof(r->reserved_18b), 0));
	EXPECT_TRUE(all_byte(r->reserved_1f8, sizeof(r->reserved_1f8), 0));
	EXPECT_TRUE(all_byte(r->signature.reserved,
			     sizeof(r->signature.reserved), 0));
	EXPECT_TRUE(pub && report_verifies(r, pub));

	/* The signature covers the signed range: any change breaks it. */
	{
		static struct snp_attestation_report bad;

		for (size_t off = 0; off < SNP_REPORT_SIGNED_SIZE;
		     off += 0x29) {
			bad = *r;
			((uint8_t *)&bad)[off] ^= 0x01;
			EXPECT_FALSE(pub && report_verifies(&bad, pub));
		}
		bad = *r;
		bad.signature.r[0] ^= 0x80;
		EXPECT_FALSE(pub && report_verifies(&bad, pub));
	}

	/* The next exchange uses 3 and leaves 5; mask_chip_id zeroes it. */
	guest_msg(&m, &cfg, 0, 3);
	report_req(&req, 0x66, 2, SNP_REPORT_KEY_SEL_VCEK);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.report.vmpl, 2);
	EXPECT_TRUE(!memcmp(r->report_data, req.report_data, 64));
	EXPECT_TRUE(pub && report_verifies(r, pub));
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	EVP_PKEY_free(pub);
	sim_psp_destroy(psp);

	cfg.launch.mask_chip_id = true;
	cfg.launch.author_key_en = false;
	ASSERT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_OK);
	guest_msg(&m, &cfg, 0, 1);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(r->flags, SNP_REPORT_FLAG_MASK_CHIP_ID);
	EXPECT_TRUE(all_byte(r->chip_id, 64, 0));
	sim_psp_destroy(psp);
}

TEST(sim_psp, aead_matches_reference)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req in;
	struct snp_report_req out;
	struct sim_psp_msg m;
	size_t len;
	size_t resp_len = 0;

	ASSERT_TRUE(psp);
	ASSERT_EQ(sim_psp_set_next_seqno(psp, 2, 0x0102030405060709ull),
		  SIM_PSP_OK);
	guest_msg(&m, &cfg, 2, 0x0102030405060709ull);
	report_req(&in, 0x33, 3, 0);
	len = seal_req(&m, &in, req);
	ASSERT_EQ(len, REQ_LEN);
	/* ref §2.4: the header bytes at their offsets. */
	EXPECT_EQ(req[0x20], 0x09);
	EXPECT_EQ(req[0x27], 0x01);
	EXPECT_EQ(req[0x30], 1);
	EXPECT_EQ(req[0x31], 1);
	EXPECT_EQ(req[0x32] | req[0x33] << 8, 0x60);
	EXPECT_EQ(req[0x34], SNP_MSG_REPORT_REQ);
	EXPECT_EQ(req[0x35], 1);
	EXPECT_EQ(req[0x36] | req[0x37] << 8, 0x60);
	EXPECT_EQ(req[0x3C], 2);
	EXPECT_TRUE(all_byte(req + 0x10, 16, 0));
	EXPECT_TRUE(all_byte(req + 0x3D, 35, 0));
	/* The guest helper's ciphertext opens with the reference rules. */
	EXPECT_TRUE(ref_gcm(false, cfg.vmpck[2], req, req + HDR, sizeof(in),
			    (uint8_t *)&out));
	EXPECT_TRUE(!memcmp(&in, &out, sizeof(in)));
	/* And the PSP's response does too, with seqno + 1 and type + 1. */
	ASSERT_EQ(
		sim_psp_guest_request(psp, 2, req, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	ASSERT_EQ(resp_len, RSP_LEN);
	EXPECT_EQ(resp[0x20], 0x0A);
	EXPECT_EQ(resp[0x27], 0x01);
	EXPECT_EQ(resp[0x34], SNP_MSG_REPORT_RSP);
	EXPECT_EQ(resp[0x36] | resp[0x37] << 8, sizeof(rsp));
	EXPECT_EQ(resp[0x3C], 2);
	EXPECT_TRUE(all_byte(resp + 0x10, 16, 0));
	EXPECT_TRUE(ref_gcm(false, cfg.vmpck[2], resp, resp + HDR, sizeof(rsp),
			    (uint8_t *)&rsp));
	EXPECT_EQ(rsp.status, 0);
	EXPECT_EQ(rsp.report.vmpl, 3);
	EXPECT_TRUE(!memcmp(rsp.report.report_data, in.report_data, 64));
	/* A request sealed by hand with the reference rules is served. */
	{
		struct snp_guest_msg_hdr h;

		good_hdr(&h, 0x0102030405060709ull + 2);
		h.msg_vmpck = 2;
		len = raw_req(req, &h, cfg.vmpck[2], &in, sizeof(in));
		ASSERT_EQ(len, REQ_LEN);
		EXPECT_EQ(sim_psp_guest_request(psp, 2, req, len, resp, PAGE,
						&resp_len),
			  SIM_PSP_OK);
	}
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_replay_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t first[PAGE];
	static uint8_t resp[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;
	size_t resp_len;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 1, 0, 0);
	len = seal_req(&m, &req, first);
	ASSERT_EQ(len, REQ_LEN);
	ASSERT_EQ(sim_psp_guest_request(psp, 0, first, len, resp, PAGE,
					&resp_len),
		  SIM_PSP_OK);
	/* The very same bytes again: a replay. */
	EXPECT_TRUE(refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	EXPECT_TRUE(refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 3);
	/* A fresh request with an old number (1) or the response's (2). */
	report_req(&req, 2, 0, 0);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	m.seqno = 2;
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	/* After the refusals the right next request still works. */
	m.seqno = 3;
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.status, 0);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	EXPECT_TRUE(refused_with(psp, 0, first, len, SIM_PSP_E_SEQNO));
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_gap_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	const uint64_t bad[] = {0, 2, 3, 5, 0x101, UINT64_MAX};

	ASSERT_TRUE(psp);
	report_req(&req, 3, 1, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len;

		guest_msg(&m, &cfg, 0, bad[i]);
		len = seal_req(&m, &req, page);
		ASSERT_EQ(len, REQ_LEN);
		EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_SEQNO));
	}
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	guest_msg(&m, &cfg, 0, 1);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	/* Skipping 3 to 5 is a gap too. */
	m.seqno = 5;
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	m.seqno = 3;
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_per_vmpck)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;

	ASSERT_TRUE(psp);
	report_req(&req, 4, 3, 0);
	for (uint64_t s = 1; s <= 7; s += 2) {
		guest_msg(&m, &cfg, 0, s);
		EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	}
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 9);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 2), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 3), 1);
	/* VMPCK2 still starts at 1; VMPCK0's number is a gap for it. */
	guest_msg(&m, &cfg, 2, 9);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_E_SEQNO);
	guest_msg(&m, &cfg, 2, 1);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.report.vmpl, 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 2), 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 9);
	guest_msg(&m, &cfg, 3, 1);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 3), 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 4), 0);
	sim_psp_destroy(psp);
}

TEST(sim_psp, seqno_exhausted)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;

	ASSERT_TRUE(psp);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 0, 0), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 0, 4), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_set_next_seqno(psp, 4, 1), SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	report_req(&req, 5, 0, 0);
	ASSERT_EQ(sim_psp_set_next_seqno(psp, 0, UINT64_MAX - 2), SIM_PSP_OK);
	guest_msg(&m, &cfg, 0, UINT64_MAX - 2);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), UINT64_MAX);
	/* The answer to UINT64_MAX would carry 0: refused for good. */
	guest_msg(&m, &cfg, 0, UINT64_MAX);
	len = seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_SEQNO));
	sim_psp_destroy(psp);
}

TEST(sim_psp, tamper_request_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t good[PAGE];
	static uint8_t bad[PAGE];
	static uint8_t resp[PAGE];
	struct snp_report_req req;
	struct sim_psp_msg m;
	unsigned int unchanged = 0;
	unsigned int wrong_err = 0;
	size_t len;
	size_t resp_len = 0;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 6, 0, 0);
	len = seal_req(&m, &req, good);
	ASSERT_EQ(len, REQ_LEN);
	for (size_t i = 0; i < len; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			enum sim_psp_err got;

			memcpy(bad, good, PAGE);
			bad[i] ^= (uint8_t)(1u << bit);
			if (!refused(psp, 0, bad, len, PAGE, &got)) {
				test_printf("  byte 0x%zx bit %u accepted\n", i,
					    bit);
				unchanged++;
			}
			/* Tag and ciphertext: the AEAD must catch them. */
			if ((i < 16 || i >= HDR) && got != SIM_PSP_E_AUTH)
				wrong_err++;
			if (i >= 0x20 && i < 0x28 && got != SIM_PSP_E_SEQNO)
				wrong_err++;
		}
	}
	EXPECT_EQ(unchanged, 0);
	EXPECT_EQ(wrong_err, 0);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	/* The untouched request is still good afterwards. */
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, good, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	/* Bytes after the message in the 4 KB page are not part of it. */
	guest_msg(&m, &cfg, 0, 3);
	ASSERT_EQ(seal_req(&m, &req, good), REQ_LEN);
	memset(good + REQ_LEN, 0xEE, PAGE - REQ_LEN);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, good, PAGE, resp, PAGE,
					&resp_len),
		  SIM_PSP_OK);
	sim_psp_destroy(psp);
}

TEST(sim_psp, tamper_response_detected)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	static uint8_t bad[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req in;
	struct sim_psp_msg m;
	unsigned int accepted = 0;
	size_t len;
	size_t resp_len = 0;
	size_t plen = 0;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 1, 1);
	report_req(&in, 7, 1, 0);
	len = seal_req(&m, &in, req);
	ASSERT_EQ(
		sim_psp_guest_request(psp, 1, req, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	ASSERT_EQ(resp_len, RSP_LEN);
	for (size_t i = 0; i < resp_len; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			memcpy(bad, resp, resp_len);
			bad[i] ^= (uint8_t)(1u << bit);
			if (sim_psp_guest_open(&m, bad, resp_len, &rsp,
					       sizeof(rsp),
					       &plen) == SIM_PSP_OK)
				accepted++;
		}
	}
	EXPECT_EQ(accepted, 0);
	EXPECT_EQ(sim_psp_guest_open(&m, resp, resp_len, &rsp, sizeof(rsp),
				     &plen),
		  SIM_PSP_OK);
	EXPECT_EQ(plen, sizeof(rsp));
	sim_psp_destroy(psp);
}

TEST(sim_psp, wrong_vmpck_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE];
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t len;

	ASSERT_TRUE(psp);
	report_req(&req, 8, 3, 0);
	/* VMPCK1's key under a header (and a call) that say VMPCK0. */
	guest_msg(&m, &cfg, 0, 1);
	memcpy(m.key, cfg.vmpck[1], sizeof(m.key));
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_AUTH));
	/* The header says 1, the PSP is asked with 0, and the reverse. */
	guest_msg(&m, &cfg, 1, 1);
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_VMPCK));
	guest_msg(&m, &cfg, 0, 1);
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused_with(psp, 1, page, len, SIM_PSP_E_VMPCK));
	/* There are four VMPCKs. */
	EXPECT_TRUE(refused_with(psp, 4, page, len, SIM_PSP_E_VMPCK));
	EXPECT_TRUE(refused_with(psp, ~0u, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 4;
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused_with(psp, 4, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 0xFF;
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_VMPCK));
	m.vmpck_id = 0x100;
	EXPECT_EQ(sim_psp_guest_seal(&m, &req, sizeof(req), page, PAGE, &len),
		  SIM_PSP_E_VMPCK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	EXPECT_EQ(sim_psp_next_seqno(psp, 1), 1);
	/* The right key for each VMPCK is accepted. */
	for (unsigned int i = 0; i < 4; i++) {
		guest_msg(&m, &cfg, i, 1);
		EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
		EXPECT_EQ(rsp.status, 0);
	}
	sim_psp_destroy(psp);
}

/*
 * Report requests that authenticate but ask for what the PSP refuses get a
 * response with a nonzero status and no report; they consume the number.
 */
TEST(sim_psp, report_req_refusals)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	uint64_t seq = 1;
	struct {
		unsigned int vmpck;
		uint32_t vmpl;
		uint32_t flags;
		uint8_t reserved_last;
		uint32_t status;
	} cases[] = {
		{1, 0, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{3, 2, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 4, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0xFFFFFFFF, 0, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, SNP_REPORT_KEY_SEL_VLEK, 0,
		 SNP_REPORT_STATUS_INVALID_KEY},
		{0, 0, 3, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 1u << 5, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 1u << 31, 0, SNP_REPORT_STATUS_INVALID_PARAMS},
		{0, 0, 0, 1, SNP_REPORT_STATUS_INVALID_PARAMS},
		{1, 1, SNP_REPORT_KEY_SEL_VCEK, 0, SNP_REPORT_STATUS_SUCCESS},
		{3, 3, SNP_REPORT_KEY_SEL_DEFAULT, 0,
		 SNP_REPORT_STATUS_SUCCESS},
	};

	ASSERT_TRUE(psp);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int k = cases[i].vmpck;

		seq = sim_psp_next_seqno(psp, k);
		guest_msg(&m, &cfg, k, seq);
		report_req(&req, (uint8_t)i, cases[i].vmpl, cases[i].flags);
		req.reserved[23] = cases[i].reserved_last;
		memset(&rsp, 0xCC, sizeof(rsp));
		EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
		EXPECT_EQ(rsp.status, cases[i].status);
		EXPECT_EQ(sim_psp_next_seqno(psp, k), seq + 2);
		if (cases[i].status) {
			EXPECT_EQ(rsp.report_size, 0);
			EXPECT_TRUE(all_byte((const uint8_t *)&rsp.report,
					     sizeof(rsp.report), 0));
		} else {
			EXPECT_EQ(rsp.report_size, SNP_REPORT_SIZE);
			EXPECT_EQ(rsp.report.vmpl, cases[i].vmpl);
		}
	}
	sim_psp_destroy(psp);
}

TEST(sim_psp, truncated_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE];
	static uint8_t resp[PAGE];
	const size_t cuts[] = {0, 1, 0x20, HDR - 1, HDR, HDR + 1, REQ_LEN - 1};
	struct snp_report_req req;
	struct sim_psp_msg m;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 9, 0, 0);
	len = seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		EXPECT_TRUE(
			refused_with(psp, 0, page, cuts[i], SIM_PSP_E_SHORT));
	EXPECT_EQ(sim_psp_guest_request(NULL, 0, page, len, resp, PAGE,
					&resp_len),
		  SIM_PSP_E_ARG);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, NULL, len, resp, PAGE, &resp_len),
		SIM_PSP_E_ARG);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, NULL, PAGE, &resp_len),
		SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, page, len, resp, PAGE, NULL),
		  SIM_PSP_E_ARG);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	EXPECT_EQ(resp_len, RSP_LEN);
	sim_psp_destroy(psp);
}

TEST(sim_psp, oversized_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE + 16];
	static uint8_t big[PAGE];
	struct snp_guest_msg_hdr h;
	struct snp_report_req req;
	struct sim_psp_msg m;
	enum sim_psp_err got;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 10, 0, 0);
	len = seal_req(&m, &req, page);
	ASSERT_EQ(len, REQ_LEN);
	/* Longer than the 4 KB request page. */
	EXPECT_TRUE(refused_with(psp, 0, page, PAGE + 1, SIM_PSP_E_TOO_LONG));
	EXPECT_TRUE(refused_with(psp, 0, page, (size_t)-1, SIM_PSP_E_TOO_LONG));
	/* msg_sz beyond what a page can hold, or beyond what was sent. */
	good_hdr(&h, 1);
	h.msg_sz = SNP_GUEST_MSG_MAX_PAYLOAD + 1;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(refused_with(psp, 0, page, PAGE, SIM_PSP_E_TOO_LONG));
	h.msg_sz = 0xFFFF;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(refused_with(psp, 0, page, PAGE, SIM_PSP_E_TOO_LONG));
	h.msg_sz = 0x100;
	memcpy(page, &h, HDR);
	EXPECT_TRUE(refused_with(psp, 0, page, REQ_LEN, SIM_PSP_E_SHORT));
	/* A sealed report request with a page-sized payload. */
	EXPECT_EQ(sim_psp_guest_seal(&m, big, SNP_GUEST_MSG_MAX_PAYLOAD + 1,
				     page, sizeof(page), &len),
		  SIM_PSP_E_TOO_LONG);
	ASSERT_EQ(sim_psp_guest_seal(&m, big, SNP_GUEST_MSG_MAX_PAYLOAD, page,
				     sizeof(page), &len),
		  SIM_PSP_OK);
	EXPECT_EQ(len, PAGE);
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_SIZE));
	/* A response buffer one byte short. */
	len = seal_req(&m, &req, page);
	EXPECT_TRUE(refused(psp, 0, page, len, RSP_LEN - 1, &got));
	EXPECT_EQ(got, SIM_PSP_E_RESP_SPACE);
	EXPECT_EQ(sim_psp_guest_request(psp, 0, page, len, big, RSP_LEN,
					&resp_len),
		  SIM_PSP_OK);
	EXPECT_EQ(resp_len, RSP_LEN);
	sim_psp_destroy(psp);
}

/* Each header rule, on requests sealed correctly with the bad value. */
TEST(sim_psp, header_fields_refused)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t page[PAGE];
	static uint8_t payload[0x61];
	static uint8_t resp[PAGE];
	struct snp_guest_msg_hdr h;
	struct snp_report_req req;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	report_req(&req, 11, 0, 0);
	memcpy(payload, &req, sizeof(req));

#define BAD_HDR(stmt, want)                                               \
	do {                                                              \
		good_hdr(&h, 1);                                          \
		stmt;                                                     \
		len = raw_req(page, &h, cfg.vmpck[0], payload, h.msg_sz); \
		EXPECT_TRUE(len &&refused_with(psp, 0, page, len, want)); \
	} while (0)

	BAD_HDR(h.algo = 0, SIM_PSP_E_HDR);
	BAD_HDR(h.algo = 2, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_version = 0, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_version = 2, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_sz = 0x40, SIM_PSP_E_HDR);
	BAD_HDR(h.hdr_sz = 0x80, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_28 = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_38 = 0x80000000u, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_3d[0] = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.reserved_3d[34] = 1, SIM_PSP_E_HDR);
	BAD_HDR(h.msg_type = SNP_MSG_TYPE_INVALID, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_CPUID_REQ, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_KEY_REQ, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_REPORT_RSP, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = SNP_MSG_TSC_INFO_REQ, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_type = 0xFF, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_version = 0, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_version = 2, SIM_PSP_E_TYPE);
	BAD_HDR(h.msg_sz = 0, SIM_PSP_E_SIZE);
	BAD_HDR(h.msg_sz = sizeof(req) - 1, SIM_PSP_E_SIZE);
	BAD_HDR(h.msg_sz = sizeof(req) + 1, SIM_PSP_E_SIZE);
#undef BAD_HDR

	/* Bytes 16..31 of the tag field are outside the AEAD: must be 0. */
	good_hdr(&h, 1);
	len = raw_req(page, &h, cfg.vmpck[0], payload, sizeof(req));
	page[0x1F] = 1;
	EXPECT_TRUE(refused_with(psp, 0, page, len, SIM_PSP_E_HDR));
	page[0x1F] = 0;
	EXPECT_EQ(
		sim_psp_guest_request(psp, 0, page, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	sim_psp_destroy(psp);
}

/* Opens resp as the answer to m; *payload_len must be 0 on refusal. */
static enum sim_psp_err open_as(const struct sim_psp_msg *m,
				const uint8_t *resp, size_t len, size_t cap)
{
	static struct snp_report_rsp rsp;
	size_t plen = 99;
	enum sim_psp_err err;

	err = sim_psp_guest_open(m, resp, len, &rsp, cap, &plen);
	if (err == SIM_PSP_OK)
		return plen == sizeof(rsp) && !rsp.status ? err
							  : SIM_PSP_E_SIZE;
	return plen ? SIM_PSP_E_ARG : err;
}

TEST(sim_psp, guest_open_checks)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	const size_t cap = sizeof(struct snp_report_rsp);
	struct snp_report_req in;
	struct sim_psp_msg m;
	struct sim_psp_msg w;
	size_t resp_len = 0;
	size_t len;

	ASSERT_TRUE(psp);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&in, 12, 0, 0);
	len = seal_req(&m, &in, req);
	ASSERT_EQ(
		sim_psp_guest_request(psp, 0, req, len, resp, PAGE, &resp_len),
		SIM_PSP_OK);
	/* ref §2.4: seqno + 1, type + 1, same version and VMPCK, tag. */
	w = m;
	w.seqno = 3;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_SEQNO);
	w = m;
	w.msg_type = SNP_MSG_KEY_REQ;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_TYPE);
	w = m;
	w.msg_version = 2;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_TYPE);
	w = m;
	w.vmpck_id = 1;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_VMPCK);
	w = m;
	w.key[31] ^= 1;
	EXPECT_EQ(open_as(&w, resp, resp_len, cap), SIM_PSP_E_AUTH);
	EXPECT_EQ(open_as(&m, resp, resp_len, cap - 1), SIM_PSP_E_RESP_SPACE);
	EXPECT_EQ(open_as(&m, resp, HDR - 1, cap), SIM_PSP_E_SHORT);
	EXPECT_EQ(open_as(&m, resp, resp_len - 1, cap), SIM_PSP_E_SHORT);
	EXPECT_EQ(open_as(&m, resp, PAGE + 1, cap), SIM_PSP_E_TOO_LONG);
	EXPECT_EQ(open_as(&m, resp, resp_len, cap), SIM_PSP_OK);
	sim_psp_destroy(psp);
}

static char *pem_of(EVP_PKEY *pkey, bool private_key, bool encrypt)
{
	char *data = NULL;
	char *copy = NULL;
	long n;
	BIO *bio = BIO_new(BIO_s_mem());
	int ok;

	if (!bio)
		return NULL;
	if (!private_key)
		ok = PEM_write_bio_PUBKEY(bio, pkey);
	else if (encrypt)
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(),
						   "secret", 6, NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
					      NULL);
	n = BIO_get_mem_data(bio, &data);
	if (ok == 1 && n > 0 && (copy = malloc((size_t)n + 1))) {
		memcpy(copy, data, (size_t)n);
		copy[n] = '\0';
	}
	BIO_free(bio);
	return copy;
}

static void vcek_pem_cases(EVP_PKEY *key, const char *priv, const char *pub,
			   const char *enc, const char *p256_pem)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = NULL;
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	char got[1024];
	size_t len = 0;

	test_config(&cfg);
	cfg.vcek_pem = priv;
	ASSERT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_vcek_public_pem(psp, got, sizeof(got), &len),
		  SIM_PSP_OK);
	EXPECT_EQ(len, strlen(pub));
	EXPECT_TRUE(!strcmp(got, pub));
	EXPECT_EQ(sim_psp_vcek_public_pem(psp, got, len, &len),
		  SIM_PSP_E_RESP_SPACE);
	guest_msg(&m, &cfg, 0, 1);
	report_req(&req, 13, 0, 0);
	EXPECT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_TRUE(report_verifies(&rsp.report, key));
	sim_psp_destroy(psp);

	/* Not a P-384 private key, or one it cannot read without a prompt. */
	cfg.vcek_pem = p256_pem;
	EXPECT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_E_KEY);
	EXPECT_TRUE(psp == NULL);
	cfg.vcek_pem = pub;
	EXPECT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_E_KEY);
	cfg.vcek_pem = enc;
	EXPECT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_E_KEY);
	cfg.vcek_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
		       "-----END PRIVATE KEY-----\n";
	EXPECT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_E_KEY);
	cfg.vcek_pem = "";
	EXPECT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_E_KEY);
	EXPECT_EQ(sim_psp_create(&cfg, NULL), SIM_PSP_E_ARG);
}

TEST(sim_psp, vcek_from_pem)
{
	EVP_PKEY *key = EVP_EC_gen("P-384");
	EVP_PKEY *p256 = EVP_EC_gen("P-256");
	char *priv = key ? pem_of(key, true, false) : NULL;
	char *pub = key ? pem_of(key, false, false) : NULL;
	char *enc = key ? pem_of(key, true, true) : NULL;
	char *p256_pem = p256 ? pem_of(p256, true, false) : NULL;

	EXPECT_TRUE(priv && pub && enc && p256_pem);
	if (priv && pub && enc && p256_pem)
		vcek_pem_cases(key, priv, pub, enc, p256_pem);
	free(priv);
	free(pub);
	free(enc);
	free(p256_pem);
	EVP_PKEY_free(key);
	EVP_PKEY_free(p256);
}

TEST(sim_psp, random_keys)
{
	struct sim_psp *a = NULL;
	struct sim_psp *b = NULL;
	uint8_t ka[32];
	uint8_t kb[32];
	char pa[1024];
	char pb[1024];
	size_t la = 0;
	size_t lb = 0;

	ASSERT_EQ(sim_psp_create(NULL, &a), SIM_PSP_OK);
	ASSERT_EQ(sim_psp_create(NULL, &b), SIM_PSP_OK);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(sim_psp_vmpck(a, i, ka), SIM_PSP_OK);
		EXPECT_EQ(sim_psp_vmpck(b, i, kb), SIM_PSP_OK);
		EXPECT_FALSE(all_byte(ka, 32, 0));
		EXPECT_TRUE(memcmp(ka, kb, 32) != 0);
		EXPECT_EQ(sim_psp_next_seqno(a, i), 1);
	}
	EXPECT_EQ(sim_psp_vmpck(a, 4, ka), SIM_PSP_E_ARG);
	EXPECT_TRUE(strcmp(sim_psp_err_name(SIM_PSP_E_SEQNO),
			   sim_psp_err_name(SIM_PSP_E_AUTH)) != 0);
	EXPECT_TRUE(!strcmp(sim_psp_err_name((enum sim_psp_err)1000),
			    "unknown error"));
	EXPECT_EQ(sim_psp_vcek_public_pem(a, pa, sizeof(pa), &la), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_vcek_public_pem(b, pb, sizeof(pb), &lb), SIM_PSP_OK);
	EXPECT_TRUE(strstr(pa, "-----BEGIN PUBLIC KEY-----") == pa);
	EXPECT_TRUE(strcmp(pa, pb) != 0);
	sim_psp_destroy(a);
	sim_psp_destroy(b);
	sim_psp_destroy(NULL);
}

/* ref §2.5, §1.1: the secrets page as bytes, from the PSP and a guest copy. */
TEST(sim_psp, secrets_page_layout)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static struct snp_secrets_page page;
	const uint8_t *b = (const uint8_t *)&page;

	ASSERT_TRUE(psp);
	memset(&page, 0xFF, sizeof(page));
	sim_psp_fill_secrets_page(psp, &page);
	EXPECT_EQ(sizeof(page), 4096);
	EXPECT_EQ(b[0x000], 3);
	EXPECT_EQ(b[0x008], 0x11);
	EXPECT_EQ(b[0x00B], 0x00);
	EXPECT_EQ(b[0x00A], 0xa1);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_TRUE(
			!memcmp(b + 0x20 + 0x20 * (size_t)i, cfg.vmpck[i], 32));
	/* OS area, tweak bitmap, SVSM fields and the rest: zero. */
	EXPECT_TRUE(all_byte(b + 0x0A0, 4096 - 0x0A0, 0));
	EXPECT_TRUE(all_byte(b + 0x004, 4, 0));

	/* What the SVSM writes into the guest's copy. */
	memset(page.vmpck[0], 0, sizeof(page.vmpck[0]));
	page.svsm_base = 0x0102030405060708ull;
	page.svsm_size = 0x1112131415161718ull;
	page.svsm_caa = 0x2122232425262728ull;
	page.svsm_max_version = 0x31323334;
	page.svsm_guest_vmpl = 2;
	page.os_area.msg_seqno[3] = 0x41424344;
	page.os_area.ap_jump_table_pa = 0x5152535455565758ull;
	page.tsc_factor = 0x61626364;
	EXPECT_TRUE(all_byte(b + 0x20, 32, 0));
	EXPECT_EQ(b[0x140], 0x08);
	EXPECT_EQ(b[0x147], 0x01);
	EXPECT_EQ(b[0x148], 0x18);
	EXPECT_EQ(b[0x150], 0x28);
	EXPECT_EQ(b[0x158], 0x34);
	EXPECT_EQ(b[0x15B], 0x31);
	EXPECT_EQ(b[0x15C], 2);
	EXPECT_EQ(b[0x0AC], 0x44);
	EXPECT_EQ(b[0x0B0], 0x58);
	EXPECT_EQ(b[0x160], 0x64);
	EXPECT_TRUE(all_byte(b + 0x15D, 3, 0));
	EXPECT_TRUE(all_byte(b + 0x164, 4096 - 0x164, 0));
	sim_psp_destroy(psp);
}

static bool write_file(const char *dir, const char *name, const void *data,
		       size_t len)
{
	char path[4096];
	FILE *f;
	bool ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return false;
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/*
 * One report as the SVSM's attestation protocol would request it
 * (ref §1.4: REPORT_DATA = SHA-512(nonce || manifest), VMPL0, VMPCK0),
 * verified here and, when SIM_PSP_EXPORT_DIR is set, written out with the
 * VCEK public key for the openssl command-line check.
 */
TEST(sim_psp, export)
{
	static const char manifest[] = "csvsm sim_psp export manifest";
	struct sim_psp_config cfg;
	struct sim_psp *psp = new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	uint8_t nonce[64];
	uint8_t both[64 + sizeof(manifest) - 1];
	unsigned int dlen = 0;
	const char *dir = getenv("SIM_PSP_EXPORT_DIR");
	char pem[1024];
	size_t pem_len = 0;
	EVP_PKEY *pub;

	ASSERT_TRUE(psp);
	for (unsigned int i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)i;
	memcpy(both, nonce, sizeof(nonce));
	memcpy(both + sizeof(nonce), manifest, sizeof(manifest) - 1);
	report_req(&req, 0, 0, 0);
	ASSERT_EQ(EVP_Digest(both, sizeof(both), req.report_data, &dlen,
			     EVP_sha512(), NULL),
		  1);
	ASSERT_EQ(dlen, 64);
	guest_msg(&m, &cfg, 0, 1);
	ASSERT_EQ(exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	ASSERT_EQ(rsp.status, 0);
	ASSERT_EQ(sim_psp_vcek_public_pem(psp, pem, sizeof(pem), &pem_len),
		  SIM_PSP_OK);
	pub = pubkey_from_pem(pem);
	EXPECT_TRUE(pub && report_verifies(&rsp.report, pub));
	EVP_PKEY_free(pub);
	if (dir && *dir) {
		EXPECT_TRUE(write_file(dir, "report.bin", &rsp.report,
				       sizeof(rsp.report)));
		EXPECT_TRUE(write_file(dir, "vcek.pem", pem, pem_len));
		EXPECT_TRUE(write_file(dir, "nonce.bin", nonce, sizeof(nonce)));
		EXPECT_TRUE(write_file(dir, "manifest.bin", manifest,
				       sizeof(manifest) - 1));
		test_printf("  exported report and VCEK to %s\n", dir);
	}
	sim_psp_destroy(psp);
}
