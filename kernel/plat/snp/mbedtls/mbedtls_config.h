/* SPDX-License-Identifier: MIT */
/*
 * The mbedTLS configuration of the SVSM kernel (mk/mbedtls.mk): only the
 * modules kernel/plat/snp/crypto_mbedtls.c uses (AES, GCM over the cipher
 * layer, SHA-384/512, HKDF, zeroize) and those of the key-broker client, nothing that needs a libc, a file system,
 * an entropy source or SSE. Option names are mbedTLS 2.28's
 * (include/mbedtls/config.h of the Debian source package).
 */
#ifndef CSVSM_MBEDTLS_CONFIG_H
#define CSVSM_MBEDTLS_CONFIG_H

/* Modules. */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_SHA512_C
/* HKDF over the message-digest layer (the store's keys, kernel/store). */
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C

/*
 * The key-broker client (kernel/attest/kbs_crypto.c): P-256 only, ECDH,
 * ECDSA verification (which needs the ASN.1 modules to build), SHA-256
 * and AES key wrap (RFC 3394).
 */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_NIST_KW_C
/* No 128-by-64-bit division: the kernel links no libgcc. */
#define MBEDTLS_NO_UDBL_DIVISION
/*
 * Every ECP call that handles a secret is given the hardware RNG
 * (kbs_crypto.c); verification handles none. No internal DRBG needed.
 */
#define MBEDTLS_ECP_NO_INTERNAL_RNG

/*
 * AES tables as constants in .rodata: nothing to generate at run time on
 * the first call, which several CPUs could race for.
 */
#define MBEDTLS_AES_ROM_TABLES

/*
 * No AES-NI or PadLock (they need SSE, which the kernel does not use), no
 * assembly, no time, no standard library: memory comes from the SVSM heap
 * (mbedtls_glue.c).
 */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_CALLOC_MACRO csvsm_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   csvsm_mbedtls_free
#define MBEDTLS_NO_PLATFORM_ENTROPY

#include <stddef.h>
void *csvsm_mbedtls_calloc(size_t n, size_t size);
void csvsm_mbedtls_free(void *p);

#include "mbedtls/check_config.h"

#endif
