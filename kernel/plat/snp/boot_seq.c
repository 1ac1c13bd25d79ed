/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP boot sequence (snp/boot_seq.h), on the boot stack, with no
 * console yet:
 *
 *   1. the facts of the launch (SEV_STATUS, the CPUID page, the entry's
 *      C-bit, an RMPADJUST for VMPL1 that only VMPL0 may do, where the
 *      CPUID and secrets pages lie, whether the PSP filled the latter)
 *      and snp_boot_check()'s verdict: a bad launch ends here with its
 *      GHCB termination reason (include/abi/snp_term.h);
 *   2. the early platform state (quiet reports, the RNG from the page),
 *      then the caller's hook (the kernel's #VC handlers);
 *   3. the GHCB protocol: version and features, the host's C-bit checked
 *      against the CPUID page's;
 *   4. the SVSM's layout from the boot info;
 *   5. the boot CPU's GHCB: the page is rescinded, made shared with the
 *      MSR protocol's page-state change, zeroed and registered;
 *   6. the rest of the SVSM region, which the launch left unvalidated
 *      (REQUIRED_MEMORY), is PVALIDATEd (snp_validate_range()).
 * Every failure ends the VM through the MSR protocol; none can be
 * logged, and none lets the boot go on. The kernel runs it from
 * plat_early_init() (boot.c); tests/unit/snp_e2e_test.c runs it on a
 * launch of the model.
 */
#include "snp/boot_seq.h"

#include "svsm/arch/cpu.h"
#include "svsm/arch/snp.h"

#include "svsm/addr.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_term.h"

#include "lib/string.h"
#include "snp/boot.h"
#include "snp/early.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/validate.h"

static __noreturn void end(unsigned int set, unsigned int code)
{
	ghcb_terminate(set, code);
}

static void check(const struct snp_boot_facts *f, struct snp_boot_state *st)
{
	struct snp_boot_verdict v = snp_boot_check(f);

	if (!v.ok)
		end(v.set, v.code);
	st->cbit = v.cbit;
}

static void gather(const struct snp_boot_env *env, struct snp_boot_state *st,
		   struct snp_boot_facts *f)
{
	const struct csvsm_boot_info *bi = &st->bi;
	const struct snp_cpuid_page *cpuid =
		bi->cpuid_gpa % 4096
			? NULL
			: arch_phys_to_virt(bi->cpuid_gpa, sizeof(*cpuid));
	const struct snp_secrets_page *secrets =
		bi->secrets_gpa % 4096
			? NULL
			: arch_phys_to_virt(bi->secrets_gpa, sizeof(*secrets));

	snp_boot_page_facts(bi, cpuid, secrets, &st->cpuid, f);
	f->sev_status = env->sev_status;
	f->entry_cbit = env->entry_cbit;
	f->rmpadjust_rc = arch_rmpadjust(
		env->probe_va, false,
		snp_rmpadjust_attrs(1, 0, false)); /* VMPL1: none */
}

static void negotiate(struct snp_boot_facts *f, struct snp_boot_state *st)
{
	struct ghcb_host_info host;
	enum svsm_err err = ghcb_negotiate(&host);

	if (err == SVSM_E_UNSUPPORTED)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
	if (err != SVSM_OK)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_GENERAL);
	f->host_info = true;
	f->host_cbit = host.cbit;
	check(f, st);
	if (snp_features_init(f->sev_status, host.hv_features) != SVSM_OK)
		end(SNP_TERM_SET_GENERAL, SNP_TERM_GENERAL);
}

/* Step 5: the boot CPU's GHCB (after arch_mm_set_region_size()). */
static void boot_ghcb_setup(const struct snp_boot_env *env)
{
	bool cf = true;
	int rc;

	rc = arch_pvalidate(env->ghcb_private_va, false, false, &cf);
	if (rc != (int)SNP_SUCCESS || cf)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PVALIDATE);
	if (ghcb_msr_page_state_change(env->ghcb_pa, GHCB_PSC_OP_SHARED) !=
	    SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PSC);
	/* SAFETY: env->ghcb maps the page without the C-bit (entry.S). */
	memset(env->ghcb, 0, GHCB_PAGE_SIZE);
	if (ghcb_register(env->ghcb_pa) != SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_GHCB_REGISTER);
}

void snp_boot_seq(const struct snp_boot_env *env, struct snp_boot_state *st)
{
	/*
	 * TRUST: the boot info is measured; the CPUID and secrets pages
	 * are the PSP's, but whether and where the host declared them is
	 * the host's doing, and the host answers the GHCB protocol. All of
	 * it is checked before it is used (snp_boot_check()).
	 */
	const struct csvsm_boot_info *bip =
		arch_phys_to_virt(env->boot_info_pa, sizeof(*bip));
	const struct csvsm_boot_info *bi = &st->bi;
	struct snp_boot_facts f = {0};
	struct snp_validate_result vr;

	if (!bip)
		end(SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT);
	memcpy(&st->bi, bip, sizeof(st->bi));
	gather(env, st, &f);
	check(&f, st);
	snp_early_init(&st->cpuid); /* quiet reports, RNG from the page */
	if (env->checked)
		env->checked();
	negotiate(&f, st);
	/* From here arch_phys_to_virt() gives the region's high mapping. */
	if (bi->region_base != env->link_base ||
	    bi->region_size > (1ull << 30) || bi->free_base < bi->image_end ||
	    bi->free_base > bi->region_base + bi->region_size)
		end(SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT);
	arch_mm_set_region_size(bi->region_size);
	boot_ghcb_setup(env);
	if (snp_validate_range(bi->free_base, bi->region_base + bi->region_size,
			       &vr) != SVSM_OK)
		end(SNP_TERM_SET_LINUX, SNP_TERM_PVALIDATE);
}
