/* SPDX-License-Identifier: MIT */
/*
 * Checking and reading the provenance text (provenance.h).
 *
 * TRUST: the text comes from a file given to `build` or from an IGVM file
 * given to `measure`: every byte is checked against the line grammar and
 * every length against its bound before anything is copied.
 */
#include "provenance.h"

#include <stdbool.h>
#include <string.h>

#include "abi/csvsm_boot.h"

#include "util.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '+' || c == '-';
}

static bool version_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '~' ||
	       c == ':' || c == '-';
}

/* The run of `ok` characters at p, up to the end; its length. */
static size_t span(const char *p, const char *end, bool (*ok)(char))
{
	size_t n = 0;

	while (p + n < end && ok(p[n]))
		n++;
	return n;
}

int provenance_parse(const char *text, size_t len, struct provenance_entry *out,
		     char *why, size_t whylen)
{
	const char *p = text, *end = text + len;
	int count = 0;

	if (len > CSVSM_PROVENANCE_MAX)
		return util_errf(why, whylen, "%zu bytes, more than %u", len,
				 CSVSM_PROVENANCE_MAX);
	while (p < end) {
		size_t n = span(p, end, name_char), v;
		int line = count + 1;

		if (count == PROVENANCE_MAX_ENTRIES)
			return util_errf(why, whylen, "more than %d lines",
					 PROVENANCE_MAX_ENTRIES);
		if (!n || n > PROVENANCE_NAME_MAX || p + n == end ||
		    p[n] != '=')
			return util_errf(why, whylen,
					 "line %d: not name=version (a name "
					 "of 1-%d characters a-z 0-9 . + -)",
					 line, PROVENANCE_NAME_MAX);
		v = span(p + n + 1, end, version_char);
		if (!v || v > PROVENANCE_VERSION_MAX || p + n + 1 + v == end ||
		    p[n + 1 + v] != '\n')
			return util_errf(why, whylen,
					 "line %d: the version is not 1-%d "
					 "characters A-Z a-z 0-9 . + ~ : - and "
					 "a newline",
					 line, PROVENANCE_VERSION_MAX);
		memcpy(out[count].name, p, n);
		out[count].name[n] = '\0';
		memcpy(out[count].version, p + n + 1, v);
		out[count].version[v] = '\0';
		for (int i = 0; i < count; i++)
			if (!strcmp(out[i].name, out[count].name))
				return util_errf(why, whylen,
						 "line %d: %s is named twice",
						 line, out[count].name);
		count++;
		p += n + 1 + v + 1;
	}
	return count;
}
