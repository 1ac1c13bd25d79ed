/* SPDX-License-Identifier: MIT */
/*
 * Readying the guest firmware's pages for its VMPL
 * (kernel/plat/snp/fw_prepare.c). What OVMF's SEV metadata names (the
 * ranges it expects validated, its secrets, CPUID and calling-area
 * pages) is plain RAM in csvsm's IGVM file, private and not validated:
 * the SVSM validates each page, zeroes it (a page the host filled before
 * must not reach the firmware, docs/threat-model.md bug class 6) and
 * grants it to the firmware's VMPL. The firmware image itself was
 * validated and measured by the launch with no rights below VMPL0: the
 * SVSM grants it. The SVSM's own region never appears here
 * (ovmf_meta_parse() refused any section in it; the builder keeps the
 * firmware above it).
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#include "snp/ovmf_meta.h"

struct fw_prepare_result {
	uint64_t validated; /* pages validated, zeroed and granted */
	uint64_t granted;   /* firmware-image pages granted */
	uint64_t fail_gpa;  /* on error: the page */
	int fail_rc;	    /* and the instruction's EAX */
};

/*
 * Does the above for vmpl (1..3: VMPL1..vmpl get every permission).
 * Errors: SVSM_E_INVAL (vmpl, or a firmware image that is empty, not page
 * aligned or past 4 GiB), SVSM_E_BUSY (a section page was already
 * validated: someone replayed it), SVSM_E_HW (PVALIDATE or RMPADJUST
 * failed). On error the pages before fail_gpa are done; the caller ends
 * the VM.
 */
enum svsm_err __must_check snp_fw_prepare(const struct fw_meta *m,
					  uint64_t fw_gpa, uint64_t fw_size,
					  unsigned int vmpl,
					  struct fw_prepare_result *r);
