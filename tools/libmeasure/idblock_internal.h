/* SPDX-License-Identifier: MIT */
/*
 * What the ID block files share and nobody else sees: the key object, the
 * P-384 field rules and OpenSSL error formatting.
 */
#pragma once

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idblock.h"

#define P384_POINT_LEN (1 + 2 * IDBLOCK_P384_SIZE) /* 0x04 || X || Y */
#define P384_MAX_DER   104 /* SEQUENCE of two 49-byte INTEGERs */

struct idblock_key {
	EVP_PKEY *pkey;
	struct igvm_vhs_snp_id_block_public_key pub;
};

/* Formats "what: <OpenSSL's reason>", empties OpenSSL's error queue, -1. */
int idblock_ossl_fail(char *err, const char *what);

/* Copies len bytes in reverse order (big endian <-> little endian). */
void idblock_reverse_copy(uint8_t *dst, const uint8_t *src, size_t len);

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): a 72-byte LE field may
 * only use its low 48 bytes on P-384.
 */
bool idblock_fits_p384(const uint8_t field[IDBLOCK_COMP_SIZE]);

/* RFC 6979 deterministic ECDSA P-384/SHA-384 (libgcrypt); 0 or -1. */
int idblock_sign_rfc6979(const struct idblock_key *k, const void *msg,
			 size_t len,
			 struct igvm_vhs_snp_id_block_signature *sig,
			 char *err);
