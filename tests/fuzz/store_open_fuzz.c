/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for opening a hostile disk with the store
 * (kernel/store). The first byte chooses how the input becomes the disk:
 *   bit 0 clear: the input is the raw disk (the host's view: anything);
 *   bit 0 set:   the input gives both roots' headers and file tables and
 *                the data blocks, and the target seals them under the
 *                store's key, as a host that knew the key (or a bug in an
 *                earlier csvsm) would: tables that authenticate but lie;
 *   bit 1:       the roots get the right magic, format and key id;
 *   bit 2:       every file's blocks are sealed to match its entry;
 *   bit 3:       with a model counter whose value is the second byte;
 *   bit 4:       the sealed roots' slot, size and version and their
 *                entries' block counts and versions are made consistent,
 *                so that names, sizes, places and overlaps get explored.
 * Promises checked: a refused open says why, writes nothing and leaves
 * the counter alone; an accepted store writes nothing (unless the counter
 * was odd: an update cut short, settled), agrees with the counter, reads
 * every file it lists, takes an update, and opens again at the next
 * version with that file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/store.h"

#include "fake/fake.h"
#include "fake_disk.h"
#include "store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define MEM_SIZE   (4u << 20)
#define BLOCKS	   8u
#define SECTORS	   (BLOCKS * STORE_SECTORS_PER_BLOCK)
#define DISK_BYTES ((size_t)BLOCKS * STORE_BLOCK_SIZE)

static const uint8_t key[STORE_KEY_SIZE] = {0xf0, 0x22};
static struct store_key_source src;
static uint64_t rng;

static bool fuzz_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rng = rng * 6364136223846793005ull + 1;
		p[i] = (uint8_t)(rng >> 56);
	}
	return true;
}

struct input {
	const uint8_t *p;
	size_t n;
};

static void take(struct input *in, void *dst, size_t len)
{
	size_t k = in->n < len ? in->n : len;

	memset(dst, 0, len);
	memcpy(dst, in->p, k);
	in->p += k;
	in->n -= k;
}

static void normalise(struct store_root_hdr *h, struct store_body *b,
		      uint32_t slot)
{
	h->slot = slot;
	h->block_count = BLOCKS;
	h->version = 2 + h->version % 8;
	h->reserved_1c = 0;
	h->reserved_4c = 0;
	b->file_count %= STORE_MAX_FILES + 1;
	b->reserved = 0;
	for (uint32_t i = 0; i < STORE_MAX_FILES; i++) {
		struct store_entry *e = &b->files[i];

		if (i >= b->file_count) {
			memset(e, 0, sizeof(*e));
			continue;
		}
		e->size %= 3 * STORE_BLOCK_SIZE;
		e->count = (e->size + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
		e->first %= BLOCKS;
		e->written = 2;
		e->reserved_2c = 0;
		e->reserved_54 = 0;
		e->name[sizeof(e->name) - 1] = 0;
	}
}

/* Builds an authentic-but-hostile disk from the input. */
static void seal_disk(uint8_t *img, struct input *in, uint8_t mode,
		      const struct store_keys *k)
{
	static struct store_body body[2];
	struct store_root_hdr hdr[2];

	for (uint32_t s = 0; s < 2; s++) {
		take(in, &hdr[s], sizeof(hdr[s]));
		take(in, &body[s], sizeof(body[s]));
		if (mode & 2) {
			memcpy(hdr[s].magic, STORE_ROOT_MAGIC,
			       sizeof(hdr[s].magic));
			hdr[s].format = STORE_FORMAT;
			memcpy(hdr[s].key_id, k->key_id, STORE_KEY_ID_SIZE);
		}
		if (mode & 16)
			normalise(&hdr[s], &body[s], s);
	}
	take(in, img + 2 * STORE_BLOCK_SIZE, DISK_BYTES - 2 * STORE_BLOCK_SIZE);
	for (uint32_t s = 0; s < 2; s++) {
		struct store_body *b = &body[s];

		for (uint32_t i = 0; (mode & 4) && i < STORE_MAX_FILES; i++) {
			struct store_entry *e = &b->files[i];
			uint8_t *at = img + (size_t)e->first * STORE_BLOCK_SIZE;

			if (!e->count || e->first < 2 || e->first >= BLOCKS ||
			    e->count > BLOCKS - e->first)
				continue;
			(void)store_data_seal(k, hdr[s].uuid, e, at);
		}
		(void)store_root_seal(k, &hdr[s], b,
				      img + (size_t)s * STORE_BLOCK_SIZE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t before[DISK_BYTES];
	static uint8_t buf[STORE_MAX_FILE_SIZE];
	static bool ready;
	struct input in = {data, size};
	struct store_keys k;
	struct fake_disk d;
	struct model_counter c;
	struct store_config cfg;
	struct store_change ch = {.name = "fuzz", .data = "new", .size = 3};
	enum store_refusal why;
	struct store *s;
	bool formatted;
	uint8_t mode = 0;
	uint8_t cval = 0;
	uint64_t version;

	if (!ready) {
		uint64_t base = fake_mm_init(MEM_SIZE);

		log_set_level(LOG_LEVEL_NONE);
		EXPECT(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
		heap_init(0xf022);
		store_key_source_fixed(&src, "fuzz key", false, key);
		ready = true;
	}
	rng = size;
	take(&in, &mode, 1);
	take(&in, &cval, 1);
	fake_disk_init(&d, SECTORS);
	EXPECT(d.image != NULL);
	model_counter_init(&c, &d);
	c.value = cval;
	if (mode & 1) {
		EXPECT(store_derive_keys(key, &k) == SVSM_OK);
		seal_disk(d.image, &in, mode, &k);
	} else {
		take(&in, d.image, DISK_BYTES);
	}
	memcpy(before, d.image, DISK_BYTES);
	cfg = (struct store_config){.dev = &d.dev,
				    .key = &src,
				    .counter = (mode & 8) ? &c.ops : NULL,
				    .random = fuzz_random,
				    .allow_format = false};

	if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK) {
		EXPECT(why != STORE_REFUSE_NONE);
		EXPECT(d.writes == 0 && d.flushes == 0);
		EXPECT(!memcmp(before, d.image, DISK_BYTES));
		EXPECT(c.value == cval);
		fake_disk_free(&d);
		return 0;
	}
	/* Only an update the counter shows cut short is written at open. */
	EXPECT(!formatted && (d.writes == 0 || ((mode & 8) && cval % 2)));
	version = store_version(s);
	if (mode & 8)
		EXPECT(c.value == version);
	for (uint32_t i = 0; i < store_file_count(s); i++) {
		const char *name;
		uint32_t fsize;
		uint32_t got;

		EXPECT(store_file_at(s, i, &name, &fsize));
		EXPECT(fsize <= STORE_MAX_FILE_SIZE);
		EXPECT(store_read(s, name, buf, sizeof(buf), &got) == SVSM_OK);
		EXPECT(got == fsize);
	}
	if (store_commit(s, &ch, 1) == SVSM_OK) {
		uint32_t got = 0;

		store_close(s);
		EXPECT(store_open(&cfg, &s, &formatted, &why) == SVSM_OK);
		EXPECT(store_version(s) == version + 2);
		EXPECT(store_read(s, "fuzz", buf, sizeof(buf), &got) ==
		       SVSM_OK);
		EXPECT(got == 3 && !memcmp(buf, "new", 3));
	}
	store_close(s);
	fake_disk_free(&d);
	return 0;
}
