/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of virtio-blk over virtio-pci against QEMU's own device.
 * tests/qemu/run_svtest.py attaches four raw images (and checks them on
 * the host afterwards):
 *   rw    1 MiB, sector s byte j = PATTERN(s, j, 1); the test reads it,
 *         writes PATTERN(.., 2) over the whole disk, flushes, reads back
 *   ro    64 sectors, readonly=on: reads work, writes are refused
 *   zero  0 bytes: every read and write is refused
 *   odd   33 sectors and 100 bytes of PATTERN(.., 4): QEMU reports 34
 *         sectors, the last one read as the 100 bytes and zeros; sector
 *         32 is rewritten with PATTERN(.., 5), the partial one left alone
 * The devices are told apart by what they report, not by their order.
 * The block device files (block_file_create) are tested on the same
 * disks, leaving their content as the other tests expect it.
 * With --machine microvm the same disks sit in virtio-mmio slots.
 */
#include "svsm/block.h"
#include "svsm/fs.h"
#include "svsm/mm/heap.h"
#include "svsm/pci.h"
#include "svsm/task.h"
#include "svsm/virtio.h"

#include "abi/pci.h"

#include "lib/string.h"
#include "test.h"

#define RW_SECTORS    2048u
#define RO_SECTORS    64u
#define ODD_SECTORS   34u  /* 33 and a partial one, rounded up */
#define CHUNK_SECTORS 300u /* more than one bounce buffer: split */

static uint8_t pattern(uint64_t sector, uint32_t j, uint8_t seed)
{
	return (uint8_t)(sector * 31u + j * 7u + seed * 101u);
}

static void fill(uint8_t *buf, uint64_t sector, uint64_t sectors, uint8_t seed)
{
	for (uint64_t s = 0; s < sectors; s++)
		for (uint32_t j = 0; j < BLOCK_SECTOR_SIZE; j++)
			buf[s * BLOCK_SECTOR_SIZE + j] =
				pattern(sector + s, j, seed);
}

static bool matches(const uint8_t *buf, uint64_t sector, uint64_t sectors,
		    uint8_t seed)
{
	for (uint64_t s = 0; s < sectors; s++)
		for (uint32_t j = 0; j < BLOCK_SECTOR_SIZE; j++)
			if (buf[s * BLOCK_SECTOR_SIZE + j] !=
			    pattern(sector + s, j, seed))
				return false;
	return true;
}

/* The attached device with `sectors` sectors (and `ro`), or NULL. */
static struct block_dev *find(uint64_t sectors, bool ro)
{
	(void)virtio_pci_probe();
	(void)virtio_mmio_probe();
	for (unsigned int i = 0; i < BLOCK_MAX_DEVICES; i++) {
		struct block_dev *b = block_get(i);

		if (b && b->sectors == sectors && b->read_only == ro)
			return b;
	}
	return NULL;
}

TEST(virtio_blk, four_disks_found)
{
	/* q35: four virtio-blk-pci; microvm: four virtio-mmio slots. */
	ASSERT_EQ(virtio_pci_probe() + virtio_mmio_probe(), 4u);
	ASSERT_TRUE(find(RW_SECTORS, false) != NULL);
	ASSERT_TRUE(find(RO_SECTORS, true) != NULL);
	ASSERT_TRUE(find(0, false) != NULL);
	ASSERT_TRUE(find(ODD_SECTORS, false) != NULL);
	EXPECT_EQ(find(RW_SECTORS, false)->block_size, 512u);
}

/* Reads the whole rw disk, writes the new pattern, flushes, reads back. */
TEST(virtio_blk, whole_disk_pattern)
{
	struct block_dev *b = find(RW_SECTORS, false);
	uint8_t *buf = kmalloc(CHUNK_SECTORS * BLOCK_SECTOR_SIZE);

	ASSERT_TRUE(b != NULL);
	ASSERT_TRUE(buf != NULL);
	for (uint64_t s = 0; s < RW_SECTORS; s += CHUNK_SECTORS) {
		uint64_t n = RW_SECTORS - s < CHUNK_SECTORS ? RW_SECTORS - s
							    : CHUNK_SECTORS;

		ASSERT_EQ(block_read(b, s, buf, n), SVSM_OK);
		ASSERT_TRUE(matches(buf, s, n, 1));
	}
	for (uint64_t s = 0; s < RW_SECTORS; s += CHUNK_SECTORS) {
		uint64_t n = RW_SECTORS - s < CHUNK_SECTORS ? RW_SECTORS - s
							    : CHUNK_SECTORS;

		fill(buf, s, n, 2);
		ASSERT_EQ(block_write(b, s, buf, n), SVSM_OK);
	}
	ASSERT_EQ(block_flush(b), SVSM_OK);
	for (uint64_t s = 0; s < RW_SECTORS; s += CHUNK_SECTORS) {
		uint64_t n = RW_SECTORS - s < CHUNK_SECTORS ? RW_SECTORS - s
							    : CHUNK_SECTORS;

		memset(buf, 0, n * BLOCK_SECTOR_SIZE);
		ASSERT_EQ(block_read(b, s, buf, n), SVSM_OK);
		ASSERT_TRUE(matches(buf, s, n, 2));
	}
	kfree(buf);
}

TEST(virtio_blk, blocks_and_single_sectors)
{
	struct block_dev *b = find(RW_SECTORS, false);
	uint8_t buf[BLOCK_SECTOR_SIZE];

	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(block_count_blocks(b), RW_SECTORS);
	ASSERT_EQ(block_read_blocks(b, RW_SECTORS - 1, buf, 1), SVSM_OK);
	/* Written by whole_disk_pattern, or still the original content. */
	ASSERT_TRUE(matches(buf, RW_SECTORS - 1, 1, 2) ||
		    matches(buf, RW_SECTORS - 1, 1, 1));
}

TEST(virtio_blk, past_the_end_refused)
{
	struct block_dev *b = find(RW_SECTORS, false);
	uint8_t buf[2 * BLOCK_SECTOR_SIZE];

	ASSERT_TRUE(b != NULL);
	memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(block_read(b, RW_SECTORS, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_read(b, RW_SECTORS - 1, buf, 2), SVSM_E_INVAL);
	EXPECT_EQ(block_write(b, RW_SECTORS, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_read(b, UINT64_MAX, buf, 2), SVSM_E_INVAL);
	EXPECT_EQ(block_read(b, 0, buf, 0), SVSM_E_INVAL);
	EXPECT_EQ(block_read_blocks(b, UINT64_MAX / 2, buf, 1), SVSM_E_INVAL);
	/* Nothing was written into the buffer by the refused reads. */
	for (unsigned int i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(buf[i], 0x5a);
}

TEST(virtio_blk, read_only_refuses_writes)
{
	struct block_dev *b = find(RO_SECTORS, true);
	uint8_t buf[BLOCK_SECTOR_SIZE];

	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(block_read(b, RO_SECTORS - 1, buf, 1), SVSM_OK);
	ASSERT_TRUE(matches(buf, RO_SECTORS - 1, 1, 3));
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(block_write_blocks(b, 0, buf, 1), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(block_flush(b), SVSM_OK);
}

TEST(virtio_blk, read_only_device_rejects_direct_write)
{
	struct block_dev *b = find(RO_SECTORS, true);
	uint8_t buf[BLOCK_SECTOR_SIZE];

	/* Past the block layer's check: the device itself says IOERR. */
	ASSERT_TRUE(b != NULL);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(b->ops->write(b, 0, buf, 1), SVSM_E_HW);
	ASSERT_EQ(block_read(b, 0, buf, 1), SVSM_OK);
	EXPECT_TRUE(matches(buf, 0, 1, 3));
}

TEST(virtio_blk, zero_sized_disk)
{
	struct block_dev *b = find(0, false);
	uint8_t buf[BLOCK_SECTOR_SIZE];

	ASSERT_TRUE(b != NULL);
	EXPECT_EQ(block_count_blocks(b), 0u);
	EXPECT_EQ(block_read(b, 0, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_write(b, 0, buf, 1), SVSM_E_INVAL);
	EXPECT_EQ(block_flush(b), SVSM_OK);
}

TEST(virtio_blk, odd_sized_disk)
{
	struct block_dev *b = find(ODD_SECTORS, false);
	uint8_t buf[2 * BLOCK_SECTOR_SIZE];

	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(block_read(b, ODD_SECTORS - 2, buf, 2), SVSM_OK);
	ASSERT_TRUE(matches(buf, ODD_SECTORS - 2, 1, 4));
	for (unsigned int j = 0; j < BLOCK_SECTOR_SIZE; j++)
		ASSERT_EQ(buf[BLOCK_SECTOR_SIZE + j],
			  j < 100 ? pattern(ODD_SECTORS - 1, j, 4) : 0);
	EXPECT_EQ(block_read(b, ODD_SECTORS - 1, buf, 2), SVSM_E_INVAL);
	fill(buf, ODD_SECTORS - 2, 1, 5);
	ASSERT_EQ(block_write(b, ODD_SECTORS - 2, buf, 1), SVSM_OK);
	ASSERT_EQ(block_flush(b), SVSM_OK);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(block_read(b, ODD_SECTORS - 2, buf, 1), SVSM_OK);
	ASSERT_TRUE(matches(buf, ODD_SECTORS - 2, 1, 5));
}

/* What the SVSM leaves in configuration space (what a later OS finds). */
static bool virtio_fn(const struct pci_fn *f, void *arg)
{
	struct pci_fn *out = arg;

	if (f->vendor == VIRTIO_PCI_VENDOR && !out->vendor)
		*out = *f;
	return true;
}

TEST(virtio_pci, bars_assigned_and_decoding_on)
{
	struct pci_fn f = {0};
	uint16_t cmd;
	uint32_t lo;
	uint32_t hi;

	if (!virtio_pci_probe())
		return; /* microvm: no PCI bus */
	ASSERT_GE(pci_scan_bus0(virtio_fn, &f), 1u);
	ASSERT_EQ(f.device, VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_BLOCK);
	cmd = pci_cfg_read16(&f, PCI_COMMAND);
	EXPECT_TRUE(cmd & PCI_COMMAND_MEMORY);
	EXPECT_TRUE(cmd & PCI_COMMAND_MASTER);
	EXPECT_TRUE(cmd & PCI_COMMAND_INTX_DISABLE);
	EXPECT_FALSE(cmd & PCI_COMMAND_IO);
	/* QEMU's BAR 4: 64-bit, 16 KiB, in the window and aligned. */
	lo = pci_cfg_read32(&f, PCI_BAR0 + 16);
	hi = pci_cfg_read32(&f, PCI_BAR0 + 20);
	ASSERT_EQ(lo & PCI_BAR_MEM_TYPE_MASK, PCI_BAR_MEM_TYPE_64);
	EXPECT_EQ(hi, 0u);
	lo &= PCI_BAR_MEM_MASK;
	EXPECT_GE(lo, PCI_MMIO_WINDOW_BASE);
	EXPECT_LT(lo, PCI_MMIO_WINDOW_END);
	EXPECT_EQ(lo % 0x4000u, 0u);
}

/* A device file for b under /blk (made once), opened. */
static struct fs_node *blk_file(struct block_dev *b, const char *name)
{
	char path[32] = "/blk/";
	struct fs_node *n = NULL;
	int err;

	if (task_init() != SVSM_OK)
		return NULL;
	err = fs_mkdir(fs_root(), "/blk");
	if (err && err != -17 /* EEXIST */)
		return NULL;
	memcpy(path + 5, name, strlen(name) + 1);
	if (block_file_create(b, path) ||
	    fs_open(fs_root(), path, false, false, &n))
		return NULL;
	return fs_type(n) == FS_DEV ? n : (fs_put(n), NULL);
}

TEST(virtio_blk, device_file_reads_any_range_and_refuses_writes_when_ro)
{
	struct block_dev *b = find(RO_SECTORS, true);
	struct fs_node *n = b ? blk_file(b, "ro") : NULL;
	uint8_t *buf = kmalloc(RO_SECTORS * BLOCK_SECTOR_SIZE);
	struct fs_buf fb;
	bool same = true;

	ASSERT_TRUE(n != NULL);
	ASSERT_TRUE(buf != NULL);
	/* 20000 bytes from byte 777: every byte the pattern's. */
	fs_buf_kernel(&fb, buf, 20000);
	ASSERT_EQ(fs_read(n, 777, &fb), 20000);
	for (uint32_t i = 0; i < 20000; i++) {
		uint64_t pos = 777 + i;

		same = same && buf[i] == pattern(pos / BLOCK_SECTOR_SIZE,
						 pos % BLOCK_SECTOR_SIZE, 3);
	}
	EXPECT_TRUE(same);
	/* Up to the end, then end of file. */
	fs_buf_kernel(&fb, buf, 4096);
	EXPECT_EQ(fs_read(n, RO_SECTORS * BLOCK_SECTOR_SIZE - 100, &fb), 100);
	EXPECT_EQ(fs_read(n, RO_SECTORS * BLOCK_SECTOR_SIZE, &fb), 0);
	EXPECT_EQ(fs_read(n, UINT64_MAX - 10, &fb), 0);
	fs_buf_kernel(&fb, buf, BLOCK_SECTOR_SIZE);
	EXPECT_EQ(fs_write(n, 0, &fb), -30 /* EROFS */);
	EXPECT_EQ(block_file_create(b, "/blk/ro"), -17 /* EEXIST */);
	fs_put(n);
	kfree(buf);
}

TEST(virtio_blk, device_file_writes_whole_sectors)
{
	struct block_dev *b = find(RW_SECTORS, false);
	struct block_dev *z = find(0, false);
	struct fs_node *n = b ? blk_file(b, "rw") : NULL;
	struct fs_node *zn = z ? blk_file(z, "zero") : NULL;
	uint8_t *mem = kmalloc(6 * BLOCK_SECTOR_SIZE);
	uint8_t *orig = mem;
	uint8_t *flip = mem + 2 * BLOCK_SECTOR_SIZE;
	uint8_t *got = mem + 4 * BLOCK_SECTOR_SIZE;
	size_t two = 2 * BLOCK_SECTOR_SIZE;
	struct fs_buf fb;

	ASSERT_TRUE(n != NULL);
	ASSERT_TRUE(zn != NULL);
	ASSERT_TRUE(mem != NULL);
	/* Whatever the disk holds now: flipped through the file, restored. */
	fs_buf_kernel(&fb, orig, two);
	ASSERT_EQ(fs_read(n, 10 * BLOCK_SECTOR_SIZE, &fb), (long)two);
	for (size_t i = 0; i < two; i++)
		flip[i] = (uint8_t)~orig[i];
	fs_buf_kernel(&fb, flip, two);
	ASSERT_EQ(fs_write(n, 10 * BLOCK_SECTOR_SIZE, &fb), (long)two);
	ASSERT_EQ(block_read(b, 10, got, 2), SVSM_OK);
	EXPECT_EQ(memcmp(got, flip, two), 0);
	fs_buf_kernel(&fb, orig, two);
	ASSERT_EQ(fs_write(n, 10 * BLOCK_SECTOR_SIZE, &fb), (long)two);
	ASSERT_EQ(block_read(b, 10, got, 2), SVSM_OK);
	EXPECT_EQ(memcmp(got, orig, two), 0);
	/* Not whole sectors; at the end; on a disk of 0 sectors. */
	fs_buf_kernel(&fb, flip, 100);
	EXPECT_EQ(fs_write(n, 0, &fb), -22 /* EINVAL */);
	fs_buf_kernel(&fb, flip, BLOCK_SECTOR_SIZE);
	EXPECT_EQ(fs_write(n, 3, &fb), -22);
	EXPECT_EQ(fs_write(n, RW_SECTORS * BLOCK_SECTOR_SIZE, &fb),
		  -28 /* ENOSPC */);
	EXPECT_EQ(fs_write(zn, 0, &fb), -28);
	EXPECT_EQ(fs_read(zn, 0, &fb), 0);
	ASSERT_EQ(block_read(b, 10, got, 2), SVSM_OK);
	EXPECT_EQ(memcmp(got, orig, two), 0);
	kfree(mem);
	fs_put(zn);
	fs_put(n);
}
