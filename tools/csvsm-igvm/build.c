/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm build`: turns the kernel ELF into the IGVM file for the native
 * platform. The SVSM region is laid out as
 *
 *   region_base   kernel image (ELF load segments, bss as zero pages)
 *   image_end     boot-info page (measured; include/abi/csvsm_boot.h)
 *   +4 KiB        memory-map parameter area   (filled by the loader)
 *   +8 KiB        vCPU-count parameter area   (filled by the loader)
 *   +12 KiB       command-line parameter area (filled by the loader)
 *   free_base     the rest of the region: REQUIRED_MEMORY, run-time use
 *
 * plus one page below 1 MiB for the AP trampoline (native only). The boot
 * vCPU starts in 32-bit protected mode, paging off, at the ELF entry point,
 * with RSI = the boot-info page. The output depends only on the inputs.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"

#include "elf_image.h"
#include "igvm.h"

#define PAGE 4096ull

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Copies the ELF's load segments into one zero-filled image buffer. */
static uint8_t *flatten(const struct elf_image *elf, uint64_t base,
			uint64_t *image_end, char *err, size_t errlen)
{
	uint64_t end = base;
	uint8_t *img;

	for (unsigned int i = 0; i < elf->segment_count; i++) {
		const struct elf_segment *s = &elf->segments[i];
		uint64_t e;

		if (s->paddr < base ||
		    __builtin_add_overflow(s->paddr, s->memsz, &e)) {
			snprintf(
				err, errlen,
				"segment at 0x%llx is below the region base 0x%llx",
				(unsigned long long)s->paddr,
				(unsigned long long)base);
			return NULL;
		}
		if (e > end)
			end = e;
	}
	end = (end + PAGE - 1) & ~(PAGE - 1);
	if (end - base > (1ull << 30)) {
		snprintf(err, errlen, "kernel image larger than 1 GiB");
		return NULL;
	}
	img = calloc(1, end - base);
	if (!img) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned int i = 0; i < elf->segment_count; i++) {
		const struct elf_segment *s = &elf->segments[i];

		memcpy(img + (s->paddr - base), s->data, s->filesz);
	}
	*image_end = end;
	return img;
}

static int add_platform(struct igvm_builder *b)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = IGVM_MASK_NATIVE,
		.highest_vtl = 0,
		.platform_type = IGVM_PLATFORM_NATIVE,
		.platform_version = 1,
		.shared_gpa_boundary = 0,
	};

	return igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p));
}

static int add_parameters(struct igvm_builder *b)
{
	static const uint32_t types[3] = {IGVM_VHT_MEMORY_MAP,
					  IGVM_VHT_VP_COUNT_PARAMETER,
					  IGVM_VHT_COMMAND_LINE};

	for (uint32_t i = 0; i < 3; i++) {
		if (igvm_builder_parameter_area(b, i, PAGE, NULL))
			return -1;
	}
	for (uint32_t i = 0; i < 3; i++) {
		struct igvm_vhs_parameter p = {.parameter_area_index = i,
					       .byte_offset = 0};

		if (igvm_builder_add(b, types[i], &p, sizeof(p)))
			return -1;
	}
	return 0;
}

static int add_inserts(struct igvm_builder *b, uint64_t first_gpa)
{
	for (uint32_t i = 0; i < 3; i++) {
		struct igvm_vhs_parameter_insert ins = {
			.gpa = first_gpa + i * PAGE,
			.compatibility_mask = IGVM_MASK_NATIVE,
			.parameter_area_index = i,
		};

		if (igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins,
				     sizeof(ins)))
			return -1;
	}
	return 0;
}

static int add_required(struct igvm_builder *b, uint64_t gpa, uint64_t size)
{
	struct igvm_vhs_required_memory r = {
		.gpa = gpa,
		.compatibility_mask = IGVM_MASK_NATIVE,
		.number_of_bytes = (uint32_t)size,
	};

	return igvm_builder_add(b, IGVM_VHT_REQUIRED_MEMORY, &r, sizeof(r));
}

/* The boot vCPU: 32-bit protected mode, flat segments, paging off. */
static int add_vp_context(struct igvm_builder *b, uint64_t entry,
			  uint64_t boot_info)
{
	struct igvm_native_vp_context_x64 ctx = {
		.rsi = boot_info,
		.rip = entry,
		.rflags = 0x2,
		.code_selector = 0x08,
		.code_attributes = 0xc09b,
		.code_base = 0,
		.code_limit = 0xffffffff,
		.data_selector = 0x10,
		.data_attributes = 0xc093,
		.data_base = 0,
		.data_limit = 0xffffffff,
		.cr0 = 0x11, /* PE | ET */
	};

	return igvm_builder_vp_context(b, 0, IGVM_MASK_NATIVE, 0, &ctx,
				       sizeof(ctx));
}

static int add_image(struct igvm_builder *b, const uint8_t *img, uint64_t base,
		     uint64_t end)
{
	for (uint64_t gpa = base; gpa < end; gpa += PAGE) {
		if (igvm_builder_page_data(b, gpa, IGVM_MASK_NATIVE, 0,
					   IGVM_PAGE_DATA_TYPE_NORMAL,
					   img + (gpa - base), PAGE))
			return -1;
	}
	return 0;
}

int build_native(const struct build_options *o, const uint8_t *elf_buf,
		 size_t elf_size, uint8_t **out, size_t *out_len, char *err,
		 size_t errlen)
{
	struct elf_image elf;
	struct csvsm_boot_info bi = {0};
	struct igvm_builder *b = NULL;
	uint64_t image_end = 0;
	uint8_t *img = NULL;
	int rc = -1;

	if (elf_parse(elf_buf, elf_size, &elf, err, errlen))
		return -1;
	if (o->region_base % (2ull << 20) || o->region_size % (2ull << 20) ||
	    !o->region_size || o->region_size > (1ull << 30))
		return fail(
			err, errlen,
			"region base and size must be 2 MiB multiples, size <= 1 GiB");
	if (o->ap_trampoline % PAGE || o->ap_trampoline >= 0x100000)
		return fail(err, errlen,
			    "AP trampoline must be a page below 1 MiB");
	img = flatten(&elf, o->region_base, &image_end, err, errlen);
	if (!img)
		return -1;
	bi = (struct csvsm_boot_info){
		.magic = CSVSM_BOOT_INFO_MAGIC,
		.version = CSVSM_BOOT_INFO_VERSION,
		.region_base = o->region_base,
		.region_size = o->region_size,
		.image_end = image_end,
		.free_base = image_end + 4 * PAGE,
		.memmap_gpa = image_end + PAGE,
		.memmap_size = PAGE,
		.vp_count_gpa = image_end + 2 * PAGE,
		.cmdline_gpa = image_end + 3 * PAGE,
		.cmdline_size = PAGE,
		.ap_trampoline_gpa = o->ap_trampoline,
	};
	if (bi.free_base >= o->region_base + o->region_size) {
		snprintf(err, errlen,
			 "kernel image (%llu KiB) does not fit the region",
			 (unsigned long long)((image_end - o->region_base) >>
					      10));
		goto out;
	}
	b = igvm_builder_new(2); /* the native platform needs IGVM v2 */
	if (!b) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (add_platform(b) || add_parameters(b) ||
	    add_image(b, img, o->region_base, image_end) ||
	    igvm_builder_page_data(b, image_end, IGVM_MASK_NATIVE, 0,
				   IGVM_PAGE_DATA_TYPE_NORMAL, &bi,
				   sizeof(bi)) ||
	    add_inserts(b, image_end + PAGE) ||
	    add_required(b, bi.free_base,
			 o->region_base + o->region_size - bi.free_base) ||
	    add_required(b, o->ap_trampoline, PAGE) ||
	    add_vp_context(b, elf.entry, image_end) ||
	    igvm_builder_write(b, out, out_len)) {
		snprintf(err, errlen, "%s", igvm_builder_error(b));
		goto out;
	}
	rc = 0;
out:
	igvm_builder_free(b);
	free(img);
	return rc;
}
