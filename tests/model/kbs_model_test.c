/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client (kernel/attest/) on the SEV-SNP model.
 *
 * Suite kbs: the bounded JSON parser, strict base64, the runtime-data
 * string Trustee hashes (RFC 8785), and kbs_attest_fetch() against a
 * scripted hostile proxy in this process (wrong magic, oversized and
 * truncated frames, refusals, a forged secret), each time checking that
 * the caller's secret stays zero, the SVSM heap holds what it held before
 * and the key interface hands out nothing.
 *
 * Fixture kbs_model_fetch, for tests/tools/kbs_cli.py: the model launches
 * $SIM_LOAD_IGVM (sim/loader.c, model PSP), the SVSM's guest-message
 * client is keyed from the launched secrets page, the model VCEK goes to
 * $KBS_VCEK_OUT (the broker's "key distribution service"), and the client
 * attests $KBS_RUNS times (default 1) through the proxy at the Unix
 * socket $KBS_PROXY_SOCK, pinned to the broker key $KBS_BROKER_KEY (SEC1
 * hex) for resource $KBS_RESOURCE; $KBS_TEE=sample uses the test
 * evidence instead; with $KBS_ADVANCE, the key interface then fetches
 * again and advances the broker's counter to that value ("kbs-advance
 * err=ENUM key=HEX before=N after=N"). One line per run: "kbs-run N err=ENUM key=HEX
 * counter=N sent=N received=N exchanges=N us=N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "svsm/addr.h"
#include "svsm/kbs.h"
#include "svsm/log.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/kbs_proxy.h"
#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "hv.h"
#include "kbs_int.h"
#include "lib/bytes.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "test.h"
#include "unit/sim_load_fixture.h"
#include "unit/slf_svsm.h"
#include "util.h"

#define MEM_SIZE  (8ull << 20)
#define SVSM_SIZE (4ull << 20)

static bool host_random(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len;
}

static unsigned int saved_level;

/*
 * The SVSM's allocators; with a launched model, its guest-message client
 * (tests/unit/slf_svsm.h).
 */
static bool svsm_up(struct slf *s)
{
	saved_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	REQUIRE_TRUE(slf_svsm_alloc(MEM_SIZE, SVSM_SIZE, 0x6b6273ull));
	return !s || slf_svsm_keyed(s, MEM_SIZE, SVSM_SIZE);
}

static void svsm_down(bool snp)
{
	if (snp)
		slf_svsm_down();
	kbs_reset();
	log_set_level(saved_level);
}

static bool heap_same(const struct heap_stats *a, const struct heap_stats *b)
{
	return a->live_objects == b->live_objects &&
	       a->live_bytes == b->live_bytes;
}

/* ---- the parser, base64, the binding string ------------------------- */

static bool parses(const char *s)
{
	static struct kbs_json d;

	return kbs_json_parse(&d, s, strlen(s)) == SVSM_OK;
}

TEST(kbs, json_accepts_rfc8259_and_refuses_the_rest)
{
	static struct kbs_json d;
	const char *v;
	size_t n;
	char deep[64];

	EXPECT_TRUE(parses("{\"nonce\":\"abc\",\"extra-params\":\"\"}"));
	EXPECT_TRUE(parses(" [1, -2.5e+3, true, false, null, {}, []] "));
	EXPECT_TRUE(parses("\"\\u00e9\\n\""));
	EXPECT_FALSE(parses(""));
	EXPECT_FALSE(parses("{\"a\":1,}"));
	EXPECT_FALSE(parses("{\"a\":1}x"));
	EXPECT_FALSE(parses("{\"a\":1,\"a\":2}")); /* duplicate key */
	EXPECT_FALSE(parses("{\"a\":01}"));
	EXPECT_FALSE(parses("{\"a\":\"\x01\"}"));
	EXPECT_FALSE(parses("{\"a\":\"\\x\"}"));
	EXPECT_FALSE(parses("{\"a\":\"\\u12\"}"));
	EXPECT_FALSE(parses("{\"a\":tru}"));
	EXPECT_FALSE(parses("{\"a\" 1}"));
	EXPECT_FALSE(parses("\"open"));
	/* 16 levels parse, 17 do not. */
	memset(deep, '[', 16);
	memset(deep + 16, ']', 16);
	deep[32] = 0;
	EXPECT_TRUE(parses(deep));
	memset(deep, '[', 17);
	memset(deep + 17, ']', 17);
	deep[34] = 0;
	EXPECT_FALSE(parses(deep));
	/* Values by key; escaped strings are not handed out. */
	ASSERT_EQ(kbs_json_parse(&d, "{\"x\":{\"y\":\"ok\"},\"e\":\"a\\/b\"}",
				 27),
		  SVSM_OK);
	EXPECT_TRUE(kbs_json_get_str(&d, kbs_json_get(&d, 0, "x"), "y", 8, &v,
				     &n) &&
		    n == 2 && !memcmp(v, "ok", 2));
	EXPECT_FALSE(kbs_json_get_str(&d, 0, "e", 8, &v, &n));
	EXPECT_FALSE(kbs_json_get_str(&d, 0, "x", 8, &v, &n));
	EXPECT_EQ(kbs_json_get(&d, 0, "missing"), -1);
}

TEST(kbs, json_token_limit)
{
	static char big[4096];
	static struct kbs_json d;
	size_t n = 0;

	big[n++] = '[';
	for (unsigned int i = 0; i < 300; i++) {
		big[n++] = '0';
		big[n++] = ',';
	}
	big[n - 1] = ']';
	EXPECT_EQ(kbs_json_parse(&d, big, n), SVSM_E_INVAL);
}

TEST(kbs, base64_is_strict)
{
	uint8_t out[8];
	size_t n;

	EXPECT_TRUE(kbs_b64_decode("QUJD", 4, false, out, 8, &n) && n == 3);
	EXPECT_TRUE(kbs_b64_decode("QQ==", 4, false, out, 8, &n) && n == 1 &&
		    out[0] == 'A');
	EXPECT_TRUE(kbs_b64_decode("QQ", 2, true, out, 8, &n) && n == 1);
	EXPECT_FALSE(kbs_b64_decode("QQ", 2, false, out, 8, &n));
	EXPECT_FALSE(kbs_b64_decode("QQ==", 4, true, out, 8, &n));
	EXPECT_FALSE(kbs_b64_decode("QR==", 4, false, out, 8, &n)); /* bits */
	EXPECT_FALSE(kbs_b64_decode("Q U=", 4, false, out, 8, &n));
	EXPECT_FALSE(kbs_b64_decode("-_8", 3, false, out, 8, &n));
	EXPECT_TRUE(kbs_b64_decode("-_8", 3, true, out, 8, &n) && n == 2 &&
		    out[0] == 0xfb && out[1] == 0xff);
	EXPECT_FALSE(kbs_b64_decode("QUJDQUJDQUJD", 12, false, out, 8, &n));
}

/*
 * The string Trustee hashes for REPORT_DATA (RFC 8785: keys sorted, no
 * whitespace, '/', '+' and '=' not escaped), written out by hand.
 */
TEST(kbs, runtime_data_is_jcs)
{
	static const char want[] =
		"{\"additional-evidence\":\"\",\"nonce\":\"q+/w=\","
		"\"tee-pubkey\":{\"alg\":\"ECDH-ES+A256KW\",\"crv\":\"P-256\","
		"\"kty\":\"EC\","
		"\"x\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\","
		"\"y\":\"__79_Pv6-fj39vX08_Lx8O_u7ezr6uno5-bl5OPi4eA\"}}";
	uint8_t x[32];
	uint8_t y[32];
	char buf[512];
	struct kbs_jw w = {.buf = buf, .cap = sizeof(buf)};

	for (unsigned int i = 0; i < 32; i++) {
		x[i] = (uint8_t)i;
		y[i] = (uint8_t)(0xff - i);
	}
	kbs_runtime_jcs(&w, "q+/w=", 5, x, y);
	ASSERT_FALSE(w.overflow);
	EXPECT_EQ(w.len, strlen(want));
	EXPECT_TRUE(w.len == strlen(want) && !memcmp(buf, want, w.len));
	/* JCS escapes: quote, backslash, short forms, other controls. */
	w.len = 0;
	kbs_jw_str(&w, "a\"\\\n\x01/", 6);
	EXPECT_TRUE(w.len == 16 &&
		    !memcmp(buf, "\"a\\\"\\\\\\n\\u0001/\"", 16));
}

/* ---- a scripted hostile proxy --------------------------------------- */

struct script {
	const uint8_t *data; /* what the "proxy" answers, all of it */
	size_t len;
	size_t off;
	size_t sent;
};

static enum svsm_err sc_send(void *ctx, const void *buf, size_t len)
{
	struct script *s = ctx;

	(void)buf;
	s->sent += len;
	return SVSM_OK;
}

static enum svsm_err sc_recv(void *ctx, void *buf, size_t len)
{
	struct script *s = ctx;

	if (len > s->len - s->off)
		return SVSM_E_HW; /* the proxy closed */
	memcpy(buf, s->data + s->off, len);
	s->off += len;
	return SVSM_OK;
}

/* A response frame: header then body, appended at *n. */
static void frame(uint8_t *out, size_t *n, uint32_t magic, uint32_t status,
		  uint32_t body_len, const char *body, size_t real_len)
{
	struct kbs_proxy_rsp r = {magic, status, body_len};

	memcpy(out + *n, &r, sizeof(r));
	*n += sizeof(r);
	memcpy(out + *n, body, real_len);
	*n += real_len;
}

static void sample_config(struct kbs_config *c, struct kbs_transport *t)
{
	memset(c, 0, sizeof(*c));
	c->transport = t;
	c->tee = KBS_TEE_SAMPLE;
	c->random = host_random;
	c->broker_key[0] = 0x04;
	memset(c->broker_key + 1, 0x11, 64);
	strcpy(c->resource, "csvsm/vtpm/key");
}

/* Runs one fetch against a script; checks nothing stays behind. */
static enum svsm_err scripted(const uint8_t *data, size_t len)
{
	static struct script s;
	struct kbs_transport t = {&s, sc_send, sc_recv};
	struct kbs_config c;
	struct kbs_secret sec;
	struct kbs_stats st;
	struct heap_stats before;
	struct heap_stats after;
	uint8_t key[KBS_KEY_SIZE];
	enum svsm_err err;

	s = (struct script){.data = data, .len = len};
	sample_config(&c, &t);
	heap_get_stats(&before);
	memset(&sec, 0x5a, sizeof(sec));
	err = kbs_attest_fetch(&c, &sec, &st);
	heap_get_stats(&after);
	EXPECT_TRUE(heap_same(&before, &after));
	EXPECT_TRUE(err == SVSM_OK || mem_is_zero(&sec, sizeof(sec)));
	/* The same script through the key interface: no key comes out. */
	s = (struct script){.data = data, .len = len};
	EXPECT_EQ(kbs_configure(&c), SVSM_OK);
	memset(key, 0x5a, sizeof(key));
	EXPECT_EQ(kbs_fetch_key(key), err);
	if (err != SVSM_OK) {
		uint8_t same[KBS_KEY_SIZE];

		memset(same, 0x5a, sizeof(same));
		EXPECT_TRUE(!memcmp(key, same, sizeof(key)));
	}
	kbs_reset();
	return err;
}

#define CHALLENGE "{\"nonce\":\"bm9uY2U=\",\"extra-params\":\"\"}"

TEST(kbs, hostile_proxy_frames_are_refused)
{
	static uint8_t buf[2 * KBS_PROXY_BODY_MAX];
	static char big[KBS_PROXY_BODY_MAX + 1];
	size_t n;

	ASSERT_TRUE(svsm_up(NULL));
	/* Wrong magic. */
	n = 0;
	frame(buf, &n, 0x12345678, 200, strlen(CHALLENGE), CHALLENGE,
	      strlen(CHALLENGE));
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	/* A body above the limit is refused before it is read. */
	n = 0;
	memset(big, ' ', sizeof(big));
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, KBS_PROXY_BODY_MAX + 1, big,
	      sizeof(big));
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	/* Truncated: the header promises more than comes. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 200, CHALLENGE,
	      strlen(CHALLENGE));
	EXPECT_EQ(scripted(buf, n), SVSM_E_HW);
	/* Half a header. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 0, "", 0);
	EXPECT_EQ(scripted(buf, n - 4), SVSM_E_HW);
	/* The broker (or the proxy) refuses. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 401, 2, "{}", 2);
	EXPECT_EQ(scripted(buf, n), SVSM_E_HW);
	/* The proxy could not reach the broker. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 0, 4, "down", 4);
	EXPECT_EQ(scripted(buf, n), SVSM_E_HW);
	/* Not JSON; no nonce; a nonce that would need escaping. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 5, "nonce", 5);
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 2, "{}", 2);
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 13, "{\"nonce\":\"a\"}", 13);
	/* A good nonce goes on to attest; then the proxy hangs up. */
	EXPECT_EQ(scripted(buf, n), SVSM_E_HW);
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 16, "{\"nonce\":\"a\\\"b\"}",
	      16);
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	/* Attested, then a JWE that is not one. */
	n = 0;
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, strlen(CHALLENGE), CHALLENGE,
	      strlen(CHALLENGE));
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 2, "{}", 2);
	frame(buf, &n, KBS_PROXY_MAGIC_RSP, 200, 15, "{\"protected\":1}", 15);
	EXPECT_EQ(scripted(buf, n), SVSM_E_INVAL);
	svsm_down(false);
}

TEST(kbs, bad_configurations_are_refused)
{
	static struct script s;
	struct kbs_transport t = {&s, sc_send, sc_recv};
	struct kbs_config c;
	struct kbs_secret sec;
	static const char *bad[] = {"",	      "a/b",   "a/b/c/d", "/a/b",
				    "a/b/",   "a//b",  "a/b/c d", "a/b/c\n",
				    "a/../b", "a/b/.", "a/b/c?d"};

	ASSERT_TRUE(svsm_up(NULL));
	sample_config(&c, &t);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(c.resource, bad[i]);
		EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_INVAL);
	}
	sample_config(&c, &t);
	c.tee = KBS_TEE_SNP; /* without a report source */
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_INVAL);
	sample_config(&c, &t);
	c.broker_key[0] = 0x02; /* compressed keys are not taken */
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_INVAL);
	/* No broker configured: the store keeps its own key. */
	kbs_reset();
	EXPECT_EQ(kbs_fetch_key(sec.key), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(s.sent, 0u);
	svsm_down(false);
}

/* ---- the fixture: the model, the proxy, the broker ------------------- */

static enum svsm_err us_send(void *ctx, const void *buf, size_t len)
{
	int fd = *(int *)ctx;
	const uint8_t *p = buf;

	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w <= 0)
			return SVSM_E_HW;
		p += w;
		len -= (size_t)w;
	}
	return SVSM_OK;
}

static enum svsm_err us_recv(void *ctx, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	uint8_t *p = buf;

	while (len) {
		ssize_t r = recv(fd, p, len, 0);

		if (r <= 0)
			return SVSM_E_HW;
		p += r;
		len -= (size_t)r;
	}
	return SVSM_OK;
}

static int us_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void run_once(unsigned int run, struct kbs_config *c, int fd)
{
	struct kbs_secret sec;
	struct kbs_stats st;
	struct heap_stats before;
	struct heap_stats after;
	char hex[2 * KBS_KEY_SIZE + 1];
	uint64_t t0 = now_us();
	enum svsm_err err;
	uint64_t us;

	heap_get_stats(&before);
	memset(&sec, 0x5a, sizeof(sec));
	err = kbs_attest_fetch(c, &sec, &st);
	us = now_us() - t0;
	heap_get_stats(&after);
	/* Whatever happened, nothing stays on the SVSM's heap. */
	EXPECT_TRUE(heap_same(&before, &after));
	if (err != SVSM_OK)
		EXPECT_TRUE(mem_is_zero(&sec, sizeof(sec)));
	util_format_hex(sec.key, KBS_KEY_SIZE, hex);
	test_printf("kbs-run %u err=%d key=%s counter=%llu sent=%zu "
		    "received=%zu exchanges=%u us=%llu fd=%d\n",
		    run, (int)err, hex, (unsigned long long)sec.counter,
		    st.bytes_sent, st.bytes_received, st.exchanges,
		    (unsigned long long)us, fd >= 0);
}

/*
 * The store's view (kbs_store_*, as kernel/store calls them): the key,
 * the counter released with it, an advance, the counter after.
 */
static void advance_once(const char *sock, struct kbs_config *cfg, uint64_t to)
{
	struct kbs_transport t = *cfg->transport;
	uint64_t before = 0;
	uint64_t after = 0;
	uint8_t key[KBS_KEY_SIZE];
	char hex[2 * KBS_KEY_SIZE + 1];
	enum svsm_err err;
	int fd = us_connect(sock);

	t.ctx = &fd;
	cfg->transport = &t;
	memset(key, 0, sizeof(key));
	EXPECT_EQ(kbs_configure(cfg), SVSM_OK);
	err = kbs_store_key(NULL, key);
	if (err == SVSM_OK)
		err = kbs_store_counter_read(NULL, &before);
	if (err == SVSM_OK) {
		err = kbs_store_counter_advance(NULL, to);
		EXPECT_EQ(kbs_store_counter_read(NULL, &after), SVSM_OK);
		/* Moved exactly when the broker acknowledged. */
		EXPECT_EQ(after, err == SVSM_OK ? to : before);
	}
	util_format_hex(key, KBS_KEY_SIZE, hex);
	test_printf("kbs-advance err=%d key=%s before=%llu after=%llu\n",
		    (int)err, hex, (unsigned long long)before,
		    (unsigned long long)after);
	kbs_reset();
	if (fd >= 0)
		close(fd);
}

TEST_FIXTURE(kbs_model_fetch)
{
	const char *path = getenv("SIM_LOAD_IGVM");
	const char *sock = getenv("KBS_PROXY_SOCK");
	const char *bkey = getenv("KBS_BROKER_KEY");
	const char *res = getenv("KBS_RESOURCE");
	const char *vcek_out = getenv("KBS_VCEK_OUT");
	const char *tee = getenv("KBS_TEE");
	const char *runs_s = getenv("KBS_RUNS");
	bool sample = tee && !strcmp(tee, "sample");
	unsigned int runs = runs_s ? (unsigned int)strtoul(runs_s, NULL, 0) : 1;
	static struct kbs_config cfg;
	struct kbs_transport t = {.send = us_send, .recv = us_recv};
	char pem[1024];
	char err[256];
	size_t pem_len = 0;
	size_t len = 0;
	uint8_t *file = NULL;
	struct slf s;
	int fd;

	ASSERT_TRUE(sock && bkey && res && strlen(bkey) == 130 &&
		    strlen(res) < KBS_RESOURCE_MAX);
	ASSERT_EQ(util_parse_hex(bkey, cfg.broker_key, KBS_BROKER_KEY_SIZE), 0);
	strcpy(cfg.resource, res);
	cfg.transport = &t;
	cfg.random = host_random;
	cfg.tee = sample ? KBS_TEE_SAMPLE : KBS_TEE_SNP;
	cfg.snp_report = kbs_snp_report;
	if (!sample) {
		ASSERT_TRUE(path && *path && vcek_out && *vcek_out);
		file = util_read_file(path, 1u << 30, &len, err, sizeof(err));
		ASSERT_TRUE(file != NULL);
		ASSERT_TRUE(slf_init(&s, 1));
		if (slf_load(&s, file, len))
			test_printf("  %s\n", s.err);
		ASSERT_EQ(s.err[0], '\0');
		ASSERT_EQ(sim_psp_vcek_public_pem(s.psp, pem, sizeof(pem),
						  &pem_len),
			  SIM_PSP_OK);
		ASSERT_EQ(util_write_file(vcek_out, pem, pem_len, err,
					  sizeof(err)),
			  0);
	}
	ASSERT_TRUE(svsm_up(sample ? NULL : &s));
	for (unsigned int i = 0; i < runs; i++) {
		/* A connection per run, as the SVSM makes one per boot. */
		fd = us_connect(sock);
		t.ctx = &fd;
		run_once(i, &cfg, fd);
		if (fd >= 0)
			close(fd);
	}
	if (getenv("KBS_ADVANCE"))
		advance_once(sock, &cfg,
			     strtoull(getenv("KBS_ADVANCE"), NULL, 0));
	svsm_down(!sample);
	if (!sample)
		slf_fini(&s);
	free(file);
}
