/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 (RFC 9112) requests to the key broker, over TCP or TLS
 * (OpenSSL, peer and host name verified against --cacert or the system's
 * store). One connection per request ("Connection: close"), the body
 * read by Content-Length, chunked transfer coding or to the end of the
 * connection, never beyond the SVSM's limit. The broker's session cookie
 * (Set-Cookie: kbs-session-id=..., Trustee's kbs/docs/
 * kbs_attestation_protocol.md "Authentication") is kept and sent back.
 */
#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aproxy.h"

#define HEAD_MAX 16384u

struct conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	/* Bytes read past what the caller asked for. */
	uint8_t buf[4096];
	size_t have;
	size_t off;
};

int aproxy_parse_url(const char *url, struct aproxy_kbs *k, char *err,
		     size_t err_len)
{
	const char *p;
	const char *host_end;
	const char *colon;
	size_t n;

	memset(k->host, 0, sizeof(k->host));
	if (!strncmp(url, "http://", 7)) {
		k->tls = false;
		p = url + 7;
		snprintf(k->port, sizeof(k->port), "80");
	} else if (!strncmp(url, "https://", 8)) {
		k->tls = true;
		p = url + 8;
		snprintf(k->port, sizeof(k->port), "443");
	} else {
		snprintf(err, err_len, "--kbs %s: not http:// or https://",
			 url);
		return -1;
	}
	host_end = p + strcspn(p, "/");
	colon = memchr(p, ':', (size_t)(host_end - p));
	n = (size_t)((colon ? colon : host_end) - p);
	if (n == 0 || n >= sizeof(k->host)) {
		snprintf(err, err_len, "--kbs %s: bad host", url);
		return -1;
	}
	memcpy(k->host, p, n);
	if (colon) {
		size_t pn = (size_t)(host_end - colon - 1);

		if (pn == 0 || pn >= sizeof(k->port) ||
		    strspn(colon + 1, "0123456789") < pn) {
			snprintf(err, err_len, "--kbs %s: bad port", url);
			return -1;
		}
		memcpy(k->port, colon + 1, pn);
		k->port[pn] = 0;
	}
	n = strlen(host_end);
	while (n && host_end[n - 1] == '/')
		n--;
	if (n >= sizeof(k->prefix)) {
		snprintf(err, err_len, "--kbs %s: path too long", url);
		return -1;
	}
	memcpy(k->prefix, host_end, n);
	k->prefix[n] = 0;
	return 0;
}

static void fail(struct aproxy_answer *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)a->buf, a->cap, fmt, ap);
	va_end(ap);
	a->len = n < 0 ? 0 : (size_t)n < a->cap ? (size_t)n : a->cap - 1;
}

static void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->ssl = NULL;
	c->ctx = NULL;
}

static int tcp_connect(const struct aproxy_kbs *k)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *res;
	struct addrinfo *a;
	int fd = -1;

	if (getaddrinfo(k->host, k->port, &hints, &res) != 0)
		return -1;
	for (a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
			    a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int tls_start(struct conn *c, const struct aproxy_kbs *k)
{
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if ((k->cacert ? SSL_CTX_load_verify_locations(c->ctx, k->cacert, NULL)
		       : SSL_CTX_set_default_verify_paths(c->ctx)) != 1)
		return -1;
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, k->host) != 1 ||
	    SSL_set1_host(c->ssl, k->host) != 1)
		return -1;
	return SSL_connect(c->ssl) == 1 ? 0 : -1;
}

static int conn_write(struct conn *c, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = c->ssl ? SSL_write(c->ssl, b, (int)n)
				   : send(c->fd, b, n, MSG_NOSIGNAL);

		if (w <= 0) {
			if (!c->ssl && w < 0 && errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Fills the buffer when empty: >0 bytes available, 0 end, -1 error. */
static ssize_t fill(struct conn *c)
{
	ssize_t r;

	if (c->off < c->have)
		return (ssize_t)(c->have - c->off);
	do {
		r = c->ssl ? SSL_read(c->ssl, c->buf, sizeof(c->buf))
			   : recv(c->fd, c->buf, sizeof(c->buf), 0);
	} while (!c->ssl && r < 0 && errno == EINTR);
	if (c->ssl && r <= 0) {
		int e = SSL_get_error(c->ssl, (int)r);

		r = e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
	}
	c->off = 0;
	c->have = r > 0 ? (size_t)r : 0;
	return r;
}

/* One line without its CRLF into line[0..cap); -1 at end or error. */
static int read_line(struct conn *c, char *line, size_t cap)
{
	size_t n = 0;

	for (;;) {
		char ch;

		if (fill(c) <= 0)
			return -1;
		ch = (char)c->buf[c->off++];
		if (ch == '\n')
			break;
		if (n + 1 >= cap)
			return -1;
		line[n++] = ch;
	}
	if (n && line[n - 1] == '\r')
		n--;
	line[n] = 0;
	return (int)n;
}

/* Exactly n bytes into out (or n bytes dropped when out is NULL). */
static int read_exact(struct conn *c, uint8_t *out, size_t n)
{
	while (n) {
		ssize_t a = fill(c);
		size_t take;

		if (a <= 0)
			return -1;
		take = (size_t)a < n ? (size_t)a : n;
		if (out) {
			memcpy(out, c->buf + c->off, take);
			out += take;
		}
		c->off += take;
		n -= take;
	}
	return 0;
}

static void keep_cookie(struct aproxy_kbs *k, const char *v)
{
	size_t n;

	while (*v == ' ')
		v++;
	if (strncmp(v, "kbs-session-id=", 15) != 0)
		return;
	n = strcspn(v, ";");
	if (n < sizeof(k->cookie) && strspn(v, "abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789-_=.+/") >= n) {
		memcpy(k->cookie, v, n);
		k->cookie[n] = 0;
	}
}

/* The body after the head: by length, chunked, or to the end. */
static int read_body(struct conn *c, long long length, bool chunked,
		     uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	if (chunked) {
		char line[64];

		for (;;) {
			unsigned long long sz;
			char *end;

			if (read_line(c, line, sizeof(line)) < 0)
				return -1;
			sz = strtoull(line, &end, 16);
			if (end == line || sz > cap - *len)
				return -1;
			if (sz == 0)
				return 0; /* trailers are left unread */
			if (read_exact(c, out + *len, sz) < 0 ||
			    read_line(c, line, sizeof(line)) != 0)
				return -1;
			*len += sz;
		}
	}
	if (length >= 0) {
		if ((unsigned long long)length > cap)
			return -1;
		*len = (size_t)length;
		return read_exact(c, out, *len);
	}
	for (;;) {
		ssize_t a = fill(c);

		if (a < 0)
			return -1;
		if (a == 0)
			return 0;
		if ((size_t)a > cap - *len)
			return -1;
		memcpy(out + *len, c->buf + c->off, (size_t)a);
		c->off += (size_t)a;
		*len += (size_t)a;
	}
}

/* "HTTP/1.x NNN ...": the status, or 0. */
static unsigned int status_code(const char *line)
{
	unsigned int code = 0;

	if (strncmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' ||
	    line[7] > '9' || line[8] != ' ')
		return 0;
	for (unsigned int i = 9; i < 12; i++) {
		if (line[i] < '0' || line[i] > '9')
			return 0;
		code = code * 10 + (unsigned int)(line[i] - '0');
	}
	if (line[12] != ' ' && line[12] != '\0')
		return 0;
	return code >= 100 && code <= 599 ? code : 0;
}

static int read_answer(struct conn *c, struct aproxy_kbs *k,
		       struct aproxy_answer *a)
{
	static char line[HEAD_MAX];
	long long length = -1;
	bool chunked = false;
	unsigned int code;

	if (read_line(c, line, sizeof(line)) < 0)
		return -1;
	code = status_code(line);
	if (code == 0)
		return -1;
	for (;;) {
		int n = read_line(c, line, sizeof(line));

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (!strncasecmp(line, "Content-Length:", 15)) {
			char *end;

			length = strtoll(line + 15, &end, 10);
			if (length < 0 || end == line + 15)
				return -1;
		} else if (!strncasecmp(line, "Transfer-Encoding:", 18)) {
			chunked = strstr(line + 18, "chunked") != NULL;
		} else if (!strncasecmp(line, "Set-Cookie:", 11)) {
			keep_cookie(k, line + 11);
		}
	}
	a->status = code;
	return read_body(c, length, chunked, a->buf, a->cap, &a->len);
}

void aproxy_http(struct aproxy_kbs *k, const struct aproxy_request *r,
		 struct aproxy_answer *a)
{
	struct conn c = {.fd = -1};
	char head[2048];
	int n;

	a->status = 0;
	a->len = 0;
	c.fd = tcp_connect(k);
	if (c.fd < 0) {
		fail(a, "cannot connect to %s:%s", k->host, k->port);
		return;
	}
	if (k->tls && tls_start(&c, k) < 0) {
		unsigned long e = ERR_get_error();

		fail(a, "TLS with %s failed: %s", k->host,
		     e ? ERR_reason_error_string(e) : "handshake");
		conn_close(&c);
		return;
	}
	n = snprintf(head, sizeof(head),
		     "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\n"
		     "Accept: application/json\r\nConnection: close\r\n"
		     "%s%s%s"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\n\r\n",
		     r->method, k->prefix, r->path, k->host, k->port,
		     k->cookie[0] ? "Cookie: " : "", k->cookie,
		     k->cookie[0] ? "\r\n" : "", r->body_len);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    conn_write(&c, head, (size_t)n) < 0 ||
	    (r->body_len && conn_write(&c, r->body, r->body_len) < 0)) {
		fail(a, "cannot send to %s", k->host);
		conn_close(&c);
		return;
	}
	if (read_answer(&c, k, a) < 0) {
		a->status = 0;
		fail(a, "malformed or oversized answer from %s", k->host);
	}
	if (k->verbose)
		fprintf(stderr, "csvsm-aproxy: %s %s -> %u (%zu bytes)\n",
			r->method, r->path, a->status, a->len);
	conn_close(&c);
}
