/* SPDX-License-Identifier: MIT */
/*
 * Interpreting an IGVM file for stock QEMU: which bytes go where in guest
 * memory, what the parameter areas say about the machine, and how the boot
 * vCPU starts. This is the loader's job that QEMU (without IGVM support)
 * cannot do, so the launcher does it and hands QEMU plain memory blobs.
 *
 * TRUST: the file was validated by igvm_parse(); here each directive is
 * also checked against the machine (RAM ranges, parameter-area bounds).
 * Anything the launcher cannot honour is an error, never silently skipped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/igvm.h"

#include "launch.h"

#define PAGE	  4096u
#define MAX_AREAS 16

struct area {
	bool declared;
	bool inserted;
	uint64_t size;
	uint8_t *data;
};

struct walk {
	const struct igvm_file *f;
	const struct machine *m;
	const char *cmdline;
	struct load_plan *plan;
	uint32_t mask;
	bool have_vp;
	struct area areas[MAX_AREAS];
};

void machine_init(struct machine *m, enum machine_kind kind, uint64_t mem_size,
		  uint32_t vcpus)
{
	/*
	 * QEMU 7.2 pc_q35_init(): RAM below 4 GiB ends at 2 or 2.75 GiB.
	 * microvm_memory_init(): at 3 GiB, the rest above 4 GiB.
	 */
	uint64_t lowmem = kind == MACHINE_MICROVM     ? 0xc0000000ull
			  : mem_size >= 0xb0000000ull ? 0x80000000ull
						      : 0xb0000000ull;
	uint64_t below = mem_size < lowmem ? mem_size : lowmem;

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->mem_size = mem_size;
	m->vcpus = vcpus;
	/*
	 * The legacy VGA and BIOS window 0xa0000-0xfffff is not RAM on q35;
	 * on microvm only the firmware's copy at 0xf0000 is not, but the
	 * launcher reports the same low hole for both (less RAM, never more).
	 */
	m->ram[m->ram_count++] = (struct ram_range){0, 0xa0000};
	if (below > 0x100000)
		m->ram[m->ram_count++] =
			(struct ram_range){0x100000, below - 0x100000};
	if (mem_size > below)
		m->ram[m->ram_count++] =
			(struct ram_range){1ull << 32, mem_size - below};
}

bool machine_is_ram(const struct machine *m, uint64_t gpa, uint64_t size)
{
	uint64_t end;

	if (__builtin_add_overflow(gpa, size, &end))
		return false;
	for (unsigned int i = 0; i < m->ram_count; i++) {
		if (gpa >= m->ram[i].base &&
		    end <= m->ram[i].base + m->ram[i].size)
			return true;
	}
	return false;
}

#define U(x) ((unsigned long long)(x))

static int __attribute__((format(printf, 2, 3)))
error(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->plan->err, sizeof(w->plan->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Adds bytes at gpa, merging with the previous blob when contiguous. */
static int add_bytes(struct walk *w, uint64_t gpa, const uint8_t *data,
		     size_t len)
{
	struct load_plan *p = w->plan;
	struct blob *last = p->blob_count ? &p->blobs[p->blob_count - 1] : NULL;
	uint8_t *grown;

	if (!machine_is_ram(w->m, gpa, len))
		return error(w, "0x%llx: not RAM on this machine (raise -m?)",
			     U(gpa));
	for (size_t i = 0; i < p->blob_count; i++) {
		if (gpa < p->blobs[i].gpa + p->blobs[i].size &&
		    p->blobs[i].gpa < gpa + len)
			return error(w, "0x%llx: loaded twice", U(gpa));
	}
	if (last && last->gpa + last->size == gpa) {
		grown = realloc(last->data, last->size + len);
		if (!grown)
			return error(w, "out of memory at 0x%llx", U(gpa));
		memcpy(grown + last->size, data, len);
		last->data = grown;
		last->size += len;
		return 0;
	}
	last = realloc(p->blobs, (p->blob_count + 1) * sizeof(*p->blobs));
	if (!last)
		return error(w, "out of memory at 0x%llx", U(gpa));
	p->blobs = last;
	last = &p->blobs[p->blob_count];
	last->data = malloc(len);
	if (!last->data)
		return error(w, "out of memory at 0x%llx", U(gpa));
	memcpy(last->data, data, len);
	last->gpa = gpa;
	last->size = len;
	p->blob_count++;
	return 0;
}

static struct area *area_at(struct walk *w, uint32_t index, uint64_t off,
			    uint64_t len)
{
	struct area *a = index < MAX_AREAS ? &w->areas[index] : NULL;

	if (!a || !a->declared || a->inserted || off > a->size ||
	    a->size - off < len)
		return NULL;
	return a;
}

static int fill_parameter(struct walk *w, uint32_t type,
			  const struct igvm_vhs_parameter *p)
{
	const struct machine *m = w->m;
	size_t clen = strlen(w->cmdline) + 1;
	struct area *a;

	switch (type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
		a = area_at(w, p->parameter_area_index, p->byte_offset, 4);
		if (!a)
			return error(w,
				     "vCPU-count parameter area %llu unusable",
				     U(p->parameter_area_index));
		memcpy(a->data + p->byte_offset, &m->vcpus, 4);
		return 0;
	case IGVM_VHT_MEMORY_MAP:
		a = area_at(w, p->parameter_area_index, p->byte_offset,
			    (m->ram_count + 1) *
				    sizeof(struct igvm_vhs_memory_map_entry));
		if (!a)
			return error(w,
				     "memory-map parameter area %llu too small",
				     U(p->parameter_area_index));
		for (unsigned int i = 0; i < m->ram_count; i++) {
			struct igvm_vhs_memory_map_entry e = {
				.starting_gpa_page_number =
					m->ram[i].base / PAGE,
				.number_of_pages = m->ram[i].size / PAGE,
				.entry_type = IGVM_MEMORY_MAP_MEMORY,
			};

			memcpy(a->data + p->byte_offset + i * sizeof(e), &e,
			       sizeof(e));
		}
		return 0; /* the area is zeroed: the terminator is there */
	case IGVM_VHT_COMMAND_LINE:
		a = area_at(w, p->parameter_area_index, p->byte_offset, clen);
		if (!a)
			return error(
				w,
				"command line longer than its area (%llu bytes)",
				U(clen));
		memcpy(a->data + p->byte_offset, w->cmdline, clen);
		return 0;
	default:
		return error(
			w,
			"parameter type 0x%llx is not supported by csvsm-run",
			U(type));
	}
}

static int declare_area(struct walk *w, const struct igvm_vhdr *h)
{
	struct igvm_vhs_parameter_area pa;
	struct area *a;
	const uint8_t *init;

	if (igvm_vhdr_get(h, &pa, sizeof(pa)) ||
	    pa.parameter_area_index >= MAX_AREAS ||
	    pa.number_of_bytes > (64u << 20))
		return error(w,
			     "parameter area at file offset 0x%llx unsupported",
			     U(h->file_pos));
	a = &w->areas[pa.parameter_area_index];
	a->declared = true;
	a->size = pa.number_of_bytes;
	a->data = calloc(1, a->size);
	if (!a->data)
		return error(w, "out of memory for parameter area %llu",
			     U(pa.parameter_area_index));
	if (pa.file_offset) {
		init = igvm_file_data(w->f, pa.file_offset, a->size);
		if (!init)
			return error(w, "parameter area %llu data missing",
				     U(pa.parameter_area_index));
		memcpy(a->data, init, a->size);
	}
	return 0;
}

static int insert_area(struct walk *w, const struct igvm_vhdr *h)
{
	struct igvm_vhs_parameter_insert ins;
	struct area *a;

	if (igvm_vhdr_get(h, &ins, sizeof(ins)))
		return error(w, "bad PARAMETER_INSERT at 0x%llx",
			     U(h->file_pos));
	if (!(ins.compatibility_mask & w->mask))
		return 0;
	a = area_at(w, ins.parameter_area_index, 0, 0);
	if (!a)
		return error(w, "insert of unknown parameter area %llu",
			     U(ins.parameter_area_index));
	a->inserted = true;
	return add_bytes(w, ins.gpa, a->data, a->size);
}

static int page_data(struct walk *w, const struct igvm_vhdr *h)
{
	static const uint8_t zero[PAGE];
	struct igvm_vhs_page_data pd;
	const uint8_t *data = zero;

	if (igvm_vhdr_get(h, &pd, sizeof(pd)))
		return error(w, "bad PAGE_DATA at 0x%llx", U(h->file_pos));
	if (!(pd.compatibility_mask & w->mask))
		return 0;
	if (pd.file_offset) {
		data = igvm_file_data(w->f, pd.file_offset, PAGE);
		if (!data)
			return error(w, "PAGE_DATA 0x%llx: data missing",
				     U(pd.gpa));
	}
	return add_bytes(w, pd.gpa, data, PAGE);
}

static int required_memory(struct walk *w, const struct igvm_vhdr *h)
{
	struct igvm_vhs_required_memory r;

	if (igvm_vhdr_get(h, &r, sizeof(r)))
		return error(w, "bad REQUIRED_MEMORY at 0x%llx",
			     U(h->file_pos));
	if ((r.compatibility_mask & w->mask) &&
	    !machine_is_ram(w->m, r.gpa, r.number_of_bytes))
		return error(w,
			     "required memory at 0x%llx is not RAM (raise -m?)",
			     U(r.gpa));
	return 0;
}

static int vp_context(struct walk *w, const struct igvm_vhdr *h)
{
	struct igvm_vhs_vp_context vp;
	const uint8_t *ctx;

	if (igvm_vhdr_get(h, &vp, sizeof(vp)))
		return error(w, "bad VP_CONTEXT at 0x%llx", U(h->file_pos));
	if (!(vp.compatibility_mask & w->mask))
		return 0;
	if (vp.vp_index != 0)
		return error(w,
			     "VP context for vCPU %llu: csvsm-run starts only "
			     "the boot vCPU (APs start by INIT-SIPI)",
			     U(vp.vp_index));
	ctx = igvm_file_data(w->f, vp.file_offset, PAGE);
	if (!ctx)
		return error(w, "VP context data missing at 0x%llx",
			     U(h->file_pos));
	w->have_vp = true;
	return vpctx_to_stub(ctx, PAGE, w->f, w->plan->stub, w->plan->err,
			     sizeof(w->plan->err));
}

static int directive(struct walk *w, const struct igvm_vhdr *h)
{
	uint32_t type = h->type & ~IGVM_VHT_OPTIONAL_BIT;
	struct igvm_vhs_parameter p;

	switch (type) {
	case IGVM_VHT_PARAMETER_AREA:
		return declare_area(w, h);
	case IGVM_VHT_PARAMETER_INSERT:
		return insert_area(w, h);
	case IGVM_VHT_PAGE_DATA:
		return page_data(w, h);
	case IGVM_VHT_REQUIRED_MEMORY:
		return required_memory(w, h);
	case IGVM_VHT_VP_CONTEXT:
		return vp_context(w, h);
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		if (igvm_vhdr_get(h, &p, sizeof(p)))
			return error(w, "bad parameter at 0x%llx",
				     U(h->file_pos));
		return fill_parameter(w, type, &p);
	default:
		/* Platform and initialization headers, and other platforms'
		 * directives, do not concern a native boot. */
		return 0;
	}
}

/* Reads one byte of the native PAGE_DATA at gpa; -1 when no page holds it. */
static int read_byte(const struct igvm_file *f, uint32_t mask, uint64_t gpa,
		     uint8_t *out)
{
	uint64_t page = gpa & ~(uint64_t)(PAGE - 1);

	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_page_data pd;
		const uint8_t *d;

		if (f->headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&f->headers[i], &pd, sizeof(pd)) ||
		    !(pd.compatibility_mask & mask) || pd.gpa != page)
			continue;
		d = igvm_file_data(f, pd.file_offset, PAGE);
		*out = d ? d[gpa - page] : 0;
		return 0;
	}
	return -1;
}

int plan_read_gpa(const struct igvm_file *f, uint64_t gpa, void *buf,
		  size_t len)
{
	uint8_t *b = buf;
	uint32_t mask = 0;

	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_supported_platform sp;

		if (f->headers[i].type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(&f->headers[i], &sp, sizeof(sp)) &&
		    sp.platform_type == IGVM_PLATFORM_NATIVE)
			mask = sp.compatibility_mask;
	}
	/* Byte by byte, so a range may cross a page boundary (a GDT entry). */
	for (size_t i = 0; i < len; i++) {
		if (gpa + i < gpa || read_byte(f, mask, gpa + i, &b[i]))
			return -1;
	}
	return 0;
}

int plan_build(const struct igvm_file *f, const struct machine *m,
	       const char *cmdline, struct load_plan *plan)
{
	struct walk w = {.f = f, .m = m, .cmdline = cmdline, .plan = plan};
	int rc = 0;

	/* plan->stub holds the reset-stub image; vp_context() patches it. */
	plan->blobs = NULL;
	plan->blob_count = 0;
	plan->err[0] = '\0';
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_supported_platform sp;

		if (f->headers[i].type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(&f->headers[i], &sp, sizeof(sp)) &&
		    sp.platform_type == IGVM_PLATFORM_NATIVE)
			w.mask = sp.compatibility_mask;
	}
	if (!w.mask) {
		snprintf(plan->err, sizeof(plan->err),
			 "the file has no native platform; stock QEMU can only "
			 "boot the native platform");
		return -1;
	}
	for (size_t i = 0; i < f->header_count && !rc; i++)
		rc = directive(&w, &f->headers[i]);
	if (!rc && !w.have_vp) {
		snprintf(plan->err, sizeof(plan->err),
			 "the file has no VP context for the native platform");
		rc = -1;
	}
	for (size_t i = 0; i < MAX_AREAS; i++)
		free(w.areas[i].data);
	return rc;
}

void plan_free(struct load_plan *plan)
{
	for (size_t i = 0; i < plan->blob_count; i++)
		free(plan->blobs[i].data);
	free(plan->blobs);
	plan->blobs = NULL;
	plan->blob_count = 0;
}
