/* SPDX-License-Identifier: MIT */
/*
 * The data block of the AP trampoline (ap_trampoline.S), at
 * TRAMP_DATA_OFF in the trampoline page. C fills it (ap_boot.c); the
 * trampoline reads it in real, protected and long mode. The assembly
 * offsets of its members are generated from this struct (asm_offsets.c ->
 * asm_offsets.h), never kept by hand.
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"

/* The code comes first; the data block sits at the end of the page. */
#define TRAMP_DATA_OFF 0xf00

/* A far pointer as LJMPL m16:32 reads it: offset, then selector. */
struct tramp_far_ptr {
	uint32_t offset; /* patched by the trampoline for its own base */
	uint32_t selector;
};

/* The GDTR operand of LGDTL: limit, then 32-bit base. */
struct tramp_gdtr {
	uint16_t limit;
	uint32_t base; /* patched by the trampoline */
	uint16_t pad;
} __packed;

struct ap_tramp_data {
	uint64_t cr3;	  /* the BSP's page-table root */
	uint64_t entry;	  /* smp_ap_entry(index), a kernel address */
	uint64_t stacks;  /* uintptr_t[]: each CPU's stack top, by index */
	uint32_t max_ap;  /* the highest CPU index allowed to start */
	uint32_t counter; /* incremented atomically by each AP */
	struct tramp_far_ptr far32;
	struct tramp_far_ptr far64;
	struct tramp_gdtr gdtr;
	uint32_t efer; /* EFER bits to set: LME, and NXE if the BSP has it */
	uint32_t pad;
	uint64_t gdt[4]; /* null, code32, data, code64 (BOOT_CS32/DS/CS64) */
};
