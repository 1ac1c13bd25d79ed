/* SPDX-License-Identifier: MIT */
/*
 * The fake arch's #HV glue and interrupt handlers (svsm/arch/hv.h): the
 * handlers the platform installs are recorded, and an interrupt handed on
 * is logged instead of run, so a hosted test can see which vector reached
 * the SVSM's handler, with which frame, and whether its EOI was written.
 * The vectors are the x86 kernel's (svsm/arch/user.h).
 */
#include "svsm/arch/hv.h"
#include "svsm/arch/user.h"

#include "fake/fake.h"

bool (*fake_hv_handler)(struct user_regs *regs);
void (*fake_hv_poll)(void);
struct fake_irq_log fake_irq;
void (*fake_irq_hook)(uint32_t vector);

void arch_trap_set_hv_handler(bool (*handler)(struct user_regs *regs),
			      void (*poll)(void))
{
	fake_hv_handler = handler;
	fake_hv_poll = poll;
}

void arch_trap_hv_poll(void)
{
	if (fake_hv_poll)
		fake_hv_poll();
}

bool arch_trap_interrupt(struct user_regs *f, uint32_t vector, bool eoi)
{
	fake_irq.last_vector = vector;
	fake_irq.last_frame = f;
	if (fake_irq_hook)
		fake_irq_hook(vector);
	if (vector == ARCH_VECTOR_SPURIOUS) {
		fake_irq.spurious++;
		return true;
	}
	fake_irq.eois += eoi;
	if (vector != ARCH_VECTOR_TIMER) {
		fake_irq.others++;
		return false;
	}
	fake_irq.ticks++;
	fake_irq.user_ticks += f && (f->cs & 3);
	return true;
}

void fake_hv_reset(void)
{
	fake_hv_handler = NULL;
	fake_hv_poll = NULL;
	fake_irq = (struct fake_irq_log){0};
	fake_irq_hook = NULL;
}
