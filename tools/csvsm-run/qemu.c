/* SPDX-License-Identifier: MIT */
/*
 * Running QEMU so that every way the launcher ends takes QEMU and its
 * temporary folder with it. The ending signals are blocked from the start
 * of main() and taken with sigtimedwait(): each is passed on to QEMU,
 * which is killed after a grace period, and the caller removes the folder
 * before it exits with 128 + the signal. QEMU gets PR_SET_PDEATHSIG, so
 * even a SIGKILLed launcher takes it along.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi/csvsm_boot.h"

#include "launch.h"

#define GRACE_SECONDS 5 /* QEMU's time to exit after a passed-on signal */

/* The signals that end the launcher; blocked, and taken with sigwait. */
/*
 * A signal the launcher was started with ignored (nohup, a background job
 * of a non-interactive shell) stays ignored: a blocked signal is queued
 * even when ignored, so such signals are left out of the set.
 */
void launch_ending_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction old;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) != 0 ||
		    old.sa_handler != SIG_IGN)
			sigaddset(set, sigs[i]);
}

/* 128 + sig for a pending ending signal, else 0 (the signal is taken). */
int launch_pending_end(void)
{
	struct timespec zero = {0, 0};
	sigset_t set;
	int sig;

	launch_ending_signals(&set);
	sig = sigtimedwait(&set, NULL, &zero);
	return sig > 0 ? 128 + sig : 0;
}

/* The QEMU child: default signals, dies with the launcher, then exec. */
static void exec_qemu(char **argv, pid_t parent)
{
	sigset_t none;

	/*
	 * The launcher installs no handlers, so QEMU inherits the dispositions
	 * it was started with; nothing blocked, SIGCHLD included.
	 */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127); /* the launcher is already gone */
	execvp(argv[0], argv);
	fprintf(stderr, "csvsm-run: cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

/*
 * Waits for QEMU, the timeout or an ending signal. A signal is passed on
 * to QEMU; after GRACE_SECONDS QEMU is killed. Returns 0 when QEMU ended
 * by itself (its status in *status), else the launcher's exit status.
 */
static int wait_qemu(pid_t pid, unsigned int timeout, int *status)
{
	struct timespec deadline, now, left;
	sigset_t set;
	int verdict = 0;
	int sig;

	launch_ending_signals(&set);
	sigaddset(&set, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout ? timeout : 0;
	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return verdict;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((timeout || verdict) &&
		    (now.tv_sec > deadline.tv_sec ||
		     (now.tv_sec == deadline.tv_sec &&
		      now.tv_nsec >= deadline.tv_nsec))) {
			if (!verdict) {
				fprintf(stderr,
					"csvsm-run: timed out after %u s\n",
					timeout);
				verdict = 124;
			}
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return verdict;
		}
		left.tv_sec = 1; /* wake up now and then: SIGCHLD may merge */
		left.tv_nsec = 0;
		sig = sigtimedwait(&set, NULL, &left);
		if (sig <= 0 || sig == SIGCHLD || verdict)
			continue;
		/*
		 * SIGINT/TERM/HUP/QUIT: pass it on, give QEMU a grace period.
		 */
		verdict = 128 + sig;
		kill(pid, sig);
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += GRACE_SECONDS;
	}
}

int launch_run_qemu(char **argv, unsigned int timeout, bool gdb)
{
	pid_t self = getpid();
	int status = 0;
	int verdict;
	pid_t pid;

	if (gdb)
		fprintf(stderr, "csvsm-run: waiting for gdb on :1234 "
				"(target remote :1234)\n");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("csvsm-run: fork");
		return 3;
	}
	if (pid == 0)
		exec_qemu(argv, self);
	verdict = wait_qemu(pid, timeout, &status);
	if (verdict)
		return verdict;
	if (!WIFEXITED(status)) {
		fprintf(stderr, "csvsm-run: QEMU ended by signal %d\n",
			WTERMSIG(status));
		return 3;
	}
	/* isa-debug-exit: QEMU exits with (code << 1) | 1. */
	switch (WEXITSTATUS(status)) {
	case (CSVSM_EXIT_SUCCESS << 1) | 1:
		return 0;
	case (CSVSM_EXIT_PANIC << 1) | 1:
		fprintf(stderr, "csvsm-run: the SVSM panicked\n");
		return 1;
	case (CSVSM_EXIT_FAILURE << 1) | 1:
		fprintf(stderr, "csvsm-run: the SVSM reported failure\n");
		return 1;
	case 0:
		fprintf(stderr, "csvsm-run: the VM stopped without a status "
				"(triple fault or shutdown)\n");
		return 3;
	default:
		fprintf(stderr, "csvsm-run: QEMU exited with status %d\n",
			WEXITSTATUS(status));
		return 3;
	}
}
