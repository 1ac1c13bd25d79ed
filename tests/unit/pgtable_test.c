/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/mm/pgtable.c on fake physical memory: map, unmap
 * and protect with 4 KiB and 2 MiB pages, each result checked by walking
 * the tables (pgtable_lookup) and by reading the raw entries.
 */
#include "svsm/mm/pgtable.h"

#include "fake/fake.h"
#include "test.h"

#define MEM_SIZE (8ull << 20)
#define KVA	 0xffffffff80000000ull
#define C_BIT	 (1ull << 51)

struct bump {
	uint64_t next;
	uint64_t end;
};

static enum svsm_err bump_alloc(void *ctx, paddr_t *out)
{
	struct bump *b = ctx;

	if (b->next >= b->end)
		return SVSM_E_NOMEM;
	*out = pa_init(b->next);
	b->next += PAGE_SIZE;
	return SVSM_OK;
}

static struct bump bump;
static struct pgtable pt;
static uint64_t data_base; /* 2 MiB-aligned fake physical memory to map */

/* Tables come from the first 2 MiB; pages to map from the rest. */
static bool setup(uint64_t private_bits, uint64_t table_pages)
{
	uint64_t base = fake_mm_init(MEM_SIZE);

	bump = (struct bump){base, base + table_pages * PAGE_SIZE};
	data_base = base + PAGE_SIZE_2M;
	return pgtable_init(&pt, private_bits, 0, true, bump_alloc, &bump) ==
	       SVSM_OK;
}

static bool maps_to(uint64_t va, uint64_t pa, uint64_t page_size)
{
	struct pgtable_entry e;

	return pgtable_lookup(&pt, va_init(va), &e) && pa_val(e.pa) == pa &&
	       e.page_size == page_size;
}

TEST(pgtable, map_4k_and_walk)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      3 * PAGE_SIZE, PROT_WRITE),
		  SVSM_OK);
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(maps_to(KVA + i * PAGE_SIZE + 0x123,
				    data_base + i * PAGE_SIZE + 0x123,
				    PAGE_SIZE));
	ASSERT_FALSE(pgtable_lookup(&pt, va_init(KVA + 3 * PAGE_SIZE), &e));
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA), &e));
	ASSERT_TRUE(e.pte & PTE_W);
	ASSERT_TRUE(e.pte & PTE_NX);
	ASSERT_FALSE(e.pte & PTE_PS);
	/* PML4 + PDPT + PD + PT. */
	ASSERT_EQ(pt.table_pages, 4);
}

TEST(pgtable, map_uses_2m_pages_when_aligned)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(0, 64));
	/* 4 KiB + 2 MiB + 4 KiB starting one page below a 2 MiB boundary. */
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA + PAGE_SIZE_2M - PAGE_SIZE),
			      pa_init(data_base + PAGE_SIZE_2M - PAGE_SIZE),
			      PAGE_SIZE_2M + 2 * PAGE_SIZE, PROT_EXEC),
		  SVSM_OK);
	ASSERT_TRUE(maps_to(KVA + PAGE_SIZE_2M - PAGE_SIZE,
			    data_base + PAGE_SIZE_2M - PAGE_SIZE, PAGE_SIZE));
	ASSERT_TRUE(maps_to(KVA + PAGE_SIZE_2M + 0x5000,
			    data_base + PAGE_SIZE_2M + 0x5000, PAGE_SIZE_2M));
	ASSERT_TRUE(maps_to(KVA + 2 * PAGE_SIZE_2M,
			    data_base + 2 * PAGE_SIZE_2M, PAGE_SIZE));
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA + PAGE_SIZE_2M), &e));
	ASSERT_TRUE(e.pte & PTE_PS);
	ASSERT_FALSE(e.pte & PTE_W);
	ASSERT_FALSE(e.pte & PTE_NX);
}

TEST(pgtable, map_refuses_overlap_and_bad_input)
{
	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), PAGE_SIZE,
			      0),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), PAGE_SIZE,
			      0),
		  SVSM_E_BUSY);
	/* A 2 MiB mapping over a slot that holds a 4 KiB table: busy. */
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      PAGE_SIZE_2M, 0),
		  SVSM_E_BUSY);
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA + 1), pa_init(data_base),
			      PAGE_SIZE, 0),
		  SVSM_E_INVAL);
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base + 8),
			      PAGE_SIZE, 0),
		  SVSM_E_INVAL);
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), 0, 0),
		  SVSM_E_INVAL);
	/* Non-canonical, and a range crossing the canonical hole. */
	ASSERT_EQ(pgtable_map(&pt, va_init(0x0000800000000000ull),
			      pa_init(data_base), PAGE_SIZE, 0),
		  SVSM_E_INVAL);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x00007ffffffff000ull),
			      pa_init(data_base), 2 * PAGE_SIZE, 0),
		  SVSM_E_INVAL);
	/* A physical address beyond 52 bits. */
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA + PAGE_SIZE),
			      pa_init(1ull << 52), PAGE_SIZE, 0),
		  SVSM_E_INVAL);
}

TEST(pgtable, map_up_to_top_of_address_space)
{
	uint64_t va = 0xffffffffffe00000ull;

	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(va), pa_init(data_base),
			      PAGE_SIZE_2M, PROT_WRITE),
		  SVSM_OK);
	ASSERT_TRUE(maps_to(0xfffffffffffff000ull,
			    data_base + PAGE_SIZE_2M - PAGE_SIZE,
			    PAGE_SIZE_2M));
	ASSERT_EQ(pgtable_unmap(&pt, va_init(va), PAGE_SIZE_2M), SVSM_OK);
	ASSERT_FALSE(maps_to(va, data_base, PAGE_SIZE_2M));
}

TEST(pgtable, unmap_splits_2m_page)
{
	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      PAGE_SIZE_2M, PROT_WRITE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_unmap(&pt, va_init(KVA + 5 * PAGE_SIZE), PAGE_SIZE),
		  SVSM_OK);
	ASSERT_FALSE(maps_to(KVA + 5 * PAGE_SIZE, data_base + 5 * PAGE_SIZE,
			     PAGE_SIZE));
	for (uint64_t i = 0; i < 512; i++) {
		if (i != 5)
			ASSERT_TRUE(maps_to(KVA + i * PAGE_SIZE,
					    data_base + i * PAGE_SIZE,
					    PAGE_SIZE));
	}
	/* Unmapping something not mapped is fine. */
	ASSERT_EQ(pgtable_unmap(&pt, va_init(KVA + 64 * PAGE_SIZE_2M),
				PAGE_SIZE_2M),
		  SVSM_OK);
}

TEST(pgtable, protect_changes_only_the_range)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      4 * PAGE_SIZE, PROT_WRITE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_protect(&pt, va_init(KVA + PAGE_SIZE), 2 * PAGE_SIZE,
				  PROT_EXEC),
		  SVSM_OK);
	for (uint64_t i = 0; i < 4; i++) {
		bool inside = i == 1 || i == 2;

		ASSERT_TRUE(
			pgtable_lookup(&pt, va_init(KVA + i * PAGE_SIZE), &e));
		ASSERT_EQ(pa_val(e.pa), data_base + i * PAGE_SIZE);
		ASSERT_EQ(!!(e.pte & PTE_W), !inside);
		ASSERT_EQ(!!(e.pte & PTE_NX), !inside);
	}
}

TEST(pgtable, protect_splits_2m_page)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      PAGE_SIZE_2M, PROT_WRITE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_protect(&pt, va_init(KVA), PAGE_SIZE, 0), SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA), &e));
	ASSERT_FALSE(e.pte & PTE_W);
	ASSERT_EQ(e.page_size, PAGE_SIZE);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA + PAGE_SIZE), &e));
	ASSERT_TRUE(e.pte & PTE_W);
	ASSERT_EQ(pa_val(e.pa), data_base + PAGE_SIZE);
}

TEST(pgtable, private_bit_applied_and_stripped)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(C_BIT, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), PAGE_SIZE,
			      0),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA + PAGE_SIZE),
			      pa_init(data_base + PAGE_SIZE), PAGE_SIZE,
			      PROT_SHARED),
		  SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA), &e));
	ASSERT_TRUE(e.pte & C_BIT);
	ASSERT_EQ(pa_val(e.pa), data_base); /* not part of the address */
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA + PAGE_SIZE), &e));
	ASSERT_FALSE(e.pte & C_BIT);
	ASSERT_EQ(pa_val(e.pa), data_base + PAGE_SIZE);
	/* Protecting keeps a page private or shared as asked. */
	ASSERT_EQ(pgtable_protect(&pt, va_init(KVA), PAGE_SIZE, PROT_WRITE),
		  SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA), &e));
	ASSERT_TRUE((e.pte & C_BIT) && (e.pte & PTE_W));
}

TEST(pgtable, out_of_table_pages_is_an_error)
{
	/* Root only: the first map needs three more tables. */
	ASSERT_TRUE(setup(0, 1));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), PAGE_SIZE,
			      0),
		  SVSM_E_NOMEM);
	ASSERT_FALSE(maps_to(KVA, data_base, PAGE_SIZE));
}

TEST(pgtable, uncached_sets_pcd_pwt)
{
	struct pgtable_entry e;

	ASSERT_TRUE(setup(0, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base), PAGE_SIZE,
			      PROT_UNCACHED | PROT_WRITE),
		  SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(KVA), &e));
	ASSERT_TRUE((e.pte & PTE_PCD) && (e.pte & PTE_PWT));
}

/*
 * What vm_linear_set_shared() does to the region's 2 MiB mapping on
 * SEV-SNP: 4 pages inside it made shared, then private again; the 2 MiB
 * leaf is split, only those pages lose the C-bit, and all keep their
 * address, write access and NX.
 */
TEST(pgtable, linear_range_made_shared_and_back)
{
	struct pgtable_entry e;
	uint64_t in = KVA + 8 * PAGE_SIZE;

	ASSERT_TRUE(setup(C_BIT, 64));
	ASSERT_EQ(pgtable_map(&pt, va_init(KVA), pa_init(data_base),
			      PAGE_SIZE_2M, PROT_WRITE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_protect(&pt, va_init(in), 4 * PAGE_SIZE,
				  PROT_WRITE | PROT_SHARED),
		  SVSM_OK);
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t va = KVA + i * PAGE_SIZE;
		bool shared = va >= in && va < in + 4 * PAGE_SIZE;

		ASSERT_TRUE(pgtable_lookup(&pt, va_init(va), &e));
		EXPECT_EQ(e.page_size, PAGE_SIZE);
		EXPECT_EQ(pa_val(e.pa), data_base + i * PAGE_SIZE);
		EXPECT_EQ((e.pte & C_BIT) != 0, !shared);
		EXPECT_TRUE((e.pte & PTE_W) && (e.pte & PTE_NX));
	}
	ASSERT_EQ(pgtable_protect(&pt, va_init(in), 4 * PAGE_SIZE, PROT_WRITE),
		  SVSM_OK);
	for (uint64_t i = 0; i < 16; i++) {
		ASSERT_TRUE(
			pgtable_lookup(&pt, va_init(KVA + i * PAGE_SIZE), &e));
		EXPECT_TRUE((e.pte & C_BIT) && (e.pte & PTE_W));
		EXPECT_EQ(pa_val(e.pa), data_base + i * PAGE_SIZE);
	}
}
