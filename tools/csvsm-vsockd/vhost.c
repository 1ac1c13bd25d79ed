/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user back-end side of csvsm-vsockd (QEMU docs/interop/
 * vhost-user.rst): messages from QEMU on the Unix socket, the guest
 * memory table (memfd regions mapped shared), and the two split rings
 * (virtio 1.2 §2.7) that QEMU's vhost-user-vsock hands over.
 *
 * TRUST: QEMU is the back-end's own caller, but the rings and every
 * buffer in them are written by the guest. Ring addresses are translated
 * through the memory table once, with overflow checks; each descriptor's
 * address and length must lie inside one region; chains are bounded by
 * the ring size and 64 segments; the available index may move by at most
 * the ring size. A bad ring is stopped, never followed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsockd.h"

/* vhost-user.rst, "Front-end message types". */
enum {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
};
#define VHOST_USER_VERSION		1u
#define VHOST_USER_REPLY		(1u << 2)
#define VHOST_USER_NEED_REPLY		(1u << 3)
#define VHOST_USER_F_PROTOCOL_FEATURES	30u
#define VHOST_USER_PROTOCOL_F_MQ	0u
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3u
#define VHOST_USER_PROTOCOL_F_CONFIG	9u
#define VHOST_VRING_NOFD		(1ull << 8)
#define VIRTIO_F_VERSION_1		32u
#define VRING_DESC_F_NEXT		1u
#define VRING_DESC_F_WRITE		2u
#define VRING_DESC_F_INDIRECT		4u

struct msg_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
};

struct mem_region {
	uint64_t gpa, size, uaddr, mmap_offset;
};

#define MAX_PAYLOAD 512u

void vhu_init(struct vhu *v, int fd, uint64_t cid, bool verbose)
{
	memset(v, 0, sizeof(*v));
	v->fd = fd;
	v->cid = cid;
	v->verbose = verbose;
	for (unsigned int i = 0; i < VHU_QUEUES; i++)
		v->vq[i].kick_fd = v->vq[i].call_fd = -1;
}

static void unmap_all(struct vhu *v)
{
	for (unsigned int i = 0; i < v->reg_count; i++)
		munmap(v->reg[i].map, v->reg[i].map_len);
	v->reg_count = 0;
}

void vhu_free(struct vhu *v)
{
	unmap_all(v);
	for (unsigned int i = 0; i < VHU_QUEUES; i++) {
		if (v->vq[i].kick_fd >= 0)
			close(v->vq[i].kick_fd);
		if (v->vq[i].call_fd >= 0)
			close(v->vq[i].call_fd);
	}
}

/* [gpa, gpa + len) inside one region: our pointer, else NULL. */
static uint8_t *gpa_ptr(const struct vhu *v, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < v->reg_count; i++) {
		const struct vhu_region *r = &v->reg[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->map + r->map_off + (gpa - r->gpa);
	}
	return NULL;
}

/* The same for QEMU's own addresses (SET_VRING_ADDR without IOMMU). */
static uint8_t *ua_ptr(const struct vhu *v, uint64_t ua, uint64_t len)
{
	for (unsigned int i = 0; i < v->reg_count; i++) {
		const struct vhu_region *r = &v->reg[i];

		if (ua >= r->uaddr && ua - r->uaddr <= r->size &&
		    len <= r->size - (ua - r->uaddr))
			return r->map + r->map_off + (ua - r->uaddr);
	}
	return NULL;
}

static void translate(struct vhu *v, unsigned int q)
{
	struct vhu_vring *r = &v->vq[q];
	uint64_t n = r->num;

	r->desc = ua_ptr(v, r->desc_ua, 16 * n);
	r->avail = ua_ptr(v, r->avail_ua, 6 + 2 * n);
	r->used = ua_ptr(v, r->used_ua, 6 + 8 * n);
}

bool vhu_ready(const struct vhu *v, unsigned int q)
{
	const struct vhu_vring *r = &v->vq[q];

	return r->started && r->enabled && r->desc && r->avail && r->used;
}

static int send_reply(struct vhu *v, uint32_t req, const void *p, uint32_t size)
{
	uint8_t buf[sizeof(struct msg_hdr) + MAX_PAYLOAD];
	struct msg_hdr h = {req, VHOST_USER_VERSION | VHOST_USER_REPLY, size};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, size);
	return send(v->fd, buf, sizeof(h) + size, MSG_NOSIGNAL) ==
			       (ssize_t)(sizeof(h) + size)
		       ? 0
		       : -1;
}

static int reply_u64(struct vhu *v, uint32_t req, uint64_t val)
{
	return send_reply(v, req, &val, sizeof(val));
}

static int recv_msg(struct vhu *v, struct msg_hdr *h, uint8_t *payload,
		    int *fds, unsigned int *nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * VHU_MAX_REGIONS)];
	struct iovec iov = {h, sizeof(*h)};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cbuf,
			   .msg_controllen = sizeof(cbuf)};
	ssize_t got = recvmsg(v->fd, &m, MSG_CMSG_CLOEXEC);

	*nfds = 0;
	if (got != (ssize_t)sizeof(*h))
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n && *nfds < VHU_MAX_REGIONS;
			     i++)
				memcpy(&fds[(*nfds)++],
				       CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
		}
	}
	if (h->size > MAX_PAYLOAD)
		return -1;
	if (h->size &&
	    recv(v->fd, payload, h->size, MSG_WAITALL) != (ssize_t)h->size)
		return -1;
	return 0;
}

static int set_mem_table(struct vhu *v, const uint8_t *p, uint32_t size,
			 const int *fds, unsigned int nfds)
{
	uint32_t n;

	if (size < 8)
		return -1;
	memcpy(&n, p, 4);
	if (n > VHU_MAX_REGIONS || n != nfds ||
	    size < 8 + n * sizeof(struct mem_region))
		return -1;
	unmap_all(v);
	for (uint32_t i = 0; i < n; i++) {
		struct mem_region mr;
		struct vhu_region *r = &v->reg[i];

		memcpy(&mr, p + 8 + i * sizeof(mr), sizeof(mr));
		if (mr.size == 0 || mr.mmap_offset > SIZE_MAX - mr.size)
			return -1;
		r->map_len = mr.mmap_offset + mr.size;
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED, fds[i], 0);
		if (r->map == MAP_FAILED) {
			perror("csvsm-vsockd: mmap of guest memory");
			return -1;
		}
		r->gpa = mr.gpa;
		r->size = mr.size;
		r->uaddr = mr.uaddr;
		r->map_off = mr.mmap_offset;
		v->reg_count = i + 1;
		if (v->verbose)
			fprintf(stderr,
				"csvsm-vsockd: region gpa 0x%llx size 0x%llx\n",
				(unsigned long long)mr.gpa,
				(unsigned long long)mr.size);
	}
	for (unsigned int q = 0; q < VHU_QUEUES; q++)
		translate(v, q);
	return 0;
}

static void set_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* SET_VRING_KICK, _CALL, _ERR: u64 with the queue in bits 0-7. */
static int set_vring_fd(struct vhu *v, uint32_t req, uint64_t u64, int fd)
{
	unsigned int q = (unsigned int)(u64 & 0xff);

	if (u64 & VHOST_VRING_NOFD) {
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (q >= VHU_QUEUES) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (req == VHOST_USER_SET_VRING_KICK) {
		set_fd(&v->vq[q].kick_fd, fd);
		/* Without protocol features a kick fd starts it, enabled. */
		v->vq[q].started = true;
		if (!(v->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)))
			v->vq[q].enabled = true;
	} else if (req == VHOST_USER_SET_VRING_CALL) {
		set_fd(&v->vq[q].call_fd, fd);
	} else if (fd >= 0) {
		close(fd);
	}
	return 0;
}

/* GET_CONFIG {u32 offset, u32 size, u32 flags, payload}: the CID. */
static int get_config(struct vhu *v, const uint8_t *p, uint32_t size)
{
	uint8_t out[12 + 8] = {0};
	uint32_t off, len;

	memcpy(&off, p, 4);
	memcpy(&len, p + 4, 4);
	if (size < 12 || len > 8 || off > 8 - len)
		return -1;
	memcpy(out, p, 12);
	memcpy(out + 12, (const uint8_t *)&v->cid + off, len);
	return send_reply(v, VHOST_USER_GET_CONFIG, out, 12 + len);
}

int vhu_handle(struct vhu *v)
{
	struct msg_hdr h;
	uint8_t p[MAX_PAYLOAD] = {0};
	int fds[VHU_MAX_REGIONS];
	unsigned int nfds = 0;
	uint32_t idx = 0, num = 0;
	uint64_t u64 = 0;
	int rc = 0;
	bool replied = false;

	if (recv_msg(v, &h, p, fds, &nfds) < 0)
		return -1;
	memcpy(&idx, p, 4);
	memcpy(&num, p + 4, 4);
	memcpy(&u64, p, 8);
	if (v->verbose)
		fprintf(stderr, "csvsm-vsockd: request %u size %u fds %u\n",
			h.request, h.size, nfds);
	switch (h.request) {
	case VHOST_USER_GET_FEATURES:
		rc = reply_u64(
			v, h.request,
			(1ull << VIRTIO_F_VERSION_1) |
				(1ull << VHOST_USER_F_PROTOCOL_FEATURES));
		replied = true;
		break;
	case VHOST_USER_SET_FEATURES:
		v->features = u64;
		break;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		rc = reply_u64(
			v, h.request,
			(1ull << VHOST_USER_PROTOCOL_F_MQ) |
				(1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
				(1ull << VHOST_USER_PROTOCOL_F_CONFIG));
		replied = true;
		break;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		v->protocol_features = u64;
		break;
	case VHOST_USER_GET_QUEUE_NUM:
		rc = reply_u64(v, h.request, VHU_QUEUES);
		replied = true;
		break;
	case VHOST_USER_SET_OWNER:
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_SET_CONFIG:
		break;
	case VHOST_USER_SET_MEM_TABLE:
		rc = set_mem_table(v, p, h.size, fds, nfds);
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		nfds = 0;
		break;
	case VHOST_USER_SET_VRING_NUM:
		if (idx >= VHU_QUEUES || num == 0 || num > VHU_MAX_QSIZE ||
		    (num & (num - 1)))
			rc = -1;
		else
			v->vq[idx].num = num;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		if (idx >= VHU_QUEUES || h.size < 40) {
			rc = -1;
			break;
		}
		/* struct vhost_vring_addr: desc, used, avail, log. */
		memcpy(&v->vq[idx].desc_ua, p + 8, 8);
		memcpy(&v->vq[idx].used_ua, p + 16, 8);
		memcpy(&v->vq[idx].avail_ua, p + 24, 8);
		translate(v, idx);
		break;
	case VHOST_USER_SET_VRING_BASE:
		if (idx >= VHU_QUEUES) {
			rc = -1;
			break;
		}
		v->vq[idx].last_avail = (uint16_t)num;
		v->vq[idx].used_idx = (uint16_t)num;
		break;
	case VHOST_USER_GET_VRING_BASE:
		if (idx >= VHU_QUEUES) {
			rc = -1;
			break;
		}
		v->vq[idx].started = false;
		rc = send_reply(v, h.request,
				(uint32_t[]){idx, v->vq[idx].last_avail}, 8);
		replied = true;
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		rc = set_vring_fd(v, h.request, u64, nfds ? fds[0] : -1);
		fds[0] = -1; /* handed over; any others are closed below */
		break;
	case VHOST_USER_SET_VRING_ENABLE:
		if (idx >= VHU_QUEUES)
			rc = -1;
		else
			v->vq[idx].enabled = num != 0;
		break;
	case VHOST_USER_GET_CONFIG:
		rc = get_config(v, p, h.size);
		replied = true;
		break;
	default:
		if (v->verbose)
			fprintf(stderr, "csvsm-vsockd: request %u ignored\n",
				h.request);
		rc = (h.flags & VHOST_USER_NEED_REPLY) ? 1 : 0;
		break;
	}
	for (unsigned int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (!replied && (h.flags & VHOST_USER_NEED_REPLY) &&
	    (v->protocol_features & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK)))
		return reply_u64(v, h.request, rc ? 1 : 0);
	return rc < 0 ? -1 : 0;
}

int vhu_pop(struct vhu *v, unsigned int q, struct vhu_chain *c)
{
	/*
	 * TRUST: the available ring and descriptors are the guest's. Each
	 * value is read once into a local, then checked.
	 */
	struct vhu_vring *r = &v->vq[q];
	uint16_t avail_idx, i;
	uint64_t total = 0;

	if (!vhu_ready(v, q))
		return 0;
	avail_idx =
		__atomic_load_n((uint16_t *)(r->avail + 2), __ATOMIC_ACQUIRE);
	if (avail_idx == r->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - r->last_avail) > r->num)
		goto bad;
	memcpy(&i, r->avail + 4 + 2 * (size_t)(r->last_avail % r->num), 2);
	c->head = i;
	c->n = 0;
	for (;;) {
		uint8_t d[16];
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;

		if (i >= r->num || c->n >= 64 || c->n >= r->num)
			goto bad;
		memcpy(d, r->desc + 16 * (size_t)i, 16);
		memcpy(&addr, d, 8);
		memcpy(&len, d + 8, 4);
		memcpy(&flags, d + 12, 2);
		memcpy(&next, d + 14, 2);
		if (flags & VRING_DESC_F_INDIRECT)
			goto bad; /* not negotiated */
		c->seg[c->n].p = gpa_ptr(v, addr, len);
		if (!c->seg[c->n].p)
			goto bad;
		c->seg[c->n].len = len;
		c->seg[c->n].writable = flags & VRING_DESC_F_WRITE;
		total += len;
		c->n++;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = next;
	}
	if (total > UINT32_MAX)
		goto bad;
	r->last_avail++;
	return 1;
bad:
	fprintf(stderr,
		"csvsm-vsockd: queue %u: bad ring from the guest; "
		"stopped\n",
		q);
	r->started = false;
	return -1;
}

void vhu_push(struct vhu *v, unsigned int q, uint16_t head, uint32_t len)
{
	struct vhu_vring *r = &v->vq[q];
	uint8_t *e = r->used + 4 + 8 * (size_t)(r->used_idx % r->num);
	uint32_t id = head;
	uint64_t one = 1;

	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	r->used_idx++;
	__atomic_store_n((uint16_t *)(r->used + 2), r->used_idx,
			 __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r->call_fd >= 0 && write(r->call_fd, &one, 8) < 0 &&
	    errno != EAGAIN)
		perror("csvsm-vsockd: call eventfd");
}

void vhu_drain_kick(struct vhu *v, unsigned int q)
{
	uint64_t n;

	if (v->vq[q].kick_fd >= 0 &&
	    read(v->vq[q].kick_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		perror("csvsm-vsockd: kick eventfd");
}
