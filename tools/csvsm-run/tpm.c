/* SPDX-License-Identifier: MIT */
/*
 * The launcher's vTPM socket (--tpm PORT, native platform only): QEMU gets
 * a second 16550 UART (COM2) whose character device connects to the Unix
 * socket csvsm-mssim listens on; the SVSM, told `vtpm_bridge`, answers
 * TPM commands framed on that UART (docs/vtpm-host.md); csvsm-mssim
 * serves them to host TPM software as the mssim protocol on TCP.
 * csvsm-mssim gets PR_SET_PDEATHSIG, so it never outlives the launcher.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

pid_t launch_start_mssim(unsigned int port, const char *sock)
{
	char path[PATH_MAX], portstr[16];
	pid_t self = getpid();
	pid_t pid;
	struct stat st;

	if (launch_helper_path("csvsm-mssim", "CSVSM_MSSIM", path,
			       sizeof(path)) < 0) {
		fprintf(stderr, "csvsm-run: cannot find csvsm-mssim\n");
		return -1;
	}
	snprintf(portstr, sizeof(portstr), "%u", port);
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
		execl(path, path, "--port", portstr, "--bridge", sock,
		      (char *)NULL);
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
			fprintf(stderr, "csvsm-run: csvsm-mssim ended before "
					"it listened\n");
			return -1;
		}
		launch_sleep_ms(10);
	}
	fprintf(stderr, "csvsm-run: csvsm-mssim did not listen on %s\n", sock);
	launch_stop_mssim(pid);
	return -1;
}

void launch_stop_mssim(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		launch_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
