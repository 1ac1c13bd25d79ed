/* SPDX-License-Identifier: MIT */
/*
 * A simple test-and-test-and-set spinlock on compiler atomics. Enough for
 * the console and boot-time accounting; not fair, not recursive.
 */
#pragma once

#include <stdbool.h>

#include "svsm/arch/cpu.h"

struct spinlock {
	bool locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, true, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, false, __ATOMIC_RELEASE);
}
