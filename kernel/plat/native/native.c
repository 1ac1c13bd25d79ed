/* SPDX-License-Identifier: MIT */
/*
 * The native platform: a plain VM (QEMU/KVM or TCG) with no confidential
 * computing. It exists for development and tests. Port I/O is direct, and
 * terminating writes the exit code to QEMU's isa-debug-exit device, which
 * the launcher adds at port 0xf4 (QEMU exits with status (code << 1) | 1).
 */
#include "svsm/arch/cpu.h"
#include "svsm/arch/io.h"

#include "svsm/plat/plat.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

const char *plat_name(void)
{
	return "native";
}

void plat_io_write8(uint16_t port, uint8_t val)
{
	arch_outb(port, val);
}

uint8_t plat_io_read8(uint16_t port)
{
	return arch_inb(port);
}

void plat_io_write32(uint16_t port, uint32_t val)
{
	arch_outl(port, val);
}

uint64_t plat_pte_private_bits(void)
{
	return 0; /* no memory encryption */
}

uint64_t plat_pte_shared_bits(void)
{
	return 0;
}

void plat_terminate(uint32_t code)
{
	plat_io_write32(ISA_DEBUG_EXIT_PORT, code);
	/* No isa-debug-exit device (another VMM): stop here instead. */
	arch_halt_forever();
}
