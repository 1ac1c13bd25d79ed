/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of guest-memory access (kernel/guestmem): round trips
 * through real guest pages, refusal of SVSM-owned, non-RAM and wrapping
 * ranges, and a faulting access that returns an error while the kernel
 * keeps running.
 */
#include "svsm/arch/cpu.h"

#include "svsm/boot.h"
#include "svsm/guestmem.h"

#include "lib/string.h"
#include "test.h"

/* Guest RAM well away from the SVSM region (which sits at 16 MiB). */
#define GUEST_PAGE 0x200000ull

TEST(guestmem, round_trip_across_a_page_boundary)
{
	uint8_t out[64];
	uint8_t in[64];
	gpa_t gpa = gpa_init(GUEST_PAGE + PAGE_SIZE - 24);

	for (unsigned int i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(guestmem_copy_to(gpa, out, sizeof(out)), SVSM_OK);
	memset(in, 0, sizeof(in));
	ASSERT_EQ(guestmem_copy_from(gpa, in, sizeof(in)), SVSM_OK);
	ASSERT_EQ(memcmp(in, out, sizeof(in)), 0);
}

TEST(guestmem, read_u64_once)
{
	uint64_t v = 0x0123456789abcdefull;
	uint64_t got = 0;

	ASSERT_EQ(guestmem_copy_to(gpa_init(GUEST_PAGE), &v, sizeof(v)),
		  SVSM_OK);
	ASSERT_EQ(guestmem_read_u64(gpa_init(GUEST_PAGE), &got), SVSM_OK);
	ASSERT_EQ(got, v);
	/* Misaligned: refused before any access. */
	ASSERT_EQ(guestmem_read_u64(gpa_init(GUEST_PAGE + 4), &got),
		  SVSM_E_INVAL);
}

TEST(guestmem, svsm_memory_is_refused)
{
	const struct boot_params *p = boot_params();
	uint8_t buf[16];

	memset(buf, 0xaa, sizeof(buf));
	ASSERT_EQ(
		guestmem_copy_from(gpa_init(p->region_base), buf, sizeof(buf)),
		SVSM_E_FAULT);
	/* A failed read leaves no guest or SVSM bytes behind. */
	for (unsigned int i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(buf[i], 0);
	/* Ranges touching the region from either side. */
	ASSERT_EQ(guestmem_copy_from(gpa_init(p->region_base - 8), buf, 16),
		  SVSM_E_FAULT);
	ASSERT_EQ(
		guestmem_copy_to(gpa_init(p->region_base + p->region_size - 8),
				 buf, 16),
		SVSM_E_FAULT);
}

TEST(guestmem, non_ram_and_wrapping_ranges_are_refused)
{
	uint8_t buf[16];

	/* The MMIO hole below 4 GiB is not RAM on q35. */
	ASSERT_EQ(guestmem_copy_from(gpa_init(0xfee00000ull), buf, sizeof(buf)),
		  SVSM_E_FAULT);
	ASSERT_EQ(guestmem_copy_from(gpa_init(~0ull - 7), buf, sizeof(buf)),
		  SVSM_E_FAULT);
	ASSERT_EQ(guestmem_copy_from(gpa_init(GUEST_PAGE), buf, 0),
		  SVSM_E_INVAL);
}

TEST(guestmem, fault_during_copy_is_an_error)
{
	uint8_t buf[8];

	/* The primitive itself, on an address nothing maps. */
	ASSERT_EQ(arch_copy_from_guest(
			  buf, (const void __guest *)ptr_from_va(0x8000), 8),
		  1);
	ASSERT_EQ(
		arch_copy_to_guest((void __guest *)ptr_from_va(0x8000), buf, 8),
		1);
}
