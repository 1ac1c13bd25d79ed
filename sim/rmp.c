/* SPDX-License-Identifier: MIT */
/*
 * The RMP model: PVALIDATE, RMPADJUST and the host's RMP updates on a
 * table of per-4 KiB-page entries. The rules and the model choices are
 * listed in sim/rmp.h. Every operation checks all of its arguments before
 * it changes anything, so a failed operation leaves the table as it was
 * (except the documented PSMASH a host does on a 4 KiB access inside a
 * 2 MiB entry).
 */
#include "rmp.h"

#include <stdlib.h>
#include <string.h>

/* The 4 KiB page count of an RMP page-size operand, or 0 if invalid. */
static uint64_t psize_pages(unsigned int page_size)
{
	switch (page_size) {
	case SNP_RMP_PSIZE_4K:
		return 1;
	case SNP_RMP_PSIZE_2M:
		return SNP_PAGES_PER_2M;
	default:
		return 0;
	}
}

/*
 * The index of the first of `pages` pages starting at gpa, if gpa is
 * aligned to their size and all of them lie inside the model. The end is
 * computed with an overflow check: gpa is arbitrary.
 */
static bool rmp_index(const struct sim_rmp *rmp, uint64_t gpa, uint64_t pages,
		      uint64_t *idx)
{
	uint64_t len = pages << SNP_PAGE_SHIFT_4K;
	uint64_t end;

	if (!rmp || !rmp->entries || pages == 0)
		return false;
	if ((gpa & (len - 1)) != 0)
		return false;
	if (gpa < rmp->base || __builtin_add_overflow(gpa, len, &end))
		return false;
	/* base + page_count * 4 KiB cannot overflow: sim_rmp_init checked. */
	if (end > rmp->base + (rmp->page_count << SNP_PAGE_SHIFT_4K))
		return false;
	*idx = (gpa - rmp->base) >> SNP_PAGE_SHIFT_4K;
	return true;
}

/*
 * The index of the first page of the 2 MiB entry that page idx belongs to.
 * Only called for pages whose page_size is 2M, which sim_rmp_assign
 * creates only for whole, in-range, 2 MiB aligned ranges.
 */
static uint64_t head_2m(const struct sim_rmp *rmp, uint64_t idx)
{
	uint64_t gpa = rmp->base + (idx << SNP_PAGE_SHIFT_4K);

	return ((gpa & ~(SNP_PAGE_SIZE_2M - 1)) - rmp->base) >>
	       SNP_PAGE_SHIFT_4K;
}

/* PSMASH: the 512 pages keep their state in 4 KiB entries. */
static void split_2m(struct sim_rmp *rmp, uint64_t head)
{
	for (uint64_t i = 0; i < SNP_PAGES_PER_2M; i++)
		rmp->entries[head + i].page_size = SNP_RMP_PSIZE_4K;
}

/* A 4 KiB host update or access inside a 2 MiB entry splits it first. */
static void split_if_2m(struct sim_rmp *rmp, uint64_t idx)
{
	if (rmp->entries[idx].page_size == SNP_RMP_PSIZE_2M)
		split_2m(rmp, head_2m(rmp, idx));
}

/*
 * Whether the n pages at idx form one RMP entry of the requested size.
 * A 2 MiB request needs 512 agreeing 2M entries (4 KiB entries, mixed or
 * not, are a size mismatch); a 4 KiB request matches a 4 KiB entry, and
 * an unvalidated 2 MiB entry that the caller will split.
 */
static bool size_matches(const struct sim_rmp *rmp, uint64_t idx, uint64_t n)
{
	const struct sim_rmp_entry *first = &rmp->entries[idx];

	if (n == 1)
		return first->page_size == SNP_RMP_PSIZE_4K ||
		       !first->validated;
	for (uint64_t i = 0; i < n; i++) {
		const struct sim_rmp_entry *e = &rmp->entries[idx + i];

		if (e->page_size != SNP_RMP_PSIZE_2M ||
		    e->validated != first->validated ||
		    e->assigned != first->assigned)
			return false;
	}
	return true;
}

bool sim_rmp_init(struct sim_rmp *rmp, uint64_t base, uint64_t size)
{
	uint64_t end;
	uint64_t pages = size >> SNP_PAGE_SHIFT_4K;

	if (!rmp)
		return false;
	*rmp = (struct sim_rmp){0};
	if ((base | size) & (SNP_PAGE_SIZE_4K - 1))
		return false;
	if (pages == 0 || pages > SIM_RMP_MAX_PAGES)
		return false;
	if (__builtin_add_overflow(base, size, &end))
		return false;
	rmp->entries = calloc(pages, sizeof(*rmp->entries));
	if (!rmp->entries)
		return false;
	rmp->base = base;
	rmp->page_count = pages;
	for (uint64_t i = 0; i < pages; i++)
		rmp->entries[i].page_size = SNP_RMP_PSIZE_4K;
	return true;
}

void sim_rmp_fini(struct sim_rmp *rmp)
{
	if (!rmp)
		return;
	free(rmp->entries);
	*rmp = (struct sim_rmp){0};
}

uint32_t sim_pvalidate(struct sim_rmp *rmp, unsigned int caller_vmpl,
		       uint64_t gpa, unsigned int page_size, bool validate,
		       bool *cf)
{
	/*
	 * TRUST: in the model every argument is arbitrary: the SVSM under
	 * test computes gpa and page_size from guest requests, and tests pass
	 * hostile values on purpose. Nothing here may crash or write outside
	 * the table; a bad value is FAIL_INPUT, as on hardware.
	 */
	uint64_t n = psize_pages(page_size);
	uint64_t idx;

	if (cf)
		*cf = false;
	if (caller_vmpl >= SNP_VMPL_COUNT)
		return SNP_FAIL_INPUT;
	/* model: PVALIDATE is a VMPL0 instruction in csvsm's design. */
	if (caller_vmpl != 0)
		return SNP_FAIL_PERMISSION;
	if (!rmp_index(rmp, gpa, n, &idx))
		return SNP_FAIL_INPUT;
	for (uint64_t i = 0; i < n; i++) {
		if (!rmp->entries[idx + i].assigned)
			return SNP_FAIL_INPUT;
	}
	if (!size_matches(rmp, idx, n))
		return SNP_FAIL_SIZEMISMATCH;

	/* Checked; from here on nothing fails. */
	if (n == 1)
		split_if_2m(rmp, idx);
	if (rmp->entries[idx].validated == validate) {
		if (cf)
			*cf = true;
		return SNP_SUCCESS;
	}
	for (uint64_t i = 0; i < n; i++)
		rmp->entries[idx + i].validated = validate;
	return SNP_SUCCESS;
}

uint32_t sim_rmpadjust(struct sim_rmp *rmp, unsigned int caller_vmpl,
		       uint64_t gpa, unsigned int page_size,
		       unsigned int target_vmpl, unsigned int perms, bool vmsa)
{
	/*
	 * TRUST: every argument is arbitrary (see sim_pvalidate). The checks
	 * run in the order: operands, privilege, entry size, page state,
	 * permission subset, VMSA bit; nothing changes unless all pass.
	 */
	uint64_t n = psize_pages(page_size);
	bool set_vmsa = caller_vmpl == 0;
	uint64_t idx;

	if (caller_vmpl >= SNP_VMPL_COUNT || target_vmpl >= SNP_VMPL_COUNT ||
	    (perms & ~SNP_PERM_ALL) != 0)
		return SNP_FAIL_INPUT;
	if (!rmp_index(rmp, gpa, n, &idx))
		return SNP_FAIL_INPUT;
	/* Only a more privileged (numerically lower) VMPL adjusts another. */
	if (target_vmpl <= caller_vmpl)
		return SNP_FAIL_PERMISSION;
	if (!size_matches(rmp, idx, n))
		return SNP_FAIL_SIZEMISMATCH;
	for (uint64_t i = 0; i < n; i++) {
		const struct sim_rmp_entry *e = &rmp->entries[idx + i];

		/* model: an unassigned or unvalidated page is bad input. */
		if (!e->assigned || !e->validated)
			return SNP_FAIL_INPUT;
		/* The caller cannot grant what it does not hold. */
		if ((perms & ~(unsigned int)e->perms[caller_vmpl]) != 0)
			return SNP_FAIL_PERMISSION;
	}
	/* model: a 2 MiB page can never be a VMSA. */
	if (set_vmsa && vmsa && n != 1)
		return SNP_FAIL_INPUT;

	/* n == 1 here means a 4 KiB entry: a 2M one is validated (above). */
	for (uint64_t i = 0; i < n; i++) {
		struct sim_rmp_entry *e = &rmp->entries[idx + i];

		e->perms[target_vmpl] = (uint8_t)perms;
		if (set_vmsa)
			e->vmsa = vmsa;
	}
	return SNP_SUCCESS;
}

/* The state RMPUPDATE leaves: assigned or not, never validated. */
static void host_update(struct sim_rmp *rmp, uint64_t idx, uint64_t n,
			bool assigned, unsigned int page_size)
{
	if (n == 1)
		split_if_2m(rmp, idx);
	for (uint64_t i = 0; i < n; i++) {
		struct sim_rmp_entry *e = &rmp->entries[idx + i];

		*e = (struct sim_rmp_entry){
			.assigned = assigned,
			.page_size = (uint8_t)page_size,
		};
		if (assigned)
			e->perms[0] = SNP_PERM_ALL;
	}
}

uint32_t sim_rmp_assign(struct sim_rmp *rmp, uint64_t gpa,
			unsigned int page_size)
{
	/* TRUST: the host chooses every argument; bad ones are refused. */
	uint64_t n = psize_pages(page_size);
	uint64_t idx;

	if (!rmp_index(rmp, gpa, n, &idx))
		return SNP_FAIL_INPUT;
	host_update(rmp, idx, n, true, page_size);
	return SNP_SUCCESS;
}

uint32_t sim_rmp_make_shared(struct sim_rmp *rmp, uint64_t gpa,
			     unsigned int page_size)
{
	/* TRUST: the host chooses every argument; bad ones are refused. */
	uint64_t n = psize_pages(page_size);
	uint64_t idx;

	if (!rmp_index(rmp, gpa, n, &idx))
		return SNP_FAIL_INPUT;
	host_update(rmp, idx, n, false, SNP_RMP_PSIZE_4K);
	return SNP_SUCCESS;
}

uint32_t sim_rmp_psmash(struct sim_rmp *rmp, uint64_t gpa)
{
	/* TRUST: the host chooses gpa; anything but a 2M entry is refused. */
	uint64_t idx;

	if (!rmp_index(rmp, gpa, SNP_PAGES_PER_2M, &idx))
		return SNP_FAIL_INPUT;
	if (rmp->entries[idx].page_size != SNP_RMP_PSIZE_2M)
		return SNP_FAIL_INPUT;
	split_2m(rmp, idx);
	return SNP_SUCCESS;
}

uint32_t sim_rmp_launch_page(struct sim_rmp *rmp, uint64_t gpa, bool vmsa)
{
	uint64_t idx;

	if (!rmp_index(rmp, gpa, 1, &idx))
		return SNP_FAIL_INPUT;
	host_update(rmp, idx, 1, true, SNP_RMP_PSIZE_4K);
	rmp->entries[idx].validated = true;
	rmp->entries[idx].vmsa = vmsa;
	return SNP_SUCCESS;
}

bool sim_rmp_entry(const struct sim_rmp *rmp, uint64_t gpa,
		   struct sim_rmp_entry *out)
{
	uint64_t idx;

	if (!out || !rmp_index(rmp, gpa & ~(SNP_PAGE_SIZE_4K - 1), 1, &idx))
		return false;
	*out = rmp->entries[idx];
	return true;
}

bool sim_rmp_access_ok(const struct sim_rmp *rmp, unsigned int vmpl,
		       uint64_t gpa, unsigned int need)
{
	struct sim_rmp_entry e;

	if (vmpl >= SNP_VMPL_COUNT || (need & ~SNP_PERM_ALL) != 0)
		return false;
	if (!sim_rmp_entry(rmp, gpa, &e))
		return false;
	return e.assigned && e.validated && (e.perms[vmpl] & need) == need;
}

uint32_t sim_rmpquery(const struct sim_rmp *rmp, unsigned int caller_vmpl,
		      uint64_t gpa, uint8_t perms[SNP_VMPL_COUNT])
{
	struct sim_rmp_entry e;

	if (caller_vmpl >= SNP_VMPL_COUNT || !sim_rmp_entry(rmp, gpa, &e) ||
	    !e.assigned || !e.validated)
		return SNP_FAIL_INPUT;
	memcpy(perms, e.perms, SNP_VMPL_COUNT);
	return SNP_SUCCESS;
}
