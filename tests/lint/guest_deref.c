/* SPDX-License-Identifier: MIT */
/*
 * Must NOT compile in the address-space check build (make lint): it reads a
 * __guest pointer directly and hands one to memcpy, the two mistakes the
 * check exists to catch. lint.mk fails if this file compiles there.
 */
#include <stdint.h>

#include "svsm/compiler.h"

#include "lib/string.h"

uint64_t lint_bad_read(const uint64_t __guest *p, uint64_t *dst);

uint64_t lint_bad_read(const uint64_t __guest *p, uint64_t *dst)
{
	memcpy(dst, p, sizeof(*dst));
	return *p;
}
