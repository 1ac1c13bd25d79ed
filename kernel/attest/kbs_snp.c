/* SPDX-License-Identifier: MIT */
/*
 * The SNP evidence of the key-broker client: a VMPL0 attestation report
 * (AMD 56860, MSG_REPORT_REQ with VMPL 0) over the client's REPORT_DATA,
 * from the SVSM's guest-message client; and the SEV-SNP platform's part
 * in the boot's key selection (struct kbs_platform): that report as the
 * evidence, the secure processor's derived key for the store
 * (kernel/plat/snp/derived_key.c). kbs_native.c is the native one.
 */
#include "svsm/mm/heap.h"

#include "abi/snp_guest_msg.h"

#include "kbs_int.h"
#include "lib/string.h"
#include "snp/derived_key.h"
#include "snp/guest_msg.h"

enum svsm_err kbs_snp_report(const uint8_t report_data[64], uint8_t *out,
			     size_t cap)
{
	struct snp_attestation_report *r;
	struct guest_msg_status st;
	enum svsm_err err;

	if (cap < sizeof(*r))
		return SVSM_E_INVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return SVSM_E_NOMEM;
	err = guest_msg_report(report_data, 0, r, &st);
	if (err == SVSM_OK)
		memcpy(out, r, sizeof(*r));
	kfree(r);
	return err == SVSM_OK ? SVSM_OK : SVSM_E_HW;
}

const struct kbs_platform kbs_platform = {
	.tee = KBS_TEE_SNP,
	.snp_report = kbs_snp_report,
	.platform_key = &snp_derived_key_source,
};
