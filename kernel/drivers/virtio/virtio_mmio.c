/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 only (virtio 1.2 §4.2.2), behind
 * struct virtio_ops. Stock QEMU offers it on x86 with -M microvm and
 * -global virtio-mmio.force-legacy=false; a production SNP host offers
 * slots that only VMPL0 is told about. Here the command line names the
 * slots: virtio_mmio=BASE[,BASE...].
 *
 * TRUST: the slot addresses come from the host (the command line is
 * measured only as far as the IGVM parameter is), so each must be aligned
 * to VIRTIO_MMIO_SLOT_SIZE, must not wrap, and must not overlap RAM of the
 * loader's memory map (which includes the SVSM region). Every register is
 * host-emulated: a slot with a bad magic, a version other than 2 or a
 * device ID of 0 is left alone (§4.2.2.2); configuration reads stay inside
 * the slot; values go to the virtio core, which checks them.
 */
#define LOG_PREFIX "virtio-mmio: "
#include <stdint.h>

#include "svsm/arch/cpu.h"

#include "svsm/block.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/vm.h"
#include "svsm/plat/plat.h"
#include "svsm/virtio.h"
#include "svsm/vsock.h"

#include "abi/virtio.h"

#include "lib/string.h"

struct virtio_mmio {
	struct virtio_dev vdev;
	uint64_t base;
	uint8_t *regs; /* VIRTIO_MMIO_SLOT_SIZE bytes, mapped uncached */
};

/*
 * SAFETY: the only accesses to a slot's registers. regs maps the whole
 * slot (VIRTIO_MMIO_SLOT_SIZE bytes, uncached, from map_slot()) and every
 * offset is a register constant below VIRTIO_MMIO_CONFIG or a
 * configuration offset that mm_config_read() bounded by the slot, aligned
 * to its width. Control registers take 32-bit accesses only (§4.2.2.2).
 */
static uint32_t rd32(const struct virtio_mmio *m, uint32_t off)
{
	/* SAFETY: see above. */
	return *(const volatile uint32_t *)(void *)(m->regs + off);
}

static void wr32(const struct virtio_mmio *m, uint32_t off, uint32_t v)
{
	/* SAFETY: see above. */
	*(volatile uint32_t *)(void *)(m->regs + off) = v;
}

static uint32_t rd_narrow(const struct virtio_mmio *m, uint32_t off,
			  unsigned int width)
{
	if (width == 1)
		/* SAFETY: see above; one byte inside the configuration. */
		return *(const volatile uint8_t *)(m->regs + off);
	/* SAFETY: see above; two aligned bytes inside the configuration. */
	return *(const volatile uint16_t *)(void *)(m->regs + off);
}

static struct virtio_mmio *mm_of(struct virtio_dev *d)
{
	return d->priv;
}

static uint8_t mm_get_status(struct virtio_dev *d)
{
	return (uint8_t)rd32(mm_of(d), VIRTIO_MMIO_STATUS);
}

static void mm_set_status(struct virtio_dev *d, uint8_t s)
{
	wr32(mm_of(d), VIRTIO_MMIO_STATUS, s);
}

static uint64_t mm_get_features(struct virtio_dev *d)
{
	struct virtio_mmio *m = mm_of(d);
	uint64_t lo;
	uint64_t hi;

	wr32(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd32(m, VIRTIO_MMIO_DEVICE_FEATURES);
	wr32(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd32(m, VIRTIO_MMIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void mm_set_features(struct virtio_dev *d, uint64_t f)
{
	struct virtio_mmio *m = mm_of(d);

	wr32(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr32(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint32_t mm_config_generation(struct virtio_dev *d)
{
	return rd32(mm_of(d), VIRTIO_MMIO_CONFIG_GENERATION);
}

static enum svsm_err mm_config_read(struct virtio_dev *d, uint32_t off,
				    unsigned int width, uint32_t *out)
{
	const uint32_t len = VIRTIO_MMIO_SLOT_SIZE - VIRTIO_MMIO_CONFIG;

	*out = 0;
	if (off >= len || width > len - off || (off & (width - 1)))
		return SVSM_E_INVAL;
	*out = width == 4
		       ? rd32(mm_of(d), VIRTIO_MMIO_CONFIG + off)
		       : rd_narrow(mm_of(d), VIRTIO_MMIO_CONFIG + off, width);
	return SVSM_OK;
}

static uint16_t mm_queue_max(struct virtio_dev *d, uint16_t q)
{
	struct virtio_mmio *m = mm_of(d);
	uint32_t max;

	wr32(m, VIRTIO_MMIO_QUEUE_SEL, q);
	max = rd32(m, VIRTIO_MMIO_QUEUE_NUM_MAX);
	return max > VIRTQ_MAX_SIZE ? (uint16_t)VIRTQ_MAX_SIZE : (uint16_t)max;
}

static enum svsm_err mm_queue_enable(struct virtio_dev *d, uint16_t q,
				     uint16_t size, paddr_t desc, paddr_t avail,
				     paddr_t used)
{
	struct virtio_mmio *m = mm_of(d);

	wr32(m, VIRTIO_MMIO_QUEUE_SEL, q);
	if (rd32(m, VIRTIO_MMIO_QUEUE_READY))
		return SVSM_E_HW; /* must be 0 after a reset (§4.2.3.2) */
	wr32(m, VIRTIO_MMIO_QUEUE_NUM, size);
	wr32(m, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)pa_val(desc));
	wr32(m, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(pa_val(desc) >> 32));
	wr32(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)pa_val(avail));
	wr32(m, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(pa_val(avail) >> 32));
	wr32(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)pa_val(used));
	wr32(m, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(pa_val(used) >> 32));
	wr32(m, VIRTIO_MMIO_QUEUE_READY, 1);
	return SVSM_OK;
}

static void mm_notify(struct virtio_dev *d, uint16_t q)
{
	wr32(mm_of(d), VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void mm_wait(struct virtio_dev *d, uint32_t us)
{
	(void)d;
	arch_udelay(us);
}

static const struct virtio_ops mm_ops = {
	.get_status = mm_get_status,
	.set_status = mm_set_status,
	.get_features = mm_get_features,
	.set_features = mm_set_features,
	.config_generation = mm_config_generation,
	.config_read = mm_config_read,
	.queue_max = mm_queue_max,
	.queue_enable = mm_queue_enable,
	.notify = mm_notify,
	.wait = mm_wait,
};

/* Parses "BASE[,BASE...]" (hex, optional 0x); returns how many. */
static unsigned int parse_slots(const char *s, uint64_t *out, unsigned int max)
{
	unsigned int n = 0;

	while (*s && n < max) {
		uint64_t v = 0;
		unsigned int digits = 0;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		for (; *s && *s != ','; s++, digits++) {
			char c = *s;
			unsigned int d;

			if (c >= '0' && c <= '9')
				d = (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned int)(c - 'A' + 10);
			else
				return n;
			if (digits >= 16)
				return n;
			v = v << 4 | d;
		}
		if (!digits)
			return n;
		out[n++] = v;
		if (*s == ',')
			s++;
	}
	return n;
}

/* A slot must be aligned, not wrap, and lie outside all RAM. */
static bool slot_ok(uint64_t base)
{
	const struct boot_params *bp = boot_params();
	uint64_t end;

	if (base & (VIRTIO_MMIO_SLOT_SIZE - 1) ||
	    __builtin_add_overflow(base, VIRTIO_MMIO_SLOT_SIZE, &end))
		return false;
	for (uint32_t i = 0; i < bp->ram_count; i++)
		if (base < bp->ram[i].base + bp->ram[i].size &&
		    end > bp->ram[i].base)
			return false;
	return !(base < bp->region_base + bp->region_size &&
		 end > bp->region_base);
}

static enum svsm_err attach_slot(uint64_t base, struct block_dev **b)
{
	uint64_t page = ALIGN_DOWN(base, PAGE_SIZE);
	struct virtio_mmio *m;
	uint8_t *va;
	uint32_t id;
	enum svsm_err err;

	if (!slot_ok(base))
		return SVSM_E_INVAL;
	va = vm_map_mmio(pa_init(page), PAGE_SIZE);
	if (!va)
		return SVSM_E_NOMEM;
	m = kmalloc(sizeof(*m));
	if (!m)
		return SVSM_E_NOMEM;
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->regs = va + (base - page);
	m->vdev.ops = &mm_ops;
	m->vdev.priv = m;
	m->vdev.name = "virtio-blk-mmio";
	id = rd32(m, VIRTIO_MMIO_DEVICE_ID);
	if (rd32(m, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd32(m, VIRTIO_MMIO_VERSION) != 2 ||
	    (id != VIRTIO_ID_BLOCK &&
	     (id != VIRTIO_ID_VSOCK || vsock_default()))) {
		err = rd32(m, VIRTIO_MMIO_VERSION) == 1 ? SVSM_E_UNSUPPORTED
							: SVSM_E_INVAL;
		kfree(m);
		return err;
	}
	m->vdev.device_id = id;
	if (id == VIRTIO_ID_VSOCK) {
		/* The first vsock device becomes vsock_default(); *b stays NULL. */
		struct vsock_dev *v = NULL;

		m->vdev.name = "virtio-vsock-mmio";
		err = vsock_attach(&m->vdev, &v);
		if (err != SVSM_OK)
			kfree(m);
		return err;
	}
	err = virtio_blk_attach(&m->vdev, b);
	if (err != SVSM_OK)
		kfree(m);
	return err;
}

static struct {
	bool done;
	unsigned int count;
} probe_state;

unsigned int virtio_mmio_probe(void)
{
	uint64_t bases[VIRTIO_MMIO_MAX_SLOTS];
	char arg[8 * 19];
	unsigned int n;

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
			"no device MMIO on this platform yet: virtio-mmio slots not probed");
		return 0;
	}
	if (!cmdline_get(boot_params()->cmdline, "virtio_mmio", arg,
			 sizeof(arg)))
		return 0;
	n = parse_slots(arg, bases, VIRTIO_MMIO_MAX_SLOTS);
	for (unsigned int i = 0; i < n; i++) {
		struct block_dev *b = NULL;
		enum svsm_err err = attach_slot(bases[i], &b);

		if (err != SVSM_OK) {
			log_notice("slot 0x%llx: nothing attached (%s)",
				   (unsigned long long)bases[i],
				   svsm_err_name(err));
			continue;
		}
		if (!b) {
			log_info("slot 0x%llx: virtio-vsock",
				 (unsigned long long)bases[i]);
			continue;
		}
		log_info("slot 0x%llx: virtio-blk as %s",
			 (unsigned long long)bases[i], b->name);
		probe_state.count++;
	}
	return probe_state.count;
}
