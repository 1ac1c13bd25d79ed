/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's key-broker client (kernel/attest/): it proves the SVSM to a
 * Key Broker Service that speaks Trustee's RCAR protocol 0.4.0
 * (confidential-containers/trustee, kbs/docs/kbs_attestation_protocol.md)
 * through an untrusted host proxy, and receives a 32-byte secret and the
 * broker's rollback counter. docs/attestation-proxy.md explains the flow.
 *
 *   auth       POST /kbs/v0/auth      {"version":"0.4.0","tee":...}
 *   challenge  <- {"nonce": N, ...}
 *   attest     POST /kbs/v0/attest    runtime-data {nonce N, tee-pubkey
 *              JWK of a fresh P-256 key}, evidence whose REPORT_DATA =
 *              SHA-384(JCS(runtime-data + additional-evidence)) || 0^16
 *   resource   GET /kbs/v0/resource/<repo>/<type>/<tag> -> JWE
 *              (ECDH-ES+A256KW, A256GCM) to the fresh key, decrypted here
 *
 * The JWE authenticates nothing about its sender, so the released bytes
 * must carry an ECDSA P-256 signature by the broker key pinned in the
 * configuration (measured with the image), over the secret, the counter
 * and this session's REPORT_DATA digest (nonce and TEE key): a proxy
 * that substitutes, replays or re-encrypts anything is refused, and the
 * caller gets no key. The released plaintext (KBS_SECRET_SIZE bytes):
 *
 *   "csvsm-kbs-key-v1" (16) | key (32) | counter (u64 LE) | r || s (64)
 *   signed message: the first 56 bytes, then the 48-byte binding digest
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define KBS_KEY_SIZE	    32u
#define KBS_SECRET_MAGIC    "csvsm-kbs-key-v1"
#define KBS_SECRET_SIZE	    (16u + KBS_KEY_SIZE + 8u + 64u)
#define KBS_BROKER_KEY_SIZE 65u /* SEC1 uncompressed P-256 point */
#define KBS_RESOURCE_MAX    128u
#define KBS_BINDING_SIZE    48u /* SHA-384 */
/*
 * The rollback counter: POST KBS_COUNTER_PATH<resource> {"advance-to":N}
 * in an attested session; the broker answers (JWE) with
 *   "csvsm-kbs-ctr-v1" (16) | counter now held (u64 LE) | r || s (64)
 *   signed message: the first 24 bytes, then the binding digest
 * It is a Trustee external plugin's route (kbs/docs/ext_plugin.md).
 */
#define KBS_COUNTER_PATH     "/kbs/v0/external/csvsm-counter/"
#define KBS_COUNTER_MAGIC    "csvsm-kbs-ctr-v1"
#define KBS_COUNTER_ACK_SIZE (16u + 8u + 64u)

/*
 * The byte stream to the proxy. TRUST: the proxy and the host behind
 * these calls are hostile; recv() may return anything.
 */
struct kbs_transport {
	void *ctx;
	/* Sends all len bytes, or an error. */
	enum svsm_err (*send)(void *ctx, const void *buf, size_t len);
	/* Receives exactly len bytes, or an error (end of stream included). */
	enum svsm_err (*recv)(void *ctx, void *buf, size_t len);
};

enum kbs_tee {
	KBS_TEE_SNP, /* an SEV-SNP report signed by the VCEK */
	/*
	 * TEST EVIDENCE, NOT A TEE: Trustee's "sample" type, for the native
	 * platform, which has no hardware evidence. It proves nothing; a
	 * broker releases secrets to it only when configured for tests
	 * (Trustee's default resource policy refuses "sample").
	 */
	KBS_TEE_SAMPLE,
};

struct kbs_config {
	const struct kbs_transport *transport;
	enum kbs_tee tee;
	/*
	 * KBS_TEE_SNP: an SNP report at VMPL0 over report_data into
	 * out[0..0x4A0) (AMD 56860 ATTESTATION_REPORT); kbs_snp_report() is
	 * the SNP platform's.
	 */
	enum svsm_err (*snp_report)(const uint8_t report_data[64], uint8_t *out,
				    size_t cap);
	/* Fills buf with len random bytes from a hardware source. */
	bool (*random)(void *buf, size_t len);
	/* The broker's signing key, pinned in the measured image. */
	uint8_t broker_key[KBS_BROKER_KEY_SIZE];
	/* "<repository>/<type>/<tag>", [A-Za-z0-9._-] and two slashes. */
	char resource[KBS_RESOURCE_MAX];
};

/* Counters of one kbs_attest_fetch(), for the benchmark and the log. */
struct kbs_stats {
	size_t bytes_sent;
	size_t bytes_received;
	unsigned int exchanges;
	/* The HTTP status of the last answer (0: the proxy's own failure). */
	uint32_t last_status;
};

struct kbs_secret {
	uint8_t key[KBS_KEY_SIZE];
	uint64_t counter;
};

/*
 * One attestation: auth, attest, resource. SVSM_OK with *out filled only
 * when the secret decrypted and its signature by cfg->broker_key verified
 * over this session's binding. Otherwise *out is zero and:
 *   SVSM_E_INVAL  a malformed or oversized message, a wrong nonce, a JWE
 *                 that does not decrypt, a bad signature, a bad config;
 *   SVSM_E_HW     the broker refused (HTTP status other than 200), the
 *                 proxy could not reach it, or no report could be had;
 *   SVSM_E_NOMEM, and the transport's errors.
 * stats (may be NULL) is filled in every case.
 */
enum svsm_err __must_check kbs_attest_fetch(const struct kbs_config *cfg,
					    struct kbs_secret *out,
					    struct kbs_stats *stats);

/*
 * One attestation, then the counter of cfg->resource advanced to `to`:
 * SVSM_OK only when the broker's signed answer says it now holds exactly
 * `to`; the errors of kbs_attest_fetch() otherwise (SVSM_E_HW also when
 * the broker refuses, e.g. `to` is not above what it holds).
 */
enum svsm_err __must_check kbs_attest_advance(const struct kbs_config *cfg,
					      uint64_t to,
					      struct kbs_stats *stats);

/*
 * The key interface for the persistent store: kbs_configure() keeps a
 * copy of cfg (the boot code calls it once a transport exists);
 * kbs_fetch_key() runs kbs_attest_fetch() the first time and hands out
 * the released key (and kbs_counter() its counter) afterwards.
 * SVSM_E_UNSUPPORTED when no broker is configured: the store then keeps
 * the secure processor's derived key. SVSM_E_BUSY while another caller's
 * exchange with the broker runs (no lock is held across it). The store
 * must never create a volume under a key this interface did not return
 * with SVSM_OK.
 */
enum svsm_err __must_check kbs_configure(const struct kbs_config *cfg);
enum svsm_err __must_check kbs_fetch_key(uint8_t key[KBS_KEY_SIZE]);
enum svsm_err __must_check kbs_counter(uint64_t *out);
/*
 * Advances the broker's counter to `to`: SVSM_E_INVAL unless `to` is above
 * the value kept; the kept value changes only on SVSM_OK.
 */
enum svsm_err __must_check kbs_counter_advance(uint64_t to);
/*
 * The same in the shapes kernel/store takes (store_broker_fn and struct
 * store_counter's read/advance; ctx is unused): read is the counter
 * released with the key, advance attests again and updates it on the
 * broker's signed acknowledgement only.
 */
enum svsm_err __must_check kbs_store_key(void *ctx, uint8_t key[KBS_KEY_SIZE]);
enum svsm_err __must_check kbs_store_counter_read(void *ctx, uint64_t *value);
enum svsm_err __must_check kbs_store_counter_advance(void *ctx, uint64_t to);
/* Forgets the configuration and the key (wiped). */
void kbs_reset(void);

/* The kept exchange's counters (the last kbs_fetch_key or advance). */
void kbs_last_stats(struct kbs_stats *out);

/*
 * The broker an image trusts: the file etc/kbs of its root file-system
 * image, which is measured with the launch (so the host cannot change
 * it without changing the launch digest the broker checks). Lines of
 * "name value"; '#' starts a comment line:
 *
 *   broker-key 04<128 hex digits>   the broker's P-256 signing key (SEC1)
 *   resource   <repo>/<type>/<tag>  the store key's resource
 *
 * Both are required, once each. Fills cfg->broker_key and cfg->resource
 * only; SVSM_E_INVAL with *why set for anything else (cfg unchanged).
 */
enum svsm_err __must_check kbs_pin_parse(const char *text, size_t len,
					 struct kbs_config *cfg,
					 const char **why);

/*
 * What the platform this kernel is built for gives the boot's key
 * selection (kernel/core/store_boot.c): the evidence a broker receives,
 * and the secure processor's key for the store (NULL: none). Defined by
 * kbs_native.c (native: test evidence, no key) and kbs_snp.c (SEV-SNP:
 * the VMPL0 report, the derived key).
 */
struct store_key_source;
struct kbs_platform {
	enum kbs_tee tee;
	enum svsm_err (*snp_report)(const uint8_t report_data[64], uint8_t *out,
				    size_t cap);
	const struct store_key_source *platform_key;
};
extern const struct kbs_platform kbs_platform;

/*
 * The SNP platform's report for kbs_config.snp_report: a VMPL0 report
 * from the guest-message client (kernel/plat/snp/guest_msg.c), copied to
 * out (cap >= 0x4A0). SVSM_E_HW when none could be had.
 */
enum svsm_err __must_check kbs_snp_report(const uint8_t report_data[64],
					  uint8_t *out, size_t cap);

/*
 * A transport over virtio-vsock to the proxy on the host (CID 2, port
 * KBS_PROXY_VSOCK_PORT): kbs_vsock_open() connects the default device
 * and fills t; kbs_vsock_close() closes the connection.
 */
enum svsm_err __must_check kbs_vsock_open(struct kbs_transport *t);
void kbs_vsock_close(struct kbs_transport *t);

/*
 * A transport over a polled 16550 UART at I/O port `port`
 * (KBS_SERIAL_COM3), for hosts without vsock: the QEMU chardev behind it
 * goes to csvsm-aproxy.
 */
#define KBS_SERIAL_COM3 0x3e8u
void kbs_serial_open(struct kbs_transport *t, uint16_t port);
