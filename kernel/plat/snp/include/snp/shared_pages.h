/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP's side of plat_share()/plat_unshare() (svsm/plat/plat.h), in
 * kernel/plat/snp/shared_pages.c; plat.c forwards to it. Same contract.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

enum svsm_err snp_share_pages(paddr_t pa, uint64_t pages, bool *lost);
enum svsm_err snp_unshare_pages(paddr_t pa, uint64_t pages);
