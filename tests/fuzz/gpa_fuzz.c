/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for kernel/mm/gpa.c. The input is a program: a memory
 * map for gpa_set_ram(), then operations (reserve, a run of adjacent
 * reserves that can exhaust the slots, unreserve, validate, overlaps, a
 * new map) whose values are drawn from the bytes, biased towards page and
 * 2 MiB multiples, powers of two and the top of the address space, where
 * the off-by-one and wrap-around bugs live. Every result is compared with
 * a slow model that keeps ranges as unsorted [base, end) pairs in unsigned
 * __int128, so nothing in it can wrap; any disagreement aborts. The
 * registry's sorted listing is compared with the model after each change.
 * The build shrinks GPA_MAX_RESERVED so that inputs can fill the table.
 *
 * Build and run:
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -DGPA_MAX_RESERVED=24 \
 *     -Iinclude -Ikernel/arch/fake \
 *     kernel/mm/gpa.c kernel/arch/fake/fake_*.c kernel/core/log.c \
 *     lib/format.c tests/fuzz/gpa_fuzz.c -o gpa_fuzz
 *   ./gpa_fuzz -max_total_time=60
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/mm/gpa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef unsigned __int128 u128;

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t get_u8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t get_u16(struct reader *r)
{
	return (uint16_t)(get_u8(r) | get_u8(r) << 8);
}

static uint64_t get_u64(struct reader *r)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)get_u8(r) << (8 * i);
	return v;
}

/* An address or a length, mostly from a few interesting families. */
static uint64_t get_value(struct reader *r)
{
	switch (get_u8(r) & 7) {
	case 0:
		return get_u8(r);
	case 1:
		return (uint64_t)get_u16(r) << 12;
	case 2:
		return (uint64_t)get_u16(r) << 21;
	case 3:
		return get_u64(r);
	case 4:
		return UINT64_MAX - get_u16(r);
	case 5:
		return 1ull << (get_u8(r) & 63);
	case 6:
		return ((uint64_t)get_u16(r) << 12) + get_u8(r) - 128;
	default:
		return 0 - ((uint64_t)get_u16(r) << 12);
	}
}

/* The model: unsorted ranges, 128-bit ends. */
struct mrange {
	u128 base, end;
};

static struct mrange m_ram[GPA_MAX_RAM_RANGES];
static uint32_t m_ram_count;
static struct mrange m_res[GPA_MAX_RESERVED];
static uint32_t m_res_count;

static bool m_overlap(u128 b1, u128 e1, u128 b2, u128 e2)
{
	u128 lo = b1 > b2 ? b1 : b2;
	u128 hi = e1 < e2 ? e1 : e2;

	return lo < hi;
}

static enum svsm_err m_set_ram(const struct ram_range *in, uint32_t count)
{
	if (count > GPA_MAX_RAM_RANGES)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < count; i++) {
		u128 e = (u128)in[i].base + in[i].size;

		if (in[i].size == 0 || e > UINT64_MAX)
			return SVSM_E_INVAL;
		for (uint32_t j = 0; j < count; j++) {
			if (j != i && m_overlap(in[i].base, e, in[j].base,
						(u128)in[j].base + in[j].size))
				return SVSM_E_INVAL;
		}
	}
	for (uint32_t i = 0; i < count; i++)
		m_ram[i] = (struct mrange){in[i].base,
					   (u128)in[i].base + in[i].size};
	m_ram_count = count;
	return SVSM_OK;
}

static enum svsm_err m_reserve(uint64_t base, uint64_t size)
{
	u128 end = (u128)base + size;

	if (size == 0 || end > UINT64_MAX)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < m_res_count; i++) {
		if (m_overlap(base, end, m_res[i].base, m_res[i].end))
			return SVSM_E_BUSY;
	}
	if (m_res_count == GPA_MAX_RESERVED)
		return SVSM_E_NOMEM;
	m_res[m_res_count++] = (struct mrange){base, end};
	return SVSM_OK;
}

static enum svsm_err m_unreserve(uint64_t base, uint64_t size)
{
	u128 end = (u128)base + size;

	for (uint32_t i = 0; i < m_res_count; i++) {
		if (size && m_res[i].base == base && m_res[i].end == end) {
			m_res[i] = m_res[--m_res_count];
			return SVSM_OK;
		}
	}
	return SVSM_E_INVAL;
}

static enum svsm_err m_validate(uint64_t gpa, uint64_t len, uint64_t align)
{
	u128 end = (u128)gpa + len;
	bool in_ram = false;

	if (len == 0 || align == 0 || __builtin_popcountll(align) != 1 ||
	    gpa % align != 0)
		return SVSM_E_INVAL;
	if (end > UINT64_MAX)
		return SVSM_E_FAULT;
	for (uint32_t i = 0; i < m_ram_count; i++) {
		if (m_ram[i].base <= gpa && end <= m_ram[i].end)
			in_ram = true;
	}
	if (!in_ram)
		return SVSM_E_FAULT;
	for (uint32_t i = 0; i < m_res_count; i++) {
		if (m_overlap(gpa, end, m_res[i].base, m_res[i].end))
			return SVSM_E_FAULT;
	}
	return SVSM_OK;
}

static bool m_overlaps_svsm(uint64_t gpa, uint64_t len)
{
	u128 end = (u128)gpa + len;

	if (len == 0)
		return false;
	if (end > UINT64_MAX)
		return true;
	for (uint32_t i = 0; i < m_res_count; i++) {
		if (m_overlap(gpa, end, m_res[i].base, m_res[i].end))
			return true;
	}
	return false;
}

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static int mrange_cmp(const void *a, const void *b)
{
	const struct mrange *x = a;
	const struct mrange *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* The registry lists exactly the model's ranges, in address order. */
static void check_listing(void)
{
	static struct mrange sorted[GPA_MAX_RESERVED];
	paddr_t b;
	uint64_t s;

	memcpy(sorted, m_res, m_res_count * sizeof(sorted[0]));
	qsort(sorted, m_res_count, sizeof(sorted[0]), mrange_cmp);
	EXPECT(gpa_reserved_count() == m_res_count);
	for (uint32_t i = 0; i < m_res_count; i++) {
		EXPECT(gpa_reserved_get(i, &b, &s));
		EXPECT(pa_val(b) == sorted[i].base);
		EXPECT((u128)pa_val(b) + s == sorted[i].end);
	}
	EXPECT(!gpa_reserved_get(m_res_count, &b, &s));
}

static void op_set_ram(struct reader *r)
{
	struct ram_range map[GPA_MAX_RAM_RANGES + 1];
	uint8_t c = get_u8(r);
	/* Mostly a few ranges; sometimes up to one more than fits. */
	uint32_t n = (c & 0x80) ? c % (GPA_MAX_RAM_RANGES + 2) : c % 6;
	enum svsm_err want;

	for (uint32_t i = 0; i < n; i++) {
		map[i].base = get_value(r);
		map[i].size = get_value(r);
	}
	want = m_set_ram(map, n);
	EXPECT(gpa_set_ram(map, n) == want);
}

static void op_reserve(struct reader *r)
{
	uint64_t base = get_value(r);
	uint64_t size = get_value(r);

	EXPECT(gpa_reserve(pa_init(base), size) == m_reserve(base, size));
	check_listing();
}

/* Many adjacent ranges at once, to reach the end of the slots. */
static void op_reserve_run(struct reader *r)
{
	uint64_t base = get_value(r);
	uint64_t size = get_value(r) % (4 * 4096) + 1;
	uint32_t n = get_u8(r) % 64;

	for (uint32_t i = 0; i < n; i++, base += size)
		EXPECT(gpa_reserve(pa_init(base), size) ==
		       m_reserve(base, size));
	check_listing();
}

static void op_unreserve(struct reader *r)
{
	uint8_t c = get_u8(r);
	uint64_t base, size;

	if (m_res_count && (c & 1)) {
		/* An existing range, sometimes slightly off. */
		const struct mrange *m = &m_res[(c >> 1) % m_res_count];

		base = (uint64_t)m->base;
		size = (uint64_t)(m->end - m->base);
		if (c & 0x40)
			base += get_u8(r) - 128;
		if (c & 0x80)
			size += get_u8(r) - 128;
	} else {
		base = get_value(r);
		size = get_value(r);
	}
	EXPECT(gpa_unreserve(pa_init(base), size) == m_unreserve(base, size));
	check_listing();
}

static uint64_t get_align(struct reader *r)
{
	uint8_t c = get_u8(r);

	if (c < 0xf0)
		return 1ull << (c % 64);
	return get_value(r); /* anything, often not a power of two */
}

static void op_validate(struct reader *r)
{
	uint64_t gpa = get_value(r);
	uint64_t len = get_value(r);
	uint64_t align = get_align(r);
	paddr_t out = pa_init(0x5a5a5a5a5a5a5a5aull);
	enum svsm_err want = m_validate(gpa, len, align);
	enum svsm_err got;

	/* Reach the accepting path: start inside a RAM range. */
	if ((align & 0x8) && m_ram_count) {
		const struct mrange *m = &m_ram[len % m_ram_count];

		gpa = (uint64_t)m->base + gpa % (uint64_t)(m->end - m->base);
		if (align && !(align & (align - 1)))
			gpa &= ~(align - 1);
		want = m_validate(gpa, len, align);
	}
	got = gpa_validate(gpa_init(gpa), len, align, &out);
	EXPECT(got == want);
	if (got == SVSM_OK)
		EXPECT(pa_val(out) == gpa);
	else
		EXPECT(pa_val(out) == 0x5a5a5a5a5a5a5a5aull);
}

static void op_overlaps(struct reader *r)
{
	uint64_t gpa = get_value(r);
	uint64_t len = get_value(r);

	EXPECT(gpa_range_overlaps_svsm(gpa_init(gpa), len) ==
	       m_overlaps_svsm(gpa, len));
}

static void reset(void)
{
	paddr_t b;
	uint64_t s;

	/* From the top: nothing to move in the sorted table. */
	for (uint32_t n = gpa_reserved_count(); n > 0; n--) {
		EXPECT(gpa_reserved_get(n - 1, &b, &s));
		EXPECT(gpa_unreserve(b, s) == SVSM_OK);
	}
	EXPECT(gpa_reserved_count() == 0);
	EXPECT(gpa_set_ram(NULL, 0) == SVSM_OK);
	m_res_count = 0;
	m_ram_count = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = {data, size};

	reset();
	op_set_ram(&r);
	while (r.n) {
		uint8_t op = get_u8(&r);

		switch (op % 9) {
		case 8:
			op_reserve_run(&r);
			break;
		case 0:
			op_set_ram(&r);
			break;
		case 1:
		case 2:
			op_reserve(&r);
			break;
		case 3:
			op_unreserve(&r);
			break;
		case 4:
			op_overlaps(&r);
			break;
		default:
			op_validate(&r);
			break;
		}
	}
	return 0;
}
