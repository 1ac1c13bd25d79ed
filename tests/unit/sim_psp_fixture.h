/* SPDX-License-Identifier: MIT */
/*
 * The fixture the secure-processor model tests share (sim_psp_fixture.c):
 * a fixed configuration, guest-side sealing helpers, an independent
 * AES-256-GCM reference and report-signature checks with OpenSSL.
 */
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/snp_guest_msg.h"

#include "psp.h"
#include "test.h"

#define PAGE	SNP_GUEST_MSG_PAGE_SIZE
#define HDR	0x60u
#define REQ_LEN (HDR + sizeof(struct snp_report_req))
#define RSP_LEN (HDR + sizeof(struct snp_report_rsp))
#define FILL	0xA5u

void pfx_pattern(uint8_t *p, size_t len, uint8_t seed);
void pfx_test_config(struct sim_psp_config *cfg);
struct sim_psp *pfx_new_psp(struct sim_psp_config *cfg);
void pfx_guest_msg(struct sim_psp_msg *m, const struct sim_psp_config *cfg,
		   unsigned int vmpck_id, uint64_t seqno);
void pfx_report_req(struct snp_report_req *r, uint8_t seed, uint32_t vmpl,
		    uint32_t flags);
size_t pfx_seal_req(const struct sim_psp_msg *m, const struct snp_report_req *r,
		    uint8_t *page);
void pfx_seqnos(const struct sim_psp *psp, uint64_t out[4]);
bool pfx_all_byte(const uint8_t *p, size_t len, uint8_t v);
bool pfx_refused(struct sim_psp *psp, unsigned int vmpck_id, const uint8_t *req,
		 size_t len, size_t resp_cap, enum sim_psp_err *got);
bool pfx_refused_with(struct sim_psp *psp, unsigned int vmpck_id,
		      const uint8_t *req, size_t len, enum sim_psp_err want);
enum sim_psp_err pfx_exchange(struct sim_psp *psp, const struct sim_psp_msg *m,
			      const struct snp_report_req *r,
			      struct snp_report_rsp *rsp);
EVP_PKEY *pfx_pubkey_from_pem(const char *pem);
EVP_PKEY *pfx_psp_pubkey(const struct sim_psp *psp);
bool pfx_report_verifies(const struct snp_attestation_report *r, EVP_PKEY *pub);
bool pfx_ref_gcm(bool enc, const uint8_t key[32], uint8_t *page,
		 const uint8_t *in, size_t len, uint8_t *out);
size_t pfx_raw_req(uint8_t *page, const struct snp_guest_msg_hdr *hdr,
		   const uint8_t key[32], const void *payload, size_t len);
void pfx_good_hdr(struct snp_guest_msg_hdr *h, uint64_t seqno);
/* Writes `len` bytes to DIR/NAME for an export fixture; false on failure. */
bool pfx_write_file(const char *dir, const char *name, const void *data,
		    size_t len);
