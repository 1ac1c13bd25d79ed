/* SPDX-License-Identifier: MIT */
/*
 * A launch on the model with the SVSM's guest-message client keyed
 * (snp_client_fixture.c), shared by the derived-key tests: fresh fake
 * memory as the page allocator's, a model PSP behind the model
 * hypervisor, the client's request and response pages, and VMPCK0 taken
 * from a secrets page the PSP filled (which also registers the derived
 * key's exchange).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"

#include "psp.h"

struct scf {
	struct sim_psp *psp;
	paddr_t req, resp, secrets, ghcb;
	unsigned int log_level;
};

/*
 * Starts the launch with `mem_size` bytes of memory and the heap secret
 * `heap_seed`; logs only errors (refusals are expected) until scf_stop().
 */
bool scf_start(struct scf *fx, const struct sim_psp_config *cfg,
	       uint64_t mem_size, uint32_t heap_seed);
void scf_stop(struct scf *fx);
