/* SPDX-License-Identifier: MIT */
/*
 * The output side of `csvsm-igvm dump`: one tree of objects, arrays and
 * scalars rendered either as a readable listing or as one JSON object, so
 * the two forms cannot drift apart. JSON: stable keys, numbers as numbers,
 * 64-bit addresses and byte arrays as hex strings, strings escaped (valid
 * UTF-8 passes through, other bytes become U+FFFD, so any path gives valid
 * JSON). Text: top-level keys become section headings, array items one
 * line each ("key=value"), names printed bare. Used by cmd_dump.c.
 */
#include "dump_json.h"

#include <string.h>

static struct dump_frame *top(struct dump_out *o)
{
	return o->depth ? &o->stack[o->depth - 1] : NULL;
}

static void indent(struct dump_out *o, int levels)
{
	fprintf(o->f, "%*s", 2 * levels, "");
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0.
 */
static int utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0; /* also stops at the terminating NUL */
	for (int i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void dump_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int n;

		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else if (*p < 0x80) {
			fputc(*p, f);
		} else if ((n = utf8_len(p)) != 0) {
			fwrite(p, 1, (size_t)n, f);
			p += n - 1;
		} else {
			fputs("\\ufffd", f); /* not UTF-8: replacement char */
		}
	}
	fputc('"', f);
}

/* Separator, indentation and key before a value or container. */
static void lead(struct dump_out *o, const char *key, bool bare)
{
	struct dump_frame *t = top(o);

	if (!t)
		return;
	if (o->json) {
		if (t->count)
			fputc(',', o->f);
		if (t->inline_) {
			if (t->count)
				fputc(' ', o->f);
		} else {
			fputc('\n', o->f);
			indent(o, o->depth);
		}
		if (!t->array) {
			dump_json_string(o->f, key);
			fputs(": ", o->f);
		}
	} else if (t->inline_) {
		if (t->count)
			fputs(t->array ? ", " : " ", o->f);
		if (key && !bare && !t->array)
			fprintf(o->f, "%s=", key);
	} else {
		indent(o, o->depth - 1);
		if (key && !bare)
			fprintf(o->f, "%-24s ", key);
	}
	t->count++;
}

static void trail(struct dump_out *o)
{
	struct dump_frame *t = top(o);

	if (!o->json && t && !t->inline_)
		fputc('\n', o->f);
}

void dump_begin(struct dump_out *o, const char *key, bool array, bool one_line)
{
	struct dump_frame *t = top(o);
	struct dump_frame n = {.array = array};

	if (o->depth == DUMP_MAX_DEPTH)
		return; /* the caller's trees are shallower; never hit */
	if (o->json) {
		lead(o, key, false);
		fputc(array ? '[' : '{', o->f);
		n.inline_ = (t && t->inline_) || one_line;
	} else if (!t) {
		/* the root object: nothing to print */
	} else if (t->inline_) {
		lead(o, key, false);
		fputc(array ? '[' : '{', o->f);
		n.inline_ = true;
	} else if (o->depth == 1) {
		for (const char *p = key; p && *p; p++)
			fputc(*p == '_' ? ' '
					: *p - (*p >= 'a' && *p <= 'z') * 32,
			      o->f);
		fputc('\n', o->f);
	} else if (t->array) {
		indent(o, o->depth - 1);
		fputs(one_line ? "- " : "-\n", o->f);
		t->count++;
		n.inline_ = one_line;
		n.item = true;
	} else {
		indent(o, o->depth - 1);
		fprintf(o->f, "%s:\n", key);
	}
	o->stack[o->depth++] = n;
}

void dump_end(struct dump_out *o)
{
	struct dump_frame *t = top(o);

	if (!t)
		return;
	o->depth--;
	if (o->json) {
		if (!t->inline_ && t->count) {
			fputc('\n', o->f);
			indent(o, o->depth);
		}
		fputc(t->array ? ']' : '}', o->f);
		if (!o->depth)
			fputc('\n', o->f);
	} else if (t->inline_ && t->item) {
		fputc('\n', o->f);
	} else if (t->inline_) {
		fputc(t->array ? ']' : '}', o->f);
	}
}

void dump_u64(struct dump_out *o, const char *key, uint64_t v)
{
	lead(o, key, false);
	fprintf(o->f, "%llu", (unsigned long long)v);
	trail(o);
}

void dump_hex(struct dump_out *o, const char *key, uint64_t v)
{
	lead(o, key, false);
	fprintf(o->f, o->json ? "%llu" : "0x%llx", (unsigned long long)v);
	trail(o);
}

void dump_addr(struct dump_out *o, const char *key, uint64_t v)
{
	lead(o, key, false);
	fprintf(o->f, o->json ? "\"0x%llx\"" : "0x%llx", (unsigned long long)v);
	trail(o);
}

void dump_str(struct dump_out *o, const char *key, const char *s, bool bare)
{
	if (!o->json && bare && !*s)
		return; /* an empty name prints nothing in the listing */
	lead(o, key, bare);
	if (o->json)
		dump_json_string(o->f, s);
	else
		fputs(s, o->f);
	trail(o);
}

void dump_bool(struct dump_out *o, const char *key, bool v)
{
	lead(o, key, false);
	fputs(o->json ? (v ? "true" : "false") : (v ? "yes" : "no"), o->f);
	trail(o);
}

void dump_null(struct dump_out *o, const char *key)
{
	lead(o, key, false);
	fputs(o->json ? "null" : "-", o->f);
	trail(o);
}

void dump_bytes(struct dump_out *o, const char *key, const uint8_t *p, size_t n)
{
	lead(o, key, false);
	if (o->json)
		fputc('"', o->f);
	for (size_t i = 0; i < n; i++)
		fprintf(o->f, "%02x", p[i]);
	if (o->json)
		fputc('"', o->f);
	trail(o);
}
