/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's side of a model launch (sim_load_fixture.h) for the tests
 * that need its guest-message client but not its boot: fake memory whose
 * first part is the SVSM's reserved heap and the rest guest RAM, a GHCB
 * registered with the model host, the launch's PSP behind that host, and
 * the client keyed with VMPCK0 from the secrets page the launch filled.
 * The end-to-end test (snp_e2e_fixture.h) runs the SVSM's real boot
 * instead.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sim_load_fixture.h"

/* Fake memory of mem_size bytes, pgalloc over its first svsm_size, heap. */
bool slf_svsm_alloc(uint64_t mem_size, uint64_t svsm_size, uint64_t seed);
/*
 * After slf_svsm_alloc: the GPA checks (that memory is RAM, the SVSM's
 * part reserved), the host and a GHCB, the keyed guest-message client.
 */
bool slf_svsm_keyed(struct slf *s, uint64_t mem_size, uint64_t svsm_size);
/* Undoes slf_svsm_keyed, also when it stopped halfway. */
void slf_svsm_down(void);
/* Forgets every reservation of the GPA checks; false if one stays. */
bool slf_clear_reservations(void);
