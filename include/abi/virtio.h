/* SPDX-License-Identifier: MIT */
/*
 * virtio on the wire (virtio 1.2, OASIS committee specification cs01):
 * device status bits and the device-independent feature bits a csvsm
 * driver can negotiate, the split virtqueue (descriptor table, available
 * ring, used ring), the virtio-pci capability and common configuration,
 * and virtio-blk's configuration and request layout.
 *
 * Everything is little endian (virtio 1.2 §2.5: VERSION_1 devices). The
 * rings and every buffer are shared with the device, which the SVSM does
 * not trust: the driver writes them, and copies what the device wrote into
 * private memory once before looking at it (docs/virtio.md).
 *
 * Hosted and freestanding: only <stddef.h> and <stdint.h>.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* ---- Device status field (virtio 1.2 §2.1) ----------------------------- */

#define VIRTIO_STATUS_ACKNOWLEDGE	 1u
#define VIRTIO_STATUS_DRIVER		 2u
#define VIRTIO_STATUS_DRIVER_OK		 4u
#define VIRTIO_STATUS_FEATURES_OK	 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED		 128u

/* ---- Device IDs (virtio 1.2 §5) ----------------------------------------- */

#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_ID_VSOCK 19u

/* ---- Reserved feature bits (virtio 1.2 §6) ----------------------------- */

#define VIRTIO_F_INDIRECT_DESC	 28u
#define VIRTIO_F_EVENT_IDX	 29u
#define VIRTIO_F_VERSION_1	 32u
#define VIRTIO_F_ACCESS_PLATFORM 33u
#define VIRTIO_F_RING_PACKED	 34u
#define VIRTIO_F_RING_RESET	 40u

#define VIRTIO_BIT(b) (1ull << (b))

/* ---- Split virtqueues (virtio 1.2 §2.7) -------------------------------- */

/* Largest split queue the spec allows (§2.7: Queue Size up to 32768). */
#define VIRTQ_MAX_SIZE 32768u

/* §2.7.5 The Virtqueue Descriptor Table: written by the driver only. */
struct virtq_desc {
	uint64_t addr; /* guest-physical buffer address */
	uint32_t len;
	uint16_t flags; /* VIRTQ_DESC_F_* */
	uint16_t next;	/* with VIRTQ_DESC_F_NEXT */
};
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4u
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2 §2.7.5");
_Static_assert(offsetof(struct virtq_desc, len) == 8, "virtio 1.2 §2.7.5");
_Static_assert(offsetof(struct virtq_desc, flags) == 12, "virtio 1.2 §2.7.5");
_Static_assert(offsetof(struct virtq_desc, next) == 14, "virtio 1.2 §2.7.5");
#define VIRTQ_DESC_ALIGN 16u /* §2.7: Descriptor Table alignment */

/*
 * §2.7.6 The Virtqueue Available Ring: le16 flags, le16 idx, le16
 * ring[size], then le16 used_event (EVENT_IDX only). Written by the driver.
 */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
_Static_assert(sizeof(struct virtq_avail) == 4, "virtio 1.2 §2.7.6");
#define VIRTQ_AVAIL_ALIGN   2u
#define VIRTQ_AVAIL_SIZE(n) (6u + 2u * (uint32_t)(n))

/* §2.7.8 The Virtqueue Used Ring: written by the device, hostile. */
struct virtq_used_elem {
	uint32_t id;  /* head of the completed descriptor chain */
	uint32_t len; /* bytes written into the chain's writable part */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2 §2.7.8");

struct virtq_used {
	uint16_t flags; /* VIRTQ_USED_F_NO_NOTIFY: a hint only */
	uint16_t idx;
	struct virtq_used_elem ring[];
};
#define VIRTQ_USED_F_NO_NOTIFY 1u
_Static_assert(offsetof(struct virtq_used, ring) == 4, "virtio 1.2 §2.7.8");
#define VIRTQ_USED_ALIGN   4u
#define VIRTQ_USED_SIZE(n) (6u + 8u * (uint32_t)(n))

/* ---- virtio over PCI (virtio 1.2 §4.1) --------------------------------- */

#define VIRTIO_PCI_VENDOR	    0x1af4u
#define VIRTIO_PCI_MODERN_BASE	    0x1040u /* + device ID, §4.1.2.1 */
#define VIRTIO_PCI_TRANSITIONAL_BLK 0x1001u

/* §4.1.4 Virtio Structure PCI Capabilities: a vendor capability (0x09). */
struct virtio_pci_cap {
	uint8_t cap_vndr; /* PCI_CAP_ID_VNDR */
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type; /* VIRTIO_PCI_CAP_* */
	uint8_t bar;	  /* 0..5; others are reserved and ignored */
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset; /* within the BAR */
	uint32_t length;
};
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio 1.2 §4.1.4");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8,
	       "virtio 1.2 §4.1.4");
#define VIRTIO_PCI_CAP_COMMON_CFG 1u
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2u
#define VIRTIO_PCI_CAP_ISR_CFG	  3u
#define VIRTIO_PCI_CAP_DEVICE_CFG 4u
#define VIRTIO_PCI_CAP_PCI_CFG	  5u
/* §4.1.4.4: the notify capability carries le32 notify_off_multiplier. */
#define VIRTIO_PCI_NOTIFY_MULT_OFF 16u

/* §4.1.4.3 Common configuration structure layout. */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature; /* R */
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues; /* R */
	uint8_t device_status;
	uint8_t config_generation; /* R */
	uint16_t queue_select;
	uint16_t queue_size; /* reads the maximum; 0 = queue absent */
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off; /* R */
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
};
_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 20,
	       "virtio 1.2 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 22,
	       "virtio 1.2 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_enable) == 28,
	       "virtio 1.2 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc) == 32,
	       "virtio 1.2 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device) == 48,
	       "virtio 1.2 §4.1.4.3");
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 56,
	       "virtio 1.2 §4.1.4.3");
#define VIRTIO_PCI_NO_VECTOR 0xffffu

/* ---- virtio over MMIO (virtio 1.2 §4.2.2, version 2 only) --------------- */

#define VIRTIO_MMIO_MAGIC_VALUE		0x000u /* "virt" */
#define VIRTIO_MMIO_VERSION		0x004u /* 2; legacy devices read 1 */
#define VIRTIO_MMIO_DEVICE_ID		0x008u /* 0 = empty slot */
#define VIRTIO_MMIO_VENDOR_ID		0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL		0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034u
#define VIRTIO_MMIO_QUEUE_NUM		0x038u
#define VIRTIO_MMIO_QUEUE_READY		0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064u
#define VIRTIO_MMIO_STATUS		0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4u
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fcu
#define VIRTIO_MMIO_CONFIG		0x100u
#define VIRTIO_MMIO_MAGIC		0x74726976u
#define VIRTIO_MMIO_SLOT_SIZE		0x200u /* QEMU's transports */

/* ---- virtio-blk (virtio 1.2 §5.2) -------------------------------------- */

#define VIRTIO_BLK_F_SIZE_MAX 1u
#define VIRTIO_BLK_F_SEG_MAX  2u
#define VIRTIO_BLK_F_RO	      5u
#define VIRTIO_BLK_F_BLK_SIZE 6u
#define VIRTIO_BLK_F_FLUSH    9u

/* §5.2.4 Device configuration layout: the fields csvsm reads. */
#define VIRTIO_BLK_CFG_CAPACITY 0u  /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8u  /* le32, with SIZE_MAX */
#define VIRTIO_BLK_CFG_SEG_MAX	12u /* le32, with SEG_MAX */
#define VIRTIO_BLK_CFG_BLK_SIZE 20u /* le32, with BLK_SIZE */

/* §5.2.6 Device Operation: the request header, device-readable. */
struct virtio_blk_req_hdr {
	uint32_t type; /* VIRTIO_BLK_T_* */
	uint32_t reserved;
	uint64_t sector; /* always in 512-byte units */
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio 1.2 §5.2.6");
_Static_assert(offsetof(struct virtio_blk_req_hdr, sector) == 8,
	       "virtio 1.2 §5.2.6");
#define VIRTIO_BLK_T_IN	   0u
#define VIRTIO_BLK_T_OUT   1u
#define VIRTIO_BLK_T_FLUSH 4u
/* The status byte, device-writable, last in the chain. */
#define VIRTIO_BLK_S_OK	       0u
#define VIRTIO_BLK_S_IOERR     1u
#define VIRTIO_BLK_S_UNSUPP    2u
#define VIRTIO_BLK_SECTOR_SIZE 512u

/* ---- virtio-vsock (virtio 1.2 §5.10 Socket Device) --------------------- */

#define VIRTIO_VSOCK_F_STREAM	 0u
#define VIRTIO_VSOCK_F_SEQPACKET 1u

/* §5.10.4 Device configuration layout: le64 guest_cid (upper 32 bits 0). */
#define VIRTIO_VSOCK_CFG_GUEST_CID 0u
/* §5.10.2 Virtqueues. */
#define VIRTIO_VSOCK_Q_RX    0u
#define VIRTIO_VSOCK_Q_TX    1u
#define VIRTIO_VSOCK_Q_EVENT 2u
/* §5.10.4: reserved CIDs; 2 is the host. */
#define VIRTIO_VSOCK_CID_HYPERVISOR 0u
#define VIRTIO_VSOCK_CID_LOCAL	    1u
#define VIRTIO_VSOCK_CID_HOST	    2u

/*
 * §5.10.6 Device Operation: the header before every packet's payload,
 * little-endian, packed (44 bytes).
 */
struct virtio_vsock_hdr {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len; /* payload bytes after the header */
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_vsock_hdr) == 44, "virtio 1.2 §5.10.6");
_Static_assert(offsetof(struct virtio_vsock_hdr, len) == 24,
	       "virtio 1.2 §5.10.6");
_Static_assert(offsetof(struct virtio_vsock_hdr, op) == 30,
	       "virtio 1.2 §5.10.6");
_Static_assert(offsetof(struct virtio_vsock_hdr, fwd_cnt) == 40,
	       "virtio 1.2 §5.10.6");

#define VIRTIO_VSOCK_TYPE_STREAM    1u
#define VIRTIO_VSOCK_TYPE_SEQPACKET 2u

#define VIRTIO_VSOCK_OP_INVALID	       0u
#define VIRTIO_VSOCK_OP_REQUEST	       1u
#define VIRTIO_VSOCK_OP_RESPONSE       2u
#define VIRTIO_VSOCK_OP_RST	       3u
#define VIRTIO_VSOCK_OP_SHUTDOWN       4u
#define VIRTIO_VSOCK_OP_RW	       5u
#define VIRTIO_VSOCK_OP_CREDIT_UPDATE  6u
#define VIRTIO_VSOCK_OP_CREDIT_REQUEST 7u

/*
 * §5.10.6.4: SHUTDOWN flags. The text numbers them as bits 0 and 1; the
 * values on the wire (Linux include/uapi/linux/virtio_vsock.h) are 1, 2.
 */
#define VIRTIO_VSOCK_SHUTDOWN_RCV  1u /* the sender will receive no more */
#define VIRTIO_VSOCK_SHUTDOWN_SEND 2u /* the sender will send no more */

/* §5.10.6.7 Device Events: le32 id. */
struct virtio_vsock_event {
	uint32_t id;
};
#define VIRTIO_VSOCK_EVENT_TRANSPORT_RESET 0u
