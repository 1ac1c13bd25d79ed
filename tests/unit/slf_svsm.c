/* SPDX-License-Identifier: MIT */
/* The SVSM's side of a model launch (slf_svsm.h). */
#include "slf_svsm.h"

#include <string.h>

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "hv.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "test.h"

bool slf_clear_reservations(void)
{
	paddr_t base;
	uint64_t size;

	while (gpa_reserved_get(0, &base, &size)) {
		if (gpa_unreserve(base, size) != SVSM_OK)
			return false;
	}
	return true;
}

bool slf_svsm_alloc(uint64_t mem_size, uint64_t svsm_size, uint64_t seed)
{
	REQUIRE_TRUE(fake_mm_init(mem_size) == FAKE_PHYS_BASE);
	REQUIRE_TRUE(pgalloc_init(pa_init(FAKE_PHYS_BASE), svsm_size) ==
		     SVSM_OK);
	heap_init(seed);
	return true;
}

bool slf_svsm_keyed(struct slf *s, uint64_t mem_size, uint64_t svsm_size)
{
	struct ram_range ram = {FAKE_PHYS_BASE, mem_size};
	struct snp_secrets_page sp;
	paddr_t req;
	paddr_t resp;
	paddr_t ghcb;

	guest_msg_reset();
	fake_snp_hv_start();
	ghcb_reset();
	REQUIRE_TRUE(s->load->secrets_gpa != 0);
	memcpy(&sp, slf_ptr(s, s->load->secrets_gpa), sizeof(sp));
	REQUIRE_TRUE(
		slf_clear_reservations() && gpa_set_ram(&ram, 1) == SVSM_OK &&
		gpa_reserve(pa_init(FAKE_PHYS_BASE), svsm_size) == SVSM_OK);
	REQUIRE_TRUE(pgalloc_alloc(0, 0, &req) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &resp) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &ghcb) == SVSM_OK);
	sim_hv.psp = s->psp;
	REQUIRE_TRUE(ghcb_negotiate(NULL) == SVSM_OK &&
		     ghcb_register(ghcb) == SVSM_OK);
	REQUIRE_TRUE(guest_msg_init(req, resp) == SVSM_OK &&
		     guest_msg_set_vmpck0(sp.vmpck[0]) == SVSM_OK);
	return true;
}

void slf_svsm_down(void)
{
	static const struct ram_range no_ram;

	fake_snp_hv_stop();
	ghcb_reset();
	guest_msg_reset();
	if (!slf_clear_reservations() || gpa_set_ram(&no_ram, 0) != SVSM_OK)
		test_printf("  could not clear the GPA registry\n");
}
