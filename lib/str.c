/* SPDX-License-Identifier: MIT */
/*
 * Bounded heap strings and the UTF-8 check (include/lib/str.h).
 *
 * Every change is validated first (bound, then memory) and applied in a
 * step that cannot fail, so an error leaves the string as it was. When the
 * buffer grows, the old one is freed only after the new bytes are copied,
 * so appending a string's own bytes to itself is safe.
 */
#include "lib/str.h"

#include "lib/alloc.h"
#include "lib/format.h"
#include "lib/string.h"

/* The first allocation; later ones at least double. */
#define STR_MIN_ALLOC 16u

void str_init(struct str *s, size_t max)
{
	LIB_CHECK(max <= STR_MAX_LIMIT);
	*s = (struct str){.buf = NULL, .len = 0, .cap = 0, .max = max};
}

void str_free(struct str *s)
{
	lib_free(s->buf);
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
}

void str_clear(struct str *s)
{
	s->len = 0;
	if (s->buf)
		s->buf[0] = '\0';
}

const char *str_cstr(const struct str *s)
{
	return s->buf ? s->buf : "";
}

/*
 * Capacity for `need` bytes: the allocation (capacity + NUL) at least
 * doubles, so a string grown from empty uses power-of-two sizes, which the
 * heap's size classes hold without waste; never above max + 1.
 * need <= max <= STR_MAX_LIMIT, so nothing here overflows.
 */
static size_t grown_cap(const struct str *s, size_t need)
{
	size_t size = s->cap ? 2 * (s->cap + 1) : STR_MIN_ALLOC;

	while (size < need + 1)
		size *= 2;
	if (size > s->max + 1)
		size = s->max + 1;
	return size - 1;
}

enum svsm_err str_append(struct str *s, const void *bytes, size_t n)
{
	char *old = NULL;
	char *buf = s->buf;
	size_t cap = s->cap;

	/* len <= max, so max - len cannot wrap; n is unbounded. */
	if (n > s->max - s->len)
		return SVSM_E_INVAL;
	if (n == 0)
		return SVSM_OK;
	if (s->len + n > cap) {
		cap = grown_cap(s, s->len + n);
		buf = lib_zalloc(cap + 1); /* zeroed: the NUL is there */
		if (!buf)
			return SVSM_E_NOMEM;
		if (s->len)
			memcpy(buf, s->buf, s->len);
		old = s->buf;
	}
	/* Cannot fail from here. `bytes` may point into the old buffer. */
	memmove(buf + s->len, bytes, n);
	buf[s->len + n] = '\0';
	s->buf = buf;
	s->cap = cap;
	s->len += n;
	lib_free(old);
	return SVSM_OK;
}

enum svsm_err str_append_cstr(struct str *s, const char *cstr)
{
	return str_append(s, cstr, strlen(cstr));
}

enum svsm_err str_vappendf(struct str *s, const char *fmt, va_list ap)
{
	enum svsm_err err;
	va_list measure;
	char *tmp;
	int n, m;

	va_copy(measure, ap);
	n = fmt_vsnprintf(NULL, 0, fmt, measure);
	va_end(measure);
	if (n < 0 || (size_t)n > s->max - s->len)
		return SVSM_E_INVAL;
	if (n == 0)
		return SVSM_OK;
	/*
	 * Format into a scratch buffer, not into s: an argument may be
	 * str_cstr(s) itself, which formatting in place would overwrite
	 * while reading it.
	 */
	tmp = lib_zalloc((size_t)n + 1);
	if (!tmp)
		return SVSM_E_NOMEM;
	/*
	 * The second pass sees the same arguments; should one of them be
	 * shorter now, append only what was written, never the zero fill.
	 */
	m = fmt_vsnprintf(tmp, (size_t)n + 1, fmt, ap);
	if (m < 0)
		m = 0;
	err = str_append(s, tmp, m < n ? (size_t)m : (size_t)n);
	lib_free(tmp);
	return err;
}

enum svsm_err str_appendf(struct str *s, const char *fmt, ...)
{
	enum svsm_err err;
	va_list ap;

	va_start(ap, fmt);
	err = str_vappendf(s, fmt, ap);
	va_end(ap);
	return err;
}

enum svsm_err str_from_untrusted(struct str *s, const uint8_t *bytes,
				 size_t len, size_t max)
{
	char *buf;

	/*
	 * TRUST: `bytes` and `len` come from the guest or the host (a name,
	 * a command line, a message) and may hold anything: a length beyond
	 * the bound, overlong or truncated UTF-8, surrogates, embedded NULs
	 * that would cut the string short when printed. `max` is the SVSM's.
	 * The bytes are copied once into private memory and the copy is what
	 * gets checked and kept, so changing them during the call does not
	 * help (docs/threat-model.md, bug class 3).
	 */
	LIB_CHECK(max <= STR_MAX_LIMIT);
	if (len > max)
		return SVSM_E_INVAL;
	if (len == 0) {
		str_init(s, max);
		return SVSM_OK;
	}
	buf = lib_zalloc(len + 1); /* zeroed: the NUL is there */
	if (!buf)
		return SVSM_E_NOMEM;
	memcpy(buf, bytes, len);
	if (strnlen(buf, len) != len ||
	    !utf8_valid((const uint8_t *)buf, len)) {
		lib_free(buf);
		return SVSM_E_INVAL;
	}
	*s = (struct str){.buf = buf, .len = len, .cap = len, .max = max};
	return SVSM_OK;
}

int str_cmp(const struct str *a, const struct str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = n ? memcmp(a->buf, b->buf, n) : 0;

	if (r)
		return r;
	if (a->len == b->len)
		return 0;
	return a->len < b->len ? -1 : 1;
}

bool str_eq_cstr(const struct str *s, const char *cstr)
{
	size_t n = strlen(cstr);

	return n == s->len && (n == 0 || memcmp(s->buf, cstr, n) == 0);
}

/*
 * Unicode 15.0 §3.9, Table 3-7 (Well-Formed UTF-8 Byte Sequences):
 *
 *   U+0000..U+007F     00..7F
 *   U+0080..U+07FF     C2..DF  80..BF
 *   U+0800..U+0FFF     E0      A0..BF  80..BF
 *   U+1000..U+CFFF     E1..EC  80..BF  80..BF
 *   U+D000..U+D7FF     ED      80..9F  80..BF
 *   U+E000..U+FFFF     EE..EF  80..BF  80..BF
 *   U+10000..U+3FFFF   F0      90..BF  80..BF  80..BF
 *   U+40000..U+FFFFF   F1..F3  80..BF  80..BF  80..BF
 *   U+100000..U+10FFFF F4      80..8F  80..BF  80..BF
 *
 * Only the second byte has a narrowed range; it is what excludes overlong
 * forms (E0, F0), surrogates (ED) and values above U+10FFFF (F4). Lead
 * bytes 80..C1 and F5..FF appear in no row.
 */
bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		uint8_t lo = 0x80;
		uint8_t hi = 0xbf;
		size_t more; /* continuation bytes after the lead byte */

		if (c <= 0x7f) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return false;
		}
		if (len - i - 1 < more)
			return false; /* truncated */
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= more; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		}
		i += 1 + more;
	}
	return true;
}
