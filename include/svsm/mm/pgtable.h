/* SPDX-License-Identifier: MIT */
/*
 * Four-level x86-64 page tables (Intel SDM Vol. 3A, 4.5; AMD APM Vol. 2,
 * 5.3): map, unmap and change protection of 4 KiB and 2 MiB pages.
 *
 * The code is plain C over memory reached through arch_phys_to_virt(), so
 * the same file runs in the kernel and in hosted tests. Table pages come
 * from the caller's allocator callback. The private/shared attribute (the
 * C-bit on SEV-SNP, the shared bit on TDX) is not an address bit here: the
 * platform gives the two masks once (pgtable_init), and only pte_make()
 * applies them, so no other code ever handles an encryption bit.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

/* Protection of a mapping: readable always; these add rights or attributes. */
#define PROT_WRITE    (1u << 0)
#define PROT_EXEC     (1u << 1)
#define PROT_UNCACHED (1u << 2) /* MMIO */
#define PROT_SHARED   (1u << 3) /* visible to the host (GHCB, bounce buffers) */
/*
 * A task's page (kernel/task): the leaf and the tables above it get the
 * user bit. Only a task's own tables, in the lower half, ever use it.
 */
#define PROT_USER (1u << 4)

/* Hardware PTE bits (SDM Vol. 3A, Table 4-19/4-20). */
#define PTE_P	      (1ull << 0)
#define PTE_W	      (1ull << 1)
#define PTE_U	      (1ull << 2)
#define PTE_PWT	      (1ull << 3)
#define PTE_PCD	      (1ull << 4)
#define PTE_A	      (1ull << 5)
#define PTE_D	      (1ull << 6)
#define PTE_PS	      (1ull << 7)
#define PTE_G	      (1ull << 8)
#define PTE_NX	      (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define PAGE_SIZE_2M (2ull << 20)

struct pgtable {
	paddr_t root;	       /* the PML4 page */
	uint64_t private_bits; /* set in PTEs of private memory (SNP C-bit) */
	uint64_t
		shared_bits; /* set in PTEs of shared memory (TDX shared bit) */
	bool nx;	     /* the CPU supports no-execute */
	/* Allocates one zeroed page for a table; SVSM_E_NOMEM when none. */
	enum svsm_err (*alloc_table)(void *ctx, paddr_t *out);
	void *alloc_ctx;
	uint64_t table_pages; /* table pages allocated, root included */
};

/* Allocates the root and fills `pt`. The masks come from the platform. */
enum svsm_err __must_check
pgtable_init(struct pgtable *pt, uint64_t private_bits, uint64_t shared_bits,
	     bool nx, enum svsm_err (*alloc)(void *, paddr_t *), void *ctx);

/*
 * Maps [va, va + size) to [pa, pa + size) with `prot`. Uses 2 MiB pages
 * where va, pa and the remaining size allow, 4 KiB pages elsewhere. Fails
 * with SVSM_E_BUSY if any page is already mapped, SVSM_E_INVAL for
 * unaligned or non-canonical input, SVSM_E_NOMEM when table pages run out;
 * on failure, pages mapped by this call stay mapped (the caller unmaps).
 */
enum svsm_err __must_check pgtable_map(struct pgtable *pt, vaddr_t va,
				       paddr_t pa, uint64_t size,
				       unsigned int prot);
/*
 * Unmaps [va, va + size); pages not mapped are skipped. A 2 MiB page only
 * partly inside the range is split into 4 KiB pages first (may need a
 * table page). The caller flushes the TLB.
 */
enum svsm_err __must_check pgtable_unmap(struct pgtable *pt, vaddr_t va,
					 uint64_t size);
/* Changes the protection of mapped pages in [va, va + size), splitting as unmap does. */
enum svsm_err __must_check pgtable_protect(struct pgtable *pt, vaddr_t va,
					   uint64_t size, unsigned int prot);

struct pgtable_entry {
	paddr_t pa;	    /* physical address va translates to */
	uint64_t pte;	    /* the leaf entry */
	uint64_t page_size; /* 4 KiB or 2 MiB */
};

/*
 * The first mapped address at or above va (page-aligned) and below end, or
 * end. Skips whole unmapped tables, so the cost grows with what is mapped,
 * not with the length of the range.
 */
uint64_t pgtable_next_mapped(const struct pgtable *pt, uint64_t va,
			     uint64_t end);
/* Walks the tables for va; false when it is not mapped. */
bool pgtable_lookup(const struct pgtable *pt, vaddr_t va,
		    struct pgtable_entry *out);
/*
 * Frees the tables of the lower half (PML4 entries 0..255) through
 * `free_page(ctx, pa, is_table)`, which is also called for each 4 KiB leaf
 * page still mapped there, then clears those PML4 entries. For task
 * address spaces, whose lower half holds only 4 KiB user pages.
 */
void pgtable_release_lower(struct pgtable *pt,
			   void (*free_page)(void *ctx, paddr_t pa,
					     bool is_table),
			   void *ctx);
/* The PTE bits pgtable_map() uses for `prot` (for tests and dumps). */
uint64_t pgtable_prot_bits(const struct pgtable *pt, unsigned int prot);
