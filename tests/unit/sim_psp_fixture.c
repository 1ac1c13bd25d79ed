/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the secure-processor model tests (sim_psp_fixture.h).
 */
#include "sim_psp_fixture.h"

#include "test.h"

void pfx_pattern(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + 13 * i);
}

void pfx_test_config(struct sim_psp_config *cfg)
{
	struct sim_psp_launch *l = &cfg->launch;

	memset(cfg, 0, sizeof(*cfg));
	l->guest_svn = 0x11223344;
	l->policy = 0x30000;
	pfx_pattern(l->family_id, sizeof(l->family_id), 0x10);
	pfx_pattern(l->image_id, sizeof(l->image_id), 0x20);
	l->current_tcb = 0x1500000000000304ull;
	l->reported_tcb = 0x1400000000000203ull;
	l->committed_tcb = 0x1300000000000102ull;
	l->launch_tcb = 0x1200000000000101ull;
	l->platform_info = 0x3;
	l->author_key_en = true;
	pfx_pattern(l->measurement, sizeof(l->measurement), 0x30);
	pfx_pattern(l->host_data, sizeof(l->host_data), 0x40);
	pfx_pattern(l->id_key_digest, sizeof(l->id_key_digest), 0x50);
	pfx_pattern(l->author_key_digest, sizeof(l->author_key_digest), 0x60);
	pfx_pattern(l->report_id, sizeof(l->report_id), 0x70);
	pfx_pattern(l->report_id_ma, sizeof(l->report_id_ma), 0x80);
	pfx_pattern(l->chip_id, sizeof(l->chip_id), 0x90);
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
		pfx_pattern(cfg->vmpck[i], SNP_GUEST_MSG_KEY_SIZE,
			    (uint8_t)(0xA0 + 0x11 * i));
}

struct sim_psp *pfx_new_psp(struct sim_psp_config *cfg)
{
	struct sim_psp *psp = NULL;

	pfx_test_config(cfg);
	if (sim_psp_create(cfg, &psp) != SIM_PSP_OK)
		return NULL;
	return psp;
}

void pfx_guest_msg(struct sim_psp_msg *m, const struct sim_psp_config *cfg,
		   unsigned int vmpck_id, uint64_t seqno)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->key, cfg->vmpck[vmpck_id], sizeof(m->key));
	m->vmpck_id = vmpck_id;
	m->seqno = seqno;
	m->msg_type = SNP_MSG_REPORT_REQ;
	m->msg_version = SNP_GUEST_MSG_VERSION;
}

void pfx_report_req(struct snp_report_req *r, uint8_t seed, uint32_t vmpl,
		    uint32_t flags)
{
	memset(r, 0, sizeof(*r));
	pfx_pattern(r->report_data, sizeof(r->report_data), seed);
	r->vmpl = vmpl;
	r->flags = flags;
}

/* Seals a report request into page; returns its length, 0 on error. */
size_t pfx_seal_req(const struct sim_psp_msg *m, const struct snp_report_req *r,
		    uint8_t *page)
{
	size_t len = 0;

	if (sim_psp_guest_seal(m, r, sizeof(*r), page, PAGE, &len) !=
	    SIM_PSP_OK)
		return 0;
	return len;
}

void pfx_seqnos(const struct sim_psp *psp, uint64_t out[4])
{
	for (unsigned int i = 0; i < 4; i++)
		out[i] = sim_psp_next_seqno(psp, i);
}

bool pfx_all_byte(const uint8_t *p, size_t len, uint8_t v)
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
bool pfx_refused(struct sim_psp *psp, unsigned int vmpck_id, const uint8_t *req,
		 size_t len, size_t resp_cap, enum sim_psp_err *got)
{
	static uint8_t resp[PAGE];
	uint64_t before[4];
	uint64_t after[4];
	size_t resp_len = 77;

	pfx_seqnos(psp, before);
	memset(resp, FILL, sizeof(resp));
	*got = sim_psp_guest_request(psp, vmpck_id, req, len, resp,
				     resp_cap > PAGE ? PAGE : resp_cap,
				     &resp_len);
	pfx_seqnos(psp, after);
	return *got != SIM_PSP_OK && resp_len == 0 &&
	       !memcmp(before, after, sizeof(before)) &&
	       pfx_all_byte(resp, sizeof(resp), FILL);
}

bool pfx_refused_with(struct sim_psp *psp, unsigned int vmpck_id,
		      const uint8_t *req, size_t len, enum sim_psp_err want)
{
	enum sim_psp_err got;
	bool ok = pfx_refused(psp, vmpck_id, req, len, PAGE, &got);

	if (got != want)
		test_printf("  got '%s', want '%s'\n", sim_psp_err_name(got),
			    sim_psp_err_name(want));
	return ok && got == want;
}

/* One report exchange from the guest's side. */
enum sim_psp_err pfx_exchange(struct sim_psp *psp, const struct sim_psp_msg *m,
			      const struct snp_report_req *r,
			      struct snp_report_rsp *rsp)
{
	static uint8_t req[PAGE];
	static uint8_t resp[PAGE];
	size_t len = pfx_seal_req(m, r, req);
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

EVP_PKEY *pfx_pubkey_from_pem(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *pkey = NULL;

	if (bio)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return pkey;
}

EVP_PKEY *pfx_psp_pubkey(const struct sim_psp *psp)
{
	char pem[1024];
	size_t len = 0;

	if (sim_psp_vcek_public_pem(psp, pem, sizeof(pem), &len) != SIM_PSP_OK)
		return NULL;
	return pfx_pubkey_from_pem(pem);
}

/*
 * AMD 56860: ECDSA P-384/SHA-384 over bytes 0x000..0x29F; r and s are
 * 72-byte little-endian fields, of which only 48 bytes may be nonzero.
 */
bool pfx_report_verifies(const struct snp_attestation_report *r, EVP_PKEY *pub)
{
	const struct snp_report_signature *s = &r->signature;
	unsigned char *der = NULL;
	BIGNUM *br = NULL;
	BIGNUM *bs = NULL;
	ECDSA_SIG *sig = NULL;
	EVP_MD_CTX *md = NULL;
	int der_len;
	bool ok = false;

	if (!pfx_all_byte(s->r + SNP_REPORT_P384_SIZE, 24, 0) ||
	    !pfx_all_byte(s->s + SNP_REPORT_P384_SIZE, 24, 0))
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
 * A second AES-256-GCM of the guest-message rules, written from AMD 56860
 * and not from sim/psp.c: IV = the 8 LE bytes of the sequence number at
 * header 0x20 followed by 4 zero bytes, AAD = header 0x30..0x5F, tag in
 * header 0x00..0x0F, payload at 0x60. Encrypts (tag written into page) or
 * decrypts (true when the tag verifies).
 */
bool pfx_ref_gcm(bool enc, const uint8_t key[32], uint8_t *page,
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
size_t pfx_raw_req(uint8_t *page, const struct snp_guest_msg_hdr *hdr,
		   const uint8_t key[32], const void *payload, size_t len)
{
	memset(page, 0, PAGE);
	memcpy(page, hdr, HDR);
	memset(page, 0, 16);
	if (!pfx_ref_gcm(true, key, page, payload, len, page + HDR))
		return 0;
	return HDR + len;
}

void pfx_good_hdr(struct snp_guest_msg_hdr *h, uint64_t seqno)
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

bool pfx_write_file(const char *dir, const char *name, const void *data,
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
