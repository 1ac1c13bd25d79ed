/* SPDX-License-Identifier: MIT */
/*
 * #HV, the one exception a host can raise in a VMSA that runs with
 * restricted injection (SEV-SNP; AMD64 APM vol. 2, "Restricted
 * Injection"), and the SVSM's interrupt handlers it leads to. The
 * platform (kernel/plat/snp/hv_doorbell.c) reads the doorbell page the
 * host signals through; the arch (kernel/arch/x86_64/trap.c, and the fake
 * for hosted tests) owns the IDT and the handlers.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct user_regs;

/*
 * Installs the platform's #HV handling: `handler` runs for #HV (vector
 * 28) and returns true when the frame may resume (false: an unhandled
 * exception, as without a handler); `poll` runs where the SVSM is about
 * to let interrupts in again (before a task runs, after a system call or
 * a trap from ring 3 returns to it), so that an #HV the handler had to
 * leave pending is served. Either may be NULL.
 */
void arch_trap_set_hv_handler(bool (*handler)(struct user_regs *regs),
			      void (*poll)(void));
/* Runs the installed poll, if any. */
void arch_trap_hv_poll(void);
/*
 * Runs the SVSM's handler of interrupt `vector` as if the interrupt had
 * come through the IDT while `f` was interrupted (NULL: in the SVSM, no
 * frame to hand on): the timer tick writes the local APIC's EOI when
 * `eoi`, then, for a frame from ring 3, checks the task's time, which may
 * end the task and not return; the spurious vector needs nothing (no EOI,
 * Intel SDM vol. 3A, 10.9). Any other vector has no handler in the SVSM:
 * its EOI is written when `eoi` (the local APIC holds it in service and
 * would block lower priorities), and false is returned.
 */
bool arch_trap_interrupt(struct user_regs *f, uint32_t vector, bool eoi);
