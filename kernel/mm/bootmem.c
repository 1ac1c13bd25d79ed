/* SPDX-License-Identifier: MIT */
/*
 * The boot-time page allocator (include/svsm/mm/bootmem.h): bump
 * allocation of whole, zeroed pages from the free part of the SVSM region,
 * before the page allocator exists; the page allocator then takes the rest.
 */
#include "svsm/mm/bootmem.h"

#include "svsm/addr.h"

#include "lib/string.h"

static uint64_t bm_start;
static uint64_t bm_next;
static uint64_t bm_end;

void bootmem_init(uint64_t base, uint64_t end)
{
	bm_start = bm_next = ALIGN_UP(base, PAGE_SIZE);
	bm_end = ALIGN_DOWN(end, PAGE_SIZE);
}

uint64_t bootmem_alloc_pages(uint32_t count)
{
	uint64_t size = (uint64_t)count * PAGE_SIZE;
	uint64_t pa = bm_next;
	void *va;

	if (count == 0 || size > bm_end - bm_next)
		return 0;
	va = arch_phys_to_virt(pa, size);
	if (!va)
		return 0;
	memset(va, 0, size);
	bm_next += size;
	return pa;
}

uint64_t bootmem_take_rest(uint64_t *base)
{
	uint64_t size = bm_end - bm_next;

	*base = bm_next;
	bm_next = bm_end;
	return size;
}

uint64_t bootmem_used(void)
{
	return bm_next - bm_start;
}

uint64_t bootmem_left(void)
{
	return bm_end - bm_next;
}
