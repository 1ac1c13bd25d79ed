/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP CPUID page (AMD 56860, the CPUID_FUNCTION table that
 * SNP_LAUNCH_UPDATE checks for a page of type CPUID; the same layout as
 * Linux's struct snp_cpuid_table, arch/x86/include/asm/sev.h): the CPUID
 * values the secure processor accepted at launch, which an SNP guest uses
 * instead of asking the untrusted host.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SNP_CPUID_COUNT_MAX 64u

struct snp_cpuid_fn {
	uint32_t eax_in; /* the leaf */
	uint32_t ecx_in; /* the subleaf, for indexed leaves */
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint64_t reserved;
};

struct snp_cpuid_page {
	uint32_t count;
	uint32_t reserved_04;
	uint64_t reserved_08;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};

_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "AMD 56860 CPUID_FUNCTION");
_Static_assert(offsetof(struct snp_cpuid_fn, eax) == 0x18,
	       "AMD 56860 CPUID_FUNCTION");
_Static_assert(offsetof(struct snp_cpuid_page, fn) == 16,
	       "AMD 56860 CPUID page");
_Static_assert(sizeof(struct snp_cpuid_page) <= 4096,
	       "the CPUID table fits its page");
