/* SPDX-License-Identifier: MIT */
/*
 * A minimal ELF64 reader for the kernel image: just the loadable segments,
 * with their physical addresses, checked against the file's bounds.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	const uint8_t *data; /* filesz bytes inside the file buffer */
};

struct elf_image {
	uint64_t entry;
	unsigned int segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* Parses an x86-64 ELF64 executable; -1 with a message in err on error. */
int elf_parse(const uint8_t *buf, size_t size, struct elf_image *out, char *err,
	      size_t errlen);
