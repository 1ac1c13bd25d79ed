/* SPDX-License-Identifier: MIT */
/*
 * The child backend: a vTPM program (csvsm's user/vtpm, or swtpm's
 * chardev mode) run as a child process, its channel one end of a
 * SOCK_SEQPACKET socket pair, so one write is one whole command and one
 * read one whole response, as on the SVSM's /dev/vtpm. Power on starts
 * the program; power off closes its channel (the program ends at end of
 * file) and reaps it, so an off/on pair is a TPM Reset with the NV state
 * the program keeps in its folder (--state).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mssim.h"

struct child {
	char **argv;
	const char *dir;
	int timeout_ms;
	int fd;
	pid_t pid;
};

/* Waits up to ms for the child to end; true when it has. */
static bool reap(pid_t pid, int ms)
{
	int status;

	for (int waited = 0; waited <= ms; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	return false;
}

static void child_off(struct backend *b)
{
	struct child *c = b->ctx;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->pid > 0 && !reap(c->pid, 5000)) {
		fprintf(stderr, "csvsm-mssim: %s did not end; killed\n",
			c->argv[0]);
		kill(c->pid, SIGKILL);
		reap(c->pid, 5000);
	}
	c->pid = -1;
	b->on = false;
}

static void exec_child(struct child *c, int fd)
{
	char num[16];
	size_t n = 0, subst = 0;
	char **argv;

	snprintf(num, sizeof(num), "%d", fd);
	while (c->argv[n])
		n++;
	argv = calloc(n + 3, sizeof(*argv));
	if (!argv)
		_exit(127);
	for (size_t i = 0; i < n; i++) {
		argv[i] = strcmp(c->argv[i], "{fd}") ? c->argv[i] : num;
		subst += argv[i] == num;
	}
	if (!subst) {
		argv[n++] = "--fd";
		argv[n++] = num;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (c->dir && chdir(c->dir)) {
		fprintf(stderr, "csvsm-mssim: %s: %s\n", c->dir,
			strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "csvsm-mssim: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int child_on(struct backend *b)
{
	struct child *c = b->ctx;
	int sv[2];

	if (b->on)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		perror("csvsm-mssim: socketpair");
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		perror("csvsm-mssim: fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (c->pid == 0) {
		/* dup() leaves the copy without FD_CLOEXEC: the program's. */
		int fd = dup(sv[1]);

		if (fd < 0)
			_exit(127);
		exec_child(c, fd);
	}
	close(sv[1]);
	c->fd = sv[0];
	b->on = true;
	return 0;
}

static int child_transact(struct backend *b, const uint8_t *cmd, size_t len,
			  uint8_t *rsp, size_t cap, size_t *rsp_len)
{
	struct child *c = b->ctx;
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
	ssize_t n;
	int pr;

	n = send(c->fd, cmd, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		fprintf(stderr, "csvsm-mssim: %s took no command: %s\n",
			c->argv[0], n < 0 ? strerror(errno) : "short write");
		child_off(b);
		return -1;
	}
	do
		pr = poll(&pfd, 1, c->timeout_ms);
	while (pr < 0 && errno == EINTR);
	if (pr == 0) {
		fprintf(stderr, "csvsm-mssim: %s did not answer in %d ms\n",
			c->argv[0], c->timeout_ms);
		child_off(b);
		return -1;
	}
	/* MSG_TRUNC: the whole record's length, even beyond cap. */
	n = recv(c->fd, rsp, cap, MSG_TRUNC);
	if (n <= 0 || (size_t)n > cap) {
		fprintf(stderr, "csvsm-mssim: %s: %s\n", c->argv[0],
			n == 0	? "ended"
			: n < 0 ? strerror(errno)
				: "response larger than the TPM's limit");
		child_off(b);
		return -1;
	}
	*rsp_len = (size_t)n;
	return 0;
}

struct backend *backend_child_new(char **argv, const char *dir, int timeout_ms)
{
	struct backend *b = calloc(1, sizeof(*b));
	struct child *c = calloc(1, sizeof(*c));

	if (!b || !c) {
		free(b);
		free(c);
		return NULL;
	}
	c->argv = argv;
	c->dir = dir;
	c->timeout_ms = timeout_ms;
	c->fd = -1;
	c->pid = -1;
	b->name = argv[0];
	b->power_on = child_on;
	b->power_off = child_off;
	b->transact = child_transact;
	b->ctx = c;
	return b;
}
