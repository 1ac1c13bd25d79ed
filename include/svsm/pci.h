/* SPDX-License-Identifier: MIT */
/*
 * PCI for the SVSM's own devices (kernel/drivers/pci/pci.c): configuration
 * access on bus 0 through configuration mechanism #1 (ports 0xcf8/0xcfc),
 * enumeration, and BAR sizing and assignment in a window the SVSM picks.
 *
 * Under QEMU's -bios nothing configures PCI before the SVSM: BARs are
 * unassigned and decoding is off. The SVSM assigns memory BARs only for
 * the functions it drives, from PCI_MMIO_WINDOW upwards, and turns on
 * memory decoding and bus mastering for them; everything else stays as the
 * machine reset it. docs/virtio.md says what a later guest OS sees.
 *
 * TRUST: configuration space is emulated by the host. Capability pointers,
 * BAR sizes and IDs are checked before use (bounded walks, power-of-two
 * sizes inside the window).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

/* Where the SVSM puts BARs: in the 32-bit hole, above the Q35 ECAM area. */
#define PCI_MMIO_WINDOW_BASE 0xc0000000ull
#define PCI_MMIO_WINDOW_END  0xfc000000ull

struct pci_bar {
	uint64_t base; /* assigned address (0 until pci_assign_bars) */
	uint64_t size; /* 0 = no BAR, or an I/O BAR (not used) */
	bool is64;     /* takes this slot and the next */
};

struct pci_fn {
	uint8_t bus;
	uint8_t dev;
	uint8_t fn;
	uint16_t vendor;
	uint16_t device;
	uint8_t revision;
	struct pci_bar bar[6];
};

/* Where BARs go: [next, end), handed out bottom-up, naturally aligned. */
struct pci_window {
	uint64_t next;
	uint64_t end; /* 0: not initialised */
};

/*
 * Raw configuration access, `width` 1, 2 or 4 bytes at `reg` (aligned to
 * width): kernel/drivers/pci/pci_cf8.c, or a fake in hosted tests.
 */
uint32_t pci_cfg_raw_read(const struct pci_fn *f, uint8_t reg,
			  unsigned int width);
void pci_cfg_raw_write(const struct pci_fn *f, uint8_t reg, unsigned int width,
		       uint32_t v);

uint8_t pci_cfg_read8(const struct pci_fn *f, uint8_t reg);
uint16_t pci_cfg_read16(const struct pci_fn *f, uint8_t reg);
uint32_t pci_cfg_read32(const struct pci_fn *f, uint8_t reg);
void pci_cfg_write16(const struct pci_fn *f, uint8_t reg, uint16_t val);
void pci_cfg_write32(const struct pci_fn *f, uint8_t reg, uint32_t val);

/*
 * Calls found(f, arg) for each function present on bus 0, in order;
 * stops early when it returns false. Returns the number found.
 */
unsigned int pci_scan_bus0(bool (*found)(const struct pci_fn *f, void *arg),
			   void *arg);
/*
 * A BAR window [base, end): page aligned, and SVSM_E_INVAL when it
 * overlaps RAM of the loader's memory map.
 */
enum svsm_err __must_check pci_window_init(struct pci_window *w, uint64_t base,
					   uint64_t end);
/*
 * Sizes f's BARs, assigns the memory BARs from w and enables memory
 * decoding and bus mastering (INTx off: the SVSM polls). SVSM_E_HW for a
 * BAR size that is not a power of two or larger than the window;
 * SVSM_E_NOMEM when the window is full.
 */
enum svsm_err __must_check pci_assign_bars(struct pci_fn *f,
					   struct pci_window *w);
/* Finds the first capability with `id` after `start` (0: from the list head). */
uint8_t pci_find_cap(const struct pci_fn *f, uint8_t id, uint8_t start);
