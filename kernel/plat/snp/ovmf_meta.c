/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware's SEV metadata (snp/ovmf_meta.h). Reads go through
 * the caller's read function, a few bytes at a time, each inside the
 * image; the result is a checked copy.
 */
#include "snp/ovmf_meta.h"

#include "abi/ovmf_meta.h"

#include "lib/string.h"

#define PAGE	   4096ull
#define FOUR_GB	   (1ull << 32)
#define FOOTER_LEN (OVMF_META_GUID_LEN + 2u) /* footer GUID + table length */

static const uint8_t guid_footer[OVMF_META_GUID_LEN] = OVMF_META_GUID_FOOTER;
static const uint8_t guid_sev[OVMF_META_GUID_LEN] = OVMF_META_GUID_SEV_METADATA;

struct img {
	fw_read_fn read;
	void *ctx;
	uint64_t size;
};

/* Reads [off, off + len) after checking it lies inside the image. */
static enum svsm_err get(const struct img *im, uint64_t off, void *dst,
			 uint32_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(off, len, &end) || end > im->size)
		return SVSM_E_INVAL;
	return im->read(im->ctx, off, dst, len) ? SVSM_E_FAULT : SVSM_OK;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The SEV metadata entry's u32 (the header's distance from the end):
 * walks the whole footer table from its end. A table with a GUID twice
 * is refused (readers that pick the first or the last one would see
 * different firmware), as is one with more than FW_META_MAX_ENTRIES
 * entries. SVSM_E_UNSUPPORTED when the table has no SEV metadata entry.
 */
static enum svsm_err find_sev_entry(const struct img *im, uint32_t *out)
{
	uint8_t guids[FW_META_MAX_ENTRIES][OVMF_META_GUID_LEN];
	uint8_t buf[FOOTER_LEN];
	uint64_t footer;
	uint64_t start;
	uint64_t cur;
	uint64_t sev_at = 0; /* the SEV entry's data, when found */
	bool found = false;
	uint32_t total;
	uint32_t n = 0;
	uint8_t v[4];
	enum svsm_err err;

	if (im->size < OVMF_META_FOOTER_END_OFF + FOOTER_LEN)
		return SVSM_E_INVAL;
	footer = im->size - OVMF_META_FOOTER_END_OFF - FOOTER_LEN;
	err = get(im, footer, buf, FOOTER_LEN);
	if (err != SVSM_OK)
		return err;
	if (memcmp(buf + 2, guid_footer, OVMF_META_GUID_LEN) != 0)
		return SVSM_E_INVAL;
	total = (uint32_t)buf[0] | (uint32_t)buf[1] << 8;
	if (total < FOOTER_LEN || total - FOOTER_LEN > footer)
		return SVSM_E_INVAL;
	start = footer - (total - FOOTER_LEN);
	cur = footer; /* entries end where the footer's length begins */
	while (cur > start) {
		uint32_t len;

		if (cur - start < OVMF_META_ENTRY_TRAILER ||
		    n == FW_META_MAX_ENTRIES)
			return SVSM_E_INVAL;
		err = get(im, cur - OVMF_META_ENTRY_TRAILER, buf,
			  OVMF_META_ENTRY_TRAILER);
		if (err != SVSM_OK)
			return err;
		len = (uint32_t)buf[0] | (uint32_t)buf[1] << 8;
		if (len < OVMF_META_ENTRY_TRAILER || len > cur - start)
			return SVSM_E_INVAL;
		for (uint32_t i = 0; i < n; i++) {
			if (memcmp(guids[i], buf + 2, OVMF_META_GUID_LEN) == 0)
				return SVSM_E_INVAL;
		}
		memcpy(guids[n++], buf + 2, OVMF_META_GUID_LEN);
		if (memcmp(buf + 2, guid_sev, OVMF_META_GUID_LEN) == 0) {
			if (len < OVMF_META_ENTRY_TRAILER + 4)
				return SVSM_E_INVAL;
			sev_at = cur - len;
			found = true;
		}
		cur -= len;
	}
	if (!found)
		return SVSM_E_UNSUPPORTED;
	err = get(im, sev_at, v, sizeof(v));
	if (err != SVSM_OK)
		return err;
	*out = le32(v);
	return SVSM_OK;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* One section against the rules and everything recorded before it. */
static bool section_ok(const struct fw_meta *m, const struct fw_section *s,
		       uint64_t svsm_base, uint64_t svsm_size)
{
	bool single = s->type == OVMF_META_SECRETS ||
		      s->type == OVMF_META_CPUID ||
		      s->type == OVMF_META_SVSM_CAA;

	if (!s->size || s->gpa % PAGE || s->size % PAGE ||
	    s->gpa + s->size > FOUR_GB) /* both < 2^32: no wrap */
		return false;
	if (s->type != OVMF_META_SEC_MEM && !single &&
	    s->type != OVMF_META_KERNEL_HASHES)
		return false;
	if (single && s->size != PAGE)
		return false;
	if ((s->type == OVMF_META_SECRETS && m->secrets_gpa) ||
	    (s->type == OVMF_META_CPUID && m->cpuid_gpa) ||
	    (s->type == OVMF_META_SVSM_CAA && m->caa_gpa))
		return false;
	if (svsm_size && overlaps(s->gpa, s->size, svsm_base, svsm_size))
		return false;
	for (uint32_t i = 0; i < m->count; i++) {
		if (overlaps(s->gpa, s->size, m->sections[i].gpa,
			     m->sections[i].size))
			return false;
	}
	return true;
}

static void record(struct fw_meta *m, const struct fw_section *s)
{
	if (s->type == OVMF_META_SECRETS)
		m->secrets_gpa = s->gpa;
	else if (s->type == OVMF_META_CPUID)
		m->cpuid_gpa = s->gpa;
	else if (s->type == OVMF_META_SVSM_CAA)
		m->caa_gpa = s->gpa;
	m->sections[m->count++] = *s;
}

static enum svsm_err parse(const struct img *im, uint64_t svsm_base,
			   uint64_t svsm_size, struct fw_meta *m)
{
	uint8_t hdr[OVMF_META_HEADER_SIZE];
	uint32_t dist = 0;
	uint64_t at;
	uint32_t count;
	enum svsm_err err = find_sev_entry(im, &dist);

	if (err != SVSM_OK)
		return err;
	if (dist < OVMF_META_HEADER_SIZE || dist > im->size)
		return SVSM_E_INVAL;
	at = im->size - dist;
	err = get(im, at, hdr, sizeof(hdr));
	if (err != SVSM_OK)
		return err;
	count = le32(hdr + 12);
	if (le32(hdr) != OVMF_META_SIGNATURE ||
	    le32(hdr + 8) != OVMF_META_VERSION ||
	    count > FW_META_MAX_SECTIONS ||
	    le32(hdr + 4) !=
		    OVMF_META_HEADER_SIZE + count * OVMF_META_SECTION_SIZE)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t d[OVMF_META_SECTION_SIZE];
		struct fw_section s;

		err = get(im,
			  at + OVMF_META_HEADER_SIZE +
				  (uint64_t)i * OVMF_META_SECTION_SIZE,
			  d, sizeof(d));
		if (err != SVSM_OK)
			return err;
		s = (struct fw_section){le32(d), le32(d + 4), le32(d + 8)};
		if (!section_ok(m, &s, svsm_base, svsm_size))
			return SVSM_E_INVAL;
		record(m, &s);
	}
	return SVSM_OK;
}

enum svsm_err ovmf_meta_parse(fw_read_fn read, void *ctx, uint64_t size,
			      uint64_t svsm_base, uint64_t svsm_size,
			      struct fw_meta *out)
{
	/*
	 * TRUST: the image is the file's author's and the host's; it is
	 * only read through get(), which keeps every read inside it, and
	 * nothing reaches *out unless all of it passed.
	 */
	struct img im = {.read = read, .ctx = ctx, .size = size};
	enum svsm_err err = SVSM_E_INVAL;

	memset(out, 0, sizeof(*out));
	if (size && size % PAGE == 0 && size <= FOUR_GB)
		err = parse(&im, svsm_base, svsm_size, out);
	if (err != SVSM_OK)
		memset(out, 0, sizeof(*out));
	return err;
}
