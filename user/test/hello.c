// SPDX-License-Identifier: MIT
/*
 * The smallest csvsm task test: stdio to stdout and stderr, its arguments
 * and environment, and an exit code. Built with `gcc -static` and run both
 * in csvsm and on the Linux host; the outputs must be equal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
	int envc = 0;

	printf("hello from a static glibc program\n");
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++) {
		printf("env %s\n", *e);
		envc++;
	}
	printf("envc=%d\n", envc);
	fprintf(stderr, "stderr works\n");
	fflush(stderr);
	printf("%s %d %.3f %x\n", "formatting", -42, 3.14159, 0xbeefu);
	return argc == 3 && strcmp(argv[1], "one") == 0 ? 7 : 1;
}
