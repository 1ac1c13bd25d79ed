/* SPDX-License-Identifier: MIT */
/*
 * csvsm-vsockd: a vhost-user vsock back-end for hosts without
 * /dev/vhost-vsock. QEMU's vhost-user-vsock-pci device connects to
 * --socket; the guest's vsock stream connections are bridged to Unix
 * sockets under --uds-path (bridge.c has the convention). Serves one QEMU,
 * then exits when QEMU goes away. docs/vsock.md describes it.
 *
 * Exit status: 0 QEMU disconnected, 1 a protocol or system error,
 * 2 usage.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"
#include "vsockd.h"

#define MAX_POLL 80u

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-vsockd --socket PATH --uds-path PATH [options]\n"
		"  -s, --socket PATH     vhost-user socket QEMU connects to\n"
		"  -u, --uds-path PATH   host side: guest connections to port P go\n"
		"                        to PATH_P; host programs connect to PATH\n"
		"                        and write \"CONNECT <port>\\n\"\n"
		"  -c, --guest-cid N     the guest's CID (default 3)\n"
		"  -v, --verbose         log vhost-user messages and refusals\n"
		"  -h, --help            this text\n"
		"      --version         the csvsm version\n"
		"Exit status: 0 QEMU disconnected, 1 error, 2 usage.\n");
	return rc;
}

static int serve(int qemu_fd, int host_fd, const char *uds, uint64_t cid,
		 bool verbose)
{
	struct vhu v;
	struct bridge *b;
	int rc = 0;

	vhu_init(&v, qemu_fd, cid, verbose);
	b = bridge_new(&v, uds, host_fd, verbose);
	if (!b)
		return 1;
	for (;;) {
		struct pollfd fds[MAX_POLL];
		unsigned int n = 0, first_bridge;
		bool running = vhu_ready(&v, 0) || vhu_ready(&v, 1);

		fds[n++] = (struct pollfd){qemu_fd, POLLIN, 0};
		for (unsigned int q = 0; q < VHU_QUEUES; q++)
			fds[n++] = (struct pollfd){v.vq[q].kick_fd, POLLIN, 0};
		first_bridge = n;
		n += bridge_pollfds(b, fds + n, MAX_POLL - n);
		/* A short timeout as well: a kick lost is a delay, no hang. */
		if (poll(fds, n, running ? 1 : 100) < 0 && errno != EINTR) {
			perror("csvsm-vsockd: poll");
			rc = 1;
			break;
		}
		if (fds[0].revents) {
			if (vhu_handle(&v) < 0) {
				if (verbose)
					fprintf(stderr, "csvsm-vsockd: QEMU "
							"disconnected\n");
				break;
			}
		}
		for (unsigned int q = 0; q < VHU_QUEUES; q++)
			if (fds[1 + q].fd >= 0 && fds[1 + q].revents)
				vhu_drain_kick(&v, q);
		bridge_run(b, fds + first_bridge, n - first_bridge);
	}
	bridge_free(b);
	vhu_free(&v);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"uds-path", required_argument, NULL, 'u'},
		{"guest-cid", required_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *sock = NULL, *uds = NULL;
	uint64_t cid = 3;
	bool verbose = false;
	int o, lfd, hfd, qfd, rc;

	while ((o = getopt_long(argc, argv, "s:u:c:vh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			sock = optarg;
			break;
		case 'u':
			uds = optarg;
			break;
		case 'c':
			if (util_parse_size(optarg, &cid) < 0 || cid < 3 ||
			    cid >= 0xffffffffull) {
				fprintf(stderr,
					"csvsm-vsockd: bad CID %s "
					"(3 to 4294967294)\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return usage(stdout, 0);
		case 'V':
			return util_print_version("csvsm-vsockd", NULL);
		default:
			return usage(stderr, 2);
		}
	}
	if (util_daemon_args_done("csvsm-vsockd", argc, argv, optind))
		return 2;
	if (!sock || !uds) {
		fprintf(stderr, "csvsm-vsockd: --socket and --uds-path are "
				"needed (--help)\n");
		return 2;
	}
	hfd = util_listen_unix("csvsm-vsockd", uds, 16);
	if (hfd < 0)
		return 1;
	lfd = util_listen_unix("csvsm-vsockd", sock, 16);
	if (lfd < 0)
		return 1;
	qfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	close(lfd);
	unlink(sock);
	if (qfd < 0) {
		perror("csvsm-vsockd: accept");
		return 1;
	}
	rc = serve(qfd, hfd, uds, cid, verbose);
	close(qfd);
	close(hfd);
	unlink(uds);
	return rc;
}
