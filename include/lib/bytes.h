/* SPDX-License-Identifier: MIT */
/*
 * Small byte-buffer helpers shared by the kernel, the model, the tools and
 * the tests. Header-only, so that freestanding and hosted code use the one
 * definition.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether all `len` bytes at `p` are zero. Reads every byte whatever it
 * finds, so the time taken does not depend on where a non-zero byte lies
 * (some callers check key or MAC material).
 */
static inline bool mem_is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= b[i];
	return acc == 0;
}
