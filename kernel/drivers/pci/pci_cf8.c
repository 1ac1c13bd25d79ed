/* SPDX-License-Identifier: MIT */
/*
 * Raw PCI configuration access by configuration mechanism #1 (PCI 3.0
 * §3.2.2.3.2): a 32-bit write of the address to port 0xcf8, then byte
 * accesses to 0xcfc..0xcff, all through the platform's port I/O
 * (plat_io_*: on SEV-SNP each one a GHCB IOIO exit of its width). It
 * reaches the 256 bytes of conventional space, which hold everything
 * virtio-pci needs, uses no MMIO window and leaves the chipset's ECAM
 * setting alone for the firmware that comes later.
 */
#include "svsm/pci.h"
#include "svsm/plat/plat.h"
#include "svsm/spinlock.h"

#include "abi/pci.h"

static struct spinlock cf8_lock;

static void select_reg(const struct pci_fn *f, uint8_t reg)
{
	plat_io_write32(PCI_CONFIG_ADDRESS,
			PCI_CONFIG_ADDR(f->bus, f->dev, f->fn, reg));
}

uint32_t pci_cfg_raw_read(const struct pci_fn *f, uint8_t reg,
			  unsigned int width)
{
	uint32_t v = 0;

	spin_lock(&cf8_lock);
	select_reg(f, reg);
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)plat_io_read8(
			     (uint16_t)(PCI_CONFIG_DATA + ((reg + i) & 3u)))
		     << (8 * i);
	spin_unlock(&cf8_lock);
	return v;
}

void pci_cfg_raw_write(const struct pci_fn *f, uint8_t reg, unsigned int width,
		       uint32_t v)
{
	spin_lock(&cf8_lock);
	select_reg(f, reg);
	for (unsigned int i = 0; i < width; i++)
		plat_io_write8((uint16_t)(PCI_CONFIG_DATA + ((reg + i) & 3u)),
			       (uint8_t)(v >> (8 * i)));
	spin_unlock(&cf8_lock);
}
