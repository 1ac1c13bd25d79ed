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

#include "x86/x86.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

void plat_early_init(uint64_t boot_info_pa)
{
	(void)boot_info_pa; /* a plain VM needs nothing before kmain */
}

void plat_run_guest(void)
{
	/* A plain VM has no guest below the SVSM. */
}

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

enum svsm_err plat_share(paddr_t pa, uint64_t pages, bool *lost)
{
	/* No memory encryption: every page is the host's to read anyway. */
	(void)pa;
	(void)pages;
	*lost = false;
	return SVSM_OK;
}

enum svsm_err plat_unshare(paddr_t pa, uint64_t pages)
{
	(void)pa;
	(void)pages;
	return SVSM_OK;
}

uint64_t plat_pte_private_bits(void)
{
	return 0; /* no memory encryption */
}

uint64_t plat_pte_shared_bits(void)
{
	return 0;
}

/* CPUID 7.0 EBX[18] RDSEED, 1 ECX[30] RDRAND (AMD64 APM vol. 3, E.3). */
__no_stack_prot unsigned int plat_rng_sources(void)
{
	unsigned int sources = 0;
	uint32_t r[4];

	x86_cpuid(0, 0, r);
	if (r[0] >= 7) {
		x86_cpuid(7, 0, r);
		if (r[1] & (1u << 18))
			sources |= PLAT_RNG_RDSEED;
	}
	x86_cpuid(1, 0, r);
	if (r[2] & (1u << 30))
		sources |= PLAT_RNG_RDRAND;
	return sources;
}

void plat_terminate(uint32_t code)
{
	plat_io_write32(ISA_DEBUG_EXIT_PORT, code);
	/* No isa-debug-exit device (another VMM): stop here instead. */
	arch_halt_forever();
}
