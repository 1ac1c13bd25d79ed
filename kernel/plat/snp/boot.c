/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's first C code (plat_early_init, called by entry.S
 * after entry32_snp built C-bit page tables and entered long mode), on
 * the boot stack, with no console yet:
 *
 *   1. an early IDT, so that #VC reaches snp_plat_vc();
 *   2. the facts of the launch (SEV_STATUS, the CPUID page, the entry's
 *      C-bit, an RMPADJUST for VMPL1 that only VMPL0 may do, where the
 *      CPUID and secrets pages lie, whether the PSP filled the latter)
 *      and snp_boot_check()'s verdict: a bad launch ends here with its
 *      GHCB termination reason (include/abi/snp_term.h);
 *   3. the GHCB protocol: version and features, the host's C-bit checked
 *      against the CPUID page's;
 *   4. the boot CPU's GHCB: the image's shared page (.bss.shared, which
 *      entry.S and vm_init() map without the C-bit) is rescinded, made
 *      shared with the MSR protocol's page-state change, zeroed and
 *      registered;
 *   5. the rest of the SVSM region, which the launch left unvalidated
 *      (REQUIRED_MEMORY), is PVALIDATEd (snp_validate_range()).
 * Every failure ends the VM through the MSR protocol; none can be
 * logged, and none lets the boot go on. Kernel only: the hosted tests
 * run the decision (boot_check.c) and the steps' own code (ghcb.c,
 * validate.c, vc.c) against the model instead.
 */
#include "snp/boot.h"

#include "svsm/arch/cpu.h"
#include "svsm/arch/snp.h"
#include "svsm/arch/snp_boot.h"

#include "svsm/addr.h"
#include "svsm/plat/plat.h"

#include "abi/csvsm_boot.h"
#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_term.h"

#include "lib/string.h"
#include "snp/cpuid.h"
#include "snp/early.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/plat_snp.h"
#include "snp/validate.h"

static struct snp_cpuid_table cpuid_table;
static unsigned int cbit;
/* The boot CPU's GHCB: the image's one page shared with the host. */
static uint8_t boot_ghcb[GHCB_PAGE_SIZE]
	__attribute__((section(".bss.shared"), aligned(GHCB_PAGE_SIZE)));
/* A page of the SVSM's own for the VMPL0 test (RMPADJUST for VMPL1). */
static uint8_t probe_page[4096] __aligned(4096);

const struct snp_cpuid_table *snp_boot_cpuid(void)
{
	return &cpuid_table;
}

unsigned int snp_boot_cbit(void)
{
	return cbit;
}

static __noreturn void end(unsigned int set, unsigned int code)
{
	ghcb_terminate(set, code);
}

static const void *map(uint64_t pa, uint64_t len)
{
	return arch_phys_to_virt(pa, len);
}

static void check(const struct snp_boot_facts *f)
{
	struct snp_boot_verdict v = snp_boot_check(f);

	if (!v.ok)
		end(v.set, v.code);
	cbit = v.cbit;
}

static void gather(const struct csvsm_boot_info *bi, struct snp_boot_facts *f)
{
	const struct snp_cpuid_page *cpuid =
		bi->cpuid_gpa % 4096 ? NULL
				     : map(bi->cpuid_gpa, sizeof(*cpuid));
	const struct snp_secrets_page *secrets =
		bi->secrets_gpa % 4096 ? NULL
				       : map(bi->secrets_gpa, sizeof(*secrets));

	snp_boot_page_facts(bi, cpuid, secrets, &cpuid_table, f);
	f->sev_status = arch_snp_sev_status();
	f->entry_cbit = arch_snp_entry_cbit();
	f->rmpadjust_rc = arch_rmpadjust(
		(uintptr_t)probe_page, false,
		snp_rmpadjust_attrs(1, 0, false)); /* VMPL1: none */
}

static void negotiate(struct snp_boot_facts *f)
{
	struct ghcb_host_info host;
	enum svsm_err err = ghcb_negotiate(&host);

	if (err == SVSM_E_UNSUPPORTED)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
	if (err != SVSM_OK)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_GENERAL);
	f->host_info = true;
	f->host_cbit = host.cbit;
	check(f);
	if (snp_features_init(f->sev_status, host.hv_features) != SVSM_OK)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_GENERAL);
}

/* Step 4: the boot CPU's GHCB (after arch_mm_set_region_size()). */
static void boot_ghcb_setup(void)
{
	uint64_t pa = arch_virt_to_phys(boot_ghcb);
	bool cf = true;
	int rc;

	/*
	 * Rescind through the identity map (virtual = physical below 4 GiB
	 * until vm_init()), which maps it private, as PVALIDATE is done on
	 * every other page.
	 */
	rc = arch_pvalidate((uintptr_t)pa, false, false, &cf);
	if (rc != (int)SNP_SUCCESS || cf)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PVALIDATE);
	if (ghcb_msr_page_state_change(pa_init(pa), GHCB_PSC_OP_SHARED) !=
	    SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PSC);
	/* SAFETY: boot_ghcb is mapped without the C-bit (entry.S). */
	memset(boot_ghcb, 0, sizeof(boot_ghcb));
	if (ghcb_register(pa_init(pa)) != SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_GHCB_REGISTER);
}

void plat_early_init(uint64_t boot_info_pa)
{
	/*
	 * TRUST: the boot info is measured; the CPUID and secrets pages
	 * are the PSP's, but whether and where the host declared them is
	 * the host's doing, and the host answers the GHCB protocol. All of
	 * it is checked before it is used (snp_boot_check()).
	 */
	const struct csvsm_boot_info *bip = map(boot_info_pa, sizeof(*bip));
	struct csvsm_boot_info bi;
	struct snp_boot_facts f = {0};
	struct snp_validate_result vr;

	arch_snp_early_idt();
	if (!bip)
		end(SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT);
	memcpy(&bi, bip, sizeof(bi));
	gather(&bi, &f);
	check(&f);
	snp_early_init(&cpuid_table); /* quiet reports, RNG from the page */
	arch_trap_set_vc_handler(snp_plat_vc);
	arch_trap_set_user_vc_handler(snp_plat_vc_user);
	negotiate(&f);
	/* From here arch_phys_to_virt() gives the region's high mapping. */
	if (bi.region_base != SVSM_PHYS_BASE || bi.region_size > (1ull << 30) ||
	    bi.free_base < bi.image_end ||
	    bi.free_base > bi.region_base + bi.region_size)
		end(SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT);
	arch_mm_set_region_size(bi.region_size);
	boot_ghcb_setup();
	if (snp_validate_range(bi.free_base, bi.region_base + bi.region_size,
			       &vr) != SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PVALIDATE);
}
