/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of virtio-blk (kernel/drivers/virtio/virtio_blk.c) and the
 * block layer (kernel/block/block.c) against the fake device of
 * fake_virtio.c. Covered: configuration checks at attach (capacity that
 * overflows, blk_size, seg_max, size_max); requests split into segments
 * and pieces as size_max/seg_max demand, with the data landing on the
 * device's disk; the read-only flag; status bytes mapped to errors (IOERR,
 * a junk value, none written); a device that never answers (timeout,
 * reset, then served again) or gives up (DEVICE_NEEDS_RESET: an error at
 * once, reset, served again), lies in the used ring (error, reset, served
 * again) or about the used length (error, no reset); a device that does
 * not come back from its reset (every request fails, its shared pages are
 * not reused); and, after every failure, the caller's buffer untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/block.h"
#include "svsm/fs.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/virtio.h"

#include "fake/fake.h"
#include "fake_virtio.h"
#include "test.h"

#define MEM_SIZE (4ull << 20)
#define CANARY	 0xc5u

static bool setup_mem(void)
{
	uint64_t base = fake_mm_init(MEM_SIZE);

	REQUIRE_EQ(pgalloc_init(pa_init(base), MEM_SIZE), SVSM_OK);
	heap_init(0x1234567812345678ull);
	return true;
}

static void put32(struct fake_vdev *f, uint32_t off, uint32_t v)
{
	memcpy(f->config + off, &v, 4);
}

/* A blk device of `sectors` attached; f->qmax 16. */
static bool attach(struct fake_vdev *f, uint64_t sectors, uint64_t features,
		   struct block_dev **b)
{
	REQUIRE_TRUE(setup_mem());
	fake_vdev_init(f);
	f->qmax = 16;
	fake_vdev_blk(f, sectors, features);
	REQUIRE_EQ(virtio_blk_attach(&f->vdev, b), SVSM_OK);
	REQUIRE_TRUE(*b != NULL);
	return true;
}

static void finish(struct fake_vdev *f, struct block_dev *b)
{
	virtio_blk_detach(b);
	fake_vdev_free(f);
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(vblk, round_trip_split_into_segments_and_pieces)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint64_t features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
			    VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
			    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	size_t n = 300 * 512;
	uint8_t *out = malloc(n);
	uint8_t *in = malloc(n);

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.qmax = 16;
	fake_vdev_blk(&f, 1000, features);
	put32(&f, VIRTIO_BLK_CFG_SIZE_MAX, 4096);
	put32(&f, VIRTIO_BLK_CFG_SEG_MAX, 4);
	ASSERT_EQ(virtio_blk_attach(&f.vdev, &b), SVSM_OK);
	/* 4 segments of 4 KiB: 32 sectors a request. */
	EXPECT_EQ(b->max_sectors, 32u);
	EXPECT_EQ(b->sectors, 1000u);
	EXPECT_FALSE(b->read_only);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 13 + 7);
	ASSERT_EQ(block_write(b, 77, out, 300), SVSM_OK);
	EXPECT_EQ(f.completions, 10u); /* ceil(300 / 32) */
	EXPECT_EQ(memcmp(f.disk + 77 * 512, out, n), 0);
	ASSERT_EQ(block_flush(b), SVSM_OK);
	memset(in, 0, n);
	ASSERT_EQ(block_read(b, 77, in, 300), SVSM_OK);
	EXPECT_EQ(memcmp(in, out, n), 0);
	EXPECT_TRUE(all(f.disk, 77 * 512, 0));
	free(in);
	free(out);
	finish(&f, b);
}

TEST(vblk, block_size_and_blocks)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[4096];

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.qmax = 16;
	fake_vdev_blk(&f, 8 * 10 + 3, VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE));
	put32(&f, VIRTIO_BLK_CFG_BLK_SIZE, 4096);
	ASSERT_EQ(virtio_blk_attach(&f.vdev, &b), SVSM_OK);
	EXPECT_EQ(b->block_size, 4096u);
	EXPECT_EQ(block_count_blocks(b), 10u);
	memset(buf, 0x42, sizeof(buf));
	ASSERT_EQ(block_write_blocks(b, 9, buf, 1), SVSM_OK);
	EXPECT_TRUE(all(f.disk + 9 * 4096, 4096, 0x42));
	EXPECT_EQ(block_write_blocks(b, 10, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_read_blocks(b, UINT64_MAX / 4, buf, 1), SVSM_E_INVAL);
	finish(&f, b);
}

static enum svsm_err attach_with(uint64_t features, uint32_t off, uint32_t v,
				 uint64_t sectors, struct fake_vdev *f)
{
	struct block_dev *b = NULL;
	enum svsm_err err;

	fake_vdev_init(f);
	f->qmax = 16;
	fake_vdev_blk(f, sectors, features);
	put32(f, off, v);
	err = virtio_blk_attach(&f->vdev, &b);
	if (err == SVSM_OK)
		virtio_blk_detach(b);
	fake_vdev_free(f);
	return err;
}

TEST(vblk, hostile_configuration_refused)
{
	struct fake_vdev f;
	uint64_t bs = VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE);
	uint64_t sm = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX);
	uint64_t sg = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX);
	struct pgalloc_stats before;
	struct pgalloc_stats after;

	ASSERT_TRUE(setup_mem());
	/* Warm the slabs: they keep their pages. */
	EXPECT_EQ(attach_with(bs, VIRTIO_BLK_CFG_BLK_SIZE, 512, 8, &f),
		  SVSM_OK);
	pgalloc_get_stats(&before);
	EXPECT_EQ(attach_with(bs, VIRTIO_BLK_CFG_BLK_SIZE, 3000, 8, &f),
		  SVSM_E_HW);
	/* Set FAILED, then reset before its memory was freed. */
	EXPECT_FALSE(f.enabled);
	EXPECT_EQ(f.status, 0u);
	EXPECT_EQ(attach_with(bs, VIRTIO_BLK_CFG_BLK_SIZE, 256, 8, &f),
		  SVSM_E_HW);
	EXPECT_EQ(attach_with(bs, VIRTIO_BLK_CFG_BLK_SIZE, 8192, 8, &f),
		  SVSM_E_HW);
	EXPECT_EQ(attach_with(sm, VIRTIO_BLK_CFG_SIZE_MAX, 100, 8, &f),
		  SVSM_E_HW);
	EXPECT_EQ(attach_with(sg, VIRTIO_BLK_CFG_SEG_MAX, 0, 8, &f), SVSM_E_HW);
	EXPECT_EQ(attach_with(0, 60, 0, UINT64_MAX / 256, &f), SVSM_E_HW);
	/* Fine values still attach; nothing leaked by the refusals. */
	EXPECT_EQ(attach_with(bs, VIRTIO_BLK_CFG_BLK_SIZE, 512, 8, &f),
		  SVSM_OK);
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages);
	EXPECT_EQ(block_get(0), NULL);
}

TEST(vblk, read_only)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[512];

	ASSERT_TRUE(attach(&f, 16, VIRTIO_BIT(VIRTIO_BLK_F_RO), &b));
	EXPECT_TRUE(b->read_only);
	memset(buf, 1, sizeof(buf));
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(f.completions, 0u);
	/* Past the block layer, the device's IOERR is SVSM_E_HW. */
	EXPECT_EQ(b->ops->write(b, 0, buf, 1), SVSM_E_HW);
	EXPECT_TRUE(all(f.disk, 16 * 512, 0));
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_OK);
	finish(&f, b);
}

/*
 * A file-system buffer over host memory, as a task's would be: counts the
 * bytes it moves and fails (as a faulting user pointer does) from byte
 * `fail_from` on.
 */
struct test_buf {
	struct fs_buf fb;
	uint8_t *p;
	size_t fail_from;
	unsigned int calls;
};

static int tb_put(struct fs_buf *b, size_t off, const void *src, size_t len)
{
	struct test_buf *t = b->ctx;

	t->calls++;
	if (off + len > b->size || off + len > t->fail_from)
		return -14; /* EFAULT */
	memcpy(t->p + off, src, len);
	b->moved += len;
	return 0;
}

static int tb_get(struct fs_buf *b, size_t off, void *dst, size_t len)
{
	struct test_buf *t = b->ctx;

	t->calls++;
	if (off + len > b->size || off + len > t->fail_from)
		return -14;
	memcpy(dst, t->p + off, len);
	b->moved += len;
	return 0;
}

static void test_buf_init(struct test_buf *t, uint8_t *p, size_t size)
{
	*t = (struct test_buf){
		.fb = {.size = size, .put = tb_put, .get = tb_get, .ctx = t},
		.p = p,
		.fail_from = SIZE_MAX};
}

TEST(vblk, buffer_io_moves_each_byte_once)
{
	struct fake_vdev f;
	struct block_dev *b;
	struct test_buf t;
	uint64_t features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
			    VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX);
	size_t n = 40000;
	uint8_t *mem = malloc(n);

	ASSERT_TRUE(setup_mem());
	fake_vdev_init(&f);
	f.qmax = 16;
	fake_vdev_blk(&f, 200, features);
	put32(&f, VIRTIO_BLK_CFG_SIZE_MAX, 4096);
	put32(&f, VIRTIO_BLK_CFG_SEG_MAX, 4);
	ASSERT_EQ(virtio_blk_attach(&f.vdev, &b), SVSM_OK);
	for (size_t i = 0; i < 200 * 512; i++)
		f.disk[i] = (uint8_t)(i * 7 + i / 512);
	/*
	 * 40000 bytes from byte 1000 (not a sector boundary): pieces of at
	 * most 32 sectors, the first one starting 488 bytes into its sector;
	 * each byte put once, straight from the bounce buffer.
	 */
	memset(mem, CANARY, n);
	test_buf_init(&t, mem, n);
	ASSERT_EQ(block_read_buf(b, 1000, n, &t.fb), SVSM_OK);
	EXPECT_EQ(memcmp(mem, f.disk + 1000, n), 0);
	EXPECT_EQ(t.fb.moved, n);
	EXPECT_EQ(t.calls, 3u);	      /* 15896 + 16384 + 7720 bytes */
	EXPECT_EQ(f.completions, 3u); /* one request per piece */
	/* Past the end, a length of 0, an overflow: refused, nothing moved. */
	test_buf_init(&t, mem, n);
	EXPECT_EQ(block_read_buf(b, 200 * 512 - 10, 11, &t.fb), SVSM_E_INVAL);
	EXPECT_EQ(block_read_buf(b, 0, 0, &t.fb), SVSM_E_INVAL);
	EXPECT_EQ(block_read_buf(b, UINT64_MAX - 5, 10, &t.fb), SVSM_E_INVAL);
	EXPECT_EQ(t.calls, 0u);
	/* Writes: whole sectors from the buffer, once. */
	for (size_t i = 0; i < n; i++)
		mem[i] = (uint8_t)(i * 3 + 1);
	test_buf_init(&t, mem, 40 * 512);
	ASSERT_EQ(block_write_buf(b, 5, 40, &t.fb), SVSM_OK);
	EXPECT_EQ(memcmp(f.disk + 5 * 512, mem, 40 * 512), 0);
	EXPECT_EQ(t.fb.moved, 40u * 512);
	EXPECT_EQ(block_write_buf(b, 199, 2, &t.fb), SVSM_E_INVAL);
	/* A buffer that faults: SVSM_E_FAULT, and the device serves on. */
	test_buf_init(&t, mem, n);
	t.fail_from = 20000;
	EXPECT_EQ(block_read_buf(b, 0, n, &t.fb), SVSM_E_FAULT);
	memset(f.disk + 100 * 512, 0x5a, 512);
	test_buf_init(&t, mem, 512);
	t.fail_from = 100;
	EXPECT_EQ(block_write_buf(b, 100, 1, &t.fb), SVSM_E_FAULT);
	EXPECT_TRUE(all(f.disk + 100 * 512, 512, 0x5a)); /* nothing sent */
	test_buf_init(&t, mem, 512);
	ASSERT_EQ(block_read_buf(b, 100 * 512, 512, &t.fb), SVSM_OK);
	EXPECT_TRUE(all(mem, 512, 0x5a));
	free(mem);
	finish(&f, b);
}

TEST(vblk, buffer_write_to_read_only_refused)
{
	struct fake_vdev f;
	struct block_dev *b;
	struct test_buf t;
	uint8_t mem[512];

	ASSERT_TRUE(attach(&f, 16, VIRTIO_BIT(VIRTIO_BLK_F_RO), &b));
	memset(mem, 1, sizeof(mem));
	test_buf_init(&t, mem, sizeof(mem));
	EXPECT_EQ(block_write_buf(b, 0, 1, &t.fb), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(t.calls, 0u);
	EXPECT_EQ(f.completions, 0u);
	EXPECT_TRUE(all(f.disk, 16 * 512, 0));
	finish(&f, b);
}

/* A read while the device tells `lie`: the result, and buf untouched. */
static bool read_with_lie(enum fake_lie lie, enum svsm_err want,
			  unsigned int resets)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[1024];
	unsigned int before;

	REQUIRE_TRUE(attach(&f, 16, 0, &b));
	memset(f.disk, 0x77, 16 * 512);
	memset(buf, CANARY, sizeof(buf));
	before = f.resets;
	f.lie = lie;
	f.lie_count = 1;
	REQUIRE_EQ(block_read(b, 2, buf, 2), want);
	REQUIRE_TRUE(all(buf, sizeof(buf), CANARY));
	REQUIRE_EQ(f.resets - before, resets);
	/* And the device is served again. */
	f.lie = FAKE_HONEST;
	REQUIRE_EQ(block_read(b, 2, buf, 2), SVSM_OK);
	REQUIRE_TRUE(all(buf, sizeof(buf), 0x77));
	finish(&f, b);
	return true;
}

TEST(vblk, status_ioerr)
{
	ASSERT_TRUE(read_with_lie(FAKE_STATUS_IOERR, SVSM_E_HW, 0));
}

TEST(vblk, status_junk)
{
	ASSERT_TRUE(read_with_lie(FAKE_STATUS_JUNK, SVSM_E_HW, 0));
}

TEST(vblk, status_never_written)
{
	ASSERT_TRUE(read_with_lie(FAKE_NO_STATUS, SVSM_E_HW, 0));
}

TEST(vblk, used_len_beyond_request)
{
	ASSERT_TRUE(read_with_lie(FAKE_LEN_BEYOND, SVSM_E_HW, 0));
}

TEST(vblk, used_id_out_of_range_resets)
{
	ASSERT_TRUE(read_with_lie(FAKE_ID_RANGE, SVSM_E_HW, 1));
}

TEST(vblk, used_idx_jump_resets)
{
	ASSERT_TRUE(read_with_lie(FAKE_IDX_JUMP, SVSM_E_HW, 1));
}

TEST(vblk, silent_device_times_out_and_is_reset)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[512];

	ASSERT_TRUE(attach(&f, 16, 0, &b));
	memset(buf, CANARY, sizeof(buf));
	f.lie = FAKE_SILENT;
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_TIMEOUT);
	EXPECT_GE(f.waited_us, 5000000u);
	EXPECT_LT(f.waited_us, 5100000u);
	EXPECT_TRUE(all(buf, sizeof(buf), CANARY));
	EXPECT_EQ(f.resets, 2u); /* attach, then the recovery */
	f.lie = FAKE_HONEST;
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_OK);
	EXPECT_TRUE(all(f.disk, 512, CANARY));
	finish(&f, b);
}

TEST(vblk, device_needing_reset_fails_before_the_timeout)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[512];

	ASSERT_TRUE(attach(&f, 16, 0, &b));
	memset(buf, CANARY, sizeof(buf));
	f.lie = FAKE_GIVES_UP;
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_HW);
	EXPECT_LT(f.waited_us, 2000u);
	EXPECT_TRUE(all(buf, sizeof(buf), CANARY));
	EXPECT_EQ(f.resets, 2u); /* attach, then the recovery */
	f.lie = FAKE_HONEST;
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_OK);
	EXPECT_TRUE(all(buf, sizeof(buf), 0));
	finish(&f, b);
}

TEST(vblk, device_that_does_not_come_back)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[512];
	struct pgalloc_stats before;
	struct pgalloc_stats after;

	ASSERT_TRUE(attach(&f, 16, 0, &b));
	f.lie = FAKE_SILENT;
	f.stuck_reset = true;
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_TIMEOUT);
	f.lie = FAKE_HONEST;
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_HW);
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_E_HW);
	/* Its shared pages stay out of the allocator: it may still write. */
	pgalloc_get_stats(&before);
	finish(&f, b);
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages);
}

TEST(vblk, zero_sized_device)
{
	struct fake_vdev f;
	struct block_dev *b;
	uint8_t buf[512];

	ASSERT_TRUE(attach(&f, 0, VIRTIO_BIT(VIRTIO_BLK_F_FLUSH), &b));
	EXPECT_EQ(b->sectors, 0u);
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_flush(b), SVSM_OK);
	EXPECT_EQ(f.completions, 1u); /* the flush */
	finish(&f, b);
}

TEST(vblk, registry_is_bounded)
{
	struct fake_vdev f[BLOCK_MAX_DEVICES + 1];
	struct block_dev *b[BLOCK_MAX_DEVICES + 1];

	ASSERT_TRUE(setup_mem());
	for (unsigned int i = 0; i <= BLOCK_MAX_DEVICES; i++) {
		fake_vdev_init(&f[i]);
		fake_vdev_blk(&f[i], 8, 0);
		b[i] = NULL;
		EXPECT_EQ(virtio_blk_attach(&f[i].vdev, &b[i]),
			  i < BLOCK_MAX_DEVICES ? SVSM_OK : SVSM_E_BUSY);
	}
	EXPECT_TRUE(f[BLOCK_MAX_DEVICES].status & VIRTIO_STATUS_FAILED ||
		    f[BLOCK_MAX_DEVICES].status == 0);
	EXPECT_EQ(block_get(BLOCK_MAX_DEVICES), NULL);
	for (unsigned int i = 0; i < BLOCK_MAX_DEVICES; i++) {
		EXPECT_TRUE(block_get(i) == b[i]);
		finish(&f[i], b[i]);
	}
	fake_vdev_free(&f[BLOCK_MAX_DEVICES]);
	EXPECT_EQ(block_get(0), NULL);
}
