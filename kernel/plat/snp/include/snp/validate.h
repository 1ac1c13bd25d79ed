/* SPDX-License-Identifier: MIT */
/*
 * Validating the SVSM's own memory at boot (kernel/plat/snp/validate.c):
 * the part of the SVSM region the launch left unvalidated (the IGVM
 * file's REQUIRED_MEMORY) must be PVALIDATEd before the SVSM uses it. A
 * 2 MiB PVALIDATE covers an aligned 2 MiB page at once when the RMP
 * holds a 2 MiB entry; KVM backs guest memory with 4 KiB entries, where
 * it fails with FAIL_SIZEMISMATCH and the range is done 4 KiB at a time
 * (AMD64 APM vol. 3, PVALIDATE).
 *
 * A page that was already validated (rFLAGS.CF = 1) is an attack: the
 * host replayed or remapped memory the SVSM believes fresh
 * (docs/threat-model.md, bug class 16), so it is an error, as is any
 * failure code.
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

struct snp_validate_result {
	uint64_t pages_4k; /* 4 KiB PVALIDATEs that succeeded */
	uint64_t pages_2m; /* 2 MiB PVALIDATEs that succeeded */
	uint64_t fail_pa;  /* on error: the page that failed */
	int fail_rc;	   /* and PVALIDATE's EAX */
};

/*
 * Validates [pa, end) (4 KiB aligned, mapped where arch_phys_to_virt()
 * says, with 2 MiB-aligned virtual addresses for 2 MiB-aligned physical
 * ones). Errors: SVSM_E_INVAL (range misaligned, upside down or not
 * mapped), SVSM_E_HW (PVALIDATE failed: fail_rc), SVSM_E_BUSY (a page
 * was already validated). On error the pages before fail_pa are
 * validated; the caller ends the VM.
 */
enum svsm_err __must_check snp_validate_range(uint64_t pa, uint64_t end,
					      struct snp_validate_result *res);
