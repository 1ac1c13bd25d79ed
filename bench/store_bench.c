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
 *     crypto and bookkeeping, not of a device);
 *   - the persisted directory (kernel/fs/persist.c): what a close costs
 *     after a change, after reading, and after writing the same bytes.
 * Timing never fails anything.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/persist.h"
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

/* Writes (or, with data NULL, reads) a file of the directory, closes it. */
static void touch_file(const char *path, const void *data, size_t len)
{
	static uint8_t rbuf[64];
	struct fs_node *n;
	struct fs_buf b;

	if (fs_open(fs_root(), path, true, false, &n))
		return;
	if (data) {
		fs_buf_kernel(&b, (void *)data, len);
		(void)fs_write(n, 0, &b);
	} else {
		fs_buf_kernel(&b, rbuf, sizeof(rbuf));
		(void)fs_read(n, 0, &b);
	}
	fs_put(n);
}

static void persisted_directory(const struct store_key_source *src)
{
	static const char *const what[] = {"close after a 32-byte change",
					   "close after a read",
					   "close after the same bytes again"};
	struct fake_disk d;
	struct store_config cfg;
	struct persist_stats a;
	struct persist_stats b;
	enum store_refusal why;
	bool formatted;

	fake_disk_init(&d, DISK_SECTORS);
	cfg = (struct store_config){.dev = &d.dev,
				    .key = src,
				    .random = bench_random,
				    .allow_format = true};
	if (fs_init(1024) ||
	    persist_mount("/var/tpm", &cfg, &formatted, &why) != SVSM_OK) {
		printf("persisted directory: mount failed\n");
		return;
	}
	touch_file("/var/tpm/nv", "counter=1-----------------------", 32);
	printf("\n%-34s  %9s  %7s\n", "persisted directory", "bytes",
	       "updates");
	for (int i = 0; i < 3; i++) {
		persist_get_stats(&a);
		fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
		if (i == 0)
			touch_file("/var/tpm/nv",
				   "counter=2-----------------------", 32);
		else if (i == 1)
			touch_file("/var/tpm/nv", NULL, 0);
		else
			touch_file("/var/tpm/nv",
				   "counter=2-----------------------", 32);
		persist_get_stats(&b);
		printf("%-34s  %9llu  %7llu\n", what[i],
		       (unsigned long long)(d.sectors_written *
					    BLOCK_SECTOR_SIZE),
		       (unsigned long long)(b.commits - a.commits));
	}
	persist_unmount();
	fake_disk_free(&d);
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
	persisted_directory(&src);
	return 0;
}
