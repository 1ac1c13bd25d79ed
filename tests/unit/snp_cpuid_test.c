/* SPDX-License-Identifier: MIT */
/*
 * CPUID from the SEV-SNP CPUID page (kernel/plat/snp/cpuid.c): matching,
 * absent leaves in and out of range, the values filled in from the running
 * CPU, and the XSAVE sizes computed for XCR0 and XSS.
 */
#include <string.h>

#include "snp/cpuid.h"
#include "test.h"

static struct snp_cpuid_page page;
static struct snp_cpuid_table table;

static void add(uint32_t leaf, uint32_t subleaf, uint32_t a, uint32_t b,
		uint32_t c, uint32_t d)
{
	page.fn[page.count++] = (struct snp_cpuid_fn){.eax_in = leaf,
						      .ecx_in = subleaf,
						      .eax = a,
						      .ebx = b,
						      .ecx = c,
						      .edx = d};
}

/* A page like one a launch would carry, with XSAVE components 2 (AVX,
 * 256 bytes at 576), 5..7 (AVX-512) and 11 (CET user, an XSS one). */
static bool setup(void)
{
	memset(&page, 0, sizeof(page));
	add(0x0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add(0x1, 0, 0x00a10f11, 0x00200800, 0x76d8320b, 0x178bfbff);
	add(0x7, 0, 0, 0x219c91a9, 0x00000010, 0);
	add(0x7, 1, 0x20, 0, 0, 0);
	add(0xb, 0, 1, 1, 0x100, 7);
	add(0xd, 0, 0xe7, 0xbad, 0x988, 0);
	add(0xd, 1, 0xf, 0xbad, 0x1800, 0);
	add(0xd, 2, 256, 576, 0, 0);
	add(0xd, 5, 64, 832, 0, 0);
	add(0xd, 6, 512, 896, 0, 0);
	add(0xd, 7, 1024, 1408, 0, 0);
	add(0xd, 11, 16, 0, 1 | 2, 0);
	add(0x80000000, 0, 0x80000021, 0, 0, 0);
	add(0x8000001e, 0, 0xbad, 0x100, 0, 0);
	return snp_cpuid_init(&table, &page) == SVSM_OK;
}

static const struct snp_cpuid_cpu cpu = {
	.xcr0 = 0x7, /* x87, SSE, AVX */
	.xss = 0,
	.osxsave = true,
	.ospke = false,
	.apic_id = 5,
};

TEST(snp_cpuid, entries_and_subleaves)
{
	uint32_t r[4];

	ASSERT_TRUE(setup());
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x0, 0, r), SVSM_OK);
	EXPECT_EQ(r[0], 0xd);
	EXPECT_EQ(r[1], 0x68747541);
	/* Not indexed: the subleaf is ignored. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x80000000, 9, r), SVSM_OK);
	EXPECT_EQ(r[0], 0x80000021);
	/* Indexed: the subleaf selects. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x7, 1, r), SVSM_OK);
	EXPECT_EQ(r[0], 0x20);
}

TEST(snp_cpuid, absent_leaves)
{
	uint32_t r[4];

	ASSERT_TRUE(setup());
	/* In the standard range but absent (leaf 0xc), and an absent
	 * subleaf of an indexed leaf: zeros. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0xc, 0, r), SVSM_OK);
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x7, 2, r), SVSM_OK);
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	/* Out of every range: zeros, nothing filled in. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x20000000, 0, r), SVSM_OK);
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x80000030, 0, r), SVSM_OK);
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	/* The hypervisor range is absent from the page: zeros. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x40000000, 0, r), SVSM_OK);
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
}

TEST(snp_cpuid, values_of_the_running_cpu)
{
	struct snp_cpuid_cpu other = cpu;
	uint32_t r[4];

	ASSERT_TRUE(setup());
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x1, 0, r), SVSM_OK);
	EXPECT_EQ(r[1] >> 24, 5u);
	EXPECT_EQ(r[1] & 0xffffff, 0x200800u);
	EXPECT_EQ((r[2] >> 27) & 1, 1u);
	other.osxsave = false;
	other.ospke = true;
	ASSERT_EQ(snp_cpuid(&table, &other, 0x1, 0, r), SVSM_OK);
	EXPECT_EQ((r[2] >> 27) & 1, 0u);
	/* The page says OSPKE; CR4 decides. */
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x7, 0, r), SVSM_OK);
	EXPECT_EQ((r[2] >> 4) & 1, 0u);
	ASSERT_EQ(snp_cpuid(&table, &other, 0x7, 0, r), SVSM_OK);
	EXPECT_EQ((r[2] >> 4) & 1, 1u);
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0xb, 0, r), SVSM_OK);
	EXPECT_EQ(r[3], 5u);
	ASSERT_EQ(snp_cpuid(&table, &cpu, 0x8000001e, 0, r), SVSM_OK);
	EXPECT_EQ(r[0], 5u);
}

TEST(snp_cpuid, xsave_sizes_follow_xcr0_and_xss)
{
	struct snp_cpuid_cpu c = cpu;
	uint32_t r[4];

	ASSERT_TRUE(setup());
	/* x87 + SSE + AVX: AVX ends at 576 + 256. */
	ASSERT_EQ(snp_cpuid(&table, &c, 0xd, 0, r), SVSM_OK);
	EXPECT_EQ(r[1], 832u);
	EXPECT_EQ(r[0], 0xe7u); /* the page's supported mask stays */
	/* With AVX-512: ends at 1408 + 1024. */
	c.xcr0 = 0xe7;
	ASSERT_EQ(snp_cpuid(&table, &c, 0xd, 0, r), SVSM_OK);
	EXPECT_EQ(r[1], 2432u);
	/* Legacy only: the legacy area and the header. */
	c.xcr0 = 0x3;
	ASSERT_EQ(snp_cpuid(&table, &c, 0xd, 0, r), SVSM_OK);
	EXPECT_EQ(r[1], 576u);
	/* Compacted (subleaf 1), XCR0 = AVX plus XSS = CET user, which is
	 * 64-byte aligned: 576 + 256 = 832, aligned 832, + 16 = 848. */
	c.xcr0 = 0x7;
	c.xss = 1ull << 11;
	ASSERT_EQ(snp_cpuid(&table, &c, 0xd, 1, r), SVSM_OK);
	EXPECT_EQ(r[1], 848u);
	/* An enabled component the page does not describe: refused. */
	c.xcr0 = 0x7 | (1ull << 9);
	EXPECT_EQ(snp_cpuid(&table, &c, 0xd, 0, r), SVSM_E_INVAL);
}

TEST(snp_cpuid, malformed_pages_are_refused)
{
	struct snp_cpuid_table t;

	ASSERT_TRUE(setup());
	page.count = SNP_CPUID_COUNT_MAX + 1;
	EXPECT_EQ(snp_cpuid_init(&t, &page), SVSM_E_INVAL);
	ASSERT_TRUE(setup());
	page.reserved_08 = 1;
	EXPECT_EQ(snp_cpuid_init(&t, &page), SVSM_E_INVAL);
	ASSERT_TRUE(setup());
	page.count = SNP_CPUID_COUNT_MAX;
	EXPECT_EQ(snp_cpuid_init(&t, &page), SVSM_OK);
}
