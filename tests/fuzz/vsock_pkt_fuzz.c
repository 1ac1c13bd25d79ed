/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what a virtio-vsock device hands the SVSM: the
 * packet checks (kernel/drivers/virtio/vsock_pkt.c) and the connection
 * state machine and credit (virtio_vsock.c), on the fake device and peer
 * of tests/unit/fake_vsock.c in fake physical memory.
 *
 * The input is a program of records; byte 0 of each picks what happens:
 *   - a packet into the rx queue: arbitrary bytes and used length, its
 *     CIDs and ports optionally fixed up so that it reaches the connection;
 *   - the SVSM receives or sends some bytes, closes and reconnects;
 *   - a transport-reset event, or a lie in the rx used ring.
 * Checked after every step: vsock_pkt_check never accepts a header whose
 * payload is longer than what the device wrote; unread bytes never exceed
 * the buffer we announced; the bytes we have in flight never exceed the
 * largest credit we believe; the fake device aborts on any malformed
 * packet the driver sends (wrong CID, length, direction).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/vsock.h"

#include "fake/fake.h"
#include "fake_vsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE (2ull << 20)
#define PORT	 77u
#define WAIT_US	 50u

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

static uint16_t get_u16(struct reader *r)
{
	return (uint16_t)(get_u8(r) | get_u8(r) << 8);
}

#define check(ok) check_at((ok), __LINE__)

static void check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "vsock_pkt_fuzz: check at line %d failed\n",
			line);
		abort();
	}
}

static uint32_t local_port(const struct fake_vsock *f)
{
	for (unsigned int i = f->sent_count; i-- > 0;)
		if (f->sent[i].op == VIRTIO_VSOCK_OP_REQUEST)
			return f->sent[i].src_port;
	return 0;
}

static void inject(struct fake_vsock *f, struct vsock_dev *v, struct reader *r)
{
	uint8_t buf[4096 + 64] = {0};
	uint8_t fix = get_u8(r);
	uint16_t n = get_u16(r) % sizeof(buf);
	uint16_t used = get_u16(r);
	struct virtio_vsock_hdr h;

	for (uint16_t i = 0; i < n; i++)
		buf[i] = get_u8(r);
	if ((fix & 1) && n >= sizeof(h)) {
		memcpy(&h, buf, sizeof(h));
		h.src_cid = VIRTIO_VSOCK_CID_HOST;
		h.dst_cid = f->cid;
		h.src_port = PORT;
		h.dst_port = local_port(f);
		h.type = VIRTIO_VSOCK_TYPE_STREAM;
		h.op = (uint16_t)(h.op % 8u);
		if (fix & 2)
			h.len = (uint32_t)(n - sizeof(h));
		memcpy(buf, &h, sizeof(h));
	}
	if (fix & 4)
		used = n;
	{
		enum vsock_drop d =
			vsock_pkt_check(buf, used < n ? used : n, f->cid, &h);

		if (d == VSOCK_PKT_OK)
			check(h.len <= (used < n ? used : n) - sizeof(h));
	}
	if (f->inject_count < FAKE_VSOCK_INJECT)
		fake_vsock_inject_raw(f, buf, n, used);
	if (fix & 8)
		f->rx_idx_jump = true;
	fake_vsock_run(f);
	vsock_poll(v);
}

static void check_conn(const struct vsock_conn *c)
{
	const struct vsock_credit *cr;

	if (!c)
		return;
	cr = vsock_conn_credit(c);
	check(vsock_conn_rx_pending(c) <= VSOCK_CONN_BUF);
	check(cr->peer_buf_alloc <= VSOCK_PEER_BUF_MAX);
	check((uint32_t)(cr->tx_cnt - cr->peer_fwd_cnt) <= VSOCK_PEER_BUF_MAX);
	check(vsock_credit_avail(cr) <= cr->peer_buf_alloc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_vsock f;
	static uint8_t io[8192];
	struct reader r = {data, size};
	struct vsock_dev *v;
	struct vsock_conn *c = NULL;
	uint64_t base;
	size_t got;

	static uint64_t mem_base;

	log_set_level(LOG_LEVEL_ERROR);
	/* Fresh memory once, then cleared: a new mapping each run is slow. */
	if (!mem_base)
		mem_base = fake_mm_init(MEM_SIZE);
	else
		memset(arch_phys_to_virt(mem_base, MEM_SIZE), 0, MEM_SIZE);
	base = mem_base;
	if (pgalloc_init(pa_init(base), MEM_SIZE) != SVSM_OK)
		abort();
	heap_init(1);
	fake_vsock_init(&f, (uint16_t)(4u << (get_u8(&r) % 6)));
	f.consume = get_u8(&r) & 1;
	f.buf_alloc = get_u16(&r) * 16u;
	if (vsock_attach(&f.vdev, &v) != SVSM_OK) {
		fake_vsock_free(&f);
		return 0;
	}
	(void)vsock_connect(v, PORT, WAIT_US, &c);
	for (unsigned int step = 0; r.n && step < 256; step++) {
		switch (get_u8(&r) % 6) {
		case 0:
		case 1:
			inject(&f, v, &r);
			break;
		case 2:
			if (c)
				(void)vsock_recv(c, io,
						 get_u16(&r) % sizeof(io),
						 WAIT_US, &got);
			break;
		case 3:
			if (c)
				(void)vsock_send(c, io,
						 get_u16(&r) % sizeof(io),
						 WAIT_US, &got);
			break;
		case 4:
			if (c)
				vsock_close(c);
			c = NULL;
			f.refuse = get_u8(&r) & 1;
			(void)vsock_connect(v, PORT, WAIT_US, &c);
			break;
		default:
			if (f.q[VIRTIO_VSOCK_Q_EVENT].enabled &&
			    f.inject_count == 0 && (get_u8(&r) & 1)) {
				bool reset = get_u8(&r) & 1;

				/* A new CID only comes with a reset. */
				if (reset)
					f.cid = 3u + get_u8(&r);
				fake_vsock_event(
					&f,
					reset ? VIRTIO_VSOCK_EVENT_TRANSPORT_RESET
					      : 5u);
				vsock_poll(v);
			}
			break;
		}
		check_conn(c);
	}
	if (c)
		vsock_abort(c);
	vsock_detach(v);
	fake_vsock_free(&f);
	return 0;
}
