/* SPDX-License-Identifier: MIT */
/*
 * The block-device interface (kernel/block/block.c): what the file system
 * and the vTPM's persistent state use, whatever the driver. Addresses are
 * 512-byte sectors (BLOCK_SECTOR_SIZE) or whole logical blocks
 * (block_size bytes, a power of two from 512 to 4096).
 *
 * The block layer checks every request against the device's size and
 * read-only flag before the driver sees it, and splits requests into
 * pieces of at most max_sectors, so drivers only ever get requests that
 * fit. The device's content is not trusted: the layer above authenticates
 * it (docs/virtio.md).
 *
 * Errors: SVSM_E_INVAL for a request outside the device or a count of 0;
 * SVSM_E_UNSUPPORTED for a write or flush on a read-only device; from the
 * driver, SVSM_E_HW (the device reported an I/O error or misbehaved),
 * SVSM_E_TIMEOUT (it did not answer) and SVSM_E_NOMEM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define BLOCK_SECTOR_SIZE  512u
#define BLOCK_SECTOR_SHIFT 9u
#define BLOCK_MAX_DEVICES  4u

struct block_dev;
struct fs_buf;

/*
 * A driver's operations: requests are already checked and bounded.
 * read_to and write_from (optional) move the data between the driver's
 * device buffer and a file-system buffer directly, so that the block
 * device file copies each byte once: read_to delivers bytes
 * [skip, skip + len) of the sectors read to dst at dst_off; write_from
 * takes sectors x 512 bytes from src at src_off. SVSM_E_FAULT when the
 * buffer's copy fails (a task's bad pointer).
 */
struct block_ops {
	enum svsm_err (*read)(struct block_dev *b, uint64_t sector, void *buf,
			      uint32_t sectors);
	enum svsm_err (*write)(struct block_dev *b, uint64_t sector,
			       const void *buf, uint32_t sectors);
	enum svsm_err (*flush)(struct block_dev *b);
	enum svsm_err (*read_to)(struct block_dev *b, uint64_t sector,
				 uint32_t sectors, uint32_t skip, uint32_t len,
				 struct fs_buf *dst, size_t dst_off);
	enum svsm_err (*write_from)(struct block_dev *b, uint64_t sector,
				    uint32_t sectors, struct fs_buf *src,
				    size_t src_off);
};

struct block_dev {
	const struct block_ops *ops;
	void *priv;
	char name[8];	      /* "blk0", set by block_register */
	uint64_t sectors;     /* capacity in 512-byte sectors (may be 0) */
	uint32_t block_size;  /* logical block size in bytes */
	uint32_t max_sectors; /* largest request the driver takes, >= 1 */
	bool read_only;
};

/* Adds b (checked: block_size, max_sectors) as blkN; SVSM_E_BUSY when full. */
enum svsm_err __must_check block_register(struct block_dev *b);
/* Removes b (tests, a device that went away). */
void block_unregister(struct block_dev *b);
/* Registered device `index`, or NULL. */
struct block_dev *block_get(unsigned int index);

/* Sector-addressed I/O: `sectors` x 512 bytes at `buf`. */
enum svsm_err __must_check block_read(struct block_dev *b, uint64_t sector,
				      void *buf, uint64_t sectors);
enum svsm_err __must_check block_write(struct block_dev *b, uint64_t sector,
				       const void *buf, uint64_t sectors);
/* Makes every completed write durable. */
enum svsm_err __must_check block_flush(struct block_dev *b);

/* Block-addressed I/O in units of b->block_size. */
enum svsm_err __must_check block_read_blocks(struct block_dev *b,
					     uint64_t block, void *buf,
					     uint64_t blocks);
enum svsm_err __must_check block_write_blocks(struct block_dev *b,
					      uint64_t block, const void *buf,
					      uint64_t blocks);
/*
 * Byte-addressed I/O into and out of a file-system buffer, checked like
 * the rest and split into pieces of max_sectors; the driver copies each
 * byte once (read_to/write_from). Reads take any offset and length inside
 * the device; writes take whole sectors. SVSM_E_UNSUPPORTED when the
 * driver has no such operation, SVSM_E_FAULT when the buffer faults.
 */
enum svsm_err __must_check block_read_buf(struct block_dev *b, uint64_t off,
					  uint64_t len, struct fs_buf *dst);
enum svsm_err __must_check block_write_buf(struct block_dev *b, uint64_t sector,
					   uint64_t sectors,
					   struct fs_buf *src);
/*
 * Offers b to tasks as the device file `path` (its directory must exist):
 * reads of any offset and length, end of file at the capacity; writes of
 * whole sectors at sector offsets (-EINVAL otherwise), -EROFS on a
 * read-only device, -ENOSPC at the end; -EIO for a device error. The
 * file system's error (-EEXIST, -ENOENT) as is; -EOPNOTSUPP (negated)
 * when the driver cannot copy into a task's buffer.
 */
int __must_check block_file_create(struct block_dev *b, const char *path);

/* Capacity in logical blocks (a partial block at the end is not counted). */
uint64_t block_count_blocks(const struct block_dev *b);
