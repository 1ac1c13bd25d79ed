/* SPDX-License-Identifier: MIT */
/*
 * lib/'s contract check (include/lib/alloc.h) ends in panic(), like
 * CHECK(): a broken contract is an SVSM bug, never outside input.
 */
#include "svsm/panic.h"

#include "lib/alloc.h"

void lib_contract_failed(const char *what, const char *file, int line)
{
	panic("CHECK failed: %s at %s:%d", what, file, line);
}
