/* SPDX-License-Identifier: MIT */
/*
 * The local APIC in xAPIC (MMIO) mode, enough to start application
 * processors with INIT-SIPI-SIPI (Intel SDM Vol. 3A, 10.4.4 / 8.4.4.1)
 * and to run its timer as the tasks' preemption tick (SDM Vol. 3A, 10.5.4:
 * the LVT timer register, divide configuration, initial and current
 * count; 10.9: the spurious-interrupt vector register's enable bit).
 * xAPIC rather than x2APIC because QEMU 7.2's TCG has no x2APIC.
 */
#include "svsm/arch/cpu.h"
#include "svsm/arch/hv.h"
#include "svsm/arch/time.h"
#include "svsm/arch/user.h"

#include "svsm/panic.h"

#include "x86/x86.h"

#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DIV 0x3e0
#define SVR_ENABLE     (1u << 8)
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define APIC_ICR_LOW   0x300
#define APIC_ICR_HIGH  0x310
#define ICR_DELIVS     (1u << 12) /* delivery status: send pending */
#define ICR_LEVEL      (1u << 14) /* level assert */
#define ICR_ALL_BUT_ME (3u << 18) /* destination shorthand */
#define ICR_INIT       (5u << 8)
#define ICR_STARTUP    (6u << 8)

/* SAFETY: the APIC page is MMIO: every access must reach the device. */
static volatile uint32_t *apic_page;

/* SAFETY: APIC registers are MMIO: every access must reach the device. */
static volatile uint32_t *apic_reg(uint32_t off)
{
	CHECK(apic_page != NULL);
	/* SAFETY: off is one of the 16-byte aligned register offsets above. */
	return apic_page + off / sizeof(uint32_t);
}

static void apic_send(uint32_t icr)
{
	/* SAFETY: the ICR, in the identity-mapped uncached APIC page. */
	volatile uint32_t *low = apic_reg(APIC_ICR_LOW);

	/* Writing the high word, then the low word, sends the IPI. */
	*apic_reg(APIC_ICR_HIGH) = 0;
	*low = icr;
	/* SAFETY: polling the same ICR register for delivery. */
	while (*low & ICR_DELIVS)
		arch_cpu_relax();
}

void arch_apic_start_aps(void *apic, uint32_t vector)
{
	apic_page = apic;
	/* SDM 8.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI. */
	apic_send(ICR_ALL_BUT_ME | ICR_LEVEL | ICR_INIT);
	arch_udelay(10000);
	apic_send(ICR_ALL_BUT_ME | ICR_STARTUP | (vector & 0xff));
	arch_udelay(200);
	apic_send(ICR_ALL_BUT_ME | ICR_STARTUP | (vector & 0xff));
}

/* Timer ticks per millisecond, measured against the TSC. */
static uint32_t ticks_per_ms;

bool arch_user_timer_init(void *apic)
{
	uint64_t t0;
	uint32_t left;

	if (!apic_page)
		apic_page = apic;
	if (!apic_page)
		return false;
	/* SAFETY: APIC registers in the uncached MMIO mapping. */
	*apic_reg(APIC_SVR) = SVR_ENABLE | ARCH_VECTOR_SPURIOUS;
	*apic_reg(APIC_TIMER_DIV) = 0x3; /* divide by 16 */
	*apic_reg(APIC_LVT_TIMER) = LVT_MASKED | ARCH_VECTOR_TIMER;
	*apic_reg(APIC_TIMER_ICR) = 0xffffffffu;
	t0 = arch_time_ns();
	while (arch_time_ns() - t0 < 10000000ull)
		arch_cpu_relax();
	/* SAFETY: as above; the current count is read-only. */
	left = *apic_reg(APIC_TIMER_CCR);
	*apic_reg(APIC_TIMER_ICR) = 0;
	ticks_per_ms = (0xffffffffu - left) / 10;
	return ticks_per_ms != 0;
}

void arch_user_timer_start(uint32_t period_ms)
{
	uint64_t count = (uint64_t)ticks_per_ms * period_ms;

	/* A task is about to run with interrupts on: serve a pending #HV. */
	arch_trap_hv_poll();
	/* SAFETY: APIC timer registers in the uncached MMIO mapping. */
	*apic_reg(APIC_LVT_TIMER) = LVT_PERIODIC | ARCH_VECTOR_TIMER;
	*apic_reg(APIC_TIMER_ICR) =
		count > 0xffffffffu ? 0xffffffffu : (uint32_t)count;
}

void arch_user_timer_stop(void)
{
	/* SAFETY: APIC timer registers in the uncached MMIO mapping. */
	*apic_reg(APIC_LVT_TIMER) = LVT_MASKED | ARCH_VECTOR_TIMER;
	*apic_reg(APIC_TIMER_ICR) = 0;
}

void arch_apic_eoi(void)
{
	/*
	 * No APIC mapped yet: nothing the SVSM programmed is in service. An
	 * #HV doorbell may still name any vector (svsm/arch/hv.h).
	 */
	if (!apic_page)
		return;
	/* SAFETY: writing EOI ends the interrupt being serviced. */
	*apic_reg(APIC_EOI) = 0;
}
