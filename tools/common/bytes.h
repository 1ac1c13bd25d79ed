/* SPDX-License-Identifier: MIT */
/*
 * Byte-buffer helpers shared by the IGVM library and the measurement
 * library. Kept apart from util.h because libigvm links only this file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* True when all len bytes at p are zero (true for len 0). */
bool util_all_zero(const void *p, size_t len);
