// SPDX-License-Identifier: MIT
/*
 * FPU/SSE state belongs to one task: "dirty" leaves the x87 and SSE
 * control and status words changed (rounding up, every exception flag
 * raised) and exits; "check" (the default) prints what a new task finds,
 * which must be the psABI's initial state whatever ran before: rounding
 * to nearest, no exception flag, and arithmetic that rounds accordingly.
 */
#include <fenv.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile double third = 1.0 / 3.0;
	volatile float f = 1.0f;

	if (argc > 1 && !strcmp(argv[1], "dirty")) {
		fesetround(FE_UPWARD);
		feraiseexcept(FE_ALL_EXCEPT);
		third = third * 3.0;
		printf("dirty: round up %s, flags %s\n",
		       fegetround() == FE_UPWARD ? "yes" : "no",
		       fetestexcept(FE_ALL_EXCEPT) == FE_ALL_EXCEPT ? "all"
								    : "some");
		return 0;
	}
	printf("round to nearest: %s\n",
	       fegetround() == FE_TONEAREST ? "yes" : "no");
	printf("exception flags clear: %s\n",
	       fetestexcept(FE_ALL_EXCEPT) == 0 ? "yes" : "no");
	f = f / 3.0f;
	printf("1/3 = %.17g, (float)1/3 = %.9g\n", (double)third, (double)f);
	return 0;
}
