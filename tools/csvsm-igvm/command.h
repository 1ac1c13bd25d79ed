/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of csvsm-igvm. Each file that implements one registers it
 * with COMMAND(); main.c finds them in the "csvsm_cmds" section, so adding
 * a command touches no shared file. A command returns the process exit
 * status: 0 success, 1 failure (message already printed), 2 usage error.
 */
#pragma once

struct command {
	const char *name;
	const char *summary; /* one line for `csvsm-igvm --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

#define COMMAND(id, name_, summary_, fn)                                     \
	static const struct command command_##id                             \
		__attribute__((used, section("csvsm_cmds"), aligned(8))) = { \
			name_, summary_, fn}
