/* SPDX-License-Identifier: MIT */
/*
 * Bounded, length-carrying strings on the heap (lib_zalloc, lib/alloc.h:
 * the SVSM's kmalloc), for code that would
 * otherwise use fixed char buffers and silently truncate. Each string has a
 * maximum length set at init; an append that would exceed it, or that
 * cannot get memory, fails and leaves the string exactly as it was (same
 * bytes, same length). The bytes are always followed by a NUL, so
 * str_cstr() can be printed; a string built with str_append() may hold
 * NUL bytes of its own, one from str_from_untrusted() never does.
 *
 *   struct str s;
 *
 *   str_init(&s, 64);
 *   if (str_appendf(&s, "vcpu%u", id) != SVSM_OK)
 *           ...
 *   log_info("%s", str_cstr(&s));
 *   str_free(&s);
 *
 * Also here: utf8_valid(), the well-formed UTF-8 check of Unicode 15.0
 * §3.9, Table 3-7, which str_from_untrusted() applies to bytes from the
 * guest or the host.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * The largest `max` a string may have: the buffer (max + 1 bytes with the
 * NUL) must fit the largest kmalloc object, 2 MiB (svsm/mm/heap.h). A
 * larger max is an SVSM bug (LIB_CHECK).
 */
#define STR_MAX_LIMIT ((1ul << 21) - 1)

struct str {
	char *buf;  /* NULL until the first byte is stored; see str_cstr() */
	size_t len; /* bytes in buf, without the NUL */
	size_t cap; /* bytes buf can hold, without the NUL; len <= cap <= max */
	size_t max; /* the bound on len */
};

/* An empty string of at most `max` bytes; allocates nothing, cannot fail. */
void str_init(struct str *s, size_t max);
/* Frees the buffer and leaves an empty string with the same max. */
void str_free(struct str *s);
/* Empties the string, keeping its buffer. */
void str_clear(struct str *s);

/*
 * Append n bytes / a C string / formatted text (lib/format.h conversions).
 * SVSM_E_INVAL when the result would be longer than max, SVSM_E_NOMEM when
 * the heap is exhausted; on error the string is unchanged.
 */
enum svsm_err __must_check str_append(struct str *s, const void *bytes,
				      size_t n);
enum svsm_err __must_check str_append_cstr(struct str *s, const char *cstr);
enum svsm_err __must_check str_appendf(struct str *s, const char *fmt, ...)
	__printf(2, 3);
enum svsm_err __must_check str_vappendf(struct str *s, const char *fmt,
					va_list ap);

/*
 * A new string of at most `max` bytes holding a copy of bytes[0..len):
 * SVSM_E_INVAL when len > max, the bytes are not well-formed UTF-8 or
 * contain a NUL, SVSM_E_NOMEM when out of memory. The bytes are copied
 * once and the private copy is checked, so a guest changing them during
 * the call cannot get unchecked bytes in. *s is overwritten (not freed)
 * on success and untouched on error.
 */
enum svsm_err __must_check str_from_untrusted(struct str *s,
					      const uint8_t *bytes, size_t len,
					      size_t max);

/* The bytes followed by a NUL; "" for a string that never held a byte. */
const char *str_cstr(const struct str *s);
static inline size_t str_len(const struct str *s)
{
	return s->len;
}

/* memcmp order on the bytes, a shorter prefix first: <0, 0 or >0. */
int str_cmp(const struct str *a, const struct str *b);
/* True when s holds exactly the bytes of cstr (without its NUL). */
bool str_eq_cstr(const struct str *s, const char *cstr);

/*
 * True when s[0..len) is well-formed UTF-8 (Unicode 15.0 §3.9, D92 and
 * Table 3-7): no overlong forms, no surrogates (U+D800..DFFF), nothing
 * above U+10FFFF, no stray continuation bytes, no truncated sequence.
 * NUL (U+0000) is well formed. len 0 is valid.
 */
bool utf8_valid(const uint8_t *s, size_t len);
