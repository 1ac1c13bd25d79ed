/* SPDX-License-Identifier: MIT */
/* The shared model machine of the SNP pool tests (snp_pool_fixture.h). */
#include "snp_pool_fixture.h"

#include <string.h>

#include "svsm/mm/pgalloc.h"

#include "abi/snp.h"

#include "hv.h"
#include "rmp.h"
#include "snp/ghcb.h"
#include "test.h"

bool spf_model_start(void)
{
	REQUIRE_EQ(fake_mm_init(SPF_MEM_SIZE), SPF_BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, SPF_BASE, SPF_MEM_SIZE));
	fake_snp_reset_counters();
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	ghcb_reset();
	for (uint64_t a = SPF_POOL; a < SPF_POOL_END; a += 0x1000) {
		bool cf = false;

		REQUIRE_EQ(sim_rmp_assign(&fake_snp_rmp, a, SNP_RMP_PSIZE_4K),
			   SNP_SUCCESS);
		REQUIRE_EQ(sim_pvalidate(&fake_snp_rmp, 0, a, SNP_RMP_PSIZE_4K,
					 true, &cf),
			   SNP_SUCCESS);
	}
	return true;
}

bool spf_svsm_start(char *console, size_t size)
{
	REQUIRE_EQ(ghcb_negotiate(NULL), SVSM_OK);
	REQUIRE_EQ(ghcb_register(pa_init(SPF_GHCB_PA)), SVSM_OK);
	REQUIRE_EQ(pgalloc_init(pa_init(SPF_POOL), SPF_POOL_END - SPF_POOL),
		   SVSM_OK);
	memset(console, 0, size);
	fake_console_buf = console;
	fake_console_size = size;
	fake_console_len = 0;
	return true;
}
