/* SPDX-License-Identifier: MIT */
/*
 * The persistent store (kernel/store): a few named files, kilobytes in
 * all, kept on a block device the host holds but can neither read, alter,
 * mix up nor (with an external counter) roll back unnoticed, and updated
 * atomically, so that after a crash the store is exactly the state before
 * or after the update that was running. The vTPM's state lives here
 * through the file system (kernel/fs/persist.c). The format and the
 * guarantees are in docs/storage.md.
 *
 * Every byte the store depends on is AES-256-GCM ciphertext or
 * authenticated data (mbedTLS through snp/crypto.h), under a key derived
 * (HKDF-SHA-512) from what a key source gives (store_key_source below).
 *
 * TRUST: the device's content is the host's. Opening checks everything
 * before it believes anything, and never writes to the device unless the
 * open succeeded (or the device was blank and is being formatted).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/block.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#define STORE_KEY_SIZE	    32u
#define STORE_BLOCK_SIZE    4096u
#define STORE_MAX_FILES	    32u
#define STORE_NAME_MAX	    31u /* bytes of a file name, without the NUL */
#define STORE_MAX_FILE_SIZE 65536u
/* The store uses at most this many 4 KiB blocks of the device (4 MiB). */
#define STORE_MAX_BLOCKS 1024u
#define STORE_MIN_BLOCKS 3u /* two roots and one data block */

/*
 * Where the store's key comes from. get() writes STORE_KEY_SIZE bytes of
 * secret key material (the store derives its own keys from it) or fails;
 * the caller wipes the key when done. `development` marks a key the host
 * knows (the launcher's key on the native platform): the store logs it
 * at every open and docs/storage.md says what it protects against (no
 * more than a test disk needs).
 */
struct store_key_source {
	const char *name;
	bool development;
	enum svsm_err (*get)(const struct store_key_source *src,
			     uint8_t key[STORE_KEY_SIZE]);
	void *ctx;
};

/*
 * The development-only key handed in by the launcher on the native
 * platform: the command-line word `store_devkey=` with 64 hex digits.
 * SVSM_E_INVAL when the word is missing or not 64 hex digits.
 */
enum svsm_err __must_check store_devkey_parse(const char *hex,
					      uint8_t key[STORE_KEY_SIZE]);
/* A source over a key already in memory (the parsed devkey; tests). */
void store_key_source_fixed(struct store_key_source *src, const char *name,
			    bool development,
			    const uint8_t key[STORE_KEY_SIZE]);

/*
 * The key a remote key broker releases after attestation (issue 16 fills
 * this in): the attestation code registers a function that returns the
 * released key. Until one is registered, the broker source's get() is
 * SVSM_E_UNSUPPORTED.
 */
typedef enum svsm_err (*store_broker_fn)(void *ctx,
					 uint8_t key[STORE_KEY_SIZE]);
void store_key_broker_register(store_broker_fn fn, void *ctx);
extern const struct store_key_source store_key_broker;

/*
 * Which key the vTPM's store gets at boot (docs/storage.md, "Which key at
 * boot"): a pure decision over what the boot found, so that every
 * combination is unit-tested and the kernel glue (kernel/core/
 * store_boot.c) only gathers the facts and acts. In order: the key
 * broker the measured image pins, the secure processor's derived key,
 * the launcher's development key, RAM only. A broker pinned by the image
 * is never replaced by a weaker source: without it the vTPM does not
 * start.
 */
enum store_key_kind {
	STORE_KEY_RAM_ONLY, /* no store: the vTPM's state in RAM only */
	STORE_KEY_BROKER,   /* the key broker's key and rollback counter */
	STORE_KEY_PLATFORM, /* the secure processor's derived key */
	STORE_KEY_DEVKEY,   /* store_devkey=: development only */
	STORE_KEY_REFUSE,   /* the vTPM must not start */
};

struct store_key_facts {
	bool broker_pinned; /* the measured image pins a broker (etc/kbs) */
	bool broker_pin_ok; /* ... and that file is well formed */
	bool broker_asked;  /* kbs= on the command line */
	bool transport_ok;  /* kbs= is absent or names a transport we have */
	bool platform_key;  /* the platform has a secure-processor key */
	bool devkey;	    /* store_devkey= on the command line */
	bool disk_named;    /* store_disk= on the command line */
	bool disk;	    /* the store's block device exists */
};

struct store_key_choice {
	enum store_key_kind kind;
	const char *why; /* one phrase for the boot log */
};

struct store_key_choice store_key_choose(const struct store_key_facts *f);

/*
 * An external trusted monotonic counter (held by the key broker later;
 * a model in the tests). read() gives the current value (0 for a counter
 * never advanced); advance(to) sets it to `to`, which must be greater.
 * Both may fail (SVSM_E_HW, SVSM_E_TIMEOUT): the store then refuses to
 * open, or reports the update as not acknowledged.
 */
struct store_counter {
	enum svsm_err (*read)(void *ctx, uint64_t *value);
	enum svsm_err (*advance)(void *ctx, uint64_t to);
	void *ctx;
};

/* Why an open was refused (besides a device error). */
enum store_refusal {
	STORE_REFUSE_NONE = 0,
	STORE_REFUSE_IO,	  /* the device failed a read or a write */
	STORE_REFUSE_NOT_A_STORE, /* content that is not a csvsm store */
	STORE_REFUSE_WRONG_KEY,	  /* a store made with another key */
	STORE_REFUSE_TAMPERED, /* a store whose content does not authenticate */
	STORE_REFUSE_ROLLBACK, /* older than the counter (or empty) */
	STORE_REFUSE_COUNTER,  /* ahead of the counter, or no counter answer */
	STORE_REFUSE_KEY,      /* the key source gave no key */
	STORE_REFUSE_NO_FORMAT, /* blank, and formatting was not allowed */
};
const char *store_refusal_name(enum store_refusal r);

struct store_config {
	struct block_dev *dev;
	const struct store_key_source *key;
	const struct store_counter *counter; /* NULL: no rollback check */
	/* Random bytes for nonces and the store's identity (RDRAND). */
	bool (*random)(void *buf, size_t len);
	bool allow_format; /* a blank device may be formatted */
};

struct store;

/*
 * Opens the store on cfg->dev: a blank device (both root blocks all
 * zero) is formatted when allowed (and, with a counter, only while the
 * counter is 0, or 1 for a format cut short); a store is opened when its
 * newest root and every file it names authenticate and the counter
 * agrees. An update the counter shows was cut short is settled here
 * (docs/storage.md, "Rollback"): the only writes an open makes. Anything
 * else is refused: SVSM_E_INVAL with *why set (SVSM_E_HW/SVSM_E_TIMEOUT
 * for the device or the counter, SVSM_E_NOMEM), and nothing is written.
 * *formatted tells which case.
 */
enum svsm_err __must_check store_open(const struct store_config *cfg,
				      struct store **out, bool *formatted,
				      enum store_refusal *why);
void store_close(struct store *s);

/*
 * The version of the state the store holds: even, 2 after a format, +2
 * per update (more with a counter after an interrupted update).
 */
uint64_t store_version(const struct store *s);
uint32_t store_file_count(const struct store *s);
/* File `index`: its name and size; false past the end. */
bool store_file_at(const struct store *s, uint32_t index, const char **name,
		   uint32_t *size);
/*
 * Reads file `name` into buf (cap bytes at least its size): read from the
 * device again and authenticated. SVSM_E_INVAL when there is no such file
 * or it no longer authenticates (the host changed it since the open).
 */
enum svsm_err __must_check store_read(struct store *s, const char *name,
				      void *buf, size_t cap, uint32_t *size);

/* One file of an update: new content, or removal. */
struct store_change {
	const char *name;
	const void *data;
	uint32_t size;
	bool remove;
};

/*
 * Applies the changes as one atomic update: the counter (if any) advanced
 * to a fresh odd reservation, the files written to free blocks, a flush,
 * the new root in the other root slot, a flush, then the counter advanced
 * to the new version. SVSM_OK once all of that is done. SVSM_E_INVAL for
 * bad names or sizes, too many files, SVSM_E_NOMEM when the device has no
 * room: nothing written. A device or counter failure after the first
 * write leaves the device holding the old or the new state, and the store
 * refuses further updates until it is opened again.
 */
enum svsm_err __must_check store_commit(struct store *s,
					const struct store_change *changes,
					uint32_t count);

/*
 * Whether the current state depends on `block`: the current root's slot
 * and the blocks of its files. Other blocks (the older root, free blocks)
 * may hold anything, the remains of an interrupted update included.
 */
bool store_block_live(const struct store *s, uint32_t block);
/* The blocks the store spans (its root's count). */
uint32_t store_block_count(const struct store *s);

/* What store_commit wrote, for the benchmark and the tests. */
struct store_stats {
	uint64_t commits;
	uint64_t blocks_written;
	uint64_t flushes;
};
void store_get_stats(const struct store *s, struct store_stats *st);
