/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what the host's PCI emulation hands the SVSM:
 * configuration space (capability chains, BAR sizes) and the registers of
 * the virtio-pci structures, through kernel/drivers/pci/pci.c and
 * kernel/drivers/virtio/virtio_pci.c up to virtio-blk's attach.
 *
 * This file is the machine: a function at 00:01.0 whose 256 bytes of
 * configuration space, BAR size masks and register contents come from the
 * input (the IDs are forced to a modern virtio-blk so the driver goes on),
 * BAR sizing emulated (PCI 3.0 §6.2.5.1), and vm_map_mmio() returning a
 * fresh heap buffer of exactly the mapped size, filled from the input, so
 * that AddressSanitizer reports any register access outside what the
 * driver mapped. The registers are plain memory: what the driver writes
 * reads back, which is one more hostile behaviour. Checked: no access
 * outside a mapping, assigned BARs inside the window, naturally aligned
 * and not overlapping, an attached device with a sane geometry.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/block.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"
#include "svsm/pci.h"
#include "svsm/virtio.h"

#include "abi/pci.h"
#include "abi/virtio.h"

#include "fake/fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE    (1ull << 20)
#define WINDOW_BASE 0xc0000000ull
#define WINDOW_END  0xd0000000ull
#define MAX_MAPS    32u

static uint8_t cfg[PCI_CFG_SIZE];
static uint32_t bar_mask[PCI_BAR_COUNT];
static bool bar_upper[PCI_BAR_COUNT]; /* the high half of a 64-bit BAR */
static const uint8_t *regs_src;
static size_t regs_len;
static void *maps[MAX_MAPS];
static unsigned int map_count;
static struct boot_params params;

#define check(ok) check_at((ok), __LINE__)

static void check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "virtio_pci_fuzz: check at line %d failed\n",
			line);
		abort();
	}
}

/* ---- The machine ------------------------------------------------------- */

const struct boot_params *boot_params(void)
{
	return &params;
}

uint32_t pci_cfg_raw_read(const struct pci_fn *f, uint8_t reg,
			  unsigned int width)
{
	uint32_t v = 0;

	check(width == 1 || width == 2 || width == 4);
	check((reg & (width - 1)) == 0);
	if (f->bus || f->dev != 1 || f->fn)
		return width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
	memcpy(&v, cfg + reg, width);
	return v;
}

void pci_cfg_raw_write(const struct pci_fn *f, uint8_t reg, unsigned int width,
		       uint32_t v)
{
	check(width == 1 || width == 2 || width == 4);
	if (f->bus || f->dev != 1 || f->fn)
		return;
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_BAR_COUNT) {
		unsigned int i = (reg - PCI_BAR0) / 4;
		uint32_t flags = bar_upper[i] ? 0 : bar_mask[i] & 0xfu;

		check(width == 4);
		/* The size bits read back as zero; the type bits stay. */
		v = (v & bar_mask[i] & (bar_upper[i] ? ~0u : ~0xfu)) | flags;
	}
	memcpy(cfg + reg, &v, width);
}

void *vm_map_mmio(paddr_t pa, uint64_t size)
{
	uint8_t *p;

	check(pa_is_aligned(pa, PAGE_SIZE) && size && size <= 4 * PAGE_SIZE);
	check(pa_val(pa) >= WINDOW_BASE && pa_val(pa) + size <= WINDOW_END);
	if (map_count == MAX_MAPS)
		return NULL;
	p = malloc(size);
	check(p != NULL);
	for (uint64_t i = 0; i < size; i++)
		p[i] = regs_len ? regs_src[(pa_val(pa) - WINDOW_BASE + i) %
					   regs_len]
				: 0;
	maps[map_count++] = p;
	return p;
}

/* ---- Input ------------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t get_u8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint32_t get_u32(struct reader *r)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)get_u8(r) << (8 * i);
	return v;
}

/* A BAR size mask: mostly plausible memory BARs, sometimes anything. */
static uint32_t bar_mask_from(struct reader *r)
{
	uint8_t kind = get_u8(r);

	switch (kind & 3) {
	case 0:
		return 0; /* not implemented */
	case 1:		  /* 32-bit memory, 4 KiB..1 MiB */
		return ~((1u << (12 + (kind >> 2) % 9)) - 1);
	case 2: /* 64-bit memory */
		return ~((1u << (12 + (kind >> 2) % 9)) - 1) |
		       PCI_BAR_MEM_TYPE_64;
	default:
		return get_u32(r);
	}
}

static void setup(struct reader *r)
{
	params.ram_count = 1;
	params.ram[0].base = 0;
	params.ram[0].size = 256ull << 20;
	params.region_base = SVSM_PHYS_BASE;
	params.region_size = 4ull << 20;
	for (unsigned int i = 0; i < sizeof(cfg); i++)
		cfg[i] = get_u8(r);
	for (unsigned int i = 0; i < PCI_BAR_COUNT; i++) {
		bar_mask[i] = bar_mask_from(r);
		/* Above a 64-bit BAR, mostly a high half of all ones. */
		bar_upper[i] = i && !bar_upper[i - 1] &&
			       (bar_mask[i - 1] & 7u) == PCI_BAR_MEM_TYPE_64;
		if (bar_upper[i] && !bar_mask[i])
			bar_mask[i] = ~0u;
		memset(cfg + PCI_BAR0 + 4 * i, 0, 4);
		if (!bar_upper[i])
			cfg[PCI_BAR0 + 4 * i] = (uint8_t)(bar_mask[i] & 0xfu);
	}
	/* A modern virtio-blk with a capability list, else nothing runs. */
	cfg[PCI_VENDOR_ID] = 0xf4;
	cfg[PCI_VENDOR_ID + 1] = 0x1a;
	cfg[PCI_DEVICE_ID] = 0x42;
	cfg[PCI_DEVICE_ID + 1] = 0x10;
	cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	cfg[PCI_HEADER_TYPE] = 0;
	regs_src = r->p;
	regs_len = r->n;
}

static bool found(const struct pci_fn *f, void *arg)
{
	struct pci_fn *out = arg;

	if (f->dev == 1)
		*out = *f;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t base;
	struct reader r = {data, size};
	struct pci_window w;
	struct pci_fn f = {0};
	struct block_dev *b = NULL;

	if (!base)
		base = fake_mm_init(MEM_SIZE);
	memset(arch_phys_to_virt(base, MEM_SIZE), 0, MEM_SIZE);
	check(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
	heap_init(0x0123456789abcdefull);
	log_set_level(getenv("VQ_LOG") ? 50 : LOG_LEVEL_ERROR);
	setup(&r);
	check(pci_window_init(&w, WINDOW_BASE, WINDOW_END) == SVSM_OK);
	check(pci_scan_bus0(found, &f) == 1 && f.dev == 1);
	if (virtio_pci_attach(&f, &w, &b) == SVSM_OK) {
		check(b != NULL && b->max_sectors >= 1);
		check(b->block_size >= 512 && b->block_size <= 4096);
		virtio_blk_detach(b);
	}
	/* Every 32-bit memory BAR it assigned: aligned and in the window. */
	for (unsigned int i = 0; i < PCI_BAR_COUNT; i++) {
		uint32_t mask = bar_mask[i] & PCI_BAR_MEM_MASK;
		uint32_t bar;
		uint32_t bar_size = ~mask + 1;

		memcpy(&bar, cfg + PCI_BAR0 + 4 * i, 4);
		bar &= PCI_BAR_MEM_MASK;
		if (!bar || (bar_mask[i] & 7u) || !mask ||
		    (bar_size & (bar_size - 1)))
			continue;
		check(bar >= WINDOW_BASE && bar < WINDOW_END);
		check(bar % bar_size == 0);
	}
	check(w.next >= WINDOW_BASE && w.next <= WINDOW_END);
	check(block_get(0) == NULL);
	while (map_count)
		free(maps[--map_count]);
	return 0;
}
