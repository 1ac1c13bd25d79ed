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

/*
 * A usage error of the running command: prints "csvsm-igvm: COMMAND:
 * message (COMMAND --help for usage)" on stderr and returns 2.
 */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define COMMAND(id, name_, summary_, fn)                                     \
	static const struct command command_##id                             \
		__attribute__((used, section("csvsm_cmds"), aligned(8))) = { \
			name_, summary_, fn}
