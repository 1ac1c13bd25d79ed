/* SPDX-License-Identifier: MIT */
/*
 * The launcher's reset stub. An x86 CPU leaves reset in real mode at
 * 0xfffffff0 (Intel SDM Vol. 3A, 9.1.4); QEMU maps this 64 KiB image at
 * 0xffff0000 so that address is its last 16 bytes. The stub
 *   1. loads its GDT (descriptors built by the launcher from the VP context,
 *      plus its own flat code/data at STUB_CS32/STUB_DS32) and enters
 *      32-bit protected mode;
 *   2. loads CR4, CR3, EFER, CR0, the IDTR, the data segments and the
 *      general-purpose registers from the context block;
 *   3. optionally loads the VP's own GDTR (the launcher has checked that
 *      its descriptors match) and far-jumps to the VP's CS:EIP.
 * No RAM is touched: the stub has no stack and writes nothing to memory.
 * The launcher only accepts contexts this can express (32-bit protected
 * mode, paging off, RFLAGS = 2); see tools/csvsm-run/vpctx.c.
 */
#include "resetstub.h"

#define ABS(x) (STUB_BASE + (x))

	.section .stub, "ax"
	.globl stub_start
stub_start:
	.skip	STUB_CTX_END		/* the context block, patched */

	.code16
stub16:
	cli
	cld
	lgdtl	%cs:STUB_GDTR
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$STUB_CS32, $stub32

	.code32
stub32:
	movl	$STUB_DS32, %eax
	movl	%eax, %ds
	movl	ABS(STUB_CR4), %eax
	movl	%eax, %cr4
	movl	ABS(STUB_CR3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	movl	ABS(STUB_EFER_LO), %eax
	movl	ABS(STUB_EFER_HI), %edx
	wrmsr
	movl	ABS(STUB_CR0), %eax
	movl	%eax, %cr0
	lidtl	ABS(STUB_TGT_IDTR)
	movzwl	ABS(STUB_DATA_SEL), %eax
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	testl	$STUB_FLAG_LOAD_GDT, ABS(STUB_FLAGS)
	jz	1f
	lgdtl	ABS(STUB_TGT_GDTR)
1:	movl	ABS(STUB_EBX), %ebx
	movl	ABS(STUB_ECX), %ecx
	movl	ABS(STUB_EDX), %edx
	movl	ABS(STUB_ESI), %esi
	movl	ABS(STUB_EDI), %edi
	movl	ABS(STUB_EBP), %ebp
	movl	ABS(STUB_ESP), %esp
	movl	ABS(STUB_EAX), %eax
	/* DS last: every load above went through the stub's own DS. */
	movw	%cs:ABS(STUB_DATA_SEL), %ds
	ljmpl	*%cs:ABS(STUB_FAR_EIP)

	.section .reset, "ax"
	.code16
reset_vector:
	jmp	stub16
	.balign	16, 0xf4
