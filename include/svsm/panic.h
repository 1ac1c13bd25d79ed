/* SPDX-License-Identifier: MIT */
/*
 * panic() and CHECK(). CHECK is always on: it guards invariants whose failure
 * would corrupt memory. It is never used on guest or host input; such input
 * gets an error return instead.
 */
#pragma once

#include "svsm/compiler.h"

/* Logs the message and ends the VM with a non-zero status. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (unlikely(!(cond)))                                      \
			panic("CHECK failed: %s at %s:%d", #cond, __FILE__, \
			      __LINE__);                                    \
	} while (0)
