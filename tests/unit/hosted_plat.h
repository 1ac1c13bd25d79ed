/* SPDX-License-Identifier: MIT */
/*
 * plat_share()/plat_unshare() of the hosted builds (hosted_plat.c): the
 * native platform's (nothing to do) unless a test routes them to
 * SEV-SNP's implementation on the model (snp/shared_pages.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

extern enum svsm_err (*hosted_plat_share)(paddr_t pa, uint64_t pages,
					  bool *lost);
extern enum svsm_err (*hosted_plat_unshare)(paddr_t pa, uint64_t pages);
