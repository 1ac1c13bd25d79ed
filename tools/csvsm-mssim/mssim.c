/* SPDX-License-Identifier: MIT */
/*
 * The mssim server: one client at a time on the command port and one on
 * the platform port (tpm2-tss's mssim TCTI opens both for each TCTI
 * instance and closes both with TPM_SESSION_END). Messages, from
 * TpmTcpProtocol.h and tcti-mssim.c:
 *
 *   command port  TPM_SEND_COMMAND: u32 8, u8 locality, u32 size, command
 *                 -> u32 size, response, u32 0
 *   either port   a platform signal: u32 number -> u32 0
 *                 TPM_SESSION_END (20): the connection ends, no answer
 *                 TPM_STOP (21): the connection and the server end
 *
 * A client that sends anything else (an unknown number, a command over
 * MSSIM_MAX_TPM_SIZE, a short message) is told on stderr and
 * disconnected; the server goes on.
 */
#define _GNU_SOURCE /* accept4 */
#include "mssim.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A client that stops mid-message is dropped after this long. */
#define CLIENT_TIMEOUT_S 30

enum client_rc {
	CLIENT_GO_ON,
	CLIENT_CLOSE,
	SERVER_STOP
};

volatile sig_atomic_t mssim_stop_requested;

void mssim_failure_response(uint8_t out[TPM_HEADER_SIZE])
{
	out[0] = 0x80; /* TPM_ST_NO_SESSIONS */
	out[1] = 0x01;
	be32_put(out + 2, TPM_HEADER_SIZE);
	be32_put(out + 6, TPM_RC_FAILURE);
}

bool mssim_response_ok(const uint8_t *rsp, size_t len)
{
	return len >= TPM_HEADER_SIZE && len <= MSSIM_MAX_TPM_SIZE &&
	       be32_get(rsp + 2) == len;
}

/*
 * Reads exactly len bytes; 0, or -1 at end of file, error or timeout.
 * tcti-mssim writes a command in two sends (the 9-byte header, then the
 * command), so its second send waits for the ACK of the first (Nagle):
 * TCP_QUICKACK, which the kernel clears again, acknowledges at once
 * instead of after the delayed-ACK timer (40 ms on Linux).
 */
static int read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;
	int one = 1;

	while (done < len) {
		ssize_t n;

		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		n = read(fd, (uint8_t *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, (const uint8_t *)buf + done, len - done,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int send_u32(int fd, uint32_t v)
{
	uint8_t b[4];

	be32_put(b, v);
	return write_all(fd, b, sizeof(b));
}

/* TPM_SEND_COMMAND after its number: locality, size, command. */
static enum client_rc send_command(struct backend *b, int fd, bool verbose)
{
	/* The answer goes out in one send: size, response, 0 (three small
	 * sends would wait on Nagle and the client's delayed ACK). */
	static uint8_t cmd[MSSIM_MAX_TPM_SIZE], out[MSSIM_MAX_TPM_SIZE + 8];
	uint8_t *rsp = out + 4;
	uint8_t head[5];
	size_t rsp_len = 0;
	uint32_t size;

	if (read_all(fd, head, sizeof(head)))
		return CLIENT_CLOSE;
	size = be32_get(head + 1);
	if (size < TPM_HEADER_SIZE || size > MSSIM_MAX_TPM_SIZE) {
		fprintf(stderr,
			"csvsm-mssim: command of %u bytes refused (%u..%u)\n",
			size, TPM_HEADER_SIZE, MSSIM_MAX_TPM_SIZE);
		return CLIENT_CLOSE;
	}
	if (read_all(fd, cmd, size))
		return CLIENT_CLOSE;
	/* The locality goes nowhere: the vTPM serves locality 0 only, like
	 * the SVSM vTPM protocol; a client asking for another is told. */
	if (head[0] != 0)
		fprintf(stderr, "csvsm-mssim: locality %u served as 0\n",
			head[0]);
	if (!b->on ||
	    b->transact(b, cmd, size, rsp, MSSIM_MAX_TPM_SIZE, &rsp_len)) {
		mssim_failure_response(rsp);
		rsp_len = TPM_HEADER_SIZE;
	} else if (!mssim_response_ok(rsp, rsp_len)) {
		fprintf(stderr,
			"csvsm-mssim: %s answered %zu bytes that are not a TPM "
			"response\n",
			b->name, rsp_len);
		mssim_failure_response(rsp);
		rsp_len = TPM_HEADER_SIZE;
	}
	if (verbose)
		fprintf(stderr, "csvsm-mssim: command 0x%x: %u -> %zu bytes\n",
			be32_get(cmd + 6), size, rsp_len);
	be32_put(out, (uint32_t)rsp_len);
	be32_put(rsp + rsp_len, 0);
	if (write_all(fd, out, rsp_len + 8))
		return CLIENT_CLOSE;
	return CLIENT_GO_ON;
}

/* A platform signal: acted on, then acknowledged with 0. */
static enum client_rc platform(struct backend *b, int fd, uint32_t what)
{
	switch (what) {
	case MSSIM_POWER_ON:
		if (!b->on && b->power_on(b))
			fprintf(stderr, "csvsm-mssim: %s did not power on\n",
				b->name);
		break;
	case MSSIM_POWER_OFF:
		if (b->on)
			b->power_off(b);
		break;
	case MSSIM_RESET:
		/* _TPM_Init: power off, then on (TpmTcpProtocol.h). */
		if (b->on)
			b->power_off(b);
		if (b->power_on(b))
			fprintf(stderr, "csvsm-mssim: %s did not power on\n",
				b->name);
		break;
	case MSSIM_PHYS_PRES_ON:
	case MSSIM_PHYS_PRES_OFF:
	case MSSIM_CANCEL_ON:
	case MSSIM_CANCEL_OFF:
	case MSSIM_NV_ON:
	case MSSIM_NV_OFF:
	case MSSIM_KEY_CACHE_ON:
	case MSSIM_KEY_CACHE_OFF:
		/* The TPM's NV is always available and a command cannot be
		 * cancelled: these are acknowledged without effect. */
		break;
	default:
		fprintf(stderr,
			"csvsm-mssim: platform signal %u is not supported\n",
			what);
		return CLIENT_CLOSE;
	}
	return send_u32(fd, 0) ? CLIENT_CLOSE : CLIENT_GO_ON;
}

static enum client_rc serve_one(struct backend *b, int fd, bool command_port,
				bool verbose)
{
	uint8_t num[4];
	uint32_t what;

	if (read_all(fd, num, sizeof(num)))
		return CLIENT_CLOSE;
	what = be32_get(num);
	if (what == MSSIM_SESSION_END)
		return CLIENT_CLOSE;
	if (what == MSSIM_STOP)
		return SERVER_STOP;
	if (what == MSSIM_SEND_COMMAND) {
		if (command_port)
			return send_command(b, fd, verbose);
		fprintf(stderr, "csvsm-mssim: TPM_SEND_COMMAND on the "
				"platform port\n");
		return CLIENT_CLOSE;
	}
	if (what >= MSSIM_HASH_START && what <= MSSIM_HASH_END) {
		fprintf(stderr,
			"csvsm-mssim: the locality-4 hash signals "
			"(%u) are not supported\n",
			what);
		return CLIENT_CLOSE;
	}
	return platform(b, fd, what);
}

static int accept_client(int listen_fd)
{
	struct timeval tv = {.tv_sec = CLIENT_TIMEOUT_S};
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	int one = 1;

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

int mssim_serve(struct backend *b, int cmd_listen, int plat_listen,
		bool verbose)
{
	int listen_fd[2] = {cmd_listen, plat_listen};
	int client[2] = {-1, -1};

	for (;;) {
		struct pollfd pfd[2];

		/* A port with a client polls the client, else the listener:
		 * the next client waits in the backlog. */
		for (int i = 0; i < 2; i++) {
			pfd[i].fd = client[i] >= 0 ? client[i] : listen_fd[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (mssim_stop_requested)
			break;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("csvsm-mssim: poll");
			return 1;
		}
		for (int i = 0; i < 2; i++) {
			enum client_rc rc;

			if (!pfd[i].revents)
				continue;
			if (client[i] < 0) {
				client[i] = accept_client(listen_fd[i]);
				continue;
			}
			rc = serve_one(b, client[i], i == 0, verbose);
			if (rc == CLIENT_GO_ON)
				continue;
			close(client[i]);
			client[i] = -1;
			if (rc == SERVER_STOP) {
				mssim_stop_requested = 1;
				break;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (client[i] >= 0)
			close(client[i]);
	return 0;
}
