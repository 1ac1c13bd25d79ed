/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock packet checks and credit arithmetic (virtio 1.2 §5.10.6):
 * pure functions on private copies, so that the hosted tests and the
 * fuzzer (tests/fuzz/vsock_pkt_fuzz.c) reach every branch.
 *
 * Credit: the peer may have at most peer_buf_alloc bytes of ours unread,
 * so we may send peer_buf_alloc - (tx_cnt - peer_fwd_cnt) more
 * (§5.10.6.3). The counters wrap as u32 on the wire; the subtraction is
 * done in 64 bits and clamped at 0, so a peer that shrinks buf_alloc with
 * data in flight gets no credit rather than 4 GiB of it (the underflow
 * Linux fixed in net/vmw_vsock/virtio_transport_common.c,
 * virtio_transport_get_credit()).
 */
#include <stdint.h>

#include "svsm/vsock.h"

#include "lib/string.h"

enum vsock_drop vsock_pkt_check(const void *buf, uint32_t used_len,
				uint64_t guest_cid, struct virtio_vsock_hdr *h)
{
	/*
	 * TRUST: every byte of buf and used_len come from the device. The
	 * header is decoded from the private copy once; nothing here reads
	 * beyond used_len.
	 */
	memset(h, 0, sizeof(*h));
	if (used_len < VSOCK_HDR_SIZE)
		return VSOCK_DROP_SHORT;
	memcpy(h, buf, sizeof(*h));
	if (h->len > used_len - VSOCK_HDR_SIZE)
		return VSOCK_DROP_LEN;
	if (h->src_cid != VIRTIO_VSOCK_CID_HOST || h->dst_cid != guest_cid)
		return VSOCK_DROP_CID;
	if (h->op == VIRTIO_VSOCK_OP_INVALID ||
	    h->op > VIRTIO_VSOCK_OP_CREDIT_REQUEST)
		return VSOCK_DROP_OP;
	if (h->type != VIRTIO_VSOCK_TYPE_STREAM)
		return VSOCK_DROP_TYPE;
	if (h->len && h->op != VIRTIO_VSOCK_OP_RW)
		return VSOCK_DROP_RW_LEN;
	return VSOCK_PKT_OK;
}

const char *vsock_drop_name(enum vsock_drop d)
{
	static const char *const names[VSOCK_DROP_COUNT] = {
		[VSOCK_PKT_OK] = "ok",
		[VSOCK_DROP_SHORT] = "short",
		[VSOCK_DROP_LEN] = "length",
		[VSOCK_DROP_CID] = "cid",
		[VSOCK_DROP_OP] = "op",
		[VSOCK_DROP_TYPE] = "type",
		[VSOCK_DROP_RW_LEN] = "payload on a control packet",
	};

	return (unsigned int)d < VSOCK_DROP_COUNT ? names[d] : "?";
}

void vsock_credit_update(struct vsock_credit *c, uint32_t buf_alloc,
			 uint32_t fwd_cnt)
{
	/* TRUST: both values are the peer's; see the file comment. */
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;
	uint32_t claimed = c->tx_cnt - fwd_cnt;

	c->peer_buf_alloc =
		buf_alloc < VSOCK_PEER_BUF_MAX ? buf_alloc : VSOCK_PEER_BUF_MAX;
	/*
	 * fwd_cnt may only move forward, and not past what was sent: then
	 * the bytes it leaves in flight are at most those in flight before.
	 */
	if (claimed <= in_flight)
		c->peer_fwd_cnt = fwd_cnt;
	else
		c->lies++;
}

uint32_t vsock_credit_avail(const struct vsock_credit *c)
{
	int64_t avail = (int64_t)c->peer_buf_alloc -
			(int64_t)(uint32_t)(c->tx_cnt - c->peer_fwd_cnt);

	return avail > 0 ? (uint32_t)avail : 0;
}
