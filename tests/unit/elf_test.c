/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the task loader's ELF checks (kernel/task/elf.c): a
 * minimal valid ET_EXEC and static-pie ET_DYN are accepted and described
 * (segments, entry, where the program headers are for AT_PHDR), and each
 * malformation is refused with its own reason and no output: bad magic,
 * class, byte order, version, OS ABI, type, machine, header sizes, program
 * headers outside the file or too many, PT_INTERP, W+X, file size above
 * memory size, data outside the file, misaligned or overlapping segments,
 * addresses outside the user range or wrapping, an entry point outside the
 * executable segments, and every truncation of a valid file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/elf.h"

#include "abi/elf.h"

#include "test.h"

#define FILE_SIZE 0x3000u

struct image {
	uint8_t bytes[FILE_SIZE];
};

static struct elf64_ehdr *ehdr(struct image *im)
{
	return (struct elf64_ehdr *)im->bytes;
}

static struct elf64_phdr *phdr(struct image *im, unsigned int i)
{
	return (struct elf64_phdr *)(im->bytes + 64 + 56 * i);
}

/*
 * A static executable as gcc -static lays it out, shrunk: an R segment
 * holding the headers, an R+X text segment, an R+W data segment with bss,
 * and a PT_GNU_STACK.
 */
static void make_exec(struct image *im, uint16_t type)
{
	struct elf64_ehdr *e = ehdr(im);
	uint64_t base = type == ET_EXEC ? 0x400000 : 0;

	memset(im, 0, sizeof(*im));
	memcpy(e->e_ident,
	       "\x7f"
	       "ELF",
	       4);
	e->e_ident[4] = ELFCLASS64;
	e->e_ident[5] = ELFDATA2LSB;
	e->e_ident[6] = EV_CURRENT;
	e->e_ident[7] = ELFOSABI_GNU;
	e->e_type = type;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = base + 0x1010;
	e->e_phoff = 64;
	e->e_ehsize = 64;
	e->e_phentsize = 56;
	e->e_phnum = 4;
	*phdr(im, 0) = (struct elf64_phdr){PT_LOAD, PF_R,  0,	  base,
					   base,    0x200, 0x200, 0x1000};
	*phdr(im, 1) = (struct elf64_phdr){PT_LOAD,	  PF_R | PF_X,	 0x1000,
					   base + 0x1000, base + 0x1000, 0x100,
					   0x100,	  0x1000};
	*phdr(im, 2) = (struct elf64_phdr){PT_LOAD,	  PF_R | PF_W,	 0x2010,
					   base + 0x2010, base + 0x2010, 0x20,
					   0x5000,	  0x1000};
	*phdr(im, 3) = (struct elf64_phdr){
		PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
}

/* Parses and expects refusal with `reason` (a substring), output untouched. */
static bool refused(struct image *im, size_t size, const char *reason)
{
	struct elf_image out;
	const char *why = NULL;
	enum svsm_err err;

	memset(&out, 0xa5, sizeof(out));
	err = elf_exec_parse(im->bytes, size, &out, &why);
	REQUIRE_TRUE(err == SVSM_E_INVAL || err == SVSM_E_UNSUPPORTED);
	REQUIRE_TRUE(why != NULL && strstr(why, reason) != NULL);
	for (size_t i = 0; i < sizeof(out); i++)
		REQUIRE_EQ(((uint8_t *)&out)[i], 0xa5);
	return true;
}

TEST(elf, static_exec_accepted)
{
	struct image im;
	struct elf_image out;
	const char *why;

	make_exec(&im, ET_EXEC);
	ASSERT_EQ(elf_exec_parse(im.bytes, sizeof(im.bytes), &out, &why),
		  SVSM_OK);
	EXPECT_EQ(out.type, ET_EXEC);
	EXPECT_EQ(out.entry, 0x401010u);
	EXPECT_EQ(out.load_count, 3u);
	EXPECT_EQ(out.load[1].flags, PF_R | PF_X);
	EXPECT_EQ(out.load[2].memsz, 0x5000u);
	EXPECT_TRUE(out.has_phdr);
	EXPECT_EQ(out.phdr, 0x400040u);
	EXPECT_EQ(out.phnum, 4u);
	EXPECT_EQ(out.lo, 0x400000u);
	EXPECT_EQ(out.hi, 0x408000u);
	EXPECT_EQ(elf_exec_bias(&out), 0u);
}

TEST(elf, static_pie_accepted_and_placed)
{
	struct image im;
	struct elf_image out;
	const char *why;

	make_exec(&im, ET_DYN);
	phdr(&im, 3)->p_type = PT_DYNAMIC; /* static-pie has one */
	ASSERT_EQ(elf_exec_parse(im.bytes, sizeof(im.bytes), &out, &why),
		  SVSM_OK);
	EXPECT_EQ(out.type, ET_DYN);
	EXPECT_EQ(out.entry, 0x1010u);
	EXPECT_EQ(elf_exec_bias(&out), ELF_DYN_BASE);
}

TEST(elf, header_fields_refused)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	im.bytes[1] = 'X';
	EXPECT_TRUE(refused(&im, FILE_SIZE, "not an ELF"));
	make_exec(&im, ET_EXEC);
	im.bytes[4] = 1; /* ELFCLASS32 */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "not ELF64"));
	make_exec(&im, ET_EXEC);
	im.bytes[5] = 2; /* big-endian */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "little-endian"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_version = 2;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "version"));
	make_exec(&im, ET_EXEC);
	im.bytes[7] = 9; /* FreeBSD */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "OS ABI"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_type = 1; /* ET_REL */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "not an executable"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_type = 4; /* ET_CORE */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "not an executable"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_machine = 183; /* AArch64 */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "x86-64"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_ehsize = 52;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "header size"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phentsize = 32;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "program header size"));
}

TEST(elf, program_header_table_refused)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phnum = 0;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "count"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phnum = PN_XNUM;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "count"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phnum = ELF_MAX_PHNUM + 1;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "count"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phoff = FILE_SIZE - 100;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "outside the file"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phoff = ~0ull - 8; /* offset + size wraps */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "outside the file"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_phoff = 65;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "misaligned"));
}

TEST(elf, dynamic_executable_unsupported)
{
	struct image im;
	struct elf_image out;
	const char *why;

	make_exec(&im, ET_EXEC);
	phdr(&im, 3)->p_type = PT_INTERP;
	EXPECT_EQ(elf_exec_parse(im.bytes, FILE_SIZE, &out, &why),
		  SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(strstr(why, "PT_INTERP") != NULL);
}

TEST(elf, segments_refused)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_flags = PF_R | PF_W | PF_X;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "W^X"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 1)->p_flags = PF_W | PF_X;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "W^X"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_filesz = 0x6000;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "file size exceeds"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_memsz = 0;
	phdr(&im, 2)->p_filesz = 0;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "empty"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 1)->p_filesz = FILE_SIZE;
	phdr(&im, 1)->p_memsz = FILE_SIZE;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "outside the file"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 1)->p_offset = ~0ull - 0xfff;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "outside the file"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 1)->p_vaddr += 8; /* offset 0x1000, address ...008 */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "modulo the page size"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 1)->p_align = 0x1800;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "power of two"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_vaddr = 0x401010; /* shares a page with text */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "overlap"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 0)->p_vaddr = 0x402000; /* after the next one */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "overlap or are not sorted"));
}

TEST(elf, addresses_refused)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	phdr(&im, 0)->p_vaddr = 0; /* page zero */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "user address range"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_vaddr = 0xffffffff80002010ull; /* kernel half */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "user address range"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_vaddr = ELF_EXEC_MAX - 0x1000 + 0x10;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "user address range"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_vaddr = ~0ull - 0xfef; /* vaddr + memsz wraps */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "user address range"));
	make_exec(&im, ET_DYN);
	phdr(&im, 2)->p_vaddr = ELF_MAX_SPAN + 0x10;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "user address range"));
	make_exec(&im, ET_EXEC);
	phdr(&im, 2)->p_vaddr = 0x7e0000000010ull; /* span too large */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "span"));
}

TEST(elf, entry_must_be_executable)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_entry = 0x400010; /* the R segment */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "entry point"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_entry = 0x402020; /* the data segment */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "entry point"));
	make_exec(&im, ET_EXEC);
	ehdr(&im)->e_entry = 0x401100; /* one past text */
	EXPECT_TRUE(refused(&im, FILE_SIZE, "entry point"));
}

TEST(elf, no_load_segment_refused)
{
	struct image im;

	make_exec(&im, ET_EXEC);
	for (unsigned int i = 0; i < 3; i++)
		phdr(&im, i)->p_type = PT_NOTE;
	EXPECT_TRUE(refused(&im, FILE_SIZE, "no PT_LOAD"));
}

TEST(elf, every_truncation_refused)
{
	struct image im;
	struct elf_image out;
	const char *why;

	make_exec(&im, ET_EXEC);
	/* The data segment's bytes end at 0x2030: any shorter file fails. */
	for (size_t n = 0; n < 0x2030; n++)
		ASSERT_EQ(elf_exec_parse(im.bytes, n, &out, &why),
			  SVSM_E_INVAL);
	ASSERT_EQ(elf_exec_parse(im.bytes, 0x2030, &out, &why), SVSM_OK);
	ASSERT_EQ(elf_exec_parse(NULL, 0, &out, &why), SVSM_E_INVAL);
}
