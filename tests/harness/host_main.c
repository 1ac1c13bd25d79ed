/* SPDX-License-Identifier: MIT */
/*
 * main() for hosted test binaries: `prog [filter]` runs the matching tests;
 * `prog --fixture NAME` runs one fixture (test.h, TEST_FIXTURE). Exit
 * status is 0 only when every test (or the fixture) passed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

void test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

extern const struct test_case __start_svtest_fixtures[];
extern const struct test_case __stop_svtest_fixtures[];

static int run_fixture(const char *name)
{
	for (const struct test_case *f = __start_svtest_fixtures;
	     f < __stop_svtest_fixtures; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		test_failures_reset();
		f->fn();
		test_printf("[svtest] fixture %s: %s\n", name,
			    test_failures() ? "FAILED" : "ok");
		return test_failures() ? 1 : 0;
	}
	fprintf(stderr, "no fixture named %s\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--fixture") == 0)
		return run_fixture(argv[2]);
	return test_run_all(argc > 1 ? argv[1] : NULL) ? 1 : 0;
}
