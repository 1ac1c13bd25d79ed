/* SPDX-License-Identifier: MIT */
/*
 * csvsm-mssim: serves the mssim TPM protocol (command port P, platform
 * port P+1) on TCP in front of csvsm's vTPM program run as a host process,
 * or in front of the vTPM inside a booted SVSM (its host bridge on a QEMU
 * character device), so that tpm2-tools and tpm2-tss reach it unchanged
 * with TCTI "mssim:host=127.0.0.1,port=P". docs/vtpm-host.md describes it.
 *
 *   csvsm-mssim --port P [--state DIR] -- PROGRAM [ARGS...]
 *   csvsm-mssim --port P --bridge SOCKET
 *
 * Exit status: 0 TPM_STOP or a signal, 1 a system error, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mssim.h"
#include "util.h"

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-mssim --port P [options] -- PROGRAM [ARGS...]\n"
		"       csvsm-mssim --port P [options] --bridge SOCKET\n"
		"  -p, --port P          the command port; the platform port "
		"is P+1\n"
		"  -b, --bind ADDR       the IPv4 address to listen on "
		"(default 127.0.0.1)\n"
		"  -d, --state DIR       the program's working folder (its NV "
		"state)\n"
		"  -B, --bridge SOCKET   the SVSM's host bridge: listen on "
		"SOCKET for the\n"
		"                        QEMU character device of its second "
		"UART\n"
		"  -t, --timeout MS      a command's time limit (default "
		"60000)\n"
		"  -v, --verbose         one line per command on stderr\n"
		"  -h, --help            this text\n"
		"      --version         the csvsm version\n"
		"PROGRAM runs with one end of a SOCK_SEQPACKET socket pair: an\n"
		"argument \"{fd}\" becomes its number, else \"--fd N\" is "
		"appended.\n"
		"Exit status: 0 TPM_STOP or a signal, 1 error, 2 usage.\n");
	return rc;
}

static int listen_tcp(const char *addr, unsigned int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	int one = 1;
	int fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "csvsm-mssim: %s is not an IPv4 address\n",
			addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		fprintf(stderr, "csvsm-mssim: %s:%u: %s\n", addr, port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void on_signal(int sig)
{
	(void)sig;
	mssim_stop_requested = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'},
		{"bind", required_argument, NULL, 'b'},
		{"state", required_argument, NULL, 'd'},
		{"bridge", required_argument, NULL, 'B'},
		{"timeout", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *bind_addr = "127.0.0.1", *dir = NULL, *bridge = NULL;
	uint64_t port = 0, timeout = 60000;
	bool verbose = false;
	struct backend *b;
	int c, cmd_fd, plat_fd, rc;
	struct sigaction sa = {.sa_handler = on_signal};

	while ((c = getopt_long(argc, argv, "+p:b:d:B:t:vh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			if (util_parse_size(optarg, &port) || port < 1 ||
			    port > 65534) {
				fprintf(stderr,
					"csvsm-mssim: --port %s: "
					"1..65534\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
			bind_addr = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'B':
			bridge = optarg;
			break;
		case 't':
			if (util_parse_size(optarg, &timeout) || timeout < 1 ||
			    timeout > 3600000) {
				fprintf(stderr,
					"csvsm-mssim: --timeout %s: "
					"1..3600000 ms\n",
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
			return util_print_version("csvsm-mssim", NULL);
		default:
			return usage(stderr, 2);
		}
	}
	if (!port) {
		fprintf(stderr, "csvsm-mssim: --port is required\n");
		return 2;
	}
	if (!bridge == (optind >= argc)) {
		fprintf(stderr, "csvsm-mssim: give a PROGRAM after -- or "
				"--bridge, one of them\n");
		return 2;
	}
	if (bridge && dir) {
		fprintf(stderr, "csvsm-mssim: --state is the program's, not "
				"the bridge's\n");
		return 2;
	}
	b = bridge ? backend_stream_new(bridge, (int)timeout)
		   : backend_child_new(argv + optind, dir, (int)timeout);
	if (!b)
		return 1;
	cmd_fd = listen_tcp(bind_addr, (unsigned int)port);
	plat_fd =
		cmd_fd < 0 ? -1 : listen_tcp(bind_addr, (unsigned int)port + 1);
	if (plat_fd < 0)
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* The TPM is on from the start, as the SVSM's vTPM is at boot. */
	if (b->power_on(b)) {
		fprintf(stderr, "csvsm-mssim: %s did not start\n", b->name);
		return 1;
	}
	rc = mssim_serve(b, cmd_fd, plat_fd, verbose);
	if (b->on)
		b->power_off(b);
	return rc;
}
