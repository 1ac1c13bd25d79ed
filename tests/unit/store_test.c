/* SPDX-License-Identifier: MIT */
/*
 * The persistent store (kernel/store) on the stopping in-memory disk of
 * fake_disk.h:
 *   - crash safety, exhaustively: a run of updates stopped after every
 *     device write, cleanly and with that write torn, with and without an
 *     external counter; reopening must find exactly the state after the
 *     acknowledged updates, or after the one that was running, and go on;
 *   - tampering: a bit flipped in every block, two blocks swapped, a block
 *     from another store, an older copy of the whole disk, the wrong key,
 *     content that is no store, a counter that disagrees: each refused
 *     with its reason and nothing written, while bytes no state depends
 *     on (the older root, free blocks) change nothing;
 *   - the rules of an update (names, sizes, room) and the write economy.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/store.h"

#include "fake/fake.h"
#include "fake_disk.h"
#include "test.h"

#define MEM_SIZE    (8u << 20)
#define DISK_BLOCKS 48u
#define DISK_SECTORS \
	((uint64_t)DISK_BLOCKS * (STORE_BLOCK_SIZE / BLOCK_SECTOR_SIZE))
#define MAX_TEST_FILES 4u
#define MAX_TEST_SIZE  9000u

static uint64_t rng;
static unsigned int saved_level;

/* Deterministic "randomness" for nonces and identities (tests only). */
static bool test_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		p[i] = (uint8_t)(rng >> 24);
	}
	return true;
}

static const uint8_t key_a[STORE_KEY_SIZE] = {
	0x51, 0x7a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
	0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e};
static const uint8_t key_b[STORE_KEY_SIZE] = {0xb0, 0x0b};
static struct store_key_source src_a;
static struct store_key_source src_b;

static bool setup(void)
{
	uint64_t base;

	saved_level = log_get_level();
	log_set_level(LOG_LEVEL_NONE);
	base = fake_mm_init(MEM_SIZE);
	REQUIRE_TRUE(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
	heap_init(0x5704e5704eull);
	rng = 0x243f6a8885a308d3ull;
	store_key_source_fixed(&src_a, "test key a", false, key_a);
	store_key_source_fixed(&src_b, "test key b", false, key_b);
	return true;
}

static void teardown(void)
{
	log_set_level(saved_level);
}

/* ---- the expected state: files by name ---- */

struct tfile {
	char name[32];
	uint32_t size;
	uint8_t data[MAX_TEST_SIZE];
};

struct tstate {
	uint32_t count;
	struct tfile f[MAX_TEST_FILES];
};

static void pattern(uint8_t *p, uint32_t size, uint32_t seed)
{
	for (uint32_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* One update of the workload: up to three changes. */
struct tchange {
	const char *name;
	uint32_t size;
	uint32_t seed;
	bool remove;
};

struct tupdate {
	struct tchange c[3];
	uint32_t count;
};

/* Sizes chosen to cross block boundaries, grow, shrink and empty files. */
static const struct tupdate workload[] = {
	{{{"permall", 1500, 1, false}}, 1},
	{{{"volatilestate", 5000, 2, false}, {"permall", 1600, 3, false}}, 2},
	{{{"permall", 8200, 4, false}}, 1},
	{{{"volatilestate", 0, 0, true}}, 1},
	{{{"savestate", 0, 5, false}, {"nv", 300, 6, false}}, 2},
	{{{"permall", 100, 7, false}}, 1},
};
#define WORKLOAD_LEN (sizeof(workload) / sizeof(workload[0]))

static struct tstate states[WORKLOAD_LEN + 1];

static void apply(struct tstate *st, const struct tupdate *u)
{
	for (uint32_t i = 0; i < u->count; i++) {
		const struct tchange *c = &u->c[i];
		uint32_t at = st->count;

		for (uint32_t j = 0; j < st->count; j++)
			if (!strcmp(st->f[j].name, c->name))
				at = j;
		if (c->remove) {
			st->f[at] = st->f[st->count - 1];
			st->count--;
			continue;
		}
		if (at == st->count) {
			st->count++;
			memset(&st->f[at], 0, sizeof(st->f[at]));
			strcpy(st->f[at].name, c->name);
		}
		st->f[at].size = c->size;
		pattern(st->f[at].data, c->size, c->seed);
	}
}

static void build_states(void)
{
	memset(&states[0], 0, sizeof(states[0]));
	for (size_t i = 0; i < WORKLOAD_LEN; i++) {
		states[i + 1] = states[i];
		apply(&states[i + 1], &workload[i]);
	}
}

static enum svsm_err commit_update(struct store *s, const struct tupdate *u)
{
	static uint8_t bufs[3][MAX_TEST_SIZE];
	struct store_change ch[3];

	for (uint32_t i = 0; i < u->count; i++) {
		pattern(bufs[i], u->c[i].size, u->c[i].seed);
		ch[i].name = u->c[i].name;
		ch[i].data = bufs[i];
		ch[i].size = u->c[i].size;
		ch[i].remove = u->c[i].remove;
	}
	return store_commit(s, ch, u->count);
}

/* Whether the store holds exactly st (no failure recorded). */
static bool same(struct store *s, const struct tstate *st)
{
	static uint8_t buf[MAX_TEST_SIZE];

	if (store_file_count(s) != st->count)
		return false;
	for (uint32_t i = 0; i < st->count; i++) {
		uint32_t size = 0;

		if (store_read(s, st->f[i].name, buf, sizeof(buf), &size) !=
			    SVSM_OK ||
		    size != st->f[i].size ||
		    memcmp(buf, st->f[i].data, size) != 0)
			return false;
	}
	return true;
}

/* The store holds exactly st. */
static bool holds(struct store *s, const struct tstate *st)
{
	static uint8_t buf[MAX_TEST_SIZE];

	REQUIRE_EQ(store_file_count(s), st->count);
	for (uint32_t i = 0; i < st->count; i++) {
		uint32_t size = 0;

		REQUIRE_EQ(
			store_read(s, st->f[i].name, buf, sizeof(buf), &size),
			SVSM_OK);
		REQUIRE_EQ(size, st->f[i].size);
		REQUIRE_TRUE(memcmp(buf, st->f[i].data, size) == 0);
	}
	return true;
}

static struct store_config config(struct fake_disk *d,
				  const struct store_key_source *key,
				  struct model_counter *c)
{
	struct store_config cfg = {
		.dev = &d->dev,
		.key = key,
		.counter = c ? &c->ops : NULL,
		.random = test_random,
		.allow_format = true,
	};
	return cfg;
}

/* The device writes done after the format and after each update. */
static uint64_t write_ends[WORKLOAD_LEN + 1];

/*
 * Formats d and runs the workload until the disk stops. Returns the
 * number of acknowledged updates, -1 if even the format failed.
 */
static int run_workload(struct fake_disk *d, struct model_counter *c,
			size_t updates)
{
	struct store_config cfg = config(d, &src_a, c);
	enum store_refusal why;
	struct store *s;
	bool formatted;
	int acked = 0;

	if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK)
		return -1;
	write_ends[0] = d->writes;
	for (size_t i = 0; i < updates; i++) {
		if (commit_update(s, &workload[i]) != SVSM_OK)
			break;
		acked++;
		write_ends[i + 1] = d->writes;
	}
	store_close(s);
	return acked;
}

/* ---- crash safety ---- */

/* Outcomes over a whole crash sweep: the old state, the running update's. */
static uint32_t reopened_old;
static uint32_t reopened_new;

/*
 * Whether a stop at write `stop` with `torn` sectors of it written leaves
 * the new state of the update running: exactly when that write is the
 * update's root write (its last) and all of it reached the disk.
 */
static bool new_state_expected(uint64_t stop, uint32_t torn)
{
	for (size_t k = 1; k <= WORKLOAD_LEN; k++)
		if (stop < write_ends[k])
			return stop == write_ends[k] - 1 && torn >= 8;
	return false;
}

static bool crash_run(bool with_counter, uint64_t stop, uint32_t torn,
		      bool *stopped)
{
	bool want_new = new_state_expected(stop, torn);
	struct fake_disk d;
	struct model_counter c;
	struct store_config cfg;
	enum store_refusal why;
	struct store *s = NULL;
	bool formatted;
	int acked;
	bool ok = false;

	fake_disk_init(&d, DISK_SECTORS);
	model_counter_init(&c, &d);
	fake_disk_plan(&d, stop, torn);
	acked = run_workload(&d, with_counter ? &c : NULL, WORKLOAD_LEN);
	*stopped = d.stopped;

	/* The machine comes back: same disk, no fault. */
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	cfg = config(&d, &src_a, with_counter ? &c : NULL);
	if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK) {
		test_printf("  stop %llu torn %u: reopen refused (%s)\n",
			    (unsigned long long)stop, torn,
			    store_refusal_name(why));
		goto out;
	}
	if (acked < 0) {
		/* Stopped in the format: blank again, or the empty store. */
		if (!holds(s, &states[0]))
			goto out;
		acked = 0;
	} else if (!want_new && same(s, &states[acked])) {
		/* The acknowledged state: the root write did not complete. */
		reopened_old++;
	} else if (want_new && (size_t)acked < WORKLOAD_LEN &&
		   same(s, &states[acked + 1])) {
		/* The update whose root reached the disk before the stop. */
		reopened_new++;
		acked++;
	} else {
		test_printf("  stop %llu torn %u: version %llu holds neither "
			    "state %d nor %d\n",
			    (unsigned long long)stop, torn,
			    (unsigned long long)store_version(s), acked,
			    acked + 1);
		goto out;
	}
	if (with_counter && c.value != store_version(s)) {
		test_printf("  counter %llu, version %llu\n",
			    (unsigned long long)c.value,
			    (unsigned long long)store_version(s));
		goto out;
	}
	/* And the store goes on from there. */
	if ((size_t)acked < WORKLOAD_LEN) {
		if (commit_update(s, &workload[acked]) != SVSM_OK)
			goto out;
		store_close(s);
		s = NULL;
		if (store_open(&cfg, &s, &formatted, &why) != SVSM_OK ||
		    !holds(s, &states[acked + 1]))
			goto out;
	}
	ok = true;
out:
	store_close(s);
	fake_disk_free(&d);
	return ok;
}

static void crash_every_write(bool with_counter)
{
	/*
	 * Write `stop` gets none of its 8 sectors, some, or all of them
	 * (the machine stops just after it reached the disk).
	 */
	static const uint32_t torn[] = {0, 1, 4, 7, 8};
	struct fake_disk d;
	uint64_t total;
	uint32_t runs = 0;

	ASSERT_TRUE(setup());
	build_states();
	fake_disk_init(&d, DISK_SECTORS);
	/* The fault-free run: where each update's writes end (write_ends). */
	ASSERT_EQ(run_workload(&d, NULL, WORKLOAD_LEN), WORKLOAD_LEN);
	total = d.writes;
	ASSERT_EQ(write_ends[WORKLOAD_LEN], total);
	fake_disk_free(&d);
	ASSERT_GT(total, WORKLOAD_LEN * 2);
	reopened_old = 0;
	reopened_new = 0;

	for (uint64_t stop = 0; stop <= total; stop++)
		for (size_t t = 0; t < sizeof(torn) / sizeof(torn[0]); t++) {
			bool stopped = false;

			EXPECT_TRUE(crash_run(with_counter, stop, torn[t],
					      &stopped));
			/* Every planned stop but the last happened. */
			EXPECT_EQ(stopped, stop < total);
			runs++;
		}
	EXPECT_EQ(runs, (total + 1) * 5);
	/*
	 * Both outcomes occur: a stop before a root write completes keeps
	 * the old state, a stop just after it (before the acknowledgement)
	 * gives the new one: once per update.
	 */
	EXPECT_GT(reopened_old, WORKLOAD_LEN);
	EXPECT_EQ(reopened_new, WORKLOAD_LEN);
	test_printf("  %u stops: %u old state, %u the running update's\n", runs,
		    reopened_old, reopened_new);
	teardown();
}

TEST(store, crash_after_every_write_reopens_to_an_acknowledged_state)
{
	crash_every_write(false);
}

TEST(store, crash_after_every_write_with_counter)
{
	crash_every_write(true);
}

/* ---- tampering ---- */

struct tamper_fx {
	struct fake_disk d;
	struct model_counter c;
	uint8_t *good;	/* the image after the whole workload */
	uint8_t *older; /* the image after three updates */
	uint64_t bytes;
	bool live[DISK_BLOCKS];
	uint64_t final_counter;
};

static bool tamper_setup(struct tamper_fx *fx)
{
	struct store_config cfg;
	enum store_refusal why;
	struct store *s;
	bool formatted;

	REQUIRE_TRUE(setup());
	build_states();
	fake_disk_init(&fx->d, DISK_SECTORS);
	model_counter_init(&fx->c, &fx->d);
	fx->bytes = DISK_SECTORS * BLOCK_SECTOR_SIZE;
	fx->good = malloc(fx->bytes);
	fx->older = malloc(fx->bytes);
	REQUIRE_TRUE(fx->good && fx->older);
	REQUIRE_EQ(run_workload(&fx->d, &fx->c, 3), 3);
	memcpy(fx->older, fx->d.image, fx->bytes);

	cfg = config(&fx->d, &src_a, &fx->c);
	REQUIRE_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	for (size_t i = 3; i < WORKLOAD_LEN; i++)
		REQUIRE_EQ(commit_update(s, &workload[i]), SVSM_OK);
	for (uint32_t b = 0; b < DISK_BLOCKS; b++)
		fx->live[b] = store_block_live(s, b);
	store_close(s);
	memcpy(fx->good, fx->d.image, fx->bytes);
	fx->final_counter = fx->c.value;
	/* Format and each update: version 2, then +2. */
	REQUIRE_EQ(fx->final_counter, 2 * (WORKLOAD_LEN + 1));
	return true;
}

static void tamper_teardown(struct tamper_fx *fx)
{
	free(fx->good);
	free(fx->older);
	fake_disk_free(&fx->d);
	teardown();
}

/*
 * Opens the (tampered) image with key k and the counter at its final
 * value. Refused: the reason, and the image untouched, nothing written.
 * Opened: STORE_REFUSE_NONE, and it must hold the final state.
 */
static enum store_refusal try_open(struct tamper_fx *fx,
				   const struct store_key_source *k,
				   bool counter, const struct tstate *want)
{
	uint8_t *before = malloc(fx->bytes);
	struct store_config cfg = config(&fx->d, k, counter ? &fx->c : NULL);
	enum store_refusal why = STORE_REFUSE_NONE;
	struct store *s = NULL;
	bool formatted = false;
	enum svsm_err err;

	if (!before)
		return STORE_REFUSE_IO;
	memcpy(before, fx->d.image, fx->bytes);
	fx->c.value = fx->final_counter;
	fake_disk_plan(&fx->d, FAKE_DISK_NO_STOP, 0);
	err = store_open(&cfg, &s, &formatted, &why);
	if (err == SVSM_OK) {
		EXPECT_FALSE(formatted);
		EXPECT_TRUE(holds(s, want));
		store_close(s);
		why = STORE_REFUSE_NONE;
	} else {
		EXPECT_NE(why, STORE_REFUSE_NONE);
		/* A counter's own failure passes through. */
		EXPECT_TRUE(err == SVSM_E_INVAL ||
			    (why == STORE_REFUSE_COUNTER && err == SVSM_E_HW));
	}
	EXPECT_EQ(fx->d.writes, 0);
	EXPECT_EQ(fx->d.flushes, 0);
	EXPECT_TRUE(memcmp(before, fx->d.image, fx->bytes) == 0);
	EXPECT_EQ(fx->c.value, fx->final_counter);
	free(before);
	return why;
}

static uint8_t *block_at(struct tamper_fx *fx, uint8_t *image, uint32_t b)
{
	(void)fx;
	return image + (size_t)b * STORE_BLOCK_SIZE;
}

TEST(store, bit_flip_in_any_block_the_state_uses_is_refused)
{
	static const uint32_t offsets[] = {0,	 3,    8,    0x10, 0x18,
					   0x20, 0x30, 0x40, 0x4c, 0x50,
					   0x5f, 0x60, 0x61, 1000, 4095};
	struct tamper_fx fx;
	uint32_t live = 0;

	ASSERT_TRUE(tamper_setup(&fx));
	for (uint32_t b = 0; b < DISK_BLOCKS; b++) {
		live += fx.live[b];
		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]);
		     i++) {
			uint8_t *p = block_at(&fx, fx.d.image, b) + offsets[i];
			enum store_refusal why;

			*p ^= (uint8_t)(1u << (offsets[i] % 8));
			why = try_open(&fx, &src_a, true,
				       &states[WORKLOAD_LEN]);
			if (fx.live[b])
				EXPECT_TRUE(why == STORE_REFUSE_TAMPERED ||
					    why == STORE_REFUSE_ROLLBACK);
			else
				EXPECT_EQ(why, STORE_REFUSE_NONE);
			*p ^= (uint8_t)(1u << (offsets[i] % 8));
		}
	}
	/* The root, permall's block and nv's (savestate is empty). */
	EXPECT_EQ(live, 3);
	tamper_teardown(&fx);
}

TEST(store, flip_in_newest_root_without_counter_opens_the_previous_state)
{
	struct tamper_fx fx;
	uint32_t root = 0;

	ASSERT_TRUE(tamper_setup(&fx));
	while (!fx.live[root] || root > 1)
		root++;
	/*
	 * Indistinguishable from a crash while that root was written: the
	 * previous state opens. docs/storage.md: what a host can replay.
	 */
	block_at(&fx, fx.d.image, root)[200] ^= 1;
	EXPECT_EQ(try_open(&fx, &src_a, false, &states[WORKLOAD_LEN - 1]),
		  STORE_REFUSE_NONE);
	/* With the counter it is a rollback. */
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_ROLLBACK);
	tamper_teardown(&fx);
}

TEST(store, two_blocks_swapped_are_refused)
{
	struct tamper_fx fx;
	uint8_t tmp[STORE_BLOCK_SIZE];
	uint32_t refused = 0;

	ASSERT_TRUE(tamper_setup(&fx));
	for (uint32_t a = 0; a < 12; a++)
		for (uint32_t b = a + 1; b < 12; b++) {
			uint8_t *pa = block_at(&fx, fx.d.image, a);
			uint8_t *pb = block_at(&fx, fx.d.image, b);
			enum store_refusal why;

			if (!memcmp(pa, pb, STORE_BLOCK_SIZE))
				continue;
			memcpy(tmp, pa, sizeof(tmp));
			memcpy(pa, pb, sizeof(tmp));
			memcpy(pb, tmp, sizeof(tmp));
			why = try_open(&fx, &src_a, true,
				       &states[WORKLOAD_LEN]);
			if (fx.live[a] || fx.live[b]) {
				EXPECT_TRUE(why == STORE_REFUSE_TAMPERED ||
					    why == STORE_REFUSE_ROLLBACK);
				refused++;
			} else {
				EXPECT_EQ(why, STORE_REFUSE_NONE);
			}
			memcpy(fx.d.image, fx.good, fx.bytes);
		}
	EXPECT_GT(refused, 20);
	tamper_teardown(&fx);
}

TEST(store, block_from_another_store_with_the_same_key_is_refused)
{
	struct tamper_fx fx;
	struct fake_disk other;
	uint32_t refused = 0;

	ASSERT_TRUE(tamper_setup(&fx));
	/* The same workload under the same key: another uuid, other nonces. */
	fake_disk_init(&other, DISK_SECTORS);
	ASSERT_EQ(run_workload(&other, NULL, WORKLOAD_LEN), WORKLOAD_LEN);
	for (uint32_t b = 0; b < DISK_BLOCKS; b++) {
		uint8_t *mine = block_at(&fx, fx.d.image, b);
		enum store_refusal why;

		if (!memcmp(mine, block_at(&fx, other.image, b),
			    STORE_BLOCK_SIZE))
			continue;
		memcpy(mine, block_at(&fx, other.image, b), STORE_BLOCK_SIZE);
		why = try_open(&fx, &src_a, true, &states[WORKLOAD_LEN]);
		if (fx.live[b]) {
			EXPECT_TRUE(why == STORE_REFUSE_TAMPERED ||
				    why == STORE_REFUSE_ROLLBACK);
			refused++;
		} else {
			EXPECT_EQ(why, STORE_REFUSE_NONE);
		}
		memcpy(fx.d.image, fx.good, fx.bytes);
	}
	EXPECT_EQ(refused, 3);
	fake_disk_free(&other);
	tamper_teardown(&fx);
}

TEST(store, older_copy_of_the_disk_is_refused_with_the_counter)
{
	struct tamper_fx fx;

	ASSERT_TRUE(tamper_setup(&fx));
	memcpy(fx.d.image, fx.older, fx.bytes);
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[3]),
		  STORE_REFUSE_ROLLBACK);
	/* Without a counter the host can replay it: it opens as it was. */
	EXPECT_EQ(try_open(&fx, &src_a, false, &states[3]), STORE_REFUSE_NONE);
	tamper_teardown(&fx);
}

TEST(store, wrong_key_or_another_vms_disk_is_refused_never_formatted)
{
	struct tamper_fx fx;

	ASSERT_TRUE(tamper_setup(&fx));
	EXPECT_EQ(try_open(&fx, &src_b, true, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_WRONG_KEY);
	EXPECT_EQ(try_open(&fx, &src_b, false, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_WRONG_KEY);
	tamper_teardown(&fx);
}

TEST(store, content_that_is_no_store_is_never_overwritten)
{
	struct tamper_fx fx;

	ASSERT_TRUE(tamper_setup(&fx));
	/* Something else's data in both root blocks. */
	memset(fx.d.image, 0xe5, 2 * STORE_BLOCK_SIZE);
	EXPECT_EQ(try_open(&fx, &src_a, false, &states[0]),
		  STORE_REFUSE_NOT_A_STORE);
	/* One blank root and one foreign: still not ours. */
	memset(fx.d.image + STORE_BLOCK_SIZE, 0, STORE_BLOCK_SIZE);
	EXPECT_EQ(try_open(&fx, &src_a, false, &states[0]),
		  STORE_REFUSE_NOT_A_STORE);
	tamper_teardown(&fx);
}

TEST(store, counter_that_disagrees_is_refused)
{
	struct tamper_fx fx;

	ASSERT_TRUE(tamper_setup(&fx));
	/* A counter far ahead: the disk is a replay. */
	fx.final_counter += 5;
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_ROLLBACK);
	/* A counter two behind: not this store's, or reset. */
	fx.final_counter -= 7;
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_COUNTER);
	/* A counter that does not answer. */
	fx.final_counter += 2;
	fx.c.fail = true;
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[WORKLOAD_LEN]),
		  STORE_REFUSE_COUNTER);
	tamper_teardown(&fx);
}

TEST(store, blank_disk_with_a_counter_past_zero_is_erased_state)
{
	struct tamper_fx fx;

	ASSERT_TRUE(tamper_setup(&fx));
	memset(fx.d.image, 0, fx.bytes);
	EXPECT_EQ(try_open(&fx, &src_a, true, &states[0]),
		  STORE_REFUSE_ROLLBACK);
	tamper_teardown(&fx);
}

/* ---- the rules of an update ---- */

TEST(store, update_refusals_write_nothing)
{
	static uint8_t big[STORE_MAX_FILE_SIZE + 1];
	struct fake_disk d;
	struct store_config cfg;
	enum store_refusal why;
	struct store *s;
	bool formatted;
	struct store_change ch = {.name = "a", .data = big, .size = 10};
	char name[40];

	ASSERT_TRUE(setup());
	fake_disk_init(&d, 4 * (STORE_BLOCK_SIZE / BLOCK_SECTOR_SIZE));
	cfg = config(&d, &src_a, NULL);
	ASSERT_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(formatted);
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);

	ch.size = STORE_MAX_FILE_SIZE + 1;
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	ch.size = 10;
	ch.name = "";
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	ch.name = "a/b";
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	ch.name = "..";
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	memset(name, 'x', sizeof(name) - 1);
	name[STORE_NAME_MAX + 1] = '\0';
	ch.name = name;
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	ch.name = "gone";
	ch.remove = true;
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_INVAL);
	/* Two blocks free on a four-block disk: three do not fit. */
	ch.remove = false;
	ch.size = 3 * STORE_BLOCK_SIZE;
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_NOMEM);
	EXPECT_EQ(d.writes, 0);
	EXPECT_EQ(store_version(s), 2);

	/* Two blocks fit; replacing them needs two more: no room. */
	ch.size = 2 * STORE_BLOCK_SIZE;
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_OK);
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_E_NOMEM);
	EXPECT_EQ(store_version(s), 4);
	store_close(s);
	fake_disk_free(&d);
	teardown();
}

TEST(store, small_file_update_writes_its_block_and_one_root)
{
	static uint8_t data[100];
	struct fake_disk d;
	struct store_config cfg;
	struct store_stats st;
	enum store_refusal why;
	struct store *s;
	bool formatted;
	struct store_change big = {.name = "permall", .data = NULL};
	struct store_change ch = {.name = "nv", .data = data, .size = 100};
	static uint8_t blob[6000];

	ASSERT_TRUE(setup());
	fake_disk_init(&d, DISK_SECTORS);
	cfg = config(&d, &src_a, NULL);
	ASSERT_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	big.data = blob;
	big.size = sizeof(blob);
	ASSERT_EQ(store_commit(s, &big, 1), SVSM_OK);
	ASSERT_EQ(store_commit(s, &ch, 1), SVSM_OK);
	store_get_stats(s, &st);
	ASSERT_EQ(store_commit(s, &ch, 1), SVSM_OK);
	{
		struct store_stats after;

		store_get_stats(s, &after);
		/* The 100-byte file's block and the root; the 6000-byte file
		 * is not rewritten. */
		EXPECT_EQ(after.blocks_written - st.blocks_written, 2);
		EXPECT_EQ(after.flushes - st.flushes, 2);
		EXPECT_EQ(after.commits - st.commits, 1);
	}
	store_close(s);
	fake_disk_free(&d);
	teardown();
}

TEST(store, devkey_word_is_64_hex_digits)
{
	uint8_t key[STORE_KEY_SIZE];
	char hex[2 * STORE_KEY_SIZE + 2];

	memset(hex, 'a', 2 * STORE_KEY_SIZE);
	hex[2 * STORE_KEY_SIZE] = '\0';
	hex[0] = '0';
	hex[1] = 'F';
	EXPECT_EQ(store_devkey_parse(hex, key), SVSM_OK);
	EXPECT_EQ(key[0], 0x0f);
	EXPECT_EQ(key[31], 0xaa);
	hex[5] = 'g';
	EXPECT_EQ(store_devkey_parse(hex, key), SVSM_E_INVAL);
	EXPECT_EQ(key[0], 0);
	hex[5] = 'a';
	hex[2 * STORE_KEY_SIZE] = 'a';
	hex[2 * STORE_KEY_SIZE + 1] = '\0';
	EXPECT_EQ(store_devkey_parse(hex, key), SVSM_E_INVAL);
	hex[2 * STORE_KEY_SIZE - 1] = '\0';
	EXPECT_EQ(store_devkey_parse(hex, key), SVSM_E_INVAL);
}

static enum svsm_err broker_key(void *ctx, uint8_t key[STORE_KEY_SIZE])
{
	memcpy(key, ctx, STORE_KEY_SIZE);
	return SVSM_OK;
}

TEST(store, broker_key_source_is_a_hook_until_registered)
{
	uint8_t key[STORE_KEY_SIZE];

	store_key_broker_register(NULL, NULL);
	EXPECT_EQ(store_key_broker.get(&store_key_broker, key),
		  SVSM_E_UNSUPPORTED);
	store_key_broker_register(broker_key, (void *)key_a);
	EXPECT_EQ(store_key_broker.get(&store_key_broker, key), SVSM_OK);
	EXPECT_TRUE(memcmp(key, key_a, sizeof(key)) == 0);
	store_key_broker_register(NULL, NULL);
}

/*
 * A host that keeps the root of an update cut short after its root write
 * (before the counter acknowledged it), shows the disk as it was before
 * that update, lets the SVSM carry on, and later brings the kept root
 * back: refused, because that root's version was reserved once and the
 * SVSM moved past it.
 */
TEST(store, withheld_root_of_a_cut_short_update_is_refused_later)
{
	struct fake_disk d;
	struct model_counter c;
	struct store_config cfg;
	enum store_refusal why;
	struct store *s;
	bool formatted;
	size_t bytes = DISK_SECTORS * BLOCK_SECTOR_SIZE;
	uint8_t *before_u1 = malloc(bytes);
	uint8_t *with_u1 = malloc(bytes);
	uint64_t c_clean;

	ASSERT_TRUE(setup());
	build_states();
	ASSERT_TRUE(before_u1 && with_u1);
	fake_disk_init(&d, DISK_SECTORS);
	model_counter_init(&c, &d);
	cfg = config(&d, &src_a, &c);
	ASSERT_EQ(run_workload(&d, &c, 2), 2);
	c_clean = c.value;
	memcpy(before_u1, d.image, bytes);

	/* U1 (workload[2], one 3-block file): its root is write 3. */
	ASSERT_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	fake_disk_plan(&d, 3, 8);
	EXPECT_NE(commit_update(s, &workload[2]), SVSM_OK);
	store_close(s);
	EXPECT_TRUE(d.stopped);
	EXPECT_EQ(c.value, c_clean + 1); /* reserved, not acknowledged */
	memcpy(with_u1, d.image, bytes);

	/* The host shows the disk from before U1: the old state, settled. */
	memcpy(d.image, before_u1, bytes);
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	ASSERT_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(holds(s, &states[2]));
	EXPECT_EQ(c.value, store_version(s));
	EXPECT_GT(c.value, c_clean + 2);
	/* U2, another update, acknowledged. */
	EXPECT_EQ(commit_update(s, &workload[3]), SVSM_OK);
	store_close(s);

	/* The kept root of U1 comes back: refused. */
	memcpy(d.image, with_u1, bytes);
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	EXPECT_NE(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	EXPECT_EQ(why, STORE_REFUSE_ROLLBACK);
	EXPECT_EQ(d.writes, 0);

	/* Had the host shown U1's disk right away, U1 was the new state. */
	c.value = c_clean + 1;
	ASSERT_EQ(store_open(&cfg, &s, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(holds(s, &states[3]));
	EXPECT_EQ(c.value, c_clean + 2);
	store_close(s);
	free(before_u1);
	free(with_u1);
	fake_disk_free(&d);
	teardown();
}
