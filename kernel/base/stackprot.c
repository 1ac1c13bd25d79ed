/* SPDX-License-Identifier: MIT */
/*
 * The stack protector's guard. The kernel is built with
 * -fstack-protector-strong -mstack-protector-guard=global, so protected
 * functions compare against __stack_chk_guard. entry.S calls
 * stackprot_init() before any protected function runs; it seeds the guard
 * from the CPU's entropy source. If there is none, kmain panics once the
 * console is up (a fixed guard would be guessable).
 */
#include "svsm/stackprot.h"

#include <stdbool.h>
#include <stdint.h>

#include "svsm/arch/cpu.h"

#include "svsm/panic.h"

/* Placeholder until seeded; never used by a function that spans the seeding. */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;
static bool seeded;

void __stack_chk_fail(void);

__no_stack_prot void stackprot_init(void)
{
	uint64_t v;

	if (!arch_hw_random(&v))
		return;
	/* A zero low byte stops string-based overwrites from copying past. */
	__stack_chk_guard = (uintptr_t)(v & ~0xffull);
	seeded = true;
}

bool stackprot_seeded(void)
{
	return seeded;
}

__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: stack smashing detected");
}
