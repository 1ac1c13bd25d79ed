/* SPDX-License-Identifier: MIT */
/*
 * virtio for the SVSM's own devices: the transport interface that
 * virtio-pci (kernel/drivers/virtio/virtio_pci.c) implements and that
 * virtio-mmio will, the device-independent steps of initialisation
 * (virtio 1.2 §3.1.1), and split virtqueues hardened against a hostile
 * device (virtio 1.2 §2.7; docs/virtio.md lists every check).
 *
 * The SVSM polls: no interrupts, no MSI-X. Every wait is bounded.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/shared.h"

#include "abi/virtio.h"

struct virtio_dev;

/*
 * What a transport provides. Every value read from the device is host
 * input: the transport bounds-checks offsets against what it discovered,
 * and the callers check the values.
 */
struct virtio_ops {
	uint8_t (*get_status)(struct virtio_dev *d);
	void (*set_status)(struct virtio_dev *d, uint8_t status);
	uint64_t (*get_features)(struct virtio_dev *d);
	void (*set_features)(struct virtio_dev *d, uint64_t features);
	uint32_t (*config_generation)(struct virtio_dev *d);
	/*
	 * Device configuration at `off`, `width` 1, 2 or 4 bytes;
	 * SVSM_E_INVAL when outside the device's configuration region.
	 */
	enum svsm_err (*config_read)(struct virtio_dev *d, uint32_t off,
				     unsigned int width, uint32_t *out);
	/* The device's maximum size for queue q; 0 = no such queue. */
	uint16_t (*queue_max)(struct virtio_dev *d, uint16_t q);
	/* Programs and enables queue q (before DRIVER_OK). */
	enum svsm_err (*queue_enable)(struct virtio_dev *d, uint16_t q,
				      uint16_t size, paddr_t desc,
				      paddr_t avail, paddr_t used);
	void (*notify)(struct virtio_dev *d, uint16_t q);
	/* Waits about `us` microseconds while polling (a fake runs the device). */
	void (*wait)(struct virtio_dev *d, uint32_t us);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	void *priv; /* the transport's */
	const char *name;
	uint32_t device_id; /* VIRTIO_ID_* */
	uint64_t features;  /* negotiated */
};

/*
 * Resets the device and takes it to FEATURES_OK: ACKNOWLEDGE, DRIVER,
 * then the features offered & `wanted`, which must include `required`
 * (SVSM_E_UNSUPPORTED otherwise), and a FEATURES_OK that the device must
 * keep (SVSM_E_HW otherwise). VIRTIO_F_VERSION_1 is always required and
 * VIRTIO_F_ACCESS_PLATFORM always taken when offered. On failure the
 * device is left FAILED.
 */
enum svsm_err __must_check virtio_negotiate(struct virtio_dev *d,
					    uint64_t wanted, uint64_t required);
/* Writes 0 and waits (bounded) for the device to read back 0. */
enum svsm_err __must_check virtio_reset(struct virtio_dev *d);
/* Sets DRIVER_OK; SVSM_E_HW if the device reports DEVICE_NEEDS_RESET. */
enum svsm_err __must_check virtio_driver_ok(struct virtio_dev *d);
/* Sets FAILED. */
void virtio_fail(struct virtio_dev *d);
/*
 * A configuration field of `width` 1, 2, 4 or 8 bytes, read inside a
 * config_generation loop (virtio 1.2 §2.5.1) with bounded retries:
 * SVSM_E_HW when the generation never settles.
 */
enum svsm_err __must_check virtio_config_read(struct virtio_dev *d,
					      uint32_t off, unsigned int width,
					      uint64_t *out);

/* ---- Split virtqueues -------------------------------------------------- */

/* The largest queue csvsm sets up; bigger device maxima are clamped. */
#define VIRTQ_DRIVER_MAX 256u

/* One buffer of a chain: device-readable ones come first. */
struct virtq_buf {
	paddr_t pa; /* inside a shared_buf */
	uint32_t len;
	bool device_writes;
};

/*
 * A completed chain, as checked: len <= the chain's writable bytes;
 * len_fault when the device claimed more (len is then clamped).
 */
struct virtq_done {
	void *token;
	uint32_t len;
	bool len_fault;
};

/* Private per-descriptor state: the device never sees it. */
struct virtq_slot {
	void *token;	    /* heads in flight */
	uint32_t write_len; /* heads: writable bytes of the chain */
	uint16_t next;	    /* the chain, or the free list */
	uint16_t chain_len; /* heads: descriptors in the chain */
	bool in_flight;	    /* heads only */
};

/* Why a queue stopped trusting its device (virtq.broken_reason). */
enum virtq_fault {
	VIRTQ_OK = 0,
	VIRTQ_FAULT_IDX_JUMP,	 /* used.idx moved by more than in flight */
	VIRTQ_FAULT_ID_RANGE,	 /* used id >= queue size */
	VIRTQ_FAULT_ID_NOT_HEAD, /* used id not a head in flight */
	VIRTQ_FAULT_LEN,	 /* used len beyond the writable bytes */
};

struct virtq {
	struct virtio_dev *dev;
	uint16_t index;
	uint16_t size;
	struct shared_buf ring;
	struct virtq_slot *slot; /* private, size entries */
	uint16_t free_head;
	uint16_t free_count;
	uint16_t avail_idx; /* private copy: the driver never reads it back */
	uint16_t last_used;
	uint16_t in_flight;
	enum virtq_fault broken; /* VIRTQ_OK while the device behaves */
	uint32_t faults;	 /* lies seen over the queue's life */
};

/*
 * Sets up queue `index` with min(device maximum, max_size) entries
 * (a power of two; SVSM_E_HW for a maximum that is 0 or not usable),
 * rings in shared pages, and enables it on the transport.
 */
enum svsm_err __must_check virtq_init(struct virtq *vq, struct virtio_dev *d,
				      uint16_t index, uint16_t max_size);
/*
 * After a device reset (and a new negotiation): zeroes the rings, forgets
 * everything in flight and enables the queue on the transport again.
 */
enum svsm_err __must_check virtq_restart(struct virtq *vq);
/* Frees the rings and private state (after the device was reset). */
void virtq_destroy(struct virtq *vq);

/*
 * Posts a chain of n buffers (device-readable first) with `token`, and
 * publishes it in the available ring. SVSM_E_BUSY when fewer than n
 * descriptors are free, SVSM_E_INVAL for a malformed chain, SVSM_E_HW
 * when the queue is broken.
 */
enum svsm_err __must_check virtq_add(struct virtq *vq,
				     const struct virtq_buf *bufs, uint16_t n,
				     void *token);
/* Notifies the device (suppression hints are ignored: a kick too many). */
void virtq_kick(struct virtq *vq);
/*
 * Takes one completion from the used ring: SVSM_OK and *out, SVSM_E_BUSY
 * when there is none, SVSM_E_HW when the device lied (now or before):
 * the queue is then broken until virtq_restart(), and vq->broken says why.
 */
enum svsm_err __must_check virtq_get_used(struct virtq *vq,
					  struct virtq_done *out);
const char *virtq_fault_name(enum virtq_fault f);

/* ---- Drivers and transports -------------------------------------------- */

struct block_dev;

/*
 * Drives d as virtio-blk (kernel/drivers/virtio/virtio_blk.c): negotiates,
 * sets up its request queue and bounce buffers, and registers a block
 * device (*out). On failure the device is left FAILED.
 */
enum svsm_err __must_check virtio_blk_attach(struct virtio_dev *d,
					     struct block_dev **out);
/* Unregisters, resets the device and frees everything (tests). */
void virtio_blk_detach(struct block_dev *b);

struct pci_fn;
struct pci_window;
/*
 * Drives PCI function f as virtio-blk over the modern transport: assigns
 * its BARs from w, finds and maps the virtio structures, attaches.
 * SVSM_E_UNSUPPORTED when f is not virtio-blk.
 */
enum svsm_err __must_check virtio_pci_attach(const struct pci_fn *f,
					     struct pci_window *w,
					     struct block_dev **out);
/*
 * Finds virtio-blk functions on PCI bus 0 (modern 1AF4:1042 or
 * transitional 1AF4:1001 with the modern capabilities), assigns their
 * BARs and attaches them; the first virtio-vsock function (1AF4:1053)
 * becomes vsock_default(). Runs once; later calls return the first count
 * (of block devices).
 */
unsigned int virtio_pci_probe(void);

/*
 * Attaches virtio-blk devices in the virtio-mmio (version 2) slots that
 * the command line names: virtio_mmio=BASE[,BASE...] (hex, at most
 * VIRTIO_MMIO_MAX_SLOTS); the first virtio-vsock slot becomes
 * vsock_default(). Runs once; later calls return the first count (of
 * block devices).
 */
#define VIRTIO_MMIO_MAX_SLOTS 4u
unsigned int virtio_mmio_probe(void);
