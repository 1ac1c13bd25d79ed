/* SPDX-License-Identifier: MIT */
/*
 * The vTPM channel of the fake arch (hosted tests and fuzzing, where ring
 * 3 does not exist): the same vTPM program (user/vtpm, built for the
 * kernel's test image) runs as a host process, its channel one end of a
 * SOCK_SEQPACKET socket pair, which keeps one message per read and per
 * write, as /dev/vtpm does. The program gets the socket as descriptor 3;
 * its NV files live in a temporary directory that outlives restarts and
 * is removed when the test process ends.
 *
 * The program is $CSVSM_VTPM_PROGRAM, else VTPM_HOST_PROGRAM (set by
 * mk/tests.mk to the built program). A command's time limit is enforced
 * with poll(); a process that overruns it is killed (SIGKILL).
 *
 * TRUST: as for the task: the process may crash, hang, answer out of turn
 * or too much; each is seen here and ends it.
 */
#define _GNU_SOURCE /* nftw */
#define LOG_PREFIX  "vtpm: "
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svsm/log.h"

#include "chan.h"

#ifndef VTPM_HOST_PROGRAM
#define VTPM_HOST_PROGRAM "out/user/vtpm"
#endif
#define CHAN_FD 3

static pid_t child = -1;
static int sock = -1;
static uint32_t cmd_ms;
static bool first; /* the next command is the first: the start counts */
static char state_dir[64];

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* The state directory and everything in it, at the test process's end. */
static void remove_state(void)
{
	vtpm_chan_close();
	if (state_dir[0])
		nftw(state_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static bool make_state_dir(void)
{
	if (state_dir[0])
		return true;
	snprintf(state_dir, sizeof(state_dir), "/tmp/csvsm-vtpm-XXXXXX");
	if (!mkdtemp(state_dir)) {
		state_dir[0] = 0;
		return false;
	}
	atexit(remove_state);
	return true;
}

/* Waits up to `ms` for the socket to be readable; false on time out. */
static bool wait_readable(uint32_t ms)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	int r;

	do {
		r = poll(&p, 1, (int)ms);
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

/*
 * Whether the program is blocked reading its next command, or has ended:
 * the first field of /proc/PID/syscall is the number of the system call
 * it is blocked in ("running" while it runs; proc(5)). Unreadable means
 * it is gone.
 */
static bool program_waits(void)
{
	char path[48], buf[32] = "";
	ssize_t n;
	int fd;
	long nr;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || buf[0] < '0' || buf[0] > '9')
		return n <= 0;
	nr = strtol(buf, NULL, 10);
	return nr == SYS_read || nr == SYS_recvfrom || nr == SYS_recvmsg;
}

/*
 * The task channel hands the next command over only once the program
 * has run on to its next read (kernel/vtpm/chan_task.c): whatever it
 * wrote after its answer is in the channel by then. A process runs on
 * by itself, so this waits for the same point, up to `ms`; without the
 * wait, a second answer written a moment late would be taken as the
 * answer to the next command.
 */
static bool wait_program_waits(uint32_t ms)
{
	struct timespec t0, now, nap = {0, 50 * 1000};

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!program_waits()) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 +
			    (now.tv_nsec - t0.tv_nsec) / 1000000 >=
		    (long)ms)
			return false;
		nanosleep(&nap, NULL);
	}
	return true;
}

/*
 * A socket cannot show when the program waits for its first command, so
 * this returns once it is forked; the first command's time limit also
 * covers the start (VTPM_START_TIME_MS).
 */
enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms)
{
	char fdarg[] = "3", dir[96];
	const char *prog = getenv("CSVSM_VTPM_PROGRAM");
	const char *def[] = {prog && *prog ? prog : VTPM_HOST_PROGRAM,
			     "--fd",
			     fdarg,
			     "--state",
			     dir,
			     NULL};
	int sv[2];

	vtpm_chan_close();
	if (!make_state_dir())
		return SVSM_E_NOMEM;
	snprintf(dir, sizeof(dir), "%s/tpm", state_dir);
	if (!argv)
		argv = def;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return SVSM_E_NOMEM;
	child = fork();
	if (child < 0) {
		close(sv[0]);
		close(sv[1]);
		return SVSM_E_NOMEM;
	}
	if (child == 0) {
		/* The program's working directory is the state directory. */
		if (dup2(sv[1], CHAN_FD) < 0 || chdir(state_dir))
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(sv[1]);
	sock = sv[0];
	cmd_ms = time_ms ? time_ms : VTPM_CMD_TIME_MS;
	first = true;
	return SVSM_OK;
}

void vtpm_chan_close(void)
{
	if (sock >= 0)
		close(sock);
	sock = -1;
	if (child > 0) {
		kill(child, SIGKILL);
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	child = -1;
}

enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len)
{
	ssize_t n;

	uint32_t ms = first && cmd_ms < VTPM_START_TIME_MS ? VTPM_START_TIME_MS
							   : cmd_ms;

	*rsp_len = 0;
	if (sock < 0)
		return SVSM_E_HW;
	if (!first && !wait_program_waits(ms)) {
		log_notice("the vTPM process did not return to its read "
			   "within %u ms",
			   ms);
		vtpm_chan_close();
		return SVSM_E_TIMEOUT;
	}
	/*
	 * Anything readable before a command is sent (a message out of
	 * turn, or the end of a program that died) breaks the rules.
	 */
	if (wait_readable(0)) {
		log_notice("the vTPM process spoke out of turn or ended");
		vtpm_chan_close();
		return SVSM_E_HW;
	}
	first = false;
	/* MSG_NOSIGNAL: a dead program is an error here, not a SIGPIPE. */
	if (send(sock, cmd, len, MSG_NOSIGNAL) != (ssize_t)len) {
		vtpm_chan_close();
		return SVSM_E_HW;
	}
	/* The first command also waits for the start (manufacture). */
	if (!wait_readable(ms)) {
		log_notice("the vTPM process took longer than %u ms", ms);
		vtpm_chan_close();
		return SVSM_E_TIMEOUT;
	}
	/* MSG_TRUNC: the whole message's size, even past cap. */
	n = recv(sock, rsp, cap, MSG_TRUNC | MSG_DONTWAIT);
	if (n <= 0) {
		vtpm_chan_close();
		return SVSM_E_HW;
	}
	if ((size_t)n > cap)
		return SVSM_E_NOMEM;
	*rsp_len = (size_t)n;
	return SVSM_OK;
}
