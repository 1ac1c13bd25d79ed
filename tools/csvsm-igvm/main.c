/* SPDX-License-Identifier: MIT */
/*
 * csvsm-igvm: the IGVM host tool. Each subcommand lives in its own file and
 * registers itself with COMMAND() (command.h); this file is the dispatcher.
 * Every error is one line on stderr and a non-zero exit status.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "util.h"

extern const struct command __start_csvsm_cmds[];
extern const struct command __stop_csvsm_cmds[];

static const char *current = "";

int cmd_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "csvsm-igvm: %s: ", current);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (csvsm-igvm %s --help for usage)\n", current);
	return 2;
}

static int help(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm COMMAND [options]  (COMMAND --help for more)\n"
		"       csvsm-igvm --version\n");
	for (const struct command *c = __start_csvsm_cmds;
	     c < __stop_csvsm_cmds; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return help(stderr, 2);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help(stdout, 0);
	if (strcmp(argv[1], "--version") == 0)
		return util_print_version("csvsm-igvm", NULL);
	for (const struct command *c = __start_csvsm_cmds;
	     c < __stop_csvsm_cmds; c++) {
		if (strcmp(argv[1], c->name) == 0) {
			current = c->name;
			return c->run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "csvsm-igvm: unknown command '%s'\n", argv[1]);
	return help(stderr, 2);
}
