/* SPDX-License-Identifier: MIT */
/*
 * csvsm-vsockd's pieces: the vhost-user back-end side (vhost.c: messages,
 * the guest memory table, split rings) and the vsock bridge to Unix
 * sockets (bridge.c). One thread, one QEMU, one guest.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VHU_MAX_REGIONS 8u
#define VHU_QUEUES	2u /* rx 0, tx 1: QEMU keeps the event queue */
#define VHU_MAX_QSIZE	32768u

struct vhu_region {
	uint64_t gpa, size, uaddr;
	uint8_t *map; /* mmap of the fd, from its mmap_offset */
	size_t map_len;
	uint64_t map_off;
};

struct vhu_vring {
	uint32_t num;
	uint64_t desc_ua, avail_ua, used_ua; /* QEMU's addresses */
	uint8_t *desc, *avail, *used;	     /* ours, checked */
	uint16_t last_avail;
	uint16_t used_idx;
	bool enabled, started;
	int kick_fd, call_fd;
};

struct vhu {
	int fd; /* the connection from QEMU */
	uint64_t cid;
	uint64_t features, protocol_features;
	struct vhu_region reg[VHU_MAX_REGIONS];
	unsigned int reg_count;
	struct vhu_vring vq[VHU_QUEUES];
	bool verbose;
};

/* One descriptor chain of a ring, translated and checked. */
struct vhu_chain {
	uint16_t head;
	unsigned int n;
	struct {
		uint8_t *p;
		uint32_t len;
		bool writable;
	} seg[64];
};

void vhu_init(struct vhu *v, int fd, uint64_t cid, bool verbose);
/* Handles one message from QEMU; -1 when QEMU is gone or broke protocol. */
int vhu_handle(struct vhu *v);
/* The ring runs: enabled, started, addresses translated. */
bool vhu_ready(const struct vhu *v, unsigned int q);
/*
 * Pops the next available chain of ring q: 1, 0 when none, -1 when the
 * guest wrote a bad ring (the ring is stopped).
 */
int vhu_pop(struct vhu *v, unsigned int q, struct vhu_chain *c);
/* Returns a chain with `len` bytes written; signals the call fd. */
void vhu_push(struct vhu *v, unsigned int q, uint16_t head, uint32_t len);
void vhu_drain_kick(struct vhu *v, unsigned int q);
void vhu_free(struct vhu *v);

/* ---- The bridge (bridge.c) --------------------------------------------- */

struct bridge;
struct pollfd;

struct bridge *bridge_new(struct vhu *v, const char *uds_path, int listen_fd,
			  bool verbose);
void bridge_free(struct bridge *b);
/* Adds the bridge's descriptors to fds; returns how many. */
unsigned int bridge_pollfds(struct bridge *b, struct pollfd *fds,
			    unsigned int max);
/* Handles what poll reported, and moves packets both ways. */
void bridge_run(struct bridge *b, const struct pollfd *fds, unsigned int n);
