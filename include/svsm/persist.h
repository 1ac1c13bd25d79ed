/* SPDX-License-Identifier: MIT */
/*
 * A persisted directory (kernel/fs/persist.c): the files of one directory
 * of the RAM file system kept in the persistent store (svsm/store.h), so
 * the vTPM keeps writing plain files. At mount the store is opened (or a
 * blank disk formatted) and its files appear in the directory; from then
 * on a change is stored as one atomic update when the last open file of
 * the directory is closed (or at fsync, or a rename or unlink while none
 * is open), if the directory's files differ from what was last stored
 * (docs/storage.md, "The persisted directory").
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/store.h"

/*
 * Opens the store of cfg and creates directory `path` (absolute; its
 * parents are made as needed; it must not exist) holding its files, then
 * watches it. The file system must be initialised (fs_init). A store
 * that cannot be opened is refused with *why (logged as an error), left
 * as it is on the device, and nothing is created: the vTPM must not start
 * on a fresh state then. SVSM_E_BUSY when a directory is mounted already.
 */
enum svsm_err __must_check persist_mount(const char *path,
					 const struct store_config *cfg,
					 bool *formatted,
					 enum store_refusal *why);

/*
 * The native platform's mount: device blkN from the command-line word
 * `store_disk=N` (default 0), the development key of `store_devkey=`
 * (64 hex digits, logged as development-only), no external counter.
 * SVSM_E_INVAL without a key word or a device.
 */
enum svsm_err __must_check persist_mount_dev(const char *path,
					     const char *cmdline,
					     bool *formatted,
					     enum store_refusal *why);

/*
 * The store's block device the command line names: blkN for
 * `store_disk=N` (N 0..3, default 0); NULL when there is none or the word
 * is bad. *named tells whether the word was there.
 */
struct block_dev *persist_boot_disk(const char *cmdline, bool *named);

/* Stops watching and closes the store (tests; a device that went away). */
void persist_unmount(void);

struct persist_stats {
	uint64_t checks;  /* times the directory was compared */
	uint64_t commits; /* atomic updates stored */
	uint64_t errors;  /* updates that failed (-EIO to fsync) */
};
void persist_get_stats(struct persist_stats *st);

/* Random bytes from the CPU (RDRAND/RDSEED), for store_config.random. */
bool store_random_hw(void *buf, size_t len);
