/* SPDX-License-Identifier: MIT */
/*
 * Guest-address validation (include/svsm/mm/gpa.h): the RAM ranges and the
 * SVSM-owned ranges, and gpa_validate(), the one place where a guest- or
 * host-supplied address becomes a paddr_t.
 *
 * TRUST: the guest (through the calling area and registers) and the host
 * (through the memory map and GHCB) choose gpa, len and any alignment
 * slack: every 64-bit value is possible. A hostile value tries to
 *   - wrap: gpa + len past 2^64 so that a later "end <= limit" holds
 *     (COCONUT db8d2d79); refused before any comparison;
 *   - reach SVSM memory: a range (often a 2 MiB PVALIDATE) that starts in
 *     guest RAM and ends inside the SVSM region, a VMSA or a calling area,
 *     or contains one entirely (COCONUT df7c78a3, 5003e950); refused when
 *     any byte overlaps;
 *   - name non-RAM: MMIO, holes, or high bits such as the C-bit set in a
 *     GFN (AMDESE linux-svsm #47); refused unless the whole range lies
 *     inside one RAM range.
 * The memory map itself came from the host and was bounded by boot.c;
 * gpa_set_ram() still refuses empty, wrapping and overlapping ranges.
 * The SVSM-owned ranges are registered by the SVSM and are trusted.
 *
 * Ranges are kept as [base, end) with end computed once, overflow-checked.
 * The reserved ranges are sorted and disjoint, so their ends are sorted too
 * and one binary search finds the only candidate for an overlap.
 */
#include "svsm/mm/gpa.h"

#include "svsm/spinlock.h"

#include "lib/string.h"

struct gpa_range {
	uint64_t base;
	uint64_t end; /* exclusive; base < end */
};

static struct spinlock gpa_lock;
static struct gpa_range ram[GPA_MAX_RAM_RANGES];
static uint32_t ram_count;
static struct gpa_range reserved[GPA_MAX_RESERVED];
static uint32_t reserved_count;

/* [base, base + size) as a gpa_range; false for size 0 or a wrap. */
static bool range_make(uint64_t base, uint64_t size, struct gpa_range *out)
{
	uint64_t end;

	if (size == 0 || __builtin_add_overflow(base, size, &end))
		return false;
	*out = (struct gpa_range){base, end};
	return true;
}

static bool range_overlaps(const struct gpa_range *a, const struct gpa_range *b)
{
	return a->base < b->end && b->base < a->end;
}

/* Index of the first reserved range whose end is above `addr`. */
static uint32_t reserved_first_after(uint64_t addr)
{
	uint32_t lo = 0;
	uint32_t hi = reserved_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (reserved[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Caller holds gpa_lock. */
static bool reserved_overlaps(const struct gpa_range *r)
{
	uint32_t i = reserved_first_after(r->base);

	/*
	 * Every range before i ends at or below r->base; every range after
	 * i starts at or above reserved[i].end. Only reserved[i] can touch r.
	 */
	return i < reserved_count && reserved[i].base < r->end;
}

/* Caller holds gpa_lock. */
static bool ram_contains(const struct gpa_range *r)
{
	for (uint32_t i = 0; i < ram_count; i++) {
		if (ram[i].base <= r->base && r->end <= ram[i].end)
			return true;
	}
	return false;
}

enum svsm_err gpa_set_ram(const struct ram_range *in, uint32_t count)
{
	struct gpa_range tmp[GPA_MAX_RAM_RANGES];

	/* Validate into a private copy first; apply only if all is well. */
	if (count > GPA_MAX_RAM_RANGES)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < count; i++) {
		if (!range_make(in[i].base, in[i].size, &tmp[i]))
			return SVSM_E_INVAL;
		for (uint32_t j = 0; j < i; j++) {
			if (range_overlaps(&tmp[i], &tmp[j]))
				return SVSM_E_INVAL;
		}
	}

	spin_lock(&gpa_lock);
	memcpy(ram, tmp, count * sizeof(tmp[0]));
	ram_count = count;
	spin_unlock(&gpa_lock);
	return SVSM_OK;
}

enum svsm_err gpa_reserve(paddr_t base, uint64_t size)
{
	struct gpa_range r;
	enum svsm_err err = SVSM_OK;
	uint32_t i;

	if (!range_make(pa_val(base), size, &r))
		return SVSM_E_INVAL;

	spin_lock(&gpa_lock);
	i = reserved_first_after(r.base);
	if (i < reserved_count && reserved[i].base < r.end) {
		err = SVSM_E_BUSY;
	} else if (reserved_count == GPA_MAX_RESERVED) {
		err = SVSM_E_NOMEM;
	} else {
		/* reserved[i] is the first range above r: insert before it. */
		memmove(&reserved[i + 1], &reserved[i],
			(reserved_count - i) * sizeof(reserved[0]));
		reserved[i] = r;
		reserved_count++;
	}
	spin_unlock(&gpa_lock);
	return err;
}

enum svsm_err gpa_unreserve(paddr_t base, uint64_t size)
{
	struct gpa_range r;
	enum svsm_err err = SVSM_E_INVAL;
	uint32_t i;

	if (!range_make(pa_val(base), size, &r))
		return SVSM_E_INVAL;

	spin_lock(&gpa_lock);
	i = reserved_first_after(r.base);
	if (i < reserved_count && reserved[i].base == r.base &&
	    reserved[i].end == r.end) {
		memmove(&reserved[i], &reserved[i + 1],
			(reserved_count - i - 1) * sizeof(reserved[0]));
		reserved_count--;
		err = SVSM_OK;
	}
	spin_unlock(&gpa_lock);
	return err;
}

uint32_t gpa_reserved_count(void)
{
	uint32_t n;

	spin_lock(&gpa_lock);
	n = reserved_count;
	spin_unlock(&gpa_lock);
	return n;
}

bool gpa_reserved_get(uint32_t i, paddr_t *base, uint64_t *size)
{
	bool found = false;

	spin_lock(&gpa_lock);
	if (i < reserved_count) {
		*base = pa_init(reserved[i].base);
		*size = reserved[i].end - reserved[i].base;
		found = true;
	}
	spin_unlock(&gpa_lock);
	return found;
}

enum svsm_err gpa_validate(gpa_t gpa, uint64_t len, uint64_t align,
			   paddr_t *out)
{
	struct gpa_range r;
	bool ok;

	/* Malformed whatever the memory map says: INVALID_PARAMETER. */
	if (len == 0 || align == 0 || (align & (align - 1)) != 0 ||
	    (gpa_val(gpa) & (align - 1)) != 0)
		return SVSM_E_INVAL;
	/* len != 0 here, so range_make() only fails on a wrap. */
	if (!range_make(gpa_val(gpa), len, &r))
		return SVSM_E_FAULT;

	spin_lock(&gpa_lock);
	ok = ram_contains(&r) && !reserved_overlaps(&r);
	spin_unlock(&gpa_lock);
	if (!ok)
		return SVSM_E_FAULT;
	*out = pa_init(r.base);
	return SVSM_OK;
}

bool gpa_range_overlaps_svsm(gpa_t gpa, uint64_t len)
{
	struct gpa_range r;
	bool hit;

	if (len == 0)
		return false;
	if (!range_make(gpa_val(gpa), len, &r))
		return true;

	spin_lock(&gpa_lock);
	hit = reserved_overlaps(&r);
	spin_unlock(&gpa_lock);
	return hit;
}
