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

/*
 * One request to the broker. *status is the HTTP status (0 when the
 * broker could not be reached or answered malformed or more than
 * body_cap bytes: body then holds the reason). 0 always: every failure
 * becomes an answer for the SVSM.
 */
void aproxy_http(struct aproxy_kbs *k, const char *method, const char *path,
		 const uint8_t *body, size_t body_len, uint32_t *status,
		 uint8_t *out, size_t out_cap, size_t *out_len);
