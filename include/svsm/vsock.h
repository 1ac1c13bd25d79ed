/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock (virtio 1.2 §5.10) for the SVSM: stream connections from
 * the SVSM to services on the host (CID 2), with credit-based flow control
 * (§5.10.6.3), over any virtio transport, polled. docs/vsock.md describes
 * the driver and every check it makes of the device and the peer.
 *
 * kernel/drivers/virtio/vsock_pkt.c checks packet headers and does the
 * credit arithmetic (pure functions, fuzzed); virtio_vsock.c is the device
 * and the connections.
 *
 * The host reads and may change everything sent: carry only data that is
 * already protected (the attestation proxy's messages are).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/virtio.h"

#include "abi/virtio.h"

#define VSOCK_HDR_SIZE sizeof(struct virtio_vsock_hdr)
/* Receive buffers the driver posts: header and payload in one page. */
#define VSOCK_RX_BUF_SIZE 4096u
#define VSOCK_RX_PAYLOAD  (VSOCK_RX_BUF_SIZE - VSOCK_HDR_SIZE)
/* Payload of one packet the driver sends. */
#define VSOCK_TX_PAYLOAD (4096u - VSOCK_HDR_SIZE)
/* Each connection's receive buffer: what buf_alloc announces. */
#define VSOCK_CONN_BUF (64u * 1024u)
/* The credit the driver believes at most, whatever the peer announces. */
#define VSOCK_PEER_BUF_MAX (1024u * 1024u)
#define VSOCK_MAX_CONNS	   8u
/* Local ports the driver picks for its connections (Linux: >= 1024). */
#define VSOCK_EPHEMERAL_PORT_BASE 49152u

/* ---- Packet checks (vsock_pkt.c) --------------------------------------- */

/* Why a received packet was refused (counted; none reaches a connection). */
enum vsock_drop {
	VSOCK_PKT_OK = 0,
	VSOCK_DROP_SHORT,  /* used length below the 44-byte header */
	VSOCK_DROP_LEN,	   /* hdr.len beyond what the device wrote */
	VSOCK_DROP_CID,	   /* src_cid not the host or dst_cid not ours */
	VSOCK_DROP_OP,	   /* op not one of §5.10.6 (INVALID included) */
	VSOCK_DROP_TYPE,   /* not STREAM: answered with RST (not an RST) */
	VSOCK_DROP_RW_LEN, /* payload on a packet other than RW */
	VSOCK_DROP_COUNT,
};

/*
 * TRUST: `buf` is a private copy of what the device wrote, `used_len`
 * the length it claimed (already clamped to the posted buffer by the
 * virtqueue). Decodes the header into *h and checks it against the
 * spec and our CID; *h is filled whenever used_len >= 44, even when
 * refused, so the caller can answer with RST.
 */
enum vsock_drop __must_check vsock_pkt_check(const void *buf, uint32_t used_len,
					     uint64_t guest_cid,
					     struct virtio_vsock_hdr *h);
const char *vsock_drop_name(enum vsock_drop d);

/*
 * Credit (§5.10.6.3), kept by each connection. Counters are free-running
 * u32 as on the wire.
 */
struct vsock_credit {
	uint32_t tx_cnt; /* payload bytes sent */
	uint32_t
		peer_buf_alloc; /* as announced, capped at VSOCK_PEER_BUF_MAX */
	uint32_t peer_fwd_cnt;	/* bytes the peer consumed */
	uint32_t lies;		/* fwd_cnt values refused */
};
/*
 * Takes buf_alloc and fwd_cnt from a received header. A fwd_cnt that
 * would say the peer consumed more than was sent, or that goes backwards,
 * is refused (counted in lies; the old value stays).
 */
void vsock_credit_update(struct vsock_credit *c, uint32_t buf_alloc,
			 uint32_t fwd_cnt);
/* Bytes the peer can take now: never negative, never above buf_alloc. */
uint32_t vsock_credit_avail(const struct vsock_credit *c);

/* ---- The device and the socket API (virtio_vsock.c) -------------------- */

struct vsock_dev;
struct vsock_conn;

/* Counters for tests and the log. */
struct vsock_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes; /* payload */
	uint64_t dropped[VSOCK_DROP_COUNT];
	uint64_t unknown_conn;	   /* packets for no connection (RST sent) */
	uint64_t bad_state;	   /* packets a connection's state refuses */
	uint64_t credit_overrun;   /* RW beyond the credit we gave: reset */
	uint64_t credit_lies;	   /* fwd_cnt values refused */
	uint64_t transport_resets; /* TRANSPORT_RESET events */
	uint64_t device_resets;	   /* the device lied in a queue */
};

/*
 * Drives d as virtio-vsock: negotiates (VERSION_1; STREAM only), reads
 * and checks guest_cid (not 0, 1, 2 or above 32 bits), sets up the rx, tx
 * and event queues and posts their buffers. On failure the device is left
 * FAILED and nothing is kept.
 */
enum svsm_err __must_check vsock_attach(struct virtio_dev *d,
					struct vsock_dev **out);
/* Resets every connection, resets the device and frees everything. */
void vsock_detach(struct vsock_dev *v);
/* The device virtio_pci_probe() attached, or NULL. */
struct vsock_dev *vsock_default(void);
uint64_t vsock_guest_cid(const struct vsock_dev *v);
const struct vsock_stats *vsock_stats(const struct vsock_dev *v);
/* Processes what the device completed (each wait below does this). */
void vsock_poll(struct vsock_dev *v);

/*
 * Connects to `port` on the host (CID 2), waiting at most timeout_us:
 * SVSM_OK and *out; SVSM_E_UNSUPPORTED when the peer answers RST (nobody
 * listens); SVSM_E_TIMEOUT; SVSM_E_BUSY when VSOCK_MAX_CONNS are open;
 * SVSM_E_HW when the device failed.
 */
enum svsm_err __must_check vsock_connect(struct vsock_dev *v, uint32_t port,
					 uint32_t timeout_us,
					 struct vsock_conn **out);
/*
 * Sends all `len` bytes within timeout_us (waiting for credit as needed).
 * SVSM_E_HW after a reset by the peer or the device, SVSM_E_INVAL after
 * the peer said it will receive no more, SVSM_E_TIMEOUT (some bytes may
 * have gone: *sent says how many, if not NULL).
 */
enum svsm_err __must_check vsock_send(struct vsock_conn *c, const void *buf,
				      size_t len, uint32_t timeout_us,
				      size_t *sent);
/*
 * Receives up to `len` bytes, waiting at most timeout_us for the first:
 * SVSM_OK with *got > 0; SVSM_OK with *got == 0 at end of stream (the
 * peer shut down sending and everything was read); SVSM_E_HW after a
 * reset (buffered bytes are returned first); SVSM_E_TIMEOUT.
 */
enum svsm_err __must_check vsock_recv(struct vsock_conn *c, void *buf,
				      size_t len, uint32_t timeout_us,
				      size_t *got);
/*
 * Closes: SHUTDOWN (both directions), a bounded wait for the peer's RST,
 * then RST if it did not come. The handle is invalid afterwards.
 */
void vsock_close(struct vsock_conn *c);
/* Resets the connection at once (RST) and frees the handle. */
void vsock_abort(struct vsock_conn *c);
/* Bytes buffered for vsock_recv, and the connection's credit view. */
uint32_t vsock_conn_rx_pending(const struct vsock_conn *c);
const struct vsock_credit *vsock_conn_credit(const struct vsock_conn *c);
