/* SPDX-License-Identifier: MIT */
/*
 * The SVSM command line: space-separated words, either flags ("exit_on_ready")
 * or key=value pairs ("loglevel=50"). The text was copied from the loader's
 * parameter area and NUL-terminated by boot_params_parse().
 */
#include <stdbool.h>

#include "svsm/boot.h"

#include "lib/string.h"

/* Finds word `key` (ending at '=' or a space) and returns what follows it. */
static const char *find(const char *s, const char *key, bool with_value)
{
	size_t klen = strlen(key);

	while (*s) {
		const char *w = s;
		size_t n = 0;

		while (w[n] && w[n] != ' ')
			n++;
		if (n >= klen && strncmp(w, key, klen) == 0) {
			if (!with_value && n == klen)
				return w + n;
			if (with_value && n > klen && w[klen] == '=')
				return w + klen + 1;
		}
		s = w + n;
		while (*s == ' ')
			s++;
	}
	return NULL;
}

bool cmdline_has(const char *cmdline, const char *opt)
{
	return find(cmdline, opt, false) != NULL;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t len)
{
	const char *v = find(cmdline, key, true);
	size_t n = 0;

	if (!v || len == 0)
		return false;
	while (v[n] && v[n] != ' ')
		n++;
	if (n >= len)
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

bool cmdline_start_item(const char *cmdline, unsigned int idx, char *buf,
			size_t len)
{
	char list[BOOT_CMDLINE_MAX];
	const char *p = list;
	size_t n = 0;

	if (!cmdline_get(cmdline, "start", list, sizeof(list)))
		return false;
	for (; idx; idx--) {
		while (*p && *p != ',')
			p++;
		if (!*p)
			return false;
		p++;
	}
	while (p[n] && p[n] != ',')
		n++;
	if (!n || n >= len)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}
