/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own APs on SEV-SNP (kernel/plat/snp/smp.c), on the model:
 * the RMP of sim/rmp.h, the model hypervisor (sim/hv.c) answering page
 * state changes, GHCB registrations and the AP Creation NAE with KVM's
 * rules (sim/vcpu.c), the fake linear map's record of shared pages.
 *
 * What each AP gets: a VMSA page, not 2 MiB aligned, made a VMSA in the
 * RMP, holding exactly the VMPL0 64-bit state built here independently
 * field by field (AMD64 APM vol. 2, Table B-4); a GHCB page shared in the
 * RMP, mapped without the C-bit and zeroed; the host's vCPU table names
 * the VMSA for the AP's APIC ID at VMPL0 with the boot vCPU's
 * SEV_FEATURES. On the AP, the GHCB registers. Hostile hosts: AP creation
 * refused, the GHCB's page-state change refused, a VMSA page the host
 * takes away: the AP is not started and every page the SVSM owns is in
 * the RMP state it had before, back in the allocator, or leaked when it
 * cannot be trusted (never freed while marked VMSA).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/percpu.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_vmsa.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/shared_pages.h"
#include "snp/smp.h"
#include "snp_pool_fixture.h"
#include "test.h"
#include "unit/hosted_plat.h"
#include "vcpu.h"

#define MEM_SIZE   SPF_MEM_SIZE
#define BASE	   SPF_BASE
#define GHCB_PA	   SPF_GHCB_PA
#define POOL	   SPF_POOL
#define POOL_END   SPF_POOL_END
#define POOL_PAGES ((POOL_END - POOL) / SZ_4K)
#define SZ_4K	   0x1000ull
#define NCPU	   4u /* the model tracks GHCBs of 4 vCPUs (SIM_HV_CPUS) */

/* SEV_STATUS of an SNP guest: SEV, SEV-ES, SNP. */
#define SEV_STATUS_SNP 0x7ull

static unsigned int saved_log_level;
static char console[8192];
static struct sim_vcpu_table host_vcpus;
static struct sim_rmp_entry before[POOL_PAGES];

/* The boot CPU's state as arch_snp_ap_context() would give it. */
static const struct arch_snp_ap_ctx ctx = {
	.cr0 = 0x80050033ull, /* PG WP NE ET MP PE */
	.cr3 = 0x1234000ull,
	.cr4 = 0x3406a0ull, /* SMAP SMEP OSXSAVE OSXMMEXCPT OSFXSR PAE */
	.efer = 0xd00ull,   /* NXE LMA LME, SVME not shown */
	.xcr0 = 0x7ull,
	.pat = 0x0007040600070406ull,
	.gdt_base = 0xffffffff80031000ull,
	.idt_base = 0xffffffff80032000ull,
	.gdt_limit = 31,
	.idt_limit = 511,
	.cs = 0x18,
	.ds = 0x10,
	.entry = 0xffffffff80017160ull,
};

static struct snp_ap_cpu cpu_of(uint32_t i)
{
	return (struct snp_ap_cpu){
		.index = i,
		.apic_id = i,
		.stack_top = 0xffffff0000005000ull + i * (2ull << 20),
		.gs_base = 0xffffffff80400000ull + i * SZ_4K,
	};
}

static bool setup(void)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_VERBOSE);
	REQUIRE_TRUE(spf_model_start());
	sim_vcpu_table_init(&host_vcpus, &fake_snp_rmp);
	host_vcpus.apic_count = NCPU;
	sim_hv.vcpus = &host_vcpus;
	snp_aps_reset();
	snp_features_reset();
	REQUIRE_TRUE(spf_svsm_start(console, sizeof(console)));
	REQUIRE_EQ(snp_features_init(SEV_STATUS_SNP, sim_hv.features), SVSM_OK);
	hosted_plat_share = snp_share_pages;
	hosted_plat_unshare = snp_unshare_pages;
	for (uint64_t i = 0; i < POOL_PAGES; i++)
		REQUIRE_TRUE(sim_rmp_entry(&fake_snp_rmp, POOL + i * SZ_4K,
					   &before[i]));
	return true;
}

static void teardown(void)
{
	hosted_plat_share = NULL;
	hosted_plat_unshare = NULL;
	fake_console_buf = NULL;
	fake_ghcb_cpu = 0;
	sim_hv.hostile = NULL;
	fake_snp_hv_stop();
	ghcb_reset();
	snp_aps_reset();
	snp_features_reset();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_log_level);
}

static uint64_t free_pages(void)
{
	struct pgalloc_stats st;

	pgalloc_get_stats(&st);
	return st.free_pages;
}

static struct sim_rmp_entry rmp(uint64_t gpa)
{
	struct sim_rmp_entry e;

	memset(&e, 0xee, sizeof(e));
	EXPECT_TRUE(sim_rmp_entry(&fake_snp_rmp, gpa, &e));
	return e;
}

/*
 * Every page of the pool but `skip` (up to 4 GPAs, 0 for none) is in the
 * RMP state setup() left it in and mapped privately: nothing was left a
 * VMSA, shared, rescinded or granted.
 */
static bool pool_as_before(const uint64_t *skip, unsigned int nskip)
{
	for (uint64_t i = 0; i < POOL_PAGES; i++) {
		uint64_t a = POOL + i * SZ_4K;
		struct sim_rmp_entry e = rmp(a);
		bool skipped = false;

		for (unsigned int k = 0; k < nskip; k++)
			skipped |= skip[k] == a;
		if (skipped)
			continue;
		REQUIRE_EQ(memcmp(&e, &before[i], sizeof(e)), 0);
		REQUIRE_TRUE(!fake_vm_shared(a));
	}
	return true;
}

static struct snp_vmsa_seg seg(uint16_t sel, uint16_t attrib, uint32_t limit,
			       uint64_t base)
{
	return (struct snp_vmsa_seg){sel, attrib, limit, base};
}

/*
 * The VMSA AP `cpu` must get, written out here field by field (AMD64
 * APM vol. 2, Table B-4), not with the code under test.
 */
static void expected_vmsa(struct snp_vmsa *v, const struct snp_ap_cpu *cpu)
{
	memset(v, 0, sizeof(*v));
	/* 64-bit code: P, S, type 0xb, L (bit 9), G; D (bit 10) clear. */
	v->cs = seg(0x18, 0xa9b, 0xffffffff, 0);
	/* Flat data: P, S, type 3, D/B, G. */
	v->ds = seg(0x10, 0xc93, 0xffffffff, 0);
	v->es = v->ds;
	v->ss = v->ds;
	v->fs = seg(0, 0, 0, 0);
	v->gs = seg(0, 0, 0, cpu->gs_base);
	v->gdtr = seg(0, 0, 31, 0xffffffff80031000ull);
	v->idtr = seg(0, 0, 511, 0xffffffff80032000ull);
	v->ldtr = seg(0, 0x82, 0xffff, 0);
	v->tr = seg(0, 0x8b, 0xffff, 0);
	v->efer = 0x1d00; /* SVME NXE LMA LME */
	v->cr0 = 0x80050033ull;
	v->cr3 = 0x1234000ull;
	v->cr4 = 0x3406a0ull;
	v->xcr0 = 7;
	v->g_pat = 0x0007040600070406ull;
	v->dr6 = 0xffff0ff0;
	v->dr7 = 0x400;
	v->rflags = 2; /* IF clear */
	v->rip = 0xffffffff80017160ull;
	v->rsp = cpu->stack_top;
	v->rdi = cpu->index;
	v->sev_features = SNP_FEATURE_SNP_ACTIVE; /* the boot vCPU's */
	v->mxcsr = 0x1f80;
	v->x87_fcw = 0x37f;
	/* VMPL (0xca) and CPL (0xcb) 0: memset did it. */
}

static bool ap_is_started(uint32_t i)
{
	const struct snp_ap *ap = snp_ap_get(i);
	struct snp_ap_cpu cpu = cpu_of(i);
	struct snp_vmsa want;
	const struct sim_vcpu *hv;
	const uint8_t *page;
	uint64_t vmsa;
	uint64_t ghcb;
	struct sim_rmp_entry e;

	REQUIRE_EQ(snp_ap_state(i), SNP_AP_ANNOUNCED);
	vmsa = pa_val(ap->vmsa);
	ghcb = pa_val(ap->ghcb.pa);
	REQUIRE_EQ(ap->apic_id, i);
	/* The VMSA: inside the SVSM's pool, 4 KiB, never 2 MiB aligned. */
	REQUIRE_TRUE(vmsa >= POOL && vmsa < POOL_END);
	REQUIRE_EQ(vmsa % SZ_4K, 0u);
	REQUIRE_TRUE(vmsa % SNP_PAGE_SIZE_2M != 0);
	e = rmp(vmsa);
	REQUIRE_TRUE(e.assigned && e.validated && e.vmsa);
	REQUIRE_EQ(e.perms[1] | e.perms[2] | e.perms[3], 0u);
	/* Exactly the VMSA the AP must get, byte for byte. */
	expected_vmsa(&want, &cpu);
	page = arch_phys_to_virt(vmsa, SZ_4K);
	REQUIRE_EQ(memcmp(page, &want, sizeof(want)), 0);
	REQUIRE_EQ(page[SNP_VMSA_OFF_VMPL], 0u);
	/* The host runs it for this APIC ID at VMPL0 (KVM's checks passed). */
	hv = sim_vcpu_find(&host_vcpus, i, 0);
	REQUIRE_TRUE(hv != NULL);
	REQUIRE_EQ(hv->vmsa_gpa, vmsa);
	REQUIRE_EQ(hv->sev_features, host_vcpus.vmsa_features);
	REQUIRE_EQ(hv->sev_features, snp_svsm_sev_features());
	/* Its GHCB: shared in the RMP, mapped without the C-bit, zeroed. */
	REQUIRE_EQ(ap->ghcb.size, SZ_4K);
	e = rmp(ghcb);
	REQUIRE_TRUE(!e.assigned);
	REQUIRE_TRUE(!e.validated);
	REQUIRE_TRUE(fake_vm_shared(ghcb));
	page = arch_phys_to_virt(ghcb, SZ_4K);
	for (uint64_t b = 0; b < SZ_4K; b++)
		REQUIRE_EQ(page[b], 0u);
	return true;
}

TEST(snp_smp, each_ap_gets_its_vmsa_and_shared_ghcb)
{
	uint64_t rsp[NCPU];
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	for (uint32_t i = 1; i < NCPU; i++) {
		struct snp_ap_cpu cpu = cpu_of(i);

		ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	}
	for (uint32_t i = 1; i < NCPU; i++) {
		EXPECT_TRUE(ap_is_started(i));
		rsp[i] = cpu_of(i).stack_top;
		for (uint32_t j = 1; j < i; j++) {
			EXPECT_NE(rsp[i], rsp[j]);
			EXPECT_NE(pa_val(snp_ap_get(i)->vmsa),
				  pa_val(snp_ap_get(j)->vmsa));
		}
	}
	EXPECT_EQ(host_vcpus.creates, NCPU - 1);
	EXPECT_EQ(sim_vcpu_count(&host_vcpus), NCPU - 1);
	/* Two pages each: the VMSA and the GHCB. */
	EXPECT_EQ(free_pages(), free0 - 2 * (NCPU - 1));

	/* On each AP: its GHCB registers with the host, under its index. */
	for (uint32_t i = 1; i < NCPU; i++) {
		fake_ghcb_cpu = i;
		EXPECT_FALSE(ghcb_registered());
		EXPECT_EQ(snp_ap_ghcb_init(i), SVSM_OK);
		EXPECT_TRUE(ghcb_registered());
		EXPECT_EQ(sim_hv.ghcb_gpa[i], pa_val(snp_ap_get(i)->ghcb.pa));
		EXPECT_EQ(snp_ap_state(i), SNP_AP_GHCB_OK);
	}
	fake_ghcb_cpu = 0;
	EXPECT_EQ(sim_hv.ghcb_gpa[0], GHCB_PA);
	teardown();
}

/* The SEV features are the boot vCPU's, restricted injection included. */
TEST(snp_smp, sev_features_follow_the_boot_vcpu)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	const uint8_t *page;
	struct snp_vmsa v;

	ASSERT_TRUE(setup());
	snp_features_reset();
	/* SEV_STATUS bit 5: SEV_FEATURES bit 3, restricted injection. */
	ASSERT_EQ(snp_features_init(SEV_STATUS_SNP | (1ull << 5),
				    sim_hv.features),
		  SVSM_OK);
	host_vcpus.vmsa_features =
		SNP_FEATURE_SNP_ACTIVE | SNP_FEATURE_RESTRICTED_INJECTION;
	ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	page = arch_phys_to_virt(pa_val(snp_ap_get(1)->vmsa), SZ_4K);
	memcpy(&v, page, sizeof(v));
	EXPECT_EQ(v.sev_features, host_vcpus.vmsa_features);
	EXPECT_EQ(sim_vcpu_find(&host_vcpus, 1, 0)->sev_features,
		  host_vcpus.vmsa_features);
	teardown();
}

/* The allocator's first page is 2 MiB aligned: the VMSA is not there. */
TEST(snp_smp, vmsa_never_2m_aligned)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	uint64_t free0;
	paddr_t first;

	ASSERT_TRUE(setup());
	/*
	 * Take pages (lowest first) until the next one is 2 MiB aligned;
	 * the premise, checked: the allocator hands out that one next.
	 */
	for (unsigned int n = 0; n < POOL_PAGES; n++) {
		ASSERT_EQ(pgalloc_alloc(0, 0, &first), SVSM_OK);
		if (pa_is_aligned(first, SNP_PAGE_SIZE_2M))
			break;
	}
	pgalloc_free(first, 0);
	ASSERT_EQ(pgalloc_alloc(0, 0, &first), SVSM_OK);
	ASSERT_EQ(pa_val(first) % SNP_PAGE_SIZE_2M, 0u);
	pgalloc_free(first, 0);
	free0 = free_pages();
	ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	EXPECT_TRUE(ap_is_started(1));
	/* The aligned page went back (and became the GHCB): 2 pages used. */
	EXPECT_EQ(free_pages(), free0 - 2);
	EXPECT_FALSE(rmp(pa_val(first)).vmsa);
	teardown();
}

/* The host refuses AP creation for one AP: the others start. */
TEST(snp_smp, host_refuses_ap_creation)
{
	uint64_t skip[4];
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	for (uint32_t i = 1; i < NCPU; i++) {
		struct snp_ap_cpu cpu = cpu_of(i);

		host_vcpus.refuse = i == 2;
		EXPECT_EQ(snp_ap_start(&ctx, &cpu),
			  i == 2 ? SVSM_E_HW : SVSM_OK);
	}
	EXPECT_EQ(snp_ap_state(2), SNP_AP_NONE);
	EXPECT_EQ(pa_val(snp_ap_get(2)->vmsa), 0u);
	EXPECT_EQ(snp_ap_get(2)->ghcb.size, 0u);
	EXPECT_TRUE(sim_vcpu_find(&host_vcpus, 2, 0) == NULL);
	EXPECT_TRUE(ap_is_started(1));
	EXPECT_TRUE(ap_is_started(3));
	EXPECT_EQ(free_pages(), free0 - 4);
	/* Everything else as before: AP 2's pages private, no VMSA bit. */
	skip[0] = pa_val(snp_ap_get(1)->vmsa);
	skip[1] = pa_val(snp_ap_get(1)->ghcb.pa);
	skip[2] = pa_val(snp_ap_get(3)->vmsa);
	skip[3] = pa_val(snp_ap_get(3)->ghcb.pa);
	EXPECT_TRUE(pool_as_before(skip, 4));
	EXPECT_TRUE(strstr(console, "refused AP creation") != NULL);
	teardown();
}

/* The same with one AP alone: the RMP and the allocator as before. */
TEST(snp_smp, refused_creation_gives_everything_back)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	host_vcpus.refuse = 1;
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_HW);
	EXPECT_EQ(free_pages(), free0);
	EXPECT_TRUE(pool_as_before(NULL, 0));
	EXPECT_EQ(sim_vcpu_count(&host_vcpus), 0u);
	/* A later start of the same AP works. */
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	EXPECT_TRUE(ap_is_started(1));
	teardown();
}

/* The host refuses the next psc_refusals page-state changes. */
static unsigned int psc_refusals;

static void refuse_psc(struct sim_hv_exit *x, void *ctx_)
{
	(void)ctx_;
	if (x->exit_code == GHCB_NAE_SNP_PSC && x->ghcb && psc_refusals) {
		psc_refusals--;
		x->ghcb->sw_exit_info_2 = SIM_HV_PSC_ERR_GENERIC;
	}
}

/* The host refuses the page-state change of the AP's GHCB page. */
TEST(snp_smp, ghcb_psc_refused)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	psc_refusals = 1;
	sim_hv.hostile = refuse_psc;
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_HW);
	sim_hv.hostile = NULL;
	EXPECT_EQ(snp_ap_state(1), SNP_AP_NONE);
	/* No AP creation was asked for; nothing left shared or a VMSA. */
	EXPECT_EQ(host_vcpus.creates, 0u);
	EXPECT_EQ(sim_vcpu_count(&host_vcpus), 0u);
	EXPECT_EQ(free_pages(), free0);
	EXPECT_TRUE(pool_as_before(NULL, 0));
	teardown();
}

/*
 * The host refuses the change to shared and the change back to private:
 * the GHCB page cannot be trusted as private memory and is leaked; the
 * VMSA page goes back with its VMSA bit clear.
 */
TEST(snp_smp, ghcb_psc_and_rollback_refused)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	psc_refusals = 2;
	sim_hv.hostile = refuse_psc;
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_HW);
	sim_hv.hostile = NULL;
	EXPECT_EQ(host_vcpus.creates, 0u);
	EXPECT_EQ(free_pages(), free0 - 1);
	EXPECT_TRUE(strstr(console, "leaked") != NULL);
	for (uint64_t a = POOL; a < POOL_END; a += SZ_4K)
		EXPECT_FALSE(rmp(a).vmsa);
	teardown();
}

/*
 * A host that refuses AP creation and takes the VMSA page away (makes it
 * shared): the VMSA bit cannot be cleared through RMPADJUST, so neither
 * the VMSA nor the GHCB page returns to the allocator.
 */
static void take_vmsa(struct sim_hv_exit *x, void *ctx_)
{
	(void)ctx_;
	if (x->exit_code != GHCB_NAE_SNP_AP_CREATION)
		return;
	for (uint64_t a = POOL; a < POOL_END; a += SZ_4K) {
		struct sim_rmp_entry e;

		if (sim_rmp_entry(&fake_snp_rmp, a, &e) && e.vmsa)
			(void)sim_rmp_make_shared(&fake_snp_rmp, a,
						  SNP_RMP_PSIZE_4K);
	}
}

TEST(snp_smp, vmsa_that_cannot_be_cleared_is_leaked)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	host_vcpus.refuse = 1;
	sim_hv.hostile = take_vmsa;
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_HW);
	sim_hv.hostile = NULL;
	EXPECT_EQ(free_pages(), free0 - 2);
	EXPECT_TRUE(strstr(console, "leaked") != NULL);
	EXPECT_EQ(snp_ap_state(1), SNP_AP_NONE);
	teardown();
}

/* On the AP: a host that refuses its GHCB registration. */
TEST(snp_smp, ap_ghcb_registration_refused)
{
	struct snp_ap_cpu cpu = cpu_of(2);

	ASSERT_TRUE(setup());
	ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	sim_hv.refuse_register = true;
	fake_ghcb_cpu = 2;
	EXPECT_EQ(snp_ap_ghcb_init(2), SVSM_E_HW);
	EXPECT_FALSE(ghcb_registered());
	EXPECT_EQ(snp_ap_state(2), SNP_AP_GHCB_REFUSED);
	EXPECT_EQ(sim_hv.ghcb_gpa[2], 0u);
	/* Only once: the record says it ran. */
	sim_hv.refuse_register = false;
	EXPECT_EQ(snp_ap_ghcb_init(2), SVSM_E_INVAL);
	teardown();
}

/* Bad calls change nothing: no page taken, no request to the host. */
TEST(snp_smp, bad_calls_touch_nothing)
{
	struct snp_ap_cpu cpu = cpu_of(1);
	struct snp_ap_cpu boot = cpu_of(0);
	struct snp_ap_cpu far = cpu_of(CFG_MAX_CPUS);
	uint64_t free0;
	unsigned int exits;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	exits = sim_hv.exits;
	EXPECT_EQ(snp_ap_start(&ctx, &boot), SVSM_E_INVAL);
	EXPECT_EQ(snp_ap_start(&ctx, &far), SVSM_E_INVAL);
	EXPECT_EQ(snp_ap_ghcb_init(0), SVSM_E_INVAL);
	EXPECT_EQ(snp_ap_ghcb_init(1), SVSM_E_INVAL); /* never started */
	snp_features_reset();			      /* none decided */
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_INVAL);
	EXPECT_EQ(free_pages(), free0);
	EXPECT_EQ(sim_hv.exits, exits);
	/* Started twice: the second call is refused and keeps the first. */
	ASSERT_EQ(snp_features_init(SEV_STATUS_SNP, sim_hv.features), SVSM_OK);
	ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	exits = sim_hv.exits;
	EXPECT_EQ(snp_ap_start(&ctx, &cpu), SVSM_E_INVAL);
	EXPECT_EQ(sim_hv.exits, exits);
	EXPECT_TRUE(ap_is_started(1));
	EXPECT_TRUE(pool_as_before(
		(const uint64_t[]){pa_val(snp_ap_get(1)->vmsa),
				   pa_val(snp_ap_get(1)->ghcb.pa)},
		2));
	teardown();
}

/*
 * No TLB shootdown: only the boot CPU may change pages between private
 * and shared (its own TLB flush is then enough: the APs wait in HLT and
 * flush all TLBs before they serve a guest vCPU).
 * On an AP the conversion stops before touching anything.
 */
TEST(snp_smp, sharing_pages_only_on_the_boot_cpu)
{
	paddr_t pa;
	bool lost = false;

	ASSERT_TRUE(setup());
	ASSERT_EQ(pgalloc_alloc(0, 0, &pa), SVSM_OK);
	fake_ghcb_cpu = 1;
	EXPECT_TRUE(FAKE_EXPECT_PANIC((void)snp_share_pages(pa, 1, &lost)));
	EXPECT_TRUE(FAKE_EXPECT_PANIC((void)snp_unshare_pages(pa, 1)));
	fake_ghcb_cpu = 0;
	EXPECT_TRUE(pool_as_before(NULL, 0));
	EXPECT_EQ(snp_share_pages(pa, 1, &lost), SVSM_OK);
	EXPECT_FALSE(rmp(pa_val(pa)).assigned);
	EXPECT_EQ(snp_unshare_pages(pa, 1), SVSM_OK);
	pgalloc_free(pa, 0);
	EXPECT_TRUE(pool_as_before(NULL, 0));
	teardown();
}

/*
 * After the wait: an AP the host accepted but that never ran, and one
 * whose GHCB the host refused, are logged and counted; one that reported
 * in and one never started are not. Nothing of the silent one is freed.
 */
TEST(snp_smp, aps_that_did_not_report_are_counted_out)
{
	uint64_t free0;

	ASSERT_TRUE(setup());
	free0 = free_pages();
	for (uint32_t i = 1; i < NCPU; i++) {
		struct snp_ap_cpu cpu = cpu_of(i);

		ASSERT_EQ(snp_ap_start(&ctx, &cpu), SVSM_OK);
	}
	fake_ghcb_cpu = 1;
	EXPECT_EQ(snp_ap_ghcb_init(1), SVSM_OK);
	sim_hv.refuse_register = true;
	fake_ghcb_cpu = 3;
	EXPECT_EQ(snp_ap_ghcb_init(3), SVSM_E_HW);
	fake_ghcb_cpu = 0;
	console[0] = '\0';
	fake_console_len = 0;
	EXPECT_EQ(snp_aps_report(NCPU + 1), 2u);
	EXPECT_TRUE(strstr(console, "cpu 2: the host accepted its VMSA but "
				    "it did not run") != NULL);
	EXPECT_TRUE(strstr(console, "cpu 3: the host refused its GHCB") !=
		    NULL);
	EXPECT_TRUE(strstr(console, "cpu 1:") == NULL);
	EXPECT_TRUE(strstr(console, "cpu 4:") == NULL);
	EXPECT_EQ(free_pages(), free0 - 2 * (NCPU - 1));
	EXPECT_TRUE(ap_is_started(2));
	teardown();
}
