/* SPDX-License-Identifier: MIT */
/*
 * TRUST: the IGVM file is untrusted (whoever supplies it to the host); it
 * is parsed and validated by tools/libigvm first, and every GPA it names
 * must then be model memory and an RMP entry, and a page the launch has
 * not added yet. A hostile file gets a one-line refusal, never a write
 * outside model memory.
 *
 * The model's IGVM loader (sim/loader.h): QEMU's and KVM's part of an
 * SEV-SNP launch, in directive order, calling the model PSP's launch
 * commands (sim/psp_launch.c) page by page.
 */
#include "loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idblock.h"
#include "igvm.h"
#include "mem.h"
#include "rmp.h"

struct area {
	uint32_t index;
	uint64_t size;
	uint8_t *data;
};

struct walk {
	const struct igvm_file *f;
	const struct sim_load_machine *m;
	struct sim_launch *l;
	struct sim_load *out;
	uint32_t mask;
	struct area *areas;
	size_t area_count;
	const uint8_t *vp[SIM_LOAD_MAX_VCPUS];
	const struct igvm_vhdr *h; /* the directive being loaded */
	char *err;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (w->h)
		n = snprintf(w->err, SIM_LOAD_ERR_LEN,
			     "at 0x%x: %s: ", w->h->file_pos,
			     igvm_type_name(w->h->type));
	if (n < 0 || n >= (int)SIM_LOAD_ERR_LEN)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(w->err + n, SIM_LOAD_ERR_LEN - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

#define U(x) ((unsigned long long)(x))

static uint8_t *page_at(struct walk *w, uint64_t gpa)
{
	if (w->l->mem)
		return w->l->mem(w->l->mem_ctx, gpa, SNP_PAGE_SIZE);
	return sim_mem(gpa, SNP_PAGE_SIZE);
}

/*
 * KVM's part before a launch update (guest_memfd populate): the page
 * becomes private; a page already added is refused, as KVM refuses to
 * populate a page twice.
 */
static int host_private(struct walk *w, uint64_t gpa)
{
	struct sim_rmp_entry e;

	if (!sim_rmp_entry(w->l->rmp, gpa, &e))
		return fail(w, "GPA 0x%llx is outside the model's RMP", U(gpa));
	if (e.validated)
		return fail(w, "GPA 0x%llx is loaded twice", U(gpa));
	if (!e.assigned &&
	    sim_rmp_assign(w->l->rmp, gpa, SNP_RMP_PSIZE_4K) != SNP_SUCCESS)
		return fail(w, "GPA 0x%llx cannot be made private", U(gpa));
	return 0;
}

/* One page: the host writes it (data NULL: zeros), the PSP adds it. */
static int add_page(struct walk *w, uint64_t gpa, const uint8_t *data,
		    enum snp_page_type type)
{
	uint8_t *page = page_at(w, gpa);
	enum sim_launch_err rc;

	if (!page)
		return fail(w, "GPA 0x%llx is outside model memory", U(gpa));
	if (host_private(w, gpa))
		return -1;
	memset(page, 0, SNP_PAGE_SIZE);
	if (data)
		memcpy(page, data, SNP_PAGE_SIZE);
	if (type == SNP_PAGE_TYPE_CPUID) {
		struct sim_cpuid_page t = {.count = w->m->cpuid_count};

		if (w->m->cpuid_count)
			memcpy(t.fn, w->m->cpuid,
			       w->m->cpuid_count * sizeof(t.fn[0]));
		memcpy(page, &t, sizeof(t));
	}
	rc = sim_launch_update(w->l, gpa, type);
	if (rc)
		return fail(w, "SNP_LAUNCH_UPDATE of 0x%llx: %s", U(gpa),
			    sim_launch_err_name(rc));
	if (type == SNP_PAGE_TYPE_SECRETS)
		w->out->secrets_gpa = gpa;
	if (type == SNP_PAGE_TYPE_CPUID)
		w->out->cpuid_gpa = gpa;
	return 0;
}

/* QEMU backends/igvm.c: the page type of one PAGE_DATA directive. */
static int page_data(struct walk *w)
{
	struct igvm_vhs_page_data p;
	const uint8_t *data = NULL;
	enum snp_page_type type = SNP_PAGE_TYPE_NORMAL;

	if (igvm_vhdr_get(w->h, &p, sizeof(p)))
		return fail(w, "bad length");
	if (p.file_offset) {
		data = igvm_file_data(w->f, p.file_offset, SNP_PAGE_SIZE);
		if (!data)
			return fail(w, "file data 0x%x missing", p.file_offset);
	}
	switch (p.data_type) {
	case IGVM_PAGE_DATA_TYPE_SECRETS:
		type = SNP_PAGE_TYPE_SECRETS;
		data = NULL;
		break;
	case IGVM_PAGE_DATA_TYPE_CPUID_DATA:
	case IGVM_PAGE_DATA_TYPE_CPUID_XF:
		type = SNP_PAGE_TYPE_CPUID;
		data = NULL;
		break;
	case IGVM_PAGE_DATA_TYPE_NORMAL:
		if (p.flags & IGVM_PAGE_DATA_FLAG_UNMEASURED)
			type = SNP_PAGE_TYPE_UNMEASURED;
		break;
	default:
		return fail(w, "unknown data_type %u", p.data_type);
	}
	return add_page(w, p.gpa, data, type);
}

static struct area *area_find(struct walk *w, uint32_t index)
{
	for (size_t i = 0; i < w->area_count; i++) {
		if (w->areas[i].index == index && w->areas[i].data)
			return &w->areas[i];
	}
	return NULL;
}

static int area_declare(struct walk *w)
{
	struct igvm_vhs_parameter_area pa;
	struct area *a;

	if (igvm_vhdr_get(w->h, &pa, sizeof(pa)))
		return fail(w, "bad length");
	if (area_find(w, pa.parameter_area_index))
		return fail(w, "area %u declared twice",
			    pa.parameter_area_index);
	a = realloc(w->areas, (w->area_count + 1) * sizeof(*a));
	if (!a)
		return fail(w, "out of memory");
	w->areas = a;
	a = &w->areas[w->area_count];
	*a = (struct area){.index = pa.parameter_area_index,
			   .size = pa.number_of_bytes,
			   .data = calloc(1, pa.number_of_bytes)};
	if (!a->data)
		return fail(w, "out of memory for %llu bytes",
			    U(pa.number_of_bytes));
	w->area_count++;
	if (pa.file_offset) {
		const uint8_t *init =
			igvm_file_data(w->f, pa.file_offset, a->size);

		if (!init)
			return fail(w, "file data 0x%x missing",
				    pa.file_offset);
		memcpy(a->data, init, a->size);
	}
	return 0;
}

/* Where a parameter of len bytes goes, or NULL (message in err). */
static uint8_t *param_at(struct walk *w, const struct igvm_vhs_parameter *p,
			 uint64_t len)
{
	struct area *a = area_find(w, p->parameter_area_index);

	if (!a) {
		fail(w, "area %u is not declared, or already inserted",
		     p->parameter_area_index);
		return NULL;
	}
	if (p->byte_offset > a->size || a->size - p->byte_offset < len) {
		fail(w, "%llu bytes do not fit area %u at offset %u", U(len),
		     p->parameter_area_index, p->byte_offset);
		return NULL;
	}
	return a->data + p->byte_offset;
}

/* The parameters a loader fills for the machine it starts. */
static int parameter(struct walk *w, uint32_t type)
{
	const struct sim_load_machine *m = w->m;
	struct igvm_vhs_parameter p;
	const char *cmdline = m->cmdline ? m->cmdline : "";
	uint32_t vcpus = m->vcpus;
	uint8_t *at;

	if (igvm_vhdr_get(w->h, &p, sizeof(p)))
		return fail(w, "bad length");
	switch (type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
		at = param_at(w, &p, sizeof(vcpus));
		if (at)
			memcpy(at, &vcpus, sizeof(vcpus));
		break;
	case IGVM_VHT_MEMORY_MAP:
		at = param_at(w, &p,
			      (m->map_count + 1ull) *
				      sizeof(struct igvm_vhs_memory_map_entry));
		for (unsigned int i = 0; at && i < m->map_count; i++) {
			struct igvm_vhs_memory_map_entry e = {
				.starting_gpa_page_number =
					m->map[i].base / SNP_PAGE_SIZE,
				.number_of_pages =
					m->map[i].size / SNP_PAGE_SIZE,
				.entry_type = m->map[i].type,
			};

			memcpy(at + i * sizeof(e), &e, sizeof(e));
		}
		break; /* areas start zeroed: the terminator is there */
	case IGVM_VHT_COMMAND_LINE:
		at = param_at(w, &p, strlen(cmdline) + 1);
		if (at)
			memcpy(at, cmdline, strlen(cmdline) + 1);
		break;
	default:
		return fail(w, "the model loader does not fill this parameter");
	}
	return at ? 0 : -1;
}

/* Every page of the area, UNMEASURED (QEMU backends/igvm.c). */
static int area_insert(struct walk *w)
{
	struct igvm_vhs_parameter_insert ins;
	struct area *a;

	if (igvm_vhdr_get(w->h, &ins, sizeof(ins)))
		return fail(w, "bad length");
	a = area_find(w, ins.parameter_area_index);
	if (!a)
		return fail(w, "area %u is not declared, or already inserted",
			    ins.parameter_area_index);
	for (uint64_t off = 0; off < a->size; off += SNP_PAGE_SIZE) {
		if (add_page(w, ins.gpa + off, a->data + off,
			     SNP_PAGE_TYPE_UNMEASURED))
			return -1;
	}
	free(a->data);
	a->data = NULL;
	return 0;
}

/* Memory the guest validates itself: private, not validated. */
static int required_memory(struct walk *w)
{
	struct igvm_vhs_required_memory r;

	if (igvm_vhdr_get(w->h, &r, sizeof(r)))
		return fail(w, "bad length");
	for (uint64_t off = 0; off < r.number_of_bytes; off += SNP_PAGE_SIZE) {
		if (!page_at(w, r.gpa + off))
			return fail(w, "GPA 0x%llx is outside model memory",
				    U(r.gpa + off));
		if (host_private(w, r.gpa + off))
			return -1;
		w->out->required_pages++;
	}
	return 0;
}

/* QEMU target/i386/sev.c: the VMSA goes where KVM measures it. */
static int vp_context(struct walk *w)
{
	struct igvm_vhs_vp_context v;
	const uint8_t *page;

	if (igvm_vhdr_get(w->h, &v, sizeof(v)))
		return fail(w, "bad length");
	if (v.gpa != SNP_LAUNCH_VMSA_GPA)
		return fail(w,
			    "VMSA at 0x%llx; QEMU/KVM take it only at 0x%llx",
			    U(v.gpa), U(SNP_LAUNCH_VMSA_GPA));
	if (v.vp_index >= w->m->vcpus)
		return fail(w, "vCPU %u, but the machine has %u", v.vp_index,
			    w->m->vcpus);
	if (w->vp[v.vp_index])
		return fail(w, "a second context for vCPU %u", v.vp_index);
	page = igvm_file_data(w->f, v.file_offset, SNP_PAGE_SIZE);
	if (!page)
		return fail(w, "file data 0x%x missing", v.file_offset);
	w->vp[v.vp_index] = page;
	return 0;
}

static int directive(struct walk *w)
{
	uint32_t type = w->h->type & ~IGVM_VHT_OPTIONAL_BIT;

	switch (type) {
	case IGVM_VHT_PAGE_DATA:
		return page_data(w);
	case IGVM_VHT_PARAMETER_AREA:
		return area_declare(w);
	case IGVM_VHT_PARAMETER_INSERT:
		return area_insert(w);
	case IGVM_VHT_REQUIRED_MEMORY:
		return required_memory(w);
	case IGVM_VHT_VP_CONTEXT:
		return vp_context(w);
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
		return parameter(w, type);
	default:
		return 0; /* policy, ID block, platform: read elsewhere */
	}
}

/* KVM: at SNP_LAUNCH_FINISH, one VMSA per vCPU, after every page. */
static int vmsas(struct walk *w)
{
	for (unsigned int i = 0; i < w->m->vcpus; i++) {
		const uint8_t *page = w->vp[i] ? w->vp[i] : w->vp[0];
		enum sim_launch_err rc;

		if (!page)
			return fail(w,
				    "no VP_CONTEXT for vCPU %u, and none "
				    "for vCPU 0 to reuse",
				    i);
		memcpy(w->out->vmsa[i], page, SNP_PAGE_SIZE);
		rc = sim_launch_update_vmsa(w->l, SNP_LAUNCH_VMSA_GPA, page);
		if (rc)
			return fail(w, "VMSA of vCPU %u: %s", i,
				    sim_launch_err_name(rc));
	}
	w->out->vcpus = w->m->vcpus;
	return 0;
}

/* The machine's RAM: private, not validated, 4 KiB entries. */
static int machine_ram(struct walk *w)
{
	const struct sim_load_machine *m = w->m;

	if (m->vcpus == 0 || m->vcpus > SIM_LOAD_MAX_VCPUS)
		return fail(w, "the machine needs 1..%u vCPUs",
			    SIM_LOAD_MAX_VCPUS);
	if (m->cpuid_count > SIM_CPUID_PAGE_MAX)
		return fail(w, "more than %u CPUID entries",
			    SIM_CPUID_PAGE_MAX);
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct sim_load_mem_entry *e = &m->map[i];

		if (e->base % SNP_PAGE_SIZE || e->size % SNP_PAGE_SIZE)
			return fail(w, "memory-map entry %u not page aligned",
				    i);
		if (e->type != IGVM_MEMORY_MAP_MEMORY)
			continue;
		for (uint64_t off = 0; off < e->size; off += SNP_PAGE_SIZE) {
			if (sim_rmp_assign(w->l->rmp, e->base + off,
					   SNP_RMP_PSIZE_4K) != SNP_SUCCESS)
				return fail(w,
					    "RAM at 0x%llx is outside the "
					    "model's RMP",
					    U(e->base + off));
		}
	}
	return 0;
}

static int launch(struct walk *w)
{
	struct idblock_igvm_snp snp;
	struct igvm_vhs_snp_id_block id;
	char msg[IDBLOCK_ERR_LEN];
	enum sim_launch_err rc;

	if (idblock_igvm_snp(w->f, &snp, msg))
		return fail(w, "%s", msg);
	w->mask = snp.mask;
	w->out->policy = snp.has_policy ? snp.policy : w->m->default_policy;
	if (machine_ram(w))
		return -1;
	rc = sim_launch_start(w->l, w->out->policy);
	if (rc)
		return fail(w, "SNP_LAUNCH_START: %s", sim_launch_err_name(rc));
	for (size_t i = 0; i < w->f->header_count; i++) {
		w->h = &w->f->headers[i];
		if (igvm_vhdr_applies(w->h, w->mask) && directive(w))
			return -1;
	}
	w->h = NULL;
	if (vmsas(w))
		return -1;
	if (snp.id_block && igvm_vhdr_get(snp.id_block, &id, sizeof(id)))
		return fail(w, "SNP_ID_BLOCK: bad length");
	w->out->id_block = snp.id_block != NULL;
	rc = sim_launch_finish(w->l, snp.id_block ? &id : NULL);
	if (rc)
		return fail(w, "SNP_LAUNCH_FINISH: %s",
			    sim_launch_err_name(rc));
	memcpy(w->out->ld, w->l->digest.ld, SNP_LD_SIZE);
	memcpy(w->out->pages, w->l->pages, sizeof(w->out->pages));
	return 0;
}

int sim_load_igvm(const uint8_t *buf, size_t size,
		  const struct sim_load_machine *m, struct sim_launch *l,
		  struct sim_load *out, char err[SIM_LOAD_ERR_LEN])
{
	struct igvm_file f;
	struct walk w = {.f = &f, .m = m, .l = l, .out = out, .err = err};
	int rc;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (igvm_parse(buf, size, &f, err)) {
		igvm_file_free(&f);
		return -1;
	}
	rc = launch(&w);
	for (size_t i = 0; i < w.area_count; i++)
		free(w.areas[i].data);
	free(w.areas);
	igvm_file_free(&f);
	return rc;
}
