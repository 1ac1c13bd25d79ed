/* SPDX-License-Identifier: MIT */
/*
 * csvsm's version metadata inside its own IGVM files: the guest SVN, family
 * ID and image ID that `build` writes into the measured boot-info page
 * (include/abi/csvsm_boot.h). Found through RSI of the SEV-SNP launch
 * VMSA, which the builder points at that page. `measure` reports them and
 * `sign` uses them as the ID block's defaults, so one set of values flows
 * from the build to the signature and the reference values.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "igvm.h"
#include "provenance.h"

struct csvsm_meta {
	uint32_t guest_svn;
	uint8_t family_id[16];
	uint8_t image_id[16];
	/* The package versions (build --provenance); -1: malformed. */
	int package_count;
	struct provenance_entry packages[PROVENANCE_MAX_ENTRIES];
	char package_problem[200];
};

/* True, with *out filled, when `f` is a csvsm file for SNP platform `mask`. */
bool csvsm_meta_get(const struct igvm_file *f, uint32_t mask,
		    struct csvsm_meta *out);
/*
 * SEV_FEATURES of the boot vCPU's VMSA for SNP platform `mask` (measured
 * with it): true with *out set, false when the file has none.
 */
bool csvsm_meta_sev_features(const struct igvm_file *f, uint32_t mask,
			     uint64_t *out);
