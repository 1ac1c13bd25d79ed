/* SPDX-License-Identifier: MIT */
/*
 * main() for hosted test binaries: `prog [filter]` runs the matching tests.
 * Exit status is 0 only when every test passed.
 */
#include <stdarg.h>
#include <stdio.h>

#include "test.h"

void test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	return test_run_all(argc > 1 ? argv[1] : NULL) ? 1 : 0;
}
