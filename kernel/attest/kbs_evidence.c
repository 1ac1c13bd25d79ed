/* SPDX-License-Identifier: MIT */
/*
 * What the SVSM sends in the attestation step of Trustee's RCAR protocol
 * (confidential-containers/trustee kbs/docs/kbs_attestation_protocol.md,
 * "Attestation"; protocol version 0.4.0): the TEE key as a JWK (RFC 7517,
 * EC P-256 with alg ECDH-ES+A256KW), the runtime data whose RFC 8785
 * (JCS) serialisation Trustee hashes with SHA-384 and compares with
 * REPORT_DATA (zero-padded to 64 bytes), and the evidence:
 *
 *   snp     {"attestation_report": <the report's fields by name, byte
 *           arrays as arrays of numbers, as Trustee's SNP verifier reads
 *           them>, "cert_chain": null}; AMD 56860 ATTESTATION_REPORT
 *   sample  {"svn":"1","report_data":<base64 of REPORT_DATA>}: Trustee's
 *           test-only "sample" evidence; TEST EVIDENCE, proves nothing
 *
 * Everything written here is the SVSM's own data; nothing is parsed.
 */
#include "abi/snp_guest_msg.h"

#include "kbs_int.h"
#include "lib/string.h"

static void b64_field(struct kbs_jw *w, const uint8_t *p, size_t n, bool url)
{
	char tmp[100];

	/* Callers pass at most 64 bytes (88 characters). */
	kbs_b64_encode(p, n, tmp, url);
	kbs_jw_str(w, tmp, kbs_b64_len(n, url));
}

void kbs_jwk(struct kbs_jw *w, const uint8_t x[KBS_EC_COORD],
	     const uint8_t y[KBS_EC_COORD])
{
	/* JCS orders members by their UTF-16 code units: alg crv kty x y. */
	kbs_jw_raw(w, "{\"alg\":\"ECDH-ES+A256KW\",\"crv\":\"P-256\","
		      "\"kty\":\"EC\",\"x\":");
	b64_field(w, x, KBS_EC_COORD, true);
	kbs_jw_raw(w, ",\"y\":");
	b64_field(w, y, KBS_EC_COORD, true);
	kbs_jw_raw(w, "}");
}

void kbs_runtime_jcs(struct kbs_jw *w, const char *nonce, size_t nonce_len,
		     const uint8_t x[KBS_EC_COORD],
		     const uint8_t y[KBS_EC_COORD])
{
	kbs_jw_raw(w, "{\"additional-evidence\":\"\",\"nonce\":");
	kbs_jw_str(w, nonce, nonce_len);
	kbs_jw_raw(w, ",\"tee-pubkey\":");
	kbs_jwk(w, x, y);
	kbs_jw_raw(w, "}");
}

static void num(struct kbs_jw *w, const char *name, uint64_t v)
{
	kbs_jw_raw(w, name);
	kbs_jw_u64(w, v);
}

static void arr(struct kbs_jw *w, const char *name, const uint8_t *p, size_t n)
{
	kbs_jw_raw(w, name);
	kbs_jw_bytes(w, p, n);
}

/* A TCB_VERSION (AMD 56860): Milan/Genoa byte layout, no FMC. */
static void tcb(struct kbs_jw *w, const char *name, uint64_t v)
{
	kbs_jw_raw(w, name);
	num(w, "{\"fmc\":null,\"bootloader\":", v & 0xff);
	num(w, ",\"tee\":", (v >> 8) & 0xff);
	num(w, ",\"snp\":", (v >> 48) & 0xff);
	num(w, ",\"microcode\":", v >> 56);
	kbs_jw_raw(w, "}");
}

static void version(struct kbs_jw *w, const char *name, uint8_t major,
		    uint8_t minor, uint8_t build)
{
	kbs_jw_raw(w, name);
	num(w, "{\"major\":", major);
	num(w, ",\"minor\":", minor);
	num(w, ",\"build\":", build);
	kbs_jw_raw(w, "}");
}

static void snp_report_json(struct kbs_jw *w, const uint8_t *raw)
{
	struct snp_attestation_report r;

	memcpy(&r, raw, sizeof(r));
	num(w, "{\"version\":", r.version);
	num(w, ",\"guest_svn\":", r.guest_svn);
	num(w, ",\"policy\":", r.policy);
	arr(w, ",\"family_id\":", r.family_id, sizeof(r.family_id));
	arr(w, ",\"image_id\":", r.image_id, sizeof(r.image_id));
	num(w, ",\"vmpl\":", r.vmpl);
	num(w, ",\"sig_algo\":", r.signature_algo);
	tcb(w, ",\"current_tcb\":", r.current_tcb);
	num(w, ",\"plat_info\":", r.platform_info);
	num(w, ",\"key_info\":", r.flags);
	arr(w, ",\"report_data\":", r.report_data, sizeof(r.report_data));
	arr(w, ",\"measurement\":", r.measurement, sizeof(r.measurement));
	arr(w, ",\"host_data\":", r.host_data, sizeof(r.host_data));
	arr(w, ",\"id_key_digest\":", r.id_key_digest, sizeof(r.id_key_digest));
	arr(w, ",\"author_key_digest\":", r.author_key_digest,
	    sizeof(r.author_key_digest));
	arr(w, ",\"report_id\":", r.report_id, sizeof(r.report_id));
	arr(w, ",\"report_id_ma\":", r.report_id_ma, sizeof(r.report_id_ma));
	tcb(w, ",\"reported_tcb\":", r.reported_tcb);
	num(w, ",\"cpuid_fam_id\":", r.cpuid_fam_id);
	num(w, ",\"cpuid_mod_id\":", r.cpuid_mod_id);
	num(w, ",\"cpuid_step\":", r.cpuid_step);
	arr(w, ",\"chip_id\":", r.chip_id, sizeof(r.chip_id));
	tcb(w, ",\"committed_tcb\":", r.committed_tcb);
	version(w, ",\"current\":", r.current_major, r.current_minor,
		r.current_build);
	version(w, ",\"committed\":", r.committed_major, r.committed_minor,
		r.committed_build);
	tcb(w, ",\"launch_tcb\":", r.launch_tcb);
	kbs_jw_raw(w,
		   ",\"launch_mit_vector\":null,\"current_mit_vector\":null");
	arr(w, ",\"signature\":{\"r\":", r.signature.r, sizeof(r.signature.r));
	arr(w, ",\"s\":", r.signature.s, sizeof(r.signature.s));
	kbs_jw_raw(w, "}}");
}

void kbs_attest_body(struct kbs_jw *w, const struct kbs_attestation *a)
{
	kbs_jw_raw(w, "{\"init-data\":null,\"runtime-data\":{\"nonce\":");
	kbs_jw_str(w, a->nonce, a->nonce_len);
	kbs_jw_raw(w, ",\"tee-pubkey\":");
	kbs_jwk(w, a->x, a->y);
	kbs_jw_raw(w, "},\"tee-evidence\":{\"primary_evidence\":");
	if (a->tee == KBS_TEE_SNP) {
		kbs_jw_raw(w, "{\"attestation_report\":");
		snp_report_json(w, a->report);
		kbs_jw_raw(w, ",\"cert_chain\":null}");
	} else {
		kbs_jw_raw(w, "{\"svn\":\"1\",\"report_data\":");
		b64_field(w, a->report_data, 64, false);
		kbs_jw_raw(w, "}");
	}
	kbs_jw_raw(w, ",\"additional_evidence\":\"\"}}");
}
