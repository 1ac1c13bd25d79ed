/* SPDX-License-Identifier: MIT */
/*
 * The end of boot in the SVSM bench image (out/svsm-bench.igvm, `make
 * bench` only): instead of "ready", offer the first block device to tasks
 * as /dev/vda, run bin/iobench from the image's root file system (the
 * same static program Linux runs as its init, bench/iobench.c), print
 * what it wrote and end the VM with its status. Before it, time the vTPM
 * channel: N round trips of vtpm_chan_transact (kernel/vtpm/chan_task.c:
 * the device read and write, SYSCALL/SYSRET, the task's resume) against
 * bin/vtpmecho (bench/vtpmecho.c), which answers each command with its own
 * bytes and the TSC it read, and print the TSC cycles per round trip.
 */
#include <stddef.h>
#include <stdint.h>

#include "svsm/block.h"
#include "svsm/boot.h"
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/plat/plat.h"
#include "svsm/task.h"

#include "abi/csvsm_boot.h"

#include "lib/string.h"

extern const char test_initfs_start[], test_initfs_end[];

/* The vTPM channel (kernel/vtpm/chan.h, private to kernel/vtpm). */
enum svsm_err vtpm_chan_open(const char *const *argv, uint32_t time_ms);
void vtpm_chan_close(void);
enum svsm_err vtpm_chan_transact(const void *cmd, size_t len, void *rsp,
				 size_t cap, size_t *rsp_len);

#define ECHO_ROUNDS 2000u

/*
 * Cycles per round trip of `len` bytes each way, 0 on failure: the
 * difference of the TSC the program read at the first and the last of
 * ECHO_ROUNDS + 1 commands (bench/vtpmecho.c), over ECHO_ROUNDS.
 */
static uint64_t echo_rounds(size_t len)
{
	static uint8_t cmd[4096];
	static uint8_t rsp[4096];
	uint64_t first = 0;
	uint64_t last = 0;
	size_t got;

	for (size_t i = 0; i < len; i++)
		cmd[i] = (uint8_t)i;
	/* One round first: the task's pages are touched. */
	if (vtpm_chan_transact(cmd, len, rsp, sizeof(rsp), &got) != SVSM_OK)
		return 0;
	for (unsigned int i = 0; i <= ECHO_ROUNDS; i++) {
		if (vtpm_chan_transact(cmd, len, rsp, sizeof(rsp), &got) !=
			    SVSM_OK ||
		    got != len || memcmp(cmd + 8, rsp + 8, len - 8))
			return 0;
		memcpy(i ? &last : &first, rsp, sizeof(last));
	}
	return last > first ? (last - first) / ECHO_ROUNDS : 0;
}

static void run_vtpm_echo(void)
{
	static const char *const argv[] = {"/bin/vtpmecho", "/dev/vtpm", NULL};
	/* GetRandom(32)'s sizes, then the most the buffer holds. */
	static const size_t sizes[] = {44, 4087};

	if (vtpm_chan_open(argv, 0) != SVSM_OK) {
		log_printf("vtpm echo: cannot start /bin/vtpmecho\n");
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t c = echo_rounds(sizes[i]);

		if (c)
			log_printf(
				"vtpm echo: %zu bytes: %llu cycles per round "
				"trip\n",
				sizes[i], (unsigned long long)c);
		else
			log_printf("vtpm echo: %zu bytes: failed\n", sizes[i]);
	}
	vtpm_chan_close();
}

static bool run_iobench(void)
{
	static const char *const argv[] = {"iobench", "csvsm", NULL};
	static const char *const envp[] = {NULL};
	struct task_limits lim = {.max_pages = 8192, .time_ms = 600000};
	struct block_dev *b = block_get(0);
	struct task_result res;
	struct task *t;
	const char *why = "";
	const char *out;
	size_t len;

	if (task_init() != SVSM_OK ||
	    fs_unpack_cpio(test_initfs_start,
			   (size_t)(test_initfs_end - test_initfs_start),
			   &why) ||
	    fs_mkdir(fs_root(), "/dev")) {
		log_printf("iobench: cannot prepare the file system %s\n", why);
		return false;
	}
	run_vtpm_echo();
	if (!b || block_file_create(b, "/dev/vda"))
		log_printf("iobench: no disk as /dev/vda\n");
	if (task_create_path("/bin/iobench", argv, envp, &lim, &t, &why) !=
	    SVSM_OK) {
		log_printf("iobench: cannot start: %s\n", why);
		return false;
	}
	task_run(t, &res);
	out = task_output(t, &len);
	/* The console's line buffer is 256 bytes: print in pieces. */
	for (size_t i = 0; i < len; i += 128)
		log_printf("%.*s", (int)(len - i < 128 ? len - i : 128),
			   out + i);
	task_destroy(t);
	return res.end == TASK_EXITED && res.status == 0;
}

void boot_finish(void)
{
	plat_terminate(run_iobench() ? CSVSM_EXIT_SUCCESS : CSVSM_EXIT_FAILURE);
}
