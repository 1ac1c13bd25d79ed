/* SPDX-License-Identifier: MIT */
/*
 * Taking the SNP secrets page at boot (kernel/plat/snp/secrets.c): VMPCK0
 * moves into the guest-message client's private state (guest_msg.h), the
 * VMPCKs the guest must not hold are wiped from the page, and the SVSM
 * announces itself in the fields at 0x140 that the guest reads to find
 * it. Layout: include/abi/snp_guest_msg.h, struct snp_secrets_page; rules:
 * AMD 58019 rev 1.00 (SVSM fields), AMD 56860 (secrets page) and
 * docs/threat-model.md, bug class 14.
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#include "abi/snp_guest_msg.h"

/* What the SVSM publishes at 0x140 (58019 rev 1.00, SVSM discovery). */
struct secrets_svsm_info {
	paddr_t svsm_base;	   /* the SVSM region, 4 KiB aligned */
	uint64_t svsm_size;	   /* its size, a nonzero 4 KiB multiple */
	paddr_t svsm_caa;	   /* the boot vCPU's calling area, aligned */
	uint32_t svsm_max_version; /* highest core-protocol version, >= 1 */
	uint8_t guest_vmpl;	   /* the guest's VMPL, 1..3 */
};

/*
 * Takes the secrets page: page is the SVSM's mapping of the page as the
 * PSP filled it, in SVSM-owned memory; afterwards it is what the guest may
 * see. In order, and only if every check passes (validate, then apply):
 *   1. VMPCK0 is copied into the guest-message client;
 *   2. VMPCK0 .. VMPCK(guest_vmpl - 1) are wiped from the page (the guest
 *      must not talk to the PSP as a more privileged VMPL, bug class
 *      14 in docs/threat-model.md; VMPCK0 at least);
 *   3. svsm_base, svsm_size, svsm_caa, svsm_max_version, svsm_guest_vmpl
 *      are written and the reserved bytes after them zeroed.
 * Errors, with the page and the client unchanged: SVSM_E_INVAL for info
 * that breaks the rules above or a page whose VMPCK0 is zero (already
 * taken, or not the PSP's page); SVSM_E_BUSY when the client already
 * holds a key.
 */
enum svsm_err __must_check secrets_take(struct snp_secrets_page *page,
					const struct secrets_svsm_info *info);
