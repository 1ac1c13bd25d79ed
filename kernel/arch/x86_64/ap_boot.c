/* SPDX-License-Identifier: MIT */
/*
 * The x86 half of starting application processors by INIT-SIPI-SIPI:
 * copying the real-mode trampoline (ap_trampoline.S) into its page below
 * 1 MiB and filling its data block (x86/trampoline.h), and parking the CPUs
 * that answered beyond the declared count once every wanted one has left
 * the page. Which page, which stacks and when to send the SIPIs is the
 * platform's business (kernel/plat/native/smp.c).
 */
#include <stddef.h>

#include "svsm/addr.h"

#include "asm_offsets.h" /* generated from asm_offsets.c */
#include "lib/string.h"
#include "x86/layout.h"
#include "x86/trampoline.h"
#include "x86/x86.h"

/* The generated offsets must agree with the struct the C side fills. */
static_assert(TRAMP_CR3 == TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, cr3),
	      "asm_offsets.h is stale");
static_assert(TRAMP_ENTRY ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, entry),
	      "asm_offsets.h is stale");
static_assert(TRAMP_STACKS ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, stacks),
	      "asm_offsets.h is stale");
static_assert(TRAMP_MAX_AP ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, max_ap),
	      "asm_offsets.h is stale");
static_assert(TRAMP_COUNTER ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, counter),
	      "asm_offsets.h is stale");
static_assert(TRAMP_FAR32 ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, far32),
	      "asm_offsets.h is stale");
static_assert(TRAMP_FAR64 ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, far64),
	      "asm_offsets.h is stale");
static_assert(TRAMP_GDTR ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, gdtr),
	      "asm_offsets.h is stale");
static_assert(TRAMP_EFER ==
		      TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, efer),
	      "asm_offsets.h is stale");
static_assert(TRAMP_GDT == TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, gdt),
	      "asm_offsets.h is stale");
static_assert(TRAMP_DATA_OFF + sizeof(struct ap_tramp_data) <= PAGE_SIZE,
	      "the trampoline's data block fits its page");

/* EFER.LME and EFER.NXE (APM vol. 2, §3.1.7). */
#define EFER_LME_NXE 0x900u

bool arch_ap_trampoline_install(void *page, uint64_t cr3, uintptr_t entry,
				const uintptr_t *stacks, uint32_t cpu_count)
{
	/* Flat 4 GiB segments: null, 32-bit code, data, 64-bit code. */
	static const uint64_t gdt[4] = {
		0,
		0x00cf9a000000ffffull,
		0x00cf92000000ffffull,
		0x00af9a000000ffffull,
	};
	size_t code_len = (size_t)(ap_trampoline_end - ap_trampoline_start);
	struct ap_tramp_data d = {
		.cr3 = cr3,
		.entry = entry,
		.stacks = (uint64_t)(uintptr_t)stacks,
		.max_ap = cpu_count - 1,
		.counter = 0,
		.far32 = {.offset = 0, .selector = BOOT_CS32},
		.far64 = {.offset = 0, .selector = BOOT_CS64},
		.gdtr = {.limit = sizeof(gdt) - 1, .base = 0},
		.efer = (uint32_t)arch_read_efer() & EFER_LME_NXE,
	};

	static_assert(sizeof(d.gdt) == sizeof(gdt), "boot GDT size");
	if (code_len > TRAMP_DATA_OFF || cpu_count < 1)
		return false;
	memcpy(d.gdt, gdt, sizeof(gdt));
	memset(page, 0, PAGE_SIZE);
	memcpy(page, ap_trampoline_start, code_len);
	memcpy((uint8_t *)page + TRAMP_DATA_OFF, &d, sizeof(d));
	return true;
}

void arch_ap_trampoline_retire(void *page)
{
	/* CPUs beyond the declared count are parked in it: leave them HLT. */
	memset(page, 0xf4, TRAMP_DATA_OFF);
}
