/* SPDX-License-Identifier: MIT */
/*
 * The platform interface: what differs between a plain VM (native), SEV-SNP
 * and TDX. Each platform is its own directory under kernel/plat/ and the
 * build links exactly one.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

struct boot_params;

/*
 * The platform's first step, called by the entry code on the boot stack
 * before anything else (no console, the stack protector not yet seeded):
 * SEV-SNP checks the launch, sets up the #VC handler and the boot CPU's
 * GHCB, and validates its memory (kernel/plat/snp/boot.c). Native: none.
 */
void plat_early_init(uint64_t boot_info_pa);
/* Short name for the boot log ("native", "snp", ...). */
const char *plat_name(void);
/*
 * Port I/O through the host interface (native: the instructions; SEV-SNP:
 * a GHCB IOIO exit of the same width). The console uses bytes; the PCI
 * configuration address (port 0xcf8) is one 32-bit write.
 */
void plat_io_write8(uint16_t port, uint8_t val);
uint8_t plat_io_read8(uint16_t port);
void plat_io_write32(uint16_t port, uint32_t val);
/*
 * Starts every AP the boot parameters declare; each one runs
 * smp_ap_entry(index). Returns how many CPUs are online afterwards.
 */
uint32_t plat_start_aps(const struct boot_params *bp);
/*
 * The page-table bits that mark memory private (SNP: the C-bit) and shared
 * with the host (TDX: the shared bit). Only the PTE builder applies them.
 */
uint64_t plat_pte_private_bits(void);
uint64_t plat_pte_shared_bits(void);
/*
 * Pages of the SVSM's own memory shared with a device or the host
 * (kernel/drivers/shared.c): plat_share() makes [pa, pa + pages * 4 KiB),
 * private, validated and mapped in the SVSM's linear map, shared and
 * mapped as shared there; plat_unshare() makes it private, validated and
 * privately mapped again. Native: nothing to do. SEV-SNP
 * (kernel/plat/snp/shared_pages.c): PVALIDATE rescind, page-state change
 * and the linear map's C-bit, in the order that never lets the SVSM touch
 * a page through a mapping that disagrees with the RMP.
 *
 * On failure (a host that refuses or botches the change) the pages are
 * either private and validated again: plat_share() returns the error with
 * *lost false and the caller may free them; or they could not be brought
 * back: *lost is true (always for plat_unshare()), a line is logged, and
 * the caller must never hand them out again. Contents are not kept.
 */
enum svsm_err plat_share(paddr_t pa, uint64_t pages, bool *lost);
enum svsm_err plat_unshare(paddr_t pa, uint64_t pages);
/*
 * The CPU's entropy instructions (PLAT_RNG_*) as this platform can know
 * them without trapping. arch_hw_random() asks before any exception can
 * be handled (stackprot_init runs first): native executes CPUID; SEV-SNP
 * reads its CPUID page, because there CPUID raises #VC and would ask the
 * host. It returns before stackprot_init changes the guard, so the stack
 * protector's check stays sound in it.
 */
#define PLAT_RNG_RDSEED (1u << 0)
#define PLAT_RNG_RDRAND (1u << 1)
unsigned int plat_rng_sources(void);
/*
 * After "ready": starts the guest the IGVM file carries and serves it for
 * good (SEV-SNP: the firmware at VMPL1 and the request loop,
 * kernel/plat/snp/fw_boot.c). Returns when there is no guest to run
 * (native: always).
 */
void plat_run_guest(void);
/* Ends the VM with `code` (CSVSM_EXIT_*); never returns. */
__noreturn void plat_terminate(uint32_t code);
