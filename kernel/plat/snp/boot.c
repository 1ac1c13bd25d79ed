/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's first C code (plat_early_init, called by entry.S
 * after entry32_snp built C-bit page tables and entered long mode), on
 * the boot stack: an early IDT so that #VC reaches snp_plat_vc(), then
 * the boot sequence (boot_seq.c, which the hosted end-to-end test runs
 * too) with what only the CPU and the image can give it: SEV_STATUS, the
 * entry's C-bit, a page of the image for the VMPL0 probe, the image's
 * shared page for the boot CPU's GHCB (.bss.shared, which entry.S and
 * vm_init() map without the C-bit, rescinded through the identity map),
 * and the #VC handlers to install once the launch checks passed.
 */
#include "svsm/arch/cpu.h"
#include "svsm/arch/snp_boot.h"

#include "svsm/addr.h"
#include "svsm/plat/plat.h"

#include "abi/ghcb.h"

#include "snp/boot_seq.h"
#include "snp/cpuid.h"
#include "snp/plat_snp.h"

static struct snp_boot_state state;
/* The boot CPU's GHCB: the image's one page shared with the host. */
static uint8_t boot_ghcb[GHCB_PAGE_SIZE]
	__attribute__((section(".bss.shared"), aligned(GHCB_PAGE_SIZE)));
/* A page of the SVSM's own for the VMPL0 test (RMPADJUST for VMPL1). */
static uint8_t probe_page[4096] __aligned(4096);

const struct snp_cpuid_table *snp_boot_cpuid(void)
{
	return &state.cpuid;
}

unsigned int snp_boot_cbit(void)
{
	return state.cbit;
}

static void install_vc_handlers(void)
{
	arch_trap_set_vc_handler(snp_plat_vc);
	arch_trap_set_user_vc_handler(snp_plat_vc_user);
}

void plat_early_init(uint64_t boot_info_pa)
{
	uint64_t ghcb_pa = arch_virt_to_phys(boot_ghcb);
	struct snp_boot_env env = {
		.boot_info_pa = boot_info_pa,
		.link_base = SVSM_PHYS_BASE,
		.probe_va = (uintptr_t)probe_page,
		.ghcb_pa = pa_init(ghcb_pa),
		/*
		 * Rescinded through the identity map (virtual = physical
		 * below 4 GiB until vm_init()), which maps it private, as
		 * PVALIDATE is done on every other page.
		 */
		.ghcb_private_va = (uintptr_t)ghcb_pa,
		.ghcb = boot_ghcb,
		.checked = install_vc_handlers,
	};

	arch_snp_early_idt();
	env.sev_status = arch_snp_sev_status();
	env.entry_cbit = arch_snp_entry_cbit();
	snp_boot_seq(&env, &state);
}
