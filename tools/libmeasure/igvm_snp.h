/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch digest of an IGVM file: the directives that apply to
 * the file's SEV-SNP platform, mapped to SNP page types as a loader adds
 * them (QEMU backends/igvm.c; igvm 0.4.0 igvm/src/measurement/snp.rs;
 * COCONUT-SVSM tools/igvmmeasure). The
 * loaders disagree on a few points, so each is a switch; the defaults are
 * what QEMU's IGVM loader and KVM do:
 *
 *   point                        default (QEMU/KVM)       switch
 *   PAGE_DATA, file_offset 0     NORMAL, zero contents    native_zero: ZERO
 *   PAGE_DATA flag SHARED        measured as private      skip_shared
 *   PARAMETER_INSERT             every page UNMEASURED    param_first_page_only
 *   VP_CONTEXT (VMSA)            at SNP_LAUNCH_VMSA_GPA, after
 * vmsa_header_gpa:
 *                                every page, vCPU order   header GPA, file
 * order
 *
 * COCONUT igvmmeasure = {param_first_page_only, vmsa_header_gpa} (plus
 * native_zero with --native-zero); the igvm crate's measurement =
 * {skip_shared, vmsa_header_gpa}.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igvm.h"
#include "snp.h"

#define IGVM_SNP_ERR_LEN 256

struct igvm_snp_opts {
	bool native_zero;	    /* zero pages as SNP type ZERO */
	bool skip_shared;	    /* SHARED pages are not measured */
	bool param_first_page_only; /* only an area's first page */
	bool vmsa_header_gpa;	    /* VMSA at the header GPA, in file order */
	/*
	 * VMSAs, default mode: vcpus 0 measures vCPUs 0..max vp_index; N
	 * measures vCPUs 0..N-1. vCPU i uses the VP_CONTEXT with vp_index i,
	 * or vCPU 0's when the file has none for it (an SVSM image carries
	 * the BSP context only). With vmsa_header_gpa: each VP_CONTEXT once.
	 */
	unsigned int vcpus;
	bool bsp_only; /* only vCPU 0's VMSA (SVSM "measure the BSP" flag) */
	unsigned int threads;	      /* see struct snp_ctx */
	struct snp_progress progress; /* optional */
};

/*
 * The compatibility mask of the file's SEV-SNP platform (igvm_defs 0.4.0,
 * compatibility masks), 0 if it
 * declares none.
 */
uint32_t igvm_snp_platform_mask(const struct igvm_file *f);

/*
 * The launch digest of a parsed file for its SEV-SNP platform. 0, or -1
 * with a one-line message in err (no SNP platform, a VMSA missing, OOM).
 */
int igvm_snp_measure(const struct igvm_file *f, const struct igvm_snp_opts *o,
		     uint8_t ld[SNP_LD_SIZE], char err[IGVM_SNP_ERR_LEN])
	__attribute__((warn_unused_result));

/* igvm_parse() + igvm_snp_measure() on a whole file in memory. */
int igvm_snp_measure_buf(const uint8_t *buf, size_t size,
			 const struct igvm_snp_opts *o, uint8_t ld[SNP_LD_SIZE],
			 char err[IGVM_SNP_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * Pages of the SEV-SNP platform that carry non-zero data from the file but
 * are added UNMEASURED (PAGE_DATA with the UNMEASURED flag, parameter areas
 * with initial data): their contents are not in the launch digest. 0 when
 * the file has none, or no SEV-SNP platform.
 */
size_t igvm_snp_unmeasured_data_pages(const struct igvm_file *f);
