/* SPDX-License-Identifier: MIT */
/*
 * The named layout table of the SVSM region (include/svsm/mm/layout.h):
 * each part recorded once, overlaps refused, the table printed at boot.
 */
#include "svsm/mm/layout.h"

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
