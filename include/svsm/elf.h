/* SPDX-License-Identifier: MIT */
/*
 * Reading a static ELF64 executable for the task loader (kernel/task/elf.c):
 * every header field the loader relies on is checked before anything is
 * mapped, so a malformed file gets one clear reason and no side effect.
 * Plain C over the file's bytes: the same file runs in the hosted tests and
 * the fuzzer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define ELF_MAX_LOADS 16u
#define ELF_MAX_PHNUM 64u
/* Where ET_EXEC segments may lie, and where an ET_DYN file is placed. */
#define ELF_EXEC_MIN 0x10000ull
#define ELF_EXEC_MAX 0x7f0000000000ull
#define ELF_DYN_BASE 0x555555554000ull
/* The largest span of one executable's segments. */
#define ELF_MAX_SPAN (1ull << 30)

struct elf_segment {
	uint64_t vaddr; /* link-time address (ET_DYN: relative to the base) */
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags; /* PF_R | PF_W | PF_X, never both W and X */
};

struct elf_image {
	uint16_t type;	 /* ET_EXEC or ET_DYN */
	uint64_t entry;	 /* link-time entry point */
	uint16_t phnum;	 /* program headers */
	bool has_phdr;	 /* the headers are inside a loaded segment ... */
	uint64_t phdr;	 /* ... at this link-time address */
	uint64_t lo, hi; /* page-aligned span of the PT_LOAD segments */
	uint32_t load_count;
	struct elf_segment load[ELF_MAX_LOADS];
};

/*
 * Checks `file` (size bytes) and describes it in *out. SVSM_E_INVAL for
 * anything the loader will not run, with *why set to a one-line reason
 * (a static string); SVSM_E_UNSUPPORTED for a dynamically linked file.
 */
enum svsm_err __must_check elf_exec_parse(const void *file, size_t size,
					  struct elf_image *out,
					  const char **why);
/* The address the image is loaded at: 0 for ET_EXEC, ELF_DYN_BASE otherwise. */
uint64_t elf_exec_bias(const struct elf_image *img);
