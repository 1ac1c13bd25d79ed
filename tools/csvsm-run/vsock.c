/* SPDX-License-Identifier: MIT */
/*
 * The launcher's vsock device (--vsock). Where the host has a usable
 * /dev/vhost-vsock, QEMU's vhost-vsock-pci is used and the host side is
 * AF_VSOCK. Elsewhere (Debian 12 packages no vhost-user vsock back-end)
 * the launcher starts csvsm-vsockd, which QEMU's vhost-user-vsock-pci
 * connects to; the guest's connections then reach Unix sockets
 * (docs/vsock.md). csvsm-vsockd gets PR_SET_PDEATHSIG like QEMU, so it
 * never outlives the launcher.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launch.h"

enum launch_vsock launch_vsock_kind(void)
{
	int fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return VSOCK_USER;
	close(fd);
	return VSOCK_VHOST;
}

int launch_helper_path(const char *name, const char *env_name, char *out,
		       size_t len)
{
	const char *env = getenv(env_name);
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env)
		return snprintf(out, len, "%s", env) < (int)len ? 0 : -1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return snprintf(out, len, "%s/%s", self, name) < (int)len ? 0 : -1;
}

void launch_sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

pid_t launch_spawn_listener(const char *name, const char *env_name,
			    const char *const args[], const char *sock)
{
	char path[PATH_MAX];
	const char *argv[8];
	pid_t self = getpid();
	pid_t pid;
	struct stat st;
	unsigned int n = 1;

	if (launch_helper_path(name, env_name, path, sizeof(path)) < 0) {
		fprintf(stderr, "csvsm-run: cannot find %s\n", name);
		return -1;
	}
	argv[0] = path;
	while (args[n - 1] && n < 7) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("csvsm-run: fork");
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != self)
			_exit(127);
		execv(path, (char *const *)argv);
		fprintf(stderr, "csvsm-run: cannot run %s: %s\n", path,
			strerror(errno));
		_exit(127);
	}
	/* QEMU connects to the socket as it starts: it must exist first. */
	for (int i = 0; i < 500; i++) {
		int status;

		if (stat(sock, &st) == 0)
			return pid;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr,
				"csvsm-run: %s ended before it listened\n",
				name);
			return -1;
		}
		launch_sleep_ms(10);
	}
	fprintf(stderr, "csvsm-run: %s did not listen on %s\n", name, sock);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return -1;
}

pid_t launch_start_vsockd(const char *sock, const char *uds)
{
	const char *const args[] = {"--socket", sock, "--uds-path", uds, NULL};

	return launch_spawn_listener("csvsm-vsockd", "CSVSM_VSOCKD", args,
				     sock);
}

void launch_stop_vsockd(pid_t pid)
{
	int status;

	/* It exits by itself once QEMU has gone. */
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		launch_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
