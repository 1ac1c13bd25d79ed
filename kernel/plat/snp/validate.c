/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE of the SVSM's own, not yet validated memory at boot
 * (snp/validate.h): 2 MiB at a time where the range allows, else 4 KiB.
 */
#include "snp/validate.h"

#include <stdbool.h>

#include "svsm/arch/snp.h"

#include "svsm/addr.h"

#include "abi/snp.h"

static bool aligned_2m(uint64_t pa, uint64_t end)
{
	return pa % SNP_PAGE_SIZE_2M == 0 && end - pa >= SNP_PAGE_SIZE_2M;
}

static enum svsm_err one(uint64_t pa, bool huge, int *rc)
{
	uint64_t size = huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K;
	void *va = arch_phys_to_virt(pa, size);
	bool cf = false;

	/*
	 * A 2 MiB PVALIDATE needs a 2 MiB-aligned address: pa is, and the
	 * SVSM's mappings (identity, and the region at KERNEL_VIRT_BASE for
	 * a 2 MiB-aligned region base) keep the alignment.
	 */
	if (!va)
		return SVSM_E_INVAL;
	*rc = arch_pvalidate(va_val(va_from_ptr(va)), huge, true, &cf);
	if (*rc != (int)SNP_SUCCESS)
		return SVSM_E_HW;
	return cf ? SVSM_E_BUSY : SVSM_OK;
}

enum svsm_err snp_validate_range(uint64_t pa, uint64_t end,
				 struct snp_validate_result *res)
{
	/*
	 * TRUST: the range is the SVSM's own (from the measured boot
	 * info); the RMP state behind it is what the host made, which
	 * PVALIDATE reports and this function checks.
	 */
	*res = (struct snp_validate_result){0};
	if (pa % SNP_PAGE_SIZE_4K || end % SNP_PAGE_SIZE_4K || end < pa)
		return SVSM_E_INVAL;
	while (pa < end) {
		enum svsm_err err = SVSM_E_HW;
		int rc = 0;

		if (aligned_2m(pa, end)) {
			err = one(pa, true, &rc);
			if (err == SVSM_OK) {
				res->pages_2m++;
				pa += SNP_PAGE_SIZE_2M;
				continue;
			}
			if (err != SVSM_E_HW ||
			    rc != (int)SNP_FAIL_SIZEMISMATCH) {
				res->fail_pa = pa;
				res->fail_rc = rc;
				return err;
			}
		}
		err = one(pa, false, &rc);
		if (err != SVSM_OK) {
			res->fail_pa = pa;
			res->fail_rc = rc;
			return err;
		}
		res->pages_4k++;
		pa += SNP_PAGE_SIZE_4K;
	}
	return SVSM_OK;
}
