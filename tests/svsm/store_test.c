/* SPDX-License-Identifier: MIT */
/*
 * The persisted directory on a real virtio-blk disk, across boots
 * (tests/qemu/run_store.py boots the test image several times with the
 * same raw image and one of these command-line words):
 *   store_phase=format   blank disk: formatted, two files written;
 *   store_phase=reopen   the files are back; one changes, and is back
 *                        after a remount;
 *   store_phase=refused  (with store_expect=tampered|wrong_key) the disk
 *                        cannot be opened: refused for that reason, no
 *                        directory appears (the runner checks on the host
 *                        that the image did not change).
 * Without store_phase (every other boot of the test image), the mount is
 * refused for want of a key and touches no disk.
 */
#include "svsm/boot.h"
#include "svsm/fs.h"
#include "svsm/persist.h"
#include "svsm/task.h"

#include "lib/string.h"
#include "test.h"

#define PERMALL_SIZE 6000u

static uint8_t permall[PERMALL_SIZE];
static uint8_t buf[PERMALL_SIZE + 16];

static void fill(void)
{
	for (uint32_t i = 0; i < PERMALL_SIZE; i++)
		permall[i] = (uint8_t)(i * 13 + (i >> 9));
}

static bool put(const char *path, const void *data, size_t len)
{
	struct fs_node *n;
	struct fs_buf b;

	REQUIRE_EQ(fs_open(fs_root(), path, true, false, &n), 0);
	REQUIRE_EQ(fs_truncate(n, 0), 0);
	fs_buf_kernel(&b, (void *)data, len);
	REQUIRE_EQ(fs_write(n, 0, &b), (long)len);
	fs_put(n);
	return true;
}

static bool holds(const char *path, const void *data, size_t len)
{
	struct fs_node *n;
	struct fs_buf b;
	long got;

	REQUIRE_EQ(fs_open(fs_root(), path, false, false, &n), 0);
	fs_buf_kernel(&b, buf, sizeof(buf));
	got = fs_read(n, 0, &b);
	fs_put(n);
	REQUIRE_EQ(got, (long)len);
	REQUIRE_EQ(memcmp(buf, data, len), 0);
	return true;
}

static uint64_t commits(void)
{
	struct persist_stats st;

	persist_get_stats(&st);
	return st.commits;
}

TEST(store_qemu, persisted_directory_across_boots)
{
	const char *cmdline = boot_params()->cmdline;
	char phase[16] = "";
	char expect[16] = "";
	enum store_refusal why;
	bool formatted;
	struct fs_node *n;

	ASSERT_EQ(task_init(), SVSM_OK); /* creates the file system */
	fill();
	(void)cmdline_get(cmdline, "store_phase", phase, sizeof(phase));
	(void)cmdline_get(cmdline, "store_expect", expect, sizeof(expect));

	if (!phase[0]) {
		EXPECT_EQ(persist_mount_dev("/var/tpm", cmdline, &formatted,
					    &why),
			  SVSM_E_INVAL);
		EXPECT_EQ(why, STORE_REFUSE_KEY);
		EXPECT_NE(fs_open(fs_root(), "/var/tpm", false, false, &n), 0);
		return;
	}
	if (!strcmp(phase, "refused")) {
		EXPECT_NE(persist_mount_dev("/var/tpm", cmdline, &formatted,
					    &why),
			  SVSM_OK);
		test_printf("store_qemu: refused: %s\n",
			    store_refusal_name(why));
		if (!strcmp(expect, "tampered"))
			EXPECT_EQ(why, STORE_REFUSE_TAMPERED);
		else if (!strcmp(expect, "wrong_key"))
			EXPECT_EQ(why, STORE_REFUSE_WRONG_KEY);
		else
			EXPECT_TRUE(false); /* the runner must say which */
		EXPECT_NE(fs_open(fs_root(), "/var/tpm", false, false, &n), 0);
		return;
	}

	ASSERT_EQ(persist_mount_dev("/var/tpm", cmdline, &formatted, &why),
		  SVSM_OK);
	if (!strcmp(phase, "format")) {
		EXPECT_TRUE(formatted);
		ASSERT_TRUE(put("/var/tpm/permall", permall, PERMALL_SIZE));
		ASSERT_TRUE(put("/var/tpm/nv", "counter=1", 9));
		EXPECT_EQ(commits(), 2);
	} else if (!strcmp(phase, "reopen")) {
		EXPECT_FALSE(formatted);
		EXPECT_TRUE(holds("/var/tpm/permall", permall, PERMALL_SIZE));
		EXPECT_TRUE(holds("/var/tpm/nv", "counter=1", 9));
		ASSERT_TRUE(put("/var/tpm/nv", "counter=2", 9));
		EXPECT_EQ(commits(), 1);
		persist_unmount();
		ASSERT_EQ(persist_mount_dev("/var/tpm2", cmdline, &formatted,
					    &why),
			  SVSM_OK);
		EXPECT_TRUE(holds("/var/tpm2/nv", "counter=2", 9));
	} else {
		EXPECT_TRUE(false); /* an unknown phase */
	}
	persist_unmount();
}
