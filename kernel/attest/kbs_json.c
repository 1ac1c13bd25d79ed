/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client's JSON: a bounded parser for what the proxy
 * relays (RFC 8259), and a bounded writer for what the SVSM sends, with
 * strings escaped as RFC 8785 (JCS) serialises them so that the
 * runtime-data string hashes into REPORT_DATA exactly as Trustee's
 * verifier rebuilds it.
 *
 * The parser fills a fixed table of tokens (no allocation), limits depth
 * and token count, refuses duplicate keys (two parsers could otherwise
 * read different values from one message), control characters in
 * strings, bad escapes and anything after the value. Strings stay where
 * they are; readers take only unescaped strings (kbs_json_get_str).
 * Nesting is followed with an explicit stack of KBS_JSON_MAX_DEPTH
 * entries, not recursion. Fuzzed by tests/fuzz/kbs_json_fuzz.c.
 */
#include "kbs_int.h"
#include "lib/string.h"

struct parser {
	struct kbs_json *doc;
	size_t pos;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->doc->len && is_ws(p->doc->text[p->pos]))
		p->pos++;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 8259 §7: the one-character escapes. */
static bool is_simple_escape(char c)
{
	return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
	       c == 'n' || c == 'r' || c == 't';
}

static int new_tok(struct parser *p, enum kbs_json_type type)
{
	struct kbs_json *d = p->doc;

	if (d->count >= KBS_JSON_MAX_TOKENS)
		return -1;
	d->tok[d->count] = (struct kbs_json_tok){.type = (uint8_t)type};
	return (int)d->count++;
}

static bool at(const struct parser *p, char c)
{
	return p->pos < p->doc->len && p->doc->text[p->pos] == c;
}

/* An escape after the backslash at p->pos; leaves p->pos on its last byte. */
static bool parse_escape(struct parser *p)
{
	const char *t = p->doc->text;

	if (++p->pos >= p->doc->len)
		return false;
	if (t[p->pos] != 'u')
		return is_simple_escape(t[p->pos]);
	if (p->doc->len - p->pos < 5)
		return false;
	for (unsigned int k = 1; k <= 4; k++) {
		if (!is_hex(t[p->pos + k]))
			return false;
	}
	p->pos += 4;
	return true;
}

/* At the opening quote. */
static int parse_string(struct parser *p)
{
	int i = new_tok(p, KBS_JSON_STRING);
	bool escaped = false;
	size_t start;

	if (i < 0)
		return -1;
	start = ++p->pos;
	for (; p->pos < p->doc->len; p->pos++) {
		unsigned char c = (unsigned char)p->doc->text[p->pos];

		if (c == '"') {
			struct kbs_json_tok *k = &p->doc->tok[i];

			k->start = (uint32_t)start;
			k->len = (uint32_t)(p->pos - start);
			k->escaped = escaped;
			k->next = (uint16_t)p->doc->count;
			p->pos++;
			return i;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			escaped = true;
			if (!parse_escape(p))
				return -1;
		}
	}
	return -1;
}

static size_t digits(struct parser *p)
{
	size_t n = 0;

	while (p->pos < p->doc->len && is_digit(p->doc->text[p->pos])) {
		p->pos++;
		n++;
	}
	return n;
}

/* RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(struct parser *p)
{
	int i = new_tok(p, KBS_JSON_NUMBER);
	size_t start = p->pos;

	if (i < 0)
		return -1;
	if (at(p, '-'))
		p->pos++;
	if (at(p, '0'))
		p->pos++;
	else if (digits(p) == 0)
		return -1;
	if (at(p, '.')) {
		p->pos++;
		if (digits(p) == 0)
			return -1;
	}
	if (at(p, 'e') || at(p, 'E')) {
		p->pos++;
		if (at(p, '+') || at(p, '-'))
			p->pos++;
		if (digits(p) == 0)
			return -1;
	}
	p->doc->tok[i].start = (uint32_t)start;
	p->doc->tok[i].len = (uint32_t)(p->pos - start);
	p->doc->tok[i].next = (uint16_t)p->doc->count;
	return i;
}

static int parse_literal(struct parser *p, const char *word,
			 enum kbs_json_type type)
{
	size_t n = strlen(word);
	int i;

	if (p->doc->len - p->pos < n ||
	    memcmp(p->doc->text + p->pos, word, n) != 0)
		return -1;
	i = new_tok(p, type);
	if (i < 0)
		return -1;
	p->doc->tok[i].start = (uint32_t)p->pos;
	p->doc->tok[i].len = (uint32_t)n;
	p->pos += n;
	p->doc->tok[i].next = (uint16_t)p->doc->count;
	return i;
}

static bool same_key(const struct kbs_json *d, int a, int b)
{
	return d->tok[a].len == d->tok[b].len &&
	       !memcmp(d->text + d->tok[a].start, d->text + d->tok[b].start,
		       d->tok[a].len);
}

/* A scalar at p->pos: its token, or -1. */
static int parse_scalar(struct parser *p)
{
	char c = p->doc->text[p->pos];

	switch (c) {
	case '"':
		return parse_string(p);
	case 't':
		return parse_literal(p, "true", KBS_JSON_TRUE);
	case 'f':
		return parse_literal(p, "false", KBS_JSON_FALSE);
	case 'n':
		return parse_literal(p, "null", KBS_JSON_NULL);
	default:
		if (c == '-' || is_digit(c))
			return parse_number(p);
		return -1;
	}
}

/*
 * An object member's key and colon, refusing a key the object already
 * has (keys are its even children: compare with each).
 */
static bool parse_key(struct parser *p, int obj)
{
	int key;

	skip_ws(p);
	if (!at(p, '"'))
		return false;
	key = parse_string(p);
	if (key < 0)
		return false;
	for (int k = obj + 1; k < key;
	     k = p->doc->tok[p->doc->tok[k].next].next) {
		if (same_key(p->doc, k, key))
			return false;
	}
	skip_ws(p);
	if (!at(p, ':'))
		return false;
	p->pos++;
	return true;
}

/*
 * One value, iteratively: an explicit stack of the open containers
 * (at most KBS_JSON_MAX_DEPTH), so the stack use is fixed whatever the
 * input nests.
 */
static bool parse_value(struct parser *p)
{
	int open[KBS_JSON_MAX_DEPTH];
	unsigned int depth = 0;

	for (;;) {
		char c;

		/* At a value. */
		skip_ws(p);
		if (p->pos >= p->doc->len)
			return false;
		c = p->doc->text[p->pos];
		if (c == '{' || c == '[') {
			int i = new_tok(p, c == '{' ? KBS_JSON_OBJECT
						    : KBS_JSON_ARRAY);

			if (i < 0 || depth == KBS_JSON_MAX_DEPTH)
				return false;
			open[depth++] = i;
			p->pos++;
			skip_ws(p);
			if (!at(p, c == '{' ? '}' : ']')) {
				if (c == '{' && !parse_key(p, i))
					return false;
				continue;
			}
			/* Empty: closed below. */
		} else if (parse_scalar(p) < 0) {
			return false;
		} else if (depth == 0) {
			return true;
		} else {
			skip_ws(p);
		}
		/* After a value: a comma, or the ends of containers. */
		for (;;) {
			int top = open[depth - 1];
			bool obj = p->doc->tok[top].type == KBS_JSON_OBJECT;

			if (at(p, ',')) {
				p->pos++;
				if (obj && !parse_key(p, top))
					return false;
				break;
			}
			if (!at(p, obj ? '}' : ']'))
				return false;
			p->pos++;
			p->doc->tok[top].next = (uint16_t)p->doc->count;
			if (--depth == 0)
				return true;
			skip_ws(p);
		}
	}
}

enum svsm_err kbs_json_parse(struct kbs_json *doc, const char *text, size_t len)
{
	struct parser p = {.doc = doc};

	doc->text = text;
	doc->len = len;
	doc->count = 0;
	if (!text || len > KBS_JSON_MAX_LEN || !parse_value(&p))
		goto bad;
	skip_ws(&p);
	if (p.pos != len)
		goto bad;
	return SVSM_OK;
bad:
	doc->count = 0;
	return SVSM_E_INVAL;
}

int kbs_json_get(const struct kbs_json *doc, int obj, const char *key)
{
	size_t n = strlen(key);

	if (obj < 0 || (unsigned int)obj >= doc->count ||
	    doc->tok[obj].type != KBS_JSON_OBJECT)
		return -1;
	for (unsigned int k = (unsigned int)obj + 1; k < doc->tok[obj].next;
	     k = doc->tok[doc->tok[k].next].next) {
		const struct kbs_json_tok *t = &doc->tok[k];

		if (!t->escaped && t->len == n &&
		    !memcmp(doc->text + t->start, key, n))
			return (int)t->next;
	}
	return -1;
}

bool kbs_json_get_str(const struct kbs_json *doc, int obj, const char *key,
		      size_t max, const char **s, size_t *len)
{
	int v = kbs_json_get(doc, obj, key);
	const struct kbs_json_tok *t;

	if (v < 0)
		return false;
	t = &doc->tok[v];
	if (t->type != KBS_JSON_STRING || t->escaped || t->len > max)
		return false;
	*s = doc->text + t->start;
	*len = t->len;
	return true;
}

/* ---- the writer ---------------------------------------------------- */

void kbs_jw_mem(struct kbs_jw *w, const char *s, size_t len)
{
	if (w->overflow || len > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, len);
	w->len += len;
}

void kbs_jw_raw(struct kbs_jw *w, const char *s)
{
	kbs_jw_mem(w, s, strlen(s));
}

/*
 * RFC 8785 §3.2.2.2: '"' and '\\' and the control characters that have
 * short forms get them, other controls \u00xx in lowercase hex, and
 * everything else (including '/' and non-ASCII) as is.
 */
static char short_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

void kbs_jw_str(struct kbs_jw *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	kbs_jw_mem(w, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			kbs_jw_mem(w, esc, 2);
		} else if (short_escape(c)) {
			esc[1] = short_escape(c);
			kbs_jw_mem(w, esc, 2);
		} else if (c < 0x20) {
			kbs_jw_mem(w, esc, 6);
		} else {
			kbs_jw_mem(w, (const char *)&s[i], 1);
		}
	}
	kbs_jw_mem(w, "\"", 1);
}

void kbs_jw_u64(struct kbs_jw *w, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	kbs_jw_mem(w, tmp + sizeof(tmp) - n, n);
}

void kbs_jw_bytes(struct kbs_jw *w, const uint8_t *p, size_t len)
{
	kbs_jw_mem(w, "[", 1);
	for (size_t i = 0; i < len; i++) {
		if (i)
			kbs_jw_mem(w, ",", 1);
		kbs_jw_u64(w, p[i]);
	}
	kbs_jw_mem(w, "]", 1);
}
