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
	char portstr[16];
	const char *const args[] = {"--port", portstr, "--bridge", sock, NULL};

	snprintf(portstr, sizeof(portstr), "%u", port);
	return launch_spawn_listener("csvsm-mssim", "CSVSM_MSSIM", args, sock);
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
