/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP launch digest of an IGVM file (QEMU backends/igvm.c; switches in
 * igvm_snp.h).
 * The directives are replayed in file order. Runs of NORMAL pages whose
 * GPAs and file data are both contiguous are handed to
 * snp_update_normal_pages() as one range, so a large image is hashed on
 * every CPU; the digest is the same as page by page, because each page is
 * still one PAGE_INFO step in the same order.
 *
 * TRUST: the file is untrusted but has passed igvm_parse(), which checks
 * every header length, GPA alignment, data range and parameter-area life
 * cycle; file data is still only reached through igvm_file_data(), and a
 * lookup that the parser should have made impossible is an error here too.
 */
#include "igvm_snp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

_Static_assert(IGVM_SNP_ERR_LEN >= IGVM_ERR_LEN, "parse errors fit");

#define VP_INDEX_COUNT 65536u /* vp_index is a u16 */

struct run {
	uint64_t gpa;
	const uint8_t *data;
	size_t len;
};

struct mstate {
	const struct igvm_file *f;
	const struct igvm_snp_opts *o;
	struct snp_ctx ctx;
	uint32_t mask; /* the SNP platform */
	struct run run;
	const struct igvm_vhdr *h; /* for messages */
	char *err;
};

/* One-line messages into err (util_errf). */
#define errf(err, ...) util_errf((err), IGVM_SNP_ERR_LEN, __VA_ARGS__)

static int fail(struct mstate *st, int rc)
{
	if (!st->h)
		return errf(st->err, "SNP launch digest: %s", snp_strerror(rc));
	return errf(st->err, "at 0x%x: %s: %s", st->h->file_pos,
		    igvm_type_name(st->h->type), snp_strerror(rc));
}

uint32_t igvm_snp_platform_mask(const struct igvm_file *f)
{
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		struct igvm_vhs_supported_platform p;

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) !=
			    IGVM_VHT_SUPPORTED_PLATFORM ||
		    igvm_vhdr_get(h, &p, sizeof(p)))
			continue;
		if (p.platform_type == IGVM_PLATFORM_SEV_SNP)
			return p.compatibility_mask;
	}
	return 0;
}

static int flush_run(struct mstate *st)
{
	int rc = 0;

	if (st->run.len)
		rc = snp_update_normal_pages(&st->ctx, st->run.gpa,
					     st->run.data, st->run.len);
	st->run.len = 0;
	return rc ? fail(st, rc) : 0;
}

/* A NORMAL page with file data: extend the pending run or start one. */
static int add_normal(struct mstate *st, uint64_t gpa, const uint8_t *data)
{
	struct run *r = &st->run;
	uint64_t end;

	if (r->len && !__builtin_add_overflow(r->gpa, r->len, &end) &&
	    gpa == end && data == r->data + r->len) {
		r->len += SNP_PAGE_SIZE;
		return 0;
	}
	if (flush_run(st))
		return -1;
	*r = (struct run){.gpa = gpa, .data = data, .len = SNP_PAGE_SIZE};
	return 0;
}

/*
 * QEMU backends/igvm.c: the page type a loader gives one PAGE_DATA directive.
 */
static int page_data(struct mstate *st)
{
	static const uint8_t zero_page[SNP_PAGE_SIZE];
	struct igvm_vhs_page_data p;
	const uint8_t *data;
	int rc;

	if (igvm_vhdr_get(st->h, &p, sizeof(p)))
		return errf(st->err, "at 0x%x: PAGE_DATA: bad length",
			    st->h->file_pos);
	if ((p.flags & IGVM_PAGE_DATA_FLAG_SHARED) && st->o->skip_shared)
		return 0;
	data = p.file_offset
		       ? igvm_file_data(st->f, p.file_offset, SNP_PAGE_SIZE)
		       : NULL;
	if (p.file_offset && !data)
		return errf(
			st->err,
			"at 0x%x: PAGE_DATA: file_offset 0x%x is outside the file data",
			st->h->file_pos, p.file_offset);
	if (p.data_type == IGVM_PAGE_DATA_TYPE_NORMAL &&
	    !(p.flags & IGVM_PAGE_DATA_FLAG_UNMEASURED) &&
	    (data || !st->o->native_zero))
		return add_normal(st, p.gpa, data ? data : zero_page);
	if (flush_run(st))
		return -1;
	switch (p.data_type) {
	case IGVM_PAGE_DATA_TYPE_SECRETS:
		rc = snp_update_secrets_page(&st->ctx, p.gpa);
		break;
	case IGVM_PAGE_DATA_TYPE_CPUID_DATA:
	case IGVM_PAGE_DATA_TYPE_CPUID_XF:
		rc = snp_update_cpuid_page(&st->ctx, p.gpa);
		break;
	case IGVM_PAGE_DATA_TYPE_NORMAL:
		rc = (p.flags & IGVM_PAGE_DATA_FLAG_UNMEASURED)
			     ? snp_update_unmeasured_pages(&st->ctx, p.gpa,
							   SNP_PAGE_SIZE)
			     : snp_update_zero_pages(&st->ctx, p.gpa,
						     SNP_PAGE_SIZE);
		break;
	default:
		return errf(st->err, "at 0x%x: PAGE_DATA: unknown data_type %u",
			    st->h->file_pos, p.data_type);
	}
	return rc ? fail(st, rc) : 0;
}

/*
 * The size of a declared parameter area (igvm_defs 0.4.0,
 * IGVM_VHS_PARAMETER_AREA).
 */
static int area_bytes(struct mstate *st, uint32_t index, uint64_t *bytes)
{
	for (const struct igvm_vhdr *h = st->f->headers; h < st->h; h++) {
		struct igvm_vhs_parameter_area a;

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_PARAMETER_AREA &&
		    !igvm_vhdr_get(h, &a, sizeof(a)) &&
		    a.parameter_area_index == index) {
			*bytes = a.number_of_bytes;
			return 0;
		}
	}
	return errf(st->err,
		    "at 0x%x: PARAMETER_INSERT: area %u is not declared",
		    st->h->file_pos, index);
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_PARAMETER_AREA, QEMU backends/igvm.c: an inserted
 * parameter area is UNMEASURED.
 */
static int parameter_insert(struct mstate *st)
{
	struct igvm_vhs_parameter_insert p;
	uint64_t bytes = 0, end;
	int rc;

	if (igvm_vhdr_get(st->h, &p, sizeof(p)))
		return errf(st->err, "at 0x%x: PARAMETER_INSERT: bad length",
			    st->h->file_pos);
	if (area_bytes(st, p.parameter_area_index, &bytes) || flush_run(st))
		return -1;
	if (st->o->param_first_page_only)
		bytes = SNP_PAGE_SIZE;
	if (__builtin_add_overflow(p.gpa, bytes, &end))
		return errf(
			st->err,
			"at 0x%x: PARAMETER_INSERT: 0x%llx + 0x%llx overflows",
			st->h->file_pos, (unsigned long long)p.gpa,
			(unsigned long long)bytes);
	rc = snp_update_unmeasured_pages(&st->ctx, p.gpa, bytes);
	return rc ? fail(st, rc) : 0;
}

/* The VMSA page of a VP_CONTEXT header, or NULL (message in err). */
static const uint8_t *vp_page(struct mstate *st, const struct igvm_vhdr *h,
			      struct igvm_vhs_vp_context *v)
{
	const uint8_t *page;

	if (igvm_vhdr_get(h, v, sizeof(*v))) {
		errf(st->err, "at 0x%x: VP_CONTEXT: bad length", h->file_pos);
		return NULL;
	}
	page = igvm_file_data(st->f, v->file_offset, SNP_PAGE_SIZE);
	if (!page)
		errf(st->err,
		     "at 0x%x: VP_CONTEXT: file_offset 0x%x is outside the file data",
		     h->file_pos, v->file_offset);
	return page;
}

/* vmsa_header_gpa: one VMSA per VP_CONTEXT, in place. */
static int vp_context_in_place(struct mstate *st)
{
	struct igvm_vhs_vp_context v;
	const uint8_t *page = vp_page(st, st->h, &v);
	int rc;

	if (!page || flush_run(st))
		return -1;
	if (st->o->bsp_only && v.vp_index != 0)
		return 0;
	rc = snp_update_vmsa_page(&st->ctx, v.gpa, page);
	return rc ? fail(st, rc) : 0;
}

/* Records a VP_CONTEXT for the SNP platform in by_vp[vp_index]. */
static int collect_vp(struct mstate *st, const uint8_t **by_vp,
		      unsigned int *max_vp)
{
	struct igvm_vhs_vp_context v;
	const uint8_t *page = vp_page(st, st->h, &v);

	if (!page)
		return -1;
	if (by_vp[v.vp_index])
		return errf(st->err,
			    "at 0x%x: VP_CONTEXT: a second context for vCPU %u",
			    st->h->file_pos, v.vp_index);
	by_vp[v.vp_index] = page;
	if (v.vp_index > *max_vp)
		*max_vp = v.vp_index;
	return 0;
}

/*
 * Default: KVM measures one VMSA per vCPU at LAUNCH_FINISH (QEMU
 * backends/igvm.c).
 */
static int vmsas_last(struct mstate *st)
{
	const uint8_t **by_vp = calloc(VP_INDEX_COUNT, sizeof(*by_vp));
	unsigned int n = st->o->vcpus, max_vp = 0;
	bool any = false;
	int rc = 0;

	if (!by_vp)
		return errf(st->err, "out of memory");
	for (size_t i = 0; i < st->f->header_count && !rc; i++) {
		st->h = &st->f->headers[i];
		if ((st->h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_VP_CONTEXT &&
		    igvm_vhdr_applies(st->h, st->mask)) {
			rc = collect_vp(st, by_vp, &max_vp);
			any = true;
		}
	}
	st->h = NULL;
	if (!rc && !any)
		rc = errf(st->err, "the file has no SEV-SNP VP_CONTEXT (VMSA)");
	if (!n)
		n = max_vp + 1;
	if (st->o->bsp_only)
		n = 1;
	for (unsigned int i = 0; i < n && !rc; i++) {
		const uint8_t *page =
			i < VP_INDEX_COUNT && by_vp[i] ? by_vp[i] : by_vp[0];

		if (!page)
			rc = errf(
				st->err,
				"no VP_CONTEXT for vCPU %u, and none for vCPU 0 to reuse",
				i);
		else if ((rc = snp_update_vmsa_page(&st->ctx,
						    SNP_LAUNCH_VMSA_GPA, page)))
			rc = fail(st, rc);
	}
	free(by_vp);
	return rc;
}

static int directive(struct mstate *st)
{
	switch (st->h->type & ~IGVM_VHT_OPTIONAL_BIT) {
	case IGVM_VHT_PAGE_DATA:
		return page_data(st);
	case IGVM_VHT_PARAMETER_INSERT:
		return parameter_insert(st);
	case IGVM_VHT_VP_CONTEXT:
		return st->o->vmsa_header_gpa ? vp_context_in_place(st) : 0;
	default:
		/*
		 * ID block, policy, parameters, ...: not measured (QEMU
		 * backends/igvm.c).
		 */
		return 0;
	}
}

int igvm_snp_measure(const struct igvm_file *f, const struct igvm_snp_opts *o,
		     uint8_t ld[SNP_LD_SIZE], char err[IGVM_SNP_ERR_LEN])
{
	char local[IGVM_SNP_ERR_LEN] = "";
	struct mstate st = {.f = f, .o = o, .err = local};
	int rc = 0;

	if (err) {
		err[0] = '\0';
		st.err = err;
	}
	snp_init(&st.ctx);
	st.ctx.threads = o->threads;
	st.ctx.progress = o->progress;
	st.mask = igvm_snp_platform_mask(f);
	if (!st.mask)
		return errf(
			st.err,
			"the file has no SEV-SNP platform (SUPPORTED_PLATFORM with platform_type 2)");
	for (size_t i = 0; i < f->header_count && !rc; i++) {
		st.h = &f->headers[i];
		if (igvm_vhdr_applies(st.h, st.mask))
			rc = directive(&st);
	}
	if (!rc) {
		st.h = NULL;
		rc = flush_run(&st);
	}
	if (!rc && !o->vmsa_header_gpa)
		rc = vmsas_last(&st);
	if (!rc)
		memcpy(ld, st.ctx.ld, SNP_LD_SIZE);
	return rc;
}

int igvm_snp_measure_buf(const uint8_t *buf, size_t size,
			 const struct igvm_snp_opts *o, uint8_t ld[SNP_LD_SIZE],
			 char err[IGVM_SNP_ERR_LEN])
{
	struct igvm_file f;
	int rc;

	if (igvm_parse(buf, size, &f, err)) {
		igvm_file_free(&f);
		return -1;
	}
	rc = igvm_snp_measure(&f, o, ld, err);
	igvm_file_free(&f);
	return rc;
}
