/* SPDX-License-Identifier: MIT */
/*
 * Hosted benchmark of the persistent store (kernel/store) on an in-memory
 * disk (tests/unit/fake_disk.c), -O2, one run, figures side by side:
 *   - what one update writes: device bytes, flushes and atomic updates for
 *     a small file (a 32-byte NV index file) and for the vTPM's permanent
 *     state (6 KiB, about what swtpm's permall holds with EKs and
 *     certificates), next to rewriting the whole state, as a store that
 *     keeps one image does (COCONUT writes its 16 KiB NV image per commit);
 *   - time to open a store of that state (roots and every file read and
 *     authenticated), next to AES-256-GCM over the same bytes alone (the
 *     floor of any scheme that authenticates everything at open);
 *   - time per small update, on a disk in memory (the cost of the store's
 *     crypto and bookkeeping, not of a device).
 * Timing never fails anything.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/store.h"

#include "fake/fake.h"
#include "fake_disk.h"
#include "snp/crypto.h"

#define MEM_SIZE     (32u << 20)
#define DISK_SECTORS (256u * 8u)
#define ROUNDS	     2000u

static uint64_t rng = 0x853c49e6748fea9bull;

static bool bench_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(rng >> 56);
	}
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t permall[6144];
static uint8_t volatilestate[10903]; /* with two loaded primaries */
static uint8_t nvfile[32];

static const struct store_change state[] = {
	{.name = "permall", .data = permall, .size = sizeof(permall)},
	{.name = "volatilestate",
	 .data = volatilestate,
	 .size = sizeof(volatilestate)},
	{.name = "nv-01500001", .data = nvfile, .size = sizeof(nvfile)},
};
#define STATE_BYTES (sizeof(permall) + sizeof(volatilestate) + sizeof(nvfile))

static void one_update(struct store *s, struct fake_disk *d,
		       const struct store_change *c, const char *label)
{
	struct store_stats a;
	struct store_stats b;
	uint64_t sectors;

	store_get_stats(s, &a);
	fake_disk_plan(d, FAKE_DISK_NO_STOP, 0);
	if (store_commit(s, c, 1) != SVSM_OK) {
		printf("%-34s  failed\n", label);
		return;
	}
	store_get_stats(s, &b);
	sectors = d->sectors_written;
	printf("%-34s  %9llu  %7llu  %7llu  %12.2fx\n", label,
	       (unsigned long long)(sectors * BLOCK_SECTOR_SIZE),
	       (unsigned long long)(b.flushes - a.flushes),
	       (unsigned long long)(b.commits - a.commits),
	       (double)(sectors * BLOCK_SECTOR_SIZE) / (double)STATE_BYTES);
}

int main(void)
{
	static const uint8_t key[STORE_KEY_SIZE] = {0xbe, 0x4c};
	static uint8_t gcm_buf[STATE_BYTES];
	struct store_key_source src;
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	struct store *s;
	bool formatted;
	double t;
	double open_us;
	double gcm_us;
	uint8_t tag[16];
	uint8_t iv[12] = {0};

	log_set_level(LOG_LEVEL_NONE);
	if (pgalloc_init(pa_init(fake_mm_init(MEM_SIZE)), MEM_SIZE) != SVSM_OK)
		return 1;
	heap_init(0xbe4c);
	store_key_source_fixed(&src, "bench", false, key);
	fake_disk_init(&d, DISK_SECTORS);
	cfg = (struct store_config){.dev = &d.dev,
				    .key = &src,
				    .random = bench_random,
				    .allow_format = true};
	if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK ||
	    store_commit(s, state, 3) != SVSM_OK)
		return 1;

	printf("state: permall %zu B, volatilestate %zu B, one NV file %zu B "
	       "(%zu B in all)\n\n",
	       sizeof(permall), sizeof(volatilestate), sizeof(nvfile),
	       (size_t)STATE_BYTES);
	printf("%-34s  %9s  %7s  %7s  %13s\n", "one update of", "bytes",
	       "flushes", "updates", "vs whole state");
	nvfile[0]++;
	one_update(s, &d, &state[2], "the 32-byte NV file");
	permall[0]++;
	one_update(s, &d, &state[0], "permall (6 KiB)");
	printf("(whole state: the bytes a store that rewrites one image "
	       "writes per update;\n COCONUT rewrites its 16 KiB NV image, "
	       "%.2fx of this state, at every commit)\n\n",
	       16384.0 / (double)STATE_BYTES);

	t = now();
	for (uint32_t i = 0; i < ROUNDS; i++) {
		nvfile[1] = (uint8_t)i;
		if (store_commit(s, &state[2], 1) != SVSM_OK)
			return 1;
	}
	printf("small update, disk in memory: %.1f us\n",
	       (now() - t) * 1e6 / ROUNDS);
	store_close(s);

	t = now();
	for (uint32_t i = 0; i < ROUNDS / 10; i++) {
		if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK)
			return 1;
		store_close(s);
	}
	open_us = (now() - t) * 1e6 / (ROUNDS / 10);
	t = now();
	for (uint32_t i = 0; i < ROUNDS / 10; i++) {
		struct crypto_gcm g = {.key = key, .iv = iv};

		if (crypto_aes256gcm_seal(&g, gcm_buf, sizeof(gcm_buf), gcm_buf,
					  tag) != SVSM_OK)
			return 1;
	}
	gcm_us = (now() - t) * 1e6 / (ROUNDS / 10);
	printf("open (2 roots, 3 files, %zu B): %.1f us; AES-256-GCM of the "
	       "same bytes alone: %.1f us; ratio %.2fx\n",
	       (size_t)STATE_BYTES, open_us, gcm_us, open_us / gcm_us);
	fake_disk_free(&d);
	return 0;
}
