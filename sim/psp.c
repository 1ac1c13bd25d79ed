/* SPDX-License-Identifier: MIT */
/*
 * TRUST: this file is the PSP's end of the SNP guest-message channel. Every
 * byte of a request is controlled by the guest (which may hold a VMPCK it is
 * not meant to use, replay or forge messages) and was carried by the
 * hypervisor (which may truncate, reorder, replay or flip bits). Requests
 * are copied once into private memory, checked there, and authenticated
 * with the VMPCK before any payload is looked at; model state (the
 * sequence counters) and the response page change only after the whole
 * answer has been built, so a hostile value yields an error code and
 * nothing else. The guest-side helpers at the end treat the response page
 * the same way.
 *
 * The model AMD secure processor's guest-request service: AES-256-GCM with
 * the VMPCKs (IV = sequence number, AAD = header 0x30..0x5F), per-VMPCK
 * sequence numbers, and MSG_REPORT_REQ answered with an attestation report
 * signed by a model VCEK (ECDSA P-384 with SHA-384, r and s as 72-byte
 * little-endian fields), and MSG_KEY_REQ answered with a key derived by
 * HKDF-SHA-256 from a per-chip or per-VM root and the selected launch
 * facts (key_req_status, key_derive). Rules and layouts: AMD 56860 guest messages and
 * secrets page ("56860" below). All cryptography is
 * OpenSSL libcrypto.
 */
#include "psp.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"

/* Wire structs are copied to and from the pages as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the PSP model runs on little-endian hosts only");

#define HDR_SIZE    sizeof(struct snp_guest_msg_hdr)
#define MAX_PAYLOAD SNP_GUEST_MSG_MAX_PAYLOAD
#define KEY_SIZE    SNP_GUEST_MSG_KEY_SIZE
#define TAG_SIZE    SNP_GUEST_MSG_TAG_SIZE
#define VMPCKS	    SNP_GUEST_MSG_VMPCK_COUNT
#define MAX_VMPL    3u

struct sim_psp {
	uint8_t vmpck[VMPCKS][KEY_SIZE];
	/* 56860: the number the next request must carry, per VMPCK. */
	uint64_t next_seqno[VMPCKS];
	struct sim_psp_launch launch;
	EVP_PKEY *vcek;
	/* The roots of MSG_KEY_REQ (psp.h, struct sim_psp_config). */
	uint8_t chip_secret[SIM_PSP_ROOT_SIZE];
	uint8_t vmrk[SIM_PSP_ROOT_SIZE];
};

static const char *const err_names[] = {
	[SIM_PSP_OK] = "ok",
	[SIM_PSP_E_ARG] = "bad argument",
	[SIM_PSP_E_SHORT] = "message truncated",
	[SIM_PSP_E_TOO_LONG] = "message too long",
	[SIM_PSP_E_HDR] = "bad message header",
	[SIM_PSP_E_VMPCK] = "wrong VMPCK",
	[SIM_PSP_E_TYPE] = "unexpected message type or version",
	[SIM_PSP_E_SIZE] = "wrong payload size for the message type",
	[SIM_PSP_E_SEQNO] = "wrong sequence number",
	[SIM_PSP_E_AUTH] = "authentication failed",
	[SIM_PSP_E_RESP_SPACE] = "output buffer too small",
	[SIM_PSP_E_KEY] = "VCEK is not an ECDSA P-384 private key",
	[SIM_PSP_E_CRYPTO] = "OpenSSL failure",
	[SIM_PSP_E_NOMEM] = "out of memory",
};

const char *sim_psp_err_name(enum sim_psp_err err)
{
	if ((unsigned int)err >= sizeof(err_names) / sizeof(err_names[0]) ||
	    !err_names[err])
		return "unknown error";
	return err_names[err];
}

/* 56860: the 96-bit IV is the sequence number (LE) and four zeros. */
static void gcm_iv(uint64_t seqno, uint8_t iv[SNP_GUEST_MSG_IV_SIZE])
{
	memset(iv, 0, SNP_GUEST_MSG_IV_SIZE);
	for (unsigned int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(seqno >> (8 * i));
}

static const uint8_t *hdr_aad(const struct snp_guest_msg_hdr *hdr)
{
	return (const uint8_t *)hdr + SNP_GUEST_MSG_AAD_OFFSET;
}

/*
 * AES-256-GCM over len bytes, keyed by a VMPCK, IV and AAD from hdr
 * (56860); the tag goes to tag. len <= MAX_PAYLOAD, so it fits an int.
 */
static enum sim_psp_err gcm_seal(const uint8_t key[KEY_SIZE],
				 const struct snp_guest_msg_hdr *hdr,
				 const uint8_t *pt, size_t len, uint8_t *ct,
				 uint8_t tag[TAG_SIZE])
{
	uint8_t iv[SNP_GUEST_MSG_IV_SIZE];
	uint8_t fin[16];
	EVP_CIPHER_CTX *ctx;
	int n;
	int ok;

	if (len > MAX_PAYLOAD)
		return SIM_PSP_E_TOO_LONG;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return SIM_PSP_E_NOMEM;
	gcm_iv(hdr->msg_seqno, iv);
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ==
		     1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, sizeof(iv),
				 NULL) == 1 &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, NULL, &n, hdr_aad(hdr),
			       SNP_GUEST_MSG_AAD_SIZE) == 1 &&
	     (len == 0 || EVP_EncryptUpdate(ctx, ct, &n, pt, (int)len) == 1) &&
	     EVP_EncryptFinal_ex(ctx, fin, &n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return SIM_PSP_E_CRYPTO;
	}
	return SIM_PSP_OK;
}

/* The inverse of gcm_seal; pt is wiped when the tag does not verify. */
static enum sim_psp_err gcm_open(const uint8_t key[KEY_SIZE],
				 const struct snp_guest_msg_hdr *hdr,
				 const uint8_t *ct, size_t len, uint8_t *pt)
{
	uint8_t iv[SNP_GUEST_MSG_IV_SIZE];
	uint8_t tag[TAG_SIZE];
	uint8_t fin[16];
	EVP_CIPHER_CTX *ctx;
	int n;
	int ok;
	int verified;

	if (len > MAX_PAYLOAD)
		return SIM_PSP_E_TOO_LONG;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return SIM_PSP_E_NOMEM;
	gcm_iv(hdr->msg_seqno, iv);
	memcpy(tag, hdr->authtag, TAG_SIZE);
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ==
		     1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, sizeof(iv),
				 NULL) == 1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &n, hdr_aad(hdr),
			       SNP_GUEST_MSG_AAD_SIZE) == 1 &&
	     (len == 0 || EVP_DecryptUpdate(ctx, pt, &n, ct, (int)len) == 1) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, tag) == 1;
	verified = ok && EVP_DecryptFinal_ex(ctx, fin, &n) > 0;
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	if (!ok || !verified) {
		if (len)
			OPENSSL_cleanse(pt, len);
		return ok ? SIM_PSP_E_AUTH : SIM_PSP_E_CRYPTO;
	}
	return SIM_PSP_OK;
}

/* 56860: the header of a message about to be sealed. */
static void hdr_init(struct snp_guest_msg_hdr *hdr, uint64_t seqno,
		     uint8_t type, uint8_t version, uint16_t size,
		     uint8_t vmpck_id)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->msg_seqno = seqno;
	hdr->algo = SNP_GUEST_MSG_AEAD_AES_256_GCM;
	hdr->hdr_version = SNP_GUEST_MSG_HDR_VERSION;
	hdr->hdr_sz = SNP_GUEST_MSG_HDR_SIZE;
	hdr->msg_type = type;
	hdr->msg_version = version;
	hdr->msg_sz = size;
	hdr->msg_vmpck = vmpck_id;
}

/*
 * The checks both ends make on a received header (a private copy) before
 * decrypting: algorithm, header version and size, the VMPCK id, that msg_sz
 * fits the page and the bytes received (len >= HDR_SIZE here). Reserved
 * bytes, including the unused half of the tag field, must be zero: the
 * model is stricter than the known spec text, because those bytes are
 * outside the AAD and a sender that sets them is broken.
 */
static enum sim_psp_err hdr_check(const struct snp_guest_msg_hdr *hdr,
				  size_t len, unsigned int vmpck_id)
{
	if (hdr->algo != SNP_GUEST_MSG_AEAD_AES_256_GCM ||
	    hdr->hdr_version != SNP_GUEST_MSG_HDR_VERSION ||
	    hdr->hdr_sz != SNP_GUEST_MSG_HDR_SIZE)
		return SIM_PSP_E_HDR;
	if (!mem_is_zero(hdr->authtag + TAG_SIZE,
			 sizeof(hdr->authtag) - TAG_SIZE) ||
	    hdr->reserved_28 || hdr->reserved_38 ||
	    !mem_is_zero(hdr->reserved_3d, sizeof(hdr->reserved_3d)))
		return SIM_PSP_E_HDR;
	if (hdr->msg_vmpck != vmpck_id)
		return SIM_PSP_E_VMPCK;
	if (hdr->msg_sz > MAX_PAYLOAD)
		return SIM_PSP_E_TOO_LONG;
	if (hdr->msg_sz > len - HDR_SIZE)
		return SIM_PSP_E_SHORT;
	return SIM_PSP_OK;
}

/* ECDSA P-384 with SHA-384 over the signed part (56860). */
static enum sim_psp_err report_sign(EVP_PKEY *vcek,
				    struct snp_attestation_report *r)
{
	struct snp_report_signature *sig = &r->signature;
	const unsigned char *p;
	unsigned char der[128];
	size_t der_len = 0;
	const BIGNUM *br;
	const BIGNUM *bs;
	ECDSA_SIG *es = NULL;
	EVP_MD_CTX *md;
	bool ok;

	md = EVP_MD_CTX_new();
	if (!md)
		return SIM_PSP_E_NOMEM;
	ok = EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, vcek) == 1 &&
	     EVP_DigestSign(md, NULL, &der_len, (const uint8_t *)r,
			    SNP_REPORT_SIGNED_SIZE) == 1 &&
	     der_len <= sizeof(der) &&
	     EVP_DigestSign(md, der, &der_len, (const uint8_t *)r,
			    SNP_REPORT_SIGNED_SIZE) == 1;
	EVP_MD_CTX_free(md);
	if (ok) {
		p = der;
		es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
		ok = es != NULL;
	}
	if (ok) {
		ECDSA_SIG_get0(es, &br, &bs);
		memset(sig, 0, sizeof(*sig));
		ok = BN_num_bytes(br) <= (int)SNP_REPORT_P384_SIZE &&
		     BN_num_bytes(bs) <= (int)SNP_REPORT_P384_SIZE &&
		     BN_bn2lebinpad(br, sig->r, sizeof(sig->r)) > 0 &&
		     BN_bn2lebinpad(bs, sig->s, sizeof(sig->s)) > 0;
	}
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ok ? SIM_PSP_OK : SIM_PSP_E_CRYPTO;
}

/*
 * 56860: the status of a report request that authenticated. The VMPL
 * asked for may not be more privileged than the VMPCK's own (VMPCKn belongs
 * to VMPLn); key select 0 means "VLEK if installed, else VCEK" and the
 * model has no VLEK, so 0 and 1 both sign with the VCEK and 2 is refused.
 */
static uint32_t report_req_status(const struct snp_report_req *req,
				  unsigned int vmpck_id)
{
	uint32_t key_sel = req->flags & SNP_REPORT_REQ_KEY_SEL_MASK;

	if ((req->flags & ~SNP_REPORT_REQ_KEY_SEL_MASK) ||
	    !mem_is_zero(req->reserved, sizeof(req->reserved)))
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	if (req->vmpl > MAX_VMPL || req->vmpl < vmpck_id)
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	if (key_sel == SNP_REPORT_KEY_SEL_VLEK)
		return SNP_REPORT_STATUS_INVALID_KEY;
	if (key_sel > SNP_REPORT_KEY_SEL_VLEK)
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	return SNP_REPORT_STATUS_SUCCESS;
}

/* 56860: the report for an accepted request, signed. */
static enum sim_psp_err report_build(const struct sim_psp *psp,
				     const struct snp_report_req *req,
				     struct snp_attestation_report *r)
{
	const struct sim_psp_launch *l = &psp->launch;

	memset(r, 0, sizeof(*r));
	r->version = SIM_PSP_REPORT_VERSION;
	r->guest_svn = l->guest_svn;
	r->policy = l->policy;
	memcpy(r->family_id, l->family_id, sizeof(r->family_id));
	memcpy(r->image_id, l->image_id, sizeof(r->image_id));
	r->vmpl = req->vmpl;
	r->signature_algo = SNP_REPORT_SIG_ALGO_ECDSA_P384_SHA384;
	r->current_tcb = l->current_tcb;
	r->platform_info = l->platform_info;
	r->flags = SNP_REPORT_SIGNING_KEY_VCEK
		   << SNP_REPORT_FLAG_SIGNING_KEY_SHIFT;
	if (l->author_key_en)
		r->flags |= SNP_REPORT_FLAG_AUTHOR_KEY_EN;
	if (l->mask_chip_id)
		r->flags |= SNP_REPORT_FLAG_MASK_CHIP_ID;
	memcpy(r->report_data, req->report_data, sizeof(r->report_data));
	memcpy(r->measurement, l->measurement, sizeof(r->measurement));
	memcpy(r->host_data, l->host_data, sizeof(r->host_data));
	memcpy(r->id_key_digest, l->id_key_digest, sizeof(r->id_key_digest));
	memcpy(r->author_key_digest, l->author_key_digest,
	       sizeof(r->author_key_digest));
	memcpy(r->report_id, l->report_id, sizeof(r->report_id));
	memcpy(r->report_id_ma, l->report_id_ma, sizeof(r->report_id_ma));
	r->reported_tcb = l->reported_tcb;
	r->cpuid_fam_id = l->cpuid_fam_id;
	r->cpuid_mod_id = l->cpuid_mod_id;
	r->cpuid_step = l->cpuid_step;
	if (!l->mask_chip_id)
		memcpy(r->chip_id, l->chip_id, sizeof(r->chip_id));
	r->committed_tcb = l->committed_tcb;
	r->current_build = l->current_build;
	r->current_minor = l->current_minor;
	r->current_major = l->current_major;
	r->committed_build = l->committed_build;
	r->committed_minor = l->committed_minor;
	r->committed_major = l->committed_major;
	r->launch_tcb = l->launch_tcb;
	return report_sign(psp->vcek, r);
}

/*
 * 56860 MSG_KEY_REQ, the status of a request that authenticated. Each
 * rule is the ABI's field description of MSG_KEY_REQ:
 * - KEY_SELECT bits 31:3 and the word at 0x04 are reserved, must be 0;
 * - GUEST_FIELD_SELECT bits 63:6 are reserved in message version 1 (bit
 *   6, the launch mitigation vector, is version 2);
 * - VMPL must be >= the VMPL of the VMPCK used (VMPCKn belongs to VMPLn)
 *   and <= 3;
 * - GUEST_SVN must not exceed the guest SVN of the launch (ID block);
 * - TCB_VERSION must not exceed the committed TCB, component by
 *   component (each byte is one component's SVN, or zero);
 * - KEY_SEL: 0 = VLEK if installed, else VCEK; 1 = VCEK; 2 = VLEK; 3
 *   reserved. The model installs no VLEK, so 2 is an invalid key
 *   selection (0x27).
 * Any other violation is status 0x16 (invalid parameters).
 */
static uint32_t key_req_status(const struct sim_psp_key_req *req,
			       unsigned int vmpck_id,
			       const struct sim_psp_launch *l)
{
	uint32_t key_sel = (req->key_select & SIM_PSP_KEY_SEL_MASK) >>
			   SIM_PSP_KEY_SEL_SHIFT;

	if ((req->key_select & ~SIM_PSP_KEY_SELECT_BITS) || req->reserved_04 ||
	    (req->guest_field_select & ~SIM_PSP_KEY_FIELDS_V1))
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	if (req->vmpl > MAX_VMPL || req->vmpl < vmpck_id)
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	if (req->guest_svn > l->guest_svn)
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	for (unsigned int i = 0; i < 8; i++) {
		if (((req->tcb_version >> (8 * i)) & 0xff) >
		    ((l->committed_tcb >> (8 * i)) & 0xff))
			return SNP_REPORT_STATUS_INVALID_PARAMS;
	}
	if (key_sel == SNP_REPORT_KEY_SEL_VLEK)
		return SNP_REPORT_STATUS_INVALID_KEY;
	if (key_sel > SNP_REPORT_KEY_SEL_VLEK)
		return SNP_REPORT_STATUS_INVALID_PARAMS;
	return SNP_REPORT_STATUS_SUCCESS;
}

/* Appends len bytes to the KDF input; false when it would not fit. */
static bool kdf_put(uint8_t *buf, size_t cap, size_t *at, const void *p,
		    size_t len)
{
	if (len > cap - *at)
		return false;
	memcpy(buf + *at, p, len);
	*at += len;
	return true;
}

/*
 * 56860 MSG_KEY_REQ: the key derived from the selected root key, mixed
 * with the VMPL asked for and each launch fact GUEST_FIELD_SELECT names
 * (the requested GUEST_SVN and TCB_VERSION, not the launch's, so that a
 * guest can derive the key of an older SVN). The firmware's own KDF is
 * not public; the model's is HKDF-SHA-256 (OpenSSL) over the same
 * inputs, with the field-select word itself in the info so that two
 * selections never share a key.
 */
static enum sim_psp_err key_derive(const struct sim_psp *psp,
				   const struct sim_psp_key_req *req,
				   uint8_t key[32])
{
	static const char salt[] = "csvsm model PSP MSG_KEY_REQ v1";
	const struct sim_psp_launch *l = &psp->launch;
	const uint8_t *root = (req->key_select & SIM_PSP_KEY_ROOT_VMRK)
				      ? psp->vmrk
				      : psp->chip_secret;
	uint64_t sel = req->guest_field_select;
	uint8_t info[256];
	size_t n = 0;
	bool ok;
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx;
	EVP_KDF *kdf;

	ok = kdf_put(info, sizeof(info), &n, &req->vmpl, sizeof(req->vmpl)) &&
	     kdf_put(info, sizeof(info), &n, &sel, sizeof(sel));
	if (ok && (sel & SIM_PSP_KEY_FIELD_POLICY))
		ok = kdf_put(info, sizeof(info), &n, &l->policy,
			     sizeof(l->policy));
	if (ok && (sel & SIM_PSP_KEY_FIELD_IMAGE_ID))
		ok = kdf_put(info, sizeof(info), &n, l->image_id,
			     sizeof(l->image_id));
	if (ok && (sel & SIM_PSP_KEY_FIELD_FAMILY_ID))
		ok = kdf_put(info, sizeof(info), &n, l->family_id,
			     sizeof(l->family_id));
	if (ok && (sel & SIM_PSP_KEY_FIELD_MEASUREMENT))
		ok = kdf_put(info, sizeof(info), &n, l->measurement,
			     sizeof(l->measurement));
	if (ok && (sel & SIM_PSP_KEY_FIELD_GUEST_SVN))
		ok = kdf_put(info, sizeof(info), &n, &req->guest_svn,
			     sizeof(req->guest_svn));
	if (ok && (sel & SIM_PSP_KEY_FIELD_TCB_VERSION))
		ok = kdf_put(info, sizeof(info), &n, &req->tcb_version,
			     sizeof(req->tcb_version));
	if (!ok)
		return SIM_PSP_E_CRYPTO;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (!kdf)
		return SIM_PSP_E_CRYPTO;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!kctx)
		return SIM_PSP_E_NOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string("key", (void *)root,
						      SIM_PSP_ROOT_SIZE);
	params[2] = OSSL_PARAM_construct_octet_string("salt", (void *)salt,
						      sizeof(salt) - 1);
	params[3] = OSSL_PARAM_construct_octet_string("info", info, n);
	params[4] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kctx, key, 32, params) == 1;
	EVP_KDF_CTX_free(kctx);
	OPENSSL_cleanse(info, sizeof(info));
	ERR_clear_error();
	return ok ? SIM_PSP_OK : SIM_PSP_E_CRYPTO;
}

/* 56860 MSG_KEY_RSP for an authenticated MSG_KEY_REQ. */
static enum sim_psp_err key_serve(const struct sim_psp *psp,
				  const struct sim_psp_key_req *req,
				  unsigned int vmpck_id,
				  struct sim_psp_key_rsp *rsp)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->status = key_req_status(req, vmpck_id, &psp->launch);
	if (rsp->status != SNP_REPORT_STATUS_SUCCESS)
		return SIM_PSP_OK; /* refused: status only, no key */
	return key_derive(psp, req, rsp->key);
}

/* 56860 MSG_REPORT_RSP for an authenticated MSG_REPORT_REQ. */
static enum sim_psp_err report_serve(const struct sim_psp *psp,
				     const struct snp_report_req *req,
				     unsigned int vmpck_id,
				     struct snp_report_rsp *rsp)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->status = report_req_status(req, vmpck_id);
	if (rsp->status != SNP_REPORT_STATUS_SUCCESS)
		return SIM_PSP_OK; /* a refused report: full size, zero */
	rsp->report_size = SNP_REPORT_SIZE;
	return report_build(psp, req, &rsp->report);
}

/* The requests the model serves, message version 1 (56860). */
union psp_req {
	struct snp_report_req report;
	struct sim_psp_key_req key;
};

union psp_rsp {
	struct snp_report_rsp report;
	struct sim_psp_key_rsp key;
};

/* The plaintext size of request type t, and of its answer; 0: not served. */
static size_t req_size(uint8_t t)
{
	if (t == SNP_MSG_REPORT_REQ)
		return sizeof(struct snp_report_req);
	if (t == SNP_MSG_KEY_REQ)
		return sizeof(struct sim_psp_key_req);
	return 0;
}

static size_t rsp_size(uint8_t t)
{
	return t == SNP_MSG_KEY_REQ ? sizeof(struct sim_psp_key_rsp)
				    : sizeof(struct snp_report_rsp);
}

enum sim_psp_err sim_psp_guest_request(struct sim_psp *psp,
				       unsigned int vmpck_id,
				       const uint8_t *req_page, size_t req_len,
				       uint8_t *resp_page, size_t resp_cap,
				       size_t *resp_len)
{
	/*
	 * TRUST: req_page/req_len come from the guest through the host (see
	 * the top of the file); vmpck_id is the key the model's caller says
	 * the guest used, and the header must agree with it.
	 */
	struct snp_guest_msg_hdr hdr;
	struct snp_guest_msg_hdr rhdr;
	uint8_t ct[sizeof(union psp_req)];
	union psp_req req;
	union psp_rsp rsp;
	uint8_t rct[sizeof(union psp_rsp)];
	enum sim_psp_err err;
	size_t qlen;
	size_t rlen;

	if (!psp || !req_page || !resp_page || !resp_len)
		return SIM_PSP_E_ARG;
	*resp_len = 0;
	if (vmpck_id >= VMPCKS)
		return SIM_PSP_E_VMPCK;
	if (req_len < HDR_SIZE)
		return SIM_PSP_E_SHORT;
	if (req_len > SNP_GUEST_MSG_PAGE_SIZE)
		return SIM_PSP_E_TOO_LONG;
	memcpy(&hdr, req_page, HDR_SIZE);
	err = hdr_check(&hdr, req_len, vmpck_id);
	if (err)
		return err;
	/* The model serves MSG_REPORT_REQ and MSG_KEY_REQ, version 1. */
	qlen = req_size(hdr.msg_type);
	if (!qlen || hdr.msg_version != SNP_GUEST_MSG_VERSION)
		return SIM_PSP_E_TYPE;
	rlen = rsp_size(hdr.msg_type);
	if (hdr.msg_sz != qlen)
		return SIM_PSP_E_SIZE;
	if (resp_cap < HDR_SIZE + rlen)
		return SIM_PSP_E_RESP_SPACE;
	/*
	 * 56860, bug class 13: exactly the next number, so a replay (an
	 * old number) and a gap (a later one) are both refused. The answer
	 * carries seqno + 1, which must not wrap to the invalid 0.
	 */
	if (hdr.msg_seqno != psp->next_seqno[vmpck_id] ||
	    hdr.msg_seqno == UINT64_MAX)
		return SIM_PSP_E_SEQNO;
	memcpy(ct, req_page + HDR_SIZE, qlen);
	err = gcm_open(psp->vmpck[vmpck_id], &hdr, ct, qlen, (uint8_t *)&req);
	if (err)
		return err;

	if (hdr.msg_type == SNP_MSG_KEY_REQ)
		err = key_serve(psp, &req.key, vmpck_id, &rsp.key);
	else
		err = report_serve(psp, &req.report, vmpck_id, &rsp.report);
	if (err)
		goto out;
	/* 56860: the answer's type is the request's + 1. */
	hdr_init(&rhdr, hdr.msg_seqno + 1, (uint8_t)(hdr.msg_type + 1),
		 hdr.msg_version, (uint16_t)rlen, (uint8_t)vmpck_id);
	err = gcm_seal(psp->vmpck[vmpck_id], &rhdr, (const uint8_t *)&rsp, rlen,
		       rct, rhdr.authtag);
	if (err)
		goto out;

	/* Commit; nothing below can fail. */
	memcpy(resp_page, &rhdr, HDR_SIZE);
	memcpy(resp_page + HDR_SIZE, rct, rlen);
	*resp_len = HDR_SIZE + rlen;
	psp->next_seqno[vmpck_id] = hdr.msg_seqno + 2;
out:
	OPENSSL_cleanse(&req, sizeof(req));
	OPENSSL_cleanse(&rsp, sizeof(rsp));
	return err;
}

uint64_t sim_psp_next_seqno(const struct sim_psp *psp, unsigned int vmpck_id)
{
	if (!psp || vmpck_id >= VMPCKS)
		return 0;
	return psp->next_seqno[vmpck_id];
}

enum sim_psp_err sim_psp_set_next_seqno(struct sim_psp *psp,
					unsigned int vmpck_id, uint64_t seqno)
{
	if (!psp || vmpck_id >= VMPCKS || !(seqno & 1))
		return SIM_PSP_E_ARG;
	psp->next_seqno[vmpck_id] = seqno;
	return SIM_PSP_OK;
}

enum sim_psp_err sim_psp_vmpck(const struct sim_psp *psp, unsigned int vmpck_id,
			       uint8_t out[SNP_GUEST_MSG_KEY_SIZE])
{
	if (!psp || !out || vmpck_id >= VMPCKS)
		return SIM_PSP_E_ARG;
	memcpy(out, psp->vmpck[vmpck_id], KEY_SIZE);
	return SIM_PSP_OK;
}

void sim_psp_get_launch(const struct sim_psp *psp, struct sim_psp_launch *out)
{
	*out = psp->launch;
}

void sim_psp_set_launch(struct sim_psp *psp, const struct sim_psp_launch *in)
{
	psp->launch = *in;
}

void sim_psp_fill_secrets_page(const struct sim_psp *psp,
			       struct snp_secrets_page *page)
{
	memset(page, 0, sizeof(*page));
	page->version = psp->launch.secrets_version;
	page->fms = psp->launch.fms;
	memcpy(page->vmpck, psp->vmpck, sizeof(page->vmpck));
}

enum sim_psp_err sim_psp_vcek_public_pem(const struct sim_psp *psp, char *buf,
					 size_t cap, size_t *len)
{
	enum sim_psp_err err = SIM_PSP_E_CRYPTO;
	char *data = NULL;
	long n;
	BIO *bio;

	if (!psp || !buf || !len)
		return SIM_PSP_E_ARG;
	*len = 0;
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return SIM_PSP_E_NOMEM;
	if (PEM_write_bio_PUBKEY(bio, psp->vcek) == 1) {
		n = BIO_get_mem_data(bio, &data);
		if (n <= 0 || !data) {
			err = SIM_PSP_E_CRYPTO;
		} else if ((size_t)n >= cap) {
			err = SIM_PSP_E_RESP_SPACE;
		} else {
			memcpy(buf, data, (size_t)n);
			buf[n] = '\0';
			*len = (size_t)n;
			err = SIM_PSP_OK;
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	return err;
}

/*
 * Never prompt for a passphrase: an encrypted PEM is simply refused. The
 * signature is OpenSSL's pem_password_cb.
 */
static int
no_passphrase(char *buf, /* NOLINT(readability-non-const-parameter) */
	      int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static enum sim_psp_err vcek_load(const char *pem, EVP_PKEY **out)
{
	char group[32];
	size_t glen = 0;
	EVP_PKEY *pkey;
	size_t len;
	BIO *bio;

	len = strlen(pem);
	if (len > 65536u)
		return SIM_PSP_E_KEY;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return SIM_PSP_E_NOMEM;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey || !EVP_PKEY_is_a(pkey, "EC") ||
	    !EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen) ||
	    strcmp(group, "secp384r1") != 0) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return SIM_PSP_E_KEY;
	}
	*out = pkey;
	return SIM_PSP_OK;
}

enum sim_psp_err sim_psp_create(const struct sim_psp_config *cfg,
				struct sim_psp **out)
{
	enum sim_psp_err err = SIM_PSP_OK;
	struct sim_psp *psp;

	if (!out)
		return SIM_PSP_E_ARG;
	*out = NULL;
	psp = calloc(1, sizeof(*psp));
	if (!psp)
		return SIM_PSP_E_NOMEM;
	for (unsigned int i = 0; i < VMPCKS; i++)
		psp->next_seqno[i] = 1; /* 56860: numbering starts at 1 */
	if (cfg)
		psp->launch = cfg->launch;
	if (cfg && cfg->vmpck_given)
		memcpy(psp->vmpck, cfg->vmpck, sizeof(psp->vmpck));
	else if (RAND_bytes(&psp->vmpck[0][0], sizeof(psp->vmpck)) != 1)
		err = SIM_PSP_E_CRYPTO;
	if (!err && cfg && cfg->chip_secret_given)
		memcpy(psp->chip_secret, cfg->chip_secret,
		       sizeof(psp->chip_secret));
	else if (!err &&
		 RAND_bytes(psp->chip_secret, sizeof(psp->chip_secret)) != 1)
		err = SIM_PSP_E_CRYPTO;
	if (!err && cfg && cfg->vmrk_given)
		memcpy(psp->vmrk, cfg->vmrk, sizeof(psp->vmrk));
	else if (!err && RAND_bytes(psp->vmrk, sizeof(psp->vmrk)) != 1)
		err = SIM_PSP_E_CRYPTO;
	if (!err && cfg && cfg->vcek_pem) {
		err = vcek_load(cfg->vcek_pem, &psp->vcek);
	} else if (!err) {
		psp->vcek = EVP_EC_gen("P-384");
		if (!psp->vcek)
			err = SIM_PSP_E_CRYPTO;
	}
	if (err) {
		ERR_clear_error();
		sim_psp_destroy(psp);
		return err;
	}
	*out = psp;
	return SIM_PSP_OK;
}

void sim_psp_destroy(struct sim_psp *psp)
{
	if (!psp)
		return;
	EVP_PKEY_free(psp->vcek);
	OPENSSL_cleanse(psp, sizeof(*psp));
	free(psp);
}

enum sim_psp_err sim_psp_guest_seal(const struct sim_psp_msg *msg,
				    const void *payload, size_t payload_len,
				    uint8_t *page, size_t cap, size_t *len)
{
	struct snp_guest_msg_hdr hdr;
	uint8_t ct[MAX_PAYLOAD];
	enum sim_psp_err err;

	if (!msg || !page || !len || (!payload && payload_len))
		return SIM_PSP_E_ARG;
	*len = 0;
	/* Any byte values, so that tests can build messages the PSP refuses. */
	if (msg->vmpck_id > UINT8_MAX)
		return SIM_PSP_E_VMPCK;
	if (payload_len > MAX_PAYLOAD)
		return SIM_PSP_E_TOO_LONG;
	if (cap < HDR_SIZE + payload_len)
		return SIM_PSP_E_RESP_SPACE;
	hdr_init(&hdr, msg->seqno, msg->msg_type, msg->msg_version,
		 (uint16_t)payload_len, (uint8_t)msg->vmpck_id);
	err = gcm_seal(msg->key, &hdr, payload, payload_len, ct, hdr.authtag);
	if (err)
		return err;
	memcpy(page, &hdr, HDR_SIZE);
	if (payload_len)
		memcpy(page + HDR_SIZE, ct, payload_len);
	*len = HDR_SIZE + payload_len;
	return SIM_PSP_OK;
}

enum sim_psp_err sim_psp_guest_open(const struct sim_psp_msg *msg,
				    const uint8_t *page, size_t len,
				    void *payload, size_t cap,
				    size_t *payload_len)
{
	/*
	 * TRUST: the response page is shared with the host, which may have
	 * written anything into it; copied once, checked against the request
	 * (56860 response validation), then authenticated.
	 */
	struct snp_guest_msg_hdr hdr;
	uint8_t ct[MAX_PAYLOAD];
	uint8_t pt[MAX_PAYLOAD];
	enum sim_psp_err err;

	if (!msg || !page || !payload_len || (!payload && cap))
		return SIM_PSP_E_ARG;
	*payload_len = 0;
	if (len < HDR_SIZE)
		return SIM_PSP_E_SHORT;
	if (len > SNP_GUEST_MSG_PAGE_SIZE)
		return SIM_PSP_E_TOO_LONG;
	memcpy(&hdr, page, HDR_SIZE);
	err = hdr_check(&hdr, len, msg->vmpck_id);
	if (err)
		return err;
	if (hdr.msg_type != (uint8_t)(msg->msg_type + 1) ||
	    hdr.msg_version != msg->msg_version)
		return SIM_PSP_E_TYPE;
	if (hdr.msg_seqno != msg->seqno + 1)
		return SIM_PSP_E_SEQNO;
	if (hdr.msg_sz > cap)
		return SIM_PSP_E_RESP_SPACE;
	memcpy(ct, page + HDR_SIZE, hdr.msg_sz);
	err = gcm_open(msg->key, &hdr, ct, hdr.msg_sz, pt);
	if (err)
		return err;
	if (hdr.msg_sz) {
		memcpy(payload, pt, hdr.msg_sz);
		OPENSSL_cleanse(pt, hdr.msg_sz);
	}
	*payload_len = hdr.msg_sz;
	return SIM_PSP_OK;
}
