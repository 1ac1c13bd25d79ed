/* SPDX-License-Identifier: MIT */
/*
 * The block layer (include/svsm/block.h): a small registry of devices and
 * the checks every request passes before a driver sees it: a non-zero
 * count, no overflow, inside the device, not a write to a read-only
 * device. Requests are split into pieces of at most max_sectors, in
 * order; the first failing piece ends the request with its error (the
 * pieces before it are done: a block device gives no atomicity beyond one
 * sector, and the store above it is written to cope).
 */
#define LOG_PREFIX "block: "
#include "svsm/block.h"

#include <stdint.h>

#include "svsm/log.h"
#include "svsm/spinlock.h"

#include "lib/format.h"

static struct block_dev *devices[BLOCK_MAX_DEVICES];
static struct spinlock block_lock;

enum svsm_err block_register(struct block_dev *b)
{
	uint32_t bs = b->block_size;

	if (!b->ops || !b->ops->read || !b->ops->write || !b->ops->flush ||
	    bs < BLOCK_SECTOR_SIZE || bs > 4096 || (bs & (bs - 1)) ||
	    !b->max_sectors)
		return SVSM_E_INVAL;
	spin_lock(&block_lock);
	for (unsigned int i = 0; i < BLOCK_MAX_DEVICES; i++) {
		if (devices[i])
			continue;
		devices[i] = b;
		spin_unlock(&block_lock);
		fmt_snprintf(b->name, sizeof(b->name), "blk%u", i);
		log_info("%s: %llu sectors of 512 bytes, block size %u%s",
			 b->name, (unsigned long long)b->sectors, bs,
			 b->read_only ? ", read-only" : "");
		return SVSM_OK;
	}
	spin_unlock(&block_lock);
	return SVSM_E_BUSY;
}

void block_unregister(struct block_dev *b)
{
	spin_lock(&block_lock);
	for (unsigned int i = 0; i < BLOCK_MAX_DEVICES; i++)
		if (devices[i] == b)
			devices[i] = NULL;
	spin_unlock(&block_lock);
}

struct block_dev *block_get(unsigned int index)
{
	struct block_dev *b = NULL;

	spin_lock(&block_lock);
	if (index < BLOCK_MAX_DEVICES)
		b = devices[index];
	spin_unlock(&block_lock);
	return b;
}

static enum svsm_err check(const struct block_dev *b, uint64_t sector,
			   uint64_t sectors)
{
	uint64_t end;
	uint64_t bytes;

	if (!sectors || __builtin_add_overflow(sector, sectors, &end) ||
	    end > b->sectors ||
	    __builtin_mul_overflow(sectors, BLOCK_SECTOR_SIZE, &bytes))
		return SVSM_E_INVAL;
	return SVSM_OK;
}

enum svsm_err block_read(struct block_dev *b, uint64_t sector, void *buf,
			 uint64_t sectors)
{
	uint8_t *p = buf;
	enum svsm_err err = check(b, sector, sectors);

	while (err == SVSM_OK && sectors) {
		uint32_t n = sectors < b->max_sectors ? (uint32_t)sectors
						      : b->max_sectors;

		err = b->ops->read(b, sector, p, n);
		p += (uint64_t)n * BLOCK_SECTOR_SIZE;
		sector += n;
		sectors -= n;
	}
	return err;
}

enum svsm_err block_write(struct block_dev *b, uint64_t sector, const void *buf,
			  uint64_t sectors)
{
	const uint8_t *p = buf;
	enum svsm_err err = check(b, sector, sectors);

	if (err == SVSM_OK && b->read_only)
		err = SVSM_E_UNSUPPORTED;
	while (err == SVSM_OK && sectors) {
		uint32_t n = sectors < b->max_sectors ? (uint32_t)sectors
						      : b->max_sectors;

		err = b->ops->write(b, sector, p, n);
		p += (uint64_t)n * BLOCK_SECTOR_SIZE;
		sector += n;
		sectors -= n;
	}
	return err;
}

enum svsm_err block_flush(struct block_dev *b)
{
	/* Nothing was written to a read-only device: nothing to flush. */
	if (b->read_only)
		return SVSM_OK;
	return b->ops->flush(b);
}

enum svsm_err block_read_buf(struct block_dev *b, uint64_t off, uint64_t len,
			     struct fs_buf *dst)
{
	uint64_t end;
	size_t done = 0;
	enum svsm_err err = SVSM_OK;

	if (!b->ops->read_to)
		return SVSM_E_UNSUPPORTED;
	if (!len || __builtin_add_overflow(off, len, &end) ||
	    end > b->sectors * BLOCK_SECTOR_SIZE)
		return SVSM_E_INVAL;
	while (err == SVSM_OK && done < len) {
		uint64_t pos = off + done;
		uint32_t skip = (uint32_t)(pos % BLOCK_SECTOR_SIZE);
		uint64_t room =
			(uint64_t)b->max_sectors * BLOCK_SECTOR_SIZE - skip;
		uint32_t n = (uint32_t)(len - done < room ? len - done : room);
		uint32_t sectors =
			(skip + n + BLOCK_SECTOR_SIZE - 1) / BLOCK_SECTOR_SIZE;

		err = b->ops->read_to(b, pos / BLOCK_SECTOR_SIZE, sectors, skip,
				      n, dst, done);
		done += n;
	}
	return err;
}

enum svsm_err block_write_buf(struct block_dev *b, uint64_t sector,
			      uint64_t sectors, struct fs_buf *src)
{
	size_t done = 0;
	enum svsm_err err = check(b, sector, sectors);

	if (err == SVSM_OK && !b->ops->write_from)
		err = SVSM_E_UNSUPPORTED;
	if (err == SVSM_OK && b->read_only)
		err = SVSM_E_UNSUPPORTED;
	while (err == SVSM_OK && sectors) {
		uint32_t n = sectors < b->max_sectors ? (uint32_t)sectors
						      : b->max_sectors;

		err = b->ops->write_from(b, sector, n, src, done);
		done += (size_t)n * BLOCK_SECTOR_SIZE;
		sector += n;
		sectors -= n;
	}
	return err;
}

/* Blocks to sectors, refusing overflow. */
static enum svsm_err to_sectors(const struct block_dev *b, uint64_t block,
				uint64_t blocks, uint64_t *sector,
				uint64_t *sectors)
{
	uint64_t per = b->block_size / BLOCK_SECTOR_SIZE;

	if (__builtin_mul_overflow(block, per, sector) ||
	    __builtin_mul_overflow(blocks, per, sectors))
		return SVSM_E_INVAL;
	return SVSM_OK;
}

enum svsm_err block_read_blocks(struct block_dev *b, uint64_t block, void *buf,
				uint64_t blocks)
{
	uint64_t sector = 0;
	uint64_t sectors = 0;
	enum svsm_err err = to_sectors(b, block, blocks, &sector, &sectors);

	return err == SVSM_OK ? block_read(b, sector, buf, sectors) : err;
}

enum svsm_err block_write_blocks(struct block_dev *b, uint64_t block,
				 const void *buf, uint64_t blocks)
{
	uint64_t sector = 0;
	uint64_t sectors = 0;
	enum svsm_err err = to_sectors(b, block, blocks, &sector, &sectors);

	return err == SVSM_OK ? block_write(b, sector, buf, sectors) : err;
}

uint64_t block_count_blocks(const struct block_dev *b)
{
	return b->sectors / (b->block_size / BLOCK_SECTOR_SIZE);
}
