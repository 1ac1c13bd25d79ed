/* SPDX-License-Identifier: MIT */
/*
 * Faults the test image provokes on purpose (tests/svsm/crash.c); linked
 * only into out/svsm-test.igvm.
 *
 * arch_test_double_fault: points RSP at an unmapped address and pushes. The
 * push raises #PF, and delivering #PF needs the same stack, so the CPU
 * raises #DF, which only works because vector 8 switches to its own IST
 * stack (cpu.c). The #DF handler prints the dump and panics.
 */
	.text
	.globl arch_test_double_fault
arch_test_double_fault:
	movabsq	$0x00007f0000000000, %rsp
	pushq	$0
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits
