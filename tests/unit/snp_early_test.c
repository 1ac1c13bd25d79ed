/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform's first step and the SVSM's own SEV features, on
 * the model (issue 15, items 7 and 8):
 *
 *   - once snp_early_init() ran, an unhandled exception reports only its
 *     vector and RIP (kernel/base/trap_report.c), never a register, the
 *     faulting address or the page-table root; before, the full dump;
 *   - the random-source probe (plat_rng_sources, which arch_hw_random
 *     asks) answers from the CPUID page: a page without RDRAND/RDSEED
 *     means no hardware RNG even on a host CPU that has both, and no
 *     page means none, never a CPUID instruction;
 *   - the VMSAs the SVSM creates for itself carry the boot vCPU's SEV
 *     features, restricted injection included: on a host that offers it
 *     with a launch VMSA that asked for it, restricted injection; on
 *     upstream KVM, which does not offer it, none; and never an AP that
 *     differs from the VM, which the host (as KVM) refuses.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/plat/plat.h"
#include "svsm/trap_report.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_vmsa.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/cpuid.h"
#include "snp/early.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/snp.h"
#include "test.h"
#include "vcpu.h"

/* ---- The exception report --------------------------------------------- */

static char console[2048];

static void capture(void)
{
	console[0] = '\0';
	fake_console_buf = console;
	fake_console_size = sizeof(console);
	fake_console_len = 0;
}

static void release(void)
{
	fake_console_buf = NULL;
}

/* A #GP in the SVSM with a recognisable value in every register. */
static void gp_frame(struct user_regs *f)
{
	uint64_t *words = (uint64_t *)f;

	memset(f, 0, sizeof(*f));
	/* r15..rax: 0x1111111111111111 * (i + 1), distinct, all 16 digits */
	for (unsigned int i = 0; i < 15; i++)
		words[i] = 0x1111111111111111ull * (i % 9 + 1) + i;
	f->vector = 13;
	f->error_code = 0x5a5a;
	f->rip = 0xffffffff80123456ull;
	f->cs = 0x8;
	f->rflags = 0x246;
	f->rsp = 0xffffff0000004ff8ull;
	f->ss = 0x10;
}

static bool shows(uint64_t v)
{
	char hex[17];

	for (int i = 15; i >= 0; i--, v >>= 4)
		hex[i] = "0123456789abcdef"[v & 0xf];
	hex[16] = '\0';
	return strstr(console, hex) != NULL;
}

static const uint64_t CR2 = 0xc2c2c2c2c2c2c2c2ull;
static const uint64_t CR3 = 0x00000000c3c3c000ull;

/* What the host must not read: each register, CR2, CR3, the error code. */
static unsigned int secrets_shown(const struct user_regs *f)
{
	const uint64_t *words = (const uint64_t *)f;
	unsigned int n = 0;

	for (unsigned int i = 0; i < 15; i++)
		n += shows(words[i]);
	n += shows(f->rsp) + shows(f->rflags) + shows(CR2) + shows(CR3) +
	     shows(f->error_code);
	return n;
}

static struct snp_cpuid_page page;
static struct snp_cpuid_table table;

static void add_leaf(uint32_t leaf, uint32_t a, uint32_t b, uint32_t c,
		     uint32_t d)
{
	page.fn[page.count++] = (struct snp_cpuid_fn){
		.eax_in = leaf, .eax = a, .ebx = b, .ecx = c, .edx = d};
}

/* A CPUID page; rdseed/rdrand: whether leaves 7.0 and 1 show them. */
static bool cpuid_page(uint32_t max_leaf, bool rdseed, bool rdrand)
{
	memset(&page, 0, sizeof(page));
	add_leaf(0x0, max_leaf, 0x68747541, 0x444d4163, 0x69746e65);
	/* Leaf 1 ECX and 7.0 EBX of a Zen 4, less the bits under test. */
	add_leaf(0x1, 0x00a10f11, 0x00200800,
		 0x36d8320b | (rdrand ? 1u << 30 : 0), 0x178bfbff);
	add_leaf(0x7, 0, 0x2198c9a9 | (rdseed ? 1u << 18 : 0), 0x10, 0);
	return snp_cpuid_init(&table, &page) == SVSM_OK;
}

TEST(snp_early, trap_on_snp_reports_vector_and_rip_only)
{
	struct user_regs f;

	gp_frame(&f);
	snp_early_reset();
	ASSERT_TRUE(cpuid_page(0xd, true, true));

	/* Not yet SNP: the full dump, every register in it. */
	EXPECT_FALSE(trap_report_quiet());
	capture();
	trap_report_print(&f, CR2, CR3, 3);
	release();
	EXPECT_EQ(secrets_shown(&f), 20);

	/* The SNP platform's first step switches the report to quiet. */
	snp_early_init(&table);
	EXPECT_TRUE(trap_report_quiet());
	capture();
	trap_report_print(&f, CR2, CR3, 3);
	release();
	EXPECT_TRUE(strstr(console, "vector 13") != NULL);
	EXPECT_TRUE(strstr(console, "#GP") != NULL);
	EXPECT_TRUE(shows(f.rip));
	EXPECT_EQ(secrets_shown(&f), 0);
	/* One line (after the blank one that sets it apart). */
	EXPECT_TRUE(strchr(strchr(console + 1, '\n') + 1, '\n') == NULL);
	snp_early_reset();
}

/* ---- The random-source probe ------------------------------------------ */

TEST(snp_early, rng_probe_reads_the_cpuid_page)
{
	snp_early_reset();
	/* No page yet: no source, and no CPUID to find one. */
	EXPECT_EQ(plat_rng_sources(), 0);

	/*
	 * A page without RDRAND and RDSEED: no hardware RNG, whatever the
	 * CPU running this test has (executing CPUID here would find both
	 * on any x86-64 CPU of the last decade).
	 */
	ASSERT_TRUE(cpuid_page(0xd, false, false));
	snp_early_init(&table);
	EXPECT_EQ(plat_rng_sources(), 0);

	ASSERT_TRUE(cpuid_page(0xd, true, true));
	snp_early_init(&table);
	EXPECT_EQ(plat_rng_sources(), PLAT_RNG_RDSEED | PLAT_RNG_RDRAND);

	ASSERT_TRUE(cpuid_page(0xd, false, true));
	snp_early_init(&table);
	EXPECT_EQ(plat_rng_sources(), PLAT_RNG_RDRAND);

	/* Leaf 7 beyond the page's highest standard leaf does not count. */
	ASSERT_TRUE(cpuid_page(0x6, true, false));
	snp_early_init(&table);
	EXPECT_EQ(plat_rng_sources(), 0);
	snp_early_reset();
}

/* ---- Restricted injection --------------------------------------------- */

#define MEM_SIZE (4ull << 20)
#define GHCB_PA	 (FAKE_PHYS_BASE + 0x1000)
#define VMSA_PA	 (FAKE_PHYS_BASE + 0x3000)

static struct sim_vcpu_table host_vcpus;
static unsigned int saved_level;

/*
 * The model host with HV `features`, a VM launched with SEV features
 * `vm_features`, negotiated and a GHCB registered.
 */
static bool host_with(uint64_t features, uint64_t vm_features)
{
	saved_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	REQUIRE_TRUE(fake_mm_init(MEM_SIZE) == FAKE_PHYS_BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, FAKE_PHYS_BASE, MEM_SIZE));
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	sim_hv.features = features;
	sim_vcpu_table_init(&host_vcpus, &fake_snp_rmp);
	host_vcpus.vmsa_features = vm_features;
	sim_hv.vcpus = &host_vcpus;
	ghcb_reset();
	snp_features_reset();
	REQUIRE_EQ(sim_rmp_launch_page(&fake_snp_rmp, VMSA_PA, true),
		   SNP_SUCCESS);
	REQUIRE_EQ(ghcb_negotiate(NULL), SVSM_OK);
	REQUIRE_EQ(ghcb_register(pa_init(GHCB_PA)), SVSM_OK);
	return true;
}

static void host_gone(void)
{
	fake_snp_hv_stop();
	ghcb_reset();
	snp_features_reset();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_level);
}

/* What the host recorded for an AP of the SVSM announced with the
 * features the SVSM chose. */
static uint64_t announced(void)
{
	const struct sim_vcpu *v;

	if (snp_vcpu_notify(SNP_VCPU_CREATE, 1, 0, pa_init(VMSA_PA),
			    snp_svsm_sev_features()) != SVSM_OK)
		return ~0ull;
	v = sim_vcpu_find(&host_vcpus, 1, 0);
	return v ? v->sev_features : ~0ull;
}

/* SEV_STATUS of a CPU running an SNP VMSA with these SEV_FEATURES. */
static uint64_t sev_status(uint64_t features)
{
	return 0x7 | (features << SNP_SEV_STATUS_FEATURES_SHIFT);
}

TEST(snp_features, restricted_injection_as_launched_and_offered)
{
	const uint64_t ri = SNP_FEATURE_RESTRICTED_INJECTION;
	const uint64_t snp = SNP_FEATURE_SNP_ACTIVE;

	/* Upstream KVM: SNP and AP creation only; no restricted injection. */
	ASSERT_TRUE(
		host_with(GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION, snp));
	EXPECT_EQ(snp_svsm_sev_features(), 0);
	ASSERT_EQ(snp_features_init(sev_status(snp), sim_hv.features), SVSM_OK);
	EXPECT_EQ(snp_svsm_sev_features(), snp);
	EXPECT_EQ(announced(), snp);
	host_gone();

	/*
	 * A host that offers it, with a launch VMSA that asked for it (and
	 * DebugSwap): the SVSM's APs carry it, and the host takes them.
	 */
	ASSERT_TRUE(host_with(GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
				      GHCB_HV_FT_SNP_RESTRICTED_INJ,
			      snp | SNP_FEATURE_DEBUG_SWAP | ri));
	ASSERT_EQ(
		snp_features_init(sev_status(snp | SNP_FEATURE_DEBUG_SWAP | ri),
				  sim_hv.features),
		SVSM_OK);
	EXPECT_EQ(snp_svsm_sev_features(), snp | SNP_FEATURE_DEBUG_SWAP | ri);
	EXPECT_EQ(announced(), snp | SNP_FEATURE_DEBUG_SWAP | ri);
	host_gone();

	/*
	 * The host offers it but the launch VMSA did not ask: asking now for
	 * the APs alone would be refused (KVM compares an AP's features with
	 * the VM's), so the APs run as the boot vCPU does.
	 */
	ASSERT_TRUE(host_with(GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
				      GHCB_HV_FT_SNP_RESTRICTED_INJ,
			      snp));
	ASSERT_EQ(snp_features_init(sev_status(snp), sim_hv.features), SVSM_OK);
	EXPECT_EQ(snp_svsm_sev_features(), snp);
	EXPECT_EQ(announced(), snp);
	EXPECT_EQ(snp_vcpu_notify(SNP_VCPU_CREATE, 2, 0, pa_init(VMSA_PA),
				  snp | ri),
		  SVSM_E_HW);

	/* SEV_STATUS without SNP: nothing decided. */
	snp_features_reset();
	EXPECT_EQ(snp_features_init(0x3, sim_hv.features), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(snp_svsm_sev_features(), 0);
	host_gone();
}
