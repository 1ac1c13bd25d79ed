/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's store at boot (kernel/core/store_boot.c): the key source
 * chosen by store_key_choose() (include/svsm/store.h) from what the boot
 * finds, the key broker set up when the measured image pins one, and the
 * state directory mounted (docs/storage.md, "Which key at boot").
 */
#pragma once

#include <stdbool.h>

#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/store.h"

/* What the boot did, for the vTPM's start and its log lines. */
struct store_boot_result {
	struct store_key_choice choice;
	bool mounted;		/* the directory is the store's */
	bool formatted;		/* ... and the disk was blank */
	enum store_refusal why; /* the store's refusal, when it refused */
	uint64_t key_ns; /* the broker: from the start to the key released */
};

/*
 * Chooses the store's key and mounts `path` on the store: SVSM_OK with
 * r->mounted, or SVSM_OK without it when the state is to live in RAM
 * only (no store asked for). Any error means the vTPM must not start:
 * the store was refused, or the key source it must use gave no key
 * (each logged as an error line that says why); the disk is unchanged.
 */
enum svsm_err __must_check store_boot_mount(const char *path,
					    struct store_boot_result *r);
