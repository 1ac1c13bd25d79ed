/* SPDX-License-Identifier: MIT */
/*
 * The named physical layout of the SVSM's static region: one table, filled
 * at boot, checked for overlaps and printed. Everything the SVSM owns in
 * the region appears here under a name.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/*
 * The parts of the SVSM region, in the order they are laid out. Their
 * names are in one table (layout.c); every byte of the region belongs to
 * exactly one part, and layout_print() shows them all at boot.
 */
enum layout_part {
	LAYOUT_KERNEL_TEXT,   /* boot code and .text */
	LAYOUT_KERNEL_RODATA, /* .rodata, test and exception tables */
	LAYOUT_KERNEL_DATA,   /* .data */
	LAYOUT_KERNEL_BSS,    /* .bss: boot page tables, boot stack */
	LAYOUT_HANDOFF,	      /* firmware hand-off: boot info, IGVM params */
	LAYOUT_PERCPU,	      /* per-CPU areas */
	LAYOUT_PAGE_TABLES,   /* the SVSM's page tables */
	LAYOUT_USER,	      /* user-mode area (no user mode yet: empty) */
	LAYOUT_HEAP,	      /* page allocator and slabs */
	LAYOUT_PART_COUNT,
};

/*
 * Records where part `part` lies. Fails if it was set already, wraps, or
 * overlaps another part; a part of size 0 is recorded as empty.
 */
enum svsm_err __must_check layout_set(enum layout_part part, uint64_t base,
				      uint64_t size);
/* Where part `part` lies; false when it has not been set. */
bool layout_get(enum layout_part part, uint64_t *base, uint64_t *size);
/* Prints the table, sorted by address, empty parts last. */
void layout_print(void);
