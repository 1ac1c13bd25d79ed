/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the x86-64 entry assembly, the linker script and C:
 * where the kernel is linked and which selectors its GDTs use. Included from
 * assembly, so macros only. Offsets into C structures are not kept here:
 * they are generated (asm_offsets.c).
 */
#pragma once

/* The kernel runs in the top 2 GiB (-mcmodel=kernel) ... */
#define KERNEL_VIRT_BASE 0xffffffff80000000
/* ... mapped onto the SVSM static region, whose base comes from the build. */
#ifndef SVSM_PHYS_BASE
#error "SVSM_PHYS_BASE must be set by the build"
#endif
#define KERNEL_OFFSET (KERNEL_VIRT_BASE - SVSM_PHYS_BASE)

/* Boot GDT (entry.S and the AP trampoline use the same layout). */
#define BOOT_CS32 0x08
#define BOOT_DS	  0x10
#define BOOT_CS64 0x18

/* Run-time per-CPU GDT (cpu.c). */
#define KERNEL_CS  0x08
#define KERNEL_DS  0x10
#define KERNEL_TSS 0x18 /* two slots: 0x18 and 0x20 */
/*
 * User segments, in the order SYSRET needs (AMD APM Vol. 2, 6.1.1; Intel
 * SDM Vol. 2B, SYSRET): STAR[63:48] names a base selector, 64-bit SYSRET
 * loads SS = base + 8 and CS = base + 16, both with RPL 3. The base slot
 * (0x28) is left null: csvsm has no 32-bit user code segment, so a task
 * cannot enter compatibility mode.
 */
#define USER_BASE_SEL 0x2b /* 0x28 | RPL 3 */
#define USER_DS	      0x33 /* 0x30 | RPL 3 */
#define USER_CS	      0x3b /* 0x38 | RPL 3 */

#define BOOT_STACK_SIZE 16384
