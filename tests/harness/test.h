/* SPDX-License-Identifier: MIT */
/*
 * One test vocabulary for every test in csvsm: hosted unit tests (built with
 * ASan/UBSan) and in-kernel tests (linked into the SVSM test image) use the
 * same TEST()/ASSERT_*()/EXPECT_*() macros. Each TEST() places a descriptor in
 * the "svtest_cases" section; the runner (tests/harness/runner.c) walks that
 * section. The environment supplies test_printf() (stdio on the host, the
 * serial console in the kernel).
 *
 * ASSERT_* stops the current test on failure (it returns from the test
 * function); EXPECT_* records the failure and carries on; REQUIRE_* is for
 * helpers that return bool: it records the failure and returns false, so
 * the test can ASSERT_TRUE(helper(...)). The macros ending in "_" are the
 * vocabulary's internals, not for test files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct test_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

/* Provided by the environment: printf-like output of test results. */
void test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records a failure of the running test; used by the macros below. */
void test_fail(const char *file, int line, const char *msg);
void test_fail_u64(const char *file, int line, const char *expr, uint64_t got,
		   uint64_t want);

/*
 * Runs every test whose "suite.name" contains `filter` (NULL or "" runs all)
 * and prints "N passed, N failed" as its last line. Returns the failure count.
 */
unsigned int test_run_all(const char *filter);

#define TEST(suite, name)                                                      \
	static void test_##suite##_##name(void);                               \
	static const struct test_case test_desc_##suite##_##name               \
		__attribute__((used, section("svtest_cases"), aligned(8))) = { \
			#suite, #name, test_##suite##_##name};                 \
	static void test_##suite##_##name(void)

/*
 * A fixture: code that prepares or exports data for another suite (for
 * example files that a Python suite checks with the openssl command line).
 * It uses the same ASSERT/EXPECT vocabulary but is not a test: it is not
 * counted and runs only when asked for by name, on the host
 * (`unit_tests --fixture NAME`, tests/harness/host_main.c).
 */
#define TEST_FIXTURE(name)                                                \
	static void fixture_##name(void);                                 \
	static const struct test_case fixture_desc_##name __attribute__(( \
		used, section("svtest_fixtures"), aligned(8))) = {        \
		"fixture", #name, fixture_##name};                        \
	static void fixture_##name(void)

/* Starts counting failures afresh; the failures counted since. */
void test_failures_reset(void);
unsigned int test_failures(void);

#define TEST_CHECK_(cond, onfail)                             \
	do {                                                  \
		if (!(cond)) {                                \
			test_fail(__FILE__, __LINE__, #cond); \
			onfail;                               \
		}                                             \
	} while (0)

#define TEST_CMP_(a, op, b, onfail)                                          \
	do {                                                                 \
		uint64_t test_a_ = (uint64_t)(a);                            \
		uint64_t test_b_ = (uint64_t)(b);                            \
		if (!(test_a_ op test_b_)) {                                 \
			test_fail_u64(__FILE__, __LINE__, #a " " #op " " #b, \
				      test_a_, test_b_);                     \
			onfail;                                              \
		}                                                            \
	} while (0)

#define ASSERT_TRUE(c)	 TEST_CHECK_((c), return )
#define ASSERT_FALSE(c)	 TEST_CHECK_(!(c), return )
#define ASSERT_EQ(a, b)	 TEST_CMP_(a, ==, b, return )
#define ASSERT_NE(a, b)	 TEST_CMP_(a, !=, b, return )
#define ASSERT_LT(a, b)	 TEST_CMP_(a, <, b, return )
#define ASSERT_LE(a, b)	 TEST_CMP_(a, <=, b, return )
#define ASSERT_GT(a, b)	 TEST_CMP_(a, >, b, return )
#define ASSERT_GE(a, b)	 TEST_CMP_(a, >=, b, return )
#define EXPECT_TRUE(c)	 TEST_CHECK_((c), (void)0)
#define EXPECT_FALSE(c)	 TEST_CHECK_(!(c), (void)0)
#define EXPECT_EQ(a, b)	 TEST_CMP_(a, ==, b, (void)0)
#define EXPECT_NE(a, b)	 TEST_CMP_(a, !=, b, (void)0)
#define EXPECT_LT(a, b)	 TEST_CMP_(a, <, b, (void)0)
#define EXPECT_LE(a, b)	 TEST_CMP_(a, <=, b, (void)0)
#define EXPECT_GT(a, b)	 TEST_CMP_(a, >, b, (void)0)
#define EXPECT_GE(a, b)	 TEST_CMP_(a, >=, b, (void)0)
#define REQUIRE_TRUE(c)	 TEST_CHECK_((c), return false)
#define REQUIRE_EQ(a, b) TEST_CMP_(a, ==, b, return false)
