/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm dump FILE [--json]`: what an IGVM file contains, for people
 * and for scripts. Sections: the fixed header (and whether its checksum is
 * valid), the platforms, every variable header in file order with its
 * fields, a memory map per platform (page data merged into runs, parameter
 * areas where they are inserted, required memory, VP contexts), the
 * parameter areas with the parameter directives that point into them, and
 * the SNP ID blocks. Only files that igvm_parse() accepts are dumped, so
 * every body has its exact struct length. Layouts and names: include/abi/
 * igvm.h, which follows igvm_defs 0.4.0.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "dump_json.h"
#include "igvm.h"
#include "util.h"

#define PAGE 4096ull

/* igvm_defs 0.4.0, IGVM_VHS_*: platform_type and PAGE_DATA data_type names. */
static const char *const platform_names[] = {
	"NATIVE", "VSM_ISOLATION", "SEV_SNP", "TDX", "SEV", "SEV_ES", "CCA"};
static const char *const data_type_names[] = {"NORMAL", "SECRETS", "CPUID_DATA",
					      "CPUID_XF"};

#define NAME(tab, i) \
	((i) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[i] : "UNKNOWN")

static uint32_t base_type(const struct igvm_vhdr *h)
{
	return h->type & ~IGVM_VHT_OPTIONAL_BIT;
}

/* igvm_defs 0.4.0, IGVM_VHS_*: flag names of PAGE_DATA, "" for none. */
static const char *page_flag_names(uint32_t flags)
{
	static const char *const names[8] = {"",
					     "IS_2MB_PAGE",
					     "UNMEASURED",
					     "IS_2MB_PAGE|UNMEASURED",
					     "SHARED",
					     "IS_2MB_PAGE|SHARED",
					     "UNMEASURED|SHARED",
					     "IS_2MB_PAGE|UNMEASURED|SHARED"};

	return names[flags & 7];
}

static void fixed_header(struct dump_out *o, const struct igvm_file *f)
{
	struct igvm_fixed_header_v2 fh = {0};
	uint32_t crc;

	memcpy(&fh, f->buf, f->fixed_header_size);
	crc = igvm_checksum(f->buf, f->size, f->fixed_header_size,
			    fh.variable_header_offset, fh.variable_header_size);
	dump_begin(o, "fixed_header", false, false);
	dump_hex(o, "magic", fh.magic);
	dump_u64(o, "format_version", fh.format_version);
	dump_hex(o, "variable_header_offset", fh.variable_header_offset);
	dump_hex(o, "variable_header_size", fh.variable_header_size);
	dump_u64(o, "total_file_size", fh.total_file_size);
	dump_hex(o, "checksum", fh.checksum);
	dump_bool(o, "checksum_valid", crc == fh.checksum);
	if (f->format_version == IGVM_FORMAT_VERSION_2) {
		dump_u64(o, "architecture", fh.architecture);
		dump_u64(o, "page_size", fh.page_size);
	}
	dump_hex(o, "file_data_start", f->data_start);
	dump_u64(o, "header_count", f->header_count);
	dump_end(o);
}

static void platform_fields(struct dump_out *o,
			    const struct igvm_vhs_supported_platform *p)
{
	dump_str(o, "platform", NAME(platform_names, p->platform_type), false);
	dump_hex(o, "compatibility_mask", p->compatibility_mask);
	dump_u64(o, "highest_vtl", p->highest_vtl);
	dump_u64(o, "platform_version", p->platform_version);
	dump_addr(o, "shared_gpa_boundary", p->shared_gpa_boundary);
}

static void platforms(struct dump_out *o, const struct igvm_file *f)
{
	dump_begin(o, "platforms", true, false);
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_supported_platform p;

		if (igvm_vhdr_get(&f->headers[i], &p, sizeof(p)) ||
		    base_type(&f->headers[i]) != IGVM_VHT_SUPPORTED_PLATFORM)
			continue;
		dump_begin(o, NULL, false, true);
		dump_str(o, "type", NAME(platform_names, p.platform_type),
			 true);
		dump_u64(o, "platform_type", p.platform_type);
		dump_hex(o, "compatibility_mask", p.compatibility_mask);
		dump_u64(o, "highest_vtl", p.highest_vtl);
		dump_u64(o, "platform_version", p.platform_version);
		dump_addr(o, "shared_gpa_boundary", p.shared_gpa_boundary);
		dump_end(o);
	}
	dump_end(o);
}

/* igvm_defs 0.4.0, IGVM_VHS_*: the fields of one header body, by type. */
static void header_fields(struct dump_out *o, const struct igvm_vhdr *h)
{
	union {
		struct igvm_vhs_supported_platform plat;
		struct igvm_vhs_guest_policy pol;
		struct igvm_vhs_relocatable_region rel;
		struct igvm_vhs_page_table_relocation ptr;
		struct igvm_vhs_corim_data cor;
		struct igvm_vhs_parameter_area area;
		struct igvm_vhs_page_data page;
		struct igvm_vhs_parameter_insert ins;
		struct igvm_vhs_vp_context vp;
		struct igvm_vhs_required_memory req;
		struct igvm_vhs_error_range er;
		struct igvm_vhs_parameter par;
		struct igvm_vhs_snp_id_block id;
		struct igvm_vhs_vbs_measurement vbs;
	} b;

	memset(&b, 0, sizeof(b));
	memcpy(&b, h->body, h->length < sizeof(b) ? h->length : sizeof(b));
	switch (base_type(h)) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		platform_fields(o, &b.plat);
		break;
	case IGVM_VHT_GUEST_POLICY:
		dump_addr(o, "policy", b.pol.policy);
		dump_hex(o, "compatibility_mask", b.pol.compatibility_mask);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
		dump_hex(o, "compatibility_mask", b.rel.compatibility_mask);
		dump_u64(o, "vp_index", b.rel.vp_index);
		dump_u64(o, "vtl", b.rel.vtl);
		dump_hex(o, "flags", b.rel.flags);
		dump_addr(o, "relocation_alignment",
			  b.rel.relocation_alignment);
		dump_addr(o, "region_gpa", b.rel.relocation_region_gpa);
		dump_addr(o, "region_size", b.rel.relocation_region_size);
		dump_addr(o, "minimum_gpa", b.rel.minimum_relocation_gpa);
		dump_addr(o, "maximum_gpa", b.rel.maximum_relocation_gpa);
		break;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		dump_hex(o, "compatibility_mask", b.ptr.compatibility_mask);
		dump_u64(o, "vp_index", b.ptr.vp_index);
		dump_u64(o, "vtl", b.ptr.vtl);
		dump_addr(o, "gpa", b.ptr.gpa);
		dump_addr(o, "size", b.ptr.size);
		dump_addr(o, "used_size", b.ptr.used_size);
		break;
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		dump_hex(o, "compatibility_mask", b.cor.compatibility_mask);
		dump_hex(o, "file_offset", b.cor.file_offset);
		dump_u64(o, "size_bytes", b.cor.size_bytes);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		dump_u64(o, "parameter_area_index",
			 b.area.parameter_area_index);
		dump_u64(o, "number_of_bytes", b.area.number_of_bytes);
		dump_hex(o, "file_offset", b.area.file_offset);
		break;
	case IGVM_VHT_PAGE_DATA:
		dump_addr(o, "gpa", b.page.gpa);
		dump_hex(o, "compatibility_mask", b.page.compatibility_mask);
		dump_hex(o, "file_offset", b.page.file_offset);
		dump_hex(o, "flags", b.page.flags);
		dump_str(o, "flag_names", page_flag_names(b.page.flags), true);
		dump_str(o, "data_type",
			 NAME(data_type_names, b.page.data_type), false);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		dump_addr(o, "gpa", b.ins.gpa);
		dump_hex(o, "compatibility_mask", b.ins.compatibility_mask);
		dump_u64(o, "parameter_area_index", b.ins.parameter_area_index);
		break;
	case IGVM_VHT_VP_CONTEXT:
		dump_addr(o, "gpa", b.vp.gpa);
		dump_hex(o, "compatibility_mask", b.vp.compatibility_mask);
		dump_hex(o, "file_offset", b.vp.file_offset);
		dump_u64(o, "vp_index", b.vp.vp_index);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		dump_addr(o, "gpa", b.req.gpa);
		dump_hex(o, "compatibility_mask", b.req.compatibility_mask);
		dump_u64(o, "number_of_bytes", b.req.number_of_bytes);
		dump_hex(o, "flags", b.req.flags);
		break;
	case IGVM_VHT_ERROR_RANGE:
		dump_addr(o, "gpa", b.er.gpa);
		dump_hex(o, "compatibility_mask", b.er.compatibility_mask);
		dump_u64(o, "size_bytes", b.er.size_bytes);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
		dump_hex(o, "compatibility_mask", b.id.compatibility_mask);
		dump_u64(o, "version", b.id.version);
		dump_u64(o, "guest_svn", b.id.guest_svn);
		break;
	case IGVM_VHT_VBS_MEASUREMENT:
		dump_hex(o, "compatibility_mask", b.vbs.compatibility_mask);
		dump_u64(o, "version", b.vbs.version);
		dump_u64(o, "product_id", b.vbs.product_id);
		dump_u64(o, "module_id", b.vbs.module_id);
		dump_u64(o, "security_version", b.vbs.security_version);
		break;
	case IGVM_VHT_CCA_POLICY:
		break;
	default: /* igvm_defs 0.4.0, IgvmVariableHeaderType: the parameter directives */
		if (h->length == sizeof(b.par)) {
			dump_u64(o, "parameter_area_index",
				 b.par.parameter_area_index);
			dump_hex(o, "byte_offset", b.par.byte_offset);
		}
		break;
	}
}

static void headers(struct dump_out *o, const struct igvm_file *f)
{
	dump_begin(o, "headers", true, false);
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];

		dump_begin(o, NULL, false, true);
		dump_str(o, "type", igvm_type_name(h->type), true);
		dump_u64(o, "index", i);
		dump_hex(o, "file_pos", h->file_pos);
		dump_hex(o, "type_id", h->type);
		dump_u64(o, "length", h->length);
		header_fields(o, h);
		dump_end(o);
	}
	dump_end(o);
}

/*
 * One range of the memory map (igvm_defs 0.4.0, IGVM_VHS_*;
 * IGVM_VHS_PARAMETER_AREA).
 */
struct mm_entry {
	uint32_t mask; /* the platform's bit */
	uint8_t platform_type;
	uint32_t kind; /* a header type */
	uint64_t gpa, size;
	uint32_t a, b; /* PAGE_DATA: data_type, flags; INSERT: index;
			* REQUIRED_MEMORY: flags; VP_CONTEXT: vp_index */
	uint64_t zero_pages;
	size_t order; /* for a stable sort */
	bool overlap;
};

static int mm_cmp(const void *x, const void *y)
{
	const struct mm_entry *a = x, *b = y;

	if (a->mask != b->mask)
		return a->order < b->order ? -1
					   : 1; /* platforms in file order */
	if (a->gpa != b->gpa)
		return a->gpa < b->gpa ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * Size of a parameter area (igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA), 0 if
 * unknown.
 */
static uint64_t area_bytes(const struct igvm_file *f, uint32_t index)
{
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_parameter_area a;

		if (base_type(&f->headers[i]) == IGVM_VHT_PARAMETER_AREA &&
		    !igvm_vhdr_get(&f->headers[i], &a, sizeof(a)) &&
		    a.parameter_area_index == index)
			return a.number_of_bytes;
	}
	return 0;
}

/* Adds h's range for one platform; merges page data into runs. */
static void mm_add(struct mm_entry *e, size_t *n, const struct igvm_file *f,
		   const struct igvm_vhdr *h,
		   const struct igvm_vhs_supported_platform *p)
{
	union {
		struct igvm_vhs_page_data pd;
		struct igvm_vhs_parameter_insert in;
		struct igvm_vhs_required_memory rm;
		struct igvm_vhs_vp_context vp;
		struct igvm_vhs_error_range er;
	} b;
	struct mm_entry x = {.mask = p->compatibility_mask,
			     .platform_type = p->platform_type,
			     .kind = base_type(h),
			     .order = *n};
	struct mm_entry *last = *n ? &e[*n - 1] : NULL;

	memset(&b, 0, sizeof(b));
	memcpy(&b, h->body, h->length < sizeof(b) ? h->length : sizeof(b));
	switch (x.kind) {
	case IGVM_VHT_PAGE_DATA:
		x = (struct mm_entry){x.mask,	  x.platform_type,
				      x.kind,	  b.pd.gpa,
				      PAGE,	  b.pd.data_type,
				      b.pd.flags, b.pd.file_offset == 0,
				      x.order,	  false};
		if (last && last->kind == x.kind && last->mask == x.mask &&
		    last->a == x.a && last->b == x.b &&
		    last->gpa + last->size == x.gpa) {
			last->size += PAGE;
			last->zero_pages += x.zero_pages;
			return;
		}
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		x.gpa = b.in.gpa;
		x.size = area_bytes(f, b.in.parameter_area_index);
		x.a = b.in.parameter_area_index;
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		x.gpa = b.rm.gpa;
		x.size = b.rm.number_of_bytes;
		x.b = b.rm.flags;
		break;
	case IGVM_VHT_VP_CONTEXT:
		x.gpa = b.vp.gpa;
		x.size = PAGE;
		x.a = b.vp.vp_index;
		break;
	case IGVM_VHT_ERROR_RANGE:
		x.gpa = b.er.gpa;
		x.size = b.er.size_bytes;
		break;
	default:
		return;
	}
	e[(*n)++] = x;
}

static uint64_t mm_end(const struct mm_entry *x)
{
	uint64_t end;

	return __builtin_add_overflow(x->gpa, x->size, &end) ? UINT64_MAX : end;
}

static void mm_print(struct dump_out *o, const struct mm_entry *x)
{
	dump_begin(o, NULL, false, true);
	dump_str(o, "platform", NAME(platform_names, x->platform_type), true);
	dump_str(o, "kind",
		 x->kind == IGVM_VHT_PARAMETER_INSERT ? "PARAMETER_AREA"
						      : igvm_type_name(x->kind),
		 true);
	dump_addr(o, "start", x->gpa);
	dump_addr(o, "end", mm_end(x));
	dump_u64(o, "size", x->size);
	dump_hex(o, "compatibility_mask", x->mask);
	if (x->kind == IGVM_VHT_PAGE_DATA) {
		dump_u64(o, "pages", x->size / PAGE);
		dump_u64(o, "zero_pages", x->zero_pages);
		dump_str(o, "data_type", NAME(data_type_names, x->a), false);
		dump_hex(o, "flags", x->b);
		dump_str(o, "flag_names", page_flag_names(x->b), true);
	} else if (x->kind == IGVM_VHT_PARAMETER_INSERT) {
		dump_u64(o, "parameter_area_index", x->a);
	} else if (x->kind == IGVM_VHT_REQUIRED_MEMORY) {
		dump_hex(o, "flags", x->b);
	} else if (x->kind == IGVM_VHT_VP_CONTEXT) {
		dump_u64(o, "vp_index", x->a);
	}
	dump_bool(o, "overlap", x->overlap);
	dump_end(o);
}

static int memory_map(struct dump_out *o, const struct igvm_file *f)
{
	struct mm_entry *e =
		calloc(f->header_count ? f->header_count : 1, sizeof(*e) * 8);
	size_t n = 0, cap = f->header_count * 8;
	uint64_t max_end = 0;

	if (!e)
		return -1;
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_supported_platform p;

		if (base_type(&f->headers[i]) != IGVM_VHT_SUPPORTED_PLATFORM ||
		    igvm_vhdr_get(&f->headers[i], &p, sizeof(p)))
			continue;
		for (size_t j = 0; j < f->header_count && n < cap; j++)
			if (igvm_vhdr_applies(&f->headers[j],
					      p.compatibility_mask))
				mm_add(e, &n, f, &f->headers[j], &p);
	}
	qsort(e, n, sizeof(*e), mm_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && e[i].mask != e[i - 1].mask)
			max_end = 0;
		/* VP contexts are not guest memory on every platform. */
		if (e[i].kind == IGVM_VHT_VP_CONTEXT)
			continue;
		e[i].overlap = e[i].gpa < max_end;
		if (mm_end(&e[i]) > max_end)
			max_end = mm_end(&e[i]);
	}
	dump_begin(o, "memory_map", true, false);
	for (size_t i = 0; i < n; i++)
		mm_print(o, &e[i]);
	dump_end(o);
	free(e);
	return 0;
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA: where area index is inserted (once
 * at most), or null.
 */
static void dump_insert(struct dump_out *o, const struct igvm_file *f,
			uint32_t index)
{
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_parameter_insert in;

		if (base_type(&f->headers[i]) == IGVM_VHT_PARAMETER_INSERT &&
		    !igvm_vhdr_get(&f->headers[i], &in, sizeof(in)) &&
		    in.parameter_area_index == index) {
			dump_addr(o, "inserted_gpa", in.gpa);
			dump_hex(o, "insert_compatibility_mask",
				 in.compatibility_mask);
			return;
		}
	}
	dump_null(o, "inserted_gpa");
	dump_null(o, "insert_compatibility_mask");
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA: each area, the parameters written
 * into it, where it goes.
 */
static void parameter_areas(struct dump_out *o, const struct igvm_file *f)
{
	dump_begin(o, "parameter_areas", true, false);
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_parameter_area a;
		bool inserted = false;

		if (base_type(&f->headers[i]) != IGVM_VHT_PARAMETER_AREA ||
		    igvm_vhdr_get(&f->headers[i], &a, sizeof(a)))
			continue;
		dump_begin(o, NULL, false, true);
		dump_u64(o, "parameter_area_index", a.parameter_area_index);
		dump_u64(o, "number_of_bytes", a.number_of_bytes);
		dump_hex(o, "file_offset", a.file_offset);
		dump_begin(o, "parameters", true, true);
		for (size_t j = i + 1; j < f->header_count && !inserted; j++) {
			const struct igvm_vhdr *h = &f->headers[j];
			struct igvm_vhs_parameter_insert in;
			struct igvm_vhs_parameter p;

			if (base_type(h) == IGVM_VHT_PARAMETER_INSERT &&
			    !igvm_vhdr_get(h, &in, sizeof(in)))
				inserted = in.parameter_area_index ==
					   a.parameter_area_index;
			/*
			 * igvm_defs 0.4.0, IgvmVariableHeaderType: only
			 * parameter directives are 8 bytes
			 */
			else if (!igvm_vhdr_get(h, &p, sizeof(p)) &&
				 p.parameter_area_index ==
					 a.parameter_area_index) {
				dump_begin(o, NULL, false, true);
				dump_str(o, "type", igvm_type_name(h->type),
					 true);
				dump_hex(o, "byte_offset", p.byte_offset);
				dump_end(o);
			}
		}
		dump_end(o);
		dump_insert(o, f, a.parameter_area_index);
		dump_end(o);
	}
	dump_end(o);
}

static void id_blocks(struct dump_out *o, const struct igvm_file *f)
{
	dump_begin(o, "snp_id_blocks", true, false);
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_snp_id_block b;

		if (base_type(&f->headers[i]) != IGVM_VHT_SNP_ID_BLOCK ||
		    igvm_vhdr_get(&f->headers[i], &b, sizeof(b)))
			continue;
		dump_begin(o, NULL, false, false);
		dump_hex(o, "compatibility_mask", b.compatibility_mask);
		dump_bytes(o, "family_id", b.family_id, sizeof(b.family_id));
		dump_bytes(o, "image_id", b.image_id, sizeof(b.image_id));
		dump_u64(o, "version", b.version);
		dump_u64(o, "guest_svn", b.guest_svn);
		dump_u64(o, "id_key_algorithm", b.id_key_algorithm);
		dump_u64(o, "author_key_algorithm", b.author_key_algorithm);
		dump_u64(o, "author_key_enabled", b.author_key_enabled);
		dump_u64(o, "id_public_key_curve", b.id_public_key.curve);
		dump_u64(o, "author_public_key_curve",
			 b.author_public_key.curve);
		dump_bytes(o, "ld", b.ld, sizeof(b.ld));
		dump_end(o);
	}
	dump_end(o);
}

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm dump FILE [options]\n"
		"Lists an IGVM file: the fixed header (checksum checked), the\n"
		"platforms, every header in file order, a memory map per platform,\n"
		"the parameter areas and the SNP ID blocks.\n"
		"  --json       the same as one JSON object\n"
		"  -h, --help   this text\n");
	return rc;
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct dump_out o = {.f = stdout};
	struct igvm_file f = {0};
	char err[IGVM_ERR_LEN];
	size_t len = 0;
	uint8_t *buf;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			o.json = true;
		else
			return usage(c == 'h' ? stdout : stderr,
				     c == 'h' ? 0 : 2);
	}
	if (optind >= argc)
		return cmd_usage_error("no input file");
	if (optind + 1 < argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind + 1]);
	buf = util_read_file(argv[optind], IGVM_MAX_FILE_SIZE, &len, err,
			     sizeof(err));
	if (!buf) {
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return 1;
	}
	if (igvm_parse(buf, len, &f, err)) {
		fprintf(stderr, "csvsm-igvm: %s: %s\n", argv[optind], err);
		goto out;
	}
	dump_begin(&o, NULL, false, false);
	dump_str(&o, "file", argv[optind], false);
	dump_u64(&o, "file_size", len);
	fixed_header(&o, &f);
	platforms(&o, &f);
	headers(&o, &f);
	if (memory_map(&o, &f)) {
		fprintf(stderr, "csvsm-igvm: out of memory\n");
		goto out;
	}
	parameter_areas(&o, &f);
	id_blocks(&o, &f);
	dump_end(&o);
	rc = fflush(stdout) ? 1 : 0;
out:
	igvm_file_free(&f);
	free(buf);
	return rc;
}

COMMAND(dump, "dump", "list an IGVM file's headers, memory map and ID blocks",
	cmd_dump);
