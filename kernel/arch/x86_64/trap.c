/* SPDX-License-Identifier: MIT */
/*
 * What happens on a CPU exception: the SVSM never expects one, so every
 * exception prints a full register dump and panics, which ends the VM with a
 * failure status. The frame layout matches trap_common in trap.S.
 */
#define LOG_PREFIX "trap: "
#include <stdint.h>

#include "svsm/arch/cpu.h"

#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"

#include "x86.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void arch_trap(const struct trap_frame *f);

static const char *const vector_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization",
	"#CP control protection",
	"reserved 22",
	"reserved 23",
	"reserved 24",
	"reserved 25",
	"reserved 26",
	"reserved 27",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security",
	"reserved 31",
};

static uint64_t read_cr2(void)
{
	uint64_t v;

	/* SAFETY: reading CR2 has no side effects. */
	__asm__ volatile("movq %%cr2, %0" : "=r"(v));
	return v;
}

void arch_trap(const struct trap_frame *f)
{
	const char *name = f->vector < 32 ? vector_names[f->vector] : "?";
	uint32_t cpu = arch_apic_id();

	log_printf("\n*** CPU exception %s (vector %llu) on APIC ID %u\n", name,
		   (unsigned long long)f->vector, cpu);
	log_printf("  error code %016llx  cr2 %016llx  cr3 %016llx\n",
		   (unsigned long long)f->error_code,
		   (unsigned long long)read_cr2(),
		   (unsigned long long)arch_read_cr3());
	log_printf("  rip %04llx:%016llx  rflags %016llx\n",
		   (unsigned long long)f->cs, (unsigned long long)f->rip,
		   (unsigned long long)f->rflags);
	log_printf("  rsp %04llx:%016llx\n", (unsigned long long)f->ss,
		   (unsigned long long)f->rsp);
	log_printf("  rax %016llx rbx %016llx rcx %016llx\n",
		   (unsigned long long)f->rax, (unsigned long long)f->rbx,
		   (unsigned long long)f->rcx);
	log_printf("  rdx %016llx rsi %016llx rdi %016llx\n",
		   (unsigned long long)f->rdx, (unsigned long long)f->rsi,
		   (unsigned long long)f->rdi);
	log_printf("  rbp %016llx r8  %016llx r9  %016llx\n",
		   (unsigned long long)f->rbp, (unsigned long long)f->r8,
		   (unsigned long long)f->r9);
	log_printf("  r10 %016llx r11 %016llx r12 %016llx\n",
		   (unsigned long long)f->r10, (unsigned long long)f->r11,
		   (unsigned long long)f->r12);
	log_printf("  r13 %016llx r14 %016llx r15 %016llx\n",
		   (unsigned long long)f->r13, (unsigned long long)f->r14,
		   (unsigned long long)f->r15);
	panic("unhandled CPU exception %s", name);
}
