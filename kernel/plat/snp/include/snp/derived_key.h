/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP derived key as the store's key source
 * (kernel/plat/snp/derived_key.c): MSG_KEY_REQ to the secure processor,
 * asked for VMPL0 with VMPCK0, which only the SVSM holds, so the guest OS
 * cannot get the same key. Wire formats: AMD 56860, MSG_KEY_REQ and
 * MSG_KEY_RSP (message version 1); the choices (root key, the fields
 * mixed in, SVN and TCB) are explained in docs/storage.md, "Keys".
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/store.h"

/* 56860: MSG_KEY_REQ, message version 1 (32 bytes). */
struct snp_key_req {
	uint32_t
		key_select; /* 0x00: bit 0 root (0 VCEK, 1 VMRK); 2:1 KEY_SEL */
	uint32_t reserved_04;	     /* 0x04: 0 */
	uint64_t guest_field_select; /* 0x08: SNP_KEY_FIELD_* */
	uint32_t vmpl;		     /* 0x10: >= the VMPCK's VMPL */
	uint32_t guest_svn;	     /* 0x14: <= the ID block's SVN */
	uint64_t tcb_version;	     /* 0x18: <= CommittedTCB */
};
static_assert(sizeof(struct snp_key_req) == 0x20, "AMD 56860 MSG_KEY_REQ");
static_assert(offsetof(struct snp_key_req, guest_field_select) == 0x08,
	      "AMD 56860 MSG_KEY_REQ");
static_assert(offsetof(struct snp_key_req, vmpl) == 0x10,
	      "AMD 56860 MSG_KEY_REQ");
static_assert(offsetof(struct snp_key_req, guest_svn) == 0x14,
	      "AMD 56860 MSG_KEY_REQ");
static_assert(offsetof(struct snp_key_req, tcb_version) == 0x18,
	      "AMD 56860 MSG_KEY_REQ");

/* 56860: MSG_KEY_RSP (64 bytes). */
struct snp_key_rsp {
	uint32_t
		status; /* 0x00: 0 success, 0x16 bad parameters, 0x27 bad key */
	uint8_t reserved[28];
	uint8_t key[32]; /* 0x20: the derived key */
};
static_assert(sizeof(struct snp_key_rsp) == 0x40, "AMD 56860 MSG_KEY_RSP");
static_assert(offsetof(struct snp_key_rsp, key) == 0x20,
	      "AMD 56860 MSG_KEY_RSP");

/* 56860: KEY_SELECT bit 0 (root key) and bits 2:1 (KEY_SEL). */
#define SNP_KEY_ROOT_VCEK   0u
#define SNP_KEY_ROOT_VMRK   1u
#define SNP_KEY_SEL_SHIFT   1
#define SNP_KEY_SEL_DEFAULT 0u /* VLEK if installed, else VCEK */
#define SNP_KEY_SEL_VCEK    1u
#define SNP_KEY_SEL_VLEK    2u

/* 56860: GUEST_FIELD_SELECT bits. */
#define SNP_KEY_FIELD_POLICY	  (1ull << 0)
#define SNP_KEY_FIELD_IMAGE_ID	  (1ull << 1)
#define SNP_KEY_FIELD_FAMILY_ID	  (1ull << 2)
#define SNP_KEY_FIELD_MEASUREMENT (1ull << 3)
#define SNP_KEY_FIELD_GUEST_SVN	  (1ull << 4)
#define SNP_KEY_FIELD_TCB_VERSION (1ull << 5)

/*
 * The lowest guest SVN whose state this build opens: the key is derived
 * with GUEST_SVN = this floor, so every later csvsm (higher SVN, same
 * family and author) derives the same key. A release that must lock out
 * older ones raises it (docs/storage.md, "Updates of csvsm").
 */
#define SNP_STORE_SVN_FLOOR 0u

/* The store's request: what docs/storage.md, "Keys", chooses. */
void snp_derived_key_request(struct snp_key_req *req);

/*
 * Checks an authenticated MSG_KEY_RSP and takes its key. SVSM_E_HW for
 * a status other than success or reserved bytes that are not zero; key
 * is zero then.
 */
enum svsm_err __must_check snp_derived_key_take(const struct snp_key_rsp *rsp,
						uint8_t key[STORE_KEY_SIZE]);

/*
 * How a MSG_KEY_REQ reaches the PSP: the guest-message client seals the
 * request with VMPCK0, sends it and returns the authenticated answer (the
 * same exchange as MSG_REPORT_REQ in kernel/plat/snp/guest_msg.c). The
 * client registers it when VMPCK0 is installed (guest_msg_set_vmpck0);
 * until then the source answers SVSM_E_UNSUPPORTED. The source's key is
 * zero whenever it returns an error.
 */
typedef enum svsm_err (*snp_key_exchange_fn)(const struct snp_key_req *req,
					     struct snp_key_rsp *rsp);
void snp_derived_key_set_exchange(snp_key_exchange_fn fn);

/* The key source (include/svsm/store.h). */
extern const struct store_key_source snp_derived_key_source;
