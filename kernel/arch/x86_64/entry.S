/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's entry point. The loader starts the boot vCPU as the IGVM VP
 * context says: 32-bit protected mode, flat segments, paging off, and
 * RSI = the boot-info page (include/abi/csvsm_boot.h). This file builds the
 * boot page tables, enters long mode, moves to the kernel's high mapping and
 * calls kmain(boot_info_pa).
 *
 * Boot page tables (in .bss.pgtable, filled here, never trusted from the
 * image): an identity map of the first 4 GiB with 2 MiB pages (the top GiB,
 * the MMIO hole, uncached) and the SVSM region mapped at KERNEL_VIRT_BASE.
 *
 * The SEV-SNP kernel enters at entry32_snp (snp_entry.S), which comes here
 * with EBP = the C-bit as a mask of the entries' high 32 bits; the native
 * entry sets EBP = 0. Every entry carries it (private memory), except the
 * pages between __shared_start and __shared_end (the boot CPU's GHCB),
 * which the high mapping maps with 4 KiB pages and without it.
 */
#include "x86/layout.h"
#include "asm_offsets.h" /* generated from asm_offsets.c */

#define PTE_P	0x001
#define PTE_W	0x002
#define PTE_PWT	0x008
#define PTE_PCD	0x010
#define PTE_PS	0x080
#define PA(x)	((x) - KERNEL_OFFSET)

	.section .text.boot, "ax"
	.code32
	.globl entry32
entry32:
	cli
	cld
	xorl	%ebp, %ebp		/* no C-bit: not an SEV guest */
	.globl	entry32_common
entry32_common:
	/* %esi holds the boot-info address until kmain; nothing here uses it. */
	lgdt	boot_gdtr
	ljmp	$BOOT_CS32, $1f
1:	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/* PML4[0] -> low PDPT, PML4[511] -> high PDPT. */
	movl	$PA(boot_pml4), %edi
	movl	$(PA(boot_pdpt_low) + PTE_P + PTE_W), 0(%edi)
	movl	%ebp, 4(%edi)
	movl	$(PA(boot_pdpt_high) + PTE_P + PTE_W), 511*8(%edi)
	movl	%ebp, 511*8+4(%edi)

	/* Low PDPT[0..3] -> the four identity page directories. */
	movl	$PA(boot_pdpt_low), %edi
	movl	$(PA(boot_pd_low) + PTE_P + PTE_W), %eax
	xorl	%ecx, %ecx
2:	movl	%eax, (%edi,%ecx,8)
	movl	%ebp, 4(%edi,%ecx,8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	2b

	/* 2048 identity 2 MiB pages; the fourth GiB (MMIO hole) uncached. */
	movl	$PA(boot_pd_low), %edi
	xorl	%ecx, %ecx
3:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P + PTE_W + PTE_PS), %eax
	cmpl	$1536, %ecx
	jb	4f
	orl	$(PTE_PCD + PTE_PWT), %eax
4:	movl	%eax, (%edi,%ecx,8)
	movl	%ebp, 4(%edi,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	3b

	/* High PDPT[510] -> kernel PD: the SVSM region at KERNEL_VIRT_BASE. */
	movl	$PA(boot_pdpt_high), %edi
	movl	$(PA(boot_pd_kernel) + PTE_P + PTE_W), 510*8(%edi)
	movl	%ebp, 510*8+4(%edi)
	/* Number of 2 MiB pages: region_size (from the measured boot info). */
	movl	BOOT_INFO_REGION_SIZE(%esi), %ecx
	addl	$0x1fffff, %ecx
	shrl	$21, %ecx
	cmpl	$512, %ecx
	jbe	5f
	movl	$512, %ecx
5:	movl	$PA(boot_pd_kernel), %edi
	movl	$(SVSM_PHYS_BASE + PTE_P + PTE_W + PTE_PS), %eax
	xorl	%edx, %edx
6:	cmpl	%ecx, %edx
	jae	7f
	movl	%eax, (%edi,%edx,8)
	movl	%ebp, 4(%edi,%edx,8)
	addl	$0x200000, %eax
	incl	%edx
	jmp	6b
7:
	/*
	 * SEV-SNP: the high mapping's 2 MiB page that holds the image's
	 * shared pages (__shared_start..__shared_end, one 2 MiB page at
	 * most, kernel.lds.S) becomes a table of 4 KiB pages, all with the
	 * C-bit but the shared ones. Native: EBP = 0, nothing to split.
	 */
	testl	%ebp, %ebp
	jz	72f
	movl	$PA(__shared_start), %ebx
	cmpl	$PA(__shared_end), %ebx
	je	72f
	movl	%ebx, %eax
	andl	$~0x1fffff, %eax
	orl	$(PTE_P + PTE_W), %eax
	movl	$PA(boot_pt_shared), %edi
	xorl	%ecx, %ecx
70:	movl	%eax, (%edi,%ecx,8)
	movl	%ebp, 4(%edi,%ecx,8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$512, %ecx
	jb	70b
71:	movl	%ebx, %ecx		/* each shared page: no C-bit */
	shrl	$12, %ecx
	andl	$511, %ecx
	movl	$0, 4(%edi,%ecx,8)
	addl	$4096, %ebx
	cmpl	$PA(__shared_end), %ebx
	jb	71b
	movl	$PA(__shared_start), %ecx	/* PD slot of that 2 MiB */
	subl	$SVSM_PHYS_BASE, %ecx
	shrl	$21, %ecx
	movl	$PA(boot_pd_kernel), %edx
	movl	$(PA(boot_pt_shared) + PTE_P + PTE_W), (%edx,%ecx,8)
	movl	%ebp, 4(%edx,%ecx,8)
72:
	/* PAE, then CR3, then EFER.LME (+NXE when the CPU has it), then PG. */
	movl	%cr4, %eax
	orl	$0x20, %eax
	movl	%eax, %cr4
	movl	$PA(boot_pml4), %eax
	movl	%eax, %cr3
	/*
	 * CPUID raises #VC on SEV-SNP, and there is no IDT yet; every CPU
	 * that runs SEV-SNP has NX (AMD64 APM vol. 2, 15.36), so it is on.
	 */
	movl	$0x800, %ebx		/* EFER.NXE */
	testl	%ebp, %ebp
	jnz	8f
	movl	$0x80000001, %eax
	cpuid
	xorl	%ebx, %ebx
	btl	$20, %edx
	jnc	8f
	movl	$0x800, %ebx		/* EFER.NXE */
8:	movl	$0xc0000080, %ecx
	rdmsr
	orl	$0x100, %eax		/* EFER.LME */
	orl	%ebx, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG | WP | PE */
	movl	%eax, %cr0
	ljmp	$BOOT_CS64, $entry64_low

	.code64
entry64_low:
	movabsq	$entry64, %rax
	jmp	*%rax

	.section .rodata.boot, "a"
	.balign 16
boot_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* BOOT_CS32: 32-bit flat code */
	.quad	0x00cf92000000ffff	/* BOOT_DS: flat data */
	.quad	0x00af9a000000ffff	/* BOOT_CS64: 64-bit code */
boot_gdt_end:
boot_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.text
entry64:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	%esi, %r12d		/* boot-info address, zero-extended */
	/*
	 * The platform's first step, before anything can raise #VC on
	 * SEV-SNP (the stack-protector seed below executes CPUID).
	 */
	movq	%r12, %rdi
	call	plat_early_init
	/* Seed the stack-protector guard before any protected C function. */
	call	stackprot_init
	movq	%r12, %rdi
	call	kmain
9:	cli
	hlt
	jmp	9b

	.section .bss.pgtable, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd_low:	.skip 4 * 4096
boot_pd_kernel:	.skip 4096
	.globl boot_pt_shared
boot_pt_shared:	.skip 4096		/* SEV-SNP: the 2 MiB with the GHCB */

	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:			/* unmapped by vm_init() */
	.skip	4096
boot_stack_bottom:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
