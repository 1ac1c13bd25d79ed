/* SPDX-License-Identifier: MIT */
/*
 * The named layout table and the boot-time page allocator over the free part
 * of the SVSM region (include/svsm/layout.h).
 */
#include "svsm/layout.h"

#include "svsm/addr.h"
#include "svsm/log.h"

#include "lib/string.h"

struct part {
	const char *name;
	uint64_t base;
	uint64_t size;
};

static struct part parts[LAYOUT_MAX_PARTS];
static unsigned int part_count;

enum svsm_err layout_add(const char *name, uint64_t base, uint64_t size)
{
	uint64_t end;
	unsigned int pos = part_count;

	if (part_count == LAYOUT_MAX_PARTS || size == 0 ||
	    __builtin_add_overflow(base, size, &end))
		return SVSM_E_INVAL;
	for (unsigned int i = 0; i < part_count; i++) {
		if (base < parts[i].base + parts[i].size && parts[i].base < end)
			return SVSM_E_INVAL;
		if (pos == part_count && base < parts[i].base)
			pos = i;
	}
	memmove(&parts[pos + 1], &parts[pos],
		(part_count - pos) * sizeof(parts[0]));
	parts[pos] = (struct part){name, base, size};
	part_count++;
	return SVSM_OK;
}

void layout_print(void)
{
	log_printf("  %-18s %-18s %-18s %8s\n", "region", "start", "end",
		   "KiB");
	for (unsigned int i = 0; i < part_count; i++) {
		unsigned long long base = parts[i].base;
		unsigned long long size = parts[i].size;

		log_printf("  %-18s 0x%016llx 0x%016llx %8llu\n", parts[i].name,
			   base, base + size, size / 1024);
	}
}

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
