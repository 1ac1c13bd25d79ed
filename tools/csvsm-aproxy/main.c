/* SPDX-License-Identifier: MIT */
/*
 * csvsm-aproxy: relays the SVSM's key-broker frames (include/abi/
 * kbs_proxy.h) to a Key Broker Service over HTTP or HTTPS
 * (docs/attestation-proxy.md).
 *
 *   csvsm-aproxy --kbs URL (--unix PATH | --vsock PORT | --serial PATH)
 *                [--cacert FILE] [--once] [--verbose]
 *
 * --unix listens on a Unix socket: with csvsm-vsockd, PATH is its
 * --uds-path followed by "_1995" (docs/vsock.md). --vsock listens on
 * AF_VSOCK where the host has /dev/vhost-vsock. --serial connects to a
 * QEMU chardev socket (-chardev socket,server=on,path=PATH) for hosts
 * without vsock. The proxy is untrusted by design: it checks frames only
 * to protect itself, and forwards requests only under /kbs/v0/.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/vm_sockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abi/kbs_proxy.h"

#include "aproxy.h"
#include "util.h"

static int read_full(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t r = read(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The SVSM asks only for the broker's API; nothing else is relayed. */
static bool path_ok(const char *p, size_t n)
{
	if (n < 8 || strncmp(p, "/kbs/v0/", 8) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
	}
	return true;
}

/* Serves frames on fd until the SVSM closes it or sends a bad frame. */
static void serve(int fd, struct aproxy_kbs *k)
{
	static uint8_t body[KBS_PROXY_BODY_MAX];
	static uint8_t answer[KBS_PROXY_BODY_MAX];

	for (;;) {
		struct kbs_proxy_req req;
		struct kbs_proxy_rsp rsp = {.magic = KBS_PROXY_MAGIC_RSP};
		char path[KBS_PROXY_PATH_MAX + 1];
		struct aproxy_request r;
		struct aproxy_answer a = {.buf = answer, .cap = sizeof(answer)};

		if (read_full(fd, &req, sizeof(req)) < 0)
			return;
		if (req.magic != KBS_PROXY_MAGIC_REQ ||
		    (req.method != KBS_PROXY_GET &&
		     req.method != KBS_PROXY_POST) ||
		    req.path_len == 0 || req.path_len > KBS_PROXY_PATH_MAX ||
		    req.body_len > KBS_PROXY_BODY_MAX) {
			fprintf(stderr, "csvsm-aproxy: bad frame header\n");
			return;
		}
		if (read_full(fd, path, req.path_len) < 0 ||
		    read_full(fd, body, req.body_len) < 0)
			return;
		path[req.path_len] = 0;
		if (!path_ok(path, req.path_len)) {
			fprintf(stderr, "csvsm-aproxy: refused path\n");
			return;
		}
		r.method = req.method == KBS_PROXY_GET ? "GET" : "POST";
		r.path = path;
		r.body = body;
		r.body_len = req.body_len;
		aproxy_http(k, &r, &a);
		rsp.status = a.status;
		rsp.body_len = (uint32_t)a.len;
		if (write_full(fd, &rsp, sizeof(rsp)) < 0 ||
		    write_full(fd, answer, a.len) < 0)
			return;
	}
}

static int listen_vsock(unsigned int port)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = port,
	};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0) {
		fprintf(stderr, "csvsm-aproxy: vsock port %u: %s\n", port,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: csvsm-aproxy --kbs URL (--unix PATH | --vsock PORT | "
		"--serial PATH) [options]\n"
		"Relays the SVSM's key-broker requests to a Key Broker Service "
		"(Trustee's\nRCAR protocol) over HTTP or HTTPS. Untrusted by "
		"design: it only relays.\n\n"
		"  --kbs URL       the broker: http[s]://host[:port][/path]\n"
		"  --unix PATH     listen on a Unix socket (with csvsm-vsockd: "
		"its --uds-path\n"
		"                  followed by _1995)\n"
		"  --vsock PORT    listen on AF_VSOCK (hosts with "
		"/dev/vhost-vsock; the SVSM\n"
		"                  uses port 1995)\n"
		"  --serial PATH   connect to a QEMU chardev socket "
		"(-chardev socket,server=on)\n"
		"  --cacert FILE   trust these CA certificates for https "
		"(default: the system's)\n"
		"  --once          serve one SVSM connection, then exit\n"
		"  --verbose       one line per relayed request on stderr\n"
		"  --help          this text\n"
		"  --version       the version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kbs", required_argument, NULL, 'k'},
		{"unix", required_argument, NULL, 'u'},
		{"vsock", required_argument, NULL, 's'},
		{"serial", required_argument, NULL, 'c'},
		{"cacert", required_argument, NULL, 'a'},
		{"once", no_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	static struct aproxy_kbs k;
	const char *url = NULL, *unix_path = NULL, *serial = NULL;
	long vsock_port = -1;
	bool once = false;
	char err[512];
	int lfd;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			url = optarg;
			break;
		case 'u':
			unix_path = optarg;
			break;
		case 's': {
			char *end;

			vsock_port = strtol(optarg, &end, 10);
			if (*end || end == optarg)
				vsock_port = 0;
			break;
		}
		case 'c':
			serial = optarg;
			break;
		case 'a':
			k.cacert = optarg;
			break;
		case 'o':
			once = true;
			break;
		case 'v':
			k.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			return util_print_version("csvsm-aproxy", NULL);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (util_daemon_args_done("csvsm-aproxy", argc, argv, optind))
		return 2;
	if (!url || (!!unix_path + !!serial + (vsock_port >= 0)) != 1 ||
	    (vsock_port >= 0 &&
	     (vsock_port == 0 || vsock_port > 0xffffffffL))) {
		usage(stderr);
		return 2;
	}
	if (aproxy_parse_url(url, &k, err, sizeof(err)) < 0) {
		fprintf(stderr, "csvsm-aproxy: %s\n", err);
		return 2;
	}
	if (serial) {
		int fd = util_connect_unix("csvsm-aproxy", serial);

		if (fd < 0)
			return 1;
		serve(fd, &k);
		close(fd);
		return 0;
	}
	lfd = unix_path ? util_listen_unix("csvsm-aproxy", unix_path, 4)
			: listen_vsock((unsigned int)vsock_port);
	if (lfd < 0)
		return 1;
	if (k.verbose)
		fprintf(stderr, "csvsm-aproxy: listening, broker %s\n", url);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		k.cookie[0] = 0; /* a new SVSM session */
		serve(fd, &k);
		close(fd);
		if (once)
			break;
	}
	close(lfd);
	if (unix_path)
		unlink(unix_path);
	return 0;
}
