/* SPDX-License-Identifier: MIT */
/*
 * The stream backend: the vTPM inside a booted SVSM, reached through its
 * host bridge (kernel/vtpm/host_bridge.c) on the SVSM's second UART, whose
 * QEMU character device connects to the Unix socket this backend listens
 * on (so it listens before QEMU starts). Frames: include/abi/vtpm_bridge.h.
 * The host cannot reset the SVSM's vTPM: power off only stops commands
 * until the next power on; power on accepts QEMU's connection when there
 * is none (at start, or after the stream broke).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi/vtpm_bridge.h"

#include "mssim.h"

struct stream {
	const char *path;
	int timeout_ms;
	int listen_fd;
	int fd;
};

static int stream_listen(struct stream *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(s->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "csvsm-mssim: %s: path too long\n", s->path);
		return -1;
	}
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -1;
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s->listen_fd, 1)) {
		fprintf(stderr, "csvsm-mssim: %s: %s\n", s->path,
			strerror(errno));
		close(s->listen_fd);
		return -1;
	}
	return 0;
}

/* QEMU's connection, within the time limit of a command. */
static int stream_accept(struct stream *s)
{
	struct pollfd pfd = {.fd = s->listen_fd, .events = POLLIN};
	int pr;

	do
		pr = poll(&pfd, 1, s->timeout_ms);
	while (pr < 0 && errno == EINTR);
	if (pr <= 0) {
		fprintf(stderr, "csvsm-mssim: nothing connected to %s\n",
			s->path);
		return -1;
	}
	s->fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	return s->fd < 0 ? -1 : 0;
}

static int stream_on(struct backend *b)
{
	struct stream *s = b->ctx;

	if (s->fd < 0 && stream_accept(s))
		return -1;
	b->on = true;
	return 0;
}

static void stream_off(struct backend *b)
{
	b->on = false;
}

/* A broken stream: closed, reconnected at the next power on. */
static int stream_fail(struct backend *b, const char *why)
{
	struct stream *s = b->ctx;

	fprintf(stderr, "csvsm-mssim: the SVSM's bridge: %s\n", why);
	close(s->fd);
	s->fd = -1;
	b->on = false;
	return -1;
}

/* Reads len bytes, each wait bounded by the command's time limit. */
static int read_timed(struct stream *s, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		ssize_t n;
		int pr = poll(&pfd, 1, s->timeout_ms);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		n = read(s->fd, (uint8_t *)buf + done, len - done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int stream_transact(struct backend *b, const uint8_t *cmd, size_t len,
			   uint8_t *rsp, size_t cap, size_t *rsp_len)
{
	struct stream *s = b->ctx;
	struct vtpm_bridge_hdr h = {
		.magic = htole32(VTPM_BRIDGE_MAGIC_CMD),
		.len = htole32((uint32_t)len),
	};
	uint32_t rlen, status;

	if (send(s->fd, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h) ||
	    send(s->fd, cmd, len, MSG_NOSIGNAL) != (ssize_t)len)
		return stream_fail(b, "the command was not sent");
	if (read_timed(s, &h, sizeof(h)))
		return stream_fail(b, "no response frame in time");
	rlen = le32toh(h.len);
	status = le32toh(h.status);
	if (le32toh(h.magic) != VTPM_BRIDGE_MAGIC_RSP || rlen > cap ||
	    rlen > VTPM_BRIDGE_MAX_LEN)
		return stream_fail(b, "a malformed response frame");
	if (read_timed(s, rsp, rlen))
		return stream_fail(b, "a short response");
	if (status != VTPM_BRIDGE_OK) {
		fprintf(stderr, "csvsm-mssim: the SVSM %s the command\n",
			status == VTPM_BRIDGE_REFUSED ? "refused"
						      : "vTPM failed on");
		return -1;
	}
	*rsp_len = rlen;
	return 0;
}

struct backend *backend_stream_new(const char *unix_path, int timeout_ms)
{
	struct backend *b = calloc(1, sizeof(*b));
	struct stream *s = calloc(1, sizeof(*s));

	if (!b || !s) {
		free(b);
		free(s);
		return NULL;
	}
	s->path = unix_path;
	s->timeout_ms = timeout_ms;
	s->fd = -1;
	if (stream_listen(s)) {
		free(b);
		free(s);
		return NULL;
	}
	b->name = "the SVSM's vTPM";
	b->power_on = stream_on;
	b->power_off = stream_off;
	b->transact = stream_transact;
	b->ctx = s;
	return b;
}
