/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the launcher and vpctx tests ("lfix": launcher test
 * fixture): a synthetic ELF64 kernel made in memory, building it with
 * build_igvm() and parsing the result back, what its pages and boot VP
 * context must hold, and reading a launcher plan. launcher_fixture.h is the
 * part the kernel-side tests can include.
 */
#pragma once

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"

#include "build.h"
#include "igvm.h"
#include "launch.h"
#include "launcher_fixture.h"

/*
 * The synthetic kernel: PT_LOAD at physical IMG_BASE (SEG1_SIZE bytes), a
 * PT_NOTE that must be ignored, and PT_LOAD at IMG_BASE + SEG1_SIZE with
 * SEG2_FILE bytes of data and SEG2_MEM bytes in memory (bss). Virtual
 * addresses are at VIRT, unlike the physical ones. Segment 1 holds a GDT at
 * GDT_OFF: null, flat code, flat data, flat code.
 */
#define PG	    4096ull
#define MB	    0x100000ull
#define GB	    0x40000000ull
#define IMG_BASE    LAUNCHER_FIXTURE_REGION_BASE
#define REG_SIZE    0x200000ull
#define AP_TRAMP    0x9f000ull
#define ENTRY	    IMG_BASE
#define VIRT	    0xffffffff80000000ull
#define SEG1_OFF    0x1000
#define SEG1_SIZE   0x1000
#define SEG2_OFF    0x2000
#define SEG2_FILE   0x800
#define SEG2_MEM    0x2800
#define ELF_SIZE    (SEG2_OFF + SEG2_FILE)
#define GDT_OFF	    0x100 /* inside segment 1: null, code, data, code */
#define IMG_END	    (IMG_BASE + 0x4000)
#define BOOT_INFO   IMG_END
#define FREE_BASE   (IMG_END + 6 * PG)
#define CODE_DESC   0x00cf9b000000ffffull
#define DATA_DESC   0x00cf93000000ffffull
#define STUB_CANARY 0xee

struct kernel_elf {
	uint8_t b[ELF_SIZE];
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph; /* 3: LOAD, NOTE, LOAD */
};

/* A built file and its parse. */
struct built {
	uint8_t *file;
	size_t len;
	struct igvm_file f;
	bool parsed;
};

/* Writes the synthetic kernel; the headers live inside k->b. */
void lfix_make_elf(struct kernel_elf *k);
/* Region IMG_BASE, REG_SIZE; AP trampoline AP_TRAMP. */
struct build_options lfix_default_options(void);
/* Builds and parses; records a test failure and returns false on error. */
bool lfix_build_and_parse(const struct kernel_elf *k,
			  const struct build_options *o, struct built *out);
void lfix_built_free(struct built *b);
/* The boot-info page build_igvm must emit for the synthetic kernel. */
struct csvsm_boot_info lfix_expected_boot_info(void);
/* The bytes the image page at gpa (IMG_BASE..IMG_END) must hold. */
void lfix_expected_image_page(const struct kernel_elf *k, uint64_t gpa,
			      uint8_t *page);
bool lfix_all_zero(const uint8_t *p, size_t len);
/* The boot VP context build_igvm must emit (build.c). */
struct igvm_native_vp_context_x64 lfix_builder_context(void);

/* Pointer to [gpa, gpa+len) inside one blob of the plan, or NULL. */
const uint8_t *lfix_plan_at(const struct load_plan *p, uint64_t gpa,
			    size_t len);
uint16_t lfix_get16(const uint8_t *p, unsigned int off);
uint32_t lfix_get32(const uint8_t *p, unsigned int off);
uint64_t lfix_get64(const uint8_t *p, unsigned int off);
/* A zeroed plan whose stub is filled with STUB_CANARY; NULL on OOM. */
struct load_plan *lfix_new_plan(void);
void lfix_free_plan(struct load_plan *p);
/*
 * Checks a memory-map area (room bytes from area) against the machine's RAM
 * ranges: one MEMORY entry per range, then zeros to the end of the room.
 */
void lfix_check_memmap(const uint8_t *area, size_t room,
		       const struct machine *m);
