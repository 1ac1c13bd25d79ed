/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's mbedTLS build takes from the SVSM (mbedtls_config.h):
 * calloc and free on the SVSM heap. The cipher layer allocates one AES
 * context per GCM key; kmalloc zeroes what it hands out.
 */
#include <stddef.h>

#include "svsm/mm/heap.h"

#include "mbedtls_config.h"

void *csvsm_mbedtls_calloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes);
}

void csvsm_mbedtls_free(void *p)
{
	kfree(p);
}
