/* SPDX-License-Identifier: MIT */
/*
 * The console report of an unhandled CPU exception (svsm/trap_report.h).
 * Plain C, so that the same code runs in the kernel's trap handler and in
 * the hosted tests that check what a confidential platform lets out.
 */
#include "svsm/trap_report.h"

#include "svsm/log.h"

/*
 * Written once by the platform's first step, before any other CPU runs;
 * read by a trap on any CPU.
 */
static bool quiet_mode;

void trap_report_set_quiet(bool quiet)
{
	quiet_mode = quiet;
}

bool trap_report_quiet(void)
{
	return quiet_mode;
}

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

static const char *vector_name(uint64_t vector)
{
	return vector < 32 ? vector_names[vector] : "?";
}

static void print_full(const struct user_regs *f, uint64_t cr2, uint64_t cr3,
		       uint32_t apic_id)
{
	log_printf("\n*** CPU exception %s (vector %llu) on APIC ID %u\n",
		   vector_name(f->vector), (unsigned long long)f->vector,
		   apic_id);
	log_printf("  error code %016llx  cr2 %016llx  cr3 %016llx\n",
		   (unsigned long long)f->error_code, (unsigned long long)cr2,
		   (unsigned long long)cr3);
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
}

void trap_report_print(const struct user_regs *f, uint64_t cr2, uint64_t cr3,
		       uint32_t apic_id)
{
	/*
	 * TRUST: on a confidential platform the host reads this console and
	 * may have injected the exception itself. The quiet form shows what
	 * happened and where in the SVSM's code, which the host can know
	 * from the measured image anyway, and nothing of the data in flight
	 * (registers, faulting address, page-table root).
	 */
	if (quiet_mode) {
		log_printf("\n*** CPU exception %s (vector %llu) at rip "
			   "%016llx\n",
			   vector_name(f->vector),
			   (unsigned long long)f->vector,
			   (unsigned long long)f->rip);
		return;
	}
	print_full(f, cr2, cr3, apic_id);
}
