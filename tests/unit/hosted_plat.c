/* SPDX-License-Identifier: MIT */
/* See hosted_plat.h. */
#include "hosted_plat.h"

#include "svsm/plat/plat.h"

enum svsm_err (*hosted_plat_share)(paddr_t pa, uint64_t pages, bool *lost);
enum svsm_err (*hosted_plat_unshare)(paddr_t pa, uint64_t pages);

enum svsm_err plat_share(paddr_t pa, uint64_t pages, bool *lost)
{
	*lost = false;
	return hosted_plat_share ? hosted_plat_share(pa, pages, lost) : SVSM_OK;
}

enum svsm_err plat_unshare(paddr_t pa, uint64_t pages)
{
	return hosted_plat_unshare ? hosted_plat_unshare(pa, pages) : SVSM_OK;
}

/* The hosted builds stand for the native platform: no C-bit. */
uint64_t plat_pte_private_bits(void)
{
	return 0;
}
