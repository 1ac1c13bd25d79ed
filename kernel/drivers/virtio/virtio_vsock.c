/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock (virtio 1.2 §5.10): the device, its three queues, and
 * stream connections from the SVSM to the host, polled.
 *
 * Memory the device sees: VSOCK_RX_BUFS receive pages (device-writable,
 * header and payload together), VSOCK_TX_SLOTS transmit pages (each
 * packet fully written before it is posted) and one page of event
 * buffers. Each received packet is copied once into private memory, then
 * checked (vsock_pkt_check), then acted on; payload goes into the
 * connection's private receive buffer, whose size is the buf_alloc we
 * announce.
 *
 * TRUST: the device and the peer behind it are hostile. Every header is
 * checked (length against what was written, CIDs, op, type); packets for
 * no connection are answered with RST (never an RST); a packet a
 * connection's state does not allow resets that connection; RW beyond the
 * credit we gave resets it; credit values that would underflow are
 * refused (vsock_pkt.c). A device that lies in a queue is reset and set
 * up again, and every connection is reset. Every wait is bounded.
 *
 * One caller at a time: the SVSM's vsock users run on one vCPU.
 */
#define LOG_PREFIX "virtio-vsock: "
#include <stdint.h>

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/panic.h"
#include "svsm/vsock.h"

#include "abi/virtio.h"

#include "lib/string.h"

#define VSOCK_RX_BUFS	       32u
#define VSOCK_TX_SLOTS	       16u
#define VSOCK_EV_BUFS	       4u
#define VSOCK_CLOSE_TIMEOUT_US (1000u * 1000u)

enum conn_state {
	CONN_FREE = 0,
	CONN_CONNECTING, /* REQUEST sent */
	CONN_CONNECTED,
	CONN_CLOSING, /* SHUTDOWN sent by vsock_close, waiting for RST */
	CONN_REFUSED, /* RST in answer to our REQUEST */
	CONN_RESET,   /* RST received or sent: only close is left */
};

struct vsock_conn {
	struct vsock_dev *v;
	enum conn_state state;
	uint32_t local_port;
	uint32_t peer_port;
	struct vsock_credit cr;
	uint8_t *rx; /* VSOCK_CONN_BUF, a ring */
	uint32_t rx_head;
	uint32_t rx_len;
	uint32_t fwd_cnt;      /* bytes vsock_recv handed out */
	uint32_t fwd_cnt_sent; /* the last fwd_cnt the peer was told */
	uint8_t peer_shutdown; /* VIRTIO_VSOCK_SHUTDOWN_* the peer sent */
	bool credit_asked;     /* CREDIT_REQUEST sent since credit ran out */
};

struct vsock_dev {
	struct virtio_dev *vdev;
	uint64_t cid;
	struct virtq rxq, txq, evq;
	struct shared_buf rxbuf, txbuf, evbuf;
	uint16_t rx_count, tx_count, ev_count;
	uint8_t rx_tok[VSOCK_RX_BUFS]; /* tokens: &rx_tok[i] is buffer i */
	uint8_t tx_tok[VSOCK_TX_SLOTS];
	uint8_t ev_tok[VSOCK_EV_BUFS];
	bool tx_busy[VSOCK_TX_SLOTS];
	bool dead;
	uint32_t next_port;
	struct vsock_conn conn[VSOCK_MAX_CONNS];
	struct vsock_stats st;
	uint8_t pkt[VSOCK_RX_BUF_SIZE]; /* the private copy of one packet */
};

static struct vsock_dev *default_dev;

/* ---- Queues ------------------------------------------------------------ */

static enum svsm_err post_rx(struct vsock_dev *v, uint16_t i)
{
	struct virtq_buf b = {
		shared_pa(&v->rxbuf, (uint64_t)i * VSOCK_RX_BUF_SIZE),
		VSOCK_RX_BUF_SIZE, true};

	return virtq_add(&v->rxq, &b, 1, &v->rx_tok[i]);
}

static enum svsm_err post_ev(struct vsock_dev *v, uint16_t i)
{
	struct virtq_buf b = {shared_pa(&v->evbuf, (uint64_t)i * 4u), 4, true};

	return virtq_add(&v->evq, &b, 1, &v->ev_tok[i]);
}

static enum svsm_err post_all(struct vsock_dev *v)
{
	enum svsm_err err = SVSM_OK;

	for (uint16_t i = 0; i < v->ev_count && err == SVSM_OK; i++)
		err = post_ev(v, i);
	for (uint16_t i = 0; i < v->rx_count && err == SVSM_OK; i++)
		err = post_rx(v, i);
	if (err == SVSM_OK) {
		virtq_kick(&v->evq);
		virtq_kick(&v->rxq);
	}
	return err;
}

static enum svsm_err read_cid(struct vsock_dev *v)
{
	uint64_t cid = 0;
	enum svsm_err err = virtio_config_read(
		v->vdev, VIRTIO_VSOCK_CFG_GUEST_CID, 8, &cid);

	if (err != SVSM_OK)
		return err;
	/* §5.10.4: 0, 1, 2 and 0xffffffff are not a guest's; upper bits 0. */
	if (cid <= VIRTIO_VSOCK_CID_HOST || cid >= 0xffffffffull) {
		log_notice("guest_cid %llu refused", (unsigned long long)cid);
		return SVSM_E_HW;
	}
	v->cid = cid;
	return SVSM_OK;
}

static uint16_t min_u16(uint16_t a, uint16_t b)
{
	return a < b ? a : b;
}

/* Negotiation, CID, queues, DRIVER_OK, buffers: at attach and after resets. */
static enum svsm_err bring_up(struct vsock_dev *v, bool first)
{
	struct virtio_dev *d = v->vdev;
	enum svsm_err err;

	err = virtio_negotiate(d, VIRTIO_BIT(VIRTIO_VSOCK_F_STREAM), 0);
	if (err != SVSM_OK)
		return err;
	err = read_cid(v);
	if (err == SVSM_OK && first) {
		err = virtq_init(&v->rxq, d, VIRTIO_VSOCK_Q_RX,
				 VIRTQ_DRIVER_MAX);
		if (err == SVSM_OK)
			err = virtq_init(&v->txq, d, VIRTIO_VSOCK_Q_TX,
					 VIRTQ_DRIVER_MAX);
		if (err == SVSM_OK)
			err = virtq_init(&v->evq, d, VIRTIO_VSOCK_Q_EVENT,
					 VIRTQ_DRIVER_MAX);
	} else if (err == SVSM_OK) {
		err = virtq_restart(&v->rxq);
		if (err == SVSM_OK)
			err = virtq_restart(&v->txq);
		if (err == SVSM_OK)
			err = virtq_restart(&v->evq);
	}
	if (err == SVSM_OK) {
		v->rx_count = min_u16(v->rxq.size, VSOCK_RX_BUFS);
		v->tx_count = min_u16(v->txq.size, VSOCK_TX_SLOTS);
		v->ev_count = min_u16(v->evq.size, VSOCK_EV_BUFS);
		memset(v->tx_busy, 0, sizeof(v->tx_busy));
		err = virtio_driver_ok(d);
	}
	if (err == SVSM_OK)
		err = post_all(v);
	if (err != SVSM_OK)
		virtio_fail(d);
	return err;
}

static void reset_all_conns(struct vsock_dev *v)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];

		if (c->state == CONN_CONNECTING)
			c->state = CONN_REFUSED;
		else if (c->state != CONN_FREE && c->state != CONN_REFUSED)
			c->state = CONN_RESET;
	}
}

/* The device lied in a queue: reset it, set it up again; connections go. */
static void recover(struct vsock_dev *v)
{
	v->st.device_resets++;
	reset_all_conns(v);
	log_notice("device misbehaved (rx %s, tx %s, event %s); resetting",
		   virtq_fault_name(v->rxq.broken),
		   virtq_fault_name(v->txq.broken),
		   virtq_fault_name(v->evq.broken));
	if (bring_up(v, false) != SVSM_OK) {
		log_notice("device did not come back; vsock is off");
		v->dead = true;
	}
}

/* Frees transmit slots the device has finished with. */
static void reclaim_tx(struct vsock_dev *v)
{
	struct virtq_done done;
	enum svsm_err err;

	while ((err = virtq_get_used(&v->txq, &done)) == SVSM_OK) {
		size_t i = (size_t)((uint8_t *)done.token - v->tx_tok);

		CHECK(i < v->tx_count && v->tx_busy[i]);
		v->tx_busy[i] = false;
	}
	if (err == SVSM_E_HW)
		recover(v);
}

/* A free transmit slot after reclaiming, or tx_count when there is none. */
static uint16_t free_tx_slot(struct vsock_dev *v)
{
	uint16_t i;

	reclaim_tx(v);
	for (i = 0; i < v->tx_count && v->tx_busy[i]; i++)
		;
	return i;
}

/* Copies header and payload into slot i, whole, then posts it. */
static enum svsm_err post_tx(struct vsock_dev *v, uint16_t i,
			     const struct virtio_vsock_hdr *h, const void *data)
{
	uint64_t off = (uint64_t)i * 4096u;
	enum svsm_err err;

	shared_copy_to(&v->txbuf, off, h, sizeof(*h));
	if (h->len)
		shared_copy_to(&v->txbuf, off + sizeof(*h), data, h->len);
	err = virtq_add(&v->txq,
			&(struct virtq_buf){shared_pa(&v->txbuf, off),
					    (uint32_t)sizeof(*h) + h->len,
					    false},
			1, &v->tx_tok[i]);
	if (err != SVSM_OK)
		return err;
	v->tx_busy[i] = true;
	virtq_kick(&v->txq);
	return SVSM_OK;
}

/*
 * Sends one packet: ports, op and flags from h, credit fields from c (if
 * any), len bytes of payload; if a transmit slot is free: SVSM_OK, or
 * SVSM_E_BUSY.
 */
static enum svsm_err tx_packet(struct vsock_dev *v, struct virtio_vsock_hdr h,
			       struct vsock_conn *c, const void *data,
			       uint32_t len)
{
	uint16_t i;
	enum svsm_err err;

	CHECK(len <= VSOCK_TX_PAYLOAD);
	if (v->dead)
		return SVSM_E_HW;
	h.src_cid = v->cid;
	h.dst_cid = VIRTIO_VSOCK_CID_HOST;
	h.len = len;
	h.type = VIRTIO_VSOCK_TYPE_STREAM;
	i = free_tx_slot(v);
	if (i == v->tx_count)
		return SVSM_E_BUSY;
	if (c) {
		/* §5.10.6.3: every packet carries our credit. */
		h.buf_alloc = VSOCK_CONN_BUF;
		h.fwd_cnt = c->fwd_cnt;
	}
	err = post_tx(v, i, &h, data);
	if (err != SVSM_OK)
		return err;
	if (c) {
		c->fwd_cnt_sent = c->fwd_cnt;
		c->cr.tx_cnt += len;
	}
	v->st.tx_packets++;
	v->st.tx_bytes += len;
	return SVSM_OK;
}

static enum svsm_err conn_tx(struct vsock_conn *c, uint16_t op, uint32_t flags,
			     const void *data, uint32_t len)
{
	struct virtio_vsock_hdr h = {.src_port = c->local_port,
				     .dst_port = c->peer_port,
				     .op = op,
				     .flags = flags};

	return tx_packet(c->v, h, c, data, len);
}

/* ---- Received packets -------------------------------------------------- */

static struct vsock_conn *find_conn(struct vsock_dev *v,
				    const struct virtio_vsock_hdr *h)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];

		if (c->state != CONN_FREE && c->local_port == h->dst_port &&
		    c->peer_port == h->src_port)
			return c;
	}
	return NULL;
}

/* Answers with RST; best effort (a full transmit queue drops it). */
static void reply_rst(struct vsock_dev *v, const struct virtio_vsock_hdr *h)
{
	struct virtio_vsock_hdr rst = {.src_port = h->dst_port,
				       .dst_port = h->src_port,
				       .op = VIRTIO_VSOCK_OP_RST};

	if (h->op != VIRTIO_VSOCK_OP_RST)
		(void)tx_packet(v, rst, NULL, NULL, 0);
}

/* We reset c: RST to the peer, nothing more accepted. */
static void conn_reset(struct vsock_conn *c)
{
	(void)conn_tx(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
	c->state = CONN_RESET;
}

static void conn_rx_data(struct vsock_conn *c, const uint8_t *p, uint32_t len)
{
	uint32_t tail = (c->rx_head + c->rx_len) % VSOCK_CONN_BUF;
	uint32_t first = VSOCK_CONN_BUF - tail;

	/* TRUST: the peer may send only the credit we gave (§5.10.6.3). */
	if (len > VSOCK_CONN_BUF - c->rx_len) {
		c->v->st.credit_overrun++;
		conn_reset(c);
		return;
	}
	if (first > len)
		first = len;
	memcpy(c->rx + tail, p, first);
	memcpy(c->rx, p + first, len - first);
	c->rx_len += len;
	c->v->st.rx_bytes += len;
}

/* A checked packet for connection c, in c's state. */
static void conn_rx(struct vsock_conn *c, const struct virtio_vsock_hdr *h,
		    const uint8_t *payload)
{
	struct vsock_dev *v = c->v;
	uint32_t lies = c->cr.lies;

	vsock_credit_update(&c->cr, h->buf_alloc, h->fwd_cnt);
	v->st.credit_lies += c->cr.lies - lies;
	/* Ask again only after credit came back: no request ping-pong. */
	if (vsock_credit_avail(&c->cr))
		c->credit_asked = false;
	if (h->op == VIRTIO_VSOCK_OP_RST) {
		c->state =
			c->state == CONN_CONNECTING ? CONN_REFUSED : CONN_RESET;
		return;
	}
	switch (c->state) {
	case CONN_CONNECTING:
		if (h->op == VIRTIO_VSOCK_OP_RESPONSE) {
			c->state = CONN_CONNECTED;
			return;
		}
		break;
	case CONN_CONNECTED:
	case CONN_CLOSING:
		switch (h->op) {
		case VIRTIO_VSOCK_OP_RW:
			/* After our SHUTDOWN the data is not wanted. */
			if (c->state == CONN_CONNECTED &&
			    !(c->peer_shutdown & VIRTIO_VSOCK_SHUTDOWN_SEND))
				conn_rx_data(c, payload, h->len);
			return;
		case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
			return;
		case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
			(void)conn_tx(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL,
				      0);
			return;
		case VIRTIO_VSOCK_OP_SHUTDOWN:
			c->peer_shutdown |=
				(uint8_t)(h->flags &
					  (VIRTIO_VSOCK_SHUTDOWN_RCV |
					   VIRTIO_VSOCK_SHUTDOWN_SEND));
			return;
		default: /* REQUEST or RESPONSE on an open connection */
			break;
		}
		break;
	default: /* REFUSED, RESET: the peer should know; tell it again */
		break;
	}
	v->st.bad_state++;
	if (c->state == CONN_REFUSED || c->state == CONN_RESET)
		reply_rst(v, h);
	else if (c->state == CONN_CONNECTING) {
		c->state = CONN_REFUSED;
		reply_rst(v, h);
	} else
		conn_reset(c);
}

static void rx_one(struct vsock_dev *v, uint32_t len, bool len_fault)
{
	struct virtio_vsock_hdr h;
	enum vsock_drop why;
	struct vsock_conn *c;

	why = len_fault ? VSOCK_DROP_LEN
			: vsock_pkt_check(v->pkt, len, v->cid, &h);
	v->st.rx_packets++;
	if (why != VSOCK_PKT_OK) {
		v->st.dropped[why]++;
		/* §5.10.6.1: an unknown type is answered with RST. */
		if (why == VSOCK_DROP_TYPE)
			reply_rst(v, &h);
		return;
	}
	c = find_conn(v, &h);
	if (!c) {
		/* §5.10.6.3: no such connection; a REQUEST to us is refused. */
		v->st.unknown_conn++;
		reply_rst(v, &h);
		return;
	}
	conn_rx(c, &h, v->pkt + VSOCK_HDR_SIZE);
}

static void poll_rx(struct vsock_dev *v)
{
	struct virtq_done done;
	enum svsm_err err;
	bool posted = false;

	while ((err = virtq_get_used(&v->rxq, &done)) == SVSM_OK) {
		uint16_t i = (uint16_t)((uint8_t *)done.token - v->rx_tok);

		CHECK(i < v->rx_count);
		/* One copy into private memory; the device may still write. */
		shared_copy_from(&v->rxbuf, (uint64_t)i * VSOCK_RX_BUF_SIZE,
				 v->pkt, done.len);
		if (post_rx(v, i) == SVSM_OK)
			posted = true;
		rx_one(v, done.len, done.len_fault);
		if (v->dead || v->rxq.broken)
			return;
	}
	if (posted)
		virtq_kick(&v->rxq);
	if (err == SVSM_E_HW)
		recover(v);
}

static void poll_ev(struct vsock_dev *v)
{
	struct virtq_done done;
	enum svsm_err err;

	while ((err = virtq_get_used(&v->evq, &done)) == SVSM_OK) {
		uint16_t i = (uint16_t)((uint8_t *)done.token - v->ev_tok);
		struct virtio_vsock_event ev = {.id = UINT32_MAX};

		CHECK(i < v->ev_count);
		if (done.len >= sizeof(ev) && !done.len_fault)
			shared_copy_from(&v->evbuf, (uint64_t)i * 4u, &ev,
					 sizeof(ev));
		(void)post_ev(v, i);
		virtq_kick(&v->evq);
		/* §5.10.6.7: all connections are gone; the CID may change. */
		if (ev.id == VIRTIO_VSOCK_EVENT_TRANSPORT_RESET) {
			v->st.transport_resets++;
			reset_all_conns(v);
			if (read_cid(v) != SVSM_OK)
				v->dead = true;
		}
	}
	if (err == SVSM_E_HW)
		recover(v);
}

void vsock_poll(struct vsock_dev *v)
{
	if (v->dead)
		return;
	poll_ev(v);
	if (!v->dead)
		poll_rx(v);
	if (!v->dead)
		reclaim_tx(v);
}

/* One polling step of a bounded wait: false when the time is up. */
static bool wait_step(struct vsock_dev *v, uint64_t *waited, uint32_t timeout)
{
	uint32_t step = *waited < 1000 ? 1 : 20;

	if (*waited >= timeout || v->dead)
		return false;
	v->vdev->ops->wait(v->vdev, step);
	*waited += step;
	vsock_poll(v);
	return true;
}

/* ---- Attach ------------------------------------------------------------ */

static void free_dev(struct vsock_dev *v, bool stopped)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		kfree(v->conn[i].rx);
	if (stopped) {
		if (v->rxq.slot)
			virtq_destroy(&v->rxq);
		if (v->txq.slot)
			virtq_destroy(&v->txq);
		if (v->evq.slot)
			virtq_destroy(&v->evq);
		shared_free(&v->rxbuf);
		shared_free(&v->txbuf);
		shared_free(&v->evbuf);
	} else {
		/* It may still write them: never reused (docs/virtio.md). */
		log_notice("device still running; its shared pages are not "
			   "reused");
		kfree(v->rxq.slot);
		kfree(v->txq.slot);
		kfree(v->evq.slot);
	}
	if (default_dev == v)
		default_dev = NULL;
	kfree(v);
}

static bool stop(struct virtio_dev *d)
{
	if (virtio_reset(d) == SVSM_OK)
		return true;
	virtio_fail(d);
	return false;
}

enum svsm_err vsock_attach(struct virtio_dev *d, struct vsock_dev **out)
{
	struct vsock_dev *v = kmalloc(sizeof(*v));
	enum svsm_err err;

	*out = NULL;
	if (!v)
		return SVSM_E_NOMEM;
	memset(v, 0, sizeof(*v));
	v->vdev = d;
	v->next_port = VSOCK_EPHEMERAL_PORT_BASE;
	err = shared_alloc((uint64_t)VSOCK_RX_BUFS * VSOCK_RX_BUF_SIZE,
			   &v->rxbuf);
	if (err == SVSM_OK)
		err = shared_alloc((uint64_t)VSOCK_TX_SLOTS * 4096u, &v->txbuf);
	if (err == SVSM_OK)
		err = shared_alloc(PAGE_SIZE, &v->evbuf);
	if (err == SVSM_OK)
		err = bring_up(v, true);
	if (err != SVSM_OK) {
		free_dev(v, stop(d));
		return err;
	}
	log_info("%s: guest cid %llu, features 0x%llx, %u rx buffers", d->name,
		 (unsigned long long)v->cid, (unsigned long long)d->features,
		 v->rx_count);
	if (!default_dev)
		default_dev = v;
	*out = v;
	return SVSM_OK;
}

void vsock_detach(struct vsock_dev *v)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conn[i].state == CONN_CONNECTED ||
		    v->conn[i].state == CONN_CLOSING)
			(void)conn_tx(&v->conn[i], VIRTIO_VSOCK_OP_RST, 0, NULL,
				      0);
	free_dev(v, stop(v->vdev));
}

struct vsock_dev *vsock_default(void)
{
	return default_dev;
}

uint64_t vsock_guest_cid(const struct vsock_dev *v)
{
	return v->cid;
}

const struct vsock_stats *vsock_stats(const struct vsock_dev *v)
{
	return &v->st;
}

/* ---- Connections ------------------------------------------------------- */

static void conn_free(struct vsock_conn *c)
{
	kfree(c->rx);
	memset(c, 0, sizeof(*c));
}

static bool port_in_use(struct vsock_dev *v, uint32_t port)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conn[i].state != CONN_FREE &&
		    v->conn[i].local_port == port)
			return true;
	return false;
}

static uint32_t pick_port(struct vsock_dev *v)
{
	uint32_t p;

	do {
		p = v->next_port++;
		if (v->next_port > 0xffffu)
			v->next_port = VSOCK_EPHEMERAL_PORT_BASE;
	} while (port_in_use(v, p));
	return p;
}

enum svsm_err vsock_connect(struct vsock_dev *v, uint32_t port,
			    uint32_t timeout_us, struct vsock_conn **out)
{
	struct vsock_conn *c = NULL;
	uint64_t waited = 0;
	enum svsm_err err;

	*out = NULL;
	if (v->dead)
		return SVSM_E_HW;
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS && !c; i++)
		if (v->conn[i].state == CONN_FREE)
			c = &v->conn[i];
	if (!c)
		return SVSM_E_BUSY;
	memset(c, 0, sizeof(*c));
	c->rx = kmalloc((size_t)VSOCK_CONN_BUF);
	if (!c->rx)
		return SVSM_E_NOMEM;
	c->v = v;
	c->local_port = pick_port(v);
	c->peer_port = port;
	c->state = CONN_CONNECTING;
	while ((err = conn_tx(c, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0)) ==
		       SVSM_E_BUSY &&
	       wait_step(v, &waited, timeout_us))
		;
	while (err == SVSM_OK && c->state == CONN_CONNECTING) {
		if (!wait_step(v, &waited, timeout_us))
			err = v->dead ? SVSM_E_HW : SVSM_E_TIMEOUT;
	}
	if (err == SVSM_OK && c->state == CONN_CONNECTED) {
		*out = c;
		return SVSM_OK;
	}
	if (err == SVSM_OK)
		err = c->state == CONN_REFUSED ? SVSM_E_UNSUPPORTED : SVSM_E_HW;
	else if (c->state == CONN_CONNECTING)
		(void)conn_tx(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
	conn_free(c);
	return err;
}

enum svsm_err vsock_send(struct vsock_conn *c, const void *buf, size_t len,
			 uint32_t timeout_us, size_t *sent)
{
	struct vsock_dev *v = c->v;
	const uint8_t *p = buf;
	size_t done = 0;
	uint64_t waited = 0;
	enum svsm_err err = SVSM_OK;

	while (done < len) {
		uint32_t n = vsock_credit_avail(&c->cr);

		if (c->state != CONN_CONNECTED) {
			err = SVSM_E_HW;
			break;
		}
		if (c->peer_shutdown & VIRTIO_VSOCK_SHUTDOWN_RCV) {
			err = SVSM_E_INVAL;
			break;
		}
		if (n > VSOCK_TX_PAYLOAD)
			n = VSOCK_TX_PAYLOAD;
		if (n > len - done)
			n = (uint32_t)(len - done);
		err = n ? conn_tx(c, VIRTIO_VSOCK_OP_RW, 0, p + done, n)
			: SVSM_E_BUSY;
		/* Out of credit: ask once, in case the update was lost. */
		if (!n && !c->credit_asked &&
		    conn_tx(c, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0, NULL, 0) ==
			    SVSM_OK)
			c->credit_asked = true;
		if (err == SVSM_OK) {
			done += n;
			vsock_poll(v);
			continue;
		}
		if (err != SVSM_E_BUSY)
			break;
		if (!wait_step(v, &waited, timeout_us)) {
			err = v->dead ? SVSM_E_HW : SVSM_E_TIMEOUT;
			break;
		}
	}
	if (sent)
		*sent = done;
	return err;
}

enum svsm_err vsock_recv(struct vsock_conn *c, void *buf, size_t len,
			 uint32_t timeout_us, size_t *got)
{
	struct vsock_dev *v = c->v;
	uint8_t *p = buf;
	uint64_t waited = 0;
	uint32_t n;

	*got = 0;
	vsock_poll(v);
	while (!c->rx_len) {
		if (c->state != CONN_CONNECTED)
			return SVSM_E_HW;
		if (c->peer_shutdown & VIRTIO_VSOCK_SHUTDOWN_SEND)
			return SVSM_OK; /* end of stream */
		if (!wait_step(v, &waited, timeout_us))
			return v->dead ? SVSM_E_HW : SVSM_E_TIMEOUT;
	}
	n = len < c->rx_len ? (uint32_t)len : c->rx_len;
	for (uint32_t k = 0; k < n;) {
		uint32_t run = VSOCK_CONN_BUF - c->rx_head;

		if (run > n - k)
			run = n - k;
		memcpy(p + k, c->rx + c->rx_head, run);
		c->rx_head = (c->rx_head + run) % VSOCK_CONN_BUF;
		k += run;
	}
	c->rx_len -= n;
	c->fwd_cnt += n;
	*got = n;
	/* Tell the peer about freed space before it runs dry. */
	if (c->state == CONN_CONNECTED &&
	    ((uint32_t)(c->fwd_cnt - c->fwd_cnt_sent) >= VSOCK_CONN_BUF / 4 ||
	     (!c->rx_len && c->fwd_cnt != c->fwd_cnt_sent)))
		(void)conn_tx(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	return SVSM_OK;
}

void vsock_close(struct vsock_conn *c)
{
	struct vsock_dev *v = c->v;
	uint64_t waited = 0;

	if (c->state == CONN_CONNECTED &&
	    conn_tx(c, VIRTIO_VSOCK_OP_SHUTDOWN,
		    VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND,
		    NULL, 0) == SVSM_OK) {
		c->state = CONN_CLOSING;
		/* §5.10.6.5: the peer answers a full shutdown with RST. */
		while (c->state == CONN_CLOSING &&
		       wait_step(v, &waited, VSOCK_CLOSE_TIMEOUT_US))
			;
	}
	if (c->state == CONN_CLOSING || c->state == CONN_CONNECTED)
		(void)conn_tx(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
	conn_free(c);
}

void vsock_abort(struct vsock_conn *c)
{
	if (c->state == CONN_CONNECTED || c->state == CONN_CLOSING)
		(void)conn_tx(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
	conn_free(c);
}

uint32_t vsock_conn_rx_pending(const struct vsock_conn *c)
{
	return c->rx_len;
}

const struct vsock_credit *vsock_conn_credit(const struct vsock_conn *c)
{
	return &c->cr;
}
