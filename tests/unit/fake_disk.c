/* SPDX-License-Identifier: MIT */
/* The stopping in-memory block device of fake_disk.h. */
#include "fake_disk.h"

#include <stdlib.h>
#include <string.h>

static enum svsm_err disk_read(struct block_dev *b, uint64_t sector, void *buf,
			       uint32_t sectors)
{
	struct fake_disk *d = b->priv;

	memcpy(buf, d->image + sector * BLOCK_SECTOR_SIZE,
	       (size_t)sectors * BLOCK_SECTOR_SIZE);
	return SVSM_OK;
}

static enum svsm_err disk_write(struct block_dev *b, uint64_t sector,
				const void *buf, uint32_t sectors)
{
	struct fake_disk *d = b->priv;
	uint32_t n = sectors;

	if (d->stopped)
		return SVSM_E_HW;
	if (d->writes == d->stop_after) {
		d->stopped = true;
		n = d->torn_sectors < sectors ? d->torn_sectors : sectors;
	}
	memcpy(d->image + sector * BLOCK_SECTOR_SIZE, buf,
	       (size_t)n * BLOCK_SECTOR_SIZE);
	d->sectors_written += n;
	if (d->stopped)
		return SVSM_E_HW;
	d->writes++;
	return SVSM_OK;
}

static enum svsm_err disk_flush(struct block_dev *b)
{
	struct fake_disk *d = b->priv;

	if (d->stopped)
		return SVSM_E_HW;
	d->flushes++;
	return SVSM_OK;
}

static const struct block_ops disk_ops = {
	.read = disk_read,
	.write = disk_write,
	.flush = disk_flush,
};

void fake_disk_init(struct fake_disk *d, uint64_t sectors)
{
	memset(d, 0, sizeof(*d));
	d->image = calloc(sectors, BLOCK_SECTOR_SIZE);
	d->dev.ops = &disk_ops;
	d->dev.priv = d;
	memcpy(d->dev.name, "fake0", 6);
	d->dev.sectors = d->image ? sectors : 0;
	d->dev.block_size = BLOCK_SECTOR_SIZE;
	/* Small pieces, so one store block is several device writes. */
	d->dev.max_sectors = 8;
	d->stop_after = FAKE_DISK_NO_STOP;
}

void fake_disk_free(struct fake_disk *d)
{
	free(d->image);
	d->image = NULL;
}

void fake_disk_plan(struct fake_disk *d, uint64_t stop_after,
		    uint32_t torn_sectors)
{
	d->writes = 0;
	d->sectors_written = 0;
	d->flushes = 0;
	d->stop_after = stop_after;
	d->torn_sectors = torn_sectors;
	d->stopped = false;
}

static enum svsm_err counter_read(void *ctx, uint64_t *value)
{
	struct model_counter *c = ctx;

	if (c->fail)
		return SVSM_E_HW;
	*value = c->value;
	return SVSM_OK;
}

static enum svsm_err counter_advance(void *ctx, uint64_t to)
{
	struct model_counter *c = ctx;

	if (c->fail || (c->disk && c->disk->stopped))
		return SVSM_E_HW;
	if (to <= c->value)
		return SVSM_E_INVAL;
	c->value = to;
	c->advances++;
	return SVSM_OK;
}

void model_counter_init(struct model_counter *c, const struct fake_disk *disk)
{
	memset(c, 0, sizeof(*c));
	c->ops.read = counter_read;
	c->ops.advance = counter_advance;
	c->ops.ctx = c;
	c->disk = disk;
}
