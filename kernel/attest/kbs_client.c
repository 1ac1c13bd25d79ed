/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client (include/svsm/kbs.h): Trustee's RCAR protocol
 * 0.4.0 (confidential-containers/trustee,
 * kbs/docs/kbs_attestation_protocol.md) through the untrusted proxy's
 * framing (include/abi/kbs_proxy.h), then the check that the released
 * secret carries the pinned broker key's signature over this session.
 *
 * TRUST: the proxy and whatever it talks to control every byte received.
 * Frames are checked (magic, length limits) before a body is read; JSON
 * goes through the bounded parser; the nonce must be a short base64-like
 * string (it is hashed as received, so it must not need escaping); the
 * JWE must decrypt with this session's fresh key; the plaintext must have
 * the exact size, magic and a valid signature over the key, the counter
 * and this session's REPORT_DATA digest. Until all of that holds, nothing
 * is written to the caller's secret; the session's key and buffers are
 * wiped on every path.
 */
#include "svsm/log.h"
#include "svsm/mm/heap.h"

#include "abi/kbs_proxy.h"
#include "abi/snp_guest_msg.h"

#include "kbs_int.h"
#include "lib/string.h"

#define NONCE_MAX   128u
#define PROTOCOL    "0.4.0"
#define SIGNED_PART (16u + KBS_KEY_SIZE + 8u)

struct session {
	const struct kbs_config *cfg;
	struct kbs_stats *st;
	struct kbs_ec_key *key;
	uint32_t status;
	size_t rsp_len;
	size_t nonce_len;
	char nonce[NONCE_MAX];
	uint8_t x[KBS_EC_COORD];
	uint8_t y[KBS_EC_COORD];
	uint8_t report_data[64];
	uint8_t report[SNP_REPORT_SIZE];
	uint8_t plain[KBS_SECRET_SIZE];
	char jcs[512];
	struct kbs_json doc;
	char path[KBS_PROXY_PATH_MAX];
	char body[KBS_PROXY_BODY_MAX];
	char rsp[KBS_PROXY_BODY_MAX];
};

static enum svsm_err send_all(struct session *s, const void *p, size_t n)
{
	enum svsm_err err =
		s->cfg->transport->send(s->cfg->transport->ctx, p, n);

	if (err == SVSM_OK)
		s->st->bytes_sent += n;
	return err;
}

/*
 * One HTTP exchange through the proxy. On SVSM_OK, s->status and
 * s->rsp[0..rsp_len) hold the answer.
 */
static enum svsm_err exchange(struct session *s, uint16_t method,
			      const char *path, const char *body,
			      size_t body_len)
{
	const struct kbs_transport *t = s->cfg->transport;
	size_t path_len = strlen(path);
	struct kbs_proxy_req req = {
		.magic = KBS_PROXY_MAGIC_REQ,
		.method = method,
		.path_len = (uint16_t)path_len,
		.body_len = (uint32_t)body_len,
	};
	struct kbs_proxy_rsp rsp;
	enum svsm_err err;

	if (path_len > KBS_PROXY_PATH_MAX || body_len > KBS_PROXY_BODY_MAX)
		return SVSM_E_INVAL;
	s->st->exchanges++;
	err = send_all(s, &req, sizeof(req));
	if (err == SVSM_OK)
		err = send_all(s, path, path_len);
	if (err == SVSM_OK && body_len)
		err = send_all(s, body, body_len);
	if (err != SVSM_OK)
		return err;
	err = t->recv(t->ctx, &rsp, sizeof(rsp));
	if (err != SVSM_OK)
		return err;
	s->st->bytes_received += sizeof(rsp);
	if (rsp.magic != KBS_PROXY_MAGIC_RSP ||
	    rsp.body_len > KBS_PROXY_BODY_MAX)
		return SVSM_E_INVAL;
	if (rsp.body_len) {
		err = t->recv(t->ctx, s->rsp, rsp.body_len);
		if (err != SVSM_OK)
			return err;
	}
	s->st->bytes_received += rsp.body_len;
	s->st->last_status = rsp.status;
	s->status = rsp.status;
	s->rsp_len = rsp.body_len;
	return SVSM_OK;
}

/* An exchange whose answer must be HTTP 200. */
static enum svsm_err exchange_ok(struct session *s, uint16_t method,
				 const char *path, const char *body,
				 size_t body_len)
{
	enum svsm_err err = exchange(s, method, path, body, body_len);

	if (err != SVSM_OK)
		return err;
	if (s->status != 200) {
		log_notice("kbs: %s answered %u", path, s->status);
		return SVSM_E_HW;
	}
	return SVSM_OK;
}

static bool nonce_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	       c == '-' || c == '_';
}

/* One path segment: [A-Za-z0-9._-]+, and neither "." nor "..". */
static bool segment_ok(const char *p, size_t n)
{
	if (n == 0 || (n == 1 && p[0] == '.') ||
	    (n == 2 && p[0] == '.' && p[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* "<repository>/<type>/<tag>" (Trustee's resource path, three segments). */
bool kbs_resource_ok(const char *r)
{
	size_t n = strnlen(r, KBS_RESOURCE_MAX);
	unsigned int segments = 0;
	size_t start = 0;

	if (n == KBS_RESOURCE_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && r[i] != '/')
			continue;
		if (!segment_ok(r + start, i - start))
			return false;
		segments++;
		start = i + 1;
	}
	return segments == 3;
}

static const char *tee_name(enum kbs_tee tee)
{
	return tee == KBS_TEE_SNP ? "snp" : "sample";
}

/* Request -> Challenge: the nonce, as received. */
static enum svsm_err auth(struct session *s)
{
	struct kbs_jw w = {.buf = s->body, .cap = sizeof(s->body)};
	const char *n;
	size_t len;
	enum svsm_err err;

	kbs_jw_raw(&w, "{\"version\":\"" PROTOCOL "\",\"tee\":\"");
	kbs_jw_raw(&w, tee_name(s->cfg->tee));
	kbs_jw_raw(&w, "\",\"extra-params\":\"\"}");
	err = exchange_ok(s, KBS_PROXY_POST, "/kbs/v0/auth", w.buf, w.len);
	if (err != SVSM_OK)
		return err;
	if (kbs_json_parse(&s->doc, s->rsp, s->rsp_len) != SVSM_OK ||
	    !kbs_json_get_str(&s->doc, 0, "nonce", NONCE_MAX, &n, &len) ||
	    len == 0)
		return SVSM_E_INVAL;
	for (size_t i = 0; i < len; i++) {
		if (!nonce_char(n[i]))
			return SVSM_E_INVAL;
	}
	memcpy(s->nonce, n, len);
	s->nonce_len = len;
	return SVSM_OK;
}

/* The fresh key, the binding, the evidence; POST /kbs/v0/attest. */
static enum svsm_err attest(struct session *s)
{
	struct kbs_jw j = {.buf = s->jcs, .cap = sizeof(s->jcs)};
	struct kbs_jw w = {.buf = s->body, .cap = sizeof(s->body)};
	/* Pointers into the session, filled below before the body is made. */
	struct kbs_attestation a = {
		.tee = s->cfg->tee,
		.nonce = s->nonce,
		.nonce_len = s->nonce_len,
		.x = s->x,
		.y = s->y,
		.report_data = s->report_data,
		.report = s->report,
	};
	enum svsm_err err;

	err = kbs_ec_generate(s->cfg->random, &s->key);
	if (err != SVSM_OK)
		return err;
	kbs_ec_public(s->key, s->x, s->y);
	kbs_runtime_jcs(&j, s->nonce, s->nonce_len, s->x, s->y);
	if (j.overflow)
		return SVSM_E_INVAL;
	memset(s->report_data, 0, sizeof(s->report_data));
	err = kbs_sha384(j.buf, j.len, s->report_data);
	if (err != SVSM_OK)
		return err;
	if (s->cfg->tee == KBS_TEE_SNP) {
		struct snp_attestation_report r;

		err = s->cfg->snp_report(s->report_data, s->report,
					 sizeof(s->report));
		if (err != SVSM_OK)
			return SVSM_E_HW;
		memcpy(&r, s->report, sizeof(r));
		if (memcmp(r.report_data, s->report_data, 64) != 0)
			return SVSM_E_HW;
	}
	kbs_attest_body(&w, &a);
	if (w.overflow)
		return SVSM_E_INVAL;
	return exchange_ok(s, KBS_PROXY_POST, "/kbs/v0/attest", w.buf, w.len);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/*
 * The broker's answer: a JWE to this session's key, whose plaintext is
 * "want_len" bytes starting with "magic" and ending in the pinned broker
 * key's signature over the rest and this session's binding digest.
 * SVSM_OK leaves the checked plaintext in s->plain.
 */
static enum svsm_err signed_answer(struct session *s, const char *magic,
				   size_t want_len)
{
	uint8_t msg[KBS_SECRET_SIZE - 64 + KBS_BINDING_SIZE];
	size_t body = want_len - 64;
	size_t got;
	enum svsm_err err;

	err = kbs_jwe_decrypt(s->key, s->rsp, s->rsp_len, s->plain,
			      sizeof(s->plain), &got);
	if (err != SVSM_OK)
		return err;
	if (got != want_len || memcmp(s->plain, magic, 16) != 0)
		return SVSM_E_INVAL;
	memcpy(msg, s->plain, body);
	memcpy(msg + body, s->report_data, KBS_BINDING_SIZE);
	if (!kbs_ecdsa_p256_verify(s->cfg->broker_key, msg,
				   body + KBS_BINDING_SIZE, s->plain + body,
				   s->plain + body + 32)) {
		kbs_wipe(msg, sizeof(msg));
		log_notice(
			"kbs: an answer not signed by the pinned broker key");
		return SVSM_E_INVAL;
	}
	kbs_wipe(msg, sizeof(msg));
	return SVSM_OK;
}

static enum svsm_err path_for(struct session *s, const char *prefix)
{
	struct kbs_jw p = {.buf = s->path, .cap = sizeof(s->path)};

	kbs_jw_raw(&p, prefix);
	kbs_jw_raw(&p, s->cfg->resource);
	kbs_jw_mem(&p, "", 1);
	return p.overflow ? SVSM_E_INVAL : SVSM_OK;
}

/* GET the resource: the key and the counter. */
static enum svsm_err fetch(struct session *s, struct kbs_secret *out)
{
	enum svsm_err err = path_for(s, "/kbs/v0/resource/");

	if (err == SVSM_OK)
		err = exchange_ok(s, KBS_PROXY_GET, s->path, NULL, 0);
	if (err == SVSM_OK)
		err = signed_answer(s, KBS_SECRET_MAGIC, KBS_SECRET_SIZE);
	if (err != SVSM_OK)
		return err;
	memcpy(out->key, s->plain + 16, KBS_KEY_SIZE);
	out->counter = get_le64(s->plain + 16 + KBS_KEY_SIZE);
	return SVSM_OK;
}

/* POST the counter's new value; the broker's signed acknowledgement. */
static enum svsm_err advance(struct session *s, uint64_t to)
{
	struct kbs_jw w = {.buf = s->body, .cap = sizeof(s->body)};
	enum svsm_err err = path_for(s, KBS_COUNTER_PATH);

	kbs_jw_raw(&w, "{\"advance-to\":");
	kbs_jw_u64(&w, to);
	kbs_jw_raw(&w, "}");
	if (err == SVSM_OK)
		err = exchange_ok(s, KBS_PROXY_POST, s->path, w.buf, w.len);
	if (err == SVSM_OK)
		err = signed_answer(s, KBS_COUNTER_MAGIC, KBS_COUNTER_ACK_SIZE);
	if (err != SVSM_OK)
		return err;
	/* The broker says what it holds now: exactly `to`, or no ack. */
	return get_le64(s->plain + 16) == to ? SVSM_OK : SVSM_E_INVAL;
}

static enum svsm_err check_config(const struct kbs_config *cfg)
{
	if (!cfg || !cfg->transport || !cfg->transport->send ||
	    !cfg->transport->recv || !cfg->random ||
	    cfg->broker_key[0] != 0x04 || !kbs_resource_ok(cfg->resource))
		return SVSM_E_INVAL;
	if (cfg->tee == KBS_TEE_SNP)
		return cfg->snp_report ? SVSM_OK : SVSM_E_INVAL;
	return cfg->tee == KBS_TEE_SAMPLE ? SVSM_OK : SVSM_E_INVAL;
}

/* One attested session, then the resource (out) or the counter (to). */
static enum svsm_err run(const struct kbs_config *cfg, struct kbs_stats *st,
			 struct kbs_secret *out, const uint64_t *to)
{
	struct session *s;
	enum svsm_err err;

	memset(st, 0, sizeof(*st));
	err = check_config(cfg);
	if (err != SVSM_OK)
		return err;
	s = kmalloc(sizeof(*s));
	if (!s)
		return SVSM_E_NOMEM;
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->st = st;
	err = auth(s);
	if (err == SVSM_OK)
		err = attest(s);
	if (err == SVSM_OK)
		err = to ? advance(s, *to) : fetch(s, out);
	kbs_ec_free(s->key);
	kbs_wipe(s, sizeof(*s));
	kfree(s);
	return err;
}

enum svsm_err kbs_attest_fetch(const struct kbs_config *cfg,
			       struct kbs_secret *out, struct kbs_stats *stats)
{
	struct kbs_stats local;
	enum svsm_err err;

	memset(out, 0, sizeof(*out));
	err = run(cfg, stats ? stats : &local, out, NULL);
	if (err != SVSM_OK)
		kbs_wipe(out, sizeof(*out));
	return err;
}

enum svsm_err kbs_attest_advance(const struct kbs_config *cfg, uint64_t to,
				 struct kbs_stats *stats)
{
	struct kbs_stats local;

	return run(cfg, stats ? stats : &local, NULL, &to);
}
