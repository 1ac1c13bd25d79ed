/* SPDX-License-Identifier: MIT */
/*
 * The vTPM channel of the kernel: the vTPM program runs as an SVSM task
 * (/bin/vtpm of the root file-system image, its NV state under /var/tpm)
 * and reads its commands from, and writes its responses to, the device
 * /dev/vtpm. A command is handed over by resuming the task, which blocks
 * in its next read once it has written the response (task_run() returns
 * TASK_BLOCKED): one read returns one whole command, one write gives one
 * whole response, and each moves its bytes once, between the task's
 * buffer and the caller's (struct fs_buf).
 *
 * TRUST: the task is isolated but may misbehave. A read or write out of
 * turn, a response larger than the caller's buffer, an exit, a fault or
 * running over its time limit are all seen here; none of them touches
 * anything but the task and the caller's response buffer.
 */
#define LOG_PREFIX "vtpm: "
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/task.h"

#include "abi/linux.h"

#include "chan.h"

/* The task's memory: the program (about 5.5 MiB) and libtpms's heap. */
#define VTPM_MAX_PAGES 4096u /* 16 MiB */

static const char *const default_argv[] = {
	"/bin/vtpm", "--channel", "/dev/vtpm", "--state", "/var/tpm", NULL};

/* The channel: one command in flight at most. */
static struct {
	struct task *task;
	bool dev_made;
	uint32_t time_ms;
	const uint8_t *cmd; /* the command the task has not read yet */
	size_t cmd_len;
	bool awaiting; /* the task read the command, owes the response */
	uint8_t *rsp;
	size_t cap;
	size_t rsp_len;
	bool answered;
	bool too_big;
	bool misused; /* a read or write out of turn */
} ch;

static long chan_read(void *ctx, uint64_t off, struct fs_buf *buf)
{
	int err;

	(void)ctx;
	(void)off;
	if (!ch.cmd) {
		/* Reading again before answering breaks the protocol. */
		if (ch.awaiting)
			ch.misused = true;
		return FS_DEV_WAIT;
	}
	if (buf->size < ch.cmd_len)
		return -LINUX_EINVAL;
	err = buf->put(buf, 0, ch.cmd, ch.cmd_len);
	if (err)
		return err;
	ch.cmd = NULL;
	ch.awaiting = true;
	return (long)ch.cmd_len;
}

static long chan_write(void *ctx, uint64_t off, struct fs_buf *buf)
{
	int err;

	(void)ctx;
	(void)off;
	if (!ch.awaiting) {
		ch.misused = true;
		return -LINUX_EINVAL;
	}
	if (buf->size > ch.cap) {
		ch.awaiting = false;
		ch.too_big = true;
		return -LINUX_EMSGSIZE;
	}
	err = buf->get(buf, 0, ch.rsp, buf->size);
	if (err)
		return err;
	ch.awaiting = false;
	ch.answered = true;
	ch.rsp_len = buf->size;
	return (long)buf->size;
}

static const struct fs_dev_ops chan_ops = {chan_read, chan_write};

/* Resumes the task for `ms`; SVSM_OK when it blocked in a read again. */
static enum svsm_err chan_run(uint32_t ms)
{
	struct task_result res;

	task_set_time_limit(ch.task, ms);
	task_run(ch.task, &res);
	switch (res.end) {
	case TASK_BLOCKED:
		return SVSM_OK;
	case TASK_TIMED_OUT:
		return SVSM_E_TIMEOUT;
	case TASK_EXITED:
		log_notice("the vTPM program exited with status %d",
			   res.status);
		return SVSM_E_HW;
	default:
		return SVSM_E_HW;
	}
}

enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms)
{
	struct task_limits lim = {VTPM_MAX_PAGES, 16, VTPM_START_TIME_MS};
	const char *why = "";
	enum svsm_err err;
	int r;

	vtpm_chan_close();
	err = task_init();
	if (err)
		return SVSM_E_UNSUPPORTED;
	if (!ch.dev_made) {
		r = fs_mkdir(fs_root(), "/dev");
		if (r == 0 || r == -LINUX_EEXIST)
			r = fs_mkdev("/dev/vtpm", &chan_ops, NULL);
		if (r) {
			log_notice("/dev/vtpm: error %d", r);
			return SVSM_E_NOMEM;
		}
		ch.dev_made = true;
	}
	r = fs_mkdir(fs_root(), "/var");
	if (r && r != -LINUX_EEXIST)
		return SVSM_E_NOMEM;
	if (!argv)
		argv = default_argv;
	err = task_create_path(argv[0], argv, NULL, &lim, &ch.task, &why);
	if (err) {
		log_notice("%s: %s", argv[0], why);
		return err == SVSM_E_NOMEM ? SVSM_E_NOMEM : SVSM_E_UNSUPPORTED;
	}
	ch.time_ms = time_ms ? time_ms : VTPM_CMD_TIME_MS;
	/* Manufacture or load, start, endorsement keys: the first run. */
	err = chan_run(VTPM_START_TIME_MS);
	if (err == SVSM_OK && (ch.awaiting || ch.misused))
		err = SVSM_E_HW;
	if (err)
		vtpm_chan_close();
	else
		log_info("%s waits for commands: %llu KiB of pages", argv[0],
			 (unsigned long long)task_pages(ch.task) * 4);
	return err;
}

void vtpm_chan_close(void)
{
	task_destroy(ch.task);
	ch.task = NULL;
	ch.cmd = NULL;
	ch.awaiting = false;
	ch.misused = false;
}

enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len)
{
	enum svsm_err err;

	*rsp_len = 0;
	if (!ch.task)
		return SVSM_E_HW;
	ch.cmd = cmd;
	ch.cmd_len = len;
	ch.rsp = rsp;
	ch.cap = cap;
	ch.answered = false;
	ch.too_big = false;
	err = chan_run(ch.time_ms);
	ch.cmd = NULL;
	ch.rsp = NULL;
	if (err == SVSM_OK && (ch.misused || ch.awaiting || !ch.answered) &&
	    !ch.too_big) {
		log_notice("the vTPM program broke the channel's rules");
		err = SVSM_E_HW;
	}
	if (err)
		vtpm_chan_close();
	else if (ch.too_big)
		return SVSM_E_NOMEM;
	else
		*rsp_len = ch.rsp_len;
	return err;
}
