/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what the attestation proxy hands the SVSM's
 * key-broker client (kernel/attest/). Byte 0 picks the part:
 *   0  the bounded JSON parser and its lookups: on success every token
 *      lies inside the input and subtrees nest;
 *   1  strict base64 (standard and URL-safe): whatever decodes encodes
 *      back to the same string (one string, one decoding);
 *   2  the JWE decryption for a fixed TEE key: it fails (the fuzzer
 *      cannot make a valid GCM tag) and leaves the output zero;
 *   3  a whole kbs_attest_fetch() (test evidence) whose proxy answers
 *      with the rest of the input as frames: it never succeeds (that
 *      would need the broker key's signature), the secret stays zero
 *      and the SVSM heap holds exactly what it held before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/kbs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "kbs_int.h"
#include "lib/bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                                                     \
	do {                                                          \
		if (!(c)) {                                           \
			fprintf(stderr, "kbs_json_fuzz: %s:%d: %s\n", \
				__FILE__, __LINE__, #c);              \
			abort();                                      \
		}                                                     \
	} while (0)

static uint64_t rng_state = 0x6b627366757a7a;

/* Deterministic, so that a crash reproduces; not a secret here. */
static bool fuzz_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		p[i] = (uint8_t)(z ^ (z >> 31));
	}
	return true;
}

static void setup(void)
{
	static bool done;
	uint64_t base;

	if (done)
		return;
	log_set_level(LOG_LEVEL_NONE);
	base = fake_mm_init(4u << 20);
	EXPECT(pgalloc_init(pa_init(base), 4u << 20) == SVSM_OK);
	heap_init(0x6b6273);
	done = true;
}

static void fuzz_json(const char *t, size_t n)
{
	static struct kbs_json d;
	const char *s;
	size_t len;

	if (kbs_json_parse(&d, t, n) != SVSM_OK) {
		EXPECT(d.count == 0);
		return;
	}
	EXPECT(d.count >= 1 && d.tok[0].next == d.count);
	for (unsigned int i = 0; i < d.count; i++) {
		const struct kbs_json_tok *k = &d.tok[i];

		EXPECT(k->start <= n && k->len <= n - k->start);
		EXPECT(k->next > i && k->next <= d.count);
	}
	(void)kbs_json_get(&d, 0, "nonce");
	if (kbs_json_get_str(&d, 0, "protected", 1024, &s, &len))
		EXPECT(s >= t && s + len <= t + n && !memchr(s, '\\', len));
}

static void fuzz_b64(const char *t, size_t n, bool url)
{
	static uint8_t out[4096];
	static char again[8192];
	size_t got;

	if (n > 4096 || !kbs_b64_decode(t, n, url, out, sizeof(out), &got))
		return;
	EXPECT(kbs_b64_len(got, url) == n);
	kbs_b64_encode(out, got, again, url);
	EXPECT(!memcmp(again, t, n));
}

static void fuzz_jwe(const char *t, size_t n)
{
	static struct kbs_ec_key *key;
	static uint8_t out[KBS_SECRET_SIZE];
	size_t got = 1;

	if (!key)
		EXPECT(kbs_ec_generate(fuzz_random, &key) == SVSM_OK);
	memset(out, 0x5a, sizeof(out));
	EXPECT(kbs_jwe_decrypt(key, t, n, out, sizeof(out), &got) != SVSM_OK);
	EXPECT(got == 0 && mem_is_zero(out, sizeof(out)));
}

struct script {
	const uint8_t *p;
	size_t n;
};

static enum svsm_err sc_send(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return SVSM_OK;
}

static enum svsm_err sc_recv(void *ctx, void *buf, size_t len)
{
	struct script *s = ctx;

	if (len > s->n)
		return SVSM_E_HW;
	memcpy(buf, s->p, len);
	s->p += len;
	s->n -= len;
	return SVSM_OK;
}

static void fuzz_fetch(const uint8_t *p, size_t n)
{
	struct script s = {p, n};
	struct kbs_transport t = {&s, sc_send, sc_recv};
	struct kbs_config c = {
		.transport = &t, .tee = KBS_TEE_SAMPLE, .random = fuzz_random};
	struct kbs_secret sec;
	struct heap_stats before;
	struct heap_stats after;

	static uint8_t broker[KBS_BROKER_KEY_SIZE];
	struct kbs_ec_key *k;

	/* A real P-256 public key whose private half is thrown away. */
	if (!broker[0]) {
		EXPECT(kbs_ec_generate(fuzz_random, &k) == SVSM_OK);
		kbs_ec_public(k, broker + 1, broker + 1 + KBS_EC_COORD);
		kbs_ec_free(k);
		broker[0] = 0x04;
	}
	memcpy(c.broker_key, broker, sizeof(broker));
	strcpy(c.resource, "csvsm/vtpm/key");
	heap_get_stats(&before);
	EXPECT(kbs_attest_fetch(&c, &sec, NULL) != SVSM_OK);
	heap_get_stats(&after);
	EXPECT(mem_is_zero(&sec, sizeof(sec)));
	EXPECT(before.live_objects == after.live_objects &&
	       before.live_bytes == after.live_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data + 1;

	setup();
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_json(t, size - 1);
		break;
	case 1:
		fuzz_b64(t, size - 1, data[0] & 4);
		break;
	case 2:
		fuzz_jwe(t, size - 1);
		break;
	default:
		fuzz_fetch(data + 1, size - 1);
		break;
	}
	return 0;
}
