/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of lib/format.c (fmt_snprintf, fmt_vsnprintf). Every supported
 * conversion, flag, width, precision and length modifier is compared with the
 * C library's vsnprintf: same text, same return value. For each format the
 * output is also produced into heap buffers of every size from 0 to the full
 * length plus one, followed by a canary: the result must be the NUL-terminated
 * prefix, nothing may be written at or past `size`, and the return value must
 * stay the untruncated length. %p has an implementation-defined form in C;
 * csvsm's is "0x" and 16 hex digits, which is checked on its own.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/format.h"
#include "test.h"

#define CANARY	   0x5a
#define CANARY_LEN 16

/* Bytes [from, to) of b all hold the canary. */
static bool canary_intact(const char *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if ((unsigned char)b[i] != CANARY)
			return false;
	}
	return true;
}

/*
 * Formats with the C library and with fmt_vsnprintf into a large buffer,
 * then with fmt_vsnprintf into exact-size heap buffers of every size.
 */
static void __attribute__((format(printf, 1, 2)))
check_fmt(const char *fmt, ...)
{
	char want[512];
	char got[512];
	va_list ap;
	va_list aq;
	int wn;
	int gn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	gn = fmt_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);

	EXPECT_EQ(gn, wn);
	if (gn != wn || memcmp(got, want, (size_t)wn + 1) != 0) {
		test_fail(__FILE__, __LINE__, "output differs from vsnprintf");
		test_printf(
			"  format \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n",
			fmt, got, gn, want, wn);
		va_end(ap);
		return;
	}

	for (size_t size = 0; size <= (size_t)wn + 1; size++) {
		char *b = malloc(size + CANARY_LEN);
		size_t keep =
			size ? ((size_t)wn < size ? (size_t)wn : size - 1) : 0;
		int n;

		if (!b) {
			test_fail(__FILE__, __LINE__, "out of memory");
			break;
		}
		memset(b, CANARY, size + CANARY_LEN);
		va_copy(aq, ap);
		n = fmt_vsnprintf(b, size, fmt, aq);
		va_end(aq);
		if (n != wn || !canary_intact(b, size, size + CANARY_LEN) ||
		    (size && (memcmp(b, want, keep) != 0 || b[keep] != '\0')) ||
		    (!size && !canary_intact(b, 0, CANARY_LEN))) {
			test_fail(__FILE__, __LINE__,
				  "truncated output wrong or buffer overrun");
			test_printf(
				"  format \"%s\", size %zu: returned %d, want %d\n",
				fmt, size, n, wn);
			free(b);
			break;
		}
		free(b);
	}
	va_end(ap);
}

/* Calls fmt_vsnprintf with a format the compiler does not check. */
static int vfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format, signed_decimal)
{
	check_fmt("%d", 0);
	check_fmt("%d", 1);
	check_fmt("%d", -1);
	check_fmt("%d", 42);
	check_fmt("%d", INT_MAX);
	check_fmt("%d", INT_MIN);
	check_fmt("%i", -123456);
	check_fmt("%i", INT_MIN);
	check_fmt("%ld", LONG_MIN);
	check_fmt("%ld", LONG_MAX);
	check_fmt("%lld", (long long)INT64_MIN);
	check_fmt("%lld", (long long)INT64_MAX);
	check_fmt("%lli", (long long)INT64_MIN);
	check_fmt("%zd", (ssize_t)-5);
	check_fmt("%zd", (ssize_t)SSIZE_MAX);
}

TEST(format, unsigned_and_hex)
{
	check_fmt("%u", 0u);
	check_fmt("%u", UINT_MAX);
	check_fmt("%x", 0u);
	check_fmt("%x", 0xdeadbeefu);
	check_fmt("%X", 0xdeadbeefu);
	check_fmt("%x", UINT_MAX);
	check_fmt("%lu", ULONG_MAX);
	check_fmt("%lx", 0x123456789abcdefUL);
	check_fmt("%llu", (unsigned long long)UINT64_MAX);
	check_fmt("%llx", (unsigned long long)UINT64_MAX);
	check_fmt("%llX", 0xfedcba9876543210ULL);
	check_fmt("%zu", (size_t)SIZE_MAX);
	check_fmt("%zx", (size_t)0xabcdef);
	/* %u of a negative int is its two's-complement value. */
	check_fmt("%u", (unsigned int)-1);
}

TEST(format, short_and_char_lengths)
{
	/* h and hh convert the promoted int back to (unsigned) short/char. */
	check_fmt("%hd", 40000);
	check_fmt("%hd", -2);
	check_fmt("%hu", 70000);
	check_fmt("%hx", 0x12345);
	check_fmt("%hhd", 200);
	check_fmt("%hhd", -1);
	check_fmt("%hhu", 300);
	check_fmt("%hhx", 0x1ff);
	check_fmt("%hhX", 0xab);
}

TEST(format, width_and_flags)
{
	check_fmt("[%5d]", 42);
	check_fmt("[%-5d]", 42);
	check_fmt("[%05d]", 42);
	check_fmt("[%05d]", -42);
	check_fmt("[%-6d]", -42);
	check_fmt("[%6d]", -42);
	check_fmt("[%1d]", 12345);
	check_fmt("[%2d]", -7);
	check_fmt("[%08x]", 0xbeefu);
	check_fmt("[%-8X]", 0xbeefu);
	check_fmt("[%8x]", 0u);
	check_fmt("[%016llx]", 0x1234ULL);
	check_fmt("[%24llu]", (unsigned long long)UINT64_MAX);
	check_fmt("[%025lld]", (long long)INT64_MIN);
	check_fmt("[%-25lld]", (long long)INT64_MIN);
	check_fmt("[%020llu]", (unsigned long long)UINT64_MAX);
	check_fmt("[%05hhd]", -3);
	check_fmt("[%*d]", 7, 42);
	check_fmt("[%-*d]", 7, 42);
}

TEST(format, strings)
{
	check_fmt("%s", "hello");
	check_fmt("%s", "");
	check_fmt("[%10s]", "hello");
	check_fmt("[%-10s]", "hello");
	check_fmt("[%3s]", "hello");
	check_fmt("[%.3s]", "hello");
	check_fmt("[%.0s]", "hello");
	check_fmt("[%.10s]", "hi");
	check_fmt("[%10.3s]", "hello");
	check_fmt("[%-10.3s]", "hello");
	check_fmt("[%.*s]", 2, "hello");
	check_fmt("[%*s]", 8, "abc");
	check_fmt("%s=%s;", "key", "value");
}

TEST(format, null_string)
{
	char buf[32];

	EXPECT_EQ(vfmt(buf, sizeof(buf), "%s", (const char *)NULL), 6);
	EXPECT_TRUE(strcmp(buf, "(null)") == 0);
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%8s]", (const char *)NULL), 10);
	EXPECT_TRUE(strcmp(buf, "[  (null)]") == 0);
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%-8s]", (const char *)NULL), 10);
	EXPECT_TRUE(strcmp(buf, "[(null)  ]") == 0);
	/* Truncated: still terminated, still the full length returned. */
	EXPECT_EQ(vfmt(buf, 4, "%s", (const char *)NULL), 6);
	EXPECT_TRUE(strcmp(buf, "(nu") == 0);
}

TEST(format, chars_and_percent)
{
	check_fmt("%c", 'A');
	check_fmt("[%3c]", 'x');
	check_fmt("[%-3c]", 'x');
	check_fmt("%c%c%c", 'a', 'b', 'c');
	check_fmt("%%");
	check_fmt("100%%");
	check_fmt("a%%b%dc%%", 5);
	check_fmt("no conversions at all");
}

TEST(format, nul_char_is_counted)
{
	char buf[8];

	memset(buf, CANARY, sizeof(buf));
	/* "%c" of 0 emits one NUL byte; the result is "a\0b" plus NUL. */
	EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	EXPECT_EQ(buf[0], 'a');
	EXPECT_EQ(buf[1], '\0');
	EXPECT_EQ(buf[2], 'b');
	EXPECT_EQ(buf[3], '\0');
	EXPECT_EQ((unsigned char)buf[4], CANARY);
}

TEST(format, mixed)
{
	check_fmt("cpu %u: apic 0x%x", 3u, 0x10u);
	check_fmt("x=%d y=%s z=%c w=%llx %%", -9, "str", 'q', 0xabcULL);
	check_fmt("%5s|%-5d|%05u|%x", "ab", -1, 7u, 255u);
	check_fmt("%lu pages at 0x%llx", 4096UL, 0xfee00000ULL);
}

TEST(format, pointer)
{
	char buf[64];
	char want[64];
	int n;

	/* csvsm's %p: "0x" and 16 zero-padded lowercase hex digits. */
	n = fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	EXPECT_EQ(n, 18);
	EXPECT_TRUE(strcmp(buf, "0x0000000000001234") == 0);
	n = fmt_snprintf(buf, sizeof(buf), "%p", (void *)NULL);
	EXPECT_EQ(n, 18);
	EXPECT_TRUE(strcmp(buf, "0x0000000000000000") == 0);
	n = fmt_snprintf(buf, sizeof(buf), "<%p>", (void *)UINTPTR_MAX);
	EXPECT_EQ(n, 20);
	EXPECT_TRUE(strcmp(buf, "<0xffffffffffffffff>") == 0);
	snprintf(want, sizeof(want), "0x%016lx", (unsigned long)(uintptr_t)buf);
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)buf);
	EXPECT_TRUE(strcmp(buf, want) == 0);
	/* Truncated inside the digits. */
	memset(buf, CANARY, sizeof(buf));
	EXPECT_EQ(fmt_snprintf(buf, 6, "%p", (void *)0xabcdef), 18);
	EXPECT_TRUE(strcmp(buf, "0x000") == 0);
	EXPECT_TRUE(canary_intact(buf, 6, sizeof(buf)));
}

TEST(format, size_zero_writes_nothing)
{
	char buf[8];

	memset(buf, CANARY, sizeof(buf));
	EXPECT_EQ(fmt_snprintf(buf, 0, "hello %d", 12345), 11);
	EXPECT_TRUE(canary_intact(buf, 0, sizeof(buf)));
	/* As in C, a NULL buffer with size 0 measures the output. */
	EXPECT_EQ(fmt_snprintf(NULL, 0, "%s-%llu", "abc",
			       (unsigned long long)UINT64_MAX),
		  24);
}

TEST(format, return_value_is_untruncated_length)
{
	char big[300];
	char buf[10];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "<%s>", big), 301);
	EXPECT_EQ(strlen(buf), 9);
	EXPECT_EQ(buf[0], '<');
	EXPECT_EQ(fmt_snprintf(buf, 1, "%d", 123), 3);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(fmt_snprintf(buf, sizeof(buf), "%s", ""), 0);
	EXPECT_EQ(buf[0], '\0');
}

TEST(format, truncation_every_size_long_line)
{
	/* Long output crossing each field boundary at some size. */
	check_fmt("[%-12s|%12s|%012lld|%-8x|%c|%%|%llu]", "left", "right",
		  (long long)INT64_MIN, 0xc0ffeeu, '!',
		  (unsigned long long)UINT64_MAX);
}

TEST(format, star_precision_negative_means_none)
{
	char buf[32];

	/* C: a negative precision argument is taken as if it were omitted. */
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%.*s]", -1, "hello"), 7);
	EXPECT_TRUE(strcmp(buf, "[hello]") == 0);
}

TEST(format, zero_flag_ignored_with_minus)
{
	char buf[32];

	/* C: when '0' and '-' both appear, '0' is ignored. */
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%-05d]", 42), 7);
	EXPECT_TRUE(strcmp(buf, "[42   ]") == 0);
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%0-5d]", -4), 7);
	EXPECT_TRUE(strcmp(buf, "[-4   ]") == 0);
}

TEST(format, star_width_negative_left_justifies)
{
	char buf[32];
	char want[32];

	/*
	 * C11 7.21.6.1p5: "A negative field width argument is taken as a -
	 * flag followed by a positive field width."
	 */
	snprintf(want, sizeof(want), "[%*d]", -5, 42);
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%*d]", -5, 42), (int)strlen(want));
	EXPECT_TRUE(strcmp(buf, want) == 0);
	snprintf(want, sizeof(want), "[%*s]", -6, "ab");
	EXPECT_EQ(vfmt(buf, sizeof(buf), "[%*s]", -6, "ab"), (int)strlen(want));
	EXPECT_TRUE(strcmp(buf, want) == 0);
}

TEST(format, unknown_conversion_printed_verbatim)
{
	char buf[32];

	/* Documented in format.c: unknown conversions print as-is and
	 * consume no argument, so the next one still gets its value. */
	EXPECT_EQ(vfmt(buf, sizeof(buf), "%y%d", 7), 3);
	EXPECT_TRUE(strcmp(buf, "%y7") == 0);
}

TEST(format, trailing_percent_stops)
{
	char buf[16];

	memset(buf, CANARY, sizeof(buf));
	EXPECT_EQ(vfmt(buf, sizeof(buf), "ab%"), 2);
	EXPECT_TRUE(strcmp(buf, "ab") == 0);
	EXPECT_EQ(vfmt(buf, sizeof(buf), "ab%-0"), 2);
	EXPECT_TRUE(strcmp(buf, "ab") == 0);
}
