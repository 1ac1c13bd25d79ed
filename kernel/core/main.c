/* SPDX-License-Identifier: MIT */
/*
 * kmain: the boot sequence after entry.S, on the boot CPU.
 *   1. console, banner, stack-protector check;
 *   2. boot info and IGVM parameters (validated, see boot_params.c);
 *   3. the named layout of the SVSM region, the boot allocator, per-CPU
 *      areas, the SVSM's own address space (vm_init) and this CPU's
 *      descriptor tables;
 *   4. the other vCPUs, then the SVSM's own disks (virtio-blk on PCI or
 *      in the virtio-mmio slots the command line names);
 *   5. the root file-system image and the programs `start=` names;
 *   6. boot_finish(): "ready" (or, in the test image, the in-kernel tests).
 */
#define LOG_PREFIX ""
#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/console.h"
#include "svsm/log.h"
#include "svsm/mm/bootmem.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/layout.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/plat/plat.h"
#include "svsm/smp.h"
#include "svsm/stackprot.h"
#include "svsm/virtio.h"

#include "abi/csvsm_boot.h"

#include "lib/string.h"
#include "version.h" /* generated: CSVSM_VERSION */

void kmain(uint64_t boot_info_pa);

/* Linker-script symbols bounding the image's sections. */
extern char __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[];

static struct boot_params params;

const struct boot_params *boot_params(void)
{
	return &params;
}

static const void *map_or_panic(uint64_t pa, uint64_t len, const char *what)
{
	const void *p = arch_phys_to_virt(pa, len);

	if (!p)
		panic("boot: %s at 0x%llx (+0x%llx) is not mapped", what,
		      (unsigned long long)pa, (unsigned long long)len);
	return p;
}

static void load_params(uint64_t pa)
{
	const struct csvsm_boot_info *bi;
	struct csvsm_boot_info copy;
	enum svsm_err err;

	/* Read through the identity map until the region size is known. */
	bi = map_or_panic(pa, sizeof(*bi), "boot info");
	memcpy(&copy, bi, sizeof(copy));
	if (copy.region_size > (1ull << 30))
		panic("boot: SVSM region size 0x%llx over 1 GiB",
		      (unsigned long long)copy.region_size);
	arch_mm_set_region_size(copy.region_size);
	err = boot_params_parse(
		&copy, SVSM_PHYS_BASE,
		map_or_panic(copy.memmap_gpa, copy.memmap_size, "memory map"),
		map_or_panic(copy.vp_count_gpa, 4, "vCPU count"),
		map_or_panic(copy.cmdline_gpa, copy.cmdline_size,
			     "command line"),
		&params);
	if (err != SVSM_OK)
		panic("boot: invalid boot info or IGVM parameters (%s)",
		      svsm_err_name(err));
}

static void set_part(enum layout_part part, uint64_t base, uint64_t end)
{
	if (layout_set(part, base, ALIGN_UP(end, PAGE_SIZE) - base) != SVSM_OK)
		panic("layout: part %d overlaps another", (int)part);
}

static void build_layout(void)
{
	const struct boot_params *p = &params;

	/* The text part starts at the region base: entry.S's boot code. */
	set_part(LAYOUT_KERNEL_TEXT, p->region_base,
		 arch_virt_to_phys(__text_end));
	set_part(LAYOUT_KERNEL_RODATA, arch_virt_to_phys(__rodata_start),
		 arch_virt_to_phys(__rodata_end));
	set_part(LAYOUT_KERNEL_DATA, arch_virt_to_phys(__data_start),
		 arch_virt_to_phys(__data_end));
	set_part(LAYOUT_KERNEL_BSS, arch_virt_to_phys(__bss_start),
		 arch_virt_to_phys(__bss_end));
	set_part(LAYOUT_HANDOFF, p->image_end, p->free_base);
	/* No user mode yet: the part exists, empty, so the table is whole. */
	set_part(LAYOUT_USER, p->free_base, p->free_base);
	bootmem_init(p->free_base, p->region_base + p->region_size);
}

/* The rest of the region becomes the heap: page allocator, then slabs. */
static void init_heap(void)
{
	uint64_t base = 0;
	uint64_t size = bootmem_take_rest(&base);
	uint64_t secret = 0;
	enum svsm_err err;

	if (!size || layout_set(LAYOUT_HEAP, base, size) != SVSM_OK)
		panic("no heap left in the SVSM region");
	err = pgalloc_init(pa_init(base), size);
	if (err != SVSM_OK)
		panic("heap: %s", svsm_err_name(err));
	if (!arch_hw_random(&secret))
		panic("heap: no hardware randomness for the free-list secret");
	heap_init(secret);
}

static void print_memory(void)
{
	const struct boot_params *p = &params;

	log_info("RAM from the loader's memory map:");
	for (uint32_t i = 0; i < p->ram_count; i++)
		log_info("  ram                0x%016llx 0x%016llx %8llu",
			 (unsigned long long)p->ram[i].base,
			 (unsigned long long)(p->ram[i].base + p->ram[i].size),
			 (unsigned long long)(p->ram[i].size / 1024));
	log_info("SVSM region 0x%llx-0x%llx (%llu KiB):",
		 (unsigned long long)p->region_base,
		 (unsigned long long)(p->region_base + p->region_size),
		 (unsigned long long)(p->region_size / 1024));
	layout_print();
	pgalloc_log_stats();
}

static void hex16(const uint8_t id[16], char out[33])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < 16; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 0xf];
	}
	out[32] = '\0';
}

/* The measured version metadata the builder put in the boot info. */
static void log_version(void)
{
	char family[33];
	char image[33];

	hex16(params.family_id, family);
	hex16(params.image_id, image);
	log_info("image: guest SVN %u, family ID %s, image ID %s",
		 params.guest_svn, family, image);
}

/* Guest addresses are checked against the loader's RAM and the region. */
static void init_gpa_checks(void)
{
	if (gpa_set_ram(params.ram, params.ram_count) != SVSM_OK ||
	    gpa_reserve(pa_init(params.region_base), params.region_size) !=
		    SVSM_OK)
		panic("boot: cannot register the memory map for gpa checks");
}

/*
 * What the SVSM occupies (the region minus the free heap), before its
 * programs start and at "ready", with them running.
 */
static void log_footprint(const char *when)
{
	struct pgalloc_stats st;
	unsigned long long free_kib;

	pgalloc_get_stats(&st);
	free_kib = (unsigned long long)st.free_pages * PAGE_SIZE / 1024;
	log_info("memory %s: %llu KiB in use, %llu KiB heap free, "
		 "%llu KiB region",
		 when, (unsigned long long)params.region_size / 1024 - free_kib,
		 free_kib, (unsigned long long)params.region_size / 1024);
}

static void apply_cmdline(void)
{
	char buf[8];

	if (cmdline_get(params.cmdline, "loglevel", buf, sizeof(buf))) {
		unsigned int level = 0;

		for (const char *c = buf; *c >= '0' && *c <= '9'; c++)
			level = level * 10 + (unsigned int)(*c - '0');
		log_set_level(level);
	}
}

void kmain(uint64_t boot_info_pa)
{
	console_init();
	log_printf("\ncsvsm %s on the %s platform\n", CSVSM_VERSION,
		   plat_name());
	if (!stackprot_seeded())
		panic("no RDSEED/RDRAND: cannot seed the stack protector");
	load_params(boot_info_pa);
	init_gpa_checks();
	apply_cmdline();
	log_info("command line: \"%s\"", params.cmdline);
	log_version();
	build_layout();
	percpu_init(params.vcpu_count);
	vm_init(&params);
	percpu_init_boot_cpu();
	init_heap();
	print_memory();
	smp_start(params.vcpu_count);
	(void)virtio_pci_probe();
	(void)virtio_mmio_probe();
	log_footprint("before programs");
	boot_start_programs();
	log_footprint("at ready");
	boot_finish();
}
