/* SPDX-License-Identifier: MIT */
/*
 * Four-level page tables (include/svsm/mm/pgtable.h). Levels are numbered
 * as in the SDM: 4 = PML4, 3 = PDPT, 2 = PD (2 MiB leaves), 1 = PT (4 KiB
 * leaves). Intermediate entries are present + writable, and carry the
 * private bit because table pages are private memory on SNP; permissions are
 * decided at the leaf, where NX, W and the cache bits live.
 *
 * Ranges are walked with a remaining-size counter, never an end address, so
 * a range that ends at the top of the address space (the kernel's top
 * 2 GiB) does not wrap.
 */
#include "svsm/mm/pgtable.h"

#include "lib/string.h"

#define ENTRIES	       512u
#define LEVEL_SHIFT(l) (12u + 9u * ((l)-1u))
#define LEVEL_SIZE(l)  (1ull << LEVEL_SHIFT(l))

static uint64_t *table_of(paddr_t pa)
{
	uint64_t *t = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);

	/* Table pages are SVSM memory: always mapped. */
	CHECK(t != NULL);
	return t;
}

static unsigned int index_of(uint64_t va, unsigned int level)
{
	return (unsigned int)(va >> LEVEL_SHIFT(level)) & (ENTRIES - 1);
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static paddr_t entry_pa(const struct pgtable *pt, uint64_t e)
{
	return pa_init(e & PTE_ADDR_MASK &
		       ~(pt->private_bits | pt->shared_bits));
}

uint64_t pgtable_prot_bits(const struct pgtable *pt, unsigned int prot)
{
	uint64_t bits = PTE_P | PTE_A | PTE_D;

	if (prot & PROT_WRITE)
		bits |= PTE_W;
	if (!(prot & PROT_EXEC) && pt->nx)
		bits |= PTE_NX;
	if (prot & PROT_UNCACHED)
		bits |= PTE_PCD | PTE_PWT;
	if (prot & PROT_USER)
		bits |= PTE_U;
	bits |= (prot & PROT_SHARED) ? pt->shared_bits : pt->private_bits;
	return bits;
}

/* The one place a PTE is built from an address and a protection. */
static uint64_t pte_make(const struct pgtable *pt, paddr_t pa,
			 unsigned int prot, bool large)
{
	return pa_val(pa) | pgtable_prot_bits(pt, prot) | (large ? PTE_PS : 0);
}

static enum svsm_err new_table(struct pgtable *pt, paddr_t *out)
{
	enum svsm_err err = pt->alloc_table(pt->alloc_ctx, out);

	if (err != SVSM_OK)
		return err;
	CHECK(pa_is_aligned(*out, PAGE_SIZE));
	memset(table_of(*out), 0, PAGE_SIZE);
	pt->table_pages++;
	return SVSM_OK;
}

enum svsm_err pgtable_init(struct pgtable *pt, uint64_t private_bits,
			   uint64_t shared_bits, bool nx,
			   enum svsm_err (*alloc)(void *, paddr_t *), void *ctx)
{
	*pt = (struct pgtable){
		.private_bits = private_bits,
		.shared_bits = shared_bits,
		.nx = nx,
		.alloc_table = alloc,
		.alloc_ctx = ctx,
	};
	return new_table(pt, &pt->root);
}

/* Replaces a 2 MiB leaf with a table of 512 equivalent 4 KiB leaves. */
static enum svsm_err split_large(struct pgtable *pt, uint64_t *entry)
{
	/*
	 * The private/shared bits may lie inside PTE_ADDR_MASK (the C-bit
	 * is bit 51 on current SNP parts): kept explicitly.
	 */
	uint64_t flags = (*entry & ~PTE_ADDR_MASK & ~PTE_PS) |
			 (*entry & (pt->private_bits | pt->shared_bits));
	paddr_t base = entry_pa(pt, *entry);
	paddr_t table;
	uint64_t *t;
	enum svsm_err err = new_table(pt, &table);

	if (err != SVSM_OK)
		return err;
	t = table_of(table);
	for (unsigned int i = 0; i < ENTRIES; i++)
		t[i] = (pa_val(base) + (uint64_t)i * PAGE_SIZE) | flags;
	*entry = pa_val(table) | pt->private_bits | PTE_P | PTE_W | PTE_A;
	return SVSM_OK;
}

/*
 * The entry for va at `level`, creating tables on the way when `create`.
 * NULL when a level above is not present (and !create) or is a 2 MiB leaf
 * that `split` does not allow to break; *err says why.
 */
static uint64_t *walk(struct pgtable *pt, uint64_t va, unsigned int level,
		      bool create, bool split, unsigned int prot,
		      enum svsm_err *err)
{
	uint64_t *t = table_of(pt->root);

	*err = SVSM_OK;
	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &t[index_of(va, l)];

		if (!(*e & PTE_P)) {
			paddr_t next;

			if (!create)
				return NULL;
			*err = new_table(pt, &next);
			if (*err != SVSM_OK)
				return NULL;
			*e = pa_val(next) | pt->private_bits | PTE_P | PTE_W |
			     PTE_A | ((prot & PROT_USER) ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			if (!split) {
				*err = SVSM_E_BUSY;
				return NULL;
			}
			*err = split_large(pt, e);
			if (*err != SVSM_OK)
				return NULL;
		}
		t = table_of(entry_pa(pt, *e));
	}
	return &t[index_of(va, level)];
}

enum svsm_err pgtable_map(struct pgtable *pt, vaddr_t va, paddr_t pa,
			  uint64_t size, unsigned int prot)
{
	uint64_t v = va_val(va);
	uint64_t p = pa_val(pa);
	uint64_t last;

	if (!size || !IS_ALIGNED(v | p | size, PAGE_SIZE) || !canonical(v) ||
	    __builtin_add_overflow(v, size - 1, &last) || !canonical(last) ||
	    (v >> 47) != (last >> 47) || (p + size - 1) < p ||
	    ((p + size - 1) & ~PTE_ADDR_MASK & ~0xfffull))
		return SVSM_E_INVAL;
	while (size) {
		bool large =
			IS_ALIGNED(v | p, PAGE_SIZE_2M) && size >= PAGE_SIZE_2M;
		enum svsm_err err;
		uint64_t *e =
			walk(pt, v, large ? 2 : 1, true, false, prot, &err);
		uint64_t step = large ? PAGE_SIZE_2M : PAGE_SIZE;

		if (!e)
			return err;
		if (*e & PTE_P)
			return SVSM_E_BUSY;
		/* A 2 MiB slot with a table below it is partly mapped: busy. */
		*e = pte_make(pt, pa_init(p), prot, large);
		v += step;
		p += step;
		size -= step;
	}
	return SVSM_OK;
}

/* Applies `fn` to every leaf in [va, va + size), splitting partial 2 MiB leaves. */
static enum svsm_err for_each_leaf(struct pgtable *pt, uint64_t v,
				   uint64_t size, unsigned int prot, bool unmap)
{
	uint64_t last;

	if (!size || !IS_ALIGNED(v | size, PAGE_SIZE) || !canonical(v) ||
	    __builtin_add_overflow(v, size - 1, &last) || !canonical(last))
		return SVSM_E_INVAL;
	while (size) {
		enum svsm_err err = SVSM_OK;
		uint64_t *pde = walk(pt, v, 2, false, false, 0, &err);
		bool whole_2m =
			IS_ALIGNED(v, PAGE_SIZE_2M) && size >= PAGE_SIZE_2M;
		uint64_t step;
		uint64_t *e;

		if (!pde || !(*pde & PTE_P)) {
			/* Nothing mapped up to the next 2 MiB boundary. */
			step = PAGE_SIZE_2M - (v & (PAGE_SIZE_2M - 1));
			step = step < size ? step : size;
			v += step;
			size -= step;
			continue;
		}
		if ((*pde & PTE_PS) && whole_2m) {
			e = pde;
			step = PAGE_SIZE_2M;
		} else {
			e = walk(pt, v, 1, false, true, 0, &err);
			if (!e)
				return err;
			step = PAGE_SIZE;
		}
		if (*e & PTE_P)
			*e = unmap ? 0
				   : pte_make(pt, entry_pa(pt, *e), prot,
					      step == PAGE_SIZE_2M);
		v += step;
		size -= step;
	}
	return SVSM_OK;
}

enum svsm_err pgtable_unmap(struct pgtable *pt, vaddr_t va, uint64_t size)
{
	return for_each_leaf(pt, va_val(va), size, 0, true);
}

enum svsm_err pgtable_protect(struct pgtable *pt, vaddr_t va, uint64_t size,
			      unsigned int prot)
{
	return for_each_leaf(pt, va_val(va), size, prot, false);
}

uint64_t pgtable_next_mapped(const struct pgtable *pt, uint64_t va,
			     uint64_t end)
{
	while (va < end && canonical(va)) {
		const uint64_t *t = table_of(pt->root);
		unsigned int l;
		uint64_t next;

		for (l = 4; l >= 1; l--) {
			uint64_t e = t[index_of(va, l)];

			if (!(e & PTE_P))
				break;
			if (l == 1 || (l == 2 && (e & PTE_PS)))
				return va;
			t = table_of(entry_pa(pt, e));
		}
		/* Nothing is mapped in this entry's whole range: skip it. */
		next = (va & ~(LEVEL_SIZE(l) - 1)) + LEVEL_SIZE(l);
		if (next <= va)
			break;
		va = next;
	}
	return end;
}

bool pgtable_lookup(const struct pgtable *pt, vaddr_t va,
		    struct pgtable_entry *out)
{
	uint64_t v = va_val(va);
	const uint64_t *t = table_of(pt->root);

	if (!canonical(v))
		return false;
	for (unsigned int l = 4; l >= 1; l--) {
		uint64_t e = t[index_of(v, l)];

		if (!(e & PTE_P))
			return false;
		if (l == 1 || (l == 2 && (e & PTE_PS))) {
			uint64_t off = v & (LEVEL_SIZE(l) - 1);

			out->pa = pa_add(entry_pa(pt, e), off);
			out->pte = e;
			out->page_size = LEVEL_SIZE(l);
			return true;
		}
		CHECK(!(e & PTE_PS)); /* the SVSM never maps 1 GiB pages */
		t = table_of(entry_pa(pt, e));
	}
	return false;
}

/* Frees one table page (its entries are cleared already). */
static void release_page(struct pgtable *pt, paddr_t table,
			 void (*free_page)(void *, paddr_t, bool), void *ctx)
{
	free_page(ctx, table, true);
	pt->table_pages--;
}

/* Frees the 4 KiB leaves of a page table (level 1), then the table. */
static void release_pt(struct pgtable *pt, paddr_t table,
		       void (*free_page)(void *, paddr_t, bool), void *ctx)
{
	uint64_t *t = table_of(table);

	for (unsigned int i = 0; i < ENTRIES; i++) {
		if (!(t[i] & PTE_P))
			continue;
		free_page(ctx, entry_pa(pt, t[i]), false);
		t[i] = 0;
	}
	release_page(pt, table, free_page, ctx);
}

/* Frees a PDPT's page directories and their tables, then the PDPT. */
static void release_pdpt(struct pgtable *pt, paddr_t table,
			 void (*free_page)(void *, paddr_t, bool), void *ctx)
{
	uint64_t *t = table_of(table);

	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t *pd;

		if (!(t[i] & PTE_P))
			continue;
		/* The lower half of a task holds 4 KiB pages only. */
		CHECK(!(t[i] & PTE_PS));
		pd = table_of(entry_pa(pt, t[i]));
		for (unsigned int j = 0; j < ENTRIES; j++) {
			if (!(pd[j] & PTE_P))
				continue;
			CHECK(!(pd[j] & PTE_PS));
			release_pt(pt, entry_pa(pt, pd[j]), free_page, ctx);
			pd[j] = 0;
		}
		release_page(pt, entry_pa(pt, t[i]), free_page, ctx);
		t[i] = 0;
	}
	release_page(pt, table, free_page, ctx);
}

void pgtable_release_lower(struct pgtable *pt,
			   void (*free_page)(void *ctx, paddr_t pa,
					     bool is_table),
			   void *ctx)
{
	uint64_t *root = table_of(pt->root);

	for (unsigned int i = 0; i < ENTRIES / 2; i++) {
		if (!(root[i] & PTE_P))
			continue;
		release_pdpt(pt, entry_pa(pt, root[i]), free_page, ctx);
		root[i] = 0;
	}
}
