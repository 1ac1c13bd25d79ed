/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client's parsing and cryptography (kernel/attest/) as
 * the kernel build compiles them (Debian's mbedTLS sources with the
 * kernel's flags): a JWE known answer made by an independent
 * implementation (Python's cryptography package, as tests/kbs/testkbs.py
 * makes the broker's answers: ECDH-ES+A256KW, A256GCM) to a fixed P-256
 * TEE key, holding a secret signed by a fixed broker key over a fixed
 * binding digest; the same JWE with one byte changed; a fresh key from
 * the hardware RNG; the JSON parser and the RFC 8785 string.
 *
 * kbs_vsock.*: the whole client in QEMU, over virtio-vsock to
 * csvsm-aproxy and the test KBS that tests/qemu/run_svtest.py starts
 * (port 1995, docs/attestation-proxy.md), with the TEST evidence type
 * (the native platform has no hardware evidence) and the test broker key
 * of tests/kbs/test-broker-key.pem pinned here. The runner's broker holds
 * the key 0xc0..0xdf at counter 3 under csvsm/test/key and under
 * csvsm/test/counter, whose counter one test advances.
 */
#include "svsm/arch/cpu.h"

#include "svsm/kbs.h"

#include "kbs_int.h"
#include "lib/bytes.h"
#include "lib/string.h"
#include "test.h"

static const uint8_t tee_d[32] = {
	0x53, 0x1e, 0xaf, 0xc2, 0xd4, 0x65, 0xbb, 0xf6, 0x76, 0x73, 0xcb,
	0x17, 0xca, 0x9a, 0x4f, 0x65, 0x10, 0x03, 0x3b, 0x62, 0x90, 0x81,
	0x69, 0xd1, 0x36, 0x6f, 0x5b, 0xc2, 0xbd, 0x25, 0xf2, 0x3d,
};
static const uint8_t broker_pub[65] = {
	0x04, 0x0d, 0x11, 0x5c, 0x02, 0xe4, 0xc3, 0x0d, 0x32, 0x34, 0xac,
	0x0d, 0xa0, 0x9d, 0x36, 0xdd, 0x2a, 0x43, 0xf9, 0x15, 0xff, 0xc2,
	0xb0, 0xca, 0xfe, 0x92, 0xc9, 0x15, 0xab, 0x4f, 0x3e, 0x48, 0xef,
	0x36, 0xf2, 0x69, 0xd5, 0xf3, 0x5a, 0xb5, 0x1e, 0x12, 0x65, 0x67,
	0x92, 0x19, 0xf2, 0x0e, 0xf1, 0x90, 0x7d, 0xb8, 0x89, 0x02, 0xc2,
	0xdb, 0x5f, 0xd1, 0x7f, 0xcc, 0xa7, 0xeb, 0x0f, 0xc9, 0x8d,
};
static const uint8_t binding[48] = {
	0x9d, 0x4a, 0xb8, 0x01, 0x40, 0x6e, 0xcc, 0xbd, 0x10, 0xe7, 0x0a, 0x39,
	0xd1, 0x7a, 0x1b, 0x49, 0x41, 0x47, 0xb1, 0xcc, 0x27, 0xc6, 0xe9, 0xf6,
	0xad, 0x34, 0x39, 0x64, 0x75, 0xce, 0xd1, 0xef, 0x52, 0xe0, 0x36, 0x9e,
	0xb3, 0xd4, 0xd6, 0x27, 0x6a, 0xda, 0xbd, 0xa6, 0x36, 0x8a, 0x84, 0x12,
};
static const uint8_t secret_key[32] = {
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
	0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55,
	0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
};
static const char jwe[] =
	"{\"protected\":\"eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ0"
	"0iLCJlcGsiOnsiY3J2IjoiUC0yNTYiLCJrdHkiOiJFQyIsIngiOiJwLU90cWI0dk"
	"pzdWQ1UzRQRGUtcVMxM3NwNWYyUy1VUVB5TzJsZl9FUTh3IiwieSI6IkZwcWRBMk"
	"54S0tLNklTcmhUaW5aek1ZLUNQUWtXSHo2SnhfWjdDeGhQbzAifX0\",\"encrypte"
	"d_key\":\"W1Uuapy5gBz-LkcfsAjTm2Oiic1_OKDzrevvMHwGd69SfnQgxvxS_w\","
	"\"iv\":\"eh_G-ZKgGwJxe4-N\",\"ciphertext\":\"DZ46rhiKfp6Gke4BWT1WWQjz3n"
	"lGA1a35u5HPBHC5iXbQ3KHoUeZGMF9uQtctFc3_E4tYflmmy09ZJoI8ndSs3U3cb"
	"_BERSakfbE2PhJqrzgFhViu1UeAvSLDYEkV-aMyYxNJGgKkOQq0lmlrKmHf4KJUp"
	"6yrV0O\",\"tag\":\"KnnrOlStA-uYrU5wSZLXIw\"}";

static const uint8_t test_broker_pub[65] = {
	0x04, 0x58, 0xac, 0xf1, 0xa7, 0xa5, 0x8f, 0x4b, 0xfd, 0x2d, 0xc5,
	0xa3, 0xfe, 0x3d, 0xd4, 0xc5, 0x2e, 0x58, 0xa9, 0xe4, 0xfc, 0xbc,
	0x99, 0x80, 0x88, 0xb6, 0x19, 0xef, 0x7a, 0x8c, 0x1a, 0x22, 0xac,
	0x8e, 0xfb, 0x42, 0x47, 0x64, 0xb2, 0xcf, 0x2e, 0x9a, 0xf0, 0xcb,
	0x63, 0x9d, 0x55, 0x2e, 0x72, 0xe0, 0x23, 0x49, 0xb8, 0x16, 0x70,
	0xfc, 0xb2, 0x56, 0xdb, 0x32, 0x31, 0xe1, 0x63, 0x30, 0xcd,
};

static bool hw_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t v;
		size_t n = len < 8 ? len : 8;

		if (!arch_hw_random(&v))
			return false;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return true;
}

TEST(kbs, jwe_known_answer_and_broker_signature)
{
	static uint8_t plain[KBS_SECRET_SIZE];
	static char bad[sizeof(jwe)];
	uint8_t msg[56 + KBS_BINDING_SIZE];
	struct kbs_ec_key *k;
	size_t got = 0;

	ASSERT_EQ(kbs_ec_load(tee_d, hw_random, &k), SVSM_OK);
	ASSERT_EQ(kbs_jwe_decrypt(k, jwe, sizeof(jwe) - 1, plain, sizeof(plain),
				  &got),
		  SVSM_OK);
	EXPECT_EQ(got, KBS_SECRET_SIZE);
	EXPECT_TRUE(!memcmp(plain, KBS_SECRET_MAGIC, 16));
	EXPECT_TRUE(!memcmp(plain + 16, secret_key, sizeof(secret_key)));
	memcpy(msg, plain, 56);
	memcpy(msg + 56, binding, sizeof(binding));
	EXPECT_TRUE(kbs_ecdsa_p256_verify(broker_pub, msg, sizeof(msg),
					  plain + 56, plain + 88));
	msg[20] ^= 1;
	EXPECT_FALSE(kbs_ecdsa_p256_verify(broker_pub, msg, sizeof(msg),
					   plain + 56, plain + 88));
	/* A changed ciphertext character: nothing comes out. */
	memcpy(bad, jwe, sizeof(jwe));
	for (size_t i = sizeof(jwe) - 40; i < sizeof(jwe); i++) {
		if (bad[i] == 'A' || bad[i] == 'B') {
			bad[i] = bad[i] == 'A' ? 'B' : 'A';
			break;
		}
	}
	EXPECT_NE(kbs_jwe_decrypt(k, bad, sizeof(bad) - 1, plain, sizeof(plain),
				  &got),
		  SVSM_OK);
	EXPECT_EQ(got, 0u);
	kbs_ec_free(k);
}

TEST(kbs, fresh_key_from_the_hardware_rng)
{
	struct kbs_ec_key *a;
	struct kbs_ec_key *b;
	uint8_t ax[32], ay[32], bx[32], by[32];

	ASSERT_EQ(kbs_ec_generate(hw_random, &a), SVSM_OK);
	ASSERT_EQ(kbs_ec_generate(hw_random, &b), SVSM_OK);
	kbs_ec_public(a, ax, ay);
	kbs_ec_public(b, bx, by);
	EXPECT_TRUE(memcmp(ax, bx, 32) != 0);
	kbs_ec_free(a);
	kbs_ec_free(b);
}

TEST(kbs, json_and_canonical_string_in_the_kernel)
{
	static struct kbs_json d;
	static const char head[] =
		"{\"additional-evidence\":\"\",\"nonce\":\"n+/=\",";
	static const char text[] = "{\"nonce\":\"n+/=\",\"extra-params\":\"\"}";
	const char *v;
	size_t n;
	char buf[300];
	struct kbs_jw w = {.buf = buf, .cap = sizeof(buf)};
	uint8_t x[32] = {0};
	uint8_t y[32] = {0};

	ASSERT_EQ(kbs_json_parse(&d, text, sizeof(text) - 1), SVSM_OK);
	EXPECT_TRUE(kbs_json_get_str(&d, 0, "nonce", 16, &v, &n) && n == 4);
	EXPECT_EQ(kbs_json_parse(&d, "{\"a\":1,\"a\":1}", 13), SVSM_E_INVAL);
	kbs_runtime_jcs(&w, v, n, x, y);
	EXPECT_FALSE(w.overflow);
	EXPECT_TRUE(w.len > sizeof(head) - 1 &&
		    !memcmp(buf, head, sizeof(head) - 1));
}

static void vsock_config(struct kbs_config *c, struct kbs_transport *t,
			 const char *resource)
{
	memset(c, 0, sizeof(*c));
	c->transport = t;
	c->tee = KBS_TEE_SAMPLE;
	c->random = hw_random;
	memcpy(c->broker_key, test_broker_pub, sizeof(test_broker_pub));
	memcpy(c->resource, resource, strlen(resource) + 1);
}

TEST(kbs_vsock, test_evidence_released_over_vsock)
{
	static struct kbs_config c;
	struct kbs_transport t;
	struct kbs_secret sec;
	struct kbs_stats st;
	uint8_t want[KBS_KEY_SIZE];

	for (unsigned int i = 0; i < KBS_KEY_SIZE; i++)
		want[i] = (uint8_t)(0xc0 + i);
	ASSERT_EQ(kbs_vsock_open(&t), SVSM_OK);
	vsock_config(&c, &t, "csvsm/test/key");
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, &st), SVSM_OK);
	EXPECT_TRUE(!memcmp(sec.key, want, sizeof(want)));
	EXPECT_EQ(sec.counter, 3u);
	EXPECT_EQ(st.exchanges, 3u);
	test_printf("kbs over vsock: %zu bytes sent, %zu received\n",
		    st.bytes_sent, st.bytes_received);
	/* A resource the broker does not have: 404, no key. */
	vsock_config(&c, &t, "csvsm/test/missing");
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_HW);
	EXPECT_TRUE(mem_is_zero(&sec, sizeof(sec)));
	kbs_vsock_close(&t);
}

TEST(kbs_vsock, another_broker_key_is_refused)
{
	static struct kbs_config c;
	struct kbs_transport t;
	struct kbs_secret sec;

	ASSERT_EQ(kbs_vsock_open(&t), SVSM_OK);
	vsock_config(&c, &t, "csvsm/test/key");
	/* The JWE decrypts, but the signature is not by this key. */
	memcpy(c.broker_key, broker_pub, sizeof(broker_pub));
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_INVAL);
	EXPECT_TRUE(mem_is_zero(&sec, sizeof(sec)));
	kbs_vsock_close(&t);
}

/*
 * The store's view over vsock: the key interface attests once, hands out
 * the key and the counter, advances the counter with the broker's signed
 * acknowledgement, and refuses to go back.
 */
TEST(kbs_vsock, key_interface_and_counter_over_vsock)
{
	static struct kbs_config c;
	struct kbs_transport t;
	uint8_t key[KBS_KEY_SIZE];
	uint64_t ctr = 0;

	ASSERT_EQ(kbs_vsock_open(&t), SVSM_OK);
	vsock_config(&c, &t, "csvsm/test/counter");
	ASSERT_EQ(kbs_configure(&c), SVSM_OK);
	EXPECT_EQ(kbs_store_key(NULL, key), SVSM_OK);
	EXPECT_EQ(key[0], 0xc0);
	EXPECT_EQ(kbs_store_counter_read(NULL, &ctr), SVSM_OK);
	EXPECT_EQ(ctr, 3u);
	EXPECT_EQ(kbs_store_counter_advance(NULL, 3), SVSM_E_INVAL);
	EXPECT_EQ(kbs_store_counter_advance(NULL, 4), SVSM_OK);
	EXPECT_EQ(kbs_store_counter_read(NULL, &ctr), SVSM_OK);
	EXPECT_EQ(ctr, 4u);
	kbs_reset();
	EXPECT_EQ(kbs_fetch_key(key), SVSM_E_UNSUPPORTED);
	kbs_vsock_close(&t);
}

/*
 * The same client over the serial transport: COM3, whose QEMU chardev
 * run_svtest.py connects to a second csvsm-aproxy in front of the same
 * test KBS.
 */
TEST(kbs_vsock, test_evidence_released_over_serial)
{
	static struct kbs_config c;
	struct kbs_transport t;
	struct kbs_secret sec;
	struct kbs_stats st;

	kbs_serial_open(&t, KBS_SERIAL_COM3);
	vsock_config(&c, &t, "csvsm/test/key");
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, &st), SVSM_OK);
	EXPECT_EQ(sec.key[31], 0xdf);
	EXPECT_EQ(sec.counter, 3u);
	test_printf("kbs over serial: %zu bytes sent, %zu received\n",
		    st.bytes_sent, st.bytes_received);
	/* Another pinned key: refused over this transport too. */
	memcpy(c.broker_key, broker_pub, sizeof(broker_pub));
	EXPECT_EQ(kbs_attest_fetch(&c, &sec, NULL), SVSM_E_INVAL);
	EXPECT_TRUE(mem_is_zero(&sec, sizeof(sec)));
}
