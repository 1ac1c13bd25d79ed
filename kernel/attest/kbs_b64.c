/* SPDX-License-Identifier: MIT */
/*
 * Base64 for the key-broker messages (RFC 4648): the standard alphabet
 * with padding for the nonce and the evidence, the URL-safe alphabet
 * without padding for the JWK and the JWE (RFC 7515 §2, "base64url").
 * Decoding is strict, so that one string has exactly one decoding: no
 * whitespace, no missing or surplus padding, no non-zero bits after the
 * last byte (RFC 4648 §3.5). Not cryptography: an encoding.
 */
#include "kbs_int.h"

static const char std_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t kbs_b64_len(size_t n, bool url)
{
	if (url)
		return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
	return (n + 2) / 3 * 4;
}

void kbs_b64_encode(const uint8_t *in, size_t n, char *out, bool url)
{
	const char *a = url ? url_alpha : std_alpha;
	size_t o = 0;
	size_t i = 0;

	for (; n - i >= 3; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = a[(v >> 6) & 63];
		out[o++] = a[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		if (!url) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = a[(v >> 6) & 63];
		if (!url)
			out[o++] = '=';
	}
}

static int value(char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

bool kbs_b64_decode(const char *in, size_t n, bool url, uint8_t *out,
		    size_t cap, size_t *got)
{
	size_t pad = 0;
	size_t full;
	size_t rest;
	size_t o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	if (!url) {
		if (n % 4)
			return false;
		while (pad < 2 && n > pad && in[n - 1 - pad] == '=')
			pad++;
	}
	full = n - pad;
	rest = full % 4;
	if (rest == 1 || (!url && pad != (4 - rest) % 4))
		return false;
	if (full / 4 * 3 + (rest ? rest - 1 : 0) > cap)
		return false;
	for (size_t i = 0; i < full; i++) {
		int v = value(in[i], url);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* The bits left over must be zero (RFC 4648 §3.5). */
	if (acc != 0)
		return false;
	*got = o;
	return true;
}
