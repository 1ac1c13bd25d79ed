/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP kernel's launch checks (kernel/plat/snp/boot_check.c): a
 * good launch passes with its C-bit, and each wrong fact ends the launch
 * with its own GHCB termination reason (include/abi/snp_term.h).
 */
#include "abi/snp.h"
#include "abi/snp_term.h"

#include "snp/boot.h"
#include "test.h"

/* A launch as csvsm-igvm lays it out: region at 16 MiB, 4 MiB. */
static struct snp_boot_facts good(void)
{
	return (struct snp_boot_facts){
		.sev_status = SNP_SEV_STATUS_REQUIRED,
		.cpuid_page_ok = true,
		.memenc_found = true,
		.memenc_eax = 0x1b, /* SME, SEV, SEV-ES, SNP */
		.memenc_ebx = 51 | (1u << 6),
		.entry_cbit = 51,
		.host_info = true,
		.host_cbit = 51,
		.rmpadjust_rc = SNP_SUCCESS,
		.region_base = 0x1000000,
		.region_size = 0x400000,
		.image_end = 0x1100000,
		.secrets_gpa = 0x1104000,
		.cpuid_gpa = 0x1105000,
		.secrets_filled = true,
	};
}

static bool refused_with(struct snp_boot_facts f, unsigned int set,
			 unsigned int code)
{
	struct snp_boot_verdict v = snp_boot_check(&f);

	REQUIRE_TRUE(!v.ok);
	REQUIRE_EQ(v.set, set);
	REQUIRE_EQ(v.code, code);
	REQUIRE_TRUE(v.why != NULL);
	return true;
}

TEST(snp_boot_check, good_launch_passes_with_its_cbit)
{
	struct snp_boot_facts f = good();
	struct snp_boot_verdict v = snp_boot_check(&f);

	ASSERT_TRUE(v.ok);
	EXPECT_EQ(v.cbit, 51u);
	/* Another C-bit in range, used consistently, passes too. */
	f.memenc_ebx = 47;
	f.entry_cbit = 47;
	f.host_cbit = 47;
	v = snp_boot_check(&f);
	ASSERT_TRUE(v.ok);
	EXPECT_EQ(v.cbit, 47u);
	/* The host need not have been asked yet. */
	f.host_info = false;
	f.host_cbit = 0;
	EXPECT_TRUE(snp_boot_check(&f).ok);
}

TEST(snp_boot_check, not_an_snp_guest)
{
	struct snp_boot_facts f = good();

	f.sev_status = 0;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_GENERAL,
				 SNP_TERM_SNP_UNSUPPORTED));
	f.sev_status = SNP_SEV_STATUS_SEV | SNP_SEV_STATUS_ES; /* SEV-ES */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_GENERAL,
				 SNP_TERM_SNP_UNSUPPORTED));
	f.sev_status = SNP_SEV_STATUS_SNP; /* SNP without SEV: nonsense */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_GENERAL,
				 SNP_TERM_SNP_UNSUPPORTED));
}

TEST(snp_boot_check, unsupported_sev_features)
{
	struct snp_boot_facts f = good();

	f.sev_status |= SNP_SEV_STATUS_VTOM;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_SEV_FEATURES));
	f.sev_status = SNP_SEV_STATUS_REQUIRED | SNP_SEV_STATUS_REFLECTVC;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_SEV_FEATURES));
	/* Other features (DebugSwap, bit 7 of SEV_STATUS) are not refused. */
	f.sev_status = SNP_SEV_STATUS_REQUIRED | (1ull << 7);
	EXPECT_TRUE(snp_boot_check(&f).ok);
}

TEST(snp_boot_check, cpuid_page_unusable)
{
	struct snp_boot_facts f = good();

	f.cpuid_page_ok = false;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
	f = good();
	f.memenc_found = false;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
	f = good();
	f.memenc_eax = 0x0b; /* no SNP bit */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
	f = good();
	f.memenc_ebx = 31; /* a C-bit inside the first 4 GiB */
	f.entry_cbit = 31;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
	f.memenc_ebx = 52; /* beyond the physical-address width */
	f.entry_cbit = 52;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
}

TEST(snp_boot_check, cbit_disagreements)
{
	struct snp_boot_facts f = good();

	/* The page changed under the entry code, or the entry misread it. */
	f.entry_cbit = 47;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID));
	/* The host's SEV information names another C-bit. */
	f = good();
	f.host_cbit = 47;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_CPUID_HV));
}

TEST(snp_boot_check, not_at_vmpl0)
{
	struct snp_boot_facts f = good();

	f.rmpadjust_rc = SNP_FAIL_PERMISSION;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_NOT_VMPL0));
	f.rmpadjust_rc = SNP_FAIL_INPUT;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_NOT_VMPL0));
}

TEST(snp_boot_check, misplaced_pages)
{
	struct snp_boot_facts f = good();

	f.cpuid_gpa = 0x1105800; /* not aligned */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT));
	f.cpuid_gpa = 0x1400000; /* just past the region */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT));
	f.cpuid_gpa = 0x1000000; /* inside the kernel image */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT));

	f = good();
	f.secrets_gpa = 0; /* no secrets page declared */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	f.secrets_gpa = 0x2000000; /* outside the region */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	f.secrets_gpa = f.image_end; /* the boot-info page */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	f.secrets_gpa = f.cpuid_gpa; /* the same page as the CPUID page */
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	f.secrets_gpa = 0x13ff000; /* the region's last page is fine */
	EXPECT_TRUE(snp_boot_check(&f).ok);
	/* A region that wraps the address space is refused, not overflowed. */
	f.region_base = 0xfffffffffff00000ull;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_CSVSM, SNP_TERM_LAYOUT));
}

TEST(snp_boot_check, secrets_page_not_filled)
{
	struct snp_boot_facts f = good();

	f.secrets_filled = false;
	EXPECT_TRUE(refused_with(f, SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
}
