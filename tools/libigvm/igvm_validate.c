/* SPDX-License-Identifier: MIT */
/*
 * The semantic rules of an IGVM file, applied after igvm_parse.c has checked
 * the framing: section order, the platform headers, compatibility masks,
 * file-data ranges and the life cycle of parameter areas (declared, used,
 * inserted). Rules: igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable
 * headers; IGVM_VHS_*; compatibility masks; file_offset;
 * IGVM_VHS_PARAMETER_AREA.
 *
 * TRUST: the headers come from an untrusted file. Every listed header has its
 * exact struct length (checked by the parser), so bodies are copied into the
 * ABI structs whole; every file_offset goes through igvm_file_data().
 */
#include <stdlib.h>
#include <string.h>

#include "igvm_internal.h"

struct area {
	uint32_t index;
	uint64_t bytes;
	bool inserted;
};

struct vstate {
	struct igvm_file *f;
	char *err;
	const struct igvm_vhdr *h; /* the header being checked */
	enum igvm_section section;
	uint32_t masks;		 /* platforms declared so far */
	uint32_t id_block_masks; /* platforms with an SNP_ID_BLOCK */
	bool platform_type_seen[256];
	struct area *areas;
	size_t area_count;
	size_t area_cap;
	uint64_t area_total; /* bytes of all parameter areas */
};

#define FAIL(st, fmt, ...)                                           \
	igvm_errf((st)->err, "at 0x%x: %s: " fmt, (st)->h->file_pos, \
		  igvm_type_name((st)->h->type), ##__VA_ARGS__)

static bool page_aligned(uint64_t v)
{
	return (v & IGVM_PAGE_MASK) == 0;
}

/* [gpa, gpa + bytes) is a physical range: it ends at or below 2^52. */
static int check_range(struct vstate *st, uint64_t gpa, uint64_t bytes)
{
	if (gpa > IGVM_MAX_GPA || bytes > IGVM_MAX_GPA - gpa)
		return FAIL(st,
			    "gpa 0x%llx + 0x%llx bytes ends above 2^52, the "
			    "largest physical address",
			    (unsigned long long)gpa, (unsigned long long)bytes);
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_*; compatibility masks: one bit and one header per
 * platform.
 */
static int check_platform(struct vstate *st)
{
	struct igvm_vhs_supported_platform p;

	memcpy(&p, st->h->body, sizeof(p));
	if (__builtin_popcount(p.compatibility_mask) != 1)
		return FAIL(
			st,
			"compatibility_mask 0x%x must have exactly one bit set",
			p.compatibility_mask);
	if (p.compatibility_mask & st->masks)
		return FAIL(
			st,
			"compatibility_mask 0x%x is already used by another platform",
			p.compatibility_mask);
	if (p.platform_type > IGVM_PLATFORM_CCA)
		return FAIL(st, "unknown platform_type %u", p.platform_type);
	if (st->platform_type_seen[p.platform_type])
		return FAIL(st, "platform_type %u is declared twice",
			    p.platform_type);
	if (p.platform_version != IGVM_PLATFORM_VERSION)
		return FAIL(st, "platform_version %u, want 1",
			    p.platform_version);
	if (p.highest_vtl != 0 && p.highest_vtl != 2)
		return FAIL(st, "highest_vtl %u, want 0 or 2", p.highest_vtl);
	if ((p.platform_type == IGVM_PLATFORM_NATIVE ||
	     p.platform_type == IGVM_PLATFORM_VSM_ISOLATION) &&
	    p.shared_gpa_boundary)
		return FAIL(
			st,
			"shared_gpa_boundary 0x%llx must be 0 for platform_type %u",
			(unsigned long long)p.shared_gpa_boundary,
			p.platform_type);
	st->platform_type_seen[p.platform_type] = true;
	st->masks |= p.compatibility_mask;
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_*; file_offset: one 4 KiB page, inline zeros or
 * 4096 bytes of data.
 */
static int check_page_data(struct vstate *st)
{
	const uint32_t known = IGVM_PAGE_DATA_FLAG_IS_2MB_PAGE |
			       IGVM_PAGE_DATA_FLAG_UNMEASURED |
			       IGVM_PAGE_DATA_FLAG_SHARED;
	struct igvm_vhs_page_data p;

	memcpy(&p, st->h->body, sizeof(p));
	if (!page_aligned(p.gpa))
		return FAIL(st, "gpa 0x%llx is not 4 KiB aligned",
			    (unsigned long long)p.gpa);
	if (check_range(st, p.gpa, IGVM_PAGE_SIZE_4K))
		return -1;
	if (p.reserved)
		return FAIL(st, "reserved is 0x%x, want 0", p.reserved);
	/*
	 * igvm_defs 0.4.0, file_offset: no loader reads more than 4 KiB for a 2
	 * MB page.
	 */
	if (p.flags & IGVM_PAGE_DATA_FLAG_IS_2MB_PAGE)
		return FAIL(
			st,
			"IS_2MB_PAGE is unsupported (no loader reads more than 4 KiB)");
	if (p.flags & ~known)
		return FAIL(st, "unknown flags 0x%x", p.flags & ~known);
	if (p.data_type > IGVM_PAGE_DATA_TYPE_CPUID_XF)
		return FAIL(st, "unknown data_type %u", p.data_type);
	if (p.file_offset &&
	    !igvm_file_data(st->f, p.file_offset, IGVM_PAGE_SIZE_4K))
		return FAIL(
			st,
			"file_offset 0x%x: 4096 bytes are not inside the file data [0x%x, 0x%zx)",
			p.file_offset, st->f->data_start, st->f->size);
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_*; file_offset: a VMSA or native context, always 4
 * KiB of file data.
 */
static int check_vp_context(struct vstate *st)
{
	struct igvm_vhs_vp_context v;

	memcpy(&v, st->h->body, sizeof(v));
	if (!igvm_file_data(st->f, v.file_offset, IGVM_PAGE_SIZE_4K))
		return FAIL(
			st,
			"file_offset 0x%x: 4096 bytes are not inside the file data [0x%x, 0x%zx)",
			v.file_offset, st->f->data_start, st->f->size);
	return 0;
}

static struct area *find_area(struct vstate *st, uint32_t index)
{
	for (size_t i = 0; i < st->area_count; i++)
		if (st->areas[i].index == index)
			return &st->areas[i];
	return NULL;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA: each index is declared once, in
 * whole pages.
 */
static int check_parameter_area(struct vstate *st)
{
	struct igvm_vhs_parameter_area p;
	struct area *n;

	memcpy(&p, st->h->body, sizeof(p));
	if (!p.number_of_bytes || !page_aligned(p.number_of_bytes))
		return FAIL(
			st,
			"number_of_bytes 0x%llx is not a non-zero multiple of 4096",
			(unsigned long long)p.number_of_bytes);
	if (p.number_of_bytes > IGVM_MAX_PARAMETER_AREA)
		return FAIL(st,
			    "number_of_bytes 0x%llx is larger than the 64 MiB "
			    "a parameter area may have",
			    (unsigned long long)p.number_of_bytes);
	if (p.number_of_bytes > IGVM_MAX_PARAMETER_TOTAL - st->area_total)
		return FAIL(st,
			    "the parameter areas add up to more than 256 MiB");
	if (find_area(st, p.parameter_area_index))
		return FAIL(st, "parameter_area_index %u is declared twice",
			    p.parameter_area_index);
	if (p.file_offset &&
	    (p.number_of_bytes > st->f->size ||
	     !igvm_file_data(st->f, p.file_offset, p.number_of_bytes)))
		return FAIL(
			st,
			"file_offset 0x%x: 0x%llx bytes are not inside the file data [0x%x, 0x%zx)",
			p.file_offset, (unsigned long long)p.number_of_bytes,
			st->f->data_start, st->f->size);
	if (st->area_count == st->area_cap) {
		size_t cap = st->area_cap ? st->area_cap * 2 : 8;

		n = realloc(st->areas, cap * sizeof(*n));
		if (!n)
			return igvm_errf(st->err, "out of memory");
		st->areas = n;
		st->area_cap = cap;
	}
	st->area_total += p.number_of_bytes;
	st->areas[st->area_count++] = (struct area){
		.index = p.parameter_area_index,
		.bytes = p.number_of_bytes,
	};
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA: an area is usable from its
 * declaration until its insertion.
 */
static struct area *live_area(struct vstate *st, uint32_t index)
{
	struct area *a = find_area(st, index);

	if (!a) {
		FAIL(st, "parameter_area_index %u is not declared", index);
		return NULL;
	}
	if (a->inserted) {
		FAIL(st, "parameter area %u is already inserted", index);
		return NULL;
	}
	return a;
}

static int check_parameter(struct vstate *st)
{
	struct igvm_vhs_parameter p;
	struct area *a;

	memcpy(&p, st->h->body, sizeof(p));
	a = live_area(st, p.parameter_area_index);
	if (!a)
		return -1;
	if (p.byte_offset >= a->bytes)
		return FAIL(
			st,
			"byte_offset 0x%x is outside the 0x%llx-byte area %u",
			p.byte_offset, (unsigned long long)a->bytes, a->index);
	return 0;
}

static int check_parameter_insert(struct vstate *st)
{
	struct igvm_vhs_parameter_insert p;
	struct area *a;

	memcpy(&p, st->h->body, sizeof(p));
	if (!page_aligned(p.gpa))
		return FAIL(st, "gpa 0x%llx is not 4 KiB aligned",
			    (unsigned long long)p.gpa);
	a = live_area(st, p.parameter_area_index);
	if (!a || check_range(st, p.gpa, a->bytes))
		return -1;
	a->inserted = true;
	return 0;
}

static int check_required_memory(struct vstate *st)
{
	struct igvm_vhs_required_memory r;

	memcpy(&r, st->h->body, sizeof(r));
	if (!page_aligned(r.gpa) || !page_aligned(r.number_of_bytes) ||
	    !r.number_of_bytes)
		return FAIL(
			st,
			"gpa 0x%llx, size 0x%x: want 4 KiB aligned and a non-zero size",
			(unsigned long long)r.gpa, r.number_of_bytes);
	return check_range(st, r.gpa, r.number_of_bytes);
}

/*
 * QEMU backends/igvm.c, qigvm_directive_snp_id_block(): QEMU accepts one ID
 * block per selected platform.
 */
static int check_snp_id_block(struct vstate *st, uint32_t mask)
{
	if (mask & st->id_block_masks)
		return FAIL(st, "a second SNP_ID_BLOCK for mask 0x%x",
			    mask & st->id_block_masks);
	st->id_block_masks |= mask;
	return 0;
}

static int check_corim(struct vstate *st)
{
	struct igvm_vhs_corim_data c;

	memcpy(&c, st->h->body, sizeof(c));
	if (!c.size_bytes ||
	    !igvm_file_data(st->f, c.file_offset, c.size_bytes))
		return FAIL(
			st,
			"file_offset 0x%x, size 0x%x is not inside the file data",
			c.file_offset, c.size_bytes);
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers; compatibility
 * masks: section order and masks, common to every type.
 */
static int check_common(struct vstate *st, uint32_t *mask)
{
	enum igvm_section sec = igvm_type_section(st->h->type);
	bool has_mask = igvm_vhdr_mask(st->h, mask);

	static const char *const names[] = {"platform", "initialization",
					    "directive"};

	if (sec == IGVM_SECTION_NONE)
		return FAIL(st, "type 0x%x is in no section", st->h->type);
	if (sec < st->section)
		return FAIL(
			st,
			"out of order: a header of the %s section after the %s section (igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers)",
			names[sec], names[st->section]);
	st->section = sec;
	if (sec == IGVM_SECTION_PLATFORM)
		return 0;
	if (!st->masks)
		return FAIL(st, "comes before any SUPPORTED_PLATFORM header");
	if (has_mask && !*mask)
		return FAIL(st, "compatibility_mask is 0");
	if (has_mask && (*mask & ~st->masks))
		return FAIL(
			st,
			"compatibility_mask 0x%x names undeclared platforms (declared 0x%x)",
			*mask, st->masks);
	return 0;
}

static int check_header(struct vstate *st)
{
	uint32_t mask = 0;

	if (check_common(st, &mask))
		return -1;
	switch (st->h->type & ~IGVM_VHT_OPTIONAL_BIT) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(st);
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		return check_corim(st);
	case IGVM_VHT_PARAMETER_AREA:
		return check_parameter_area(st);
	case IGVM_VHT_PAGE_DATA:
		return check_page_data(st);
	case IGVM_VHT_PARAMETER_INSERT:
		return check_parameter_insert(st);
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(st);
	case IGVM_VHT_REQUIRED_MEMORY:
		return check_required_memory(st);
	case IGVM_VHT_SNP_ID_BLOCK:
		return check_snp_id_block(st, mask);
	default:
		break;
	}
	/*
	 * igvm_defs 0.4.0, IgvmVariableHeaderType: the remaining mask-less
	 * types are parameter directives.
	 */
	if (!igvm_vhdr_mask(st->h, &mask))
		return check_parameter(st);
	return 0;
}

int igvm_validate(struct igvm_file *f, char *err)
{
	struct vstate st = {
		.f = f,
		.err = err,
		.section = IGVM_SECTION_PLATFORM,
	};
	int ret = 0;

	for (size_t i = 0; i < f->header_count && !ret; i++) {
		st.h = &f->headers[i];
		ret = check_header(&st);
	}
	if (!ret && !st.masks)
		ret = igvm_errf(
			err, "no SUPPORTED_PLATFORM header (igvm_defs 0.4.0)");
	free(st.areas);
	f->platform_masks = ret ? 0 : st.masks;
	return ret;
}
