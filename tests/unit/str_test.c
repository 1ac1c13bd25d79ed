/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of lib/str.c. Bounded strings: the bound is enforced for
 * bytes, C strings and formatted text (exactly max fits, max + 1 does not,
 * a huge n does not wrap the check); every failure, including running the
 * heap out of memory, leaves the string unchanged (bytes, length, buffer);
 * appending a string to itself; clear/free/reuse; comparison.
 * str_from_untrusted(): bound, NUL bytes, bad UTF-8, output untouched on
 * error. utf8_valid(): the first and last sequence of every row of Unicode
 * Table 3-7 and their invalid neighbours (C0/C1, E0 80..9F, ED A0..BF,
 * F0 80..8F, F4 90..BF, F5..FF, stray continuation bytes, truncation), all
 * code points encoded and their overlong forms, and exhaustive counts of
 * the valid 2- and 3-byte strings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "lib/str.h"
#include "test.h"

/* A fresh heap on `size` bytes of fake physical memory. */
static bool heap_setup(uint64_t size)
{
	uint64_t base = fake_mm_init(size);

	if (pgalloc_init(pa_init(base), size) != SVSM_OK)
		return false;
	heap_init(0x0123456789abcdefull);
	return true;
}

/* Takes results a test ignores on purpose (__must_check). */
static enum svsm_err sink;

/* A snapshot of a string, to check that a failed call changed nothing. */
struct snap {
	char *buf;
	size_t len, cap, max;
	char bytes[64];
};

static void snap_take(struct snap *sn, const struct str *s)
{
	sn->buf = s->buf;
	sn->len = s->len;
	sn->cap = s->cap;
	sn->max = s->max;
	memset(sn->bytes, 0, sizeof(sn->bytes));
	if (s->buf && s->len < sizeof(sn->bytes))
		memcpy(sn->bytes, s->buf, s->len + 1);
}

static bool snap_same(const struct snap *sn, const struct str *s)
{
	return sn->buf == s->buf && sn->len == s->len && sn->cap == s->cap &&
	       sn->max == s->max &&
	       (!s->buf || s->len >= sizeof(sn->bytes) ||
		memcmp(sn->bytes, s->buf, s->len + 1) == 0);
}

TEST(str, init_is_empty)
{
	struct str s;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 10);
	EXPECT_EQ(str_len(&s), 0);
	EXPECT_TRUE(s.buf == NULL);
	EXPECT_TRUE(strcmp(str_cstr(&s), "") == 0);
	EXPECT_TRUE(str_eq_cstr(&s, ""));
	/* Empty appends allocate nothing. */
	EXPECT_EQ(str_append(&s, "x", 0), SVSM_OK);
	EXPECT_EQ(str_append_cstr(&s, ""), SVSM_OK);
	EXPECT_EQ(str_appendf(&s, "%s", ""), SVSM_OK);
	EXPECT_TRUE(s.buf == NULL);
	str_free(&s);
	EXPECT_EQ(s.max, 10);
}

TEST(str, append_and_terminate)
{
	struct str s;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 100);
	ASSERT_EQ(str_append(&s, "abcdef", 3), SVSM_OK);
	EXPECT_EQ(str_len(&s), 3);
	EXPECT_TRUE(strcmp(str_cstr(&s), "abc") == 0);
	ASSERT_EQ(str_append_cstr(&s, "de"), SVSM_OK);
	ASSERT_EQ(str_appendf(&s, "-%u-%x-%s", 42u, 0xbeefu, "z"), SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "abcde-42-beef-z"));
	EXPECT_EQ(strlen(str_cstr(&s)), str_len(&s));
	EXPECT_TRUE(s.len <= s.cap);
	EXPECT_TRUE(s.cap <= s.max);
	str_free(&s);
	EXPECT_TRUE(s.buf == NULL);
	EXPECT_EQ(str_len(&s), 0);
}

TEST(str, bound_is_exact)
{
	struct str s;
	struct snap sn;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 5);
	ASSERT_EQ(str_append_cstr(&s, "hello"), SVSM_OK);
	EXPECT_TRUE(s.cap <= 5);
	snap_take(&sn, &s);
	EXPECT_EQ(str_append_cstr(&s, "!"), SVSM_E_INVAL);
	EXPECT_EQ(str_append(&s, "!", 1), SVSM_E_INVAL);
	EXPECT_EQ(str_appendf(&s, "%c", '!'), SVSM_E_INVAL);
	EXPECT_TRUE(snap_same(&sn, &s));
	EXPECT_EQ(str_append(&s, "", 0), SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "hello"));

	/* One byte short of max, then more than fits at once. */
	str_clear(&s);
	ASSERT_EQ(str_append_cstr(&s, "abcd"), SVSM_OK);
	snap_take(&sn, &s);
	EXPECT_EQ(str_append_cstr(&s, "ef"), SVSM_E_INVAL);
	EXPECT_EQ(str_appendf(&s, "%d", 10), SVSM_E_INVAL);
	EXPECT_TRUE(snap_same(&sn, &s));
	EXPECT_EQ(str_appendf(&s, "%d", 9), SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "abcd9"));
	str_free(&s);
}

TEST(str, huge_lengths_do_not_wrap)
{
	struct str s;
	struct snap sn;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, STR_MAX_LIMIT);
	ASSERT_EQ(str_append_cstr(&s, "ab"), SVSM_OK);
	snap_take(&sn, &s);
	/* len + n wraps for these n: the check must not add them. */
	EXPECT_EQ(str_append(&s, "x", SIZE_MAX), SVSM_E_INVAL);
	EXPECT_EQ(str_append(&s, "x", SIZE_MAX - 1), SVSM_E_INVAL);
	EXPECT_EQ(str_append(&s, "x", STR_MAX_LIMIT - 1), SVSM_E_INVAL);
	/* A width far beyond max. */
	EXPECT_EQ(str_appendf(&s, "%2100000d", 1), SVSM_E_INVAL);
	EXPECT_TRUE(snap_same(&sn, &s));
	str_free(&s);
	/* max above the limit is an SVSM bug. */
	EXPECT_TRUE(FAKE_EXPECT_PANIC(str_init(&s, STR_MAX_LIMIT + 1)));
}

TEST(str, max_zero)
{
	struct str s;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 0);
	EXPECT_EQ(str_append_cstr(&s, "a"), SVSM_E_INVAL);
	EXPECT_EQ(str_appendf(&s, "%d", 0), SVSM_E_INVAL);
	EXPECT_EQ(str_append_cstr(&s, ""), SVSM_OK);
	EXPECT_TRUE(s.buf == NULL);
	EXPECT_TRUE(str_eq_cstr(&s, ""));
}

TEST(str, growth_keeps_content)
{
	struct str s;
	char want[1001];

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 1000);
	for (int i = 0; i < 1000; i++) {
		char c = (char)('a' + i % 26);

		want[i] = c;
		ASSERT_EQ(str_append(&s, &c, 1), SVSM_OK);
		ASSERT_EQ(str_len(&s), (size_t)i + 1);
		ASSERT_EQ(s.buf[i + 1], '\0');
	}
	want[1000] = '\0';
	EXPECT_TRUE(strcmp(str_cstr(&s), want) == 0);
	EXPECT_EQ(s.cap, 1000);
	EXPECT_EQ(str_append(&s, "x", 1), SVSM_E_INVAL);
	str_free(&s);
}

TEST(str, append_to_itself)
{
	struct str s;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 1000);
	ASSERT_EQ(str_append_cstr(&s, "ab"), SVSM_OK);
	/* Each doubling reallocates while reading the old buffer. */
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(str_append(&s, s.buf, s.len), SVSM_OK);
	EXPECT_EQ(str_len(&s), 128);
	for (size_t i = 0; i < 128; i++)
		ASSERT_EQ(s.buf[i], i % 2 ? 'b' : 'a');
	/* In place (room left) and through the formatter. */
	str_clear(&s);
	ASSERT_EQ(str_append_cstr(&s, "xy"), SVSM_OK);
	ASSERT_EQ(str_append(&s, s.buf, 2), SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "xyxy"));
	ASSERT_EQ(str_appendf(&s, "[%s|%s]", str_cstr(&s), str_cstr(&s)),
		  SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "xyxy[xyxy|xyxy]"));
	str_free(&s);
}

TEST(str, clear_free_reuse)
{
	struct str s;
	char *buf;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&s, 8);
	ASSERT_EQ(str_append_cstr(&s, "12345678"), SVSM_OK);
	buf = s.buf;
	str_clear(&s);
	EXPECT_TRUE(str_eq_cstr(&s, ""));
	EXPECT_TRUE(strcmp(str_cstr(&s), "") == 0);
	ASSERT_EQ(str_append_cstr(&s, "abc"), SVSM_OK);
	EXPECT_TRUE(s.buf == buf); /* kept its buffer */
	str_free(&s);
	str_free(&s); /* twice is harmless */
	ASSERT_EQ(str_append_cstr(&s, "87654321"), SVSM_OK);
	EXPECT_EQ(str_append_cstr(&s, "9"), SVSM_E_INVAL);
	EXPECT_TRUE(str_eq_cstr(&s, "87654321"));
	str_free(&s);
}

TEST(str, compare)
{
	struct str a, b;

	ASSERT_TRUE(heap_setup(1 << 20));
	str_init(&a, 16);
	str_init(&b, 16);
	EXPECT_EQ(str_cmp(&a, &b), 0);
	ASSERT_EQ(str_append_cstr(&a, "abc"), SVSM_OK);
	EXPECT_TRUE(str_cmp(&a, &b) > 0);
	EXPECT_TRUE(str_cmp(&b, &a) < 0);
	ASSERT_EQ(str_append_cstr(&b, "abd"), SVSM_OK);
	EXPECT_TRUE(str_cmp(&a, &b) < 0);
	str_clear(&b);
	ASSERT_EQ(str_append_cstr(&b, "ab"), SVSM_OK);
	EXPECT_TRUE(str_cmp(&a, &b) > 0); /* a proper prefix sorts first */
	ASSERT_EQ(str_append_cstr(&b, "c"), SVSM_OK);
	EXPECT_EQ(str_cmp(&a, &b), 0);
	/* Bytes, not C strings: an embedded NUL counts, and so does 0xff. */
	ASSERT_EQ(str_append(&a, "\0x", 2), SVSM_OK);
	ASSERT_EQ(str_append(&b, "\0y", 2), SVSM_OK);
	EXPECT_TRUE(str_cmp(&a, &b) < 0);
	EXPECT_FALSE(str_eq_cstr(&a, "abc"));
	str_clear(&a);
	str_clear(&b);
	ASSERT_EQ(str_append(&a, "\xff", 1), SVSM_OK);
	ASSERT_EQ(str_append(&b, "\x01", 1), SVSM_OK);
	EXPECT_TRUE(str_cmp(&a, &b) > 0);
	EXPECT_TRUE(str_eq_cstr(&b, "\x01"));
	EXPECT_FALSE(str_eq_cstr(&b, "\x01\x01"));
	EXPECT_FALSE(str_eq_cstr(&b, ""));
	str_free(&a);
	str_free(&b);
}

TEST(str, out_of_memory_changes_nothing)
{
	static char chunk[4096 + 1]; /* NUL-terminated for %s */
	static uint8_t big[600 << 10];
	struct str s, u;
	struct snap sn;
	enum svsm_err err = SVSM_OK;
	struct heap_stats st;

	/* 512 KiB of heap, a string allowed to grow to 1 MiB. */
	ASSERT_TRUE(heap_setup(512 << 10));
	memset(chunk, 'q', sizeof(chunk) - 1);
	str_init(&s, 1 << 20);
	for (int i = 0; i < 256 && err == SVSM_OK; i++) {
		snap_take(&sn, &s);
		err = str_append(&s, chunk, sizeof(chunk) - 1);
	}
	ASSERT_EQ(err, SVSM_E_NOMEM);
	EXPECT_TRUE(snap_same(&sn, &s));
	EXPECT_EQ(s.buf[s.len], '\0');
	for (size_t i = 0; i < s.len; i++)
		ASSERT_EQ(s.buf[i], 'q');
	/* The formatted path fails the same way. */
	EXPECT_EQ(str_appendf(&s, "%s", chunk), SVSM_E_NOMEM);
	EXPECT_TRUE(snap_same(&sn, &s));
	/* So does an untrusted copy bigger than the whole heap. */
	memset(big, 'u', sizeof(big));
	u.buf = (char *)&u; /* a marker the call must not overwrite */
	EXPECT_EQ(str_from_untrusted(&u, big, sizeof(big), STR_MAX_LIMIT),
		  SVSM_E_NOMEM);
	EXPECT_TRUE(u.buf == (char *)&u);
	/* Freeing makes room again. */
	str_free(&s);
	EXPECT_EQ(str_append_cstr(&s, chunk), SVSM_OK);
	str_free(&s);
	heap_get_stats(&st);
	EXPECT_EQ(st.live_objects, 0);
}

TEST(str, from_untrusted)
{
	static const uint8_t hello[] = "h\xc3\xa9llo \xf0\x9f\x98\x80";
	struct str s, t;

	ASSERT_TRUE(heap_setup(1 << 20));
	ASSERT_EQ(str_from_untrusted(&s, hello, sizeof(hello) - 1, 20),
		  SVSM_OK);
	EXPECT_EQ(str_len(&s), sizeof(hello) - 1);
	EXPECT_TRUE(strcmp(str_cstr(&s), (const char *)hello) == 0);
	EXPECT_EQ(s.max, 20);
	EXPECT_TRUE(s.buf != (const char *)hello);
	/* The bound set here holds for later appends. */
	EXPECT_EQ(str_append_cstr(&s, "123456789"), SVSM_OK);
	EXPECT_EQ(str_append_cstr(&s, "0"), SVSM_E_INVAL);
	str_free(&s);

	/* Exactly max fits, max + 1 does not. */
	ASSERT_EQ(str_from_untrusted(&s, (const uint8_t *)"abcd", 4, 4),
		  SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, "abcd"));
	t = s;
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"abcde", 5, 4),
		  SVSM_E_INVAL);
	EXPECT_TRUE(s.buf == t.buf && s.len == 4 && s.max == 4);
	/* NUL bytes anywhere, and bad UTF-8, are refused. */
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"ab\0c", 4, 10),
		  SVSM_E_INVAL);
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"\0", 1, 10),
		  SVSM_E_INVAL);
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"abc\0", 4, 10),
		  SVSM_E_INVAL);
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"a\xc0\x80", 3, 10),
		  SVSM_E_INVAL);
	EXPECT_EQ(
		str_from_untrusted(&s, (const uint8_t *)"\xed\xa0\x80", 3, 10),
		SVSM_E_INVAL);
	EXPECT_EQ(str_from_untrusted(&s, (const uint8_t *)"ab\xe2\x82", 4, 10),
		  SVSM_E_INVAL);
	EXPECT_TRUE(s.buf == t.buf && s.len == 4 && s.max == 4);
	EXPECT_TRUE(str_eq_cstr(&s, "abcd"));
	str_free(&s);

	/* Empty input: an empty string with the given bound. */
	ASSERT_EQ(str_from_untrusted(&s, NULL, 0, 3), SVSM_OK);
	EXPECT_TRUE(str_eq_cstr(&s, ""));
	EXPECT_EQ(str_append_cstr(&s, "abcd"), SVSM_E_INVAL);
	str_free(&s);
	EXPECT_TRUE(FAKE_EXPECT_PANIC(
		sink = str_from_untrusted(&s, hello, 1, STR_MAX_LIMIT + 1)));
}

/* utf8_valid() on a literal (without its terminating NUL). */
#define U8(lit) utf8_valid((const uint8_t *)(lit), sizeof(lit) - 1)

TEST(utf8, table_3_7_rows)
{
	/* First and last sequence of each row. */
	EXPECT_TRUE(U8("\x00"));
	EXPECT_TRUE(U8("\x7f"));
	EXPECT_TRUE(U8("\xc2\x80"));
	EXPECT_TRUE(U8("\xdf\xbf"));
	EXPECT_TRUE(U8("\xe0\xa0\x80"));
	EXPECT_TRUE(U8("\xe0\xbf\xbf"));
	EXPECT_TRUE(U8("\xe1\x80\x80"));
	EXPECT_TRUE(U8("\xec\xbf\xbf"));
	EXPECT_TRUE(U8("\xed\x80\x80"));
	EXPECT_TRUE(U8("\xed\x9f\xbf"));
	EXPECT_TRUE(U8("\xee\x80\x80"));
	EXPECT_TRUE(U8("\xef\xbf\xbf"));
	EXPECT_TRUE(U8("\xf0\x90\x80\x80"));
	EXPECT_TRUE(U8("\xf0\xbf\xbf\xbf"));
	EXPECT_TRUE(U8("\xf1\x80\x80\x80"));
	EXPECT_TRUE(U8("\xf3\xbf\xbf\xbf"));
	EXPECT_TRUE(U8("\xf4\x80\x80\x80"));
	EXPECT_TRUE(U8("\xf4\x8f\xbf\xbf"));
	EXPECT_TRUE(U8(""));
}

TEST(utf8, invalid_neighbours)
{
	/* C0, C1: overlong two-byte forms of U+0000..007F. */
	EXPECT_FALSE(U8("\xc0\x80"));
	EXPECT_FALSE(U8("\xc0\xbf"));
	EXPECT_FALSE(U8("\xc1\x80"));
	EXPECT_FALSE(U8("\xc1\xbf"));
	/* E0 80..9F: overlong three-byte forms. */
	EXPECT_FALSE(U8("\xe0\x80\x80"));
	EXPECT_FALSE(U8("\xe0\x9f\xbf"));
	/* ED A0..BF: the surrogates U+D800..DFFF. */
	EXPECT_FALSE(U8("\xed\xa0\x80"));
	EXPECT_FALSE(U8("\xed\xbf\xbf"));
	EXPECT_FALSE(U8("\xed\xa0\x80\xed\xb0\x80")); /* a CESU-8 pair */
	/* F0 80..8F: overlong four-byte forms. */
	EXPECT_FALSE(U8("\xf0\x80\x80\x80"));
	EXPECT_FALSE(U8("\xf0\x8f\xbf\xbf"));
	/* F4 90..BF: above U+10FFFF. */
	EXPECT_FALSE(U8("\xf4\x90\x80\x80"));
	EXPECT_FALSE(U8("\xf4\xbf\xbf\xbf"));
	/* F5..FF never appear. */
	EXPECT_FALSE(U8("\xf5\x80\x80\x80"));
	EXPECT_FALSE(U8("\xf7\xbf\xbf\xbf"));
	for (unsigned int c = 0xf5; c <= 0xff; c++) {
		uint8_t b[4] = {(uint8_t)c, 0x80, 0x80, 0x80};

		EXPECT_FALSE(utf8_valid(b, 1));
		EXPECT_FALSE(utf8_valid(b, 4));
	}
	/* Lone continuation bytes, alone or after a complete sequence. */
	EXPECT_FALSE(U8("\x80"));
	EXPECT_FALSE(U8("\xbf"));
	EXPECT_FALSE(U8("a\x80"));
	EXPECT_FALSE(U8("\xc2\x80\x80"));
	EXPECT_FALSE(U8("\xef\xbf\xbf\xbf"));
	EXPECT_FALSE(U8("\xf4\x8f\xbf\xbf\x80"));
	/* Trailing bytes just outside 80..BF. */
	EXPECT_FALSE(U8("\xc2\x7f"));
	EXPECT_FALSE(U8("\xc2\xc0"));
	EXPECT_FALSE(U8("\xe0\xc0\x80"));
	EXPECT_FALSE(U8("\xe1\x80\x7f"));
	EXPECT_FALSE(U8("\xe1\x80\xc0"));
	EXPECT_FALSE(U8("\xed\x7f\x80"));
	EXPECT_FALSE(U8("\xf1\x80\x80\x7f"));
	EXPECT_FALSE(U8("\xf1\x80\xc0\x80"));
	EXPECT_FALSE(U8("\xf4\x7f\x80\x80"));
	/* Truncated sequences, at the end and in the middle. */
	EXPECT_FALSE(U8("\xc2"));
	EXPECT_FALSE(U8("\xdf"));
	EXPECT_FALSE(U8("\xe0\xa0"));
	EXPECT_FALSE(U8("\xe1"));
	EXPECT_FALSE(U8("\xef\xbf"));
	EXPECT_FALSE(U8("\xf0\x90\x80"));
	EXPECT_FALSE(U8("\xf4\x8f\xbf"));
	EXPECT_FALSE(U8("\xf1"));
	EXPECT_FALSE(U8("a\xc2z"));
	EXPECT_FALSE(U8("\xe1\x80z"));
	EXPECT_FALSE(U8("\xf0\x90\x80z"));
	/* The length bounds the check: a valid tail is not read. */
	EXPECT_FALSE(utf8_valid((const uint8_t *)"\xe2\x82\xac", 2));
	EXPECT_TRUE(utf8_valid((const uint8_t *)"\xe2\x82\xac", 3));
	EXPECT_TRUE(utf8_valid((const uint8_t *)"\xe2\x82\xac", 0));
}

/* Shortest UTF-8 form of cp in `width` bytes (width may force overlong). */
static size_t encode(uint32_t cp, unsigned int width, uint8_t *out)
{
	static const uint8_t lead[5] = {0, 0x00, 0xc0, 0xe0, 0xf0};

	for (unsigned int i = width - 1; i > 0; i--) {
		out[i] = (uint8_t)(0x80 | (cp & 0x3f));
		cp >>= 6;
	}
	out[0] = (uint8_t)(lead[width] | cp);
	return width;
}

static unsigned int shortest(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

TEST(utf8, every_code_point)
{
	uint8_t b[4];
	unsigned int bad = 0;

	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
		size_t n = encode(cp, shortest(cp), b);

		bad += utf8_valid(b, n) == surrogate;
		/* Every longer (overlong) form is refused. */
		for (unsigned int w = shortest(cp) + 1; w <= 4; w++)
			bad += utf8_valid(b, encode(cp, w, b));
	}
	EXPECT_EQ(bad, 0);
	/* Four-byte forms of U+110000 and above. */
	EXPECT_FALSE(utf8_valid(b, encode(0x110000, 4, b)));
	EXPECT_FALSE(utf8_valid(b, encode(0x13ffff, 4, b)));
	EXPECT_FALSE(utf8_valid(b, encode(0x1fffff, 4, b)));
}

TEST(utf8, exhaustive_short_strings)
{
	uint8_t b[3];
	uint32_t valid2 = 0;
	uint32_t valid3 = 0;

	for (uint32_t v = 0; v < (1u << 16); v++) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
		valid2 += utf8_valid(b, 2);
	}
	/* ASCII ASCII (128 * 128), or C2..DF 80..BF (30 * 64). */
	EXPECT_EQ(valid2, 128 * 128 + 30 * 64);
	for (uint32_t v = 0; v < (1u << 24); v++) {
		b[0] = (uint8_t)(v >> 16);
		b[1] = (uint8_t)(v >> 8);
		b[2] = (uint8_t)v;
		valid3 += utf8_valid(b, 3);
	}
	/*
	 * Three ASCII, ASCII + two-byte either way round, or one of the
	 * 61440 three-byte sequences (U+0800..FFFF less 2048 surrogates).
	 */
	EXPECT_EQ(valid3, 128 * 128 * 128 + 2 * 128 * 1920 + 61440);
}
