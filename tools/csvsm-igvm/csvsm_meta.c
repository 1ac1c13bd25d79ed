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

bool csvsm_meta_get(const struct igvm_file *f, uint32_t mask,
		    struct csvsm_meta *out)
{
	struct csvsm_boot_info bi;

	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_vp_context vp;
		const uint8_t *v;
		uint64_t rsi;

		if (f->headers[i].type != IGVM_VHT_VP_CONTEXT ||
		    igvm_vhdr_get(&f->headers[i], &vp, sizeof(vp)) ||
		    !(vp.compatibility_mask & mask) || vp.vp_index != 0)
			continue;
		v = igvm_file_data(f, vp.file_offset, SNP_VMSA_SIZE);
		if (!v)
			return false;
		memcpy(&rsi, v + offsetof(struct snp_vmsa, rsi), sizeof(rsi));
		if (!read_page_data(f, mask, rsi, &bi, sizeof(bi)) ||
		    bi.magic != CSVSM_BOOT_INFO_MAGIC ||
		    bi.version != CSVSM_BOOT_INFO_VERSION)
			return false;
		out->guest_svn = bi.guest_svn;
		memcpy(out->family_id, bi.family_id, sizeof(out->family_id));
		memcpy(out->image_id, bi.image_id, sizeof(out->image_id));
		return true;
	}
	return false;
}
