/* SPDX-License-Identifier: MIT */
/*
 * The named layout table and the boot-time page allocator over the free part
 * of the SVSM region (include/svsm/layout.h).
 */
#include "svsm/layout.h"

#include "svsm/addr.h"
#include "svsm/log.h"

#include "lib/string.h"

static const char *const part_names[LAYOUT_PART_COUNT] = {
	[LAYOUT_KERNEL_TEXT] = "kernel text",
	[LAYOUT_KERNEL_RODATA] = "kernel rodata",
	[LAYOUT_KERNEL_DATA] = "kernel data",
	[LAYOUT_KERNEL_BSS] = "kernel bss",
	[LAYOUT_HANDOFF] = "firmware hand-off",
	[LAYOUT_PERCPU] = "per-CPU areas",
	[LAYOUT_PAGE_TABLES] = "page tables",
	[LAYOUT_USER] = "user-mode area",
	[LAYOUT_HEAP] = "heap",
};

struct part {
	bool set;
	uint64_t base;
	uint64_t size;
};

static struct part parts[LAYOUT_PART_COUNT];

enum svsm_err layout_set(enum layout_part part, uint64_t base, uint64_t size)
{
	uint64_t end;

	if ((unsigned int)part >= LAYOUT_PART_COUNT || parts[part].set ||
	    __builtin_add_overflow(base, size, &end))
		return SVSM_E_INVAL;
	for (unsigned int i = 0; i < LAYOUT_PART_COUNT; i++) {
		if (size && parts[i].size &&
		    base < parts[i].base + parts[i].size && parts[i].base < end)
			return SVSM_E_INVAL;
	}
	parts[part] = (struct part){true, base, size};
	return SVSM_OK;
}

bool layout_get(enum layout_part part, uint64_t *base, uint64_t *size)
{
	if ((unsigned int)part >= LAYOUT_PART_COUNT || !parts[part].set)
		return false;
	*base = parts[part].base;
	*size = parts[part].size;
	return true;
}

void layout_print(void)
{
	bool done[LAYOUT_PART_COUNT] = {false};

	log_printf("  %-18s %-18s %-18s %8s\n", "region", "start", "end",
		   "KiB");
	/* Selection by address: nine parts, so no sort routine is needed. */
	for (unsigned int n = 0; n < LAYOUT_PART_COUNT; n++) {
		unsigned int best = LAYOUT_PART_COUNT;
		unsigned long long base;
		unsigned long long size;

		for (unsigned int i = 0; i < LAYOUT_PART_COUNT; i++) {
			if (done[i] || !parts[i].size)
				continue;
			if (best == LAYOUT_PART_COUNT ||
			    parts[i].base < parts[best].base)
				best = i;
		}
		if (best == LAYOUT_PART_COUNT)
			break;
		done[best] = true;
		base = parts[best].base;
		size = parts[best].size;
		log_printf("  %-18s 0x%016llx 0x%016llx %8llu\n",
			   part_names[best], base, base + size, size / 1024);
	}
	for (unsigned int i = 0; i < LAYOUT_PART_COUNT; i++) {
		if (!parts[i].size)
			log_printf("  %-18s %-37s %8s\n", part_names[i],
				   parts[i].set ? "(empty)" : "(not set)", "0");
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
