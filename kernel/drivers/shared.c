/* SPDX-License-Identifier: MIT */
/*
 * Pages shared with the host (include/svsm/shared.h): allocation, and the
 * only copies into and out of them outside the virtqueue's single loads.
 *
 * Native platform: ordinary zeroed pages from the page allocator, reached
 * through the SVSM's linear mapping of its region. SEV-SNP (not linked
 * yet): shared_alloc() must convert the block to shared (GHCB page state
 * change, after rescinding validation) and map it without the C-bit, and
 * shared_free() must convert it back and re-validate it before the page
 * allocator may hand it out again as private memory. Those two steps are
 * marked below; nothing else in the drivers changes.
 */
#include "svsm/shared.h"

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/fs.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/panic.h"

#include "lib/string.h"

enum svsm_err shared_alloc(uint64_t size, struct shared_buf *out)
{
	unsigned int order = 0;
	paddr_t pa;
	enum svsm_err err;
	void *va;

	memset(out, 0, sizeof(*out));
	if (!size || size > (PAGE_SIZE << PGALLOC_MAX_ORDER))
		return SVSM_E_INVAL;
	while ((PAGE_SIZE << order) < size)
		order++;
	err = pgalloc_alloc(order, PGALLOC_ZERO, &pa);
	if (err != SVSM_OK)
		return err;
	/* SEV-SNP: page state change to shared and a C-bit-clear mapping here. */
	va = arch_phys_to_virt(pa_val(pa), PAGE_SIZE << order);
	CHECK(va != NULL);
	out->pa = pa;
	out->va = (uint8_t __shared *)va;
	out->size = PAGE_SIZE << order;
	out->order = order;
	return SVSM_OK;
}

void shared_free(struct shared_buf *b)
{
	if (!b->size)
		return;
	/*
	 * SEV-SNP: back to private (page state change, PVALIDATE) here;
	 * pgalloc_free() zeroes the block.
	 */
	pgalloc_free(b->pa, b->order);
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
