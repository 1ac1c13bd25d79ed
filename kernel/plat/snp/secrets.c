/* SPDX-License-Identifier: MIT */
/*
 * Taking the SNP secrets page at boot (include/snp/secrets.h): VMPCK0 to
 * the guest-message client, the VMPCKs below the guest's VMPL wiped, the
 * SVSM fields published. Reference: AMD 58019 rev 1.00 (SVSM fields),
 * AMD 56860 (layout), docs/threat-model.md bug class 14.
 */
#include "snp/secrets.h"

#include <stdbool.h>

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"
#include "snp/guest_msg.h"

/* The guest runs below the SVSM: VMPL 1, 2 or 3. */
#define GUEST_VMPL_MIN 1u
#define GUEST_VMPL_MAX (SNP_GUEST_MSG_VMPCK_COUNT - 1u)

/*
 * On any failure: the keys of every VMPL the guest might run at or above
 * are wiped all the same (all but VMPCK3 when the guest's VMPL is not
 * known), so that no error path leaves them in a page the guest may see.
 */
static void wipe_above_guest(struct snp_secrets_page *page,
			     const struct secrets_svsm_info *info)
{
	unsigned int below = info->guest_vmpl >= GUEST_VMPL_MIN &&
					     info->guest_vmpl <= GUEST_VMPL_MAX
				     ? info->guest_vmpl
				     : GUEST_VMPL_MAX;

	for (unsigned int i = 0; i < below; i++)
		crypto_wipe(page->vmpck[i], sizeof(page->vmpck[i]));
}

static bool info_ok(const struct secrets_svsm_info *info)
{
	uint64_t base = pa_val(info->svsm_base);
	uint64_t end;

	return IS_ALIGNED(base, PAGE_SIZE) && info->svsm_size != 0 &&
	       IS_ALIGNED(info->svsm_size, PAGE_SIZE) &&
	       !__builtin_add_overflow(base, info->svsm_size, &end) &&
	       pa_is_aligned(info->svsm_caa, PAGE_SIZE) &&
	       info->svsm_max_version >= 1 &&
	       info->guest_vmpl >= GUEST_VMPL_MIN &&
	       info->guest_vmpl <= GUEST_VMPL_MAX;
}

enum svsm_err secrets_take(struct snp_secrets_page *page,
			   const struct secrets_svsm_info *info)
{
	/*
	 * TRUST: the page was filled by the PSP at launch and measured; it
	 * lies in SVSM-owned memory, so neither the host nor the guest can
	 * change it while this runs. info is computed by the SVSM.
	 */
	enum svsm_err err;

	if (!info_ok(info) ||
	    mem_is_zero(page->vmpck[0], sizeof(page->vmpck[0]))) {
		wipe_above_guest(page, info);
		return SVSM_E_INVAL;
	}
	err = guest_msg_set_vmpck0(page->vmpck[0]);
	if (err != SVSM_OK) {
		wipe_above_guest(page, info);
		return err;
	}

	/* Nothing below can fail. */
	for (unsigned int i = 0; i < info->guest_vmpl; i++)
		crypto_wipe(page->vmpck[i], sizeof(page->vmpck[i]));
	page->svsm_base = pa_val(info->svsm_base);
	page->svsm_size = info->svsm_size;
	page->svsm_caa = pa_val(info->svsm_caa);
	page->svsm_max_version = info->svsm_max_version;
	page->svsm_guest_vmpl = info->guest_vmpl;
	memset(page->reserved_15d, 0, sizeof(page->reserved_15d));
	return SVSM_OK;
}
