/* SPDX-License-Identifier: MIT */
/*
 * What the SVSM's CPUs need from the vCPU registry (kernel/plat/snp/
 * vcpu.c, struct svsm_vcpu in snp/snp.h) to run a request loop each
 * (snp/loop.h, snp_ap_loop_step): which APIC IDs have an SVSM CPU behind
 * them, and which record a CPU's loop runs.
 *
 * A loop "holds" the record it runs: the registry does not reuse a held
 * slot, even after DELETE_VCPU erased the record, so a turn that started
 * before the delete can only find its record dead (svsm_request_once()
 * answers SNP_REQUEST_NO_VCPU) and never a new vCPU in the same slot.
 * Holding does not pin: DELETE_VCPU may still claim and erase a held
 * record between two turns (the pin of a turn, snp_vcpu_pin, is what
 * keeps a record from being deleted while a call of it is served;
 * docs/threat-model.md, "Races around DELETE_VCPU").
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

struct svsm_vcpu;

/*
 * Declares that an SVSM CPU runs a request loop for apic_id: the boot
 * CPU for its own, each AP once its GHCB is registered. From the first
 * declaration on, CREATE_VCPU accepts only declared APIC IDs
 * (snp_vcpu_apic_known() is false for the others, which CREATE_VCPU
 * answers INVALID_PARAMETER, as for an APIC ID the VM does not have):
 * a VMSA no loop would ever run is refused rather than recorded. Before
 * any declaration (hosted tests that run no CPU) every known ID is
 * accepted. SVSM_E_INVAL when apic_id was declared already,
 * SVSM_E_NOMEM beyond CFG_MAX_CPUS IDs; nothing changes then.
 */
enum svsm_err __must_check snp_vcpu_serve(uint32_t apic_id);

enum snp_vcpu_hold {
	SNP_VCPU_HOLD_NONE, /* no lower-VMPL vCPU for this APIC ID */
	SNP_VCPU_HOLD_BUSY, /* its newest is being deleted: look again */
	SNP_VCPU_HOLD_OK,   /* *v is held */
};

/*
 * For the loop of the SVSM CPU with apic_id, in one step under the
 * registry lock: lets go of *v (the record it held, or NULL) unless it
 * is still the APIC ID's newest live record, and holds that newest one
 * (*v = it, *vmpl = its VMPL, read under the lock: a record erased
 * later reads VMPL 0, SNP_VCPU_HOLD_OK). The boot vCPU is never handed out (the
 * boot CPU's own loop serves it). Otherwise *v = NULL and nothing is
 * held.
 */
enum snp_vcpu_hold snp_vcpu_hold(uint32_t apic_id, struct svsm_vcpu **v,
				 unsigned int *vmpl);
/* Lets go of *v (may be NULL) and sets it to NULL. */
void snp_vcpu_release(struct svsm_vcpu **v);
/* Whether some loop holds v (tests). */
bool snp_vcpu_is_held(const struct svsm_vcpu *v);
/* Whether v is live and not being deleted. */
bool snp_vcpu_runnable(const struct svsm_vcpu *v);
