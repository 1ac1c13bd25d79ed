/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_CREATE_VCPU (AMD 58019 rev 1.00, Table 10) and DELETE_VCPU:
 * turning a guest page into a VMSA for a lower VMPL, and back.
 *
 * CREATE_VCPU, in this order (docs/threat-model.md bug class 9: nothing becomes
 * a VMSA before every check passed):
 *   1. registers: both GPAs 4 KiB aligned, the VMSA not 2 MiB aligned
 *      (erratum, snp_vmsa_gpa_erratum), R8[63:32] zero, a known APIC ID
 *      -> INVALID_PARAMETER;
 *   2. addresses: the VMSA a guest page that is not SVSM memory, a VMSA,
 *      a calling area or the launch VMSA; the CA guest RAM, not SVSM
 *      memory, not the VMSA, not another APIC ID's CA -> INVALID_ADDRESS;
 *      room in the registry -> INVALID_REQUEST;
 *   3. gpa_reserve() the page, and take every lower VMPL's access away
 *      (RMPADJUST, which also fails for a page that is not a validated
 *      private page -> INVALID_ADDRESS), so the guest cannot change the
 *      VMSA while it is checked (bug class 3);
 *   4. the contents, read once: VMPL 1..3 and not more privileged than
 *      the caller, EFER.SVME set, SEV_FEATURES equal to the boot vCPU's
 *      -> INVALID_PARAMETER;
 *   5. RMPADJUST with the VMSA bit (no lower-VMPL access), record the
 *      vCPU, tell the host (a refusal is logged, not fatal: the guest
 *      starts the vCPU itself).
 * Before step 3 the caller must be able to read and write the page
 * (RMPQUERY), else INVALID_ADDRESS. Any failure after step 3 undoes what
 * was done: every lower VMPL's rights exactly as RMPQUERY reported them
 * before, and the reservation dropped.
 *
 * DELETE_VCPU undoes it in the safe order (bug class 10): checks
 * (known, not the boot VMSA, not more privileged than the caller, not
 * served on another CPU, claimed in the same step so that no turn can
 * start for it), SVME off and "not running" (else 0x80001003), host told
 * (if it is the APIC ID's newest VMSA; a refusal is logged, not fatal),
 * then the RMP (VMSA bit off, access back to the caller), and only then
 * the registry and the reservation.
 */
#include "svsm/guestmem.h"
#include "svsm/log.h"
#include "svsm/mm/gpa.h"

#include "abi/snp.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "internal.h"
#include "snp/snp.h"

/* Undo of step 3: every VMPL's rights exactly as they were, unreserve. */
static void release(paddr_t vmsa, const struct snp_rights *saved)
{
	/* Fails only if the host changed the RMP; the page is then unusable. */
	(void)snp_rights_restore(vmsa, false, saved);
	CHECK(gpa_unreserve(vmsa, PAGE_SIZE) == SVSM_OK);
}

static enum svsm_err check_registers(const struct svsm_call_regs *r)
{
	if (!IS_ALIGNED(r->rcx, PAGE_SIZE) || !IS_ALIGNED(r->rdx, PAGE_SIZE))
		return SVSM_E_INVAL;
	if (snp_vmsa_gpa_erratum(r->rcx))
		return SVSM_E_INVAL;
	if (r->r8 & ~SVSM_CREATE_VCPU_APIC_ID_MASK)
		return SVSM_E_INVAL;
	if (!snp_vcpu_apic_known((uint32_t)r->r8))
		return SVSM_E_INVAL;
	return SVSM_OK;
}

static enum svsm_err check_addresses(gpa_t vmsa_gpa, gpa_t ca_gpa,
				     uint32_t apic_id, paddr_t *vmsa)
{
	const struct svsm_vcpu *other;
	uint64_t probe;
	paddr_t ca_pa;
	enum svsm_err err = core_check_guest_range(vmsa_gpa, PAGE_SIZE, vmsa);

	if (err != SVSM_OK)
		return err;
	if (gpa_val(ca_gpa) == gpa_val(vmsa_gpa) ||
	    gpa_val(ca_gpa) == SNP_LAUNCH_VMSA_GPA)
		return SVSM_E_FAULT;
	err = gpa_validate(ca_gpa, PAGE_SIZE, PAGE_SIZE, &ca_pa);
	if (err != SVSM_OK)
		return err;
	/*
	 * Linux re-creates a woken CPU's VMSA with the same CA before it
	 * deletes the old VMSA, so the CA may be one this APIC ID uses.
	 */
	other = snp_vcpu_ca_user(ca_gpa, PAGE_SIZE, NULL);
	if (other && other->apic_id != apic_id)
		return SVSM_E_FAULT;
	/*
	 * The CA must be memory the SVSM can use: a page the guest rescinded
	 * (or the host made shared) faults here, not at every later turn.
	 */
	err = guestmem_copy_from(ca_gpa, &probe, sizeof(probe));
	if (err != SVSM_OK)
		return err;
	if (!snp_vcpu_has_room())
		return SVSM_E_NOMEM;
	return SVSM_OK;
}

static bool contents_ok(const struct snp_vmsa_facts *f,
			const struct svsm_vcpu *caller)
{
	const struct svsm_vcpu *boot = snp_vcpu_boot();

	return f->vmpl > SNP_SVSM_VMPL && f->vmpl < SNP_VMPL_COUNT &&
	       f->vmpl >= caller->vmpl && (f->efer & SNP_EFER_SVME) && boot &&
	       f->sev_features == boot->sev_features;
}

enum svsm_err core_create_vcpu(struct protocol_call *c)
{
	/*
	 * TRUST: RCX, RDX and R8 are the guest's, and so is the VMSA page
	 * until step 3 took the guest's access away: other vCPUs may write
	 * it until then, never after, so the contents are read after it.
	 */
	const struct svsm_call_regs *r = c->regs;
	gpa_t vmsa_gpa = gpa_init(r->rcx);
	gpa_t ca_gpa = gpa_init(r->rdx);
	uint32_t apic_id = (uint32_t)r->r8;
	unsigned int caller_vmpl = c->caller->vmpl;
	struct snp_rights saved;
	struct snp_vmsa_facts f;
	paddr_t vmsa;
	int rc;
	enum svsm_err err = check_registers(r);

	if (err != SVSM_OK)
		return err;
	err = check_addresses(vmsa_gpa, ca_gpa, apic_id, &vmsa);
	if (err != SVSM_OK)
		return err;

	/*
	 * The caller may only turn a page it can use into a VMSA: not one a
	 * more privileged VMPL took from it, nor one that is not a validated
	 * private page. What every VMPL held is kept for an undo.
	 */
	if (snp_rights_get(vmsa, &saved) != SNP_SUCCESS ||
	    !snp_rights_allow(&saved, caller_vmpl))
		return SVSM_E_FAULT;
	err = gpa_reserve(vmsa, PAGE_SIZE);
	if (err != SVSM_OK)
		return SVSM_E_NOMEM;
	rc = snp_revoke_lower(vmsa, false);
	if (rc != SNP_SUCCESS) {
		release(vmsa, &saved);
		return SVSM_E_FAULT;
	}

	snp_vmsa_read_facts(vmsa, &f);
	if (!contents_ok(&f, c->caller)) {
		release(vmsa, &saved);
		return SVSM_E_INVAL;
	}

	rc = snp_rmpadjust(vmsa, false, f.vmpl, 0, true);
	if (rc != SNP_SUCCESS) {
		release(vmsa, &saved);
		return SVSM_E_HW;
	}
	(void)snp_vcpu_add(apic_id, vmsa, ca_gpa, f.vmpl, f.sev_features);
	/*
	 * Telling the host is a courtesy (COCONUT does the same): the guest
	 * starts the vCPU with its own AP Creation NAE. A refusal is logged
	 * (vcpu_notify.c) and does not undo a VMSA that is correct.
	 */
	(void)snp_vcpu_notify(SNP_VCPU_CREATE, apic_id, f.vmpl, vmsa,
			      f.sev_features);
	return SVSM_OK;
}

enum svsm_err core_delete_vcpu(struct protocol_call *c)
{
	/*
	 * TRUST: RCX is the guest's; it only selects a record the SVSM
	 * made, which is what the rest of the call acts on.
	 */
	gpa_t gpa = gpa_init(c->regs->rcx);
	struct svsm_vcpu *v;
	bool was_enabled;
	bool self;
	paddr_t vmsa;
	int rc;

	if (!IS_ALIGNED(gpa_val(gpa), PAGE_SIZE))
		return SVSM_E_INVAL;
	v = snp_vcpu_by_vmsa(gpa);
	if (!v || v->boot || v->vmpl < c->caller->vmpl)
		return SVSM_E_INVAL;
	self = v == c->caller;
	/*
	 * One step under the registry lock: "not served elsewhere" and
	 * "being deleted". A turn on another CPU can neither be serving it
	 * now nor start while the host's answer below is awaited.
	 */
	if (!snp_vcpu_claim(v, self)) {
		c->detail = PROTOCOL_DETAIL_IN_USE;
		return SVSM_E_BUSY;
	}
	vmsa = v->vmsa;
	if (snp_vmsa_disable(vmsa, &was_enabled) != SVSM_OK) {
		snp_vcpu_unclaim(v);
		c->detail = PROTOCOL_DETAIL_IN_USE;
		return SVSM_E_BUSY;
	}
	/*
	 * The host runs the newest VMSA of an APIC ID; an older one (Linux
	 * re-creates a woken CPU's VMSA before deleting the old) is no longer
	 * the host's, and destroying it there would stop the new one.
	 */
	/*
	 * A refusal does not stop the delete: with SVME off and the VMSA bit
	 * cleared below, the page cannot run, whatever the host believes.
	 */
	if (snp_vcpu_current(v->apic_id) == v)
		(void)snp_vcpu_notify(SNP_VCPU_DESTROY, v->apic_id, v->vmpl,
				      vmsa, v->sev_features);

	/* The RMP first: the page stops being a VMSA, then is the guest's. */
	rc = snp_rmpadjust(vmsa, false, v->vmpl, 0, false);
	if (rc == SNP_SUCCESS)
		rc = snp_grant_guest(vmsa, false, c->caller->vmpl);
	c->caller_gone = self;
	snp_vcpu_remove(v);
	if (rc != SNP_SUCCESS) {
		/*
		 * Only a host that changed the RMP under us gets here. The
		 * page stays reserved: it is never the guest's again.
		 */
		log_warn("snp: VMSA 0x%llx left reserved after RMP error %d",
			 (unsigned long long)pa_val(vmsa), rc);
		return SVSM_E_HW;
	}
	CHECK(gpa_unreserve(vmsa, PAGE_SIZE) == SVSM_OK);
	return SVSM_OK;
}
