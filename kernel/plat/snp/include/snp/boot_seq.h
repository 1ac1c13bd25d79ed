/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's boot sequence after the assembly entry, and the
 * guest firmware's start after "ready", as functions that the kernel
 * (boot.c, fw_boot.c: the boot stack, the #VC handlers, the endless
 * loop) and the hosted end-to-end test on the model
 * (tests/unit/snp_e2e_test.c) both run. The order of the steps lives
 * here and only here.
 *
 * A failing step ends the VM with its GHCB termination reason
 * (ghcb_terminate(), include/abi/snp_term.h) and never returns; on the
 * model that is a vCPU stop the test catches (fake.h).
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"

#include "abi/csvsm_boot.h"

#include "snp/cpuid.h"

struct boot_params;
struct svsm_vcpu;

/* What only the CPU and the image's link can tell the boot sequence. */
struct snp_boot_env {
	uint64_t boot_info_pa;
	uint64_t sev_status;	 /* the SEV_STATUS MSR */
	unsigned int entry_cbit; /* the C-bit entry.S put in the tables */
	uint64_t link_base;	 /* where the image runs (SVSM_PHYS_BASE) */
	/*
	 * A page of the SVSM's own, validated by the launch, for the VMPL0
	 * probe (RMPADJUST for VMPL1); its address for the instruction.
	 */
	uintptr_t probe_va;
	/*
	 * The boot CPU's GHCB page: its physical address, the address
	 * PVALIDATE rescinds it through (a private mapping), and its
	 * mapping without the C-bit.
	 */
	paddr_t ghcb_pa;
	uintptr_t ghcb_private_va;
	void *ghcb;
	/*
	 * Called once the launch checks passed and the CPUID table is
	 * trusted, before the first GHCB exchange: the kernel installs its
	 * #VC handlers there. May be NULL.
	 */
	void (*checked)(void);
};

/* What the boot sequence leaves for the rest of the platform. */
struct snp_boot_state {
	struct csvsm_boot_info bi;    /* the measured boot info, copied */
	struct snp_cpuid_table cpuid; /* the checked CPUID page */
	unsigned int cbit;
};

/*
 * The boot: the launch facts and snp_boot_check()'s verdict, the early
 * platform state (snp_early_init), the GHCB protocol and the host's
 * C-bit, the SVSM's layout, the boot CPU's GHCB (rescinded, made shared,
 * zeroed, registered), the rest of the region PVALIDATEd. Returns only
 * when every step passed.
 */
void snp_boot_seq(const struct snp_boot_env *env, struct snp_boot_state *st);

/* What the firmware's start needs from the boot. */
struct snp_fw_env {
	const struct boot_params *bp;
	const struct snp_cpuid_table *cpuid;
	uint64_t sev_status;
};

/*
 * The firmware's start: its SEV metadata, its pages prepared for VMPL1,
 * the SVSM's guest-message pages, the guest's CPUID and secrets pages,
 * its boot VMSA registered and announced to the host. Returns the boot
 * vCPU for the request loop, or NULL when the file carries no firmware.
 */
struct svsm_vcpu *snp_fw_seq_start(const struct snp_fw_env *env);

/* One turn of the request loop for v; a failing Run VMPL ends the VM. */
void snp_fw_seq_turn(struct svsm_vcpu *v);
