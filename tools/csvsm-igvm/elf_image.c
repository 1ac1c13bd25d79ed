/* SPDX-License-Identifier: MIT */
/*
 * ELF64 program-header parsing (System V gABI, "Program Header"). The input
 * is the build's own kernel, but the reader still checks every offset and
 * size against the file, so a damaged file gives an error, not a crash.
 */
#include "elf_image.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

int elf_parse(const uint8_t *buf, size_t size, struct elf_image *out, char *err,
	      size_t errlen)
{
	Elf64_Ehdr eh;

	memset(out, 0, sizeof(*out));
	if (size < sizeof(eh)) {
		snprintf(err, errlen, "not an ELF file (too short)");
		return -1;
	}
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC) {
		snprintf(err, errlen, "not an x86-64 ELF64 executable");
		return -1;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > size ||
	    (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum) {
		snprintf(err, errlen, "program headers outside the file");
		return -1;
	}
	out->entry = eh.e_entry;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		struct elf_segment *s;

		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    size - ph.p_offset < ph.p_filesz) {
			snprintf(err, errlen, "segment %u outside the file", i);
			return -1;
		}
		if (out->segment_count == ELF_MAX_SEGMENTS) {
			snprintf(err, errlen, "more than %d segments",
				 ELF_MAX_SEGMENTS);
			return -1;
		}
		s = &out->segments[out->segment_count++];
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->data = buf + ph.p_offset;
	}
	if (!out->segment_count) {
		snprintf(err, errlen, "no loadable segments");
		return -1;
	}
	return 0;
}
