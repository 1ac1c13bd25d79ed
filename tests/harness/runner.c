/* SPDX-License-Identifier: MIT */
/*
 * The test runner shared by the hosted test binaries and the SVSM test image.
 * It walks the "svtest_cases" section that TEST() fills, runs each case and
 * prints one line per case plus the closing "N passed, N failed" line that
 * tests/run_all.py and the QEMU runner parse.
 */
#include "test.h"

extern const struct test_case __start_svtest_cases[];
extern const struct test_case __stop_svtest_cases[];

static unsigned int current_failures;

void test_fail(const char *file, int line, const char *msg)
{
	current_failures++;
	test_printf("[svtest] FAILURE %s:%d: %s\n", file, line, msg);
}

void test_fail_u64(const char *file, int line, const char *expr, uint64_t got,
		   uint64_t want)
{
	current_failures++;
	test_printf("[svtest] FAILURE %s:%d: %s (0x%llx vs 0x%llx)\n", file,
		    line, expr, (unsigned long long)got,
		    (unsigned long long)want);
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return !*prefix;
}

static bool name_matches(const struct test_case *tc, const char *filter)
{
	const char *f = filter;
	const char *s = tc->suite;

	/* "selftest" suites check the runner itself: only when named. */
	if (!filter || !*filter)
		return !starts_with(tc->suite, "selftest");
	/* Match "suite" or "suite.name" prefixes: simple and predictable. */
	while (*f && *s && *f == *s) {
		f++;
		s++;
	}
	if (!*f)
		return true;
	if (*s || *f != '.')
		return false;
	f++;
	s = tc->name;
	while (*f && *s && *f == *s) {
		f++;
		s++;
	}
	return !*f;
}

void test_failures_reset(void)
{
	current_failures = 0;
}

unsigned int test_failures(void)
{
	return current_failures;
}

unsigned int test_run_all(const char *filter)
{
	unsigned int passed = 0;
	unsigned int failed = 0;

	for (const struct test_case *tc = __start_svtest_cases;
	     tc < __stop_svtest_cases; tc++) {
		if (!name_matches(tc, filter))
			continue;
		current_failures = 0;
		test_printf("[svtest] RUN %s.%s\n", tc->suite, tc->name);
		tc->fn();
		if (current_failures) {
			failed++;
			test_printf("[svtest] FAIL %s.%s\n", tc->suite,
				    tc->name);
		} else {
			passed++;
			test_printf("[svtest] PASS %s.%s\n", tc->suite,
				    tc->name);
		}
	}
	test_printf("%u passed, %u failed\n", passed, failed);
	return failed;
}
