/* SPDX-License-Identifier: MIT */
/*
 * The parts of ELF-64 that the task loader reads (System V ABI, "ELF-64
 * Object File Format" version 1.5, and the x86-64 psABI for EM_X86_64),
 * and the auxiliary-vector types of the System V x86-64 psABI, 3.4.3 (the
 * values Linux defines in include/uapi/linux/auxvec.h and
 * arch/x86/include/uapi/asm/auxvec.h).
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"

#define ELF_MAG0      0x7f
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU  3
#define ET_EXEC	      2
#define ET_DYN	      3
#define EM_X86_64     62
#define PN_XNUM	      0xffff

#define PT_NULL	     0
#define PT_LOAD	     1
#define PT_DYNAMIC   2
#define PT_INTERP    3
#define PT_NOTE	     4
#define PT_PHDR	     6
#define PT_TLS	     7
#define PT_GNU_STACK 0x6474e551
#define PT_GNU_RELRO 0x6474e552

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

/* ELF-64 Object File Format 1.5, Figure 2 (file header). */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
static_assert(sizeof(struct elf64_ehdr) == 64, "ELF-64 1.5, Figure 2");

/* ELF-64 Object File Format 1.5, Figure 6 (program header). */
struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
static_assert(sizeof(struct elf64_phdr) == 56, "ELF-64 1.5, Figure 6");

/* Auxiliary vector types (System V x86-64 psABI, 3.4.3; Linux auxvec.h). */
#define AT_NULL	       0
#define AT_PHDR	       3
#define AT_PHENT       4
#define AT_PHNUM       5
#define AT_PAGESZ      6
#define AT_BASE	       7
#define AT_FLAGS       8
#define AT_ENTRY       9
#define AT_UID	       11
#define AT_EUID	       12
#define AT_GID	       13
#define AT_EGID	       14
#define AT_PLATFORM    15
#define AT_HWCAP       16
#define AT_CLKTCK      17
#define AT_SECURE      23
#define AT_RANDOM      25
#define AT_HWCAP2      26
#define AT_EXECFN      31
#define AT_MINSIGSTKSZ 51
