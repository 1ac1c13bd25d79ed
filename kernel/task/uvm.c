/* SPDX-License-Identifier: MIT */
/*
 * A task's address space. The lower half (below USER_TOP) holds the task's
 * pages, 4 KiB each, with the user bit; the upper half is the SVSM's, the
 * same PML4 entries as the SVSM's own tables (kernel/mm/vm.c builds every
 * upper-half PML4 entry before any task exists and never adds one), none of
 * them user-accessible. Every page and table page a task uses is charged
 * to it, so its limit bounds what it can take from the page allocator.
 *
 * User copies check the range first (below USER_TOP, no wrap-around), so
 * a pointer into SVSM memory is refused before any access, and then copy
 * with faults turned into -EFAULT (arch_copy_from_user/to_user, SMAP
 * opened only for the copy).
 */
#define LOG_PREFIX "task: "
#include "svsm/arch/cpu.h"

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"
#include "svsm/plat/plat.h"

#include "abi/linux.h"

#include "lib/string.h"
#include "task_int.h"

static enum svsm_err charge(struct task *t)
{
	if (t->pages >= t->max_pages)
		return SVSM_E_NOMEM;
	t->pages++;
	return SVSM_OK;
}

static enum svsm_err table_alloc(void *ctx, paddr_t *out)
{
	struct task *t = ctx;
	enum svsm_err err = charge(t);

	if (err != SVSM_OK)
		return err;
	err = pgalloc_alloc(0, PGALLOC_ZERO, out);
	if (err != SVSM_OK)
		t->pages--;
	return err;
}

enum svsm_err uvm_init(struct task *t)
{
	uint64_t *root;
	const uint64_t *kroot;
	enum svsm_err err = pgtable_init(&t->pt, plat_pte_private_bits(),
					 plat_pte_shared_bits(), arch_has_nx(),
					 table_alloc, t);

	if (err != SVSM_OK)
		return err;
	root = arch_phys_to_virt(pa_val(t->pt.root), PAGE_SIZE);
	kroot = arch_phys_to_virt(pa_val(vm_root()), PAGE_SIZE);
	CHECK(root && kroot);
	memcpy(root + 256, kroot + 256, 256 * sizeof(uint64_t));
	return SVSM_OK;
}

static void free_page(void *ctx, paddr_t pa, bool is_table)
{
	struct task *t = ctx;

	(void)is_table;
	pgalloc_free(pa, 0);
	t->pages--;
}

void uvm_release(struct task *t)
{
	uint64_t *root;

	if (!pa_val(t->pt.root))
		return;
	pgtable_release_lower(&t->pt, free_page, t);
	root = arch_phys_to_virt(pa_val(t->pt.root), PAGE_SIZE);
	memset(root + 256, 0, 256 * sizeof(uint64_t));
	free_page(t, t->pt.root, true);
	t->pt.root = pa_init(0);
}

bool uvm_range_ok(uint64_t va, uint64_t len)
{
	uint64_t end;

	return !__builtin_add_overflow(va, len, &end) && end <= USER_TOP;
}

enum svsm_err uvm_map_anon(struct task *t, uint64_t va, uint64_t len,
			   unsigned int prot)
{
	uint64_t done;

	if (!len || !IS_ALIGNED(va | len, PAGE_SIZE) || !uvm_range_ok(va, len))
		return SVSM_E_INVAL;
	for (done = 0; done < len; done += PAGE_SIZE) {
		paddr_t pa;
		enum svsm_err err = charge(t);

		if (err == SVSM_OK) {
			err = pgalloc_alloc(0, PGALLOC_ZERO, &pa);
			if (err != SVSM_OK)
				t->pages--;
		}
		if (err == SVSM_OK) {
			err = pgtable_map(&t->pt, va_init(va + done), pa,
					  PAGE_SIZE, prot | PROT_USER);
			if (err != SVSM_OK) {
				pgalloc_free(pa, 0);
				t->pages--;
			}
		}
		if (err != SVSM_OK) {
			uvm_unmap(t, va, done);
			return err;
		}
	}
	return SVSM_OK;
}

bool uvm_range_free(struct task *t, uint64_t va, uint64_t len)
{
	return pgtable_next_mapped(&t->pt, va, va + len) == va + len;
}

void uvm_unmap(struct task *t, uint64_t va, uint64_t len)
{
	bool live = task_current() == t;
	uint64_t end = va + len;

	/*
	 * Only mapped pages cost anything: a task's huge munmap must not keep
	 * the SVSM busy (syscalls run with interrupts off).
	 */
	for (va = pgtable_next_mapped(&t->pt, va, end); va < end;
	     va = pgtable_next_mapped(&t->pt, va + PAGE_SIZE, end)) {
		struct pgtable_entry e;

		CHECK(pgtable_lookup(&t->pt, va_init(va), &e));
		CHECK(pgtable_unmap(&t->pt, va_init(va), PAGE_SIZE) == SVSM_OK);
		if (live)
			arch_flush_tlb_page(va);
		pgalloc_free(e.pa, 0);
		t->pages--;
	}
}

enum svsm_err uvm_protect(struct task *t, uint64_t va, uint64_t len,
			  unsigned int prot)
{
	bool live = task_current() == t;
	enum svsm_err err;

	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		struct pgtable_entry e;

		if (!pgtable_lookup(&t->pt, va_init(va + off), &e))
			return SVSM_E_INVAL;
	}
	err = pgtable_protect(&t->pt, va_init(va), len, prot | PROT_USER);
	if (err != SVSM_OK)
		return err;
	for (uint64_t off = 0; live && off < len; off += PAGE_SIZE)
		arch_flush_tlb_page(va + off);
	return SVSM_OK;
}

enum svsm_err uvm_poke(struct task *t, uint64_t va, const void *src, size_t len)
{
	const uint8_t *s = src;

	while (len) {
		struct pgtable_entry e;
		size_t in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		size_t n = len < in_page ? len : in_page;
		uint8_t *dst;

		if (!pgtable_lookup(&t->pt, va_init(va), &e))
			return SVSM_E_FAULT;
		dst = arch_phys_to_virt(pa_val(e.pa), n);
		CHECK(dst != NULL); /* task pages come from the heap */
		memcpy(dst, s, n);
		va += n;
		s += n;
		len -= n;
	}
	return SVSM_OK;
}

int copy_from_user(struct task *t, void *dst, uint64_t usrc, size_t len)
{
	if (!uvm_range_ok(usrc, len))
		return -LINUX_EFAULT;
	if (len && arch_copy_from_user(dst, usrc, len))
		return -LINUX_EFAULT;
	t->copied_bytes += len;
	return 0;
}

int copy_to_user(struct task *t, uint64_t udst, const void *src, size_t len)
{
	if (!uvm_range_ok(udst, len))
		return -LINUX_EFAULT;
	if (len && arch_copy_to_user(udst, src, len))
		return -LINUX_EFAULT;
	t->copied_bytes += len;
	return 0;
}

int copy_string_from_user(struct task *t, char *dst, uint64_t usrc, size_t max)
{
	size_t got = 0;

	/* Page by page, so a string that ends before a hole is read whole. */
	while (got < max) {
		size_t in_page = PAGE_SIZE - ((usrc + got) & (PAGE_SIZE - 1));
		size_t n = max - got < in_page ? max - got : in_page;
		int err = copy_from_user(t, dst + got, usrc + got, n);
		size_t len;

		if (err)
			return err;
		len = strnlen(dst + got, n);
		if (len < n)
			return 0;
		got += n;
	}
	return -LINUX_ENAMETOOLONG;
}
