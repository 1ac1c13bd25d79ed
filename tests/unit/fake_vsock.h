/* SPDX-License-Identifier: MIT */
/*
 * A fake virtio-vsock device and its host-side peer for hosted tests
 * (fake_vsock.c): three queues read from the driver's rings in fake
 * physical memory as a real device would. The peer answers REQUEST with
 * RESPONSE (or RST when `refuse`), full SHUTDOWN with RST, collects RW
 * payload, and logs every packet the driver sent. Tests inject any bytes
 * into the rx queue, with any used length, to play a lying device.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/virtio.h"

#include "abi/virtio.h"

#define FAKE_VSOCK_CID	  3u
#define FAKE_VSOCK_INJECT 64u
#define FAKE_VSOCK_LOG	  4096u

struct fake_vq {
	bool enabled;
	uint16_t size;
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t next_avail, used_idx;
};

struct fake_vsock_pkt {
	uint8_t bytes[4096 + 64];
	uint32_t len;	   /* bytes to write */
	uint32_t used_len; /* length claimed in the used ring */
};

struct fake_vsock {
	struct virtio_dev vdev;
	uint8_t status;
	uint64_t offered, accepted;
	uint64_t cid;
	uint16_t qmax;
	struct fake_vq q[3];
	/* The peer. */
	bool silent;	      /* answers nothing at all */
	bool refuse;	      /* REQUEST -> RST */
	bool no_rst_on_close; /* SHUTDOWN -> nothing */
	bool consume;	      /* fwd_cnt follows what arrived */
	uint32_t buf_alloc;   /* announced in every answer */
	uint32_t fwd_cnt;
	uint32_t fwd_cnt_told; /* in the last CREDIT_UPDATE */
	uint8_t *received;     /* RW payload, in order */
	uint64_t received_len, received_cap;
	/* What the driver sent (headers only), oldest first. */
	struct virtio_vsock_hdr sent[FAKE_VSOCK_LOG];
	unsigned int sent_count;
	/* Packets waiting for an rx buffer. */
	struct fake_vsock_pkt *inject;
	unsigned int inject_head, inject_count;
	/* Lies in the used rings. */
	bool rx_idx_jump; /* next rx completion moves used.idx by 100 */
	unsigned int resets;
	uint64_t waited_us;
};

/* A device with guest_cid FAKE_VSOCK_CID, queues of `qmax`, honest peer. */
void fake_vsock_init(struct fake_vsock *f, uint16_t qmax);
void fake_vsock_free(struct fake_vsock *f);
/* Runs the device: tx packets, then injected packets into rx buffers. */
void fake_vsock_run(struct fake_vsock *f);
/* Queues raw bytes for the rx queue with a chosen used length. */
void fake_vsock_inject_raw(struct fake_vsock *f, const void *bytes,
			   uint32_t len, uint32_t used_len);
/* Queues a well-formed packet from the host peer. */
void fake_vsock_inject(struct fake_vsock *f, uint32_t src_port,
		       uint32_t dst_port, uint16_t op, uint32_t flags,
		       const void *payload, uint32_t len);
/* Posts an event (the event queue's next buffer gets `id`). */
void fake_vsock_event(struct fake_vsock *f, uint32_t id);
/* How many logged packets had op (after index `from`). */
unsigned int fake_vsock_count(const struct fake_vsock *f, uint16_t op,
			      unsigned int from);
