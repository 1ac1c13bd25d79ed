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

static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes exactly 2 * n hex digits at s into out[0..n). false, with out
 * left as it was, when any of those characters is not a hex digit (the
 * caller checks what follows them).
 */
static inline bool hex_decode(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++)
		if (hex_digit_value(s[i]) < 0)
			return false;
	/* Every digit was checked above: each value is 0..15. */
	for (size_t i = 0; i < n; i++)
		out[i] =
			(uint8_t)((unsigned int)hex_digit_value(s[2 * i]) << 4 |
				  (unsigned int)hex_digit_value(s[2 * i + 1]));
	return true;
}
