/* SPDX-License-Identifier: MIT */
/*
 * The csvsm boot-info page: the contract between the IGVM builder
 * (tools/igvmbuild) and the kernel. The builder places this page, measured,
 * right after the kernel image and passes its address in RSI of the boot
 * vCPU's VP context. It tells the kernel where its static region is and where
 * the IGVM parameter areas (memory map, vCPU count, command line) were
 * inserted. The parameter areas themselves are filled by the loader and are
 * untrusted; this page is part of the measured image.
 */
#pragma once

#include <stdint.h>

#define CSVSM_BOOT_INFO_MAGIC	0x4d565343u /* "CSVM", little endian */
#define CSVSM_BOOT_INFO_VERSION 3u

/* Exit codes the SVSM writes to its platform's terminate path. */
#define CSVSM_EXIT_SUCCESS 0x10u
#define CSVSM_EXIT_PANIC   0x11u
#define CSVSM_EXIT_FAILURE 0x12u /* the test image: a test failed */

/*
 * The provenance text in the boot-info page (measured with it): the
 * Debian package versions the image was built from, "name=version" lines
 * (`csvsm-igvm build --provenance`, read back by `measure --json`).
 */
#define CSVSM_PROVENANCE_OFFSET 0x400u
#define CSVSM_PROVENANCE_MAX	0xc00u

/* IGVM parameter-area indices the builder declares. */
#define CSVSM_PARAM_MEMMAP   0u
#define CSVSM_PARAM_VP_COUNT 1u
#define CSVSM_PARAM_CMDLINE  2u

struct csvsm_boot_info {
	uint32_t magic;
	uint32_t version;
	/* The SVSM's static region: [region_base, region_base + region_size). */
	uint64_t region_base;
	uint64_t region_size;
	/* End of the loaded kernel image (text, data and bss), page aligned. */
	uint64_t image_end;
	/* First byte of the region free for run-time allocation. */
	uint64_t free_base;
	/* Parameter areas, inserted by the loader (IGVM PARAMETER_INSERT). */
	uint64_t memmap_gpa;
	uint64_t memmap_size;
	uint64_t vp_count_gpa;
	uint64_t cmdline_gpa;
	uint64_t cmdline_size;
	/* Native platform only: a page below 1 MiB for the INIT-SIPI trampoline. */
	uint64_t ap_trampoline_gpa;
	/* SEV-SNP only: the secrets page and the CPUID page the PSP filled. */
	uint64_t secrets_gpa;
	uint64_t cpuid_gpa;
	/* Guest firmware in the file (SNP only), or 0/0. */
	uint64_t fw_gpa;
	uint64_t fw_size;
	/*
	 * Version metadata, measured with this page: the same values go into
	 * the SNP ID block when the file is signed, and into the reference
	 * values the measure tool prints.
	 */
	uint32_t guest_svn;
	/* Bytes of the provenance text at CSVSM_PROVENANCE_OFFSET, or 0. */
	uint32_t provenance_size;
	uint8_t family_id[16];
	uint8_t image_id[16];
	/*
	 * The root file-system image (a cpio "newc" archive, measured with
	 * the launch, `csvsm-igvm build --initfs`), or 0/0: page aligned,
	 * after the CPUID page and before free_base, inside the region.
	 * size is the archive's own length; the rest of its last page is 0.
	 */
	uint64_t initfs_gpa;
	uint64_t initfs_size;
};

_Static_assert(sizeof(struct csvsm_boot_info) == 176,
	       "csvsm_boot_info layout is shared with tools/csvsm-igvm");
_Static_assert(__builtin_offsetof(struct csvsm_boot_info, family_id) == 128,
	       "csvsm_boot_info layout is shared with tools/csvsm-igvm");
