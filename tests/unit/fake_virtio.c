/* SPDX-License-Identifier: MIT */
/* The fake virtio transport and device of fake_virtio.h. */
#include "fake_virtio.h"

#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"

#include "abi/virtio.h"

static struct fake_vdev *fv(struct virtio_dev *d)
{
	return d->priv;
}

static uint8_t get_status(struct virtio_dev *d)
{
	return fv(d)->status;
}

static void set_status(struct virtio_dev *d, uint8_t s)
{
	struct fake_vdev *f = fv(d);

	if (s == 0) {
		f->resets++;
		f->enabled = false;
		f->next_avail = f->used_idx = 0;
		f->accepted = 0;
		f->status = f->stuck_reset ? VIRTIO_STATUS_DRIVER : 0;
		return;
	}
	if ((s & VIRTIO_STATUS_FEATURES_OK) && f->refuse_features)
		s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	f->status = s;
}

static uint64_t get_features(struct virtio_dev *d)
{
	return fv(d)->offered;
}

static void set_features(struct virtio_dev *d, uint64_t feat)
{
	fv(d)->accepted = feat;
}

static uint32_t config_generation(struct virtio_dev *d)
{
	struct fake_vdev *f = fv(d);

	return f->generation_spins ? f->generation++ : f->generation;
}

static enum svsm_err config_read(struct virtio_dev *d, uint32_t off,
				 unsigned int width, uint32_t *out)
{
	struct fake_vdev *f = fv(d);

	*out = 0;
	if (off + width > f->config_len)
		return SVSM_E_INVAL;
	memcpy(out, f->config + off, width);
	return SVSM_OK;
}

static uint16_t queue_max(struct virtio_dev *d, uint16_t q)
{
	return q == 0 ? fv(d)->qmax : 0;
}

static enum svsm_err queue_enable(struct virtio_dev *d, uint16_t q,
				  uint16_t size, paddr_t desc, paddr_t avail,
				  paddr_t used)
{
	struct fake_vdev *f = fv(d);

	if (q != 0 || size > f->qmax)
		return SVSM_E_INVAL;
	f->enabled = true;
	f->qsize = size;
	f->desc_pa = pa_val(desc);
	f->avail_pa = pa_val(avail);
	f->used_pa = pa_val(used);
	f->next_avail = f->used_idx = 0;
	return SVSM_OK;
}

static void notify(struct virtio_dev *d, uint16_t q)
{
	struct fake_vdev *f = fv(d);

	(void)q;
	f->notifies++;
	if (f->run_on_notify)
		fake_vdev_run(f);
}

static void wait(struct virtio_dev *d, uint32_t us)
{
	struct fake_vdev *f = fv(d);

	f->waited_us += us;
	fake_vdev_run(f);
}

static const struct virtio_ops fake_ops = {
	.get_status = get_status,
	.set_status = set_status,
	.get_features = get_features,
	.set_features = set_features,
	.config_generation = config_generation,
	.config_read = config_read,
	.queue_max = queue_max,
	.queue_enable = queue_enable,
	.notify = notify,
	.wait = wait,
};

void fake_vdev_init(struct fake_vdev *f)
{
	memset(f, 0, sizeof(*f));
	f->vdev.ops = &fake_ops;
	f->vdev.priv = f;
	f->vdev.name = "fake";
	f->offered = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		     VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM);
	f->qmax = 8;
	f->config_len = sizeof(f->config);
}

void fake_vdev_blk(struct fake_vdev *f, uint64_t sectors, uint64_t features)
{
	f->vdev.device_id = VIRTIO_ID_BLOCK;
	f->blk = true;
	f->offered |= features;
	f->disk_sectors = sectors;
	/* A huge capacity (config checks) gets no real disk. */
	f->disk = calloc(sectors && sectors < (1u << 16) ? sectors : 1, 512);
	memcpy(f->config + VIRTIO_BLK_CFG_CAPACITY, &sectors, 8);
	f->blk_ro = features & VIRTIO_BIT(VIRTIO_BLK_F_RO);
}

void fake_vdev_free(struct fake_vdev *f)
{
	free(f->disk);
	f->disk = NULL;
}

static void *mem(uint64_t pa, uint64_t len)
{
	void *p = arch_phys_to_virt(pa, len);

	if (!p)
		abort(); /* the driver gave the device a bad address */
	return p;
}

/* Copies the chain at head into/out of a flat view; returns writable bytes. */
struct chain {
	uint16_t idx[64];
	unsigned int n;
};

static void walk(struct fake_vdev *f, uint16_t head, struct chain *c)
{
	struct virtq_desc *desc = mem(f->desc_pa, 16u * f->qsize);
	uint16_t i = head;

	c->n = 0;
	for (;;) {
		if (i >= f->qsize || c->n >= 64)
			abort(); /* the driver built a bad chain */
		c->idx[c->n++] = i;
		if (!(desc[i].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = desc[i].next;
	}
}

/* virtio-blk: serves the request; returns bytes written to the driver. */
static uint32_t serve_blk(struct fake_vdev *f, const struct chain *c)
{
	struct virtq_desc *desc = mem(f->desc_pa, 16u * f->qsize);
	struct virtio_blk_req_hdr h;
	struct virtq_desc *st = &desc[c->idx[c->n - 1]];
	uint64_t off;
	uint32_t written = 1;
	uint8_t status = VIRTIO_BLK_S_OK;

	memcpy(&h, mem(desc[c->idx[0]].addr, sizeof(h)), sizeof(h));
	off = h.sector * 512;
	for (unsigned int k = 1; k + 1 < c->n; k++) {
		struct virtq_desc *d = &desc[c->idx[k]];
		uint8_t *p = mem(d->addr, d->len);

		if (h.type != VIRTIO_BLK_T_IN && h.type != VIRTIO_BLK_T_OUT)
			break;
		if (off + d->len > f->disk_sectors * 512) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		if (h.type == VIRTIO_BLK_T_IN) {
			memcpy(p, f->disk + off, d->len);
			written += d->len;
		} else if (f->blk_ro) {
			status = VIRTIO_BLK_S_IOERR;
		} else {
			memcpy(f->disk + off, p, d->len);
		}
		off += d->len;
	}
	if (h.type != VIRTIO_BLK_T_IN && h.type != VIRTIO_BLK_T_OUT &&
	    h.type != VIRTIO_BLK_T_FLUSH)
		status = VIRTIO_BLK_S_UNSUPP;
	if (f->lie == FAKE_STATUS_IOERR)
		status = VIRTIO_BLK_S_IOERR;
	if (f->lie == FAKE_STATUS_JUNK)
		status = 0x7f;
	if (f->lie != FAKE_NO_STATUS)
		*(uint8_t *)mem(st->addr, 1) = status;
	return written;
}

static uint32_t serve_plain(struct fake_vdev *f, const struct chain *c)
{
	struct virtq_desc *desc = mem(f->desc_pa, 16u * f->qsize);
	uint32_t written = 0;

	for (unsigned int k = 0; k < c->n; k++) {
		struct virtq_desc *d = &desc[c->idx[k]];

		if (d->flags & VIRTQ_DESC_F_WRITE) {
			memset(mem(d->addr, d->len), FAKE_FILL, d->len);
			written += d->len;
		}
	}
	return written;
}

static void push_used(struct fake_vdev *f, uint32_t id, uint32_t len)
{
	struct virtq_used *u = mem(f->used_pa, 6u + 8u * f->qsize);

	u->ring[f->used_idx % f->qsize].id = id;
	u->ring[f->used_idx % f->qsize].len = len;
	f->used_idx++;
	__atomic_store_n(&u->idx, f->used_idx, __ATOMIC_RELEASE);
}

void fake_vdev_run(struct fake_vdev *f)
{
	struct virtq_avail *a;

	if (f->lie == FAKE_GIVES_UP && (f->status & VIRTIO_STATUS_DRIVER_OK))
		f->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (!f->enabled || !(f->status & VIRTIO_STATUS_DRIVER_OK) ||
	    f->lie == FAKE_SILENT || f->lie == FAKE_GIVES_UP)
		return;
	a = mem(f->avail_pa, 6u + 2u * f->qsize);
	while (f->next_avail != __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE)) {
		uint16_t head = a->ring[f->next_avail % f->qsize];
		struct chain c;
		uint32_t len;
		bool lying = f->lie != FAKE_HONEST;

		if (lying && f->lie_after) {
			f->lie_after--;
			lying = false;
		}

		f->next_avail++;
		walk(f, head, &c);
		len = f->blk ? serve_blk(f, &c) : serve_plain(f, &c);
		f->completions++;
		switch (lying ? f->lie : FAKE_HONEST) {
		case FAKE_ID_RANGE:
			push_used(f, f->qsize + 5u, len);
			break;
		case FAKE_ID_REPEAT:
			push_used(f, f->last_head, len);
			break;
		case FAKE_ID_NOT_HEAD:
			push_used(f,
				  c.n > 1 ? c.idx[1] : (head + 1u) % f->qsize,
				  len);
			break;
		case FAKE_IDX_JUMP:
			push_used(f, head, len);
			f->used_idx = (uint16_t)(f->used_idx + 99);
			push_used(f, head, len);
			break;
		case FAKE_LEN_BEYOND:
			push_used(f, head, len + 4096u);
			break;
		default:
			push_used(f, head, len);
			break;
		}
		f->last_head = head;
		if (lying && f->lie_count && --f->lie_count == 0)
			f->lie = FAKE_HONEST;
	}
}
