/* SPDX-License-Identifier: MIT */
/*
 * Hosted benchmark of the SVSM allocators against glibc, measured side by
 * side in one run: alloc+free pairs per second for a 4 KiB page
 * (pgalloc_alloc order 0) and a 64-byte object (kmalloc(64)), next to
 * glibc malloc/free and calloc/free of the same sizes. Both SVSM
 * allocators zero memory (pgalloc on free, kmalloc on free and on
 * allocation), so calloc is the like-for-like comparison and malloc the
 * floor. Each figure runs for about 0.3 s after a short calibration. It
 * prints numbers and ratios only: timing never fails anything.
 *
 * Build (plain -O2, no sanitizers) and run:
 *   gcc -std=gnu11 -O2 -Iinclude -Ikernel/arch/fake bench/alloc_bench.c \
 *     kernel/mm/pgalloc.c kernel/mm/heap.c kernel/arch/fake/[a-z]*.c \
 *     kernel/core/log.c lib/format.c -o out/bench/alloc_bench
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "svsm/addr.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"

#define BENCH_MEM     (64ull << 20)
#define BENCH_SECONDS 0.3

/* Keeps the compiler from deleting malloc/free pairs as dead code. */
static void *volatile sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void touch(void *p)
{
	*(volatile char *)p = 1;
	sink = p;
}

static void run_pgalloc(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		paddr_t pa;

		if (pgalloc_alloc(0, 0, &pa) != SVSM_OK)
			abort();
		touch(arch_phys_to_virt(pa_val(pa), PAGE_SIZE));
		pgalloc_free(pa, 0);
	}
}

static void run_kmalloc64(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		void *p = kmalloc(64);

		if (!p)
			abort();
		touch(p);
		kfree(p);
	}
}

static void run_malloc(unsigned long n, size_t size, int zeroed)
{
	for (unsigned long i = 0; i < n; i++) {
		void *p = zeroed ? calloc(1, size) : malloc(size);

		if (!p)
			abort();
		touch(p);
		free(p);
	}
}

static void run_malloc64(unsigned long n)
{
	run_malloc(n, 64, 0);
}

static void run_calloc64(unsigned long n)
{
	run_malloc(n, 64, 1);
}

static void run_malloc4k(unsigned long n)
{
	run_malloc(n, 4096, 0);
}

static void run_calloc4k(unsigned long n)
{
	run_malloc(n, 4096, 1);
}

/* Pairs per second: calibrate for ~30 ms, then run ~BENCH_SECONDS. */
static double measure(void (*fn)(unsigned long))
{
	unsigned long n = 1000;
	double t = 0;
	double t0 = 0;

	for (;;) {
		t0 = now();
		fn(n);
		t = now() - t0;
		if (t >= 0.03)
			break;
		n *= 2;
	}
	n = (unsigned long)((double)n * BENCH_SECONDS / t) + 1;
	t0 = now();
	fn(n);
	t = now() - t0;
	return (double)n / t;
}

struct row {
	const char *name;
	void (*fn)(unsigned long);
	double rate;
};

int main(void)
{
	struct row rows[] = {
		{"pgalloc order 0 (4 KiB)", run_pgalloc, 0},
		{"glibc malloc(4096)/free", run_malloc4k, 0},
		{"glibc calloc(4096)/free", run_calloc4k, 0},
		{"kmalloc(64)/kfree", run_kmalloc64, 0},
		{"glibc malloc(64)/free", run_malloc64, 0},
		{"glibc calloc(64)/free", run_calloc64, 0},
	};
	uint64_t base = fake_mm_init(BENCH_MEM);

	if (pgalloc_init(pa_init(base), BENCH_MEM) != SVSM_OK)
		return 1;
	heap_init(0x9e3779b97f4a7c15ull);

	printf("%-26s %14s %10s\n", "alloc+free pair", "pairs/s", "ns/pair");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rows[i].rate = measure(rows[i].fn);
		printf("%-26s %14.0f %10.1f\n", rows[i].name, rows[i].rate,
		       1e9 / rows[i].rate);
	}
	printf("\nratios (SVSM / glibc, > 1 means the SVSM allocator is "
	       "faster):\n");
	printf("  pgalloc order 0 / malloc(4096)  %6.2f\n",
	       rows[0].rate / rows[1].rate);
	printf("  pgalloc order 0 / calloc(4096)  %6.2f\n",
	       rows[0].rate / rows[2].rate);
	printf("  kmalloc(64) / malloc(64)        %6.2f\n",
	       rows[3].rate / rows[4].rate);
	printf("  kmalloc(64) / calloc(64)        %6.2f\n",
	       rows[3].rate / rows[5].rate);
	fake_mm_free();
	return 0;
}
