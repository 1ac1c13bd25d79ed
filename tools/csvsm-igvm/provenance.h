/* SPDX-License-Identifier: MIT */
/*
 * The provenance text of csvsm's IGVM files: the Debian package versions
 * an image was built from, as "name=version" lines, in the measured
 * boot-info page (include/abi/csvsm_boot.h, CSVSM_PROVENANCE_OFFSET).
 * `build --provenance` checks it before it is measured; `measure --json`
 * checks it again, since the file may be anything, and prints it.
 */
#pragma once

#include <stddef.h>

#define PROVENANCE_MAX_ENTRIES 16
#define PROVENANCE_NAME_MAX    32
#define PROVENANCE_VERSION_MAX 64

struct provenance_entry {
	char name[PROVENANCE_NAME_MAX + 1];
	char version[PROVENANCE_VERSION_MAX + 1];
};

/*
 * Parses len bytes: at most PROVENANCE_MAX_ENTRIES lines, each
 * "name=version" and a newline; names of [a-z0-9.+-], each once; versions
 * of [A-Za-z0-9.+~:-] (Debian policy 5.6.12). The number of entries, or -1
 * with the reason in why.
 */
int provenance_parse(const char *text, size_t len, struct provenance_entry *out,
		     char *why, size_t whylen);
