/* SPDX-License-Identifier: MIT */
/*
 * A small, bounded printf-style formatter for freestanding code. Supported:
 * %d %i %u %x %X %p %s %c %%, the length modifiers l, ll, z, h, hh, flags
 * '-', '0', width and precision (for %s). The output is always
 * NUL-terminated when size > 0; the return value is the length the full
 * output would have had, as in C's vsnprintf.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
