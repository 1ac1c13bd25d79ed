/* SPDX-License-Identifier: MIT */
/*
 * Parsing the boot-info page and the IGVM parameter areas.
 *
 * TRUST: the boot-info page is part of the measured image, but the memory
 * map, vCPU count and command line are written by the loader (the host) and
 * may hold anything. Each is read once into private memory and checked:
 * entry counts are bounded by the area size, ranges are checked for
 * overflow, the vCPU count must be 1..CFG_MAX_CPUS, the command line must be
 * NUL-terminated within its bound, and the SVSM region must be RAM. A bad
 * value makes boot fail with a clear message; nothing here trusts a length.
 * The root file-system image's place is measured too, and still checked:
 * whole pages of the region between the boot-info page and free_base.
 */
#include "svsm/boot.h"
#include "svsm/percpu.h"

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"

#include "lib/string.h"

static bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	return !__builtin_add_overflow(base, size, end);
}

static enum svsm_err parse_memmap(const void *area, uint64_t area_size,
				  struct boot_params *out)
{
	size_t max = area_size / sizeof(struct igvm_vhs_memory_map_entry);

	out->ram_count = 0;
	for (size_t i = 0; i < max; i++) {
		struct igvm_vhs_memory_map_entry e;
		uint64_t base;
		uint64_t size;
		uint64_t end;

		memcpy(&e, (const char *)area + i * sizeof(e), sizeof(e));
		if (e.number_of_pages == 0)
			return out->ram_count ? SVSM_OK : SVSM_E_INVAL;
		if (e.entry_type != IGVM_MEMORY_MAP_MEMORY)
			continue;
		if (e.starting_gpa_page_number >= (1ull << 40) ||
		    e.number_of_pages >= (1ull << 40))
			return SVSM_E_INVAL;
		base = e.starting_gpa_page_number << PAGE_SHIFT;
		size = e.number_of_pages << PAGE_SHIFT;
		if (!range_end(base, size, &end) || end > (1ull << 52))
			return SVSM_E_INVAL;
		if (out->ram_count &&
		    base < out->ram[out->ram_count - 1].base +
				    out->ram[out->ram_count - 1].size)
			return SVSM_E_INVAL; /* unsorted or overlapping */
		if (out->ram_count == BOOT_MAX_RAM_RANGES)
			return SVSM_E_INVAL;
		out->ram[out->ram_count++] = (struct ram_range){base, size};
	}
	return SVSM_E_INVAL; /* no terminating entry */
}

static bool is_ram(const struct boot_params *p, uint64_t base, uint64_t size)
{
	uint64_t end;

	if (!range_end(base, size, &end))
		return false;
	for (uint32_t i = 0; i < p->ram_count; i++) {
		if (base >= p->ram[i].base &&
		    end <= p->ram[i].base + p->ram[i].size)
			return true;
	}
	return false;
}

/* 0/0, or an archive inside [image_end + 4 KiB, free_base), page aligned. */
static bool initfs_ok(const struct csvsm_boot_info *bi)
{
	uint64_t end;

	if (!bi->initfs_gpa && !bi->initfs_size)
		return true;
	return bi->initfs_size && bi->initfs_gpa % PAGE_SIZE == 0 &&
	       bi->initfs_gpa >= bi->image_end + PAGE_SIZE &&
	       range_end(bi->initfs_gpa, bi->initfs_size, &end) &&
	       end <= bi->free_base;
}

enum svsm_err boot_params_parse(const struct csvsm_boot_info *info,
				uint64_t expected_base, const void *memmap,
				const void *vp_count, const void *cmdline,
				struct boot_params *result)
{
	/* Validate into a private copy; *result changes only on success. */
	static struct boot_params scratch;
	struct boot_params *out = &scratch;
	struct csvsm_boot_info bi;
	uint32_t vcpus;
	uint64_t region_end;
	size_t len;

	memset(out, 0, sizeof(*out));
	memcpy(&bi, info, sizeof(bi));
	if (bi.magic != CSVSM_BOOT_INFO_MAGIC ||
	    bi.version != CSVSM_BOOT_INFO_VERSION ||
	    bi.region_base != expected_base ||
	    !range_end(bi.region_base, bi.region_size, &region_end) ||
	    bi.image_end > bi.free_base || bi.free_base > region_end ||
	    bi.image_end <= bi.region_base || !initfs_ok(&bi))
		return SVSM_E_INVAL;
	out->region_base = bi.region_base;
	out->region_size = bi.region_size;
	out->image_end = bi.image_end;
	out->free_base = bi.free_base;
	out->ap_trampoline_gpa = bi.ap_trampoline_gpa;
	out->secrets_gpa = bi.secrets_gpa;
	out->cpuid_gpa = bi.cpuid_gpa;
	out->fw_gpa = bi.fw_gpa;
	out->fw_size = bi.fw_size;
	out->initfs_gpa = bi.initfs_gpa;
	out->initfs_size = bi.initfs_size;
	out->guest_svn = bi.guest_svn;
	memcpy(out->family_id, bi.family_id, sizeof(out->family_id));
	memcpy(out->image_id, bi.image_id, sizeof(out->image_id));

	memcpy(&vcpus, vp_count, sizeof(vcpus));
	if (vcpus == 0 || vcpus > CFG_MAX_CPUS)
		return SVSM_E_INVAL;
	out->vcpu_count = vcpus;

	if (parse_memmap(memmap, bi.memmap_size, out) != SVSM_OK)
		return SVSM_E_INVAL;
	if (!is_ram(out, bi.region_base, bi.region_size))
		return SVSM_E_INVAL;

	len = bi.cmdline_size < sizeof(out->cmdline) ? bi.cmdline_size
						     : sizeof(out->cmdline);
	memcpy(out->cmdline, cmdline, len);
	if (strnlen(out->cmdline, len) == len)
		return SVSM_E_INVAL; /* not terminated within the bound */
	memcpy(result, out, sizeof(*result));
	return SVSM_OK;
}
