/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP CPUID page as the model's loader writes it and the model
 * secure processor checks it at SNP_LAUNCH_UPDATE (AMD 56860,
 * SNP_LAUNCH_UPDATE with PAGE_TYPE_CPUID, "CPUID_FUNCTION" entries; the
 * same layout as Linux arch/x86/include/asm/sev.h, struct snp_cpuid_table):
 * a count, then up to 64 entries of inputs (EAX, ECX, XCR0, XSS) and the
 * four output registers. Little endian.
 */
#pragma once

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_CPUID_PAGE_MAX 64u

struct sim_cpuid_fn {
	uint32_t eax_in;
	uint32_t ecx_in;
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
} __attribute__((packed));

struct sim_cpuid_page {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct sim_cpuid_fn fn[SIM_CPUID_PAGE_MAX];
} __attribute__((packed));

static_assert(sizeof(struct sim_cpuid_fn) == 48,
	      "AMD 56860, CPUID_FUNCTION: 48 bytes per entry");
static_assert(offsetof(struct sim_cpuid_fn, eax) == 24,
	      "AMD 56860, CPUID_FUNCTION: outputs at 24");
static_assert(offsetof(struct sim_cpuid_page, fn) == 16,
	      "AMD 56860, CPUID page: entries at 16");
static_assert(sizeof(struct sim_cpuid_page) <= 4096,
	      "AMD 56860, CPUID page: one 4 KiB page");
