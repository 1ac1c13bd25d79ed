/* SPDX-License-Identifier: MIT */
/*
 * What lib/ needs from its user and does not provide itself: memory and a
 * way to stop on a broken invariant. lib/ stays freestanding and depends on
 * nothing above it; the SVSM implements these on its heap and panic()
 * (kernel/mm/heap.c, kernel/base/panic.c), as freestanding libraries such
 * as mbedTLS take their calloc/free from the platform.
 */
#pragma once

#include <stddef.h>

#include "svsm/compiler.h"

/* `size` zeroed bytes, or NULL (size 0, too large, or out of memory). */
void *lib_zalloc(size_t size);
/* Frees what lib_zalloc returned; NULL is a no-op. */
void lib_free(void *p);
/* A caller broke lib's contract (a bug, never outside input); no return. */
__noreturn void lib_contract_failed(const char *what, const char *file,
				    int line);

/* Always on, like CHECK(): guards an invariant of the caller's. */
#define LIB_CHECK(cond)                                                 \
	do {                                                            \
		if (!(cond))                                            \
			lib_contract_failed(#cond, __FILE__, __LINE__); \
	} while (0)
