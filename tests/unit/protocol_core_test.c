/* SPDX-License-Identifier: MIT */
/*
 * Conformance of the SVSM core protocol (AMD 58019 rev 1.00, calling
 * convention and core protocol; docs/protocols.md) on the SEV-SNP model: every
 * call's success path and each documented error, with the 32-bit result code
 * checked exactly in the 64-bit RAX the guest reads back (zero-extended). The
 * calls go through the real request path (svsm_request_once) from the
 * model guest (tests/model/guest.c), so the calling convention is covered too:
 * CALL_PENDING handling, spurious entries, EFER.SVME, and outputs written
 * only where defined. CREATE/DELETE_VCPU and DEPOSIT/WITHDRAW_MEM are in
 * protocol_vcpu_mem_test.c (same suite).
 */
#include "protocol_fixture.h"

/* ---- Calling convention (58019) --------------------------------------- */

TEST(protocol_core, query_core_protocol)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				 svsm_query_protocol_rcx(SVSM_CORE_PROTOCOL, 1),
				 0x1111, 0x2222, &c),
		  SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, 0x0000000100000001ull);
	EXPECT_EQ(c.rdx, 0x1111);
	EXPECT_EQ(c.r8, 0x2222);
	EXPECT_EQ(c.pending_seen, 0);
	EXPECT_EQ(c.status, SNP_REQUEST_DONE);
}

TEST(protocol_core, query_unavailable_answers_zero)
{
	const uint64_t rcx[] = {
		svsm_query_protocol_rcx(SVSM_CORE_PROTOCOL, 0),
		svsm_query_protocol_rcx(SVSM_CORE_PROTOCOL, 2),
		svsm_query_protocol_rcx(SVSM_VTPM_PROTOCOL, 1),
		svsm_query_protocol_rcx(0x80000000u, 1),
		~0ull,
	};
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	for (size_t i = 0; i < ARRAY_SIZE(rcx); i++) {
		ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL, rcx[i],
					 0, 0, &c),
			  SVSM_SUCCESS);
		EXPECT_EQ(c.rcx, 0);
	}
}

TEST(protocol_core, attestation_protocol_is_dispatched)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(
		sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
			       svsm_query_protocol_rcx(SVSM_ATTEST_PROTOCOL, 1),
			       0, 0, &c),
		SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, svsm_query_protocol_result(1, 1));
	/* Unknown attestation call. */
	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, 7);
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_UNSUPPORTED_CALL);
	/* A misaligned operation: refused before anything else, and the
	 * size registers are left as the caller had them. */
	sim_call_init(&c, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES);
	c.rcx = pfx_page(0) + 4;
	c.rdx = 0xd;
	c.r8 = 0x8;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(c.rcx, pfx_page(0) + 4);
	EXPECT_EQ(c.rdx, 0xd);
	EXPECT_EQ(c.r8, 0x8);
}

TEST(protocol_core, unknown_protocol_and_call)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	sim_call_init(&c, 9, 0);
	c.rcx = 0x1234;
	sim_guest_call(&pfx, pfx.boot, &c);
	/* Zero-extended: Linux compares all 64 bits (58019). */
	EXPECT_EQ(c.rax, 0x0000000080000001ull);
	EXPECT_EQ(c.rcx, 0x1234);
	EXPECT_EQ(c.pending_seen, 0);

	EXPECT_EQ(sim_guest_core(&pfx, 8, 0, 0, 0, NULL),
		  SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(sim_guest_core(&pfx, 0xffffffffu, 0, 0, 0, NULL),
		  SVSM_ERR_UNSUPPORTED_CALL);
	sim_call_init(&c, 0xffffffffu, 0xffffffffu);
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_UNSUPPORTED_PROTOCOL);
}

TEST(protocol_core, spurious_entry_without_pending_does_nothing)
{
	struct sim_call c;
	uint64_t new_ca = pfx_page(3);

	ASSERT_TRUE(pfx_setup());
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA);
	c.rcx = new_ca;
	c.pending = 0;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_SPURIOUS);
	/* RAX is what the guest left there: no result was written. */
	EXPECT_EQ(c.rax, svsm_call_rax(0, SVSM_CORE_REMAP_CA));
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
	EXPECT_EQ(fake_guest_copies, 1u); /* only CALL_PENDING was read */
}

TEST(protocol_core, entry_that_is_not_a_vmgexit_does_nothing)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA);
	c.rcx = pfx_page(3);
	c.exit_code = 0x404; /* e.g. a #VC the host reflected */
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_SPURIOUS);
	/* CALL_PENDING untouched: the guest sees "never ran". */
	EXPECT_EQ(c.pending_seen, 1);
	EXPECT_EQ(c.rax, svsm_call_rax(0, SVSM_CORE_REMAP_CA));
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
}

TEST(protocol_core, reserved_call_pending_value_is_invalid_format)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA);
	c.rcx = pfx_page(3);
	c.pending = 2;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.status, SNP_REQUEST_DONE);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_FORMAT);
	EXPECT_EQ(c.pending_seen, 0);
	/* Not run. */
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
}

static uint64_t svme_seen;

static void watch_svme(uint64_t gpa, size_t len)
{
	(void)gpa;
	(void)len;
	memcpy(&svme_seen,
	       sim_guest_ptr(pfx.boot_vmsa + offsetof(struct snp_vmsa, efer),
			     8),
	       8);
}

TEST(protocol_core, svme_clear_while_served_and_set_after)
{
	uint64_t efer;

	ASSERT_TRUE(pfx_setup());
	svme_seen = ~0ull;
	fake_guest_after_copy = watch_svme;
	EXPECT_TRUE(pfx_still_serving());
	fake_guest_after_copy = NULL;
	/* Seen at the CALL_PENDING read: the host could not re-enter. */
	EXPECT_EQ(svme_seen & SNP_EFER_SVME, 0);
	memcpy(&efer,
	       sim_guest_ptr(pfx.boot_vmsa + offsetof(struct snp_vmsa, efer),
			     8),
	       8);
	EXPECT_EQ(efer & SNP_EFER_SVME, SNP_EFER_SVME);
}

TEST(protocol_core, failed_call_leaves_output_registers)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	sim_call_init(&c, SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA);
	c.rcx = pfx_page(0) + 8;
	c.rdx = 0xd;
	c.r8 = 0x8;
	c.r9 = 0x9;
	sim_guest_call(&pfx, pfx.boot, &c);
	EXPECT_EQ(c.rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(c.rcx, pfx_page(0) + 8);
	EXPECT_EQ(c.rdx, 0xd);
	EXPECT_EQ(c.r8, 0x8);
	EXPECT_EQ(c.r9, 0x9);
}

/* ---- REMAP_CA (58019 Table 6, call 0) --------------------------------- */

TEST(protocol_core, remap_ca_success)
{
	uint64_t new_ca = pfx_page(3);
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	pfx_fill(new_ca, 8, 0x01); /* a forged pending call */
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, new_ca, 0, 0, &c),
		  SVSM_SUCCESS);
	/* The old CA's CALL_PENDING was cleared as the completion. */
	EXPECT_EQ(c.pending_seen, 0);
	EXPECT_EQ(gpa_val(pfx.boot->caa), new_ca);
	/* The new CA's CALL_PENDING is 0, the rest untouched. */
	EXPECT_EQ(*(uint8_t *)sim_guest_ptr(new_ca, 1), 0);
	EXPECT_TRUE(pfx_all(new_ca + 1, 7, 0x01));
	/* Calls now go through the new CA; the old one is never read. */
	pfx_fill(pfx.boot_caa, 1, 0x01);
	EXPECT_TRUE(pfx_still_serving());
	EXPECT_EQ(*(uint8_t *)sim_guest_ptr(pfx.boot_caa, 1), 0x01);
	/* Remapping to the current CA changes nothing. */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, new_ca, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(gpa_val(pfx.boot->caa), new_ca);
}

TEST(protocol_core, remap_ca_errors)
{
	struct {
		uint64_t rcx;
		uint64_t want;
	} cases[] = {
		{pfx_page(3) + 8, SVSM_ERR_INVALID_PARAMETER},
		{pfx_page(3) + 0x800, SVSM_ERR_INVALID_PARAMETER},
		{0, SVSM_ERR_INVALID_ADDRESS},
		{0, SVSM_ERR_INVALID_ADDRESS},
		{0xfffffffffffff000ull, SVSM_ERR_INVALID_ADDRESS},
	};

	ASSERT_TRUE(pfx_setup());
	cases[2].rcx = pfx.svsm_base + 0x3000; /* SVSM region */
	cases[3].rcx = pfx.boot_vmsa;	       /* a VMSA */
	cases[4].rcx = pfx.base + pfx.size;    /* not RAM */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, cases[i].rcx,
					 0, 0, NULL),
			  cases[i].want);
		EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
	}
}

TEST(protocol_core, remap_ca_to_another_vcpus_ca_is_refused)
{
	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(pfx_page(10), pfx_page(11), 1, PFX_VMPL),
		  SVSM_SUCCESS);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, pfx_page(11), 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
}

TEST(protocol_core, remap_ca_to_faulting_page_is_refused)
{
	ASSERT_TRUE(pfx_setup());
	fake_guest_fault_base = pfx_page(3);
	fake_guest_fault_size = SZ_4K;
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_REMAP_CA, pfx_page(3), 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	fake_guest_fault_size = 0;
	EXPECT_EQ(gpa_val(pfx.boot->caa), pfx.boot_caa);
}

/* ---- PVALIDATE (58019, call 1) ---------------------------------------- */

#define VAL   true
#define RESC  false
#define NOCF  false
#define IGNCF true
#define E4K(gpa, v, i) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_4K, (v), (i))
#define E2M(gpa, v, i) \
	svsm_pvalidate_entry((gpa), SVSM_PVALIDATE_ENTRY_SIZE_2M, (v), (i))

TEST(protocol_core, pvalidate_validate_4k_zeroes_then_grants)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, page, SNP_RMP_PSIZE_4K));
	pfx_fill(page, SZ_4K, 0xcc); /* what a host remap could show */
	ASSERT_EQ(pfx_pvalidate1(list, E4K(page, VAL, NOCF)), SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 1);
	EXPECT_TRUE(pfx_is_guest_page(page));
	EXPECT_TRUE(pfx_all(page, SZ_4K, 0));
}

static enum fake_snp_op ops[64];
static unsigned int op_count;

static void record_op(enum fake_snp_op op, uint64_t gpa)
{
	(void)gpa;
	if (op_count < ARRAY_SIZE(ops))
		ops[op_count++] = op;
}

TEST(protocol_core, pvalidate_rescind_4k_revokes_flushes_then_rescinds)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);
	struct sim_rmp_entry e;

	ASSERT_TRUE(pfx_setup());
	pfx_fill(page, SZ_4K, 0x77);
	op_count = 0;
	fake_snp_after_op = record_op;
	ASSERT_EQ(pfx_pvalidate1(list, E4K(page, RESC, NOCF)), SVSM_SUCCESS);
	fake_snp_after_op = NULL;
	e = pfx_rmp(page);
	EXPECT_TRUE(e.assigned);
	EXPECT_FALSE(e.validated);
	EXPECT_EQ(e.perms[1] | e.perms[2] | e.perms[3], 0);
	/* Rescinding does not zero (the guest owns the data). */
	EXPECT_TRUE(pfx_all(page, SZ_4K, 0x77));
	/*
	 * RMPQUERY (the caller's rights, before anything changes),
	 * RMPADJUST x3 (VMPL1..3), TLB flush, PVALIDATE: in that order.
	 */
	ASSERT_EQ(op_count, 6);
	EXPECT_EQ(ops[0], FAKE_SNP_OP_RMPQUERY);
	EXPECT_EQ(ops[1], FAKE_SNP_OP_RMPADJUST);
	EXPECT_EQ(ops[3], FAKE_SNP_OP_RMPADJUST);
	EXPECT_EQ(ops[4], FAKE_SNP_OP_FLUSH);
	EXPECT_EQ(ops[5], FAKE_SNP_OP_PVALIDATE);
}

TEST(protocol_core, pvalidate_2m_validate_and_rescind)
{
	uint64_t list = pfx_page(0);
	uint64_t big = pfx_2m(1);
	struct sim_rmp_entry e;

	ASSERT_TRUE(pfx_setup());
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, big, SNP_RMP_PSIZE_2M));
	pfx_fill(big, SZ_2M, 0xcc);
	ASSERT_EQ(pfx_pvalidate1(list, E2M(big, VAL, NOCF)), SVSM_SUCCESS);
	EXPECT_TRUE(pfx_all(big, SZ_2M, 0));
	for (uint64_t off = 0; off < SZ_2M; off += SZ_4K) {
		e = pfx_rmp(big + off);
		EXPECT_TRUE(e.validated && e.page_size == SNP_RMP_PSIZE_2M &&
			    e.perms[1] == SNP_PERM_ALL &&
			    e.perms[2] == SNP_PERM_ALL && e.perms[3] == 0);
	}
	ASSERT_EQ(pfx_pvalidate1(list, E2M(big, RESC, NOCF)), SVSM_SUCCESS);
	e = pfx_rmp(big + SZ_2M - SZ_4K);
	EXPECT_FALSE(e.validated);
	EXPECT_EQ(e.perms[2], 0);
}

TEST(protocol_core, pvalidate_2m_over_4k_entries_is_sizemismatch)
{
	uint64_t list = pfx_page(0);
	uint64_t e[2] = {E4K(pfx_page(5), RESC, NOCF),
			 E2M(pfx_2m(1), RESC, NOCF)};

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 2, 0, e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_EQ(pfx_list_next(list), 1);
	/* Entry 0 was done; the 2 MiB page is still the guest's. */
	EXPECT_FALSE(pfx_rmp(pfx_page(5)).validated);
	EXPECT_TRUE(pfx_is_guest_page(pfx_2m(1)));
	EXPECT_TRUE(pfx_is_guest_page(pfx_2m(1) + SZ_2M - SZ_4K));
}

TEST(protocol_core, pvalidate_unchanged_and_ignore_cf)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);

	ASSERT_TRUE(pfx_setup());
	pfx_fill(page, SZ_4K, 0x5a);
	/* Already validated: CF = 1. */
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, VAL, NOCF)),
		  SVSM_PVALIDATE_FAIL_UNCHANGED);
	EXPECT_EQ(pfx_list_next(list), 0);
	/* Nothing zeroed, nothing re-granted. */
	EXPECT_TRUE(pfx_all(page, SZ_4K, 0x5a));
	EXPECT_TRUE(pfx_is_guest_page(page));
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, VAL, IGNCF)), SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 1);
	EXPECT_TRUE(pfx_all(page, SZ_4K, 0x5a));

	/* Rescinding an invalid page: CF = 1 as well. */
	ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, page, SNP_RMP_PSIZE_4K));
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, RESC, NOCF)),
		  SVSM_PVALIDATE_FAIL_UNCHANGED);
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, RESC, IGNCF)), SVSM_SUCCESS);
}

TEST(protocol_core, pvalidate_instruction_failures)
{
	uint64_t list = pfx_page(0);
	uint64_t page = pfx_page(5);

	ASSERT_TRUE(pfx_setup());
	/* A shared page: PVALIDATE says FAIL_INPUT. */
	ASSERT_TRUE(sim_guest_page_shared(&pfx, page));
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, VAL, NOCF)),
		  SVSM_PVALIDATE_FAIL_INPUT);
	EXPECT_EQ(pfx_pvalidate1(list, E4K(page, RESC, NOCF)),
		  SVSM_PVALIDATE_FAIL_INPUT);
	/* An SVSM that is not at VMPL0: RMPADJUST says FAIL_PERMISSION. */
	fake_snp_vmpl = 1;
	EXPECT_EQ(pfx_pvalidate1(list, E4K(pfx_page(6), RESC, NOCF)),
		  SVSM_PVALIDATE_FAIL_PERMISSION);
	fake_snp_vmpl = 0;
}

TEST(protocol_core, pvalidate_partial_list_and_resume)
{
	uint64_t list = pfx_page(0);
	uint64_t e[4];

	ASSERT_TRUE(pfx_setup());
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, pfx_page(5 + i),
						       SNP_RMP_PSIZE_4K));
		e[i] = E4K(pfx_page(5 + i), VAL, NOCF);
	}
	e[2] = E4K(pfx.svsm_base, VAL, NOCF); /* refused */
	pfx_write_list(list, 4, 0, e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pfx_list_next(list), 2);
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(5)));
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(6)));
	EXPECT_FALSE(pfx_rmp(pfx_page(8)).validated);
	/* The guest skips the bad entry and resumes at next = 3. */
	pfx_write_list(list, 4, 3, e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 4);
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(8)));
	/* Entry 2's page (never touched) is still unvalidated. */
	EXPECT_FALSE(pfx_rmp(pfx_page(7)).validated);
}

TEST(protocol_core, pvalidate_list_in_calling_area_510_entries)
{
	uint64_t list = PFX_BOOT_CAA + SVSM_CA_BUFFER_OFFSET;
	static uint64_t e[SVSM_PVALIDATE_CA_MAX_ENTRIES];

	ASSERT_TRUE(pfx_setup());
	for (unsigned int i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = E4K(pfx_2m(2) + i * SZ_4K, RESC, NOCF);
	pfx_write_list(list, (uint16_t)ARRAY_SIZE(e), 0, e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 510);
	EXPECT_FALSE(pfx_rmp(pfx_2m(2) + 509 * SZ_4K).validated);
	EXPECT_TRUE(pfx_is_guest_page(pfx_2m(2) + 510 * SZ_4K));
	/* 511 entries cannot fit behind CA + 8: the list crosses the page. */
	pfx_write_hdr(list, 511, 0);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
}

TEST(protocol_core, pvalidate_header_errors)
{
	uint64_t list = pfx_page(0);
	uint64_t e = E4K(pfx_page(5), RESC, NOCF);

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 0, 0, &e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	pfx_write_list(list, 1, 1, &e);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	pfx_write_hdr(list, 512, 0);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	/* Two entries from page offset 0xff0 cross the page. */
	pfx_write_hdr(list + 0xff0, 2, 0);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list + 0xff0, 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	/* Misaligned list. */
	EXPECT_EQ(
		sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list + 4, 0, 0, NULL),
		SVSM_ERR_INVALID_PARAMETER);
	/* A list in SVSM memory or outside RAM. */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, pfx.svsm_base, 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, pfx.base + pfx.size,
				 0, 0, NULL),
		  SVSM_ERR_INVALID_ADDRESS);
	/* Nothing was done. */
	EXPECT_TRUE(pfx_is_guest_page(pfx_page(5)));
	EXPECT_EQ(fake_snp_pvalidates, 0u);
}

TEST(protocol_core, pvalidate_header_reserved_is_ignored)
{
	uint64_t list = pfx_page(0);
	uint64_t e = E4K(pfx_page(5), RESC, NOCF);
	uint32_t junk = 0xdeadbeef;

	ASSERT_TRUE(pfx_setup());
	pfx_write_list(list, 1, 0, &e);
	/* Linux never writes it; the CA buffer holds other calls' data. */
	memcpy(sim_guest_ptr(list + 4, 4), &junk, 4);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_SUCCESS);
}

TEST(protocol_core, pvalidate_entry_errors)
{
	uint64_t list = pfx_page(0);
	uint64_t vmsa = pfx_page(20);
	struct {
		uint64_t entry;
		uint64_t want;
	} cases[] = {
		{E4K(pfx_page(5), RESC, NOCF) | 2, SVSM_ERR_INVALID_PARAMETER},
		{E4K(pfx_page(5), RESC, NOCF) | 3, SVSM_ERR_INVALID_PARAMETER},
		{E4K(pfx_page(5), RESC, NOCF) | 0x10,
		 SVSM_ERR_INVALID_PARAMETER},
		{E4K(pfx_page(5), RESC, NOCF) | 0x800,
		 SVSM_ERR_INVALID_PARAMETER},
		{E2M(pfx_2m(1) + SZ_4K, RESC, NOCF),
		 SVSM_ERR_INVALID_PARAMETER},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
		{E4K(0, RESC, NOCF), SVSM_ERR_INVALID_ADDRESS},
	};

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(pfx_create(vmsa, pfx_page(21), 1, PFX_VMPL), SVSM_SUCCESS);
	cases[5].entry = E4K(pfx.svsm_base, RESC, NOCF);
	cases[6].entry = E4K(pfx.boot_vmsa, RESC, NOCF);
	cases[7].entry = E4K(pfx.boot_caa, RESC, NOCF);
	cases[8].entry = E4K(vmsa, RESC, NOCF);
	cases[9].entry = E4K(pfx_page(21), VAL, NOCF); /* the new CA */
	/* The C-bit (51) set in a GFN of a RAM page: not RAM. */
	cases[10].entry = E4K(pfx_page(5) | (1ull << 51), RESC, NOCF);
	fake_snp_reset_counters();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(pfx_pvalidate1(list, cases[i].entry), cases[i].want);
		EXPECT_EQ(pfx_list_next(list), 0);
	}
	/* Refused before any instruction ran. */
	EXPECT_EQ(fake_snp_pvalidates, 0u);
	EXPECT_EQ(fake_snp_rmpadjusts, 0u);
}

TEST(protocol_core, pvalidate_long_list_is_incomplete_then_resumes)
{
	uint64_t list = pfx_page(0);
	uint64_t e[9];

	ASSERT_TRUE(pfx_setup());
	for (unsigned int i = 0; i < ARRAY_SIZE(e); i++) {
		ASSERT_TRUE(sim_guest_page_unvalidated(&pfx, pfx_2m(1 + i),
						       SNP_RMP_PSIZE_2M));
		e[i] = E2M(pfx_2m(1 + i), VAL, NOCF);
	}
	pfx_write_list(list, 9, 0, e);
	/* 8 x 2 MiB = the per-call budget of 16 MiB. */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_ERR_INCOMPLETE);
	EXPECT_EQ(pfx_list_next(list), 8);
	EXPECT_TRUE(pfx_rmp(pfx_2m(8)).validated);
	EXPECT_FALSE(pfx_rmp(pfx_2m(9)).validated);
	/* The guest calls again with the same RCX. */
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL),
		  SVSM_SUCCESS);
	EXPECT_EQ(pfx_list_next(list), 9);
	EXPECT_TRUE(pfx_is_guest_page(pfx_2m(9)));
}

/* ---- CONFIGURE_VTOM (58019, call 7) ----------------------------------- */

TEST(protocol_core, configure_vtom)
{
	struct sim_call c;

	ASSERT_TRUE(pfx_setup());
	ASSERT_EQ(sim_guest_core(&pfx, SVSM_CORE_CONFIGURE_VTOM,
				 SVSM_VTOM_QUERY, 0x1234, 0x5678, &c),
		  SVSM_SUCCESS);
	EXPECT_EQ(c.rcx, 0); /* not supported */
	EXPECT_EQ(c.rdx, 0x1234);
	EXPECT_EQ(c.r8, 0x5678);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CONFIGURE_VTOM,
				 SVSM_VTOM_QUERY | SVSM_VTOM_ENABLE, 0, 0,
				 NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CONFIGURE_VTOM,
				 SVSM_VTOM_ENABLE | 0x20, 0, 0, NULL),
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CONFIGURE_VTOM,
				 SVSM_VTOM_ENABLE | (1ull << 40), 0, 0, NULL),
		  SVSM_ERR_INVALID_REQUEST);
	EXPECT_EQ(sim_guest_core(&pfx, SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0, NULL),
		  SVSM_ERR_INVALID_REQUEST);
}
