/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the RMP model (sim/rmp.c), one per rule of sim/rmp.h:
 * validate and rescind with CF, a repeated validate that sets CF and
 * changes nothing, 2 MiB PVALIDATE over 4 KiB entries (mixed or not) and
 * 4 KiB PVALIDATE inside a validated 2 MiB page (FAIL_SIZEMISMATCH), the
 * split of an unvalidated 2 MiB entry, misaligned, bad-size, unassigned
 * and out-of-range operands (FAIL_INPUT), PVALIDATE outside VMPL0, the
 * RMPADJUST privilege and permission-subset rules, the VMSA bit (refused
 * on unvalidated and 2 MiB pages, ignored below VMPL0), the host
 * operations (make_shared invalidates, re-assign clears, PSMASH keeps
 * state), and a randomized run against a per-page reference model. The
 * first test includes the three ABI headers in a hosted build.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/svsm.h"

#include "rmp.h"
#include "test.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull

/* The model range: three 2 MiB pages and 16 pages of a fourth. */
#define BASE   0x04000000ull
#define SIZE   (3 * SZ_2M + 16 * SZ_4K)
#define END    (BASE + SIZE)
#define PAGES  (SIZE / SZ_4K)
#define PSZ_4K SNP_RMP_PSIZE_4K
#define PSZ_2M SNP_RMP_PSIZE_2M

static struct sim_rmp rmp;

static bool setup(void)
{
	sim_rmp_fini(&rmp);
	return sim_rmp_init(&rmp, BASE, SIZE);
}

/* The entry at gpa; a failed query is a test failure and a junk entry. */
static struct sim_rmp_entry entry_at(uint64_t gpa)
{
	struct sim_rmp_entry e = {
		true, true, true, 0xee, {0xee, 0xee, 0xee, 0xee}};

	EXPECT_TRUE(sim_rmp_entry(&rmp, gpa, &e));
	return e;
}

static bool same_entry(const struct sim_rmp_entry *a,
		       const struct sim_rmp_entry *b)
{
	return a->assigned == b->assigned && a->validated == b->validated &&
	       a->vmsa == b->vmsa && a->page_size == b->page_size &&
	       memcmp(a->perms, b->perms, sizeof(a->perms)) == 0;
}

/* A 4 KiB page at gpa, assigned and validated by VMPL0. */
static bool validated_4k(uint64_t gpa)
{
	bool cf = true;

	return sim_rmp_assign(&rmp, gpa, PSZ_4K) == SNP_SUCCESS &&
	       sim_pvalidate(&rmp, 0, gpa, PSZ_4K, true, &cf) == SNP_SUCCESS &&
	       !cf;
}

/* The 2 MiB page at gpa, assigned as one entry and validated. */
static bool validated_2m(uint64_t gpa)
{
	bool cf = true;

	return sim_rmp_assign(&rmp, gpa, PSZ_2M) == SNP_SUCCESS &&
	       sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf) == SNP_SUCCESS &&
	       !cf;
}

TEST(sim_abi, headers_compile_hosted)
{
	static const uint8_t manifest_guid[] = SVSM_SERVICES_MANIFEST_GUID;
	uint64_t bitmap[2] = {0, 0};
	uint64_t psc;

	/* svsm.h */
	EXPECT_EQ(svsm_call_rax(SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES),
		  0x100000000ull);
	EXPECT_EQ(svsm_call_protocol(0x0000000100000001ull), 1);
	EXPECT_EQ(svsm_call_id(0x0000000100000001ull), 1);
	EXPECT_EQ(svsm_pvalidate_fail_code(SNP_FAIL_SIZEMISMATCH),
		  SVSM_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_EQ(svsm_pvalidate_fail_code(SNP_FAIL_INUSE),
		  SVSM_CORE_FAIL_INUSE);
	EXPECT_EQ(svsm_pvalidate_fail_code(0x10), SVSM_PVALIDATE_FAIL_UNKNOWN);
	EXPECT_EQ(svsm_pvalidate_entry(0x12345000, 1, true, true),
		  0x1234500dull);
	EXPECT_EQ(svsm_pvalidate_entry_gpa(0x1234500dull), 0x12345000);
	EXPECT_EQ(svsm_pvalidate_entry_size(0x1234500dull), 1);
	EXPECT_EQ(sizeof(struct svsm_ca), 4096);
	EXPECT_EQ(manifest_guid[0], 0xbb);
	/* ghcb.h */
	EXPECT_EQ(sizeof(struct ghcb), 4096);
	EXPECT_EQ(ghcb_msr_psc_req(0x12345, GHCB_PSC_OP_SHARED),
		  0x0020000012345014ull);
	EXPECT_EQ(ghcb_msr_psc_gfn(0x0020000012345014ull), 0x12345);
	EXPECT_EQ(ghcb_msr_run_vmpl_req(2), 0x0000000200000016ull);
	EXPECT_EQ(ghcb_msr_term_req(1, 3), 0x31100);
	psc = ghcb_psc_entry(0xabcde, GHCB_PSC_OP_PRIVATE, true);
	EXPECT_EQ(psc, 0x01100000abcde000ull);
	EXPECT_EQ(ghcb_psc_entry_op(psc), GHCB_PSC_OP_PRIVATE);
	EXPECT_TRUE(ghcb_psc_entry_2m(psc));
	ghcb_bitmap_set(bitmap, offsetof(struct ghcb, sw_exit_info_2));
	EXPECT_EQ(bitmap[1], 1ull << (0x3a0 / 8 - 64));
	EXPECT_TRUE(ghcb_bitmap_test(bitmap,
				     offsetof(struct ghcb, sw_exit_info_2)));
	EXPECT_FALSE(ghcb_bitmap_test(bitmap, offsetof(struct ghcb, rax)));
	EXPECT_EQ(ghcb_ap_creation_info1(GHCB_AP_CREATE, 2, 7),
		  0x0000000700020001ull);
	/* snp.h */
	EXPECT_EQ(snp_rmpadjust_attrs(1, SNP_PERM_ALL, true), 0x10f01ull);
	EXPECT_EQ(snp_rmpadjust_target_vmpl(0x10f01ull), 1);
	EXPECT_EQ(snp_rmpadjust_perms(0x10f01ull), SNP_PERM_ALL);
	EXPECT_TRUE(snp_rmpadjust_vmsa(0x10f01ull));
	EXPECT_EQ(SNP_RMPADJUST_RESERVED & 0x10fffull, 0);
	EXPECT_TRUE(snp_vmsa_gpa_erratum(0x400000));
	EXPECT_FALSE(snp_vmsa_gpa_erratum(0x401000));
}

TEST(sim_rmp, init_refuses_bad_ranges)
{
	struct sim_rmp r;

	EXPECT_FALSE(sim_rmp_init(&r, BASE + 1, SIZE));
	EXPECT_FALSE(sim_rmp_init(&r, BASE, SIZE + 1));
	EXPECT_FALSE(sim_rmp_init(&r, BASE, 0));
	EXPECT_FALSE(sim_rmp_init(&r, 0xfffffffffff00000ull, 0x100000));
	EXPECT_FALSE(sim_rmp_init(&r, 0, (SIM_RMP_MAX_PAGES + 1) * SZ_4K));
	EXPECT_FALSE(sim_rmp_init(NULL, BASE, SIZE));
	ASSERT_TRUE(sim_rmp_init(&r, BASE, SIZE));
	EXPECT_EQ(r.page_count, PAGES);
	sim_rmp_fini(&r);
	EXPECT_TRUE(r.entries == NULL);
	sim_rmp_fini(&r);
	sim_rmp_fini(NULL);
}

TEST(sim_rmp, starts_shared)
{
	struct sim_rmp_entry e;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(sim_rmp_entry(&rmp, BASE + 0x1234, &e));
	EXPECT_FALSE(e.assigned);
	EXPECT_FALSE(e.validated);
	EXPECT_EQ(e.page_size, PSZ_4K);
	EXPECT_EQ(e.perms[0], 0);
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 0, BASE, SNP_PERM_READ));
}

TEST(sim_rmp, validate_and_rescind_clear_cf)
{
	uint64_t gpa = BASE + 5 * SZ_4K;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_4K), SNP_SUCCESS);
	EXPECT_TRUE(entry_at(gpa).assigned);
	EXPECT_FALSE(entry_at(gpa).validated);

	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, true, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	EXPECT_TRUE(entry_at(gpa).validated);
	EXPECT_TRUE(sim_rmp_access_ok(&rmp, 0, gpa + 8, SNP_PERM_ALL));
	/* Neighbours are untouched. */
	EXPECT_FALSE(entry_at(gpa - SZ_4K).assigned);
	EXPECT_FALSE(entry_at(gpa + SZ_4K).assigned);

	cf = true;
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	EXPECT_FALSE(entry_at(gpa).validated);
	EXPECT_TRUE(entry_at(gpa).assigned);
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 0, gpa, SNP_PERM_READ));
}

TEST(sim_rmp, double_validate_sets_cf_and_changes_nothing)
{
	uint64_t gpa = BASE + 7 * SZ_4K;
	struct sim_rmp_entry before, after;
	bool cf = false;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 2, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	before = entry_at(gpa);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, true, &cf), SNP_SUCCESS);
	EXPECT_TRUE(cf);
	after = entry_at(gpa);
	EXPECT_TRUE(same_entry(&before, &after));

	/* The same for a repeated rescind. */
	ASSERT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf), SNP_SUCCESS);
	ASSERT_FALSE(cf);
	before = entry_at(gpa);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf), SNP_SUCCESS);
	EXPECT_TRUE(cf);
	after = entry_at(gpa);
	EXPECT_TRUE(same_entry(&before, &after));
	/* A NULL cf is tolerated. */
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, NULL),
		  SNP_SUCCESS);
}

TEST(sim_rmp, validate_2m_sets_all_512)
{
	uint64_t gpa = BASE + SZ_2M;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_2M), SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++) {
		struct sim_rmp_entry e = entry_at(gpa + i * SZ_4K);

		ASSERT_TRUE(e.validated);
		ASSERT_EQ(e.page_size, PSZ_2M);
	}
	EXPECT_FALSE(entry_at(gpa - SZ_4K).assigned);
	EXPECT_FALSE(entry_at(gpa + SZ_2M).assigned);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf), SNP_SUCCESS);
	EXPECT_TRUE(cf);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, false, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	EXPECT_FALSE(entry_at(gpa + 511 * SZ_4K).validated);
}

TEST(sim_rmp, validate_2m_over_4k_entries_is_sizemismatch)
{
	uint64_t gpa = BASE;
	bool cf = true;

	ASSERT_TRUE(setup());
	/* 512 agreeing 4 KiB entries: still a mismatch (APM vol. 3). */
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++)
		ASSERT_EQ(sim_rmp_assign(&rmp, gpa + i * SZ_4K, PSZ_4K),
			  SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_FALSE(cf);
	/* Mixed: some validated. Nothing changes. */
	ASSERT_TRUE(validated_4k(gpa + 3 * SZ_4K));
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, false, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++)
		ASSERT_EQ(entry_at(gpa + i * SZ_4K).validated, i == 3);
	/* A 2 MiB entry with one 4 KiB page made shared: a mismatch too. */
	ASSERT_TRUE(validated_2m(BASE + SZ_2M));
	ASSERT_EQ(sim_rmp_make_shared(&rmp, BASE + SZ_2M + SZ_4K, PSZ_4K),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE + SZ_2M, PSZ_2M, false, &cf),
		  SNP_FAIL_INPUT); /* an unassigned page in the range */
	ASSERT_EQ(sim_rmp_assign(&rmp, BASE + SZ_2M + SZ_4K, PSZ_4K),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE + SZ_2M, PSZ_2M, false, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_TRUE(entry_at(BASE + SZ_2M).validated);
}

TEST(sim_rmp, pvalidate_4k_inside_validated_2m_is_sizemismatch)
{
	uint64_t gpa = BASE + 2 * SZ_2M;
	uint64_t page = gpa + 100 * SZ_4K;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_2m(gpa));
	EXPECT_EQ(sim_pvalidate(&rmp, 0, page, PSZ_4K, false, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_FALSE(cf);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, page, PSZ_4K, true, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf),
		  SNP_FAIL_SIZEMISMATCH);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++) {
		struct sim_rmp_entry e = entry_at(gpa + i * SZ_4K);

		ASSERT_TRUE(e.validated);
		ASSERT_EQ(e.page_size, PSZ_2M);
	}
}

TEST(sim_rmp, pvalidate_4k_inside_unvalidated_2m_splits)
{
	uint64_t gpa = BASE + SZ_2M;
	uint64_t page = gpa + 9 * SZ_4K;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_2M), SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, page, PSZ_4K, true, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	EXPECT_TRUE(entry_at(page).validated);
	EXPECT_EQ(entry_at(page).page_size, PSZ_4K);
	EXPECT_FALSE(entry_at(gpa).validated);
	EXPECT_EQ(entry_at(gpa).page_size, PSZ_4K);
	EXPECT_TRUE(entry_at(gpa).assigned);
	/* Now the range is 4 KiB entries. */
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, true, &cf),
		  SNP_FAIL_SIZEMISMATCH);
}

TEST(sim_rmp, misaligned_or_bad_size_is_fail_input)
{
	static const unsigned int bad_sizes[] = {2, 3, 4, 0xffffffffu};
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(BASE + SZ_4K));
	ASSERT_EQ(sim_rmp_assign(&rmp, BASE + SZ_2M, PSZ_2M), SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE + SZ_4K + 1, PSZ_4K, false, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE + SZ_4K + 0x800, PSZ_4K, false,
				&cf),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(
		sim_pvalidate(&rmp, 0, BASE + SZ_2M + SZ_4K, PSZ_2M, true, &cf),
		SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, BASE + SZ_4K + 8, PSZ_4K, 1,
				SNP_PERM_READ, false),
		  SNP_FAIL_INPUT);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE + SZ_4K, bad_sizes[i],
					false, &cf),
			  SNP_FAIL_INPUT);
		EXPECT_EQ(sim_rmpadjust(&rmp, 0, BASE + SZ_4K, bad_sizes[i], 1,
					SNP_PERM_READ, false),
			  SNP_FAIL_INPUT);
	}
	EXPECT_FALSE(cf);
	EXPECT_TRUE(entry_at(BASE + SZ_4K).validated);
	EXPECT_EQ(entry_at(BASE + SZ_4K).perms[1], 0);
	EXPECT_FALSE(entry_at(BASE + SZ_2M).validated);
}

TEST(sim_rmp, out_of_range_is_fail_input)
{
	static const uint64_t gpas[] = {
		0,	     BASE - SZ_4K,	    END,
		END + SZ_2M, 0xfffffffffffff000ull, 0xffffffffffe00000ull,
	};
	struct sim_rmp_entry e;
	struct sim_rmp empty = {0};
	bool cf = true;

	ASSERT_TRUE(setup());
	for (unsigned int i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		for (unsigned int s = 0; s < 2; s++) {
			uint64_t g = gpas[i] & ~(s ? SZ_2M - 1 : SZ_4K - 1);

			EXPECT_EQ(sim_pvalidate(&rmp, 0, g, s, true, &cf),
				  SNP_FAIL_INPUT);
			EXPECT_EQ(sim_rmpadjust(&rmp, 0, g, s, 1, 0, false),
				  SNP_FAIL_INPUT);
			EXPECT_EQ(sim_rmp_assign(&rmp, g, s), SNP_FAIL_INPUT);
			EXPECT_EQ(sim_rmp_make_shared(&rmp, g, s),
				  SNP_FAIL_INPUT);
		}
		EXPECT_FALSE(sim_rmp_entry(&rmp, gpas[i], &e));
		EXPECT_FALSE(sim_rmp_access_ok(&rmp, 0, gpas[i], 0));
		EXPECT_EQ(sim_rmp_launch_page(&rmp, gpas[i] & ~(SZ_4K - 1),
					      false),
			  SNP_FAIL_INPUT);
	}
	/* The last, partial 2 MiB page straddles the end of the model. */
	EXPECT_EQ(sim_rmp_assign(&rmp, BASE + 3 * SZ_2M, PSZ_2M),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmp_assign(&rmp, END - SZ_4K, PSZ_4K), SNP_SUCCESS);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, END - SZ_4K, PSZ_4K, true, &cf),
		  SNP_SUCCESS);
	EXPECT_FALSE(cf);
	/* A NULL or empty model refuses everything. */
	EXPECT_EQ(sim_pvalidate(NULL, 0, BASE, PSZ_4K, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_pvalidate(&empty, 0, 0, PSZ_4K, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmpadjust(NULL, 0, BASE, PSZ_4K, 1, 0, false),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmp_psmash(NULL, BASE), SNP_FAIL_INPUT);
	EXPECT_FALSE(sim_rmp_entry(NULL, BASE, &e));
	EXPECT_FALSE(sim_rmp_entry(&rmp, BASE, NULL));
}

TEST(sim_rmp, pvalidate_of_unassigned_page_is_fail_input)
{
	bool cf = true;

	ASSERT_TRUE(setup());
	EXPECT_EQ(sim_pvalidate(&rmp, 0, BASE, PSZ_4K, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_FALSE(cf);
	EXPECT_FALSE(entry_at(BASE).validated);
}

TEST(sim_rmp, pvalidate_only_at_vmpl0)
{
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_EQ(sim_rmp_assign(&rmp, BASE, PSZ_4K), SNP_SUCCESS);
	for (unsigned int vmpl = 1; vmpl < SNP_VMPL_COUNT; vmpl++)
		EXPECT_EQ(sim_pvalidate(&rmp, vmpl, BASE, PSZ_4K, true, &cf),
			  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_pvalidate(&rmp, 4, BASE, PSZ_4K, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_pvalidate(&rmp, 0xffffffffu, BASE, PSZ_4K, true, &cf),
		  SNP_FAIL_INPUT);
	EXPECT_FALSE(cf);
	EXPECT_FALSE(entry_at(BASE).validated);
}

TEST(sim_rmp, rmpadjust_vmpl0_grants_vmpl1)
{
	uint64_t gpa = BASE + 3 * SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 1, gpa, SNP_PERM_READ));
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1,
				SNP_PERM_READ | SNP_PERM_WRITE, false),
		  SNP_SUCCESS);
	EXPECT_EQ(entry_at(gpa).perms[1], SNP_PERM_READ | SNP_PERM_WRITE);
	EXPECT_EQ(entry_at(gpa).perms[2], 0);
	EXPECT_TRUE(sim_rmp_access_ok(&rmp, 1, gpa + 0xfff,
				      SNP_PERM_READ | SNP_PERM_WRITE));
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 1, gpa, SNP_PERM_EXEC_SUPER));
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 2, gpa, SNP_PERM_READ));
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 4, gpa, SNP_PERM_READ));
	/* Revoking is an adjust to 0. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, 0, false),
		  SNP_SUCCESS);
	EXPECT_EQ(entry_at(gpa).perms[1], 0);
}

TEST(sim_rmp, rmpadjust_cannot_target_same_or_more_privileged)
{
	uint64_t gpa = BASE;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_ALL, false),
		  SNP_SUCCESS);
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 2, SNP_PERM_ALL, false),
		  SNP_SUCCESS);
	/* VMPL1 cannot grant VMPL1 or VMPL0. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 1, SNP_PERM_READ, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 0, SNP_PERM_READ, false),
		  SNP_FAIL_PERMISSION);
	/* VMPL2 cannot touch VMPL1; VMPL0 cannot target itself. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 2, gpa, PSZ_4K, 1, 0, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 0, SNP_PERM_ALL, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_rmpadjust(&rmp, 3, gpa, PSZ_4K, 3, 0, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(entry_at(gpa).perms[1], SNP_PERM_ALL);
	EXPECT_EQ(entry_at(gpa).perms[0], SNP_PERM_ALL);
	/* VMPL1 may adjust VMPL2 and VMPL3. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 3, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	EXPECT_EQ(entry_at(gpa).perms[2], SNP_PERM_READ);
	EXPECT_EQ(entry_at(gpa).perms[3], SNP_PERM_READ);
}

TEST(sim_rmp, rmpadjust_cannot_grant_beyond_own_perms)
{
	uint64_t gpa = BASE + SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2,
				SNP_PERM_READ | SNP_PERM_WRITE, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, SNP_PERM_EXEC_USER,
				false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(entry_at(gpa).perms[2], 0);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	EXPECT_EQ(entry_at(gpa).perms[2], SNP_PERM_READ);
	/* Without any permission VMPL1 can still revoke (a subset of none). */
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, 0, false),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, SNP_PERM_READ, false),
		  SNP_FAIL_PERMISSION);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, 0, false),
		  SNP_SUCCESS);
	EXPECT_EQ(entry_at(gpa).perms[2], 0);
	/* Reserved permission bits are bad input. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, 0x10, false),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 4, 0, false),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmpadjust(&rmp, 4, gpa, PSZ_4K, 1, 0, false),
		  SNP_FAIL_INPUT);
}

TEST(sim_rmp, rmpadjust_needs_a_validated_page)
{
	uint64_t gpa = BASE + 2 * SZ_4K;

	ASSERT_TRUE(setup());
	/* Shared, then assigned but not validated: VMSA bit refused. */
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_READ, true),
		  SNP_FAIL_INPUT);
	ASSERT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_4K), SNP_SUCCESS);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_READ, true),
		  SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_READ, false),
		  SNP_FAIL_INPUT);
	EXPECT_FALSE(entry_at(gpa).vmsa);
	EXPECT_EQ(entry_at(gpa).perms[1], 0);
}

TEST(sim_rmp, rmpadjust_vmsa_bit)
{
	uint64_t gpa = BASE + 4 * SZ_4K;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 2, SNP_PERM_READ, true),
		  SNP_SUCCESS);
	EXPECT_TRUE(entry_at(gpa).vmsa);
	EXPECT_EQ(entry_at(gpa).perms[2], SNP_PERM_READ);
	/* Below VMPL0 the VMSA bit is ignored, in both directions. */
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_ALL, true),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, 0, false),
		  SNP_SUCCESS);
	EXPECT_TRUE(entry_at(gpa).vmsa);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 2, SNP_PERM_ALL, false),
		  SNP_SUCCESS);
	EXPECT_FALSE(entry_at(gpa).vmsa);
	EXPECT_EQ(sim_rmpadjust(&rmp, 1, gpa, PSZ_4K, 2, 0, true), SNP_SUCCESS);
	EXPECT_FALSE(entry_at(gpa).vmsa);
}

TEST(sim_rmp, rmpadjust_vmsa_on_2m_refused)
{
	uint64_t gpa = BASE + SZ_2M;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_2m(gpa));
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_2M, 1, SNP_PERM_READ, true),
		  SNP_FAIL_INPUT);
	EXPECT_FALSE(entry_at(gpa).vmsa);
	EXPECT_EQ(entry_at(gpa + 17 * SZ_4K).perms[1], 0);
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_2M, 1, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++)
		ASSERT_EQ(entry_at(gpa + i * SZ_4K).perms[1], SNP_PERM_READ);
}

TEST(sim_rmp, rmpadjust_size_mismatch)
{
	ASSERT_TRUE(setup());
	/* 2 MiB request over 4 KiB entries. */
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++)
		ASSERT_TRUE(validated_4k(BASE + i * SZ_4K));
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, BASE, PSZ_2M, 1, SNP_PERM_READ, false),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_EQ(entry_at(BASE).perms[1], 0);
	/* 4 KiB request inside a validated 2 MiB entry. */
	ASSERT_TRUE(validated_2m(BASE + SZ_2M));
	EXPECT_EQ(sim_rmpadjust(&rmp, 0, BASE + SZ_2M + SZ_4K, PSZ_4K, 1,
				SNP_PERM_READ, false),
		  SNP_FAIL_SIZEMISMATCH);
	EXPECT_EQ(entry_at(BASE + SZ_2M + SZ_4K).perms[1], 0);
}

TEST(sim_rmp, host_make_shared_invalidates)
{
	uint64_t gpa = BASE + 6 * SZ_4K;
	struct sim_rmp_entry e;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_4k(gpa));
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_4K, 1, SNP_PERM_ALL, true),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmp_make_shared(&rmp, gpa, PSZ_4K), SNP_SUCCESS);
	e = entry_at(gpa);
	EXPECT_FALSE(e.assigned);
	EXPECT_FALSE(e.validated);
	EXPECT_FALSE(e.vmsa);
	EXPECT_EQ(e.perms[0] | e.perms[1] | e.perms[2] | e.perms[3], 0);
	EXPECT_FALSE(sim_rmp_access_ok(&rmp, 0, gpa, SNP_PERM_READ));
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf),
		  SNP_FAIL_INPUT);
	/* Back to private: assigned, not validated, no lower-VMPL access. */
	EXPECT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_4K), SNP_SUCCESS);
	e = entry_at(gpa);
	EXPECT_TRUE(e.assigned);
	EXPECT_FALSE(e.validated);
	EXPECT_EQ(e.perms[0], SNP_PERM_ALL);
	EXPECT_EQ(e.perms[1], 0);
	/* Re-assigning a validated page (the remap attack) invalidates it. */
	ASSERT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, true, &cf), SNP_SUCCESS);
	EXPECT_EQ(sim_rmp_assign(&rmp, gpa, PSZ_4K), SNP_SUCCESS);
	EXPECT_FALSE(entry_at(gpa).validated);
}

TEST(sim_rmp, host_make_shared_4k_inside_2m_splits)
{
	uint64_t gpa = BASE + SZ_2M;
	bool cf = true;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(validated_2m(gpa));
	EXPECT_EQ(sim_rmp_make_shared(&rmp, gpa + 5 * SZ_4K, PSZ_4K),
		  SNP_SUCCESS);
	EXPECT_FALSE(entry_at(gpa + 5 * SZ_4K).assigned);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++) {
		struct sim_rmp_entry e = entry_at(gpa + i * SZ_4K);

		ASSERT_EQ(e.page_size, PSZ_4K);
		ASSERT_EQ(e.validated, i != 5);
	}
	/* The other pages are ordinary validated 4 KiB pages now. */
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_4K, false, &cf), SNP_SUCCESS);
	EXPECT_FALSE(cf);
	/* A 2 MiB make_shared covers the whole page. */
	EXPECT_EQ(sim_rmp_make_shared(&rmp, gpa, PSZ_2M), SNP_SUCCESS);
	EXPECT_FALSE(entry_at(gpa + 511 * SZ_4K).assigned);
}

TEST(sim_rmp, psmash_keeps_state)
{
	uint64_t gpa = BASE;
	bool cf = true;

	ASSERT_TRUE(setup());
	EXPECT_EQ(sim_rmp_psmash(&rmp, gpa), SNP_FAIL_INPUT); /* 4K entries */
	ASSERT_TRUE(validated_2m(gpa));
	ASSERT_EQ(sim_rmpadjust(&rmp, 0, gpa, PSZ_2M, 2, SNP_PERM_READ, false),
		  SNP_SUCCESS);
	EXPECT_EQ(sim_rmp_psmash(&rmp, gpa + SZ_4K), SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmp_psmash(&rmp, gpa), SNP_SUCCESS);
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++) {
		struct sim_rmp_entry e = entry_at(gpa + i * SZ_4K);

		ASSERT_EQ(e.page_size, PSZ_4K);
		ASSERT_TRUE(e.validated);
		ASSERT_EQ(e.perms[2], SNP_PERM_READ);
	}
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa + SZ_4K, PSZ_4K, false, &cf),
		  SNP_SUCCESS);
	EXPECT_FALSE(cf);
	EXPECT_EQ(sim_pvalidate(&rmp, 0, gpa, PSZ_2M, false, &cf),
		  SNP_FAIL_SIZEMISMATCH);
}

TEST(sim_rmp, launch_page)
{
	uint64_t gpa = BASE + 0x1d000;
	struct sim_rmp_entry e;

	ASSERT_TRUE(setup());
	EXPECT_EQ(sim_rmp_launch_page(&rmp, gpa + 1, false), SNP_FAIL_INPUT);
	EXPECT_EQ(sim_rmp_launch_page(&rmp, gpa, true), SNP_SUCCESS);
	e = entry_at(gpa);
	EXPECT_TRUE(e.assigned);
	EXPECT_TRUE(e.validated);
	EXPECT_TRUE(e.vmsa);
	EXPECT_EQ(e.perms[0], SNP_PERM_ALL);
	EXPECT_EQ(e.perms[1] | e.perms[2] | e.perms[3], 0);
}

/* ---- Randomized comparison with a per-page reference model ------------- */

/*
 * The reference: one state per page and the rules written page by page,
 * with 128-bit range arithmetic, independently of sim/rmp.c.
 */
struct ref_page {
	bool assigned, validated, vmsa, big;
	uint8_t perms[4];
};

static struct ref_page ref[PAGES];

typedef unsigned __int128 u128;

/* First page index of [gpa, gpa + pages * 4K) if aligned and inside. */
static bool ref_range(uint64_t gpa, unsigned int size, uint64_t *first,
		      uint64_t *count)
{
	u128 len;

	if (size > 1)
		return false;
	len = size ? SZ_2M : SZ_4K;
	if (gpa % len != 0 || gpa < BASE || (u128)gpa + len > END)
		return false;
	*first = (gpa - BASE) / SZ_4K;
	*count = (uint64_t)(len / SZ_4K);
	return true;
}

static void ref_split(uint64_t page)
{
	uint64_t head = page - ((BASE / SZ_4K + page) % SNP_PAGES_PER_2M);

	if (!ref[page].big)
		return;
	for (uint64_t i = head; i < head + SNP_PAGES_PER_2M; i++)
		ref[i].big = false;
}

static uint32_t ref_pvalidate(unsigned int vmpl, uint64_t gpa,
			      unsigned int size, bool validate, bool *cf)
{
	uint64_t p, n;

	*cf = false;
	if (vmpl > 3)
		return SNP_FAIL_INPUT;
	if (vmpl > 0)
		return SNP_FAIL_PERMISSION;
	if (!ref_range(gpa, size, &p, &n))
		return SNP_FAIL_INPUT;
	for (uint64_t i = p; i < p + n; i++) {
		if (!ref[i].assigned)
			return SNP_FAIL_INPUT;
	}
	if (n > 1) {
		for (uint64_t i = p; i < p + n; i++) {
			if (!ref[i].big)
				return SNP_FAIL_SIZEMISMATCH;
		}
	} else if (ref[p].big) {
		if (ref[p].validated)
			return SNP_FAIL_SIZEMISMATCH;
		ref_split(p);
	}
	if (ref[p].validated == validate) {
		*cf = true;
		return SNP_SUCCESS;
	}
	for (uint64_t i = p; i < p + n; i++)
		ref[i].validated = validate;
	return SNP_SUCCESS;
}

static uint32_t ref_rmpadjust(unsigned int vmpl, uint64_t gpa,
			      unsigned int size, unsigned int target,
			      unsigned int perms, bool vmsa)
{
	uint64_t p, n;

	if (vmpl > 3 || target > 3 || perms > 0xf)
		return SNP_FAIL_INPUT;
	if (!ref_range(gpa, size, &p, &n))
		return SNP_FAIL_INPUT;
	if (target <= vmpl)
		return SNP_FAIL_PERMISSION;
	if (n > 1) {
		for (uint64_t i = p; i < p + n; i++) {
			if (!ref[i].big)
				return SNP_FAIL_SIZEMISMATCH;
		}
	} else if (ref[p].big && ref[p].validated) {
		return SNP_FAIL_SIZEMISMATCH;
	}
	for (uint64_t i = p; i < p + n; i++) {
		if (!ref[i].assigned || !ref[i].validated)
			return SNP_FAIL_INPUT;
		if (perms & ~ref[i].perms[vmpl])
			return SNP_FAIL_PERMISSION;
	}
	if (vmpl == 0 && vmsa && n > 1)
		return SNP_FAIL_INPUT;
	for (uint64_t i = p; i < p + n; i++) {
		ref[i].perms[target] = (uint8_t)perms;
		if (vmpl == 0)
			ref[i].vmsa = vmsa;
	}
	return SNP_SUCCESS;
}

static uint32_t ref_host(uint64_t gpa, unsigned int size, bool assign)
{
	uint64_t p, n;

	if (!ref_range(gpa, size, &p, &n))
		return SNP_FAIL_INPUT;
	if (n == 1)
		ref_split(p);
	for (uint64_t i = p; i < p + n; i++) {
		ref[i] = (struct ref_page){.assigned = assign,
					   .big = assign && n > 1};
		ref[i].perms[0] = assign ? SNP_PERM_ALL : 0;
	}
	return SNP_SUCCESS;
}

static uint32_t ref_psmash(uint64_t gpa)
{
	uint64_t p, n;

	if (!ref_range(gpa, PSZ_2M, &p, &n) || !ref[p].big)
		return SNP_FAIL_INPUT;
	ref_split(p);
	return SNP_SUCCESS;
}

static bool ref_matches(void)
{
	for (uint64_t i = 0; i < PAGES; i++) {
		struct sim_rmp_entry e = entry_at(BASE + i * SZ_4K);
		const struct ref_page *r = &ref[i];

		if (e.assigned != r->assigned || e.validated != r->validated ||
		    e.vmsa != r->vmsa ||
		    e.page_size != (r->big ? PSZ_2M : PSZ_4K) ||
		    memcmp(e.perms, r->perms, sizeof(e.perms)) != 0) {
			test_printf("  page %llu differs\n",
				    (unsigned long long)i);
			return false;
		}
	}
	return true;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Mostly an aligned page of the model (or just outside), sometimes junk. */
static uint64_t pick_gpa(void)
{
	uint64_t r = rng() % 16;

	if (r == 0)
		return rng();
	if (r == 1)
		return 0xfffffffffffff000ull - (rng() % 4) * SZ_2M;
	if (r == 2)
		return BASE + rng() % (SIZE + SZ_2M) - SZ_2M / 2;
	if (r < 8)
		return BASE + (rng() % 5) * SZ_2M - SZ_2M;
	/* Stay within the first 2 MiB pages so 2M and 4K ops collide. */
	return BASE + (rng() % (PAGES + 8)) * SZ_4K;
}

static unsigned int pick_size(void)
{
	uint64_t r = rng() % 16;

	return r < 7 ? PSZ_4K : r < 14 ? PSZ_2M : (unsigned int)(rng() % 5);
}

static unsigned int pick_vmpl(void)
{
	uint64_t r = rng() % 10;

	return r < 5 ? 0 : r < 9 ? (unsigned int)(r - 4) : 4;
}

TEST(sim_rmp, randomized_against_reference_model)
{
	unsigned int ok_count = 0, cf_count = 0;

	ASSERT_TRUE(setup());
	memset(ref, 0, sizeof(ref));
	for (unsigned int step = 0; step < 20000; step++) {
		uint64_t gpa = pick_gpa();
		unsigned int size = pick_size();
		unsigned int op = (unsigned int)(rng() % 16);
		uint32_t got, want;
		bool cf = false, ref_cf = false;

		if (op < 5) {
			bool validate = rng() % 2;
			unsigned int vmpl = rng() % 8 ? 0 : pick_vmpl();

			got = sim_pvalidate(&rmp, vmpl, gpa, size, validate,
					    &cf);
			want = ref_pvalidate(vmpl, gpa, size, validate,
					     &ref_cf);
		} else if (op < 10) {
			unsigned int vmpl = pick_vmpl();
			unsigned int target = pick_vmpl();
			unsigned int perms = (unsigned int)(rng() % 0x11);
			bool vmsa = rng() % 4 == 0;

			got = sim_rmpadjust(&rmp, vmpl, gpa, size, target,
					    perms, vmsa);
			want = ref_rmpadjust(vmpl, gpa, size, target, perms,
					     vmsa);
		} else if (op < 13) {
			got = sim_rmp_assign(&rmp, gpa, size);
			want = ref_host(gpa, size, true);
		} else if (op < 15) {
			got = sim_rmp_make_shared(&rmp, gpa, size);
			want = ref_host(gpa, size, false);
		} else {
			got = sim_rmp_psmash(&rmp, gpa);
			want = ref_psmash(gpa);
		}
		if (got != want || cf != ref_cf) {
			test_printf("  step %u op %u gpa %#llx size %u\n", step,
				    op, (unsigned long long)gpa, size);
			ASSERT_EQ(got, want);
			ASSERT_EQ(cf, ref_cf);
		}
		ok_count += got == SNP_SUCCESS;
		cf_count += cf;
		if (!ref_matches()) {
			test_printf("  after step %u op %u gpa %#llx\n", step,
				    op, (unsigned long long)gpa);
			ASSERT_TRUE(false);
		}
	}
	/* The run must have exercised success and CF, not only refusals. */
	EXPECT_GT(ok_count, 2000);
	EXPECT_GT(cf_count, 100);
	sim_rmp_fini(&rmp);
}
