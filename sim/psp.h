/* SPDX-License-Identifier: MIT */
/*
 * The model AMD secure processor (PSP) of the SEV-SNP machine model: the
 * guest-request service that a guest reaches through the hypervisor's SNP
 * Guest Request NAE event. It holds the four VMPCKs, one message sequence
 * counter per VMPCK, a model VCEK (an ECDSA P-384 key) and the launch values
 * that go into attestation reports, and it answers MSG_REPORT_REQ with a
 * signed 0x4A0-byte report, encrypted with the requester's VMPCK, and
 * MSG_KEY_REQ with a key derived from a per-chip secret (the model's
 * VCEK root) or a per-VM one (its VMRK) and the launch facts asked for.
 *
 * Beside the PSP itself this header offers the guest's half of the same
 * protocol (sim_psp_guest_seal/open), so that tests can play the guest, and
 * so that the SVSM's own guest-request client can be checked against an
 * independent peer. Wire formats: include/abi/snp_guest_msg.h; rules:
 * AMD 56860 guest messages ("56860" below).
 *
 * Host-side model code on OpenSSL libcrypto; single-threaded (the machine
 * model serialises guest requests as the hypervisor does).
 */
#pragma once

/* The size of the model's key-derivation roots (chip secret, VMRK). */
#define SIM_PSP_ROOT_SIZE 32u

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/snp_guest_msg.h"

/*
 * Why a request was refused. A refused request changes no state: the
 * sequence counter does not advance and the response buffer is not written.
 */
enum sim_psp_err {
	SIM_PSP_OK = 0,
	SIM_PSP_E_ARG,	      /* caller bug: NULL pointer, bad config value */
	SIM_PSP_E_SHORT,      /* shorter than the header, or than msg_sz says */
	SIM_PSP_E_TOO_LONG,   /* longer than a page, or msg_sz beyond a page */
	SIM_PSP_E_HDR,	      /* algorithm, header version/size, reserved */
	SIM_PSP_E_VMPCK,      /* VMPCK id > 3, or header disagrees with it */
	SIM_PSP_E_TYPE,	      /* message type or version not served/expected */
	SIM_PSP_E_SIZE,	      /* msg_sz is not the size of the message type */
	SIM_PSP_E_SEQNO,      /* replay, gap, or counter exhausted */
	SIM_PSP_E_AUTH,	      /* AES-GCM tag does not verify */
	SIM_PSP_E_RESP_SPACE, /* response (or payload) buffer too small */
	SIM_PSP_E_KEY,	      /* VCEK PEM unreadable or not ECDSA P-384 */
	SIM_PSP_E_CRYPTO,     /* OpenSSL failed internally */
	SIM_PSP_E_NOMEM,      /* allocation failed */
};

/* A stable short name for logs and test failures. */
const char *sim_psp_err_name(enum sim_psp_err err);

/*
 * The values the firmware fixes at launch and copies into every report
 * (56860 ATTESTATION_REPORT). TCB values are raw u64 as on the wire.
 */
struct sim_psp_launch {
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint64_t current_tcb;
	uint64_t reported_tcb;
	uint64_t committed_tcb;
	uint64_t launch_tcb;
	uint64_t platform_info;
	bool author_key_en;
	bool mask_chip_id; /* report chip_id as zeros */
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint8_t chip_id[64];
	uint8_t cpuid_fam_id, cpuid_mod_id, cpuid_step;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	/* Secrets-page header words (56860). */
	uint32_t secrets_version;
	uint32_t fms;
};

struct sim_psp_config {
	struct sim_psp_launch launch;
	/* Use these VMPCKs when set; otherwise four random keys. */
	bool vmpck_given;
	uint8_t vmpck[SNP_GUEST_MSG_VMPCK_COUNT][SNP_GUEST_MSG_KEY_SIZE];
	/*
	 * NUL-terminated, unencrypted PEM of an ECDSA P-384 private key to
	 * use as the VCEK; NULL generates a fresh key.
	 */
	const char *vcek_pem;
	/*
	 * The roots of MSG_KEY_REQ: the chip's secret (behind the VCEK, the
	 * same for every VM on the chip, so the same on the next launch)
	 * and the VM's VMRK. Used when set; otherwise random.
	 */
	bool chip_secret_given;
	uint8_t chip_secret[SIM_PSP_ROOT_SIZE];
	bool vmrk_given;
	uint8_t vmrk[SIM_PSP_ROOT_SIZE];
};

struct sim_psp;

/*
 * AMD 56860 MSG_KEY_REQ (message version 1, 32 bytes) and MSG_KEY_RSP
 * (64 bytes), as the model reads and writes them; the SVSM's own copy
 * is kernel/plat/snp/include/snp/derived_key.h, checked against this one.
 */
struct sim_psp_key_req {
	uint32_t key_select;	     /* 0x00: bit 0 root, bits 2:1 KEY_SEL */
	uint32_t reserved_04;	     /* 0x04 */
	uint64_t guest_field_select; /* 0x08: SIM_PSP_KEY_FIELD_* */
	uint32_t vmpl;		     /* 0x10 */
	uint32_t guest_svn;	     /* 0x14 */
	uint64_t tcb_version;	     /* 0x18 */
};
_Static_assert(sizeof(struct sim_psp_key_req) == 0x20, "AMD 56860 MSG_KEY_REQ");

struct sim_psp_key_rsp {
	uint32_t status; /* 0x00: SNP_REPORT_STATUS_* codes */
	uint8_t reserved[28];
	uint8_t key[32]; /* 0x20 */
};
_Static_assert(sizeof(struct sim_psp_key_rsp) == 0x40, "AMD 56860 MSG_KEY_RSP");

#define SIM_PSP_KEY_ROOT_VMRK	      1u /* KEY_SELECT bit 0 */
#define SIM_PSP_KEY_SEL_SHIFT	      1	 /* KEY_SELECT bits 2:1 */
#define SIM_PSP_KEY_SEL_MASK	      0x6u
#define SIM_PSP_KEY_SELECT_BITS	      0x7u /* the rest is reserved */
#define SIM_PSP_KEY_FIELD_POLICY      (1ull << 0)
#define SIM_PSP_KEY_FIELD_IMAGE_ID    (1ull << 1)
#define SIM_PSP_KEY_FIELD_FAMILY_ID   (1ull << 2)
#define SIM_PSP_KEY_FIELD_MEASUREMENT (1ull << 3)
#define SIM_PSP_KEY_FIELD_GUEST_SVN   (1ull << 4)
#define SIM_PSP_KEY_FIELD_TCB_VERSION (1ull << 5)
#define SIM_PSP_KEY_FIELDS_V1	      0x3full /* bits 63:6 reserved */

/* The report version this model emits (56860: v3 adds CPUID at 0x188). */
#define SIM_PSP_REPORT_VERSION 3u

/* Creates a PSP; *out is NULL on error. */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_create(const struct sim_psp_config *cfg, struct sim_psp **out);

/* Wipes the keys and frees everything; NULL is fine. */
void sim_psp_destroy(struct sim_psp *psp);

/*
 * One SNP guest request (56860): decrypts and verifies the message in
 * req_page[0..req_len) with VMPCK vmpck_id, checks its sequence number
 * against the counter of that VMPCK, serves MSG_REPORT_REQ or MSG_KEY_REQ
 * and writes the encrypted MSG_REPORT_RSP or MSG_KEY_RSP to resp_page
 * (*resp_len bytes). On success the
 * counter advances by 2. A report request that authenticates but asks for
 * something the PSP refuses (VMPL below the VMPCK's, a VLEK, nonzero
 * reserved bits; for keys also an SVN or TCB above the launch's) is
 * answered, like on hardware, with a response whose status is nonzero and
 * no key or report; that exchange also consumes the sequence number.
 */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_guest_request(struct sim_psp *psp, unsigned int vmpck_id,
		      const uint8_t *req_page, size_t req_len,
		      uint8_t *resp_page, size_t resp_cap, size_t *resp_len);

/*
 * The launch values every report carries. SNP_LAUNCH_FINISH of the model
 * (sim/psp_launch.c) sets the measurement, policy and ID-block fields with
 * these once a launch completes; the rest stays as configured.
 */
void sim_psp_get_launch(const struct sim_psp *psp, struct sim_psp_launch *out);
void sim_psp_set_launch(struct sim_psp *psp, const struct sim_psp_launch *in);

/* The sequence number the next request with vmpck_id must carry (0: bad id). */
uint64_t sim_psp_next_seqno(const struct sim_psp *psp, unsigned int vmpck_id);

/*
 * Sets that number (odd, nonzero): for tests, and to model a guest that
 * resumes with counters it kept elsewhere.
 */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_set_next_seqno(struct sim_psp *psp, unsigned int vmpck_id,
		       uint64_t seqno);

/* Copies VMPCK vmpck_id (what the guest finds in its secrets page). */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_vmpck(const struct sim_psp *psp, unsigned int vmpck_id,
	      uint8_t out[SNP_GUEST_MSG_KEY_SIZE]);

/*
 * The secrets page as the firmware fills it at launch (56860): version,
 * FMS, all four VMPCKs; the OS area and the SVSM fields are zero.
 */
void sim_psp_fill_secrets_page(const struct sim_psp *psp,
			       struct snp_secrets_page *page);

/*
 * The VCEK's public key as a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC
 * KEY-----"), NUL-terminated in buf; *len excludes the NUL.
 */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_vcek_public_pem(const struct sim_psp *psp, char *buf, size_t cap,
			size_t *len);

/*
 * The guest's side. One exchange is described by the request's key, VMPCK
 * id, sequence number, type and version; the response must carry seqno + 1,
 * type + 1, the same version and VMPCK id (56860 response validation).
 */
struct sim_psp_msg {
	uint8_t key[SNP_GUEST_MSG_KEY_SIZE];
	unsigned int vmpck_id;
	uint64_t seqno;
	uint8_t msg_type;
	uint8_t msg_version;
};

/* Builds and encrypts a request: header + ciphertext in page (*len bytes). */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_guest_seal(const struct sim_psp_msg *msg, const void *payload,
		   size_t payload_len, uint8_t *page, size_t cap, size_t *len);

/*
 * Checks and decrypts the response to msg: header fields as listed above,
 * reserved bytes zero, tag. The plaintext goes to payload (*payload_len).
 */
__attribute__((warn_unused_result)) enum sim_psp_err
sim_psp_guest_open(const struct sim_psp_msg *msg, const uint8_t *page,
		   size_t len, void *payload, size_t cap, size_t *payload_len);
