/* SPDX-License-Identifier: MIT */
/*
 * Reading csvsm's version metadata from its boot-info page (csvsm_meta.h).
 *
 * TRUST: the file may be anything. The VMSA and the page are read through
 * igvm_file_data(), which bounds-checks; a file that is not csvsm's simply
 * has no metadata.
 */
#include "csvsm_meta.h"

#include <stddef.h>
#include <string.h>

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"
#include "abi/snp_vmsa.h"

#include "util.h"

/* Reads len bytes of PAGE_DATA for `mask` at gpa; false if not in the file. */
static bool read_page_data(const struct igvm_file *f, uint32_t mask,
			   uint64_t gpa, void *out, size_t len)
{
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_page_data pd;
		const uint8_t *d;

		if (f->headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&f->headers[i], &pd, sizeof(pd)) ||
		    !(pd.compatibility_mask & mask) || pd.gpa != gpa)
			continue;
		d = igvm_file_data(f, pd.file_offset, len);
		if (!d)
			return false;
		memcpy(out, d, len);
		return true;
	}
	return false;
}

/*
 * The VMSA bytes of the boot vCPU's VP_CONTEXT for `mask`; NULL if the
 * file has none or it does not fit.
 */
static const uint8_t *boot_vmsa(const struct igvm_file *f, uint32_t mask)
{
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_vp_context vp;

		if (f->headers[i].type != IGVM_VHT_VP_CONTEXT ||
		    igvm_vhdr_get(&f->headers[i], &vp, sizeof(vp)) ||
		    !(vp.compatibility_mask & mask) || vp.vp_index != 0)
			continue;
		return igvm_file_data(f, vp.file_offset, SNP_VMSA_SIZE);
	}
	return NULL;
}

bool csvsm_meta_get(const struct igvm_file *f, uint32_t mask,
		    struct csvsm_meta *out)
{
	static uint8_t page[4096];
	struct csvsm_boot_info bi;
	const uint8_t *v = boot_vmsa(f, mask);
	uint64_t rsi;

	if (!v)
		return false;
	memcpy(&rsi, v + offsetof(struct snp_vmsa, rsi), sizeof(rsi));
	if (!read_page_data(f, mask, rsi, page, sizeof(page)))
		return false;
	memcpy(&bi, page, sizeof(bi));
	if (bi.magic != CSVSM_BOOT_INFO_MAGIC ||
	    bi.version != CSVSM_BOOT_INFO_VERSION)
		return false;
	out->guest_svn = bi.guest_svn;
	memcpy(out->family_id, bi.family_id, sizeof(out->family_id));
	memcpy(out->image_id, bi.image_id, sizeof(out->image_id));
	out->package_problem[0] = '\0';
	out->package_count =
		bi.provenance_size > CSVSM_PROVENANCE_MAX
			? util_errf(out->package_problem,
				    sizeof(out->package_problem),
				    "provenance size %u over %u",
				    bi.provenance_size, CSVSM_PROVENANCE_MAX)
			: provenance_parse((const char *)page +
						   CSVSM_PROVENANCE_OFFSET,
					   bi.provenance_size, out->packages,
					   out->package_problem,
					   sizeof(out->package_problem));
	return true;
}

bool csvsm_meta_sev_features(const struct igvm_file *f, uint32_t mask,
			     uint64_t *out)
{
	const uint8_t *v = boot_vmsa(f, mask);

	if (!v)
		return false;
	memcpy(out, v + offsetof(struct snp_vmsa, sev_features), sizeof(*out));
	return true;
}
