/* SPDX-License-Identifier: MIT */
/*
 * A block device in memory that can stop, for the store's crash-safety
 * and tampering tests, its fuzz target and its benchmark. Each write
 * reaches the image whole and at once (a device with no volatile cache),
 * in order, until the planned crash: write number `stop_after` + 1 is cut
 * short (its first `torn_sectors` sectors reach the image, the rest not;
 * all of them when torn_sectors covers the write) and fails, and from then
 * on every write and flush fails with SVSM_E_HW, as if the machine had
 * stopped there. Reads always work.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/block.h"
#include "svsm/store.h"

#define FAKE_DISK_NO_STOP UINT64_MAX

struct fake_disk {
	struct block_dev dev;
	uint8_t *image;
	uint64_t writes;	  /* writes that reached the image */
	uint64_t sectors_written; /* sectors that reached the image */
	uint64_t flushes;
	uint64_t stop_after;   /* FAKE_DISK_NO_STOP: never */
	uint32_t torn_sectors; /* of the write that stops */
	bool stopped;
};

/* A zeroed disk of `sectors` sectors (heap memory of the host). */
void fake_disk_init(struct fake_disk *d, uint64_t sectors);
void fake_disk_free(struct fake_disk *d);
/* Starts over counting, with a new stop plan. */
void fake_disk_plan(struct fake_disk *d, uint64_t stop_after,
		    uint32_t torn_sectors);

/*
 * The model of an external trusted counter (struct store_counter): a
 * value in memory, advanced only upwards. `disk` ties it to a disk's
 * crash: once the disk has stopped, the counter no longer answers
 * advances (the machine stopped before it could ask).
 */
struct model_counter {
	struct store_counter ops;
	uint64_t value;
	uint64_t advances;
	const struct fake_disk *disk;
	bool fail; /* every read and advance fails */
};

void model_counter_init(struct model_counter *c, const struct fake_disk *disk);
