/* SPDX-License-Identifier: MIT */
/*
 * csvsm-aproxy: the host's relay between the SVSM's key-broker client
 * and a Key Broker Service (docs/attestation-proxy.md). main.c takes the
 * SVSM's frames (include/abi/kbs_proxy.h) from a Unix socket or a serial
 * chardev; http.c makes each one an HTTP(S) request to the broker.
 * Untrusted by design: it keeps the session cookie and relays bytes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aproxy_kbs {
	bool tls;
	char host[256];
	char port[8];
	char prefix[256];   /* the URL's path, without a trailing '/' */
	const char *cacert; /* NULL: the system's trust store */
	char cookie[256];   /* "kbs-session-id=..." or "" */
	bool verbose;
};

/* Parses http[s]://host[:port][/prefix]; 0, or -1 with a message. */
int aproxy_parse_url(const char *url, struct aproxy_kbs *k, char *err,
		     size_t err_len);

struct aproxy_request {
	const char *method; /* "GET" or "POST" */
	const char *path;   /* checked by the caller: under /kbs/v0/ */
	const uint8_t *body;
	size_t body_len;
};

struct aproxy_answer {
	uint32_t status; /* the HTTP status; 0: no (usable) answer */
	uint8_t *buf;	 /* the body, or the reason when status is 0 */
	size_t cap;
	size_t len;
};

/*
 * One request to the broker. a->status is the HTTP status, or 0 when the
 * broker could not be reached or answered malformed or more than a->cap
 * bytes (a->buf then holds the reason): every failure becomes an answer
 * for the SVSM.
 */
void aproxy_http(struct aproxy_kbs *k, const struct aproxy_request *r,
		 struct aproxy_answer *a);
