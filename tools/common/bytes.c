/* SPDX-License-Identifier: MIT */
/* Byte-buffer helpers: see bytes.h. */
#include "bytes.h"

#include <stdint.h>

bool util_all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}
