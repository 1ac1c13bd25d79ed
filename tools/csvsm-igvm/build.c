/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm build`: turns the kernel ELF (and, optionally, guest firmware)
 * into one IGVM file for the native and SEV-SNP platforms. The SVSM region
 * is laid out as
 *
 *   region_base   kernel image (ELF load segments, bss as zero pages)
 *   image_end     boot-info page (measured; include/abi/csvsm_boot.h),
 *                 with the provenance text (--provenance) at 1 KiB
 *   +4 KiB        memory-map parameter area   (filled by the loader)
 *   +8 KiB        vCPU-count parameter area   (filled by the loader)
 *   +12 KiB       command-line parameter area (filled by the loader)
 *   +16 KiB       SNP secrets page (filled by the PSP; native: unused)
 *   +20 KiB       SNP CPUID page   (filled by the PSP; native: unused)
 *   +24 KiB       the root file-system image (--initfs), if any: a cpio
 *                 archive, measured, its last page padded with zeros
 *   free_base     the rest of the region: REQUIRED_MEMORY, run-time use
 *
 * Directives shared by both platforms carry both mask bits, so the bytes
 * and their measurement are the same wherever possible. With an SNP
 * kernel (--snp-kernel), each platform gets its own kernel image at the
 * region base, under its own mask, the shorter one padded with zero pages
 * so that the boot-info page and everything after it stay shared; the
 * SNP launch VMSA starts the SNP kernel's entry point. Native only: one
 * page below 1 MiB for the AP trampoline, and a native VP context. SNP
 * only: the guest policy, the secrets and CPUID pages' types, the firmware
 * (at the top of 4 GiB, where OVMF expects to run) and the launch VMSA at
 * the GPA QEMU/KVM measure it. Both boot vCPUs start in 32-bit protected
 * mode, paging off, at the ELF entry point, with RSI = the boot-info page.
 * The output depends only on the inputs.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"
#include "abi/snp_vmsa.h"

#include "elf_image.h"
#include "igvm.h"

#define PAGE   4096ull
#define BOTH   (IGVM_MASK_NATIVE | IGVM_MASK_SNP)
#define FW_TOP (1ull << 32) /* firmware ends at 4 GiB */
#define MAX_FW (16ull << 20)

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Copies the ELF's load segments into one zero-filled image buffer. */
static uint8_t *flatten(const struct elf_image *elf, uint64_t base,
			uint64_t min_end, uint64_t *image_end, char *err,
			size_t errlen)
{
	uint64_t end = min_end > base ? min_end : base;
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

static int add_platform(struct igvm_builder *b, uint32_t mask, uint8_t type,
			uint8_t vtl)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = mask,
		.highest_vtl = vtl,
		.platform_type = type,
		.platform_version = 1,
		.shared_gpa_boundary = 0,
	};

	return igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p));
}

static int add_platforms(struct igvm_builder *b, const struct build_options *o)
{
	struct igvm_vhs_guest_policy gp = {
		.policy = o->policy,
		.compatibility_mask = IGVM_MASK_SNP,
	};

	if (add_platform(b, IGVM_MASK_NATIVE, IGVM_PLATFORM_NATIVE, 0))
		return -1;
	if (!o->snp)
		return 0;
	/* VTL 2: the SVSM runs above the guest (VMPL0 vs the guest's VMPLs). */
	if (add_platform(b, IGVM_MASK_SNP, IGVM_PLATFORM_SEV_SNP, 2))
		return -1;
	return igvm_builder_add(b, IGVM_VHT_GUEST_POLICY, &gp, sizeof(gp));
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

static int add_inserts(struct igvm_builder *b, uint64_t first_gpa,
		       uint32_t mask)
{
	for (uint32_t i = 0; i < 3; i++) {
		struct igvm_vhs_parameter_insert ins = {
			.gpa = first_gpa + i * PAGE,
			.compatibility_mask = mask,
			.parameter_area_index = i,
		};

		if (igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins,
				     sizeof(ins)))
			return -1;
	}
	return 0;
}

static int add_required(struct igvm_builder *b, uint64_t gpa, uint64_t size,
			uint32_t mask)
{
	struct igvm_vhs_required_memory r = {
		.gpa = gpa,
		.compatibility_mask = mask,
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

static struct snp_vmsa_seg flat(uint16_t selector, uint16_t attrib)
{
	return (struct snp_vmsa_seg){selector, attrib, 0xffffffff, 0};
}

/*
 * The SNP launch VMSA: the same 32-bit flat state as the native context
 * (APM vol. 2, Table B-4 fields), plus what SEV-SNP requires: EFER.SVME,
 * SEV_FEATURES = SNPActive, and RestrictedInjection (bit 3, APM vol. 2,
 * "SEV_FEATURES") when asked for: QEMU's IGVM loader accepts only the
 * features KVM reports (QEMU target/i386/sev.c, check_sev_features), and
 * upstream KVM does not report restricted injection. Then the
 * architectural reset values of PAT, XCR0, DR6/DR7, MXCSR and the x87 FCW.
 * The VMSA page is measured as it is, SEV_FEATURES included.
 */
static int add_snp_vmsa(struct igvm_builder *b, uint64_t entry,
			uint64_t boot_info, bool restricted_injection)
{
	struct snp_vmsa v = {
		.cs = flat(0x08, 0xc9b),
		.ds = flat(0x10, 0xc93),
		.es = flat(0x10, 0xc93),
		.ss = flat(0x10, 0xc93),
		.fs = flat(0x10, 0xc93),
		.gs = flat(0x10, 0xc93),
		.ldtr = {.attrib = 0x082},
		.tr = {.attrib = 0x08b},
		.efer = SNP_EFER_SVME,
		.cr0 = 0x11, /* PE | ET */
		.dr7 = 0x400,
		.dr6 = 0xffff0ff0,
		.rflags = 0x2,
		.rip = entry,
		.rsi = boot_info,
		.g_pat = 0x0007040600070406ull,
		.sev_features =
			SNP_FEATURE_SNP_ACTIVE |
			(restricted_injection ? SNP_FEATURE_RESTRICTED_INJECTION
					      : 0),
		.xcr0 = 0x1,
		.mxcsr = 0x1f80,
		.x87_fcw = 0x37f,
	};

	return igvm_builder_vp_context(b, SNP_LAUNCH_VMSA_GPA, IGVM_MASK_SNP, 0,
				       &v, sizeof(v));
}

static int add_pages(struct igvm_builder *b, const uint8_t *data, uint64_t base,
		     uint64_t end, uint32_t mask)
{
	for (uint64_t gpa = base; gpa < end; gpa += PAGE) {
		if (igvm_builder_page_data(b, gpa, mask, 0,
					   IGVM_PAGE_DATA_TYPE_NORMAL,
					   data + (gpa - base), PAGE))
			return -1;
	}
	return 0;
}

/* The SNP-only pages: secrets and CPUID (contents from the PSP), firmware. */
static int add_snp_pages(struct igvm_builder *b, const struct build_options *o,
			 const struct csvsm_boot_info *bi)
{
	if (igvm_builder_page_data(b, bi->secrets_gpa, IGVM_MASK_SNP, 0,
				   IGVM_PAGE_DATA_TYPE_SECRETS, NULL, 0) ||
	    igvm_builder_page_data(b, bi->cpuid_gpa, IGVM_MASK_SNP, 0,
				   IGVM_PAGE_DATA_TYPE_CPUID_DATA, NULL, 0))
		return -1;
	if (!o->fw_size)
		return 0;
	return add_pages(b, o->fw, bi->fw_gpa, bi->fw_gpa + bi->fw_size,
			 IGVM_MASK_SNP);
}

/* The archive's pages; the last one padded with zeros. */
static int add_initfs(struct igvm_builder *b, const struct build_options *o,
		      const struct csvsm_boot_info *bi, uint32_t mask)
{
	uint64_t whole = o->initfs_size / PAGE * PAGE;
	uint8_t last[PAGE];

	if (add_pages(b, o->initfs, bi->initfs_gpa, bi->initfs_gpa + whole,
		      mask))
		return -1;
	if (whole == o->initfs_size)
		return 0;
	memset(last, 0, sizeof(last));
	memcpy(last, o->initfs + whole, o->initfs_size - whole);
	return igvm_builder_page_data(b, bi->initfs_gpa + whole, mask, 0,
				      IGVM_PAGE_DATA_TYPE_NORMAL, last, PAGE);
}

static struct csvsm_boot_info boot_info_for(const struct build_options *o,
					    uint64_t image_end)
{
	struct csvsm_boot_info bi = {
		.magic = CSVSM_BOOT_INFO_MAGIC,
		.version = CSVSM_BOOT_INFO_VERSION,
		.region_base = o->region_base,
		.region_size = o->region_size,
		.image_end = image_end,
		.memmap_gpa = image_end + PAGE,
		.memmap_size = PAGE,
		.vp_count_gpa = image_end + 2 * PAGE,
		.cmdline_gpa = image_end + 3 * PAGE,
		.cmdline_size = PAGE,
		.ap_trampoline_gpa = o->ap_trampoline,
		.secrets_gpa = image_end + 4 * PAGE,
		.cpuid_gpa = image_end + 5 * PAGE,
		.initfs_gpa = o->initfs_size ? image_end + 6 * PAGE : 0,
		.initfs_size = o->initfs_size,
		.free_base = image_end + 6 * PAGE +
			     (o->initfs_size + PAGE - 1) / PAGE * PAGE,
		.fw_gpa = o->fw_size ? FW_TOP - o->fw_size : 0,
		.fw_size = o->fw_size,
		.guest_svn = o->guest_svn,
		.provenance_size = (uint32_t)o->provenance_size,
	};

	memcpy(bi.family_id, o->family_id, sizeof(bi.family_id));
	memcpy(bi.image_id, o->image_id, sizeof(bi.image_id));
	return bi;
}

int build_check_options(const struct build_options *o, char *err, size_t errlen)
{
	if (o->region_base % (2ull << 20) || o->region_size % (2ull << 20) ||
	    !o->region_size || o->region_size > (1ull << 30))
		return fail(
			err, errlen,
			"region base and size must be 2 MiB multiples, size <= 1 GiB");
	if (o->ap_trampoline % PAGE || o->ap_trampoline >= 0x100000)
		return fail(err, errlen,
			    "AP trampoline must be a page below 1 MiB");
	if (o->fw_size && (!o->snp || o->fw_size % PAGE || o->fw_size > MAX_FW))
		return fail(
			err, errlen,
			"firmware needs the SNP platform and must be 4 KiB multiples, at most 16 MiB");
	if (o->restricted_injection && !o->snp)
		return fail(err, errlen,
			    "restricted injection needs the SNP platform");
	if (o->snp && !(o->policy & BUILD_POLICY_RSVD_MBO))
		return fail(
			err, errlen,
			"SNP guest policy: bit 17 is reserved and must be 1 "
			"(e.g. 0x30000)");
	if (o->snp && (o->policy & ~BUILD_POLICY_DEFINED))
		return fail(
			err, errlen,
			"SNP guest policy: bits 26-63 are reserved and must "
			"be 0");
	if (o->region_base + o->region_size > FW_TOP - o->fw_size)
		return fail(
			err, errlen,
			"the SVSM region overlaps the firmware below 4 GiB");
	return 0;
}

/*
 * The kernel images: one for both platforms, or (with an SNP kernel) one
 * each, flattened to the same end.
 */
struct kernels {
	struct elf_image elf;	  /* NATIVE (and SNP without an SNP kernel) */
	struct elf_image snp_elf; /* SNP, when o->snp_elf */
	uint8_t *img;
	uint8_t *snp_img;
	uint64_t image_end;
};

static int load_kernels(const struct build_options *o, const uint8_t *elf_buf,
			size_t elf_size, struct kernels *k, char *err,
			size_t errlen)
{
	uint64_t end = 0;

	if (elf_parse(elf_buf, elf_size, &k->elf, err, errlen))
		return -1;
	if (!o->snp_elf) {
		k->img = flatten(&k->elf, o->region_base, 0, &k->image_end, err,
				 errlen);
		return k->img ? 0 : -1;
	}
	if (elf_parse(o->snp_elf, o->snp_elf_size, &k->snp_elf, err, errlen))
		return -1;
	/* Twice: the second pass pads the shorter image to the longer one. */
	k->snp_img = flatten(&k->snp_elf, o->region_base, 0, &end, err, errlen);
	if (!k->snp_img)
		return -1;
	k->img = flatten(&k->elf, o->region_base, end, &k->image_end, err,
			 errlen);
	if (!k->img)
		return -1;
	free(k->snp_img);
	k->snp_img = flatten(&k->snp_elf, o->region_base, k->image_end, &end,
			     err, errlen);
	return k->snp_img ? 0 : -1;
}

static int add_kernel_pages(struct igvm_builder *b,
			    const struct build_options *o,
			    const struct kernels *k, uint32_t shared)
{
	if (!k->snp_img)
		return add_pages(b, k->img, o->region_base, k->image_end,
				 shared);
	return add_pages(b, k->img, o->region_base, k->image_end,
			 IGVM_MASK_NATIVE) ||
	       add_pages(b, k->snp_img, o->region_base, k->image_end,
			 IGVM_MASK_SNP);
}

int build_igvm(const struct build_options *o, const uint8_t *elf_buf,
	       size_t elf_size, uint8_t **out, size_t *out_len, char *err,
	       size_t errlen)
{
	struct kernels k = {0};
	struct csvsm_boot_info bi;
	struct igvm_builder *b = NULL;
	uint32_t shared = o->snp ? BOTH : IGVM_MASK_NATIVE;
	uint64_t image_end = 0;
	uint64_t region_end = o->region_base + o->region_size;
	static uint8_t bi_page[PAGE];
	int rc = -1;

	if (o->provenance_size > CSVSM_PROVENANCE_MAX)
		return fail(err, errlen, "the provenance text is too long");
	if (build_check_options(o, err, errlen))
		return -1;
	if (o->snp_elf && !o->snp) {
		snprintf(err, errlen,
			 "an SNP kernel needs the SNP platform (no --no-snp)");
		return -1;
	}
	if (load_kernels(o, elf_buf, elf_size, &k, err, errlen))
		goto out;
	image_end = k.image_end;
	bi = boot_info_for(o, image_end);
	/* The boot-info page: the structure, then the provenance text. */
	memset(bi_page, 0, sizeof(bi_page));
	memcpy(bi_page, &bi, sizeof(bi));
	if (o->provenance_size)
		memcpy(bi_page + CSVSM_PROVENANCE_OFFSET, o->provenance,
		       o->provenance_size);
	if (bi.free_base >= region_end) {
		if (o->initfs_size)
			snprintf(err, errlen,
				 "kernel image (%llu KiB) and root file-system "
				 "image (%llu KiB) do not fit the region "
				 "(%llu KiB)",
				 (unsigned long long)((image_end -
						       o->region_base) >>
						      10),
				 (unsigned long long)(o->initfs_size >> 10),
				 (unsigned long long)(o->region_size >> 10));
		else
			snprintf(err, errlen,
				 "kernel image (%llu KiB) does not fit the "
				 "region",
				 (unsigned long long)((image_end -
						       o->region_base) >>
						      10));
		goto out;
	}
	/* Native needs IGVM v2 (its VP context is a v2 definition). */
	b = igvm_builder_new(2);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (add_platforms(b, o) || add_parameters(b) ||
	    add_kernel_pages(b, o, &k, shared) ||
	    igvm_builder_page_data(b, image_end, shared, 0,
				   IGVM_PAGE_DATA_TYPE_NORMAL, bi_page,
				   sizeof(bi_page)) ||
	    (o->snp && add_snp_pages(b, o, &bi)) ||
	    (o->initfs_size && add_initfs(b, o, &bi, shared)) ||
	    add_inserts(b, bi.memmap_gpa, shared) ||
	    add_required(b, bi.free_base, region_end - bi.free_base, shared) ||
	    add_required(b, o->ap_trampoline, PAGE, IGVM_MASK_NATIVE) ||
	    add_vp_context(b, k.elf.entry, image_end) ||
	    (o->snp &&
	     add_snp_vmsa(b, o->snp_elf ? k.snp_elf.entry : k.elf.entry,
			  image_end, o->restricted_injection)) ||
	    igvm_builder_write(b, out, out_len)) {
		snprintf(err, errlen, "%s", igvm_builder_error(b));
		goto out;
	}
	rc = 0;
out:
	igvm_builder_free(b);
	free(k.img);
	free(k.snp_img);
	return rc;
}
