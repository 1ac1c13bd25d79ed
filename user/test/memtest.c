// SPDX-License-Identifier: MIT
/*
 * malloc (small blocks from brk, large ones from mmap), realloc, free,
 * getrandom, clock_gettime, time and uname, printing only what is the same
 * on every run and every kernel, so csvsm's output can be compared with the
 * host's byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static uint32_t checksum(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int small_blocks(void)
{
	void *p[512];
	uint32_t sum = 0;

	for (int i = 0; i < 512; i++) {
		p[i] = malloc((size_t)(i % 61) + 1);
		if (!p[i])
			return 1;
		memset(p[i], i & 0xff, (size_t)(i % 61) + 1);
	}
	for (int i = 0; i < 512; i++) {
		sum += checksum(p[i], (size_t)(i % 61) + 1);
		free(p[i]);
	}
	printf("small blocks: 512 allocated, checksum %08x\n", sum);
	return 0;
}

static int large_blocks(void)
{
	size_t sizes[] = {200 << 10, 1 << 20, 1536 << 10};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *b = malloc(sizes[i]);

		if (!b)
			return 1;
		for (size_t j = 0; j < sizes[i]; j++)
			b[j] = (unsigned char)(j * 31 + i);
		printf("large block %zu KiB: checksum %08x\n", sizes[i] >> 10,
		       checksum(b, sizes[i]));
		b = realloc(b, sizes[i] * 2);
		if (!b)
			return 1;
		printf("  realloc kept the data: %s\n",
		       checksum(b, sizes[i]) == checksum(b, sizes[i]) &&
				       b[sizes[i] - 1] ==
					       (unsigned char)((sizes[i] - 1) *
								       31 +
							       i)
			       ? "yes"
			       : "no");
		free(b);
	}
	return 0;
}

static int randomness(void)
{
	unsigned char a[64];
	unsigned char b[64];
	int nonzero = 0;

	if (getrandom(a, sizeof(a), 0) != (ssize_t)sizeof(a) ||
	    getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b))
		return 1;
	for (size_t i = 0; i < sizeof(a); i++)
		nonzero += a[i] != 0;
	printf("getrandom: 2 x 64 bytes, differ %s, mostly non-zero %s\n",
	       memcmp(a, b, sizeof(a)) ? "yes" : "no",
	       nonzero > 32 ? "yes" : "no");
	return 0;
}

static int clocks(void)
{
	struct timespec m0;
	struct timespec m1;
	struct timespec r;
	volatile uint64_t spin = 0;

	if (clock_gettime(CLOCK_MONOTONIC, &m0) ||
	    clock_gettime(CLOCK_REALTIME, &r))
		return 1;
	for (int i = 0; i < 1000000; i++)
		spin += (uint64_t)i;
	if (clock_gettime(CLOCK_MONOTONIC, &m1))
		return 1;
	printf("clock_gettime: monotonic advances %s, nsec in range %s\n",
	       (m1.tv_sec > m0.tv_sec ||
		(m1.tv_sec == m0.tv_sec && m1.tv_nsec > m0.tv_nsec))
		       ? "yes"
		       : "no",
	       m0.tv_nsec >= 0 && m0.tv_nsec < 1000000000 ? "yes" : "no");
	printf("realtime after 2020: %s, time() agrees: %s\n",
	       r.tv_sec > 1577836800 ? "yes" : "no",
	       time(NULL) - r.tv_sec < 5 ? "yes" : "no");
	return 0;
}

int main(void)
{
	struct utsname u;

	if (small_blocks() || large_blocks() || randomness() || clocks())
		return 2;
	if (uname(&u))
		return 3;
	printf("uname: %s %s\n", u.sysname, u.machine);
	printf("getpid positive: %s\n", getpid() > 0 ? "yes" : "no");
	return 0;
}
