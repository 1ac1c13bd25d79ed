/* SPDX-License-Identifier: MIT */
/* A firmware image with SEV metadata (ovmf_image_fixture.h). */
#include "ovmf_image_fixture.h"

#include <string.h>

#include "abi/ovmf_meta.h"

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

void ovmf_image_make(uint8_t *img, size_t size, uint32_t meta_dist,
		     const uint32_t (*sec)[3], uint32_t n)
{
	static const uint8_t footer[16] = OVMF_META_GUID_FOOTER;
	static const uint8_t sev[16] = OVMF_META_GUID_SEV_METADATA;
	uint8_t *end = img + size - OVMF_META_FOOTER_END_OFF;
	uint8_t *h = img + size - meta_dist;

	memset(img, 0xcc, size);
	memcpy(end - 16, footer, 16);
	put16(end - 18, 18 + 22); /* the footer and one 22-byte entry */
	memcpy(end - 18 - 16, sev, 16);
	put16(end - 18 - 18, 22);
	put32(end - 18 - 22, meta_dist);
	put32(h, OVMF_META_SIGNATURE);
	put32(h + 4, 16 + 12 * n);
	put32(h + 8, OVMF_META_VERSION);
	put32(h + 12, n);
	for (uint32_t i = 0; i < n; i++) {
		put32(h + 16 + 12 * i, sec[i][0]);
		put32(h + 20 + 12 * i, sec[i][1]);
		put32(h + 24 + 12 * i, sec[i][2]);
	}
}
