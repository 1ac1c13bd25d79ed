/* SPDX-License-Identifier: MIT */
/*
 * x86 port I/O instructions (include/svsm/arch/io.h). Only the native
 * platform calls these; on SEV-SNP, port I/O is a #VC and goes through the
 * GHCB instead.
 */
#include "svsm/arch/io.h"

void arch_outb(uint16_t port, uint8_t val)
{
	/* SAFETY: port output has no effect on SVSM memory. */
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

uint8_t arch_inb(uint16_t port)
{
	uint8_t val;

	/* SAFETY: port input writes only the destination register. */
	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

void arch_outl(uint16_t port, uint32_t val)
{
	/* SAFETY: port output has no effect on SVSM memory. */
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}
