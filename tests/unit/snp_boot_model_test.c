/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's launch checks on a launch of the model: an IGVM
 * file built as `make` builds out/svsm.igvm (one kernel per platform,
 * csvsm-igvm build --snp-kernel) is loaded and launched by the model
 * loader (sim/loader.c, sim/psp_launch.c); the facts the SVSM's boot
 * gathers are read from what that launch left in model memory, the RMP
 * and the launch VMSA (snp_boot_page_facts(), as kernel/plat/snp/boot.c
 * reads them), and snp_boot_check() judges them. A good launch passes
 * with the machine's C-bit, leaves the SVSM's pages VMPL0-only and the
 * rest of its region unvalidated for the SVSM's own PVALIDATE; hostile
 * launches end with their termination reasons: a host CPUID table whose
 * C-bit disagrees with the host's own answer, a secrets page the PSP did
 * not fill, an SVSM started below VMPL0, a VMSA without SNP.
 */
#include <stdlib.h>
#include <string.h>

#include "abi/snp.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_term.h"
#include "abi/snp_vmsa.h"

#include "launcher_helpers.h"
#include "sim_load_fixture.h"
#include "snp/boot.h"
#include "snp/cpuid.h"
#include "test.h"

#define BOOT_GPA slf_snp_boot_info(IMG_BASE)

static struct slf slf;
static struct snp_cpuid_table table;

/* Builds the two-kernel file and launches it on a fresh machine. */
static bool launch(uint32_t host_cbit_ebx)
{
	size_t len = 0;
	uint8_t *file =
		slf_build_snp(IMG_BASE, REG_SIZE, 0x30000, NULL, 0, &len);
	int rc;

	REQUIRE_TRUE(file != NULL);
	REQUIRE_TRUE(slf_init(&slf, 1));
	if (host_cbit_ebx)
		slf.cpuid[2].ebx = host_cbit_ebx;
	rc = slf_load(&slf, file, len);
	free(file);
	if (rc)
		test_printf("  load: %s\n", slf.err);
	REQUIRE_EQ(rc, 0);
	return true;
}

/* Where entry32_snp takes the C-bit from: Fn8000_001F EBX of the page. */
static unsigned int entry_cbit(const struct snp_cpuid_page *p)
{
	for (uint32_t i = 0; i < p->count && i < SNP_CPUID_COUNT_MAX; i++)
		if (p->fn[i].eax_in == 0x8000001fu)
			return p->fn[i].ebx & 0x3f;
	return 0;
}

/*
 * The facts of the launch, as the SVSM's boot gathers them, with its
 * RMPADJUST probe executed at `vmpl` on its first kernel page.
 */
static struct snp_boot_facts facts(unsigned int vmpl)
{
	struct snp_boot_facts f = {0};
	struct csvsm_boot_info bi;
	struct snp_vmsa v;
	const struct snp_cpuid_page *cp;

	memcpy(&bi, slf_ptr(&slf, BOOT_GPA), sizeof(bi));
	cp = (const struct snp_cpuid_page *)slf_ptr(&slf, bi.cpuid_gpa);
	snp_boot_page_facts(
		&bi, cp,
		(const struct snp_secrets_page *)slf_ptr(&slf, bi.secrets_gpa),
		&table, &f);
	/* SEV_STATUS: SEV, SEV-ES, and the VMSA's features shifted by 2. */
	memcpy(&v, slf.load->vmsa[0], sizeof(v));
	f.sev_status = 0x3 | (v.sev_features << 2);
	f.entry_cbit = entry_cbit(cp);
	f.rmpadjust_rc = (int)sim_rmpadjust(&slf.rmp, vmpl, IMG_BASE,
					    SNP_RMP_PSIZE_4K, 1, 0, false);
	/* The host's GHCB SEV information: its real C-bit (sim/hv.c). */
	f.host_info = true;
	f.host_cbit = SLF_CBIT;
	return f;
}

TEST(snp_boot_model, launch_passes_the_svsm_checks)
{
	struct snp_boot_facts f;
	struct snp_boot_verdict v;
	struct csvsm_boot_info bi;

	ASSERT_TRUE(launch(0));
	f = facts(0);
	v = snp_boot_check(&f);
	EXPECT_TRUE(v.ok);
	EXPECT_EQ(v.cbit, SLF_CBIT);
	EXPECT_EQ(f.cpuid_gpa, slf.load->cpuid_gpa);
	EXPECT_EQ(f.secrets_gpa, slf.load->secrets_gpa);

	/* The SVSM's pages: validated, VMPL0 only. */
	memcpy(&bi, slf_ptr(&slf, BOOT_GPA), sizeof(bi));
	for (uint64_t gpa = IMG_BASE; gpa < bi.free_base; gpa += PG) {
		struct sim_rmp_entry e = slf_rmp(&slf, gpa);

		EXPECT_TRUE(e.assigned && e.validated);
		EXPECT_EQ(e.perms[1] | e.perms[2] | e.perms[3], 0);
	}
	/*
	 * The rest of the region: private and not validated, so that the
	 * SVSM's PVALIDATE of it succeeds with CF clear (validate.c).
	 */
	for (uint64_t gpa = bi.free_base; gpa < bi.region_base + bi.region_size;
	     gpa += PG) {
		struct sim_rmp_entry e = slf_rmp(&slf, gpa);

		EXPECT_TRUE(e.assigned && !e.validated);
	}
	slf_fini(&slf);
}

TEST(snp_boot_model, host_cbit_disagrees_with_the_cpuid_page)
{
	struct snp_boot_facts f;
	struct snp_boot_verdict v;

	/* The host's CPUID table says 47; its SEV information says 51. */
	ASSERT_TRUE(launch(47u | (1u << 12)));
	f = facts(0);
	EXPECT_EQ(f.entry_cbit, 47u);
	v = snp_boot_check(&f);
	EXPECT_FALSE(v.ok);
	EXPECT_EQ(v.set, SNP_TERM_SET_LINUX);
	EXPECT_EQ(v.code, SNP_TERM_CPUID_HV);
	slf_fini(&slf);
}

TEST(snp_boot_model, secrets_page_not_filled)
{
	struct snp_boot_facts f;
	struct snp_boot_verdict v;

	ASSERT_TRUE(launch(0));
	/* As if the host had declared a normal page there. */
	memset(slf_ptr(&slf, slf.load->secrets_gpa), 0, PG);
	f = facts(0);
	v = snp_boot_check(&f);
	EXPECT_FALSE(v.ok);
	EXPECT_EQ(v.set, SNP_TERM_SET_LINUX);
	EXPECT_EQ(v.code, SNP_TERM_SECRETS_PAGE);
	slf_fini(&slf);
}

TEST(snp_boot_model, svsm_below_vmpl0)
{
	struct snp_boot_facts f;
	struct snp_boot_verdict v;

	ASSERT_TRUE(launch(0));
	f = facts(1);
	EXPECT_EQ(f.rmpadjust_rc, (int)SNP_FAIL_PERMISSION);
	v = snp_boot_check(&f);
	EXPECT_FALSE(v.ok);
	EXPECT_EQ(v.set, SNP_TERM_SET_LINUX);
	EXPECT_EQ(v.code, SNP_TERM_NOT_VMPL0);
	slf_fini(&slf);
}

TEST(snp_boot_model, vmsa_without_snp)
{
	struct snp_boot_facts f;
	struct snp_boot_verdict v;

	ASSERT_TRUE(launch(0));
	f = facts(0);
	EXPECT_EQ(f.sev_status, 0x7ull); /* SNPActive only, as built */
	f.sev_status = 0x3;		 /* SEV-ES, no SNP */
	v = snp_boot_check(&f);
	EXPECT_FALSE(v.ok);
	EXPECT_EQ(v.set, SNP_TERM_SET_GENERAL);
	EXPECT_EQ(v.code, SNP_TERM_SNP_UNSUPPORTED);
	slf_fini(&slf);
}
