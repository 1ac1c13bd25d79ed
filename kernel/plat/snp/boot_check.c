/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's launch checks (snp/boot.h): a pure function of
 * what the boot code saw, so that every hostile launch is tested hosted
 * and ends with one known GHCB termination reason.
 */
#include "abi/csvsm_boot.h"
#include "abi/snp.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_term.h"

#include "lib/bytes.h"
#include "snp/boot.h"
#include "snp/cpuid.h"

#define PAGE 4096ull

static struct snp_boot_verdict refuse(unsigned int set, unsigned int code,
				      const char *why)
{
	return (struct snp_boot_verdict){
		.ok = false,
		.set = (uint8_t)set,
		.code = (uint8_t)code,
		.why = why,
	};
}

/* A page of the SVSM region after the kernel image and its boot info. */
static bool region_page(const struct snp_boot_facts *f, uint64_t gpa)
{
	uint64_t end;

	if (gpa % PAGE ||
	    __builtin_add_overflow(f->region_base, f->region_size, &end))
		return false;
	return gpa > f->image_end && gpa >= f->region_base && gpa < end &&
	       end - gpa >= PAGE;
}

static bool memenc_ok(const struct snp_boot_facts *f, unsigned int *cbit)
{
	const uint32_t need =
		SNP_CPUID_EAX_SEV | SNP_CPUID_EAX_SEV_ES | SNP_CPUID_EAX_SNP;

	if (!f->cpuid_page_ok || !f->memenc_found ||
	    (f->memenc_eax & need) != need)
		return false;
	*cbit = f->memenc_ebx & SNP_CPUID_EBX_CBIT;
	return *cbit >= SNP_CBIT_MIN && *cbit <= SNP_CBIT_MAX;
}

struct snp_boot_verdict snp_boot_check(const struct snp_boot_facts *f)
{
	/*
	 * TRUST: SEV_STATUS and RMPADJUST are the CPU's; the CPUID and
	 * secrets pages were checked or filled by the PSP, but whether the
	 * host declared them (and where) is the host's doing, as is the
	 * host's C-bit. Every fact is only compared here.
	 */
	unsigned int cbit = 0;

	if ((f->sev_status & SNP_SEV_STATUS_REQUIRED) !=
	    SNP_SEV_STATUS_REQUIRED)
		return refuse(SNP_TERM_SET_GENERAL, SNP_TERM_SNP_UNSUPPORTED,
			      "SEV_STATUS: not an SEV-SNP guest");
	if (f->sev_status & SNP_SEV_STATUS_REFUSED)
		return refuse(SNP_TERM_SET_CSVSM, SNP_TERM_SEV_FEATURES,
			      "SEV_STATUS: vTOM or ReflectVC is on");
	if (!memenc_ok(f, &cbit))
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_CPUID,
			      "CPUID page: no usable Fn8000_001F");
	if (cbit != f->entry_cbit)
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_CPUID,
			      "CPUID page: C-bit differs from the entry's");
	if (f->host_info && f->host_cbit != cbit)
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_CPUID_HV,
			      "the host's C-bit differs from the CPUID page's");
	if (f->rmpadjust_rc != (int)SNP_SUCCESS)
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_NOT_VMPL0,
			      "RMPADJUST for VMPL1 failed: not at VMPL0");
	if (!region_page(f, f->cpuid_gpa))
		return refuse(SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT,
			      "CPUID page outside the SVSM region");
	if (!region_page(f, f->secrets_gpa) || f->secrets_gpa == f->cpuid_gpa)
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE,
			      "secrets page outside the SVSM region");
	if (!f->secrets_filled)
		return refuse(SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE,
			      "secrets page not filled by the PSP");
	return (struct snp_boot_verdict){.ok = true, .cbit = cbit};
}

void snp_boot_page_facts(const struct csvsm_boot_info *bi,
			 const struct snp_cpuid_page *cpuid,
			 const struct snp_secrets_page *secrets,
			 struct snp_cpuid_table *t, struct snp_boot_facts *f)
{
	/*
	 * TRUST: the boot info is measured; the pages are the PSP's if the
	 * host declared them where the boot info says. Only facts are
	 * recorded here; snp_boot_check() judges them.
	 */
	f->region_base = bi->region_base;
	f->region_size = bi->region_size;
	f->image_end = bi->image_end;
	f->secrets_gpa = bi->secrets_gpa;
	f->cpuid_gpa = bi->cpuid_gpa;
	f->secrets_filled = secrets && !mem_is_zero(secrets->vmpck[0],
						    sizeof(secrets->vmpck[0]));
	f->cpuid_page_ok = cpuid && snp_cpuid_init(t, cpuid) == SVSM_OK;
	f->memenc_found = false;
	if (!f->cpuid_page_ok)
		return;
	for (uint32_t i = 0; i < t->count; i++) {
		const struct snp_cpuid_fn *fn = &t->fn[i];

		if (fn->eax_in == SNP_CPUID_MEMENC_LEAF) {
			f->memenc_found = true;
			f->memenc_eax = fn->eax;
			f->memenc_ebx = fn->ebx;
			break;
		}
	}
}
