/* SPDX-License-Identifier: MIT */
/*
 * The tools' --version line. The version is the one the kernel embeds
 * (scripts/gen_version.sh: git describe), so a tool and the SVSM it built
 * name the same tree. Not in the unit tests: it needs the generated header.
 */
#include "version.h"

#include <stdio.h>

#include "util.h"

int util_print_version(const char *name, const char *compat)
{
	printf("%s (csvsm %s)\n", name, CSVSM_VERSION);
	if (compat)
		printf("%s\n", compat);
	return fflush(stdout) == 0 ? 0 : 1;
}
