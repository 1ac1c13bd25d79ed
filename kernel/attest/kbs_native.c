/* SPDX-License-Identifier: MIT */
/*
 * The native platform's part in the boot's key selection
 * (include/svsm/kbs.h, struct kbs_platform): no hardware evidence, so a
 * broker gets the clearly labelled test evidence (which a broker not
 * configured for tests refuses), and no secure processor to derive a
 * key from. Linked into the native kernels only; kbs_snp.c is SEV-SNP's.
 */
#include "svsm/kbs.h"

const struct kbs_platform kbs_platform = {
	.tee = KBS_TEE_SAMPLE,
	.snp_report = NULL,
	.platform_key = NULL,
};
