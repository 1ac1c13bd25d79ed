/* SPDX-License-Identifier: MIT */
/*
 * Pages shared with the host (include/svsm/shared.h): allocation, and the
 * only copies into and out of them outside the virtqueue's single loads.
 *
 * A block from the page allocator, reached through the SVSM's linear
 * mapping of its region, made shared by the platform (plat_share():
 * nothing on native; on SEV-SNP PVALIDATE rescind, page-state change to
 * shared and the linear map without the C-bit, kernel/plat/snp/
 * shared_pages.c) and zeroed through that shared mapping. shared_free()
 * makes it private again (plat_unshare()) before the page allocator,
 * which zeroes it, may hand it out as private memory. A block the
 * platform could not bring back is leaked, never freed.
 */
#include "svsm/shared.h"

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/panic.h"
#include "svsm/plat/plat.h"

#include "lib/string.h"

enum svsm_err shared_alloc(uint64_t size, struct shared_buf *out)
{
	unsigned int order = 0;
	paddr_t pa;
	enum svsm_err err;
	bool lost = false;
	void *va;

	memset(out, 0, sizeof(*out));
	if (!size || size > (PAGE_SIZE << PGALLOC_MAX_ORDER))
		return SVSM_E_INVAL;
	while ((PAGE_SIZE << order) < size)
		order++;
	err = pgalloc_alloc(order, 0, &pa);
	if (err != SVSM_OK)
		return err;
	va = arch_phys_to_virt(pa_val(pa), PAGE_SIZE << order);
	CHECK(va != NULL);
	err = plat_share(pa, 1ull << order, &lost);
	if (err != SVSM_OK) {
		/* Private and validated again unless lost: then leaked. */
		if (!lost)
			pgalloc_free(pa, order);
		return err;
	}
	out->pa = pa;
	out->va = (uint8_t __shared *)va;
	out->size = PAGE_SIZE << order;
	out->order = order;
	/* Zeroed through the shared mapping: what the device reads first. */
	shared_fill(out, 0, 0, out->size);
	return SVSM_OK;
}

void shared_free(struct shared_buf *b)
{
	struct pgalloc_block_info info;

	if (!b->size)
		return;
	/*
	 * Only shared_alloc() fills a buffer and only the SVSM frees one: a
	 * size that does not match, or a block the allocator does not hold
	 * as allocated (freed twice, through a copy of the buffer), is an
	 * SVSM bug, caught before the second unshare.
	 */
	CHECK(b->order <= PGALLOC_MAX_ORDER &&
	      b->size == (PAGE_SIZE << b->order));
	pgalloc_block_info(b->pa, &info);
	CHECK(info.state == PGALLOC_PAGE_ALLOCATED && info.order == b->order);
	/* pgalloc_free() zeroes the block; a block not private is leaked. */
	if (plat_unshare(b->pa, 1ull << b->order) == SVSM_OK)
		pgalloc_free(b->pa, b->order);
	else
		log_error("shared: %llu KiB at 0x%llx leaked",
			  (unsigned long long)(b->size >> 10),
			  (unsigned long long)pa_val(b->pa));
	memset(b, 0, sizeof(*b));
}

static void check_range(const struct shared_buf *b, uint64_t off, size_t len)
{
	uint64_t end;

	CHECK(!__builtin_add_overflow(off, (uint64_t)len, &end) &&
	      end <= b->size);
}

/*
 * SAFETY: the only bulk accesses to shared pages. check_range() keeps
 * [off, off + len) inside the block shared_alloc() mapped. The host may
 * change the bytes during the copy: a reader gets some mix of old and new
 * bytes in private memory and checks that copy, never the shared bytes.
 */
void shared_copy_to(const struct shared_buf *b, uint64_t off, const void *src,
		    size_t len)
{
	check_range(b, off, len);
	memcpy((uint8_t *)b->va + off, src, len);
}

void shared_copy_from(const struct shared_buf *b, uint64_t off, void *dst,
		      size_t len)
{
	check_range(b, off, len);
	memcpy(dst, (const uint8_t *)b->va + off, len);
}

void shared_fill(const struct shared_buf *b, uint64_t off, uint8_t val,
		 size_t len)
{
	check_range(b, off, len);
	memset((uint8_t *)b->va + off, val, len);
}

int shared_put(const struct shared_buf *b, uint64_t off, struct fs_buf *dst,
	       size_t dst_off, size_t len)
{
	check_range(b, off, len);
	return dst->put(dst, dst_off, (const uint8_t *)b->va + off, len);
}

int shared_get(const struct shared_buf *b, uint64_t off, struct fs_buf *src,
	       size_t src_off, size_t len)
{
	check_range(b, off, len);
	return src->get(src, src_off, (uint8_t *)b->va + off, len);
}

paddr_t shared_pa(const struct shared_buf *b, uint64_t off)
{
	check_range(b, off, 0);
	return pa_add(b->pa, off);
}
