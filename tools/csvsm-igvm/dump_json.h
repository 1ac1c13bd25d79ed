/* SPDX-License-Identifier: MIT */
/*
 * A tiny tree emitter for `csvsm-igvm dump`: the same calls produce either
 * the readable listing or one JSON object (see dump_json.c for the rules).
 * Keys are ASCII identifiers chosen by the caller; values may be anything.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DUMP_MAX_DEPTH 8

struct dump_frame {
	bool array;
	bool inline_; /* rendered on one line */
	bool item;    /* text: a one-line array item, ends with a newline */
	unsigned int count;
};

struct dump_out {
	FILE *f;
	bool json;
	int depth;
	struct dump_frame stack[DUMP_MAX_DEPTH];
};

/*
 * Opens an object (array false) or array under key (ignored inside arrays).
 * one_line: JSON compact / text one line per item; inherited by children.
 */
void dump_begin(struct dump_out *o, const char *key, bool array, bool one_line);
void dump_end(struct dump_out *o);

void dump_u64(struct dump_out *o, const char *key, uint64_t v);
/* A JSON number, shown in hex in the text form (masks, offsets). */
void dump_hex(struct dump_out *o, const char *key, uint64_t v);
/* A 64-bit address or value: "0x..." string in JSON. */
void dump_addr(struct dump_out *o, const char *key, uint64_t v);
/* bare: the text form prints the value without its key (type names). */
void dump_str(struct dump_out *o, const char *key, const char *s, bool bare);
void dump_bool(struct dump_out *o, const char *key, bool v);
void dump_null(struct dump_out *o, const char *key);
/* Bytes as one lower-case hex string. */
void dump_bytes(struct dump_out *o, const char *key, const uint8_t *p,
		size_t n);
/* Writes s as a JSON string literal with escaping. */
void dump_json_string(FILE *f, const char *s);
