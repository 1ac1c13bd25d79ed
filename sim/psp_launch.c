/* SPDX-License-Identifier: MIT */
/*
 * TRUST: the caller plays the hypervisor, which chooses every GPA, page
 * type and byte it hands over; the firmware's checks here (alignment, the
 * RMP state of the page, the CPUID page's count and reserved fields, the ID
 * block's digest and signatures) are what stand between a hostile host and
 * a launch that measures something other than what runs. A refused update
 * changes neither the digest nor the RMP.
 *
 * The model secure processor's SNP_LAUNCH_* commands (sim/psp_launch.h; AMD
 * 56860, SNP_LAUNCH_UPDATE and Table 67 (PAGE_INFO), SNP_LAUNCH_FINISH).
 */
#include "psp_launch.h"

#include <string.h>

#include "abi/snp_guest_msg.h"

#include "cpuid_page.h"
#include "idblock.h"
#include "mem.h"
#include "psp.h"
#include "rmp.h"

static const char *const err_names[] = {
	[SIM_LAUNCH_OK] = "ok",
	[SIM_LAUNCH_E_STATE] = "not in a launch",
	[SIM_LAUNCH_E_INPUT] = "bad GPA",
	[SIM_LAUNCH_E_PAGE] = "page not assigned, or already validated",
	[SIM_LAUNCH_E_CPUID] = "CPUID page refused",
	[SIM_LAUNCH_E_ID_BLOCK] = "ID block does not verify",
	[SIM_LAUNCH_E_CRYPTO] = "crypto failure",
};

const char *sim_launch_err_name(enum sim_launch_err err)
{
	if ((unsigned int)err < sizeof(err_names) / sizeof(err_names[0]))
		return err_names[err];
	return "unknown error";
}

static void *page_at(const struct sim_launch *l, uint64_t gpa)
{
	if (l->mem)
		return l->mem(l->mem_ctx, gpa, SNP_PAGE_SIZE);
	return sim_mem(gpa, SNP_PAGE_SIZE);
}

enum sim_launch_err sim_launch_start(struct sim_launch *l, uint64_t policy)
{
	if (l->started || !l->rmp || !l->psp)
		return SIM_LAUNCH_E_STATE;
	snp_init(&l->digest);
	l->digest.threads = 1;
	l->policy = policy;
	memset(l->pages, 0, sizeof(l->pages));
	l->started = true;
	l->finished = false;
	return SIM_LAUNCH_OK;
}

/* 56860 (model): count at most 64, every reserved field zero. */
static bool cpuid_page_ok(const struct sim_cpuid_page *p)
{
	if (p->count > SIM_CPUID_PAGE_MAX || p->reserved1 || p->reserved2)
		return false;
	for (uint32_t i = 0; i < p->count; i++) {
		if (p->fn[i].reserved)
			return false;
	}
	return true;
}

enum sim_launch_err sim_launch_update(struct sim_launch *l, uint64_t gpa,
				      enum snp_page_type type)
{
	struct sim_rmp_entry e;
	uint8_t *page;
	int rc = 0;

	if (!l->started || l->finished)
		return SIM_LAUNCH_E_STATE;
	if (gpa % SNP_PAGE_SIZE || type == SNP_PAGE_TYPE_VMSA ||
	    type < SNP_PAGE_TYPE_NORMAL || type > SNP_PAGE_TYPE_CPUID)
		return SIM_LAUNCH_E_INPUT;
	page = page_at(l, gpa);
	if (!page || !sim_rmp_entry(l->rmp, gpa, &e))
		return SIM_LAUNCH_E_INPUT;
	if (!e.assigned || e.validated)
		return SIM_LAUNCH_E_PAGE;
	if (type == SNP_PAGE_TYPE_CPUID &&
	    !cpuid_page_ok((const struct sim_cpuid_page *)page))
		return SIM_LAUNCH_E_CPUID;

	switch (type) {
	case SNP_PAGE_TYPE_NORMAL:
		rc = snp_update_normal_page(&l->digest, gpa, page);
		break;
	case SNP_PAGE_TYPE_ZERO:
		memset(page, 0, SNP_PAGE_SIZE);
		rc = snp_update_zero_pages(&l->digest, gpa, SNP_PAGE_SIZE);
		break;
	case SNP_PAGE_TYPE_UNMEASURED:
		rc = snp_update_unmeasured_pages(&l->digest, gpa,
						 SNP_PAGE_SIZE);
		break;
	case SNP_PAGE_TYPE_SECRETS:
		sim_psp_fill_secrets_page(l->psp,
					  (struct snp_secrets_page *)page);
		rc = snp_update_secrets_page(&l->digest, gpa);
		break;
	default: /* SNP_PAGE_TYPE_CPUID, checked above */
		rc = snp_update_cpuid_page(&l->digest, gpa);
		break;
	}
	if (rc)
		return rc == SNP_ERR_ARG ? SIM_LAUNCH_E_INPUT
					 : SIM_LAUNCH_E_CRYPTO;
	if (sim_rmp_launch_page(l->rmp, gpa, false) != SNP_SUCCESS)
		return SIM_LAUNCH_E_INPUT; /* checked above: cannot happen */
	l->pages[type]++;
	return SIM_LAUNCH_OK;
}

enum sim_launch_err sim_launch_update_vmsa(struct sim_launch *l, uint64_t gpa,
					   const uint8_t page[SNP_PAGE_SIZE])
{
	int rc;

	if (!l->started || l->finished)
		return SIM_LAUNCH_E_STATE;
	rc = snp_update_vmsa_page(&l->digest, gpa, page);
	if (rc)
		return rc == SNP_ERR_ARG ? SIM_LAUNCH_E_INPUT
					 : SIM_LAUNCH_E_CRYPTO;
	l->pages[SNP_PAGE_TYPE_VMSA]++;
	return SIM_LAUNCH_OK;
}

enum sim_launch_err
sim_launch_finish(struct sim_launch *l,
		  const struct igvm_vhs_snp_id_block *id_block)
{
	struct sim_psp_launch v;
	struct idblock_report rep;
	char msg[IDBLOCK_ERR_LEN];

	if (!l->started || l->finished)
		return SIM_LAUNCH_E_STATE;
	if (id_block) {
		struct idblock_expect want = {.ld = l->digest.ld,
					      .policy = l->policy};

		if (idblock_verify(id_block, &want, &rep, msg))
			return SIM_LAUNCH_E_ID_BLOCK;
	}
	sim_psp_get_launch(l->psp, &v);
	memcpy(v.measurement, l->digest.ld, sizeof(v.measurement));
	v.policy = l->policy;
	v.guest_svn = id_block ? rep.block.guest_svn : 0;
	v.author_key_en = id_block && rep.author_key_enabled;
	memset(v.family_id, 0, sizeof(v.family_id));
	memset(v.image_id, 0, sizeof(v.image_id));
	memset(v.id_key_digest, 0, sizeof(v.id_key_digest));
	memset(v.author_key_digest, 0, sizeof(v.author_key_digest));
	if (id_block) {
		memcpy(v.family_id, rep.block.family_id, sizeof(v.family_id));
		memcpy(v.image_id, rep.block.image_id, sizeof(v.image_id));
		memcpy(v.id_key_digest, rep.id_key_digest,
		       sizeof(v.id_key_digest));
		memcpy(v.author_key_digest, rep.author_key_digest,
		       sizeof(v.author_key_digest));
	}
	sim_psp_set_launch(l->psp, &v);
	l->finished = true;
	return SIM_LAUNCH_OK;
}
