/* SPDX-License-Identifier: MIT */
/*
 * csvsm-igvm: the IGVM host tool. Each subcommand registers itself with
 * COMMAND() (command.h); this file holds `build` and the dispatcher.
 * Every error is one line on stderr and a non-zero exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "command.h"
#include "util.h"

#define MAX_KERNEL (64u << 20)

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm build --kernel ELF -o OUT.igvm\n"
		"                        [--region-base ADDR] [--region-size SIZE]\n"
		"                        [--ap-trampoline ADDR]\n");
	return rc;
}

static int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kernel", required_argument, NULL, 'k'},
		{"output", required_argument, NULL, 'o'},
		{"region-base", required_argument, NULL, 'b'},
		{"region-size", required_argument, NULL, 's'},
		{"ap-trampoline", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct build_options o = {
		.region_base = 16u << 20,
		.region_size = 4u << 20,
		.ap_trampoline = 0x8000,
	};
	const char *kernel = NULL;
	const char *output = NULL;
	char err[512];
	uint8_t *elf;
	uint8_t *igvm = NULL;
	size_t elf_size = 0;
	size_t igvm_size = 0;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
		uint64_t *dst = c == 'b'   ? &o.region_base
				: c == 's' ? &o.region_size
				: c == 't' ? &o.ap_trampoline
					   : NULL;

		if (c == 'k') {
			kernel = optarg;
		} else if (c == 'o') {
			output = optarg;
		} else if (dst) {
			if (util_parse_size(optarg, dst)) {
				fprintf(stderr, "csvsm-igvm: bad number '%s'\n",
					optarg);
				return 2;
			}
		} else {
			return usage(c == 'h' ? stdout : stderr,
				     c == 'h' ? 0 : 2);
		}
	}
	if (!kernel || !output || optind != argc)
		return usage(stderr, 2);
	elf = util_read_file(kernel, MAX_KERNEL, &elf_size, err, sizeof(err));
	if (!elf) {
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return 1;
	}
	rc = build_native(&o, elf, elf_size, &igvm, &igvm_size, err,
			  sizeof(err));
	if (!rc)
		rc = util_write_file(output, igvm, igvm_size, err, sizeof(err));
	if (rc)
		fprintf(stderr, "csvsm-igvm: %s\n", err);
	free(elf);
	free(igvm);
	return rc ? 1 : 0;
}

COMMAND(build, "build", "build csvsm's IGVM file from the kernel ELF",
	cmd_build);

extern const struct command __start_csvsm_cmds[];
extern const struct command __stop_csvsm_cmds[];

static int help(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm COMMAND [options]  (COMMAND --help for more)\n");
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
	for (const struct command *c = __start_csvsm_cmds;
	     c < __stop_csvsm_cmds; c++) {
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "csvsm-igvm: unknown command '%s'\n", argv[1]);
	return help(stderr, 2);
}
