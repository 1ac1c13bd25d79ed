/* SPDX-License-Identifier: MIT */
/*
 * What happens on a CPU exception. Two cases are recoverable:
 *   - a #PF or #GP at an instruction listed in the exception table (the
 *     fault-safe guest-memory primitives in fault.S): resume at its fixup;
 *   - any exception while a fault probe is armed on this CPU (in-kernel
 *     tests that expect a fault): record it and unwind to probe_recover.
 * An exception taken in ring 3 is the task's, never the SVSM's: it goes
 * to task_user_fault(), which ends the task, except a #VC the platform's
 * user handler emulates (CPUID on SEV-SNP). #HV (SEV-SNP with restricted
 * injection) goes to the platform's doorbell handler, which hands the
 * interrupts the host signalled to arch_trap_interrupt(), the same
 * handlers the IDT reaches (svsm/arch/hv.h). Everything else is an SVSM
 * bug: report it (kernel/base/trap_report.c: a full register dump, or on a
 * confidential platform only the vector and RIP) and panic, which ends the
 * VM with a failure status. The frame layout matches trap_common in trap.S.
 */
#define LOG_PREFIX "trap: "
#include <stdint.h>

#include "svsm/arch/cpu.h"
#include "svsm/arch/hv.h"
#include "svsm/arch/user.h"

#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/trap_report.h"

#include "x86/x86.h"

/* The frame trap.S builds is the user-mode frame (svsm/arch/user.h). */
#define trap_frame user_regs

static bool (*vc_handler)(struct trap_frame *f);
static bool (*user_vc_handler)(struct trap_frame *f);

void arch_trap_set_vc_handler(bool (*handler)(struct user_regs *regs))
{
	vc_handler = handler;
}

void arch_trap_set_user_vc_handler(bool (*handler)(struct user_regs *regs))
{
	user_vc_handler = handler;
}

/* #HV (vector 28; AMD64 APM vol. 2, "#HV"): SEV-SNP restricted injection. */
#define VECTOR_HV 28u

static bool (*hv_handler)(struct trap_frame *f);
static void (*hv_poll)(void);

void arch_trap_set_hv_handler(bool (*handler)(struct user_regs *regs),
			      void (*poll)(void))
{
	hv_handler = handler;
	hv_poll = poll;
}

void arch_trap_hv_poll(void)
{
	if (hv_poll)
		hv_poll();
}

bool arch_trap_interrupt(struct trap_frame *f, uint32_t vector, bool eoi)
{
	if (vector == ARCH_VECTOR_SPURIOUS)
		return true; /* no EOI for a spurious interrupt (SDM 10.9) */
	if (eoi)
		arch_apic_eoi();
	if (vector != ARCH_VECTOR_TIMER)
		return false;
	if (f && (f->cs & 3))
		task_timer_tick(f); /* may end the task */
	return true;
}

void arch_trap(struct trap_frame *f);
void arch_probe_arm(uint64_t frame_rsp);
void arch_probe_disarm(void);

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

extern const struct extable_entry __start_extable[];
extern const struct extable_entry __stop_extable[];
extern const char probe_recover[];

/* The armed probe of each CPU (index from struct percpu). */
struct probe {
	bool armed;
	uint64_t rsp;
	struct arch_fault last;
};

static struct probe probes[CFG_MAX_CPUS];

static struct probe *this_probe(void)
{
	uint32_t lo;
	uint32_t hi;

	/* SAFETY: reading IA32_GS_BASE has no side effects. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000101u));
	/* Before arch_cpu_init() there is no per-CPU data, hence no probe. */
	if (!lo && !hi)
		return NULL;
	return &probes[this_cpu()->index];
}

void arch_probe_arm(uint64_t frame_rsp)
{
	struct probe *p = this_probe();

	CHECK(p && !p->armed);
	p->armed = true;
	p->rsp = frame_rsp;
	p->last = (struct arch_fault){0};
}

void arch_probe_disarm(void)
{
	this_probe()->armed = false;
}

bool arch_probe_last(struct arch_fault *out)
{
	struct probe *p = this_probe();

	if (!p || !p->last.faulted)
		return false;
	*out = p->last;
	return true;
}

/*
 * #VC (vector 29) with this error code: the access touched a page that is
 * not validated (AMD64 APM vol. 2, "#VC Exception", error code = the
 * would-be exit code). A guest can cause it by rescinding a page and then
 * naming it; the SVSM recovers it like a fault.
 */
#define VC_NOT_VALIDATED 0x404u

static bool recoverable(const struct trap_frame *f)
{
	return f->vector == 14 || f->vector == 13 ||
	       (f->vector == 29 && f->error_code == VC_NOT_VALIDATED);
}

static bool fixup(struct trap_frame *f)
{
	if (!recoverable(f))
		return false;
	for (const struct extable_entry *e = __start_extable;
	     e < __stop_extable; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static uint64_t read_cr2(void)
{
	uint64_t v;

	/* SAFETY: reading CR2 has no side effects. */
	__asm__ volatile("movq %%cr2, %0" : "=r"(v));
	return v;
}

static bool recover_probe(struct trap_frame *f)
{
	struct probe *p = this_probe();

	if (!p || !p->armed)
		return false;
	p->armed = false;
	p->last = (struct arch_fault){
		.faulted = true,
		.vector = (uint32_t)f->vector,
		.error_code = f->error_code,
		.cr2 = read_cr2(),
		.rip = f->rip,
	};
	f->rip = (uint64_t)(uintptr_t)probe_recover;
	f->rsp = p->rsp;
	return true;
}

void arch_trap(struct trap_frame *f)
{
	if (f->vector == ARCH_VECTOR_SPURIOUS ||
	    f->vector == ARCH_VECTOR_TIMER) {
		(void)arch_trap_interrupt(f, (uint32_t)f->vector, true);
		return;
	}
	/* #HV: the platform serves the host's doorbell page. */
	if (f->vector == VECTOR_HV && hv_handler && hv_handler(f))
		return;
	/* #VC in the SVSM (SEV-SNP): the platform emulates the instruction. */
	if (f->vector == 29 && !(f->cs & 3) &&
	    f->error_code != VC_NOT_VALIDATED && vc_handler && vc_handler(f))
		return;
	/* #VC in a task: the platform emulates CPUID; anything else ends it. */
	if (f->vector == 29 && (f->cs & 3) && user_vc_handler &&
	    user_vc_handler(f)) {
		arch_trap_hv_poll(); /* back to ring 3, interrupts on */
		return;
	}
	if (f->cs & 3)
		task_user_fault(f, read_cr2());
	if (fixup(f) || recover_probe(f))
		return;
	trap_report_print(f, read_cr2(), arch_read_cr3(), arch_apic_id());
	panic("unhandled CPU exception, vector %llu",
	      (unsigned long long)f->vector);
}
