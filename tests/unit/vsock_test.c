/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the virtio-vsock driver (kernel/drivers/virtio/
 * virtio_vsock.c, vsock_pkt.c) against the fake device and peer of
 * fake_vsock.c: attach and the CID checks; connect, refused, timed out;
 * data both ways with credit; a peer that gives too little credit, shrinks
 * it with data in flight, or lies about fwd_cnt; a peer that overruns the
 * credit we gave; shutdown and reset from the peer; close; and a device
 * that writes short packets, headers longer than what it wrote, wrong CIDs,
 * unknown ops or types, packets for no connection, lies in the used ring,
 * or a transport reset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/vsock.h"

#include "fake/fake.h"
#include "fake_vsock.h"
#include "test.h"

#define MEM_SIZE (8ull << 20)
#define PORT	 1234u
#define SEC	 (1000u * 1000u)

static bool setup(struct fake_vsock *f, struct vsock_dev **v)
{
	uint64_t base = fake_mm_init(MEM_SIZE);

	REQUIRE_EQ(pgalloc_init(pa_init(base), MEM_SIZE), SVSM_OK);
	heap_init(0x1234567812345678ull);
	fake_vsock_init(f, 128);
	REQUIRE_EQ(vsock_attach(&f->vdev, v), SVSM_OK);
	return true;
}

static bool connected(struct fake_vsock *f, struct vsock_dev **v,
		      struct vsock_conn **c)
{
	REQUIRE_TRUE(setup(f, v));
	REQUIRE_EQ(vsock_connect(*v, PORT, SEC, c), SVSM_OK);
	return true;
}

static void finish(struct fake_vsock *f, struct vsock_dev *v)
{
	vsock_detach(v);
	fake_vsock_free(f);
}

/* The local port of the last REQUEST. */
static uint32_t local_port(const struct fake_vsock *f)
{
	for (unsigned int i = f->sent_count; i-- > 0;)
		if (f->sent[i].op == VIRTIO_VSOCK_OP_REQUEST)
			return f->sent[i].src_port;
	return 0;
}

TEST(vsock, attach_reads_the_cid_and_posts_buffers)
{
	struct fake_vsock f;
	struct vsock_dev *v;

	ASSERT_TRUE(setup(&f, &v));
	EXPECT_EQ(vsock_guest_cid(v), FAKE_VSOCK_CID);
	EXPECT_TRUE(f.accepted & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	EXPECT_TRUE(f.status & VIRTIO_STATUS_DRIVER_OK);
	EXPECT_TRUE(f.q[0].enabled && f.q[1].enabled && f.q[2].enabled);
	finish(&f, v);
}

TEST(vsock, reserved_cids_refused)
{
	static const uint64_t bad[] = {0, 1, 2, 0xffffffffull, 1ull << 32};

	for (unsigned int i = 0; i < 5; i++) {
		struct fake_vsock f;
		struct vsock_dev *v = NULL;
		uint64_t base = fake_mm_init(MEM_SIZE);

		ASSERT_EQ(pgalloc_init(pa_init(base), MEM_SIZE), SVSM_OK);
		heap_init(1);
		fake_vsock_init(&f, 128);
		f.cid = bad[i];
		EXPECT_EQ(vsock_attach(&f.vdev, &v), SVSM_E_HW);
		EXPECT_TRUE(v == NULL);
		EXPECT_TRUE(f.status & VIRTIO_STATUS_FAILED || f.status == 0);
		fake_vsock_free(&f);
	}
}

TEST(vsock, connect_refused_and_timed_out)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c = NULL;

	ASSERT_TRUE(setup(&f, &v));
	f.refuse = true;
	EXPECT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(c == NULL);
	f.refuse = false;
	f.silent = true;
	EXPECT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_E_TIMEOUT);
	/* The abandoned REQUEST is cancelled with RST. */
	EXPECT_EQ(f.sent[f.sent_count - 1].op, VIRTIO_VSOCK_OP_RST);
	EXPECT_GE(f.waited_us, SEC);
	f.silent = false;
	EXPECT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, data_both_ways_with_credit_updates)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	size_t n = 300 * 1024, sent = 0, got = 0, total = 0;
	uint8_t *out = malloc(n), *in = malloc(n);
	unsigned int mark;

	ASSERT_TRUE(connected(&f, &v, &c));
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 7 + i / 4096);
	ASSERT_EQ(vsock_send(c, out, n, SEC, &sent), SVSM_OK);
	EXPECT_EQ(sent, n);
	ASSERT_EQ(f.received_len, n);
	EXPECT_EQ(memcmp(f.received, out, n), 0);
	/* The peer sends 200 KiB in 4000-byte packets as we read. */
	mark = f.sent_count;
	for (size_t off = 0; off < 200 * 1024;) {
		uint32_t k = 200 * 1024 - off < 4000 ? 200 * 1024 - off : 4000;

		/* Within the credit we gave: buf_alloc - unread. */
		while (vsock_conn_rx_pending(c) + k <= VSOCK_CONN_BUF &&
		       off < 200 * 1024 && f.inject_count < 32) {
			fake_vsock_inject(&f, PORT, local_port(&f),
					  VIRTIO_VSOCK_OP_RW, 0, out + off, k);
			fake_vsock_run(&f);
			vsock_poll(v);
			off += k;
			k = 200 * 1024 - off < 4000 ? 200 * 1024 - off : 4000;
		}
		ASSERT_EQ(vsock_recv(c, in + total, n - total, SEC, &got),
			  SVSM_OK);
		total += got;
	}
	while (total < 200 * 1024) {
		ASSERT_EQ(vsock_recv(c, in + total, n - total, SEC, &got),
			  SVSM_OK);
		total += got;
	}
	EXPECT_EQ(total, 200u * 1024);
	EXPECT_EQ(memcmp(in, out, total), 0);
	EXPECT_GT(fake_vsock_count(&f, VIRTIO_VSOCK_OP_CREDIT_UPDATE, mark),
		  0u);
	EXPECT_EQ(f.sent[f.sent_count - 1].fwd_cnt, 200u * 1024);
	EXPECT_EQ(vsock_stats(v)->credit_overrun, 0u);
	vsock_close(c);
	free(in);
	free(out);
	finish(&f, v);
}

TEST(vsock, send_stops_at_the_peers_credit)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	static uint8_t buf[20000];
	size_t sent = 0;

	ASSERT_TRUE(setup(&f, &v));
	f.buf_alloc = 10000;
	f.consume = false;
	ASSERT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	EXPECT_EQ(vsock_send(c, buf, sizeof(buf), SEC, &sent), SVSM_E_TIMEOUT);
	EXPECT_EQ(sent, 10000u);
	EXPECT_EQ(f.received_len, 10000u);
	/* One CREDIT_REQUEST, although the peer answered each with no credit. */
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0), 1u);
	/* The peer reads it all and says so: the rest goes. */
	f.fwd_cnt = 10000;
	fake_vsock_inject(&f, PORT, local_port(&f),
			  VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	EXPECT_EQ(vsock_send(c, buf, 10000, SEC, &sent), SVSM_OK);
	EXPECT_EQ(f.received_len, 20000u);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, shrinking_credit_does_not_underflow)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	static uint8_t buf[8000];
	size_t sent = 0;

	ASSERT_TRUE(setup(&f, &v));
	f.buf_alloc = 10000;
	f.consume = false;
	ASSERT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	ASSERT_EQ(vsock_send(c, buf, 8000, SEC, &sent), SVSM_OK);
	/* 8000 in flight, buf_alloc now 100: no credit, not 4 GiB. */
	f.buf_alloc = 100;
	fake_vsock_inject(&f, PORT, local_port(&f),
			  VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	fake_vsock_run(&f);
	vsock_poll(v);
	EXPECT_EQ(vsock_conn_credit(c)->peer_buf_alloc, 100u);
	EXPECT_EQ(vsock_credit_avail(vsock_conn_credit(c)), 0u);
	EXPECT_EQ(vsock_send(c, buf, 1, 1000, &sent), SVSM_E_TIMEOUT);
	EXPECT_EQ(sent, 0u);
	EXPECT_EQ(f.received_len, 8000u);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, fwd_cnt_lies_refused)
{
	struct vsock_credit cr = {.tx_cnt = 5000, .peer_buf_alloc = 10000};

	/* More consumed than sent. */
	vsock_credit_update(&cr, 10000, 6000);
	EXPECT_EQ(cr.peer_fwd_cnt, 0u);
	EXPECT_EQ(cr.lies, 1u);
	EXPECT_EQ(vsock_credit_avail(&cr), 5000u);
	vsock_credit_update(&cr, 10000, 3000);
	EXPECT_EQ(cr.peer_fwd_cnt, 3000u);
	/* Backwards. */
	vsock_credit_update(&cr, 10000, 2000);
	EXPECT_EQ(cr.peer_fwd_cnt, 3000u);
	EXPECT_EQ(cr.lies, 2u);
	/* Wrapping counters still work. */
	cr = (struct vsock_credit){.tx_cnt = 100, .peer_fwd_cnt = 0xfffff000u};
	vsock_credit_update(&cr, 0xffffffffu, 50);
	EXPECT_EQ(cr.peer_fwd_cnt, 50u);
	EXPECT_EQ(cr.peer_buf_alloc, VSOCK_PEER_BUF_MAX);
	EXPECT_EQ(vsock_credit_avail(&cr), VSOCK_PEER_BUF_MAX - 50u);
}

TEST(vsock, credit_overrun_resets_the_connection)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	static uint8_t chunk[4000];
	uint8_t b[16];
	size_t got;
	unsigned int mark;

	ASSERT_TRUE(connected(&f, &v, &c));
	mark = f.sent_count;
	/* 17 * 4000 > 64 KiB, nothing read. */
	for (int i = 0; i < 17; i++)
		fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RW,
				  0, chunk, sizeof(chunk));
	fake_vsock_run(&f);
	vsock_poll(v);
	EXPECT_EQ(vsock_stats(v)->credit_overrun, 1u);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 1u);
	EXPECT_LE(vsock_conn_rx_pending(c), VSOCK_CONN_BUF);
	EXPECT_EQ(vsock_send(c, b, 1, SEC, &got), SVSM_E_HW);
	/* What arrived within the credit is still readable, then the error. */
	while (vsock_recv(c, chunk, sizeof(chunk), SEC, &got) == SVSM_OK)
		EXPECT_GT(got, 0u);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, peer_shutdown_and_reset)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	uint8_t b[16];
	size_t got;

	ASSERT_TRUE(connected(&f, &v, &c));
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RW, 0,
			  "hello", 5);
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_SHUTDOWN,
			  VIRTIO_VSOCK_SHUTDOWN_SEND |
				  VIRTIO_VSOCK_SHUTDOWN_RCV,
			  NULL, 0);
	ASSERT_EQ(vsock_recv(c, b, sizeof(b), SEC, &got), SVSM_OK);
	EXPECT_EQ(got, 5u);
	ASSERT_EQ(vsock_recv(c, b, sizeof(b), SEC, &got), SVSM_OK);
	EXPECT_EQ(got, 0u); /* end of stream */
	EXPECT_EQ(vsock_send(c, b, 1, SEC, &got), SVSM_E_INVAL);
	vsock_close(c);

	ASSERT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RST, 0,
			  NULL, 0);
	EXPECT_EQ(vsock_recv(c, b, sizeof(b), SEC, &got), SVSM_E_HW);
	EXPECT_EQ(vsock_send(c, b, 1, SEC, &got), SVSM_E_HW);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, close_waits_for_rst_then_sends_one)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	unsigned int mark;

	ASSERT_TRUE(connected(&f, &v, &c));
	mark = f.sent_count;
	vsock_close(c);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_SHUTDOWN, mark), 1u);
	EXPECT_EQ(f.sent[mark].flags, 3u);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 0u);
	f.no_rst_on_close = true;
	ASSERT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	mark = f.sent_count;
	vsock_close(c);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 1u);
	finish(&f, v);
}

TEST(vsock, credit_request_answered)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	unsigned int mark;

	ASSERT_TRUE(connected(&f, &v, &c));
	mark = f.sent_count;
	fake_vsock_inject(&f, PORT, local_port(&f),
			  VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0, NULL, 0);
	fake_vsock_run(&f);
	vsock_poll(v);
	fake_vsock_run(&f);
	ASSERT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_CREDIT_UPDATE, mark),
		  1u);
	EXPECT_EQ(f.sent[mark].buf_alloc, VSOCK_CONN_BUF);
	vsock_close(c);
	finish(&f, v);
}

/* Injects h (+ payload) with a used length, runs, and polls. */
static void deliver(struct fake_vsock *f, struct vsock_dev *v,
		    const struct virtio_vsock_hdr *h, uint32_t bytes,
		    uint32_t used_len)
{
	uint8_t buf[4096 + 64] = {0};

	memcpy(buf, h, sizeof(*h));
	fake_vsock_inject_raw(f, buf, bytes, used_len);
	fake_vsock_run(f);
	vsock_poll(v);
	fake_vsock_run(f);
}

TEST(vsock, hostile_headers_dropped)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	struct virtio_vsock_hdr h;
	const struct vsock_stats *st;
	unsigned int mark;

	ASSERT_TRUE(connected(&f, &v, &c));
	st = vsock_stats(v);
	h = (struct virtio_vsock_hdr){VIRTIO_VSOCK_CID_HOST,
				      FAKE_VSOCK_CID,
				      PORT,
				      local_port(&f),
				      100,
				      VIRTIO_VSOCK_TYPE_STREAM,
				      VIRTIO_VSOCK_OP_RW,
				      0,
				      65536,
				      0};
	mark = f.sent_count;
	/* Shorter than a header. */
	deliver(&f, v, &h, 44, 43);
	EXPECT_EQ(st->dropped[VSOCK_DROP_SHORT], 1u);
	/* hdr.len 100 but only 50 bytes of payload written. */
	deliver(&f, v, &h, 94, 94);
	EXPECT_EQ(st->dropped[VSOCK_DROP_LEN], 1u);
	/* A used length beyond the 4 KiB buffer. */
	deliver(&f, v, &h, 144, 100000);
	EXPECT_EQ(st->dropped[VSOCK_DROP_LEN], 2u);
	EXPECT_EQ(vsock_conn_rx_pending(c), 0u);
	h.len = 0;
	/* Not from the host, or not to us: no answer. */
	h.src_cid = 7;
	deliver(&f, v, &h, 44, 44);
	h.src_cid = VIRTIO_VSOCK_CID_HOST;
	h.dst_cid = FAKE_VSOCK_CID + 1;
	deliver(&f, v, &h, 44, 44);
	EXPECT_EQ(st->dropped[VSOCK_DROP_CID], 2u);
	h.dst_cid = FAKE_VSOCK_CID;
	/* Unknown ops, INVALID included. */
	h.op = 0;
	deliver(&f, v, &h, 44, 44);
	h.op = 8;
	deliver(&f, v, &h, 44, 44);
	EXPECT_EQ(st->dropped[VSOCK_DROP_OP], 2u);
	/* Payload on a control packet. */
	h.op = VIRTIO_VSOCK_OP_CREDIT_UPDATE;
	h.len = 4;
	deliver(&f, v, &h, 48, 48);
	EXPECT_EQ(st->dropped[VSOCK_DROP_RW_LEN], 1u);
	h.len = 0;
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 0u);
	/* SEQPACKET is answered with RST, an RST of that type is not. */
	h.type = VIRTIO_VSOCK_TYPE_SEQPACKET;
	deliver(&f, v, &h, 44, 44);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 1u);
	h.op = VIRTIO_VSOCK_OP_RST;
	deliver(&f, v, &h, 44, 44);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 1u);
	EXPECT_EQ(st->dropped[VSOCK_DROP_TYPE], 2u);
	/* The connection is untouched and still works. */
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RW, 0, "ok",
			  2);
	{
		uint8_t b[4];
		size_t got;

		EXPECT_EQ(vsock_recv(c, b, 4, SEC, &got), SVSM_OK);
		EXPECT_EQ(got, 2u);
	}
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, unknown_connections_get_rst_but_rst_is_not_answered)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	unsigned int mark;

	ASSERT_TRUE(setup(&f, &v));
	mark = f.sent_count;
	/* The host connects to a port nobody listens on. */
	fake_vsock_inject(&f, 5000, 80, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0);
	fake_vsock_inject(&f, 5000, 81, VIRTIO_VSOCK_OP_RW, 0, "x", 1);
	fake_vsock_inject(&f, 5000, 82, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
	fake_vsock_run(&f);
	vsock_poll(v);
	fake_vsock_run(&f);
	EXPECT_EQ(fake_vsock_count(&f, VIRTIO_VSOCK_OP_RST, mark), 2u);
	EXPECT_EQ(f.sent[mark].src_port, 80u);
	EXPECT_EQ(f.sent[mark].dst_port, 5000u);
	EXPECT_EQ(vsock_stats(v)->unknown_conn, 3u);
	finish(&f, v);
}

TEST(vsock, wrong_state_resets_the_connection)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	uint8_t b[4];
	size_t got;

	ASSERT_TRUE(connected(&f, &v, &c));
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RESPONSE, 0,
			  NULL, 0);
	EXPECT_EQ(vsock_recv(c, b, 4, SEC, &got), SVSM_E_HW);
	EXPECT_EQ(vsock_stats(v)->bad_state, 1u);
	EXPECT_EQ(f.sent[f.sent_count - 1].op, VIRTIO_VSOCK_OP_RST);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, lying_used_ring_resets_device_and_connections)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	uint8_t b[4];
	size_t got;

	ASSERT_TRUE(connected(&f, &v, &c));
	f.rx_idx_jump = true;
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RW, 0, "ab",
			  2);
	EXPECT_EQ(vsock_recv(c, b, 4, SEC, &got), SVSM_E_HW);
	EXPECT_EQ(vsock_stats(v)->device_resets, 1u);
	EXPECT_GE(f.resets, 1u);
	vsock_close(c);
	/* Set up again: a new connection works. */
	ASSERT_EQ(vsock_connect(v, PORT, SEC, &c), SVSM_OK);
	fake_vsock_inject(&f, PORT, local_port(&f), VIRTIO_VSOCK_OP_RW, 0, "cd",
			  2);
	EXPECT_EQ(vsock_recv(c, b, 4, SEC, &got), SVSM_OK);
	EXPECT_EQ(memcmp(b, "cd", 2), 0);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, transport_reset_event)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c;
	uint8_t b[4];
	size_t got;

	ASSERT_TRUE(connected(&f, &v, &c));
	f.cid = 9;
	fake_vsock_event(&f, VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
	EXPECT_EQ(vsock_recv(c, b, 4, SEC, &got), SVSM_E_HW);
	EXPECT_EQ(vsock_stats(v)->transport_resets, 1u);
	EXPECT_EQ(vsock_guest_cid(v), 9u);
	vsock_close(c);
	finish(&f, v);
}

TEST(vsock, several_connections_in_turn_and_at_once)
{
	struct fake_vsock f;
	struct vsock_dev *v;
	struct vsock_conn *c[VSOCK_MAX_CONNS + 1];
	size_t sent;

	ASSERT_TRUE(setup(&f, &v));
	for (int round = 0; round < 20; round++) {
		ASSERT_EQ(vsock_connect(v, PORT, SEC, &c[0]), SVSM_OK);
		ASSERT_EQ(vsock_send(c[0], "abc", 3, SEC, &sent), SVSM_OK);
		vsock_close(c[0]);
	}
	EXPECT_EQ(f.received_len, 60u);
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		ASSERT_EQ(vsock_connect(v, PORT + i, SEC, &c[i]), SVSM_OK);
	EXPECT_EQ(vsock_connect(v, PORT, SEC, &c[VSOCK_MAX_CONNS]),
		  SVSM_E_BUSY);
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		vsock_close(c[i]);
	finish(&f, v);
}
