/* SPDX-License-Identifier: MIT */
/*
 * Checking a static ELF64 executable (include/svsm/elf.h) against the
 * ELF-64 Object File Format 1.5 and the x86-64 psABI.
 *
 * TRUST: the file comes from the measured root file system, but a program
 * is still not part of the SVSM: every offset, size and address is checked
 * with overflow-checked arithmetic, so a hostile header can only produce an
 * error. Refused: anything but little-endian ELF64 for x86-64, types other
 * than ET_EXEC and ET_DYN (static-pie), PT_INTERP (dynamic linking), file
 * ranges outside the file, segments outside the user range or overlapping
 * (page-granular, because pages carry the permissions), unaligned
 * segments, a segment both writable and executable (W^X), and an entry
 * point outside every executable segment.
 */
#include "svsm/elf.h"

#include "abi/elf.h"

#include "lib/string.h"

#define PAGE_MASK (PAGE_SIZE - 1)

static enum svsm_err bad(const char **why, const char *reason)
{
	*why = reason;
	return SVSM_E_INVAL;
}

/* True when [off, off + len) lies inside a file of `size` bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, len, &end) && end <= size;
}

static enum svsm_err check_header(const struct elf64_ehdr *eh, size_t size,
				  const char **why)
{
	if (eh->e_ident[0] != ELF_MAG0 || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
		return bad(why, "not an ELF file");
	if (eh->e_ident[4] != ELFCLASS64)
		return bad(why, "not ELF64");
	if (eh->e_ident[5] != ELFDATA2LSB)
		return bad(why, "not little-endian");
	if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return bad(why, "unknown ELF version");
	if (eh->e_ident[7] != ELFOSABI_SYSV && eh->e_ident[7] != ELFOSABI_GNU)
		return bad(why, "not a System V or GNU/Linux OS ABI");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return bad(why, "not an executable (ET_EXEC or ET_DYN)");
	if (eh->e_machine != EM_X86_64)
		return bad(why, "not for x86-64");
	if (eh->e_ehsize < sizeof(*eh))
		return bad(why, "ELF header size too small");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return bad(why, "program header size is not 56");
	if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM ||
	    eh->e_phnum > ELF_MAX_PHNUM)
		return bad(why, "program header count out of range");
	if (!in_file(eh->e_phoff,
		     (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
		return bad(why, "program headers outside the file");
	if (eh->e_phoff % 8)
		return bad(why, "program headers misaligned");
	return SVSM_OK;
}

static enum svsm_err check_load(const struct elf64_phdr *ph, uint16_t type,
				size_t size, const char **why)
{
	uint64_t end;
	uint64_t min = type == ET_EXEC ? ELF_EXEC_MIN : 0;
	uint64_t max = type == ET_EXEC ? ELF_EXEC_MAX : ELF_MAX_SPAN;

	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return bad(why, "segment both writable and executable (W^X)");
	if (ph->p_filesz > ph->p_memsz)
		return bad(why, "segment file size exceeds its memory size");
	if (ph->p_memsz == 0)
		return bad(why, "empty PT_LOAD segment");
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return bad(why, "segment data outside the file");
	if ((ph->p_vaddr & PAGE_MASK) != (ph->p_offset & PAGE_MASK))
		return bad(
			why,
			"segment address and offset disagree modulo the page size");
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return bad(why, "segment alignment not a power of two");
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end) ||
	    ph->p_vaddr < min || end > max)
		return bad(why, "segment outside the user address range");
	return SVSM_OK;
}

static enum svsm_err collect(const uint8_t *file, size_t size,
			     const struct elf64_ehdr *eh, struct elf_image *img,
			     const char **why)
{
	for (uint16_t i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_segment *s;
		enum svsm_err err;

		memcpy(&ph, file + eh->e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC) {
			/* static-pie has PT_DYNAMIC but no interpreter. */
			if (ph.p_type == PT_INTERP) {
				*why = "dynamically linked (PT_INTERP)";
				return SVSM_E_UNSUPPORTED;
			}
			continue;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		err = check_load(&ph, eh->e_type, size, why);
		if (err != SVSM_OK)
			return err;
		if (img->load_count == ELF_MAX_LOADS)
			return bad(why, "too many PT_LOAD segments");
		if (img->load_count &&
		    ALIGN_DOWN(ph.p_vaddr, PAGE_SIZE) <
			    ALIGN_UP(img->load[img->load_count - 1].vaddr +
					     img->load[img->load_count - 1]
						     .memsz,
				     PAGE_SIZE))
			return bad(
				why,
				"PT_LOAD segments overlap or are not sorted");
		s = &img->load[img->load_count++];
		*s = (struct elf_segment){
			.vaddr = ph.p_vaddr,
			.memsz = ph.p_memsz,
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.flags = ph.p_flags & (PF_R | PF_W | PF_X),
		};
		/* The program headers, if this segment carries them (AT_PHDR). */
		if (eh->e_phoff >= ph.p_offset &&
		    eh->e_phoff - ph.p_offset <= ph.p_filesz &&
		    ph.p_filesz - (eh->e_phoff - ph.p_offset) >=
			    (uint64_t)eh->e_phnum * sizeof(ph)) {
			img->has_phdr = true;
			img->phdr = ph.p_vaddr + (eh->e_phoff - ph.p_offset);
		}
	}
	return SVSM_OK;
}

enum svsm_err elf_exec_parse(const void *file, size_t size,
			     struct elf_image *out, const char **why)
{
	struct elf64_ehdr eh;
	struct elf_image img = {0};
	enum svsm_err err;
	bool entry_ok = false;

	*why = "";
	if (!file || size < sizeof(eh))
		return bad(why, "shorter than an ELF header");
	memcpy(&eh, file, sizeof(eh));
	err = check_header(&eh, size, why);
	if (err != SVSM_OK)
		return err;
	img.type = eh.e_type;
	img.entry = eh.e_entry;
	img.phnum = eh.e_phnum;
	err = collect(file, size, &eh, &img, why);
	if (err != SVSM_OK)
		return err;
	if (!img.load_count)
		return bad(why, "no PT_LOAD segment");
	img.lo = ALIGN_DOWN(img.load[0].vaddr, PAGE_SIZE);
	img.hi = ALIGN_UP(img.load[img.load_count - 1].vaddr +
				  img.load[img.load_count - 1].memsz,
			  PAGE_SIZE);
	if (img.hi - img.lo > ELF_MAX_SPAN)
		return bad(why, "segments span more than 1 GiB");
	for (uint32_t i = 0; i < img.load_count; i++) {
		const struct elf_segment *s = &img.load[i];

		if ((s->flags & PF_X) && img.entry >= s->vaddr &&
		    img.entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return bad(why, "entry point outside every executable segment");
	*out = img;
	return SVSM_OK;
}

uint64_t elf_exec_bias(const struct elf_image *img)
{
	return img->type == ET_DYN ? ELF_DYN_BASE : 0;
}
