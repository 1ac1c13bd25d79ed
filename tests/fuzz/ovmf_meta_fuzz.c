/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SVSM's reading of the firmware's SEV metadata
 * (kernel/plat/snp/ovmf_meta.c). The input is the end of a firmware image
 * (the footer table and the metadata live there), zero-padded in front to
 * a whole number of pages. Checked: every read the parser asks for lies
 * inside the image; a refusal leaves nothing recorded; an accepted result
 * obeys the rules (page-aligned, non-empty, below 4 GiB, no overlaps, one
 * page for secrets/CPUID/CAA, nothing in the SVSM region) and is exactly
 * what the host tools' parser (tools/libmeasure/ovmf.c) finds there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovmf.h"
#include "snp/ovmf_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define SVSM_BASE 0x1000000ull
#define SVSM_SIZE 0x400000ull

struct img {
	const uint8_t *b;
	uint64_t size;
};

static int rd(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	const struct img *im = ctx;

	EXPECT(off <= im->size && len <= im->size - off);
	memcpy(dst, im->b + off, len);
	return 0;
}

static void check_rules(const struct fw_meta *m)
{
	for (uint32_t i = 0; i < m->count; i++) {
		const struct fw_section *s = &m->sections[i];

		EXPECT(s->size && s->gpa % 4096 == 0 && s->size % 4096 == 0);
		EXPECT(s->gpa + s->size <= (1ull << 32));
		EXPECT(s->gpa + s->size <= SVSM_BASE ||
		       s->gpa >= SVSM_BASE + SVSM_SIZE);
		for (uint32_t j = 0; j < i; j++)
			EXPECT(s->gpa + s->size <= m->sections[j].gpa ||
			       m->sections[j].gpa + m->sections[j].size <=
				       s->gpa);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pages = (size + 4095) / 4096;
	struct img im;
	struct fw_meta m;
	struct ovmf_image oi;
	char err[OVMF_ERR_LEN];
	uint8_t *buf;
	enum svsm_err e;

	if (!size || size > 64 * 1024)
		return 0;
	buf = calloc(pages, 4096);
	EXPECT(buf);
	memcpy(buf + pages * 4096 - size, data, size);
	im = (struct img){buf, pages * 4096};
	e = ovmf_meta_parse(rd, &im, im.size, SVSM_BASE, SVSM_SIZE, &m);
	if (e != SVSM_OK) {
		EXPECT(m.count == 0 && !m.secrets_gpa && !m.cpuid_gpa &&
		       !m.caa_gpa);
	} else {
		check_rules(&m);
		/* The host tools' parser sees the same sections. */
		EXPECT(ovmf_parse(buf, im.size, OVMF_FOUR_GB, &oi, err) == 0);
		EXPECT(oi.has_sev_metadata && oi.section_count == m.count);
		for (uint32_t i = 0; i < m.count; i++) {
			struct ovmf_sev_section s =
				ovmf_sev_section_get(&oi, i);

			EXPECT(s.gpa == m.sections[i].gpa &&
			       s.size == m.sections[i].size &&
			       s.type == m.sections[i].type);
		}
	}
	free(buf);
	return 0;
}
