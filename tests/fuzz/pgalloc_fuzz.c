/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the page allocator (kernel/mm/pgalloc.c) and the
 * heap (kernel/mm/heap.c) on fake physical memory. The first bytes choose
 * the range (an odd start and length); the rest is a program of
 * pgalloc_alloc(order) / pgalloc_free(index) / kmalloc(size) /
 * kfree(index) / heap_shrink operations. A model of the live blocks and
 * objects checks after every step: no two overlap, each lies in the range
 * past the metadata and is aligned, new memory is zero and contents
 * survive until freed, failures happen only when memory is really short,
 * the page metadata describes each block, and both allocators'
 * statistics add up. At the end everything is freed
 * and the page allocator must coalesce back to its initial free blocks.
 *
 * Build with clang -fsanitize=fuzzer,address,undefined from
 * kernel/mm/pgalloc.c, kernel/mm/heap.c, every kernel/arch/fake source,
 * kernel/core/log.c, lib/format.c and this file (-Iinclude
 * -Ikernel/arch/fake), then run it with -max_total_time=60.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "lib/bytes.h"

#define MEM_PAGES 1024u /* 4 MiB of fake memory: room for 2 MiB blocks */
#define LIVE_MAX  256u
#define OPS_MAX	  4000u

#define FUZZ_CHECK(c)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "pgalloc_fuzz: %s failed (line %d)\n", \
				#c, __LINE__);                                 \
			abort();                                               \
		}                                                              \
	} while (0)

/* A live pgalloc block (is_obj false) or kmalloc object. */
struct item {
	uint8_t *p;
	uint64_t len;  /* bytes it occupies */
	uint64_t size; /* bytes requested (objects) */
	paddr_t pa;
	unsigned int order;
	uint8_t fill;
	bool is_obj;
};

static struct {
	const uint8_t *data;
	size_t size;
	size_t pos;
} in;

static struct {
	uint64_t start; /* first page handed out (after metadata) */
	uint64_t end;
	struct item items[LIVE_MAX];
	unsigned int count;
	uint64_t block_pages;
	uint64_t obj_bytes;
	uint64_t obj_count;
	struct pgalloc_stats initial;
} m;

static uint8_t next_u8(void)
{
	return in.pos < in.size ? in.data[in.pos++] : 0;
}

static uint16_t next_u16(void)
{
	uint16_t hi = next_u8();

	return (uint16_t)(hi << 8 | next_u8());
}

/* Fills (or checks) the first and last bytes: enough to see overlap. */
static void fill(struct item *it)
{
	uint64_t n = it->size < 128 ? it->size : 128;

	memset(it->p, it->fill, n);
	memset(it->p + it->size - n, it->fill, n);
}

static bool intact(const struct item *it)
{
	uint64_t n = it->size < 128 ? it->size : 128;

	for (uint64_t i = 0; i < n; i++) {
		if (it->p[i] != it->fill || it->p[it->size - 1 - i] != it->fill)
			return false;
	}
	return true;
}

/* A new item: in range, no overlap with a live one, zeroed; then kept. */
static void add(struct item it)
{
	uint64_t pa = arch_virt_to_phys(it.p);

	FUZZ_CHECK(m.count < LIVE_MAX);
	FUZZ_CHECK(pa >= m.start && pa + it.len <= m.end);
	for (unsigned int i = 0; i < m.count; i++)
		FUZZ_CHECK(it.p + it.len <= m.items[i].p ||
			   m.items[i].p + m.items[i].len <= it.p);
	FUZZ_CHECK(mem_is_zero(it.p, it.size));
	it.fill = (uint8_t)(in.pos | 1);
	fill(&it);
	m.items[m.count++] = it;
	if (it.is_obj) {
		m.obj_count++;
		m.obj_bytes += it.len;
	} else {
		m.block_pages += 1ull << it.order;
	}
}

static void op_alloc(void)
{
	unsigned int order = next_u8() % (PGALLOC_MAX_ORDER + 1);
	uint32_t flags = next_u8() & 1 ? PGALLOC_ZERO : 0;
	struct pgalloc_stats s;
	struct item it = {0};

	if (m.count == LIVE_MAX)
		return;
	if (pgalloc_alloc(order, flags, &it.pa) != SVSM_OK) {
		pgalloc_get_stats(&s);
		for (unsigned int k = order; k <= PGALLOC_MAX_ORDER; k++)
			FUZZ_CHECK(s.free_blocks[k] == 0);
		return;
	}
	FUZZ_CHECK(pa_is_aligned(it.pa, PAGE_SIZE << order));
	it.order = order;
	it.len = PAGE_SIZE << order;
	it.size = it.len;
	it.p = arch_phys_to_virt(pa_val(it.pa), it.len);
	FUZZ_CHECK(it.p);
	add(it);
}

static void op_kmalloc(size_t size)
{
	struct pgalloc_stats s;
	struct item it = {0};
	uint64_t align = 16;

	if (m.count == LIVE_MAX)
		return;
	it.p = kmalloc(size);
	if (!it.p) {
		pgalloc_get_stats(&s);
		if (size == 0 || size > (PAGE_SIZE << PGALLOC_MAX_ORDER))
			return;
		if (size <= 2048) {
			/* No partial slab, and no page for one (or its descriptor). */
			FUZZ_CHECK(s.free_pages == 0);
			return;
		}
		while ((PAGE_SIZE << it.order) < size)
			it.order++;
		for (unsigned int k = it.order; k <= PGALLOC_MAX_ORDER; k++)
			FUZZ_CHECK(s.free_blocks[k] == 0);
		return;
	}
	FUZZ_CHECK(size != 0 && size <= (PAGE_SIZE << PGALLOC_MAX_ORDER));
	it.len = 16;
	while (it.len < size)
		it.len <<= 1;
	if (it.len > 2048)
		it.len = it.len < PAGE_SIZE ? PAGE_SIZE : it.len;
	align = it.len < PAGE_SIZE ? it.len : PAGE_SIZE;
	FUZZ_CHECK((uintptr_t)it.p % align == 0);
	it.size = size;
	it.is_obj = true;
	add(it);
}

static void release(unsigned int i)
{
	struct item it = m.items[i];

	FUZZ_CHECK(intact(&it));
	if (it.is_obj) {
		kfree(it.p);
		m.obj_count--;
		m.obj_bytes -= it.len;
	} else {
		pgalloc_free(it.pa, it.order);
		m.block_pages -= 1ull << it.order;
	}
	m.items[i] = m.items[--m.count];
}

/* Frees the index-th live item of the wanted kind, if there is one. */
static void op_free(bool obj)
{
	unsigned int pick = next_u8();

	for (unsigned int n = 0; n < m.count; n++) {
		unsigned int i = (pick + n) % m.count;

		if (m.items[i].is_obj == obj) {
			release(i);
			return;
		}
	}
}

static void check_stats(void)
{
	struct pgalloc_stats s;
	struct heap_stats hs;
	uint64_t sum = 0;

	pgalloc_get_stats(&s);
	heap_get_stats(&hs);
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		sum += s.free_blocks[k] << k;
	FUZZ_CHECK(sum == s.free_pages);
	FUZZ_CHECK(s.free_pages + m.block_pages + hs.slab_pages +
			   hs.large_pages + hs.desc_pages ==
		   s.total_pages);
	FUZZ_CHECK(hs.live_objects == m.obj_count);
	FUZZ_CHECK(hs.live_bytes == m.obj_bytes);
}

/* The page metadata agrees: block heads with their order, tails inside. */
static void check_pages(void)
{
	struct pgalloc_block_info info;

	for (unsigned int i = 0; i < m.count; i++) {
		const struct item *it = &m.items[i];
		paddr_t pa = pa_init(arch_virt_to_phys(it->p));

		pgalloc_block_info(pa, &info);
		if (it->is_obj) {
			FUZZ_CHECK(info.state == PGALLOC_PAGE_HEAP);
			continue;
		}
		FUZZ_CHECK(info.state == PGALLOC_PAGE_ALLOCATED &&
			   info.order == it->order);
		if (it->order == 0)
			continue;
		pgalloc_block_info(pa_add(pa, it->len - PAGE_SIZE), &info);
		FUZZ_CHECK(info.state == PGALLOC_PAGE_TAIL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t mem_base;
	struct pgalloc_stats s;
	uint64_t skip = 0;
	uint64_t pages = 0;

	if (!mem_base)
		mem_base = fake_mm_init(MEM_PAGES * PAGE_SIZE);
	memset(&m, 0, sizeof(m));
	in.data = data;
	in.size = size;
	in.pos = 0;

	skip = next_u8() % 16;
	pages = 2 + next_u16() % (MEM_PAGES - skip - 1);
	FUZZ_CHECK(pgalloc_init(pa_init(mem_base + skip * PAGE_SIZE),
				pages * PAGE_SIZE) == SVSM_OK);
	heap_init(0x243f6a8885a308d3ull ^ size);
	pgalloc_get_stats(&m.initial);
	m.start = mem_base + (skip + m.initial.meta_pages) * PAGE_SIZE;
	m.end = mem_base + (skip + pages) * PAGE_SIZE;

	for (unsigned int ops = 0; ops < OPS_MAX && in.pos < in.size; ops++) {
		switch (next_u8() % 6) {
		case 0:
			op_alloc();
			break;
		case 1:
			op_free(false);
			break;
		case 2:
			op_kmalloc(next_u16() % 2100);
			break;
		case 3:
			op_kmalloc((size_t)next_u16() * 40);
			break;
		case 4:
			op_free(true);
			break;
		default:
			heap_shrink();
			break;
		}
		check_stats();
		check_pages();
	}

	while (m.count)
		release(m.count - 1);
	heap_shrink();
	check_stats();
	pgalloc_get_stats(&s);
	FUZZ_CHECK(s.free_pages == m.initial.free_pages);
	for (unsigned int k = 0; k <= PGALLOC_MAX_ORDER; k++)
		FUZZ_CHECK(s.free_blocks[k] == m.initial.free_blocks[k]);
	return 0;
}
