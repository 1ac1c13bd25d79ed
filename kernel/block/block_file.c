/* SPDX-License-Identifier: MIT */
/*
 * A block device as a file for tasks (a device node of kernel/fs), so
 * that one static program reads a disk the same way under csvsm and
 * under Linux (/dev/vda). The bytes move once, between the driver's
 * shared bounce buffer and the task's buffer (block_read_buf and
 * block_write_buf, the drivers' read_to and write_from).
 *
 * Linux's semantics for a block device, where csvsm can follow them:
 * reads of any offset and length, end of file at the capacity; writes
 * only in whole sectors at sector offsets (Linux would read-modify-write
 * a partial sector through its page cache; csvsm has none, so it refuses
 * with -EINVAL, as Linux does for O_DIRECT), -EROFS for a read-only disk,
 * -ENOSPC at the end, -EIO when the device fails. A count already moved
 * is returned before an error, as Linux does.
 *
 * TRUST: the offset and length come from a task; every request passes the
 * block layer's checks before the driver sees it.
 */
#include <stdint.h>

#include "svsm/block.h"
#include "svsm/fs.h"

#include "abi/linux.h"

/* Linux's errno for a block-layer error. */
static long to_errno(enum svsm_err err)
{
	switch (err) {
	case SVSM_E_FAULT:
		return -LINUX_EFAULT;
	case SVSM_E_NOMEM:
		return -LINUX_ENOMEM;
	case SVSM_E_INVAL:
		return -LINUX_EINVAL;
	default:
		return -LINUX_EIO;
	}
}

static long bf_read(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct block_dev *b = ctx;
	uint64_t cap = b->sectors * BLOCK_SECTOR_SIZE;
	uint64_t want = buf->size;
	enum svsm_err err;

	if (off >= cap || !want)
		return 0;
	if (want > cap - off)
		want = cap - off;
	err = block_read_buf(b, off, want, buf);
	return err == SVSM_OK ? (long)want : to_errno(err);
}

static long bf_write(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct block_dev *b = ctx;
	uint64_t want = buf->size;
	enum svsm_err err;

	if (b->read_only)
		return -LINUX_EROFS;
	if (off % BLOCK_SECTOR_SIZE || want % BLOCK_SECTOR_SIZE)
		return -LINUX_EINVAL;
	if (!want)
		return 0;
	if (off / BLOCK_SECTOR_SIZE >= b->sectors)
		return -LINUX_ENOSPC;
	if (want / BLOCK_SECTOR_SIZE > b->sectors - off / BLOCK_SECTOR_SIZE)
		want = (b->sectors - off / BLOCK_SECTOR_SIZE) *
		       BLOCK_SECTOR_SIZE;
	err = block_write_buf(b, off / BLOCK_SECTOR_SIZE,
			      want / BLOCK_SECTOR_SIZE, buf);
	return err == SVSM_OK ? (long)want : to_errno(err);
}

static const struct fs_dev_ops block_file_ops = {
	.read = bf_read,
	.write = bf_write,
};

int block_file_create(struct block_dev *b, const char *path)
{
	if (!b->ops->read_to || !b->ops->write_from)
		return -LINUX_EOPNOTSUPP;
	return fs_mkdev(path, &block_file_ops, b);
}
