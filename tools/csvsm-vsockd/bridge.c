/* SPDX-License-Identifier: MIT */
/*
 * csvsm-vsockd's bridge: vsock stream connections of the guest (virtio
 * 1.2 §5.10.6) to Unix sockets on the host, with the convention of
 * Firecracker's hybrid vsock and rust-vmm's vhost-device-vsock:
 *   - the guest connects to host port P: the bridge connects to
 *     "<uds_path>_<P>";
 *   - a host program connects to <uds_path> and writes "CONNECT <P>\n":
 *     the bridge asks the guest for port P and answers "OK <port>\n".
 *
 * TRUST: the guest is not trusted. Every header is checked (length
 * against the bytes in the chain, source CID, destination CID, type, op);
 * packets for no connection are answered with RST; the guest may not send
 * beyond the credit announced (BUF_ALLOC, else RST); the bridge sends only
 * within the credit the guest announces, computed without underflow; the
 * number of connections is bounded.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vsockd.h"

#define MAX_CONNS      64u
#define BUF_ALLOC      (256u * 1024u) /* our receive buffer, per connection */
#define MAX_PKT	       (64u * 1024u + 44u)
#define HOST_CID       2u
#define TYPE_STREAM    1u
#define CTRL_QUEUE     256u
#define FIRST_HOSTPORT 1024u

enum {
	OP_REQUEST = 1,
	OP_RESPONSE,
	OP_RST,
	OP_SHUTDOWN,
	OP_RW,
	OP_CREDIT_UPDATE,
	OP_CREDIT_REQUEST
};

/* virtio 1.2 §5.10.6, little-endian, packed: 44 bytes. */
struct hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
} __attribute__((packed));
_Static_assert(sizeof(struct hdr) == 44, "virtio 1.2 §5.10.6");

enum cstate {
	C_FREE,
	C_HOST_CONNECTING,
	C_OPEN
};

struct conn {
	enum cstate st;
	int fd;
	uint32_t gport, hport; /* the guest's port, the host side's port */
	/* Credit of the guest's receive side. */
	uint32_t peer_buf_alloc, peer_fwd_cnt, tx_cnt;
	/* Guest to host: bytes not yet written to fd. */
	uint8_t *pend;
	uint32_t pend_head, pend_len;
	uint32_t fwd_cnt, fwd_told;
	bool host_eof, sent_eof;
	char line[32]; /* "CONNECT <port>\n" being read */
	unsigned int line_len;
};

struct bridge {
	struct vhu *v;
	const char *uds;
	int listen_fd;
	bool verbose;
	struct conn c[MAX_CONNS];
	struct hdr ctrl[CTRL_QUEUE]; /* control packets waiting for rx */
	unsigned int ctrl_head, ctrl_count;
	uint32_t next_hport;
	uint8_t pkt[MAX_PKT];
};

struct bridge *bridge_new(struct vhu *v, const char *uds_path, int listen_fd,
			  bool verbose)
{
	struct bridge *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->v = v;
	b->uds = uds_path;
	b->listen_fd = listen_fd;
	b->verbose = verbose;
	b->next_hport = FIRST_HOSTPORT;
	return b;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->pend);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void bridge_free(struct bridge *b)
{
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (b->c[i].st != C_FREE)
			conn_close(&b->c[i]);
	free(b);
}

static void ctrl(struct bridge *b, uint32_t src_port, uint32_t dst_port,
		 uint16_t op, uint32_t flags, const struct conn *c)
{
	struct hdr h = {HOST_CID,    b->v->cid, src_port, dst_port, 0,
			TYPE_STREAM, op,	flags,	  0,	    0};

	if (c) {
		h.buf_alloc = BUF_ALLOC;
		h.fwd_cnt = c->fwd_cnt;
	}
	if (b->ctrl_count == CTRL_QUEUE) {
		fprintf(stderr, "csvsm-vsockd: control queue full; dropped\n");
		return;
	}
	b->ctrl[(b->ctrl_head + b->ctrl_count++) % CTRL_QUEUE] = h;
}

static struct conn *find(struct bridge *b, uint32_t hport, uint32_t gport)
{
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (b->c[i].st != C_FREE && b->c[i].hport == hport &&
		    b->c[i].gport == gport)
			return &b->c[i];
	return NULL;
}

static struct conn *alloc_conn(struct bridge *b)
{
	for (unsigned int i = 0; i < MAX_CONNS; i++) {
		if (b->c[i].st == C_FREE) {
			memset(&b->c[i], 0, sizeof(b->c[i]));
			b->c[i].fd = -1;
			b->c[i].pend = malloc((size_t)BUF_ALLOC);
			return b->c[i].pend ? &b->c[i] : NULL;
		}
	}
	return NULL;
}

static void reset(struct bridge *b, struct conn *c)
{
	ctrl(b, c->hport, c->gport, OP_RST, 0, NULL);
	conn_close(c);
}

/* The guest asks for host port h->dst_port. */
static void guest_request(struct bridge *b, const struct hdr *h)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct conn *c;
	int fd;

	if (find(b, h->dst_port, h->src_port) ||
	    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", b->uds,
		     h->dst_port) >= (int)sizeof(sa.sun_path) ||
	    !(c = alloc_conn(b))) {
		ctrl(b, h->dst_port, h->src_port, OP_RST, 0, NULL);
		return;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (b->verbose)
			fprintf(stderr, "csvsm-vsockd: %s: %s\n", sa.sun_path,
				strerror(errno));
		if (fd >= 0)
			close(fd);
		free(c->pend);
		c->pend = NULL;
		ctrl(b, h->dst_port, h->src_port, OP_RST, 0, NULL);
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	c->st = C_OPEN;
	c->fd = fd;
	c->hport = h->dst_port;
	c->gport = h->src_port;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	ctrl(b, c->hport, c->gport, OP_RESPONSE, 0, c);
}

static void flush_pending(struct bridge *b, struct conn *c)
{
	while (c->pend_len) {
		uint32_t run = BUF_ALLOC - c->pend_head;
		ssize_t n;

		if (run > c->pend_len)
			run = c->pend_len;
		n = send(c->fd, c->pend + c->pend_head, run,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			reset(b, c);
			return;
		}
		c->pend_head = (c->pend_head + (uint32_t)n) % BUF_ALLOC;
		c->pend_len -= (uint32_t)n;
		c->fwd_cnt += (uint32_t)n;
	}
	if (c->fwd_cnt - c->fwd_told >= BUF_ALLOC / 4 ||
	    (!c->pend_len && c->fwd_cnt != c->fwd_told)) {
		c->fwd_told = c->fwd_cnt;
		ctrl(b, c->hport, c->gport, OP_CREDIT_UPDATE, 0, c);
	}
}

static void guest_packet(struct bridge *b, const uint8_t *p, uint32_t n)
{
	/* TRUST: p and n are the guest's; see the file comment. */
	struct hdr h;
	struct conn *c;

	if (n < sizeof(h))
		return;
	memcpy(&h, p, sizeof(h));
	if (h.len > n - sizeof(h) || h.src_cid != b->v->cid ||
	    h.dst_cid != HOST_CID || h.op < OP_REQUEST ||
	    h.op > OP_CREDIT_REQUEST) {
		if (b->verbose)
			fprintf(stderr, "csvsm-vsockd: bad packet dropped\n");
		return;
	}
	if (h.type != TYPE_STREAM) {
		if (h.op != OP_RST)
			ctrl(b, h.dst_port, h.src_port, OP_RST, 0, NULL);
		return;
	}
	c = find(b, h.dst_port, h.src_port);
	if (h.op == OP_REQUEST && !c) {
		guest_request(b, &h);
		return;
	}
	if (!c) {
		if (h.op != OP_RST)
			ctrl(b, h.dst_port, h.src_port, OP_RST, 0, NULL);
		return;
	}
	/* Credit from every header; fwd_cnt only forward, within tx_cnt. */
	c->peer_buf_alloc = h.buf_alloc;
	if ((uint32_t)(c->tx_cnt - h.fwd_cnt) <=
	    (uint32_t)(c->tx_cnt - c->peer_fwd_cnt))
		c->peer_fwd_cnt = h.fwd_cnt;
	if (c->st == C_HOST_CONNECTING) {
		if (h.op == OP_RESPONSE) {
			char ok[32];
			int len = snprintf(ok, sizeof(ok), "OK %u\n", c->hport);

			c->st = C_OPEN;
			if (send(c->fd, ok, (size_t)len, MSG_NOSIGNAL) != len)
				reset(b, c);
		} else {
			if (h.op != OP_RST)
				ctrl(b, c->hport, c->gport, OP_RST, 0, NULL);
			conn_close(c);
		}
		return;
	}
	switch (h.op) {
	case OP_RW:
		if (h.len > BUF_ALLOC - c->pend_len) {
			fprintf(stderr,
				"csvsm-vsockd: guest port %u beyond "
				"its credit; reset\n",
				c->gport);
			reset(b, c);
			return;
		}
		for (uint32_t k = 0; k < h.len; k++)
			c->pend[(c->pend_head + c->pend_len + k) % BUF_ALLOC] =
				p[sizeof(h) + k];
		c->pend_len += h.len;
		flush_pending(b, c);
		break;
	case OP_CREDIT_REQUEST:
		c->fwd_told = c->fwd_cnt;
		ctrl(b, c->hport, c->gport, OP_CREDIT_UPDATE, 0, c);
		break;
	case OP_SHUTDOWN:
		if ((h.flags & 3u) == 3u) {
			reset(b, c);
			break;
		}
		if (h.flags & 2u)
			shutdown(c->fd, SHUT_WR);
		break;
	case OP_RST:
		conn_close(c);
		break;
	case OP_CREDIT_UPDATE:
		break;
	default: /* REQUEST or RESPONSE on an open connection */
		reset(b, c);
		break;
	}
}

static void run_tx(struct bridge *b)
{
	struct vhu_chain ch;

	while (vhu_pop(b->v, 1, &ch) == 1) {
		uint32_t n = 0;
		bool ok = true;

		for (unsigned int i = 0; i < ch.n && ok; i++) {
			if (ch.seg[i].writable ||
			    ch.seg[i].len > sizeof(b->pkt) - n) {
				ok = false;
				break;
			}
			memcpy(b->pkt + n, ch.seg[i].p, ch.seg[i].len);
			n += ch.seg[i].len;
		}
		vhu_push(b->v, 1, ch.head, 0);
		if (ok)
			guest_packet(b, b->pkt, n);
	}
}

/* Writes hdr + payload into an rx chain; false when there is none. */
static bool to_guest(struct bridge *b, const struct hdr *h,
		     const uint8_t *payload)
{
	struct vhu_chain ch;
	uint32_t need = (uint32_t)sizeof(*h) + h->len, done = 0;
	uint8_t hb[sizeof(*h)];

	if (vhu_pop(b->v, 0, &ch) != 1)
		return false;
	memcpy(hb, h, sizeof(hb));
	for (unsigned int i = 0; i < ch.n && done < need; i++) {
		uint32_t k = ch.seg[i].len < need - done ? ch.seg[i].len
							 : need - done;

		if (!ch.seg[i].writable)
			break;
		for (uint32_t j = 0; j < k; j++, done++)
			ch.seg[i].p[j] = done < sizeof(hb)
						 ? hb[done]
						 : payload[done - sizeof(hb)];
	}
	vhu_push(b->v, 0, ch.head, done);
	return true;
}

/* The room a chain offers, without taking it: the guest posts 4 KiB. */
#define RX_PAYLOAD (4096u - 44u)

static void run_rx(struct bridge *b)
{
	static uint8_t data[RX_PAYLOAD];

	while (b->ctrl_count && vhu_ready(b->v, 0)) {
		if (!to_guest(b, &b->ctrl[b->ctrl_head % CTRL_QUEUE], NULL))
			return;
		b->ctrl_head++;
		b->ctrl_count--;
	}
	for (unsigned int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &b->c[i];

		while (c->st == C_OPEN && !c->host_eof && vhu_ready(b->v, 0)) {
			int64_t credit = (int64_t)c->peer_buf_alloc -
					 (int64_t)(uint32_t)(c->tx_cnt -
							     c->peer_fwd_cnt);
			uint32_t want = RX_PAYLOAD;
			struct vhu_vring *r = &b->v->vq[0];
			uint16_t avail;
			ssize_t n;
			struct hdr h;

			if (credit <= 0)
				break;
			avail = __atomic_load_n((uint16_t *)(r->avail + 2),
						__ATOMIC_ACQUIRE);
			if (avail == r->last_avail)
				return;
			if (want > credit)
				want = (uint32_t)credit;
			n = recv(c->fd, data, want, MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			h = (struct hdr){HOST_CID,  b->v->cid, c->hport,
					 c->gport,  0,	       TYPE_STREAM,
					 OP_RW,	    0,	       BUF_ALLOC,
					 c->fwd_cnt};
			if (n <= 0) {
				/* EOF: the host sends no more. */
				c->host_eof = true;
				h.op = n == 0 ? OP_SHUTDOWN : OP_RST;
				h.flags = n == 0 ? 2u : 0u;
				if (!to_guest(b, &h, NULL))
					return;
				if (n < 0)
					conn_close(c);
				break;
			}
			h.len = (uint32_t)n;
			if (!to_guest(b, &h, data))
				return; /* cannot happen: avail checked */
			c->fwd_told = c->fwd_cnt;
			c->tx_cnt += (uint32_t)n;
		}
	}
}

static void host_accept(struct bridge *b)
{
	int fd =
		accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct conn *c;

	if (fd < 0)
		return;
	c = alloc_conn(b);
	if (!c) {
		close(fd);
		return;
	}
	c->st = C_HOST_CONNECTING;
	c->fd = fd;
	c->gport = 0; /* not known before the CONNECT line */
	c->hport = 0;
	c->line_len = 0;
}

/* Reads the "CONNECT <port>\n" line, then asks the guest. */
static void host_line(struct bridge *b, struct conn *c)
{
	ssize_t n = recv(c->fd, c->line + c->line_len,
			 sizeof(c->line) - 1 - c->line_len, MSG_DONTWAIT);
	char *end;
	unsigned long port;

	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		conn_close(c);
		return;
	}
	c->line_len += (unsigned int)n;
	c->line[c->line_len] = 0;
	end = strchr(c->line, '\n');
	if (!end) {
		if (c->line_len == sizeof(c->line) - 1)
			conn_close(c);
		return;
	}
	*end = 0;
	if (strncmp(c->line, "CONNECT ", 8) != 0) {
		conn_close(c);
		return;
	}
	errno = 0;
	port = strtoul(c->line + 8, &end, 10);
	if (errno || *end || port > UINT32_MAX) {
		conn_close(c);
		return;
	}
	c->gport = (uint32_t)port;
	do
		c->hport = b->next_hport++;
	while (find(b, c->hport, c->gport) != c && find(b, c->hport, c->gport));
	c->line_len = sizeof(c->line); /* the line is done */
	ctrl(b, c->hport, c->gport, OP_REQUEST, 0, c);
}

unsigned int bridge_pollfds(struct bridge *b, struct pollfd *fds,
			    unsigned int max)
{
	unsigned int n = 0;

	if (n < max)
		fds[n++] = (struct pollfd){b->listen_fd, POLLIN, 0};
	for (unsigned int i = 0; i < MAX_CONNS && n < max; i++) {
		struct conn *c = &b->c[i];
		short ev = 0;

		if (c->st == C_FREE)
			continue;
		if (c->st == C_HOST_CONNECTING && c->line_len < sizeof(c->line))
			ev |= POLLIN;
		if (c->st == C_OPEN && !c->host_eof)
			ev |= POLLIN;
		if (c->pend_len)
			ev |= POLLOUT;
		fds[n++] = (struct pollfd){c->fd, ev, 0};
	}
	return n;
}

void bridge_run(struct bridge *b, const struct pollfd *fds, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		if (!fds[k].revents)
			continue;
		if (fds[k].fd == b->listen_fd) {
			host_accept(b);
			continue;
		}
		for (unsigned int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &b->c[i];

			if (c->st == C_FREE || c->fd != fds[k].fd)
				continue;
			if (c->st == C_HOST_CONNECTING &&
			    c->line_len < sizeof(c->line))
				host_line(b, c);
			else if (c->pend_len)
				flush_pending(b, c);
		}
	}
	run_tx(b);
	run_rx(b);
}
