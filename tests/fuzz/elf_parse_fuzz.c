/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the task loader's ELF checks (kernel/task/elf.c).
 * Any input must either be refused with a reason, or be described by an
 * image that keeps every promise the loader relies on: segments sorted,
 * page-disjoint, inside the user range and the file, never W+X, the entry
 * point inside an executable segment, AT_PHDR inside a segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/elf.h"

#include "abi/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	const char *why = NULL;
	enum svsm_err err = elf_exec_parse(data, size, &img, &why);
	uint64_t min;
	uint64_t max;
	uint64_t prev_end = 0;
	int entry_ok = 0;

	if (err != SVSM_OK) {
		EXPECT(err == SVSM_E_INVAL || err == SVSM_E_UNSUPPORTED);
		EXPECT(why && why[0]);
		return 0;
	}
	EXPECT(img.type == ET_EXEC || img.type == ET_DYN);
	EXPECT(img.load_count >= 1 && img.load_count <= ELF_MAX_LOADS);
	min = img.type == ET_EXEC ? ELF_EXEC_MIN : 0;
	max = img.type == ET_EXEC ? ELF_EXEC_MAX : ELF_MAX_SPAN;
	for (uint32_t i = 0; i < img.load_count; i++) {
		const struct elf_segment *s = &img.load[i];

		EXPECT(!((s->flags & PF_W) && (s->flags & PF_X)));
		EXPECT(s->filesz <= s->memsz && s->memsz > 0);
		EXPECT(s->offset <= size && s->filesz <= size - s->offset);
		EXPECT(s->vaddr >= min && s->vaddr + s->memsz <= max &&
		       s->vaddr + s->memsz > s->vaddr);
		EXPECT(i == 0 || (s->vaddr & ~0xfffull) >= prev_end);
		prev_end = (s->vaddr + s->memsz + 0xfff) & ~0xfffull;
		if ((s->flags & PF_X) && img.entry >= s->vaddr &&
		    img.entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	EXPECT(entry_ok);
	EXPECT(img.hi - img.lo <= ELF_MAX_SPAN);
	if (img.has_phdr)
		EXPECT(img.phdr >= img.lo && img.phdr < img.hi);
	return 0;
}
