/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (virtio 1.2 §2.7) driven by a driver that does not
 * trust its device.
 *
 * TRUST: the device (the host) can write the used ring, and indeed every
 * byte of the ring pages, at any time. What it writes is read once per
 * value (used.idx once per completion, each used entry's id and len once)
 * into private variables, then checked:
 *   - used.idx may move forward by at most the chains in flight
 *     (VIRTQ_FAULT_IDX_JUMP);
 *   - a used id must be below the queue size (VIRTQ_FAULT_ID_RANGE) and the
 *     head of a chain in flight (VIRTQ_FAULT_ID_NOT_HEAD); the in-flight mark
 *     is cleared before the chain is freed, so a repeated completion is
 *     caught;
 *   - a used len beyond the chain's writable bytes is clamped and reported
 *     (VIRTQ_FAULT_LEN), for the caller to fail that one request.
 * The first three leave the queue broken: nothing more is taken from it
 * until the device is reset and virtq_restart() runs. The chains, their
 * lengths and tokens, and the free list live in private memory
 * (struct virtq_slot); descriptors are written, never read back, so a
 * device that rewrites them changes nothing the driver relies on. The
 * device's suppression hints (used.flags) are ignored: the driver always
 * notifies, which costs a notification at worst.
 */
#define LOG_PREFIX "virtq: "
#include <stdint.h>

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/panic.h"
#include "svsm/virtio.h"

#include "lib/string.h"

static struct log_budget vq_log = LOG_BUDGET(16);

/* Byte offsets of the three parts in the ring block (virtio 1.2 §2.7). */
static uint32_t avail_off(uint16_t size)
{
	return (uint32_t)sizeof(struct virtq_desc) * size;
}

static uint32_t used_off(uint16_t size)
{
	return ALIGN_UP(avail_off(size) + VIRTQ_AVAIL_SIZE(size),
			VIRTQ_USED_ALIGN);
}

static uint32_t ring_bytes(uint16_t size)
{
	return used_off(size) + VIRTQ_USED_SIZE(size);
}

/*
 * SAFETY: the only accesses to ring memory besides shared.c. Every offset
 * is computed from the queue size the ring block was allocated for
 * (ring_bytes), slot numbers are reduced modulo that size first, and each
 * field is naturally aligned (the block is page aligned, the parts 16-, 2-
 * and 4-aligned). Stores are single atomic stores; loads are single atomic
 * loads into private variables, so the compiler cannot re-read a value the
 * device may change. x86 keeps stores ordered; the release store of
 * avail.idx and the acquire load of used.idx add the compiler barriers the
 * protocol needs (virtio 1.2 §2.7.13, §2.7.14).
 */
static void *ring_at(const struct virtq *vq, uint32_t off)
{
	CHECK(off < vq->ring.size);
	return (uint8_t *)vq->ring.va + off;
}

static void ring_store16(struct virtq *vq, uint32_t off, uint16_t v, int mo)
{
	__atomic_store_n((uint16_t *)ring_at(vq, off), v, mo);
}

static uint16_t ring_load16(const struct virtq *vq, uint32_t off, int mo)
{
	return __atomic_load_n((const uint16_t *)ring_at(vq, off), mo);
}

static uint32_t ring_load32(const struct virtq *vq, uint32_t off)
{
	return __atomic_load_n((const uint32_t *)ring_at(vq, off),
			       __ATOMIC_RELAXED);
}

static void write_desc(struct virtq *vq, uint16_t i, const struct virtq_buf *b,
		       uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {
		.addr = pa_val(b->pa),
		.len = b->len,
		.flags = flags,
		.next = next,
	};

	shared_copy_to(&vq->ring, (uint64_t)i * sizeof(d), &d, sizeof(d));
}

static void reset_state(struct virtq *vq)
{
	memset(vq->slot, 0, sizeof(*vq->slot) * vq->size);
	for (uint16_t i = 0; i < vq->size; i++)
		vq->slot[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->free_count = vq->size;
	vq->avail_idx = 0;
	vq->last_used = 0;
	vq->in_flight = 0;
	vq->broken = VIRTQ_OK;
	/* Also used.flags = 0 (§2.7.8) and nothing stale for the device. */
	shared_fill(&vq->ring, 0, 0, vq->ring.size);
}

static enum svsm_err enable(struct virtq *vq)
{
	return vq->dev->ops->queue_enable(
		vq->dev, vq->index, vq->size, shared_pa(&vq->ring, 0),
		shared_pa(&vq->ring, avail_off(vq->size)),
		shared_pa(&vq->ring, used_off(vq->size)));
}

enum svsm_err virtq_init(struct virtq *vq, struct virtio_dev *d, uint16_t index,
			 uint16_t max_size)
{
	uint16_t dev_max = d->ops->queue_max(d, index);
	uint16_t size = 1;
	enum svsm_err err;

	memset(vq, 0, sizeof(*vq));
	if (!dev_max || !max_size)
		return SVSM_E_HW;
	if (max_size > VIRTQ_DRIVER_MAX)
		max_size = VIRTQ_DRIVER_MAX;
	/* The largest power of two within both maxima (virtio 1.2 §2.7). */
	while ((uint32_t)size * 2 <= dev_max && (uint32_t)size * 2 <= max_size)
		size = (uint16_t)(size * 2);
	vq->dev = d;
	vq->index = index;
	vq->size = size;
	vq->slot = kmalloc(sizeof(*vq->slot) * size);
	if (!vq->slot)
		return SVSM_E_NOMEM;
	err = shared_alloc(ring_bytes(size), &vq->ring);
	if (err != SVSM_OK) {
		kfree(vq->slot);
		vq->slot = NULL;
		return err;
	}
	reset_state(vq);
	err = enable(vq);
	if (err != SVSM_OK)
		virtq_destroy(vq);
	return err;
}

enum svsm_err virtq_restart(struct virtq *vq)
{
	reset_state(vq);
	return enable(vq);
}

void virtq_destroy(struct virtq *vq)
{
	shared_free(&vq->ring);
	kfree(vq->slot);
	memset(vq, 0, sizeof(*vq));
}

/* Device-readable buffers first, no empty buffer, at most 4 GiB in all. */
static bool chain_ok(const struct virtq_buf *bufs, uint16_t n)
{
	bool writable = false;
	uint64_t total = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (!bufs[i].len || (writable && !bufs[i].device_writes))
			return false;
		writable = bufs[i].device_writes;
		total += bufs[i].len;
	}
	return total <= UINT32_MAX;
}

enum svsm_err virtq_add(struct virtq *vq, const struct virtq_buf *bufs,
			uint16_t n, void *token)
{
	uint16_t head = vq->free_head;
	uint16_t cur = head;
	uint32_t write_len = 0;
	uint32_t avail = avail_off(vq->size);

	if (vq->broken)
		return SVSM_E_HW;
	if (!n || n > vq->size || !chain_ok(bufs, n))
		return SVSM_E_INVAL;
	if (n > vq->free_count)
		return SVSM_E_BUSY;
	for (uint16_t i = 0; i < n; i++) {
		uint16_t next = vq->slot[cur].next;
		uint16_t flags = bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0;

		CHECK(cur < vq->size);
		if (i + 1 < n)
			flags |= VIRTQ_DESC_F_NEXT;
		write_desc(vq, cur, &bufs[i], flags, i + 1 < n ? next : 0);
		if (bufs[i].device_writes)
			write_len += bufs[i].len;
		if (i + 1 < n)
			cur = next;
	}
	vq->free_head = vq->slot[cur].next;
	vq->free_count = (uint16_t)(vq->free_count - n);
	vq->slot[head].token = token;
	vq->slot[head].write_len = write_len;
	vq->slot[head].chain_len = n;
	vq->slot[head].in_flight = true;
	vq->in_flight++;
	/* The slot, then (released after it) the index (§2.7.13). */
	ring_store16(
		vq, avail + 4 + 2u * (vq->avail_idx & (uint16_t)(vq->size - 1)),
		head, __ATOMIC_RELAXED);
	vq->avail_idx++;
	ring_store16(vq, avail + 2, vq->avail_idx, __ATOMIC_RELEASE);
	return SVSM_OK;
}

void virtq_kick(struct virtq *vq)
{
	/* Order avail.idx before the notification (§2.7.13.4). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->dev->ops->notify(vq->dev, vq->index);
}

static enum svsm_err fault(struct virtq *vq, enum virtq_fault f, uint32_t v)
{
	vq->broken = f;
	vq->faults++;
	log_limited(&vq_log, "%s queue %u: %s (%u); queue stopped",
		    vq->dev->name, vq->index, virtq_fault_name(f), v);
	return SVSM_E_HW;
}

static void free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t last = head;

	for (uint16_t i = 1; i < vq->slot[head].chain_len; i++)
		last = vq->slot[last].next;
	vq->slot[last].next = vq->free_head;
	vq->free_head = head;
	vq->free_count = (uint16_t)(vq->free_count + vq->slot[head].chain_len);
	vq->in_flight--;
}

enum svsm_err virtq_get_used(struct virtq *vq, struct virtq_done *out)
{
	uint32_t used = used_off(vq->size);
	uint16_t idx;
	uint16_t pending;
	uint32_t elem;
	uint32_t id;
	uint32_t len;
	struct virtq_slot *s;

	memset(out, 0, sizeof(*out));
	if (vq->broken)
		return SVSM_E_HW;
	/* Once, then everything it covers is read after it (acquire). */
	idx = ring_load16(vq, used + 2, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(idx - vq->last_used);
	if (!pending)
		return SVSM_E_BUSY;
	if (pending > vq->in_flight)
		return fault(vq, VIRTQ_FAULT_IDX_JUMP, pending);
	elem = used + 4 + 8u * (vq->last_used & (uint16_t)(vq->size - 1));
	id = ring_load32(vq, elem);
	len = ring_load32(vq, elem + 4);
	if (id >= vq->size)
		return fault(vq, VIRTQ_FAULT_ID_RANGE, id);
	s = &vq->slot[id];
	if (!s->in_flight)
		return fault(vq, VIRTQ_FAULT_ID_NOT_HEAD, id);
	s->in_flight = false;
	vq->last_used++;
	out->token = s->token;
	out->len = len;
	if (len > s->write_len) {
		vq->faults++;
		log_limited(&vq_log, "%s queue %u: used len %u beyond %u",
			    vq->dev->name, vq->index, len, s->write_len);
		out->len = s->write_len;
		out->len_fault = true;
	}
	s->token = NULL;
	free_chain(vq, (uint16_t)id);
	return SVSM_OK;
}

const char *virtq_fault_name(enum virtq_fault f)
{
	switch (f) {
	case VIRTQ_OK:
		return "ok";
	case VIRTQ_FAULT_IDX_JUMP:
		return "used index jumped";
	case VIRTQ_FAULT_ID_RANGE:
		return "used id out of range";
	case VIRTQ_FAULT_ID_NOT_HEAD:
		return "used id not in flight";
	case VIRTQ_FAULT_LEN:
		return "used length beyond the buffer";
	}
	return "?";
}
