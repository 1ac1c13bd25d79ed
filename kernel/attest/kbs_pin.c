/* SPDX-License-Identifier: MIT */
/*
 * The key broker an image trusts (include/svsm/kbs.h, kbs_pin_parse):
 * the file etc/kbs of the measured root file-system image names the
 * broker's signing key and the store key's resource. The image is
 * measured, but the parser still checks every byte: a malformed file
 * names no broker, and the boot then refuses to start the vTPM rather
 * than choose another key (docs/attestation-proxy.md, "Configuring the
 * SVSM").
 */
#include "svsm/kbs.h"

#include "kbs_int.h"
#include "lib/bytes.h"
#include "lib/string.h"

#define PIN_LINE_MAX 256u

/* One "name value" line: name and value spans, separated by spaces. */
struct pin_line {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool split(const char *p, size_t n, struct pin_line *l)
{
	size_t i = 0;

	while (n && is_space(p[n - 1]))
		n--;
	l->name = p;
	while (i < n && !is_space(p[i]))
		i++;
	l->name_len = i;
	while (i < n && is_space(p[i]))
		i++;
	l->value = p + i;
	l->value_len = n - i;
	for (size_t j = 0; j < n; j++)
		if (p[j] < ' ' || p[j] > '~')
			if (p[j] != '\t')
				return false; /* printable ASCII only */
	for (size_t j = 0; j < l->value_len; j++)
		if (is_space(l->value[j]))
			return false; /* one value per line */
	return l->name_len && l->value_len;
}

static bool named(const struct pin_line *l, const char *name)
{
	return l->name_len == strlen(name) &&
	       !memcmp(l->name, name, l->name_len);
}

/* Applies one line to key/resource; *why says what is wrong. */
static bool take(const struct pin_line *l, uint8_t key[KBS_BROKER_KEY_SIZE],
		 bool *have_key, char resource[KBS_RESOURCE_MAX],
		 bool *have_resource, const char **why)
{
	if (named(l, "broker-key")) {
		if (*have_key) {
			*why = "broker-key given twice";
			return false;
		}
		if (l->value_len != 2ul * KBS_BROKER_KEY_SIZE ||
		    !hex_decode(l->value, key, KBS_BROKER_KEY_SIZE) ||
		    key[0] != 0x04) {
			*why = "broker-key is not 04 and 128 hex digits "
			       "(an uncompressed P-256 point)";
			return false;
		}
		*have_key = true;
		return true;
	}
	if (named(l, "resource")) {
		if (*have_resource) {
			*why = "resource given twice";
			return false;
		}
		if (l->value_len >= KBS_RESOURCE_MAX) {
			*why = "resource is too long";
			return false;
		}
		memcpy(resource, l->value, l->value_len);
		resource[l->value_len] = '\0';
		if (!kbs_resource_ok(resource)) {
			*why = "resource is not <repo>/<type>/<tag>";
			return false;
		}
		*have_resource = true;
		return true;
	}
	*why = "an unknown name (broker-key and resource only)";
	return false;
}

enum svsm_err kbs_pin_parse(const char *text, size_t len,
			    struct kbs_config *cfg, const char **why)
{
	uint8_t key[KBS_BROKER_KEY_SIZE] = {0};
	char resource[KBS_RESOURCE_MAX] = {0};
	bool have_key = false;
	bool have_resource = false;
	size_t i = 0;

	*why = "";
	while (i < len) {
		struct pin_line l;
		size_t start = i;
		size_t n;

		while (i < len && text[i] != '\n')
			i++;
		n = i - start;
		i++; /* the newline */
		if (n > PIN_LINE_MAX) {
			*why = "a line is too long";
			return SVSM_E_INVAL;
		}
		while (n && is_space(text[start])) {
			start++;
			n--;
		}
		if (!n || text[start] == '#')
			continue;
		if (!split(text + start, n, &l)) {
			*why = "a line is not \"name value\"";
			return SVSM_E_INVAL;
		}
		if (!take(&l, key, &have_key, resource, &have_resource, why))
			return SVSM_E_INVAL;
	}
	if (!have_key || !have_resource) {
		*why = have_key ? "no resource line" : "no broker-key line";
		return SVSM_E_INVAL;
	}
	memcpy(cfg->broker_key, key, sizeof(key));
	memcpy(cfg->resource, resource, sizeof(resource));
	return SVSM_OK;
}
