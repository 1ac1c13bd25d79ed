/* SPDX-License-Identifier: MIT */
/*
 * The offsets that assembly needs from C structures, generated at build
 * time (as Linux's and OP-TEE's asm-offsets.c do): the build compiles this
 * file to assembly only, and mk/kernel.mk turns each "->NAME value" marker
 * into "#define NAME value" in $(O)/gen/asm_offsets.h. The C users of the
 * structures static_assert that the generated values still agree, so a
 * stale header cannot go unnoticed. Never linked.
 */
#include <stddef.h>

#include "svsm/percpu.h"

#include "abi/csvsm_boot.h"

#include "x86/trampoline.h"

/* Emits the marker "->name value" into the compiler's assembly output. */
#define ASM_OFFSET(name, value)                                         \
	/* SAFETY: emits a marker string into the assembly listing; */  \
	/* this file is never assembled into the kernel or executed. */ \
	__asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
	ASM_OFFSET(BOOT_INFO_REGION_SIZE,
		   offsetof(struct csvsm_boot_info, region_size));
	ASM_OFFSET(BOOT_INFO_CPUID_GPA,
		   offsetof(struct csvsm_boot_info, cpuid_gpa));
	ASM_OFFSET(TRAMP_CR3,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, cr3));
	ASM_OFFSET(TRAMP_ENTRY,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, entry));
	ASM_OFFSET(TRAMP_STACKS,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, stacks));
	ASM_OFFSET(TRAMP_MAX_AP,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, max_ap));
	ASM_OFFSET(TRAMP_COUNTER,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, counter));
	ASM_OFFSET(TRAMP_FAR32,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, far32));
	ASM_OFFSET(TRAMP_FAR64,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, far64));
	ASM_OFFSET(TRAMP_GDTR,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, gdtr));
	ASM_OFFSET(TRAMP_EFER,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, efer));
	ASM_OFFSET(TRAMP_GDT,
		   TRAMP_DATA_OFF + offsetof(struct ap_tramp_data, gdt));
	ASM_OFFSET(PERCPU_USER_RSP, offsetof(struct percpu, user_rsp));
	ASM_OFFSET(PERCPU_TASK_KSTACK,
		   offsetof(struct percpu, task_kstack_top));
	ASM_OFFSET(PERCPU_TASK_RESUME,
		   offsetof(struct percpu, task_resume_rsp));
}
