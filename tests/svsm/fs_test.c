/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the RAM file system (kernel/fs) through its own
 * interface: the single-copy rule (a read or write of N bytes moves exactly
 * N bytes through the caller's buffer, counted by the buffer itself, at
 * page-straddling offsets and across holes), and that removing a file
 * gives every page back.
 */
#include "svsm/fs.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/task.h"

#include "lib/string.h"
#include "test.h"

#define N 10000u

static uint8_t src[N];
static uint8_t dst[5 * 4096];

TEST(fs, read_and_write_move_each_byte_once)
{
	struct fs_node *n;
	struct fs_buf b;
	uint64_t used;
	uint64_t max;

	ASSERT_EQ(task_init(), SVSM_OK); /* creates the file system */
	for (unsigned int i = 0; i < N; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	ASSERT_EQ(fs_open(fs_root(), "/single-copy", true, true, &n), 0);

	fs_buf_kernel(&b, src, N);
	ASSERT_EQ(fs_write(n, 4090, &b), (long)N); /* straddles pages */
	EXPECT_EQ(b.moved, N);

	fs_buf_kernel(&b, dst, sizeof(dst));
	ASSERT_EQ(fs_read(n, 4090, &b), (long)N); /* stops at the end */
	EXPECT_EQ(b.moved, N);
	EXPECT_EQ(memcmp(dst, src, N), 0);

	/* Bytes never written read as zeros, moved once too. */
	fs_buf_kernel(&b, dst, 100);
	memset(dst, 0xff, 100);
	ASSERT_EQ(fs_read(n, 0, &b), 100);
	EXPECT_EQ(b.moved, 100u);
	for (unsigned int i = 0; i < 100; i++)
		ASSERT_EQ(dst[i], 0);

	/* 3 bytes over a page boundary: 3 bytes moved. */
	fs_buf_kernel(&b, src, 3);
	ASSERT_EQ(fs_write(n, 8191, &b), 3);
	EXPECT_EQ(b.moved, 3u);

	fs_usage(&used, &max);
	/* Data at 4090..14090 and 8191..8194: pages 0-3, and one page for
	 * the page-pointer array, which counts against the limit too. */
	EXPECT_EQ(used, 4u + 1);

	/* One byte at 40000 leaves pages 4-8 a hole: no pages, zeros. */
	fs_buf_kernel(&b, src, 1);
	ASSERT_EQ(fs_write(n, 40000, &b), 1);
	fs_usage(&used, &max);
	EXPECT_EQ(used, 5u + 1);
	memset(dst, 0xff, sizeof(dst));
	fs_buf_kernel(&b, dst, 5 * 4096);
	ASSERT_EQ(fs_read(n, 4 * 4096, &b), 5 * 4096);
	EXPECT_EQ(b.moved, 5u * 4096);
	for (unsigned int i = 0; i < 5 * 4096; i++)
		ASSERT_EQ(dst[i], 0);
	fs_put(n);
	ASSERT_EQ(fs_unlink(fs_root(), "/single-copy", false), 0);
	fs_usage(&used, &max);
	EXPECT_EQ(used, 0u);
}

TEST(fs, unlinked_file_lives_until_closed)
{
	struct fs_node *n;
	struct fs_node *again;
	struct fs_buf b;
	uint64_t used;
	uint64_t max;
	char buf[8] = "";

	ASSERT_EQ(task_init(), SVSM_OK);
	ASSERT_EQ(fs_open(fs_root(), "/live", true, true, &n), 0);
	fs_buf_kernel(&b, "data", 4);
	ASSERT_EQ(fs_write(n, 0, &b), 4);
	ASSERT_EQ(fs_unlink(fs_root(), "/live", false), 0);
	EXPECT_EQ(fs_open(fs_root(), "/live", false, false, &again),
		  -2 /* ENOENT */);
	fs_buf_kernel(&b, buf, 4);
	ASSERT_EQ(fs_read(n, 0, &b), 4);
	EXPECT_EQ(memcmp(buf, "data", 4), 0);
	fs_usage(&used, &max);
	EXPECT_EQ(used, 1u + 1); /* the data page and the pointer array */
	fs_put(n);		 /* the last reference: the pages go back */
	fs_usage(&used, &max);
	EXPECT_EQ(used, 0u);
}

TEST(fs, shrinking_a_file_grown_only_by_truncation)
{
	struct fs_node *n;
	struct fs_buf b;
	uint8_t buf[16];

	/* Found by the syscall fuzzer: no page exists to clear. */
	ASSERT_EQ(task_init(), SVSM_OK);
	ASSERT_EQ(fs_open(fs_root(), "/sparse", true, true, &n), 0);
	ASSERT_EQ(fs_truncate(n, 10000), 0);
	ASSERT_EQ(fs_truncate(n, 5000), 0);
	memset(buf, 0xff, sizeof(buf));
	fs_buf_kernel(&b, buf, sizeof(buf));
	ASSERT_EQ(fs_read(n, 4990, &b), 10);
	for (unsigned int i = 0; i < 10; i++)
		ASSERT_EQ(buf[i], 0);
	fs_put(n);
	ASSERT_EQ(fs_unlink(fs_root(), "/sparse", false), 0);
}

TEST(fs, malformed_image_is_refused)
{
	static const char garbage[] = "070701zzzzzzzz not a header";
	static const char truncated[] = "070701000000010000";
	const char *why = NULL;

	ASSERT_EQ(task_init(), SVSM_OK);
	EXPECT_EQ(fs_unpack_cpio(garbage, sizeof(garbage), &why),
		  -22 /* EINVAL */);
	EXPECT_TRUE(why && why[0]);
	why = NULL;
	EXPECT_EQ(fs_unpack_cpio(truncated, sizeof(truncated) - 1, &why),
		  -22 /* EINVAL */);
	EXPECT_TRUE(why && why[0]);
	/* An archive with nothing but its trailer is accepted. */
	{
		static const char empty[] =
			"070701"
			"0000000000000000000000000000000000000001"
			"0000000000000000000000000000000000000000"
			"000000000000000b00000000"
			"TRAILER!!!\0\0\0\0";

		EXPECT_EQ(fs_unpack_cpio(empty, sizeof(empty) - 1, &why), 0);
	}
}
