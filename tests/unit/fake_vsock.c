/* SPDX-License-Identifier: MIT */
/* The fake virtio-vsock device and peer of fake_vsock.h. */
#include "fake_vsock.h"

#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"

static struct fake_vsock *fvs(struct virtio_dev *d)
{
	return d->priv;
}

static void *mem(uint64_t pa, uint64_t len)
{
	void *p = arch_phys_to_virt(pa, len);

	if (!p)
		abort(); /* the driver gave the device a bad address */
	return p;
}

static uint8_t get_status(struct virtio_dev *d)
{
	return fvs(d)->status;
}

static void set_status(struct virtio_dev *d, uint8_t s)
{
	struct fake_vsock *f = fvs(d);

	if (s == 0) {
		f->resets++;
		memset(f->q, 0, sizeof(f->q));
		f->accepted = 0;
	}
	f->status = s;
}

static uint64_t get_features(struct virtio_dev *d)
{
	return fvs(d)->offered;
}

static void set_features(struct virtio_dev *d, uint64_t feat)
{
	fvs(d)->accepted = feat;
}

static uint32_t config_generation(struct virtio_dev *d)
{
	(void)d;
	return 0;
}

static enum svsm_err config_read(struct virtio_dev *d, uint32_t off,
				 unsigned int width, uint32_t *out)
{
	uint64_t cid = fvs(d)->cid;

	*out = 0;
	if (off + width > 8)
		return SVSM_E_INVAL;
	memcpy(out, (uint8_t *)&cid + off, width);
	return SVSM_OK;
}

static uint16_t queue_max(struct virtio_dev *d, uint16_t q)
{
	return q < 3 ? fvs(d)->qmax : 0;
}

static enum svsm_err queue_enable(struct virtio_dev *d, uint16_t q,
				  uint16_t size, paddr_t desc, paddr_t avail,
				  paddr_t used)
{
	struct fake_vsock *f = fvs(d);

	if (q >= 3 || size > f->qmax)
		return SVSM_E_INVAL;
	f->q[q] = (struct fake_vq){
		true, size, pa_val(desc), pa_val(avail), pa_val(used), 0, 0};
	return SVSM_OK;
}

static void run_tx(struct fake_vsock *f);

/* A kick on tx sends the packets at once; answers wait for a poll. */
static void notify(struct virtio_dev *d, uint16_t q)
{
	if (q == VIRTIO_VSOCK_Q_TX)
		run_tx(fvs(d));
}

static void wait_us(struct virtio_dev *d, uint32_t us)
{
	struct fake_vsock *f = fvs(d);

	f->waited_us += us;
	fake_vsock_run(f);
}

static const struct virtio_ops fake_vsock_ops = {
	.get_status = get_status,
	.set_status = set_status,
	.get_features = get_features,
	.set_features = set_features,
	.config_generation = config_generation,
	.config_read = config_read,
	.queue_max = queue_max,
	.queue_enable = queue_enable,
	.notify = notify,
	.wait = wait_us,
};

void fake_vsock_init(struct fake_vsock *f, uint16_t qmax)
{
	memset(f, 0, sizeof(*f));
	f->vdev.ops = &fake_vsock_ops;
	f->vdev.priv = f;
	f->vdev.name = "fake-vsock";
	f->vdev.device_id = VIRTIO_ID_VSOCK;
	f->offered = VIRTIO_BIT(VIRTIO_F_VERSION_1);
	f->cid = FAKE_VSOCK_CID;
	f->qmax = qmax;
	f->buf_alloc = 256 * 1024;
	f->consume = true;
	f->inject = calloc(FAKE_VSOCK_INJECT, sizeof(*f->inject));
	if (!f->inject)
		abort();
}

void fake_vsock_free(struct fake_vsock *f)
{
	free(f->inject);
	free(f->received);
	f->inject = NULL;
	f->received = NULL;
}

/* The next available chain's head on queue q, or -1. */
static int next_chain(struct fake_vsock *f, unsigned int q)
{
	struct fake_vq *vq = &f->q[q];
	struct virtq_avail *a;
	uint16_t idx;

	if (!vq->enabled || !(f->status & VIRTIO_STATUS_DRIVER_OK))
		return -1;
	a = mem(vq->avail_pa, 4u + 2u * vq->size);
	idx = __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE);
	if (idx == vq->next_avail)
		return -1;
	return a->ring[vq->next_avail++ % vq->size];
}

static void push_used(struct fake_vsock *f, unsigned int q, uint32_t id,
		      uint32_t len, uint16_t step)
{
	struct fake_vq *vq = &f->q[q];
	struct virtq_used *u = mem(vq->used_pa, 4u + 8u * vq->size);

	u->ring[vq->used_idx % vq->size].id = id;
	u->ring[vq->used_idx % vq->size].len = len;
	vq->used_idx = (uint16_t)(vq->used_idx + step);
	__atomic_store_n(&u->idx, vq->used_idx, __ATOMIC_RELEASE);
}

static struct virtq_desc *desc_of(struct fake_vsock *f, unsigned int q,
				  uint16_t i)
{
	struct fake_vq *vq = &f->q[q];

	if (i >= vq->size)
		abort();
	return (struct virtq_desc *)mem(vq->desc_pa, 16u * vq->size) + i;
}

static void peer_answer(struct fake_vsock *f, const struct virtio_vsock_hdr *h,
			const uint8_t *payload)
{
	switch (h->op) {
	case VIRTIO_VSOCK_OP_REQUEST:
		fake_vsock_inject(f, h->dst_port, h->src_port,
				  f->refuse ? VIRTIO_VSOCK_OP_RST
					    : VIRTIO_VSOCK_OP_RESPONSE,
				  0, NULL, 0);
		break;
	case VIRTIO_VSOCK_OP_RW:
		if (f->received_len + h->len > f->received_cap) {
			f->received_cap = (f->received_cap + h->len) * 2;
			f->received = realloc(f->received, f->received_cap);
			if (!f->received)
				abort();
		}
		memcpy(f->received + f->received_len, payload, h->len);
		f->received_len += h->len;
		if (f->consume)
			f->fwd_cnt += h->len;
		if (f->consume && f->fwd_cnt - f->fwd_cnt_told >= 32768u) {
			f->fwd_cnt_told = f->fwd_cnt;
			fake_vsock_inject(f, h->dst_port, h->src_port,
					  VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0,
					  NULL, 0);
		}
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		f->fwd_cnt_told = f->fwd_cnt;
		fake_vsock_inject(f, h->dst_port, h->src_port,
				  VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
		break;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		if ((h->flags & 3u) == 3u && !f->no_rst_on_close)
			fake_vsock_inject(f, h->dst_port, h->src_port,
					  VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
		break;
	default:
		break;
	}
}

static void run_tx(struct fake_vsock *f)
{
	int head;

	while ((head = next_chain(f, VIRTIO_VSOCK_Q_TX)) >= 0) {
		uint8_t pkt[8192];
		uint32_t n = 0;
		uint16_t i = (uint16_t)head;
		struct virtio_vsock_hdr h;

		for (;;) {
			struct virtq_desc *d = desc_of(f, VIRTIO_VSOCK_Q_TX, i);

			if ((d->flags & VIRTQ_DESC_F_WRITE) ||
			    n + d->len > sizeof(pkt))
				abort(); /* tx buffers are device-readable */
			memcpy(pkt + n, mem(d->addr, d->len), d->len);
			n += d->len;
			if (!(d->flags & VIRTQ_DESC_F_NEXT))
				break;
			i = d->next;
		}
		push_used(f, VIRTIO_VSOCK_Q_TX, (uint16_t)head, 0, 1);
		if (n < sizeof(h))
			abort();
		memcpy(&h, pkt, sizeof(h));
		if (h.len != n - sizeof(h) || h.src_cid != f->cid ||
		    h.dst_cid != VIRTIO_VSOCK_CID_HOST ||
		    h.type != VIRTIO_VSOCK_TYPE_STREAM)
			abort(); /* the driver sent a malformed packet */
		if (f->sent_count < FAKE_VSOCK_LOG)
			f->sent[f->sent_count++] = h;
		if (!f->silent)
			peer_answer(f, &h, pkt + sizeof(h));
	}
}

static void run_rx(struct fake_vsock *f)
{
	while (f->inject_count) {
		struct fake_vsock_pkt *p =
			&f->inject[f->inject_head % FAKE_VSOCK_INJECT];
		int head = next_chain(f, VIRTIO_VSOCK_Q_RX);
		struct virtq_desc *d;

		if (head < 0)
			return;
		d = desc_of(f, VIRTIO_VSOCK_Q_RX, (uint16_t)head);
		if (!(d->flags & VIRTQ_DESC_F_WRITE))
			abort();
		memcpy(mem(d->addr, d->len), p->bytes,
		       p->len < d->len ? p->len : d->len);
		push_used(f, VIRTIO_VSOCK_Q_RX, (uint16_t)head, p->used_len,
			  f->rx_idx_jump ? 100 : 1);
		f->rx_idx_jump = false;
		f->inject_head++;
		f->inject_count--;
	}
}

void fake_vsock_run(struct fake_vsock *f)
{
	run_tx(f);
	run_rx(f);
}

void fake_vsock_inject_raw(struct fake_vsock *f, const void *bytes,
			   uint32_t len, uint32_t used_len)
{
	struct fake_vsock_pkt *p;

	if (f->inject_count == FAKE_VSOCK_INJECT || len > sizeof(p->bytes))
		abort();
	p = &f->inject[(f->inject_head + f->inject_count++) %
		       FAKE_VSOCK_INJECT];
	memcpy(p->bytes, bytes, len);
	p->len = len;
	p->used_len = used_len;
}

void fake_vsock_inject(struct fake_vsock *f, uint32_t src_port,
		       uint32_t dst_port, uint16_t op, uint32_t flags,
		       const void *payload, uint32_t len)
{
	uint8_t buf[4096 + 64];
	struct virtio_vsock_hdr h = {
		.src_cid = VIRTIO_VSOCK_CID_HOST,
		.dst_cid = f->cid,
		.src_port = src_port,
		.dst_port = dst_port,
		.len = len,
		.type = VIRTIO_VSOCK_TYPE_STREAM,
		.op = op,
		.flags = flags,
		.buf_alloc = f->buf_alloc,
		.fwd_cnt = f->fwd_cnt,
	};

	if (len > sizeof(buf) - sizeof(h))
		abort();
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	fake_vsock_inject_raw(f, buf, (uint32_t)sizeof(h) + len,
			      (uint32_t)sizeof(h) + len);
}

void fake_vsock_event(struct fake_vsock *f, uint32_t id)
{
	int head = next_chain(f, VIRTIO_VSOCK_Q_EVENT);
	struct virtq_desc *d;

	if (head < 0)
		abort();
	d = desc_of(f, VIRTIO_VSOCK_Q_EVENT, (uint16_t)head);
	memcpy(mem(d->addr, 4), &id, 4);
	push_used(f, VIRTIO_VSOCK_Q_EVENT, (uint16_t)head, 4, 1);
}

unsigned int fake_vsock_count(const struct fake_vsock *f, uint16_t op,
			      unsigned int from)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < f->sent_count; i++)
		n += f->sent[i].op == op;
	return n;
}
