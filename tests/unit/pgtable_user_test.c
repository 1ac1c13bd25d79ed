/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of what user mode added to the page tables
 * (kernel/mm/pgtable.c): PROT_USER puts the user bit on the leaf and on
 * every table above it; pgtable_next_mapped() finds the next mapped page
 * across absent tables of every level, in as many steps as there are
 * tables, not pages; pgtable_release_lower() hands back every leaf and
 * table of the lower half and leaves the upper half alone.
 */
#include <stdint.h>
#include <string.h>

#include "svsm/mm/pgtable.h"

#include "fake/fake.h"
#include "test.h"

#define MEM_SIZE (8ull << 20)

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
static uint64_t data;

static bool setup(void)
{
	uint64_t base = fake_mm_init(MEM_SIZE);

	bump = (struct bump){base, base + 256 * PAGE_SIZE};
	data = base + PAGE_SIZE_2M;
	return pgtable_init(&pt, 0, 0, true, bump_alloc, &bump) == SVSM_OK;
}

/* The entry for va at each level, walked by hand. */
static uint64_t entry_at(uint64_t va, unsigned int level)
{
	uint64_t *t = arch_phys_to_virt(pa_val(pt.root), PAGE_SIZE);

	for (unsigned int l = 4;; l--) {
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];

		if (l == level || !(e & PTE_P))
			return e;
		t = arch_phys_to_virt(e & PTE_ADDR_MASK, PAGE_SIZE);
	}
}

TEST(pgtable_user, user_bit_on_leaf_and_tables)
{
	const uint64_t va = 0x400000;

	ASSERT_TRUE(setup());
	ASSERT_EQ(pgtable_map(&pt, va_init(va), pa_init(data), PAGE_SIZE,
			      PROT_USER | PROT_WRITE),
		  SVSM_OK);
	for (unsigned int l = 4; l >= 1; l--)
		EXPECT_TRUE(entry_at(va, l) & PTE_U);
	EXPECT_TRUE(entry_at(va, 1) & PTE_NX);
	/* A supervisor mapping has no user bit on its leaf. */
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffffffff80000000ull),
			      pa_init(data + PAGE_SIZE), PAGE_SIZE, 0),
		  SVSM_OK);
	EXPECT_FALSE(entry_at(0xffffffff80000000ull, 1) & PTE_U);
	EXPECT_FALSE(entry_at(0xffffffff80000000ull, 4) & PTE_U);
}

TEST(pgtable_user, next_mapped_skips_absent_tables)
{
	const uint64_t a = 0x400000;
	const uint64_t b = 0x7f0000000000ull;
	const uint64_t top = 0x7ffffffff000ull;

	ASSERT_TRUE(setup());
	EXPECT_EQ(pgtable_next_mapped(&pt, 0, top), top);
	ASSERT_EQ(pgtable_map(&pt, va_init(a), pa_init(data), PAGE_SIZE,
			      PROT_USER),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(b), pa_init(data + PAGE_SIZE),
			      2 * PAGE_SIZE, PROT_USER),
		  SVSM_OK);
	EXPECT_EQ(pgtable_next_mapped(&pt, 0, top), a);
	EXPECT_EQ(pgtable_next_mapped(&pt, a, top), a);
	EXPECT_EQ(pgtable_next_mapped(&pt, a + PAGE_SIZE, top), b);
	EXPECT_EQ(pgtable_next_mapped(&pt, b + PAGE_SIZE, top), b + PAGE_SIZE);
	EXPECT_EQ(pgtable_next_mapped(&pt, b + 2 * PAGE_SIZE, top), top);
	/* The end bounds the search. */
	EXPECT_EQ(pgtable_next_mapped(&pt, a + PAGE_SIZE, b), b);
	EXPECT_EQ(pgtable_next_mapped(&pt, a + PAGE_SIZE, b - 1), b - 1);
	EXPECT_EQ(pgtable_next_mapped(&pt, 5, 5), 5u);
}

static unsigned int leaves;
static unsigned int tables;

static void count(void *ctx, paddr_t pa, bool is_table)
{
	(void)ctx;
	(void)pa;
	if (is_table)
		tables++;
	else
		leaves++;
}

TEST(pgtable_user, release_lower_frees_all_of_it)
{
	uint64_t before;

	ASSERT_TRUE(setup());
	ASSERT_EQ(pgtable_map(&pt, va_init(0x400000), pa_init(data),
			      3 * PAGE_SIZE, PROT_USER),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x7ffffffde000ull),
			      pa_init(data + 3 * PAGE_SIZE), PAGE_SIZE,
			      PROT_USER),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffffffff80000000ull),
			      pa_init(data + 4 * PAGE_SIZE), PAGE_SIZE, 0),
		  SVSM_OK);
	before = pt.table_pages;
	leaves = tables = 0;
	pgtable_release_lower(&pt, count, NULL);
	EXPECT_EQ(leaves, 4u);
	/* Two PDPT+PD+PT chains in the lower half (they share no table). */
	EXPECT_EQ(tables, 6u);
	EXPECT_EQ(pt.table_pages, before - 6);
	EXPECT_EQ(pgtable_next_mapped(&pt, 0, 0x7ffffffff000ull),
		  0x7ffffffff000ull);
	/* The upper half is untouched. */
	EXPECT_TRUE(entry_at(0xffffffff80000000ull, 1) & PTE_P);
}
