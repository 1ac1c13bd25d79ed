/* SPDX-License-Identifier: MIT */
/*
 * Data the SEV-SNP launch digest does not cover: pages a loader adds as
 * UNMEASURED although the file gives them contents. Two files that differ
 * only there have the same digest, so an ID block signed over that digest
 * endorses both; `sign` refuses such files unless told otherwise.
 *
 * TRUST: the file is untrusted but has passed igvm_parse(); file data is
 * reached through igvm_file_data() only.
 */
#include <string.h>

#include "bytes.h"
#include "igvm_snp.h"

/* Non-zero pages among the bytes of a parameter area's initial data. */
static size_t nonzero_pages(const uint8_t *data, uint64_t bytes)
{
	size_t n = 0;

	for (uint64_t off = 0; data && off < bytes; off += SNP_PAGE_SIZE)
		if (!util_all_zero(data + off, SNP_PAGE_SIZE))
			n++;
	return n;
}

/* The initial data of the parameter area index declared before header i. */
static const uint8_t *area_data(const struct igvm_file *f, size_t i,
				uint32_t index, uint64_t *bytes)
{
	struct igvm_vhs_parameter_area a;

	while (i--) {
		const struct igvm_vhdr *h = &f->headers[i];

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) !=
			    IGVM_VHT_PARAMETER_AREA ||
		    igvm_vhdr_get(h, &a, sizeof(a)) ||
		    a.parameter_area_index != index)
			continue;
		*bytes = a.number_of_bytes;
		return a.file_offset ? igvm_file_data(f, a.file_offset,
						      a.number_of_bytes)
				     : NULL;
	}
	return NULL;
}

size_t igvm_snp_unmeasured_data_pages(const struct igvm_file *f)
{
	uint32_t mask = igvm_snp_platform_mask(f);
	size_t n = 0;

	for (size_t i = 0; mask && i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		uint32_t type = h->type & ~IGVM_VHT_OPTIONAL_BIT;
		struct igvm_vhs_page_data p;
		struct igvm_vhs_parameter_insert ins;
		uint64_t bytes = 0;
		const uint8_t *data;

		if (!igvm_vhdr_applies(h, mask))
			continue;
		if (type == IGVM_VHT_PAGE_DATA &&
		    !igvm_vhdr_get(h, &p, sizeof(p)) &&
		    (p.flags & IGVM_PAGE_DATA_FLAG_UNMEASURED) &&
		    p.data_type == IGVM_PAGE_DATA_TYPE_NORMAL) {
			data = p.file_offset ? igvm_file_data(f, p.file_offset,
							      SNP_PAGE_SIZE)
					     : NULL;
			n += nonzero_pages(data, SNP_PAGE_SIZE);
		} else if (type == IGVM_VHT_PARAMETER_INSERT &&
			   !igvm_vhdr_get(h, &ins, sizeof(ins))) {
			data = area_data(f, i, ins.parameter_area_index,
					 &bytes);
			n += nonzero_pages(data, bytes);
		}
	}
	return n;
}
