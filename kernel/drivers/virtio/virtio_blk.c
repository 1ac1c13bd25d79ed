/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio 1.2 §5.2) behind the block interface, on any virtio
 * transport, one request at a time, polled.
 *
 * Data never goes to the device from private memory: a request is the
 * 16-byte header and the status byte in one shared page, and the data in
 * a shared bounce buffer of VBLK_BOUNCE_BYTES. Writes copy the caller's
 * data into the bounce buffer once; reads copy it out once, and only after
 * the device reported success. A request larger than one page is one
 * chain of up to seg_max segments; the block layer splits anything larger
 * than the bounce buffer.
 *
 * TRUST: the configuration is checked once at attach: capacity (no
 * overflow in bytes), blk_size (a power of two from 512 to 4096),
 * seg_max >= 1, size_max >= 512. The status byte is set to a value the
 * device never uses before each request and read once afterwards; the
 * used length is not relied on, but one beyond the chain fails the
 * request. A device that does not answer within VBLK_TIMEOUT_US, or lies
 * in the used ring, is reset and set up again; the request fails with
 * SVSM_E_TIMEOUT or SVSM_E_HW and later requests are served.
 */
#define LOG_PREFIX "virtio-blk: "
#include <stdint.h>

#include "svsm/block.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/panic.h"
#include "svsm/virtio.h"

#include "abi/virtio.h"

#include "lib/string.h"

#define VBLK_BOUNCE_BYTES 0x10000u /* 64 KiB */
#define VBLK_MAX_SEGS	  16u	   /* data descriptors a request, at most */
#define VBLK_TIMEOUT_US	  (5u * 1000u * 1000u)
#define VBLK_STATUS_OFF	  sizeof(struct virtio_blk_req_hdr)
#define VBLK_STATUS_NONE  0xffu

#define VBLK_FEATURES                                                     \
	(VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |                              \
	 VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_RO) | \
	 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH))

struct virtio_blk {
	struct block_dev bdev;
	struct virtio_dev *vdev;
	struct virtq vq;
	struct shared_buf hdr;	/* header at 0, status byte at 16 */
	struct shared_buf data; /* the bounce buffer */
	uint32_t seg_bytes;	/* bytes per data descriptor */
	uint32_t seg_count;	/* data descriptors per request */
	uint32_t timeout_us;
	bool dead;	  /* reset and set-up failed: every request fails */
	bool needs_reset; /* the device said so while we waited */
};

/* Reads and checks the configuration once (virtio 1.2 §5.2.4). */
static enum svsm_err read_config(struct virtio_blk *vb)
{
	struct virtio_dev *d = vb->vdev;
	uint64_t cap = 0;
	uint64_t v = 0;
	uint32_t segs = VBLK_MAX_SEGS;
	enum svsm_err err;

	err = virtio_config_read(d, VIRTIO_BLK_CFG_CAPACITY, 8, &cap);
	if (err != SVSM_OK)
		return err;
	if (cap > UINT64_MAX / BLOCK_SECTOR_SIZE)
		return SVSM_E_HW;
	vb->bdev.sectors = cap;
	vb->bdev.block_size = BLOCK_SECTOR_SIZE;
	vb->bdev.read_only = d->features & VIRTIO_BIT(VIRTIO_BLK_F_RO);
	if (d->features & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE)) {
		err = virtio_config_read(d, VIRTIO_BLK_CFG_BLK_SIZE, 4, &v);
		if (err != SVSM_OK || v < 512 || v > 4096 || (v & (v - 1)))
			return err != SVSM_OK ? err : SVSM_E_HW;
		vb->bdev.block_size = (uint32_t)v;
	}
	vb->seg_bytes = VBLK_BOUNCE_BYTES;
	if (d->features & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX)) {
		err = virtio_config_read(d, VIRTIO_BLK_CFG_SIZE_MAX, 4, &v);
		if (err != SVSM_OK || v < BLOCK_SECTOR_SIZE)
			return err != SVSM_OK ? err : SVSM_E_HW;
		if (v < vb->seg_bytes)
			vb->seg_bytes =
				ALIGN_DOWN((uint32_t)v, BLOCK_SECTOR_SIZE);
	}
	if (d->features & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX)) {
		err = virtio_config_read(d, VIRTIO_BLK_CFG_SEG_MAX, 4, &v);
		if (err != SVSM_OK || !v)
			return err != SVSM_OK ? err : SVSM_E_HW;
		if (v < segs)
			segs = (uint32_t)v;
	}
	vb->seg_count = segs;
	return SVSM_OK;
}

/* Negotiation, queue and DRIVER_OK: at attach and after every reset. */
static enum svsm_err bring_up(struct virtio_blk *vb, bool first)
{
	struct virtio_dev *d = vb->vdev;
	uint64_t before = d->features;
	enum svsm_err err;

	err = virtio_negotiate(d, VBLK_FEATURES, 0);
	if (err != SVSM_OK)
		return err;
	if (!first && d->features != before) {
		virtio_fail(d);
		return SVSM_E_HW;
	}
	if (first)
		err = read_config(vb);
	if (err == SVSM_OK)
		err = first ? virtq_init(&vb->vq, d, 0, VIRTQ_DRIVER_MAX)
			    : virtq_restart(&vb->vq);
	if (err == SVSM_OK && vb->vq.size < 3)
		err = SVSM_E_HW; /* header, data, status */
	if (err == SVSM_OK)
		err = virtio_driver_ok(d);
	if (err != SVSM_OK)
		virtio_fail(d);
	return err;
}

/*
 * After a timeout or a lying device: reset (virtio_negotiate starts with
 * one), then the same set-up again.
 */
static void recover(struct virtio_blk *vb)
{
	if (bring_up(vb, false) != SVSM_OK) {
		log_notice("%s: device did not come back; failing requests",
			   vb->bdev.name);
		vb->dead = true;
	}
}

static enum svsm_err map_status(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return SVSM_OK;
	case VIRTIO_BLK_S_UNSUPP:
		return SVSM_E_UNSUPPORTED;
	default: /* IOERR, or a value the device may not write */
		return SVSM_E_HW;
	}
}

/*
 * Waits for the one request in flight; bounded by vb->timeout_us. After
 * the first millisecond each poll also reads the device status, so a
 * device that gave up (DEVICE_NEEDS_RESET, virtio 1.2 §2.1.2) fails the
 * request at once instead of at the timeout.
 */
static enum svsm_err wait_done(struct virtio_blk *vb)
{
	struct virtio_dev *d = vb->vdev;
	struct virtq_done done;
	uint64_t waited = 0;

	for (;;) {
		enum svsm_err err = virtq_get_used(&vb->vq, &done);
		uint32_t step = waited < 1000 ? 1 : 50;

		if (err == SVSM_OK) {
			/* Only our chain was in flight, so its token is ours. */
			CHECK(done.token == vb);
			return done.len_fault ? SVSM_E_HW : SVSM_OK;
		}
		if (err != SVSM_E_BUSY)
			return err;
		if (waited >= vb->timeout_us) {
			log_notice("%s: no answer in %u ms; resetting",
				   vb->bdev.name, vb->timeout_us / 1000);
			return SVSM_E_TIMEOUT;
		}
		if (step > 1 && (d->ops->get_status(d) &
				 VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
			log_notice("%s: device needs a reset", vb->bdev.name);
			vb->needs_reset = true;
			return SVSM_E_HW;
		}
		/* Poll tightly first: most requests finish in microseconds. */
		d->ops->wait(d, step);
		waited += step;
	}
}

/* One request: header, `bytes` of bounce data (0 for FLUSH), status. */
static enum svsm_err do_request(struct virtio_blk *vb, uint32_t type,
				uint64_t sector, uint32_t bytes)
{
	struct virtq_buf bufs[VBLK_MAX_SEGS + 2];
	struct virtio_blk_req_hdr h = {.type = type, .sector = sector};
	uint8_t status = VBLK_STATUS_NONE;
	uint16_t n = 0;
	enum svsm_err err;

	if (vb->dead)
		return SVSM_E_HW;
	CHECK(bytes <= VBLK_BOUNCE_BYTES);
	shared_copy_to(&vb->hdr, 0, &h, sizeof(h));
	shared_fill(&vb->hdr, VBLK_STATUS_OFF, VBLK_STATUS_NONE, 1);
	bufs[n++] =
		(struct virtq_buf){shared_pa(&vb->hdr, 0), sizeof(h), false};
	for (uint32_t off = 0; off < bytes; off += vb->seg_bytes) {
		uint32_t len = bytes - off < vb->seg_bytes ? bytes - off
							   : vb->seg_bytes;

		bufs[n++] = (struct virtq_buf){shared_pa(&vb->data, off), len,
					       type == VIRTIO_BLK_T_IN};
	}
	bufs[n++] = (struct virtq_buf){shared_pa(&vb->hdr, VBLK_STATUS_OFF), 1,
				       true};
	err = virtq_add(&vb->vq, bufs, n, vb);
	if (err == SVSM_OK) {
		virtq_kick(&vb->vq);
		err = wait_done(vb);
	}
	if (err == SVSM_E_TIMEOUT || vb->vq.broken || vb->needs_reset) {
		vb->needs_reset = false;
		recover(vb);
		return err == SVSM_OK ? SVSM_E_HW : err;
	}
	if (err != SVSM_OK)
		return err;
	shared_copy_from(&vb->hdr, VBLK_STATUS_OFF, &status, 1);
	return map_status(status);
}

static struct virtio_blk *vb_of(struct block_dev *b)
{
	return b->priv;
}

static enum svsm_err vb_read(struct block_dev *b, uint64_t sector, void *buf,
			     uint32_t sectors)
{
	struct virtio_blk *vb = vb_of(b);
	uint32_t bytes = sectors * BLOCK_SECTOR_SIZE;
	enum svsm_err err = do_request(vb, VIRTIO_BLK_T_IN, sector, bytes);

	if (err == SVSM_OK)
		shared_copy_from(&vb->data, 0, buf, bytes);
	return err;
}

static enum svsm_err vb_write(struct block_dev *b, uint64_t sector,
			      const void *buf, uint32_t sectors)
{
	struct virtio_blk *vb = vb_of(b);
	uint32_t bytes = sectors * BLOCK_SECTOR_SIZE;

	shared_copy_to(&vb->data, 0, buf, bytes);
	return do_request(vb, VIRTIO_BLK_T_OUT, sector, bytes);
}

static enum svsm_err vb_read_to(struct block_dev *b, uint64_t sector,
				uint32_t sectors, uint32_t skip, uint32_t len,
				struct fs_buf *dst, size_t dst_off)
{
	struct virtio_blk *vb = vb_of(b);
	enum svsm_err err;

	CHECK((uint64_t)skip + len <= (uint64_t)sectors * BLOCK_SECTOR_SIZE);
	err = do_request(vb, VIRTIO_BLK_T_IN, sector,
			 sectors * BLOCK_SECTOR_SIZE);
	if (err == SVSM_OK && shared_put(&vb->data, skip, dst, dst_off, len))
		err = SVSM_E_FAULT;
	return err;
}

static enum svsm_err vb_write_from(struct block_dev *b, uint64_t sector,
				   uint32_t sectors, struct fs_buf *src,
				   size_t src_off)
{
	struct virtio_blk *vb = vb_of(b);
	uint32_t bytes = sectors * BLOCK_SECTOR_SIZE;

	if (shared_get(&vb->data, 0, src, src_off, bytes))
		return SVSM_E_FAULT;
	return do_request(vb, VIRTIO_BLK_T_OUT, sector, bytes);
}

static enum svsm_err vb_flush(struct block_dev *b)
{
	struct virtio_blk *vb = vb_of(b);

	/* Without FLUSH the device has no volatile cache (§5.2.6.2). */
	if (!(vb->vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)))
		return SVSM_OK;
	return do_request(vb, VIRTIO_BLK_T_FLUSH, 0, 0);
}

static const struct block_ops vb_ops = {
	.read = vb_read,
	.write = vb_write,
	.flush = vb_flush,
	.read_to = vb_read_to,
	.write_from = vb_write_from,
};

/*
 * Stops the device before its memory is freed. A device that does not
 * finish its reset may still write its rings and buffers: those pages are
 * then never returned to the allocator (see free_vb).
 */
static bool stop(struct virtio_dev *d)
{
	if (virtio_reset(d) == SVSM_OK)
		return true;
	virtio_fail(d);
	return false;
}

static void free_vb(struct virtio_blk *vb, bool stopped)
{
	if (stopped) {
		if (vb->vq.slot)
			virtq_destroy(&vb->vq);
		shared_free(&vb->hdr);
		shared_free(&vb->data);
	} else {
		log_notice("%s: device still running; its %llu KiB of shared "
			   "pages are not reused",
			   vb->bdev.name[0] ? vb->bdev.name : vb->vdev->name,
			   (unsigned long long)(vb->vq.ring.size +
						vb->hdr.size + vb->data.size) /
				   1024);
		kfree(vb->vq.slot);
	}
	kfree(vb);
}

enum svsm_err virtio_blk_attach(struct virtio_dev *d, struct block_dev **out)
{
	struct virtio_blk *vb = kmalloc(sizeof(*vb));
	enum svsm_err err;
	uint32_t max_bytes;

	*out = NULL;
	if (!vb)
		return SVSM_E_NOMEM;
	memset(vb, 0, sizeof(*vb));
	vb->vdev = d;
	vb->timeout_us = VBLK_TIMEOUT_US;
	err = shared_alloc(PAGE_SIZE, &vb->hdr);
	if (err == SVSM_OK)
		err = shared_alloc(VBLK_BOUNCE_BYTES, &vb->data);
	if (err == SVSM_OK)
		err = bring_up(vb, true);
	if (err != SVSM_OK) {
		free_vb(vb, stop(d));
		return err;
	}
	/* Header and status take two descriptors of the queue. */
	if (vb->seg_count > vb->vq.size - 2u)
		vb->seg_count = vb->vq.size - 2u;
	max_bytes = vb->seg_bytes * vb->seg_count;
	if (max_bytes > VBLK_BOUNCE_BYTES ||
	    max_bytes / vb->seg_count != vb->seg_bytes)
		max_bytes = VBLK_BOUNCE_BYTES;
	vb->bdev.ops = &vb_ops;
	vb->bdev.priv = vb;
	vb->bdev.max_sectors = max_bytes / BLOCK_SECTOR_SIZE;
	err = block_register(&vb->bdev);
	if (err != SVSM_OK) {
		free_vb(vb, stop(d));
		return err;
	}
	log_info("%s: features 0x%llx, %u segments of %u bytes a request",
		 vb->bdev.name, (unsigned long long)d->features, vb->seg_count,
		 vb->seg_bytes);
	*out = &vb->bdev;
	return SVSM_OK;
}

void virtio_blk_detach(struct block_dev *b)
{
	struct virtio_blk *vb = vb_of(b);

	block_unregister(b);
	free_vb(vb, stop(vb->vdev));
}
