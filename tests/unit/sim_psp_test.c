/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the model secure processor (sim/psp.c): a report request
 * round trip whose report is checked field by field and whose signature is
 * verified with OpenSSL here (r/s decoded independently of the model), the
 * AEAD rules checked against a second AES-GCM implementation written in this
 * file straight from AMD 56860 (IV = LE sequence number, AAD = header
 * 0x30..0x5F), sequence numbers (replay, gap, per VMPCK, exhaustion), every
 * bit of a request and of a response flipped, wrong VMPCKs, malformed
 * headers, truncated and oversized messages, and the secrets-page layout.
 * Every refusal must leave the counters and the response page untouched.
 *
 * sim_psp.export additionally writes one signed report, the VCEK public key
 * and the REPORT_DATA inputs to $SIM_PSP_EXPORT_DIR when it is set, for
 * tests/tools/psp_openssl_cli.py. Reference: AMD 56860 ("56860" below) and
 * AMD 58019 rev 1.00 (SVSM fields, attestation).
 */
#include "sim_psp_fixture.h"
#include "test.h"

TEST(sim_psp, report_round_trip)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	const struct sim_psp_launch *l = &cfg.launch;
	static struct snp_report_rsp rsp;
	const struct snp_attestation_report *r = &rsp.report;
	struct snp_report_req req;
	struct sim_psp_msg m;
	EVP_PKEY *pub;

	ASSERT_TRUE(psp);
	pub = pfx_psp_pubkey(psp);
	EXPECT_TRUE(pub);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 1);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 0x5A, 0, SNP_REPORT_KEY_SEL_DEFAULT);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 3);
	EXPECT_EQ(rsp.status, SNP_REPORT_STATUS_SUCCESS);
	EXPECT_EQ(rsp.report_size, SNP_REPORT_SIZE);
	EXPECT_TRUE(pfx_all_byte(rsp.reserved, sizeof(rsp.reserved), 0));
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
	EXPECT_TRUE(pfx_all_byte(r->reserved_18b, sizeof(r->reserved_18b), 0));
	EXPECT_TRUE(pfx_all_byte(r->reserved_1f8, sizeof(r->reserved_1f8), 0));
	EXPECT_TRUE(pfx_all_byte(r->signature.reserved,
				 sizeof(r->signature.reserved), 0));
	EXPECT_TRUE(pub && pfx_report_verifies(r, pub));

	/* The signature covers the signed range: any change breaks it. */
	{
		static struct snp_attestation_report bad;

		for (size_t off = 0; off < SNP_REPORT_SIGNED_SIZE;
		     off += 0x29) {
			bad = *r;
			((uint8_t *)&bad)[off] ^= 0x01;
			EXPECT_FALSE(pub && pfx_report_verifies(&bad, pub));
		}
		bad = *r;
		bad.signature.r[0] ^= 0x80;
		EXPECT_FALSE(pub && pfx_report_verifies(&bad, pub));
	}

	/* The next exchange uses 3 and leaves 5; mask_chip_id zeroes it. */
	pfx_guest_msg(&m, &cfg, 0, 3);
	pfx_report_req(&req, 0x66, 2, SNP_REPORT_KEY_SEL_VCEK);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(rsp.report.vmpl, 2);
	EXPECT_TRUE(!memcmp(r->report_data, req.report_data, 64));
	EXPECT_TRUE(pub && pfx_report_verifies(r, pub));
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 5);
	EVP_PKEY_free(pub);
	sim_psp_destroy(psp);

	cfg.launch.mask_chip_id = true;
	cfg.launch.author_key_en = false;
	ASSERT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_OK);
	pfx_guest_msg(&m, &cfg, 0, 1);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_EQ(r->flags, SNP_REPORT_FLAG_MASK_CHIP_ID);
	EXPECT_TRUE(pfx_all_byte(r->chip_id, 64, 0));
	sim_psp_destroy(psp);
}

TEST(sim_psp, aead_matches_reference)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
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
	pfx_guest_msg(&m, &cfg, 2, 0x0102030405060709ull);
	pfx_report_req(&in, 0x33, 3, 0);
	len = pfx_seal_req(&m, &in, req);
	ASSERT_EQ(len, REQ_LEN);
	/* 56860: the header bytes at their offsets. */
	EXPECT_EQ(req[0x20], 0x09);
	EXPECT_EQ(req[0x27], 0x01);
	EXPECT_EQ(req[0x30], 1);
	EXPECT_EQ(req[0x31], 1);
	EXPECT_EQ(req[0x32] | req[0x33] << 8, 0x60);
	EXPECT_EQ(req[0x34], SNP_MSG_REPORT_REQ);
	EXPECT_EQ(req[0x35], 1);
	EXPECT_EQ(req[0x36] | req[0x37] << 8, 0x60);
	EXPECT_EQ(req[0x3C], 2);
	EXPECT_TRUE(pfx_all_byte(req + 0x10, 16, 0));
	EXPECT_TRUE(pfx_all_byte(req + 0x3D, 35, 0));
	/* The guest helper's ciphertext opens with the second AES-GCM. */
	EXPECT_TRUE(pfx_ref_gcm(false, cfg.vmpck[2], req, req + HDR, sizeof(in),
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
	EXPECT_TRUE(pfx_all_byte(resp + 0x10, 16, 0));
	EXPECT_TRUE(pfx_ref_gcm(false, cfg.vmpck[2], resp, resp + HDR,
				sizeof(rsp), (uint8_t *)&rsp));
	EXPECT_EQ(rsp.status, 0);
	EXPECT_EQ(rsp.report.vmpl, 3);
	EXPECT_TRUE(!memcmp(rsp.report.report_data, in.report_data, 64));
	/* A request sealed by hand with the second AES-GCM is served. */
	{
		struct snp_guest_msg_hdr h;

		pfx_good_hdr(&h, 0x0102030405060709ull + 2);
		h.msg_vmpck = 2;
		len = pfx_raw_req(req, &h, cfg.vmpck[2], &in, sizeof(in));
		ASSERT_EQ(len, REQ_LEN);
		EXPECT_EQ(sim_psp_guest_request(psp, 2, req, len, resp, PAGE,
						&resp_len),
			  SIM_PSP_OK);
	}
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

	pfx_test_config(&cfg);
	cfg.vcek_pem = priv;
	ASSERT_EQ(sim_psp_create(&cfg, &psp), SIM_PSP_OK);
	EXPECT_EQ(sim_psp_vcek_public_pem(psp, got, sizeof(got), &len),
		  SIM_PSP_OK);
	EXPECT_EQ(len, strlen(pub));
	EXPECT_TRUE(!strcmp(got, pub));
	EXPECT_EQ(sim_psp_vcek_public_pem(psp, got, len, &len),
		  SIM_PSP_E_RESP_SPACE);
	pfx_guest_msg(&m, &cfg, 0, 1);
	pfx_report_req(&req, 13, 0, 0);
	EXPECT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	EXPECT_TRUE(pfx_report_verifies(&rsp.report, key));
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
		EXPECT_FALSE(pfx_all_byte(ka, 32, 0));
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

/* 56860, 58019: the secrets page as bytes, from the PSP and a guest copy. */
TEST(sim_psp, secrets_page_layout)
{
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
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
	EXPECT_TRUE(pfx_all_byte(b + 0x0A0, 4096 - 0x0A0, 0));
	EXPECT_TRUE(pfx_all_byte(b + 0x004, 4, 0));

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
	EXPECT_TRUE(pfx_all_byte(b + 0x20, 32, 0));
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
	EXPECT_TRUE(pfx_all_byte(b + 0x15D, 3, 0));
	EXPECT_TRUE(pfx_all_byte(b + 0x164, 4096 - 0x164, 0));
	sim_psp_destroy(psp);
}

/*
 * One report as the SVSM's attestation protocol would request it
 * (58019: REPORT_DATA = SHA-512(nonce || manifest), VMPL0, VMPCK0),
 * verified here and, with a folder, written out with the VCEK public key
 * for the openssl command-line check.
 */
static void one_attestation_report(const char *dir)
{
	static const char manifest[] = "csvsm sim_psp export manifest";
	struct sim_psp_config cfg;
	struct sim_psp *psp = pfx_new_psp(&cfg);
	static struct snp_report_rsp rsp;
	struct snp_report_req req;
	struct sim_psp_msg m;
	uint8_t nonce[64];
	uint8_t both[64 + sizeof(manifest) - 1];
	unsigned int dlen = 0;
	char pem[1024];
	size_t pem_len = 0;
	EVP_PKEY *pub;

	ASSERT_TRUE(psp);
	for (unsigned int i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)i;
	memcpy(both, nonce, sizeof(nonce));
	memcpy(both + sizeof(nonce), manifest, sizeof(manifest) - 1);
	pfx_report_req(&req, 0, 0, 0);
	ASSERT_EQ(EVP_Digest(both, sizeof(both), req.report_data, &dlen,
			     EVP_sha512(), NULL),
		  1);
	ASSERT_EQ(dlen, 64);
	pfx_guest_msg(&m, &cfg, 0, 1);
	ASSERT_EQ(pfx_exchange(psp, &m, &req, &rsp), SIM_PSP_OK);
	ASSERT_EQ(rsp.status, 0);
	ASSERT_EQ(sim_psp_vcek_public_pem(psp, pem, sizeof(pem), &pem_len),
		  SIM_PSP_OK);
	pub = pfx_pubkey_from_pem(pem);
	EXPECT_TRUE(pub && pfx_report_verifies(&rsp.report, pub));
	EVP_PKEY_free(pub);
	if (dir) {
		EXPECT_TRUE(pfx_write_file(dir, "report.bin", &rsp.report,
					   sizeof(rsp.report)));
		EXPECT_TRUE(pfx_write_file(dir, "vcek.pem", pem, pem_len));
		EXPECT_TRUE(
			pfx_write_file(dir, "nonce.bin", nonce, sizeof(nonce)));
		EXPECT_TRUE(pfx_write_file(dir, "manifest.bin", manifest,
					   sizeof(manifest) - 1));
		test_printf("  exported report and VCEK to %s\n", dir);
	}
	sim_psp_destroy(psp);
}

TEST(sim_psp, one_attestation_report)
{
	one_attestation_report(NULL);
}

/* For tests/tools/psp_openssl_cli.py: the report into $SIM_PSP_EXPORT_DIR. */
TEST_FIXTURE(sim_psp_export)
{
	const char *dir = getenv("SIM_PSP_EXPORT_DIR");

	ASSERT_TRUE(dir && *dir);
	one_attestation_report(dir);
}
