/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform's first step (snp/early.h), taken before the IDT
 * exists and before anything draws a random number:
 *
 *   - the exception report goes quiet (vector and RIP only), since the
 *     console is the host's and the host can inject exceptions;
 *   - the CPU's entropy instructions are read from the CPUID page
 *     (plat_rng_sources), because executing CPUID on SNP raises #VC,
 *     which nothing could handle yet, and would ask the untrusted host.
 *
 * State: the CPUID table pointer, written once on the boot CPU before any
 * other CPU runs.
 */
#include "snp/early.h"

#include "svsm/plat/plat.h"
#include "svsm/trap_report.h"

#include "snp/cpuid.h"

/* CPUID bits (AMD64 APM vol. 3, appendix E.3): 7.0 EBX[18] RDSEED,
 * 1 ECX[30] RDRAND. */
#define CPUID_7_EBX_RDSEED (1u << 18)
#define CPUID_1_ECX_RDRAND (1u << 30)

static const struct snp_cpuid_table *early_cpuid;

void snp_early_init(const struct snp_cpuid_table *cpuid)
{
	trap_report_set_quiet(true);
	early_cpuid = cpuid;
}

/* One leaf from the page; false (and zeros) if the table cannot say. */
static bool page_leaf(uint32_t leaf, uint32_t out[4])
{
	/* Leaves 0, 1 and 7.0 depend on nothing of the running CPU that
	 * matters here: the register bits read below come from the page. */
	static const struct snp_cpuid_cpu no_cpu;

	if (snp_cpuid(early_cpuid, &no_cpu, leaf, 0, out) == SVSM_OK)
		return true;
	out[0] = out[1] = out[2] = out[3] = 0;
	return false;
}

unsigned int plat_rng_sources(void)
{
	/*
	 * TRUST: the CPUID page was checked by the secure processor at
	 * launch against what the CPU supports, so a bit it shows is real;
	 * no page yet means no known source, never a CPUID instruction.
	 */
	unsigned int sources = 0;
	uint32_t r[4];

	if (!early_cpuid)
		return 0;
	if (page_leaf(0, r) && r[0] >= 7 && page_leaf(7, r) &&
	    (r[1] & CPUID_7_EBX_RDSEED))
		sources |= PLAT_RNG_RDSEED;
	if (page_leaf(1, r) && (r[2] & CPUID_1_ECX_RDRAND))
		sources |= PLAT_RNG_RDRAND;
	return sources;
}

#if __STDC_HOSTED__
void snp_early_reset(void)
{
	early_cpuid = NULL;
	trap_report_set_quiet(false);
}
#endif
