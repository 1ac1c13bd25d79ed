/* SPDX-License-Identifier: MIT */
/*
 * The local APIC in xAPIC (MMIO) mode, enough to start application
 * processors with INIT-SIPI-SIPI (Intel SDM Vol. 3A, 10.4.4 / 8.4.4.1).
 * xAPIC rather than x2APIC because QEMU 7.2's TCG has no x2APIC.
 */
#include "svsm/arch/cpu.h"

#include "svsm/panic.h"

#include "x86/x86.h"

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
