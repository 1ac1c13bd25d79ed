/* SPDX-License-Identifier: MIT */
/*
 * Link map of the SVSM kernel. The boot code (entry.S's .text.boot) is
 * linked at its physical address, the start of the SVSM region, because it
 * runs before paging. Everything else is linked at KERNEL_VIRT_BASE and
 * loaded right after it (AT()), so one 2 MiB-page mapping covers the image.
 * Each output section starts on a page so that the memory layer can give
 * text, rodata and data different protections.
 */
#include "x86/layout.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(entry32)

PHDRS
{
	boot PT_LOAD FLAGS(5);
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = SVSM_PHYS_BASE;
	.boot : { *(.text.boot) *(.rodata.boot) } :boot

	. = ALIGN(4096) + KERNEL_OFFSET;
	.text : AT(ADDR(.text) - KERNEL_OFFSET) {
		*(.text .text.*)
	} :text
	__text_end = .;

	. = ALIGN(4096);
	__rodata_start = .;
	.rodata : AT(ADDR(.rodata) - KERNEL_OFFSET) {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__start_extable = .;
		KEEP(*(extable))
		__stop_extable = .;
		. = ALIGN(8);
		__start_svtest_cases = .;
		KEEP(*(svtest_cases))
		__stop_svtest_cases = .;
	} :rodata
	__rodata_end = .;

	. = ALIGN(4096);
	__data_start = .;
	.data : AT(ADDR(.data) - KERNEL_OFFSET) {
		*(.data .data.*)
	} :data
	__data_end = .;

	. = ALIGN(4096);
	__bss_start = .;
	.bss (NOLOAD) : AT(ADDR(.bss) - KERNEL_OFFSET) {
		/*
		 * Pages shared with the host from the start (SEV-SNP: the
		 * boot CPU's GHCB); mapped without the C-bit by entry.S and
		 * vm_init(). Empty in the native kernel.
		 */
		__shared_start = .;
		*(.bss.shared)
		. = ALIGN(4096);
		__shared_end = .;
		*(.bss.pgtable)
		*(.bss.stack)
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
	} :data
	__bss_end = .;

	/DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame*) }
}

/* entry.S splits one 2 MiB page for the shared pages. */
ASSERT(__shared_end == __shared_start ||
       (__shared_start - KERNEL_VIRT_BASE) / 0x200000 ==
	       (__shared_end - 1 - KERNEL_VIRT_BASE) / 0x200000,
       "the image's shared pages must lie in one 2 MiB page")
