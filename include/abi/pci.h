/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space (PCI Local Bus Specification 3.0, §6.1-6.2,
 * §6.7 for capabilities), the enhanced configuration access mechanism
 * (PCI Express Base 3.0 §7.2.2, ECAM), and the chipset register that turns
 * ECAM on: the Q35 MCH's PCIEXBAR (Intel 3 Series Express Chipset Family
 * datasheet, document 316966, the PCIEXBAR register; QEMU
 * hw/pci-host/q35.c). csvsm uses configuration mechanism #1 and leaves
 * PCIEXBAR as the machine reset it; the ECAM values are here for the
 * firmware-configured case.
 *
 * Hosted and freestanding: only <stdint.h>.
 */
#pragma once

#include <stdint.h>

/* ---- Type 0 configuration header (PCI 3.0 §6.1, Figure 6-1) ------------ */

#define PCI_VENDOR_ID	   0x00u /* le16; 0xffff = no function */
#define PCI_DEVICE_ID	   0x02u /* le16 */
#define PCI_COMMAND	   0x04u /* le16 */
#define PCI_STATUS	   0x06u /* le16 */
#define PCI_REVISION_ID	   0x08u
#define PCI_CLASS_REVISION 0x08u /* le32: class code << 8 | revision */
#define PCI_HEADER_TYPE	   0x0eu
#define PCI_BAR0	   0x10u /* six le32 BARs, 0x10..0x24 */
#define PCI_SUBSYSTEM_ID   0x2eu
#define PCI_CAP_PTR	   0x34u
#define PCI_BAR_COUNT	   6u

#define PCI_VENDOR_NONE 0xffffu

/* PCI 3.0 §6.2.2 Command register. */
#define PCI_COMMAND_IO		 (1u << 0)
#define PCI_COMMAND_MEMORY	 (1u << 1)
#define PCI_COMMAND_MASTER	 (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
/* PCI 3.0 §6.2.3 Status register: bit 4 = capabilities list present. */
#define PCI_STATUS_CAP_LIST (1u << 4)
/* PCI 3.0 §6.2.1 Header Type: bit 7 = multi-function, bits 6:0 layout. */
#define PCI_HEADER_MULTIFUNCTION 0x80u
#define PCI_HEADER_LAYOUT_MASK	 0x7fu
#define PCI_HEADER_TYPE_NORMAL	 0x00u

/* PCI 3.0 §6.2.5.1 Base Address Registers. */
#define PCI_BAR_SPACE_IO      (1u << 0)
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_TYPE_64   0x4u
#define PCI_BAR_MEM_PREFETCH  (1u << 3)
#define PCI_BAR_MEM_MASK      0xfffffff0u

/* PCI 3.0 §6.7 Capabilities List; Appendix H: capability IDs. */
#define PCI_CAP_ID_VNDR	 0x09u
#define PCI_CAP_ID_OFF	 0u
#define PCI_CAP_NEXT_OFF 1u
/* At most 48 four-byte-aligned capabilities fit after the 64-byte header. */
#define PCI_MAX_CAPS 48u

/* 256 bytes of conventional configuration space per function. */
#define PCI_CFG_SIZE 256u

/* ---- ECAM (PCI Express Base 3.0 §7.2.2) -------------------------------- */

#define PCI_ECAM_FN_SIZE  4096u
#define PCI_ECAM_BUS_SIZE (32u * 8u * PCI_ECAM_FN_SIZE) /* 1 MiB */
#define PCI_ECAM_OFFSET(dev, fn) \
	(((uint32_t)(dev) << 15) | ((uint32_t)(fn) << 12))
#define PCI_DEVS_PER_BUS 32u
#define PCI_FNS_PER_DEV	 8u

/* ---- Configuration mechanism #1 (PCI 3.0 §3.2.2.3.2) ------------------- */

#define PCI_CONFIG_ADDRESS 0xcf8u
#define PCI_CONFIG_DATA	   0xcfcu
#define PCI_CONFIG_ENABLE  0x80000000u
#define PCI_CONFIG_ADDR(bus, dev, fn, reg)             \
	(PCI_CONFIG_ENABLE | ((uint32_t)(bus) << 16) | \
	 ((uint32_t)(dev) << 11) | ((uint32_t)(fn) << 8) | ((reg)&0xfcu))

/*
 * Q35 MCH (00:00.0) PCIEXBAR, a 64-bit register at 0x60: bit 0 enables
 * ECAM, bits 2:1 pick its length (0 = 256 MiB), the upper bits its base.
 * QEMU resets it to 0xb0000000 with the enable bit clear.
 */
#define Q35_PCIEXBAR	      0x60u
#define Q35_PCIEXBAR_EN	      1u
#define Q35_PCIEXBAR_LEN_256M 0u
#define Q35_ECAM_BASE	      0xb0000000ull
#define Q35_ECAM_SIZE	      0x10000000ull
