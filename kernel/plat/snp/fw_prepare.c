/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's pages made ready for its VMPL (snp/fw_prepare.h).
 */
#include "snp/fw_prepare.h"

#include <stdbool.h>

#include "svsm/addr.h"

#include "abi/snp.h"

#include "snp/snp.h"

#define PAGE	4096ull
#define FOUR_GB (1ull << 32)

static enum svsm_err fail(struct fw_prepare_result *r, uint64_t gpa, int rc,
			  enum svsm_err err)
{
	r->fail_gpa = gpa;
	r->fail_rc = rc;
	return err;
}

/* One section page: validate (it must not have been), zero, grant. */
static enum svsm_err section_page(uint64_t gpa, unsigned int vmpl,
				  struct fw_prepare_result *r)
{
	bool cf = false;
	int rc = snp_pvalidate(pa_init(gpa), false, true, &cf);

	if (rc != (int)SNP_SUCCESS)
		return fail(r, gpa, rc, SVSM_E_HW);
	if (cf)
		return fail(r, gpa, rc, SVSM_E_BUSY);
	snp_page_zero(pa_init(gpa));
	rc = snp_grant_guest(pa_init(gpa), false, vmpl);
	if (rc != (int)SNP_SUCCESS)
		return fail(r, gpa, rc, SVSM_E_HW);
	r->validated++;
	return SVSM_OK;
}

enum svsm_err snp_fw_prepare(const struct fw_meta *m, uint64_t fw_gpa,
			     uint64_t fw_size, unsigned int vmpl,
			     struct fw_prepare_result *r)
{
	/*
	 * TRUST: the sections were checked by ovmf_meta_parse(); what the
	 * RMP says about their pages is the host's doing, and PVALIDATE's
	 * answer (with CF) shows it. The firmware range is the measured
	 * boot info's.
	 */
	*r = (struct fw_prepare_result){0};
	if (vmpl <= SNP_SVSM_VMPL || vmpl >= SNP_VMPL_COUNT || !fw_size ||
	    fw_gpa % PAGE || fw_size % PAGE || fw_gpa >= FOUR_GB ||
	    fw_size > FOUR_GB - fw_gpa)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < m->count; i++) {
		const struct fw_section *s = &m->sections[i];

		for (uint64_t gpa = s->gpa; gpa < s->gpa + s->size;
		     gpa += PAGE) {
			enum svsm_err err = section_page(gpa, vmpl, r);

			if (err != SVSM_OK)
				return err;
		}
	}
	for (uint64_t gpa = fw_gpa; gpa < fw_gpa + fw_size; gpa += PAGE) {
		int rc = snp_grant_guest(pa_init(gpa), false, vmpl);

		if (rc != (int)SNP_SUCCESS)
			return fail(r, gpa, rc, SVSM_E_HW);
		r->granted++;
	}
	return SVSM_OK;
}
