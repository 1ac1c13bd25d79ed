/* SPDX-License-Identifier: MIT */
/*
 * A fake virtio transport and device for hosted tests (fake_virtio.c): the
 * device reads the driver's rings in fake physical memory as a real one
 * would, serves one queue, and can lie in every way the driver must
 * survive (enum fake_lie). With `blk` set it is a virtio-blk device over a
 * RAM disk; otherwise it completes every chain, filling the writable
 * buffers with FAKE_FILL.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/virtio.h"

#define FAKE_FILL 0xabu

enum fake_lie {
	FAKE_HONEST,
	FAKE_SILENT,	   /* never completes anything */
	FAKE_GIVES_UP,	   /* sets DEVICE_NEEDS_RESET, completes nothing */
	FAKE_ID_RANGE,	   /* used id = queue size + 5 */
	FAKE_ID_REPEAT,	   /* completes the previous head again */
	FAKE_ID_NOT_HEAD,  /* used id = a descriptor inside the chain */
	FAKE_IDX_JUMP,	   /* used.idx moves by 100 */
	FAKE_LEN_BEYOND,   /* used len = writable bytes + 4096 */
	FAKE_STATUS_IOERR, /* blk: status IOERR */
	FAKE_STATUS_JUNK,  /* blk: status 0x7f */
	FAKE_NO_STATUS,	   /* blk: completes without writing the status */
};

struct fake_vdev {
	struct virtio_dev vdev;
	/* Transport state. */
	uint8_t status;
	uint64_t offered;
	uint64_t accepted;
	uint32_t generation;
	bool generation_spins; /* changes on every read */
	bool refuse_features;  /* drops FEATURES_OK */
	bool stuck_reset;      /* status never reads 0 after a reset */
	uint16_t qmax;
	uint8_t config[64];
	uint32_t config_len;
	/* The queue as the driver programmed it. */
	bool enabled;
	uint16_t qsize;
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t next_avail; /* device's own counter */
	uint16_t used_idx;
	/* Behaviour. */
	enum fake_lie lie;
	unsigned int lie_count; /* lies left (then honest); 0 = forever */
	unsigned int lie_after; /* honest completions before the first lie */
	uint16_t last_head;	/* the last head completed */
	bool run_on_notify;	/* complete at notify (else at wait) */
	/* virtio-blk: a RAM disk. */
	bool blk;
	bool blk_ro;
	uint8_t *disk;
	uint64_t disk_sectors;
	/* Counters. */
	unsigned int notifies;
	unsigned int resets;
	uint64_t waited_us;
	unsigned int completions;
};

/* A fresh device (queue max 8, VERSION_1 | ACCESS_PLATFORM offered). */
void fake_vdev_init(struct fake_vdev *f);
/* Makes f a virtio-blk device with a zeroed disk of `sectors`. */
void fake_vdev_blk(struct fake_vdev *f, uint64_t sectors, uint64_t features);
void fake_vdev_free(struct fake_vdev *f);
/* Processes everything available now (what notify or wait would do). */
void fake_vdev_run(struct fake_vdev *f);
