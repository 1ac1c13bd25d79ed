/* SPDX-License-Identifier: MIT */
/*
 * The virtio-pci modern transport (virtio 1.2 §4.1): finds the common,
 * notify, ISR and device-configuration structures through the vendor
 * capabilities (§4.1.4), maps them, and implements struct virtio_ops on
 * them. Polling only: MSI-X vectors are set to NO_VECTOR and INTx is off.
 *
 * TRUST: the capabilities and every register are host-emulated. A
 * structure must lie inside its BAR (overflow-checked) and be long enough
 * for what the driver reads; a queue's notify offset times the multiplier
 * must stay inside the notify structure; device-configuration reads are
 * bounded by the structure's length. Values read from registers go to the
 * virtio core, which checks them.
 */
#define LOG_PREFIX "virtio-pci: "
#include <stddef.h>
#include <stdint.h>

#include "svsm/arch/cpu.h"

#include "svsm/block.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/vm.h"
#include "svsm/pci.h"
#include "svsm/plat/plat.h"
#include "svsm/virtio.h"
#include "svsm/vsock.h"

#include "abi/pci.h"
#include "abi/virtio.h"

#include "lib/string.h"

#define VPCI_MAX_QUEUES	 4u
#define VPCI_MAX_DEVICES 4u
/* The longest structure mapped: queue 0's notify needs only 2 bytes. */
#define VPCI_MAX_REGION PAGE_SIZE

struct vpci_region {
	uint8_t *va; /* NULL when absent */
	uint32_t len;
};

struct virtio_pci {
	struct virtio_dev vdev;
	struct pci_fn fn;
	struct vpci_region common;
	struct vpci_region notify;
	struct vpci_region isr;
	struct vpci_region device;
	uint32_t notify_mult;
	uint32_t notify_at[VPCI_MAX_QUEUES]; /* offsets in notify */
};

/*
 * SAFETY: the only accesses to the device's registers. Each pointer is
 * region.va + off where map_region() mapped [va, va + len) uncached from
 * a BAR the SVSM assigned, and every caller checks off + width <= len
 * (the common structure's fields by static layout against a length of at
 * least sizeof(struct virtio_pci_common_cfg)). The accesses are volatile
 * so each is exactly one device access of the stated width.
 */
static uint8_t rd8(const struct vpci_region *r, uint32_t off)
{
	/* SAFETY: see above; off + 1 <= r->len. */
	return *(const volatile uint8_t *)(r->va + off);
}

static uint16_t rd16(const struct vpci_region *r, uint32_t off)
{
	/* SAFETY: see above; off + 2 <= r->len. */
	return *(const volatile uint16_t *)(void *)(r->va + off);
}

static uint32_t rd32(const struct vpci_region *r, uint32_t off)
{
	/* SAFETY: see above; off + 4 <= r->len. */
	return *(const volatile uint32_t *)(void *)(r->va + off);
}

static void wr8(const struct vpci_region *r, uint32_t off, uint8_t v)
{
	/* SAFETY: see above; off + 1 <= r->len. */
	*(volatile uint8_t *)(r->va + off) = v;
}

static void wr16(const struct vpci_region *r, uint32_t off, uint16_t v)
{
	/* SAFETY: see above; off + 2 <= r->len. */
	*(volatile uint16_t *)(void *)(r->va + off) = v;
}

static void wr32(const struct vpci_region *r, uint32_t off, uint32_t v)
{
	/* SAFETY: see above; off + 4 <= r->len. */
	*(volatile uint32_t *)(void *)(r->va + off) = v;
}

#define COMMON(f) offsetof(struct virtio_pci_common_cfg, f)

static struct virtio_pci *vp_of(struct virtio_dev *d)
{
	return d->priv;
}

static uint8_t vp_get_status(struct virtio_dev *d)
{
	return rd8(&vp_of(d)->common, COMMON(device_status));
}

static void vp_set_status(struct virtio_dev *d, uint8_t s)
{
	wr8(&vp_of(d)->common, COMMON(device_status), s);
}

static uint64_t vp_get_features(struct virtio_dev *d)
{
	struct vpci_region *c = &vp_of(d)->common;
	uint64_t lo;
	uint64_t hi;

	wr32(c, COMMON(device_feature_select), 0);
	lo = rd32(c, COMMON(device_feature));
	wr32(c, COMMON(device_feature_select), 1);
	hi = rd32(c, COMMON(device_feature));
	return hi << 32 | lo;
}

static void vp_set_features(struct virtio_dev *d, uint64_t f)
{
	struct vpci_region *c = &vp_of(d)->common;

	wr32(c, COMMON(driver_feature_select), 0);
	wr32(c, COMMON(driver_feature), (uint32_t)f);
	wr32(c, COMMON(driver_feature_select), 1);
	wr32(c, COMMON(driver_feature), (uint32_t)(f >> 32));
}

static uint32_t vp_config_generation(struct virtio_dev *d)
{
	return rd8(&vp_of(d)->common, COMMON(config_generation));
}

static enum svsm_err vp_config_read(struct virtio_dev *d, uint32_t off,
				    unsigned int width, uint32_t *out)
{
	struct vpci_region *r = &vp_of(d)->device;

	*out = 0;
	if (!r->va || off >= r->len || width > r->len - off ||
	    (off & (width - 1)))
		return SVSM_E_INVAL;
	if (width == 1)
		*out = rd8(r, off);
	else if (width == 2)
		*out = rd16(r, off);
	else
		*out = rd32(r, off);
	return SVSM_OK;
}

static uint16_t vp_queue_max(struct virtio_dev *d, uint16_t q)
{
	struct vpci_region *c = &vp_of(d)->common;

	if (q >= VPCI_MAX_QUEUES || q >= rd16(c, COMMON(num_queues)))
		return 0;
	wr16(c, COMMON(queue_select), q);
	return rd16(c, COMMON(queue_size));
}

static void wr64(struct vpci_region *c, uint32_t off, uint64_t v)
{
	wr32(c, off, (uint32_t)v);
	wr32(c, off + 4, (uint32_t)(v >> 32));
}

static enum svsm_err vp_queue_enable(struct virtio_dev *d, uint16_t q,
				     uint16_t size, paddr_t desc, paddr_t avail,
				     paddr_t used)
{
	struct virtio_pci *vp = vp_of(d);
	struct vpci_region *c = &vp->common;
	uint64_t at;

	if (q >= VPCI_MAX_QUEUES)
		return SVSM_E_INVAL;
	wr16(c, COMMON(queue_select), q);
	if (rd16(c, COMMON(queue_enable)))
		return SVSM_E_HW; /* must be 0 after a reset (§4.1.4.3.2) */
	at = (uint64_t)rd16(c, COMMON(queue_notify_off)) * vp->notify_mult;
	if (at > vp->notify.len || vp->notify.len - at < 2) {
		log_notice("%s: queue %u notify offset 0x%llx outside 0x%x",
			   d->name, q, (unsigned long long)at, vp->notify.len);
		return SVSM_E_HW;
	}
	vp->notify_at[q] = (uint32_t)at;
	wr16(c, COMMON(queue_size), size);
	wr16(c, COMMON(queue_msix_vector), VIRTIO_PCI_NO_VECTOR);
	wr64(c, COMMON(queue_desc), pa_val(desc));
	wr64(c, COMMON(queue_driver), pa_val(avail));
	wr64(c, COMMON(queue_device), pa_val(used));
	wr16(c, COMMON(queue_enable), 1);
	return SVSM_OK;
}

static void vp_notify(struct virtio_dev *d, uint16_t q)
{
	struct virtio_pci *vp = vp_of(d);

	if (q < VPCI_MAX_QUEUES)
		wr16(&vp->notify, vp->notify_at[q], q);
}

static void vp_wait(struct virtio_dev *d, uint32_t us)
{
	(void)d;
	arch_udelay(us);
}

static const struct virtio_ops vp_ops = {
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.get_features = vp_get_features,
	.set_features = vp_set_features,
	.config_generation = vp_config_generation,
	.config_read = vp_config_read,
	.queue_max = vp_queue_max,
	.queue_enable = vp_queue_enable,
	.notify = vp_notify,
	.wait = vp_wait,
};

/* Maps [offset, offset + len) of BAR `bar`, len clamped to one page. */
static enum svsm_err map_region(const struct pci_fn *f, uint8_t bar,
				uint32_t offset, uint32_t len,
				struct vpci_region *out)
{
	uint64_t pa;
	uint64_t page;
	uint8_t *va;

	if (bar >= PCI_BAR_COUNT || !f->bar[bar].size || !len ||
	    offset >= f->bar[bar].size || len > f->bar[bar].size - offset)
		return SVSM_E_HW;
	if (len > VPCI_MAX_REGION)
		len = VPCI_MAX_REGION;
	pa = f->bar[bar].base + offset;
	page = ALIGN_DOWN(pa, PAGE_SIZE);
	va = vm_map_mmio(pa_init(page), ALIGN_UP(pa + len, PAGE_SIZE) - page);
	if (!va)
		return SVSM_E_NOMEM;
	out->va = va + (pa - page);
	out->len = len;
	return SVSM_OK;
}

/* Reads the vendor capabilities (§4.1.4) and maps the four structures. */
static enum svsm_err find_structures(struct virtio_pci *vp)
{
	const struct pci_fn *f = &vp->fn;
	struct vpci_region *want[] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = &vp->common,
		[VIRTIO_PCI_CAP_NOTIFY_CFG] = &vp->notify,
		[VIRTIO_PCI_CAP_ISR_CFG] = &vp->isr,
		[VIRTIO_PCI_CAP_DEVICE_CFG] = &vp->device,
	};
	enum svsm_err err;
	uint8_t cap = pci_find_cap(f, PCI_CAP_ID_VNDR, 0);

	/*
	 * Bounded like pci_find_cap's own walk: a chain that loops back
	 * (the host writes it) must not keep the SVSM here.
	 */
	for (unsigned int steps = 0; cap && steps < PCI_MAX_CAPS;
	     cap = pci_find_cap(f, PCI_CAP_ID_VNDR, cap), steps++) {
		uint8_t len = pci_cfg_read8(f, (uint8_t)(cap + 2));
		uint8_t type = pci_cfg_read8(f, (uint8_t)(cap + 3));
		uint8_t bar = pci_cfg_read8(f, (uint8_t)(cap + 4));
		uint32_t off;
		uint32_t size;

		/* Unknown types are ignored; the first of each kind counts. */
		if (cap > PCI_CFG_SIZE - sizeof(struct virtio_pci_cap) ||
		    len < sizeof(struct virtio_pci_cap) ||
		    type >= ARRAY_SIZE(want) || !want[type] || want[type]->va)
			continue;
		off = pci_cfg_read32(f, (uint8_t)(cap + 8));
		size = pci_cfg_read32(f, (uint8_t)(cap + 12));
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
			if (len < sizeof(struct virtio_pci_cap) + 4)
				continue;
			vp->notify_mult = pci_cfg_read32(
				f, (uint8_t)(cap + VIRTIO_PCI_NOTIFY_MULT_OFF));
		}
		err = map_region(f, bar, off, size, want[type]);
		if (err != SVSM_OK)
			return err;
	}
	if (!vp->common.va || !vp->notify.va || !vp->isr.va ||
	    vp->common.len < sizeof(struct virtio_pci_common_cfg))
		return SVSM_E_HW;
	return SVSM_OK;
}

static struct {
	bool done;
	unsigned int count;
	struct pci_window window;
} probe_state;

static bool is_virtio_blk(const struct pci_fn *f)
{
	return f->vendor == VIRTIO_PCI_VENDOR &&
	       (f->device == VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_BLOCK ||
		f->device == VIRTIO_PCI_TRANSITIONAL_BLK);
}

/* Assigns f's BARs from w and maps its virtio structures. */
static enum svsm_err vp_setup(const struct pci_fn *found, struct pci_window *w,
			      uint32_t device_id, const char *name,
			      struct virtio_pci **out)
{
	struct virtio_pci *vp = kmalloc(sizeof(*vp));
	enum svsm_err err;

	*out = NULL;
	if (!vp)
		return SVSM_E_NOMEM;
	memset(vp, 0, sizeof(*vp));
	vp->fn = *found;
	vp->vdev.ops = &vp_ops;
	vp->vdev.priv = vp;
	vp->vdev.name = name;
	vp->vdev.device_id = device_id;
	err = pci_assign_bars(&vp->fn, w);
	if (err == SVSM_OK)
		err = find_structures(vp);
	if (err != SVSM_OK) {
		kfree(vp);
		return err;
	}
	*out = vp;
	return SVSM_OK;
}

enum svsm_err virtio_pci_attach(const struct pci_fn *found,
				struct pci_window *w, struct block_dev **out)
{
	struct virtio_pci *vp = NULL;
	enum svsm_err err;

	*out = NULL;
	if (!is_virtio_blk(found))
		return SVSM_E_UNSUPPORTED;
	err = vp_setup(found, w, VIRTIO_ID_BLOCK, "virtio-blk-pci", &vp);
	if (err == SVSM_OK)
		err = virtio_blk_attach(&vp->vdev, out);
	if (err != SVSM_OK) {
		/* Mapped registers stay mapped: the window cannot shrink. */
		log_notice("%02x:%02x.%u: virtio-blk not attached (%s)",
			   found->bus, found->dev, found->fn,
			   svsm_err_name(err));
		kfree(vp);
		return err;
	}
	log_info("%02x:%02x.%u: virtio-blk as %s", vp->fn.bus, vp->fn.dev,
		 vp->fn.fn, (*out)->name);
	return SVSM_OK;
}

/* virtio-vsock has no transitional ID (virtio 1.2 §4.1.2.1). */
static bool is_virtio_vsock(const struct pci_fn *f)
{
	return f->vendor == VIRTIO_PCI_VENDOR &&
	       f->device == VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_VSOCK;
}

/* The first virtio-vsock function becomes vsock_default(). */
static void attach_vsock(const struct pci_fn *found, struct pci_window *w)
{
	struct virtio_pci *vp = NULL;
	struct vsock_dev *v = NULL;
	enum svsm_err err;

	if (vsock_default())
		return;
	err = vp_setup(found, w, VIRTIO_ID_VSOCK, "virtio-vsock-pci", &vp);
	if (err == SVSM_OK)
		err = vsock_attach(&vp->vdev, &v);
	if (err != SVSM_OK) {
		log_notice("%02x:%02x.%u: virtio-vsock not attached (%s)",
			   found->bus, found->dev, found->fn,
			   svsm_err_name(err));
		kfree(vp);
		return;
	}
	log_info("%02x:%02x.%u: virtio-vsock, guest cid %llu", found->bus,
		 found->dev, found->fn, (unsigned long long)vsock_guest_cid(v));
}

static bool attach_fn(const struct pci_fn *found, void *arg)
{
	struct block_dev *b = NULL;

	(void)arg;
	if (is_virtio_vsock(found))
		attach_vsock(found, &probe_state.window);
	if (is_virtio_blk(found) && probe_state.count < VPCI_MAX_DEVICES &&
	    virtio_pci_attach(found, &probe_state.window, &b) == SVSM_OK)
		probe_state.count++;
	return true; /* bus 0 is at most 256 functions */
}

unsigned int virtio_pci_probe(void)
{
	if (probe_state.done)
		return probe_state.count;
	probe_state.done = true;
	/*
	 * A platform whose private memory carries a PTE bit (SEV-SNP's
	 * C-bit) reaches device registers only through a mapping without
	 * it and the #VC handler's MMIO emulation (AMD 56421, MMIO access
	 * events), neither of which csvsm has: vm_map_mmio() maps private,
	 * and the first access would end the VM. So no device is probed
	 * there (docs/snp.md).
	 */
	if (plat_pte_private_bits()) {
		log_notice(
			"no device MMIO on this platform yet: PCI bus 0 not probed");
		return 0;
	}
	if (pci_window_init(&probe_state.window, PCI_MMIO_WINDOW_BASE,
			    PCI_MMIO_WINDOW_END) != SVSM_OK)
		return 0;
	pci_scan_bus0(attach_fn, NULL);
	return probe_state.count;
}
