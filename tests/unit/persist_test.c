/* SPDX-License-Identifier: MIT */
/*
 * The persisted directory (kernel/fs/persist.c) on the RAM file system
 * and the stopping disk of fake_disk.h: a change is stored at the close
 * or fsync that follows it, once; reading, and writing the same bytes
 * again, store nothing; rename and unlink are stored; a remount finds the
 * files; a store that cannot be opened mounts nothing and is left as it
 * is; a failed update is reported to fsync as -EIO.
 *
 * The RAM file system has one root per process, so these tests set up
 * memory and the file system once and each mounts its own directory.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/persist.h"

#include "abi/linux.h"

#include "fake/fake.h"
#include "fake_disk.h"
#include "test.h"

#define MEM_SIZE     (16u << 20)
#define DISK_SECTORS (32u * 8u)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static const uint8_t key[STORE_KEY_SIZE] = {0x70, 0x65, 0x72, 0x73};
static const uint8_t other_key[STORE_KEY_SIZE] = {0x6f};
static struct store_key_source src;
static struct store_key_source other_src;

static bool test_random(void *buf, size_t len)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < len; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		b[i] = (uint8_t)(rng >> 56);
	}
	return true;
}

static bool fs_once(void)
{
	static bool ready;
	uint64_t base;

	log_set_level(LOG_LEVEL_NONE);
	if (ready)
		return true;
	base = fake_mm_init(MEM_SIZE);
	REQUIRE_TRUE(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
	heap_init(0x9e5157);
	REQUIRE_EQ(fs_init(1024), 0);
	store_key_source_fixed(&src, "persist test key", false, key);
	store_key_source_fixed(&other_src, "another key", false, other_key);
	ready = true;
	return true;
}

static struct store_config cfg_for(struct fake_disk *d,
				   const struct store_key_source *k)
{
	struct store_config cfg = {.dev = &d->dev,
				   .key = k,
				   .random = test_random,
				   .allow_format = true};
	return cfg;
}

/* Writes `text` to dir/name (created or truncated), then closes it. */
static bool put_file(const char *path, const char *text)
{
	struct fs_node *n;
	struct fs_buf b;
	size_t len = strlen(text);

	REQUIRE_EQ(fs_open(NULL, path, true, false, &n), 0);
	REQUIRE_EQ(fs_truncate(n, 0), 0);
	fs_buf_kernel(&b, (void *)text, len);
	REQUIRE_EQ(fs_write(n, 0, &b), (long)len);
	fs_put(n);
	return true;
}

static bool file_is(const char *path, const char *text)
{
	char buf[256];
	struct fs_node *n;
	struct fs_buf b;
	long got;

	REQUIRE_EQ(fs_open(NULL, path, false, false, &n), 0);
	fs_buf_kernel(&b, buf, sizeof(buf));
	got = fs_read(n, 0, &b);
	fs_put(n);
	REQUIRE_EQ(got, (long)strlen(text));
	REQUIRE_TRUE(memcmp(buf, text, (size_t)got) == 0);
	return true;
}

static uint64_t commits(void)
{
	struct persist_stats st;

	persist_get_stats(&st);
	return st.commits;
}

TEST(persist, each_changed_close_is_one_update_and_a_remount_finds_it)
{
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	bool formatted;
	struct fs_node *n;
	uint64_t writes;

	ASSERT_TRUE(fs_once());
	fake_disk_init(&d, DISK_SECTORS);
	cfg = cfg_for(&d, &src);
	ASSERT_EQ(persist_mount("/var/tpm", &cfg, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(formatted);
	EXPECT_EQ(commits(), 0);

	ASSERT_TRUE(put_file("/var/tpm/permall", "manufactured"));
	EXPECT_EQ(commits(), 1);
	/* Reading, and writing the same bytes again, store nothing. */
	writes = d.writes;
	ASSERT_TRUE(file_is("/var/tpm/permall", "manufactured"));
	ASSERT_TRUE(put_file("/var/tpm/permall", "manufactured"));
	EXPECT_EQ(commits(), 1);
	EXPECT_EQ(d.writes, writes);
	/* A file outside the directory stores nothing either. */
	ASSERT_TRUE(put_file("/elsewhere", "not persisted"));
	EXPECT_EQ(commits(), 1);

	/* Write through an open file: stored at fsync, not again at close. */
	ASSERT_EQ(fs_open(NULL, "/var/tpm/nv", true, false, &n), 0);
	{
		struct fs_buf b;

		fs_buf_kernel(&b, "counter=1", 9);
		ASSERT_EQ(fs_write(n, 0, &b), 9);
	}
	EXPECT_EQ(fs_sync(n), 0);
	EXPECT_EQ(commits(), 2);
	fs_put(n);
	EXPECT_EQ(commits(), 2);

	/*
	 * The temporary-file pattern costs one update: a ".tmp" file is not
	 * stored at its close nor at its fsync, only the rename over the old
	 * file is.
	 */
	ASSERT_TRUE(put_file("/var/tpm/permall.tmp", "after an NV write"));
	EXPECT_EQ(commits(), 2);
	ASSERT_EQ(fs_open(NULL, "/var/tpm/permall.tmp", false, false, &n), 0);
	EXPECT_EQ(fs_sync(n), 0);
	fs_put(n);
	EXPECT_EQ(commits(), 2);
	ASSERT_EQ(fs_rename(NULL, "/var/tpm/permall.tmp", NULL,
			    "/var/tpm/permall"),
		  0);
	EXPECT_EQ(commits(), 3);
	ASSERT_TRUE(put_file("/var/tpm/gone", "x"));
	ASSERT_EQ(fs_unlink(NULL, "/var/tpm/gone", false), 0);
	EXPECT_EQ(commits(), 5);
	/* A temporary file left behind (a crash before its rename). */
	ASSERT_TRUE(put_file("/var/tpm/nv.tmp", "half-way"));
	EXPECT_EQ(commits(), 5);
	persist_unmount();

	/* The next boot, in another directory: the same files. */
	ASSERT_EQ(persist_mount("/var/tpm-again", &cfg, &formatted, &why),
		  SVSM_OK);
	EXPECT_FALSE(formatted);
	EXPECT_TRUE(file_is("/var/tpm-again/permall", "after an NV write"));
	EXPECT_TRUE(file_is("/var/tpm-again/nv", "counter=1"));
	EXPECT_NE(fs_open(NULL, "/var/tpm-again/gone", false, false, &n), 0);
	EXPECT_NE(fs_open(NULL, "/var/tpm-again/permall.tmp", false, false, &n),
		  0);
	EXPECT_NE(fs_open(NULL, "/var/tpm-again/nv.tmp", false, false, &n), 0);
	persist_unmount();
	fake_disk_free(&d);
}

TEST(persist, store_that_cannot_be_opened_mounts_nothing_and_stays)
{
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	bool formatted;
	struct fs_node *n;
	uint8_t *copy;
	size_t bytes = DISK_SECTORS * BLOCK_SECTOR_SIZE;

	ASSERT_TRUE(fs_once());
	fake_disk_init(&d, DISK_SECTORS);
	cfg = cfg_for(&d, &src);
	ASSERT_EQ(persist_mount("/p2", &cfg, &formatted, &why), SVSM_OK);
	ASSERT_TRUE(put_file("/p2/permall", "state"));
	persist_unmount();
	copy = malloc(bytes);
	ASSERT_TRUE(copy != NULL);
	memcpy(copy, d.image, bytes);

	/* Another VM's key. */
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	cfg = cfg_for(&d, &other_src);
	EXPECT_EQ(persist_mount("/p2-other", &cfg, &formatted, &why),
		  SVSM_E_INVAL);
	EXPECT_EQ(why, STORE_REFUSE_WRONG_KEY);
	EXPECT_EQ(fs_open(NULL, "/p2-other", false, false, &n), -LINUX_ENOENT);
	/* A flipped bit in the file's block. */
	d.image[2 * STORE_BLOCK_SIZE + 100] ^= 4;
	cfg = cfg_for(&d, &src);
	EXPECT_EQ(persist_mount("/p2-tampered", &cfg, &formatted, &why),
		  SVSM_E_INVAL);
	EXPECT_TRUE(why == STORE_REFUSE_TAMPERED);
	d.image[2 * STORE_BLOCK_SIZE + 100] ^= 4;
	EXPECT_EQ(d.writes, 0);
	EXPECT_TRUE(memcmp(copy, d.image, bytes) == 0);
	free(copy);
	fake_disk_free(&d);
}

TEST(persist, failed_update_is_eio_to_fsync_and_retried_at_the_next_close)
{
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	bool formatted;
	struct fs_node *n;
	struct fs_buf b;

	ASSERT_TRUE(fs_once());
	fake_disk_init(&d, DISK_SECTORS);
	cfg = cfg_for(&d, &src);
	ASSERT_EQ(persist_mount("/p3", &cfg, &formatted, &why), SVSM_OK);
	/* The disk stops before the file's block is written. */
	fake_disk_plan(&d, 0, 0);
	ASSERT_EQ(fs_open(NULL, "/p3/permall", true, false, &n), 0);
	fs_buf_kernel(&b, "v1", 2);
	ASSERT_EQ(fs_write(n, 0, &b), 2);
	EXPECT_EQ(fs_sync(n), -LINUX_EIO);
	EXPECT_EQ(commits(), 0);
	/* The disk is back: the next close stores the change. */
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	fs_put(n);
	EXPECT_EQ(commits(), 1);
	/* A subdirectory is not stored: fsync says so. */
	ASSERT_EQ(fs_mkdir(NULL, "/p3/sub"), 0);
	ASSERT_EQ(fs_open(NULL, "/p3/permall", false, false, &n), 0);
	EXPECT_EQ(fs_sync(n), -LINUX_EISDIR);
	fs_put(n);
	ASSERT_EQ(fs_unlink(NULL, "/p3/sub", true), 0);
	persist_unmount();

	ASSERT_EQ(persist_mount("/p3-again", &cfg, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(file_is("/p3-again/permall", "v1"));
	persist_unmount();
	fake_disk_free(&d);
}

TEST(persist, nothing_is_stored_while_a_file_of_the_directory_is_open)
{
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	bool formatted;
	struct fs_node *w;
	struct fs_buf b;
	uint64_t before;

	ASSERT_TRUE(fs_once());
	fake_disk_init(&d, DISK_SECTORS);
	cfg = cfg_for(&d, &src);
	ASSERT_EQ(persist_mount("/p4", &cfg, &formatted, &why), SVSM_OK);
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0); /* count from here */
	before = commits();
	/* A writer half-way through permall... */
	ASSERT_EQ(fs_open(NULL, "/p4/permall", true, false, &w), 0);
	fs_buf_kernel(&b, "first half ", 11);
	ASSERT_EQ(fs_write(w, 0, &b), 11);
	/* ... while another file is written and closed, a lookup of permall
	 * ends, and a file is renamed: nothing is stored. */
	ASSERT_TRUE(put_file("/p4/nv", "counter=7"));
	ASSERT_TRUE(file_is("/p4/permall", "first half "));
	ASSERT_EQ(fs_rename(NULL, "/p4/nv", NULL, "/p4/nv2"), 0);
	EXPECT_EQ(commits(), before);
	EXPECT_EQ(d.writes, 0);
	/* The writer finishes and closes: one update with all of it. */
	fs_buf_kernel(&b, "second half", 11);
	ASSERT_EQ(fs_write(w, 11, &b), 11);
	fs_put(w);
	EXPECT_EQ(commits(), before + 1);
	persist_unmount();

	ASSERT_EQ(persist_mount("/p4-again", &cfg, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(file_is("/p4-again/permall", "first half second half"));
	EXPECT_TRUE(file_is("/p4-again/nv2", "counter=7"));
	persist_unmount();
	fake_disk_free(&d);
}
