/* SPDX-License-Identifier: MIT */
/* A launch with the guest-message client keyed (snp_client_fixture.h). */
#include "snp_client_fixture.h"

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "hv.h"
#include "snp/derived_key.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "snp/secrets.h"
#include "test.h"

bool scf_start(struct scf *fx, const struct sim_psp_config *cfg,
	       uint64_t mem_size, uint32_t heap_seed)
{
	struct secrets_svsm_info info = {
		.svsm_base = pa_init(0x800000000ull),
		.svsm_size = 0x1000000,
		.svsm_caa = pa_init(0x7fff0000ull),
		.svsm_max_version = 1,
		.guest_vmpl = 2,
	};
	struct snp_secrets_page *page;
	uint64_t base;

	snp_derived_key_set_exchange(NULL);
	guest_msg_reset();
	fake_snp_hv_start();
	ghcb_reset();
	fx->log_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	base = fake_mm_init(mem_size);
	REQUIRE_TRUE(pgalloc_init(pa_init(base), mem_size) == SVSM_OK);
	heap_init(heap_seed);
	REQUIRE_TRUE(pgalloc_alloc(0, 0, &fx->req) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx->resp) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx->secrets) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &fx->ghcb) == SVSM_OK);
	REQUIRE_EQ(sim_psp_create(cfg, &fx->psp), SIM_PSP_OK);
	sim_hv.psp = fx->psp;
	REQUIRE_TRUE(ghcb_negotiate(NULL) == SVSM_OK &&
		     ghcb_register(fx->ghcb) == SVSM_OK);
	REQUIRE_TRUE(guest_msg_init(fx->req, fx->resp) == SVSM_OK);
	page = arch_phys_to_virt(pa_val(fx->secrets), PAGE_SIZE);
	sim_psp_fill_secrets_page(fx->psp, page);
	REQUIRE_TRUE(secrets_take(page, &info) == SVSM_OK);
	return true;
}

void scf_stop(struct scf *fx)
{
	fake_snp_hv_stop();
	ghcb_reset();
	guest_msg_reset();
	snp_derived_key_set_exchange(NULL);
	sim_psp_destroy(fx->psp);
	fx->psp = NULL;
	log_set_level(fx->log_level);
}
