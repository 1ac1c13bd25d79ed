/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what a virtio device hands the SVSM: the used ring
 * (kernel/drivers/virtio/virtqueue.c) and the device configuration that
 * virtio-blk checks at attach (kernel/drivers/virtio/virtio_blk.c), on the
 * fake device of tests/unit/fake_virtio.c in fake physical memory.
 *
 * Input byte 0 picks the program:
 *   - used ring: the driver posts chains; the "device" writes arbitrary
 *     used entries (ids, lengths), moves used.idx by arbitrary steps and
 *     scribbles over the whole ring block; the driver takes completions.
 *     Checked after every step: a completion's token is one in flight and
 *     comes out once, its len is within the chain's writable bytes, a
 *     refusal leaves the queue broken with a reason, the private free list
 *     accounts for every descriptor, and after a reset the queue works.
 *   - configuration: arbitrary feature bits and 64 bytes of configuration
 *     for virtio-blk's attach; a device that attaches must have a sane
 *     geometry (block size a power of two in 512..4096, requests that fit
 *     the bounce buffer) and serve a read.
 * Any violation aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/block.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/virtio.h"

#include "fake/fake.h"
#include "fake_virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE (1ull << 20)
#define TOKENS	 64u

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t get_u8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint32_t get_u32(struct reader *r)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)get_u8(r) << (8 * i);
	return v;
}

#define check(ok) check_at((ok), __LINE__)

static void check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "virtq_fuzz: check at line %d failed\n", line);
		abort();
	}
}

struct model {
	bool in_flight[TOKENS];
	uint32_t write_len[TOKENS];
	unsigned int count;
	unsigned int next;
};

static void *ring(const struct fake_vdev *f, uint64_t pa, uint64_t len)
{
	void *p = arch_phys_to_virt(pa, len);

	check(p != NULL);
	return p;
}

static void restart(struct fake_vdev *f, struct virtq *vq, struct model *m)
{
	check(virtio_negotiate(&f->vdev, 0, 0) == SVSM_OK);
	check(virtq_restart(vq) == SVSM_OK);
	check(virtio_driver_ok(&f->vdev) == SVSM_OK);
	check(vq->free_count == vq->size && !vq->broken);
	memset(m, 0, sizeof(*m));
}

static void post(struct reader *r, struct virtq *vq, struct shared_buf *b,
		 struct model *m, uint8_t *tokens)
{
	struct virtq_buf bufs[4];
	uint16_t n = (uint16_t)(get_u8(r) % 4 + 1);
	uint16_t readable = (uint16_t)(get_u8(r) % (n + 1));
	unsigned int t = m->next++ % TOKENS;
	uint32_t wl = 0;
	uint16_t free_before = vq->free_count;
	enum svsm_err err;

	if (m->in_flight[t])
		return;
	for (uint16_t i = 0; i < n; i++) {
		uint32_t len = get_u8(r) % 64 + 1;

		bufs[i] = (struct virtq_buf){shared_pa(b, 64u * i), len,
					     i >= readable};
		if (i >= readable)
			wl += len;
	}
	err = virtq_add(vq, bufs, n, &tokens[t]);
	if (err == SVSM_OK) {
		check(vq->free_count == free_before - n);
		m->in_flight[t] = true;
		m->write_len[t] = wl;
		m->count++;
	} else {
		check(vq->free_count == free_before);
		check(err == SVSM_E_BUSY || (err == SVSM_E_HW && vq->broken) ||
		      (err == SVSM_E_INVAL && n > vq->size));
	}
}

static void take(struct fake_vdev *f, struct virtq *vq, struct model *m,
		 uint8_t *tokens)
{
	struct virtq_done done;
	enum svsm_err err = virtq_get_used(vq, &done);
	unsigned int t;

	if (err == SVSM_E_BUSY)
		return;
	if (err != SVSM_OK) {
		check(err == SVSM_E_HW && vq->broken != VIRTQ_OK);
		restart(f, vq, m);
		return;
	}
	check(done.token >= (void *)tokens &&
	      done.token < (void *)(tokens + TOKENS));
	t = (unsigned int)((uint8_t *)done.token - tokens);
	check(m->in_flight[t]);
	check(done.len <= m->write_len[t]);
	m->in_flight[t] = false;
	m->count--;
	check(vq->in_flight == m->count);
}

static void used_program(struct reader *r)
{
	struct fake_vdev f;
	struct virtq vq;
	struct shared_buf b;
	struct model m;
	uint8_t tokens[TOKENS];

	fake_vdev_init(&f);
	f.qmax = (uint16_t)(get_u8(r) % 64 + 1);
	check(virtio_negotiate(&f.vdev, 0, 0) == SVSM_OK);
	check(virtq_init(&vq, &f.vdev, 0, VIRTQ_DRIVER_MAX) == SVSM_OK);
	check(virtio_driver_ok(&f.vdev) == SVSM_OK);
	check(shared_alloc(PAGE_SIZE, &b) == SVSM_OK);
	memset(&m, 0, sizeof(m));
	while (r->n) {
		struct virtq_used *u =
			ring(&f, f.used_pa, 6u + 8u * (uint32_t)f.qsize);

		switch (get_u8(r) % 6) {
		case 0:
		case 1:
			post(r, &vq, &b, &m, tokens);
			break;
		case 2: { /* a used entry, anything */
			uint16_t slot = get_u8(r);

			u->ring[slot % f.qsize].id = get_u32(r) % 300;
			u->ring[slot % f.qsize].len = get_u32(r);
			break;
		}
		case 3: /* used.idx moves */
			u->idx = (uint16_t)(u->idx + get_u8(r) % 4);
			break;
		case 4: /* a byte anywhere in the ring block */
			*((uint8_t *)vq.ring.va + get_u32(r) % vq.ring.size) =
				get_u8(r);
			break;
		default:
			take(&f, &vq, &m, tokens);
			break;
		}
		check(vq.broken || vq.in_flight == m.count);
	}
	restart(&f, &vq, &m);
	virtq_destroy(&vq);
	shared_free(&b);
}

static void config_program(struct reader *r)
{
	struct fake_vdev f;
	struct block_dev *b = NULL;
	uint8_t buf[512];
	uint64_t offered = 0;

	fake_vdev_init(&f);
	f.qmax = (uint16_t)(get_u8(r) % 64);
	for (int i = 0; i < 8; i++)
		offered |= (uint64_t)get_u8(r) << (8 * i);
	fake_vdev_blk(&f, 16, 0);
	f.offered = offered;
	for (unsigned int i = 0; i < sizeof(f.config); i++)
		f.config[i] = get_u8(r);
	f.generation_spins = get_u8(r) == 0xee;
	if (virtio_blk_attach(&f.vdev, &b) == SVSM_OK) {
		uint32_t bs = b->block_size;
		uint64_t cap;

		memcpy(&cap, f.config, 8);
		check(b->sectors == cap);
		check(bs >= 512 && bs <= 4096 && !(bs & (bs - 1)));
		check(b->max_sectors >= 1 && b->max_sectors <= 128);
		check(f.accepted & VIRTIO_BIT(VIRTIO_F_VERSION_1));
		check(!(f.accepted & ~offered));
		/* The fake's disk has 16 sectors whatever the capacity says. */
		if (cap >= 1 && (f.accepted & VIRTIO_BIT(VIRTIO_BLK_F_RO)) == 0)
			check(block_read(b, 0, buf, 1) != SVSM_E_INVAL);
		virtio_blk_detach(b);
	}
	check(block_get(0) == NULL);
	fake_vdev_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t base;
	struct reader r = {data, size};

	/* One allocation for the whole run: a fresh one each time is slow. */
	if (!base)
		base = fake_mm_init(MEM_SIZE);
	memset(arch_phys_to_virt(base, MEM_SIZE), 0, MEM_SIZE);
	if (pgalloc_init(pa_init(base), MEM_SIZE) != SVSM_OK)
		abort();
	heap_init(0x0123456789abcdefull);
	log_set_level(getenv("VQ_LOG") ? 50 : LOG_LEVEL_ERROR);
	if (get_u8(&r) & 1)
		config_program(&r);
	else
		used_program(&r);
	return 0;
}
