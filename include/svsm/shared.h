/* SPDX-License-Identifier: MIT */
/*
 * Pages shared with the host: the only memory the SVSM hands to a device
 * (virtqueue rings, bounce buffers). kernel/drivers/shared.c.
 *
 * On the native platform these are ordinary pages from the page
 * allocator. On SEV-SNP, shared_alloc() is where they become shared (a
 * page state change to shared, PVALIDATE rescinded, a mapping without the
 * C-bit) and shared_free() where they return to private memory; nothing
 * private ever shares a page with them (docs/virtio.md, "Bounce buffers").
 *
 * The host may read and write these pages at any time. Code reads them
 * only through shared_copy_from() (one copy into private memory) and the
 * single-value loads of the virtqueue, and writes them through
 * shared_copy_to()/shared_fill(); the pointer is __shared so that the
 * address-space check (make lint) refuses any other access.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

struct shared_buf {
	paddr_t pa;	      /* physical address, for the device */
	uint8_t __shared *va; /* the SVSM's mapping */
	uint64_t size;	      /* bytes, a whole number of pages */
	unsigned int order;   /* pgalloc order of the block */
};

/*
 * At least `size` bytes (rounded up to a power-of-two number of pages,
 * at most 2 MiB), zeroed. SVSM_E_NOMEM or SVSM_E_INVAL (size 0 or over
 * 2 MiB); *out is zeroed on failure.
 */
enum svsm_err __must_check shared_alloc(uint64_t size, struct shared_buf *out);
/* Zeroes the pages and returns them; a zeroed buf is a no-op. */
void shared_free(struct shared_buf *b);

/* Copies between private memory and [off, off + len) of b; CHECKs bounds. */
void shared_copy_to(const struct shared_buf *b, uint64_t off, const void *src,
		    size_t len);
void shared_copy_from(const struct shared_buf *b, uint64_t off, void *dst,
		      size_t len);
void shared_fill(const struct shared_buf *b, uint64_t off, uint8_t val,
		 size_t len);
/*
 * Copies between [off, off + len) of b and a file-system buffer at
 * buf_off (a task's memory, through the buffer's fault-safe copies): the
 * one copy of the block device file (kernel/block/block_file.c). The
 * buffer's result: 0, or a negative errno such as -EFAULT.
 */
struct fs_buf;
int __must_check shared_put(const struct shared_buf *b, uint64_t off,
			    struct fs_buf *dst, size_t dst_off, size_t len);
int __must_check shared_get(const struct shared_buf *b, uint64_t off,
			    struct fs_buf *src, size_t src_off, size_t len);
/* The device address of byte `off` of b; CHECKs bounds. */
paddr_t shared_pa(const struct shared_buf *b, uint64_t off);
