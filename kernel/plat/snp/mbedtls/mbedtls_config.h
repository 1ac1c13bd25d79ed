/* SPDX-License-Identifier: MIT */
/*
 * The mbedTLS configuration of the SVSM kernel (mk/mbedtls.mk): only the
 * modules kernel/plat/snp/crypto_mbedtls.c uses (AES, GCM over the cipher
 * layer, SHA-384/512, HKDF, zeroize), nothing that needs a libc, a file system,
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
