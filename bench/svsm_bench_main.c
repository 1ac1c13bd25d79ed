/* SPDX-License-Identifier: MIT */
/*
 * The end of boot in the SVSM bench image (out/svsm-bench.igvm, `make
 * bench` only): instead of "ready", offer the first block device to tasks
 * as /dev/vda, run bin/iobench from the image's root file system (the
 * same static program Linux runs as its init, bench/iobench.c), print
 * what it wrote and end the VM with its status.
 */
#include "svsm/block.h"
#include "svsm/boot.h"
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/plat/plat.h"
#include "svsm/task.h"

#include "abi/csvsm_boot.h"

extern const char test_initfs_start[], test_initfs_end[];

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
