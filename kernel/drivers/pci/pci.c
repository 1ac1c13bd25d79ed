/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration access, bus-0 enumeration and BAR assignment
 * (include/svsm/pci.h).
 *
 * The raw configuration accesses are pci_cf8.c's (hosted tests and fuzzers
 * link a fake configuration space instead).
 *
 * TRUST: the host emulates configuration space. IDs select a driver, which
 * checks everything else; capability walks are bounded and stay inside
 * the 256 bytes; BAR sizes must be powers of two that fit the window.
 */
#define LOG_PREFIX "pci: "
#include "svsm/pci.h"

#include "svsm/boot.h"
#include "svsm/log.h"

#include "abi/pci.h"

uint8_t pci_cfg_read8(const struct pci_fn *f, uint8_t reg)
{
	return (uint8_t)pci_cfg_raw_read(f, reg, 1);
}

uint16_t pci_cfg_read16(const struct pci_fn *f, uint8_t reg)
{
	return (uint16_t)pci_cfg_raw_read(f, reg & 0xfeu, 2);
}

uint32_t pci_cfg_read32(const struct pci_fn *f, uint8_t reg)
{
	return pci_cfg_raw_read(f, reg & 0xfcu, 4);
}

void pci_cfg_write16(const struct pci_fn *f, uint8_t reg, uint16_t val)
{
	pci_cfg_raw_write(f, reg & 0xfeu, 2, val);
}

void pci_cfg_write32(const struct pci_fn *f, uint8_t reg, uint32_t val)
{
	pci_cfg_raw_write(f, reg & 0xfcu, 4, val);
}

static bool probe_fn(struct pci_fn *f, uint8_t dev, uint8_t fn)
{
	*f = (struct pci_fn){.bus = 0, .dev = dev, .fn = fn};
	f->vendor = pci_cfg_read16(f, PCI_VENDOR_ID);
	if (f->vendor == PCI_VENDOR_NONE || f->vendor == 0)
		return false;
	f->device = pci_cfg_read16(f, PCI_DEVICE_ID);
	f->revision = pci_cfg_read8(f, PCI_REVISION_ID);
	return true;
}

unsigned int pci_scan_bus0(bool (*found)(const struct pci_fn *f, void *arg),
			   void *arg)
{
	unsigned int count = 0;
	struct pci_fn f;

	for (uint8_t dev = 0; dev < PCI_DEVS_PER_BUS; dev++) {
		uint8_t fns = 1;

		if (!probe_fn(&f, dev, 0))
			continue;
		if (pci_cfg_read8(&f, PCI_HEADER_TYPE) &
		    PCI_HEADER_MULTIFUNCTION)
			fns = PCI_FNS_PER_DEV;
		for (uint8_t fn = 0; fn < fns; fn++) {
			if (fn && !probe_fn(&f, dev, fn))
				continue;
			count++;
			if (!found(&f, arg))
				return count;
		}
	}
	return count;
}

uint8_t pci_find_cap(const struct pci_fn *f, uint8_t id, uint8_t start)
{
	uint8_t ptr;

	if (!(pci_cfg_read16(f, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = start ? pci_cfg_read8(f, (uint8_t)(start + PCI_CAP_NEXT_OFF))
		    : pci_cfg_read8(f, PCI_CAP_PTR);
	/* A chain that loops (the host writes it) ends here. */
	for (unsigned int i = 0; i < PCI_MAX_CAPS; i++) {
		ptr &= 0xfcu;
		if (ptr < 0x40u)
			return 0;
		if (pci_cfg_read8(f, (uint8_t)(ptr + PCI_CAP_ID_OFF)) == id)
			return ptr;
		ptr = pci_cfg_read8(f, (uint8_t)(ptr + PCI_CAP_NEXT_OFF));
	}
	return 0;
}

enum svsm_err pci_window_init(struct pci_window *w, uint64_t base, uint64_t end)
{
	const struct boot_params *bp = boot_params();

	*w = (struct pci_window){0};
	if (base >= end || !IS_ALIGNED(base, PAGE_SIZE))
		return SVSM_E_INVAL;
	/* The window must not hold RAM of the loader's memory map. */
	for (uint32_t i = 0; i < bp->ram_count; i++) {
		uint64_t ram_end = bp->ram[i].base + bp->ram[i].size;

		if (bp->ram[i].base < end && ram_end > base) {
			log_notice("BAR window 0x%llx-0x%llx holds RAM",
				   (unsigned long long)base,
				   (unsigned long long)end);
			return SVSM_E_INVAL;
		}
	}
	w->next = base;
	w->end = end;
	return SVSM_OK;
}

/* Sizes BAR slot i (PCI 3.0 §6.2.5.1); decoding is off meanwhile. */
static enum svsm_err size_bar(struct pci_fn *f, unsigned int i,
			      unsigned int *slots, uint64_t window_size)
{
	uint8_t reg = (uint8_t)(PCI_BAR0 + 4 * i);
	uint32_t orig = pci_cfg_read32(f, reg);
	uint64_t mask;
	uint32_t lo;
	uint32_t hi = 0xffffffffu;

	*slots = 1;
	f->bar[i] = (struct pci_bar){0};
	if (orig & PCI_BAR_SPACE_IO)
		return SVSM_OK; /* I/O BARs: not used, not assigned */
	f->bar[i].is64 = (orig & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
	if (f->bar[i].is64 && i + 1 >= PCI_BAR_COUNT)
		return SVSM_E_HW;
	pci_cfg_write32(f, reg, 0xffffffffu);
	lo = pci_cfg_read32(f, reg) & PCI_BAR_MEM_MASK;
	pci_cfg_write32(f, reg, orig);
	if (f->bar[i].is64) {
		uint32_t orig_hi = pci_cfg_read32(f, (uint8_t)(reg + 4));

		*slots = 2;
		pci_cfg_write32(f, (uint8_t)(reg + 4), 0xffffffffu);
		hi = pci_cfg_read32(f, (uint8_t)(reg + 4));
		pci_cfg_write32(f, (uint8_t)(reg + 4), orig_hi);
	}
	mask = (uint64_t)hi << 32 | lo;
	if (!lo && (!f->bar[i].is64 || !hi))
		return SVSM_OK; /* not implemented */
	f->bar[i].size = ~mask + 1;
	if (f->bar[i].size & (f->bar[i].size - 1) ||
	    f->bar[i].size > window_size)
		return SVSM_E_HW;
	return SVSM_OK;
}

enum svsm_err pci_assign_bars(struct pci_fn *f, struct pci_window *w)
{
	uint16_t cmd = pci_cfg_read16(f, PCI_COMMAND);
	enum svsm_err err = SVSM_OK;
	unsigned int slots = 1;

	if (!w->end)
		return SVSM_E_INVAL;
	pci_cfg_write16(f, PCI_COMMAND,
			(uint16_t)(cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
					   PCI_COMMAND_MASTER)));
	for (unsigned int i = 0; i < PCI_BAR_COUNT && err == SVSM_OK;
	     i += slots) {
		uint8_t reg = (uint8_t)(PCI_BAR0 + 4 * i);
		uint64_t base;

		err = size_bar(f, i, &slots, w->end - w->next);
		if (err != SVSM_OK || !f->bar[i].size)
			continue;
		base = ALIGN_UP(w->next, f->bar[i].size);
		if (base > w->end || f->bar[i].size > w->end - base) {
			err = SVSM_E_NOMEM;
			continue;
		}
		w->next = base + f->bar[i].size;
		f->bar[i].base = base;
		pci_cfg_write32(f, reg,
				(uint32_t)base |
					(pci_cfg_read32(f, reg) & 0xfu));
		if (f->bar[i].is64)
			pci_cfg_write32(f, (uint8_t)(reg + 4),
					(uint32_t)(base >> 32));
	}
	if (err != SVSM_OK) {
		log_notice("%02x:%02x.%u: BARs not assigned (%s)", f->bus,
			   f->dev, f->fn, svsm_err_name(err));
		return err;
	}
	pci_cfg_write16(f, PCI_COMMAND,
			(uint16_t)((cmd & ~PCI_COMMAND_IO) |
				   PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
				   PCI_COMMAND_INTX_DISABLE));
	return SVSM_OK;
}
