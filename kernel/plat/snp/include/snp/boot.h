/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's first decision (kernel/plat/snp/boot_check.c): does
 * it really run as an SNP guest at VMPL0, with a CPUID page, a secrets
 * page and a C-bit it can trust? The facts are gathered by the boot code
 * (kernel/plat/snp/boot.c, on hardware) or by a test; the verdict is a
 * pure function of them, so each hostile launch maps to exactly one GHCB
 * termination reason (include/abi/snp_term.h) and is tested hosted.
 *
 * The entry assembly (kernel/arch/x86_64/snp_entry.S) must build page
 * tables before any C runs, so it checks the two facts it needs for that
 * (SEV_STATUS.SNP, a C-bit in range in the CPUID page) itself, with the
 * same reasons; this function checks them again, with everything else.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* SEV_STATUS (MSR 0xC001_0131; AMD64 APM vol. 2, "SEV_STATUS MSR"). */
#define SNP_MSR_SEV_STATUS	 0xc0010131u
#define SNP_SEV_STATUS_SEV	 (1ull << 0)
#define SNP_SEV_STATUS_ES	 (1ull << 1)
#define SNP_SEV_STATUS_SNP	 (1ull << 2)
#define SNP_SEV_STATUS_VTOM	 (1ull << 3)
#define SNP_SEV_STATUS_REFLECTVC (1ull << 4)
#define SNP_SEV_STATUS_REQUIRED \
	(SNP_SEV_STATUS_SEV | SNP_SEV_STATUS_ES | SNP_SEV_STATUS_SNP)
/* Features whose memory or #VC model csvsm does not implement. */
#define SNP_SEV_STATUS_REFUSED (SNP_SEV_STATUS_VTOM | SNP_SEV_STATUS_REFLECTVC)

/* CPUID Fn8000_001F (AMD64 APM vol. 3, appendix E): EAX support bits. */
#define SNP_CPUID_MEMENC_LEAF 0x8000001fu
#define SNP_CPUID_EAX_SEV     (1u << 1)
#define SNP_CPUID_EAX_SEV_ES  (1u << 3)
#define SNP_CPUID_EAX_SNP     (1u << 4)
#define SNP_CPUID_EBX_CBIT    0x3fu
/* A C-bit the SVSM's page tables can use: above 4 GiB, below bit 52. */
#define SNP_CBIT_MIN 32u
#define SNP_CBIT_MAX 51u

/* What the boot code saw. Addresses are guest-physical. */
struct snp_boot_facts {
	uint64_t sev_status;
	/* The CPUID page passed snp_cpuid_init() (count, reserved fields). */
	bool cpuid_page_ok;
	/* Its Fn8000_001F entry, when it has one. */
	bool memenc_found;
	uint32_t memenc_eax;
	uint32_t memenc_ebx;
	/* The C-bit the entry assembly put in the boot page tables. */
	unsigned int entry_cbit;
	/* The host's C-bit from the GHCB SEV information, when asked. */
	bool host_info;
	unsigned int host_cbit;
	/* RMPADJUST of an SVSM page for VMPL1 (EAX): SNP_SUCCESS at VMPL0. */
	int rmpadjust_rc;
	/* The SVSM region and where the boot info says the pages are. */
	uint64_t region_base;
	uint64_t region_size;
	uint64_t image_end; /* the boot-info page; kernel image below it */
	uint64_t secrets_gpa;
	uint64_t cpuid_gpa;
	/* VMPCK0 of the secrets page is not all zeros (the PSP filled it). */
	bool secrets_filled;
};

struct snp_boot_verdict {
	bool ok;
	uint8_t set;  /* GHCB termination reason set, when !ok */
	uint8_t code; /* and code */
	unsigned int cbit;
	const char *why; /* one line, for a log that may not exist yet */
};

/*
 * The checks, in this order (the first failing one decides):
 *   1. SEV_STATUS has SEV, SEV-ES and SNP      (set 0, SNP_UNSUPPORTED)
 *   2. no vTOM, no ReflectVC                   (set 3, SEV_FEATURES)
 *   3. the CPUID page is well formed, has Fn8000_001F announcing SEV,
 *      SEV-ES and SNP, and a C-bit in 32..51   (set 1, CPUID)
 *   4. that C-bit is the one the entry code used (set 1, CPUID)
 *   5. the host's C-bit, if asked, agrees      (set 1, CPUID_HV)
 *   6. RMPADJUST succeeded: VMPL0              (set 1, NOT_VMPL0)
 *   7. CPUID page: aligned, inside the region, above the image
 *                                              (set 3, LAYOUT)
 *   8. secrets page: the same, not the CPUID page, and filled
 *                                              (set 1, SECRETS_PAGE)
 */
struct snp_boot_verdict snp_boot_check(const struct snp_boot_facts *f);

struct csvsm_boot_info;
struct snp_cpuid_page;
struct snp_cpuid_table;
struct snp_secrets_page;

/*
 * The facts that come from memory: the boot info's addresses, the CPUID
 * page (copied into t and checked by snp_cpuid_init(); its Fn8000_001F
 * entry) and whether the secrets page's VMPCK0 is filled. cpuid and
 * secrets are the SVSM's mappings of the pages the boot info names, NULL
 * when they cannot be mapped (the facts then say so). The CPU's facts
 * (SEV_STATUS, the entry's C-bit, RMPADJUST, the host's C-bit) are the
 * caller's to add.
 */
void snp_boot_page_facts(const struct csvsm_boot_info *bi,
			 const struct snp_cpuid_page *cpuid,
			 const struct snp_secrets_page *secrets,
			 struct snp_cpuid_table *t, struct snp_boot_facts *f);
