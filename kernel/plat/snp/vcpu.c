/* SPDX-License-Identifier: MIT */
/*
 * The registry of lower-VMPL vCPUs (struct svsm_vcpu, snp/snp.h): which pages are VMSAs the SVSM owns, which guest pages are
 * calling areas, and which APIC IDs exist.
 *
 * Calling areas are tracked here and not with gpa_reserve(): a calling
 * area stays guest memory that the guest writes (CALL_PENDING) and where
 * Linux and OVMF place the PVALIDATE list (CA + 8), so kernel/guestmem
 * must keep reading it, and gpa_validate() refuses reserved ranges. The
 * protocol handlers therefore refuse a calling-area page explicitly (with
 * snp_vcpu_ca_user()) wherever they refuse SVSM memory. VMSA pages are
 * SVSM-owned and reserved.
 */
#include "snp/vcpu.h"

#include "svsm/mm/gpa.h"
#include "svsm/spinlock.h"

#include "abi/snp.h"

#include "lib/string.h"
#include "snp/snp.h"

static struct spinlock vcpu_lock;
static struct svsm_vcpu vcpus[SNP_MAX_VMSAS];
/*
 * held[i]: an SVSM CPU's request loop holds vcpus[i] (snp_vcpu_hold), so
 * the slot is not reused while that loop may still pass it to a turn,
 * even after DELETE_VCPU erased it: the turn then finds it dead.
 */
static bool held[SNP_MAX_VMSAS];
static uint32_t apic_ids[CFG_MAX_CPUS];
static uint32_t apic_count;
/* The APIC IDs some SVSM CPU runs a loop for (snp_vcpu_serve). */
static uint32_t served_ids[CFG_MAX_CPUS];
static uint32_t served_count;
static uint64_t next_seq;

void snp_vcpus_reset(void)
{
	spin_lock(&vcpu_lock);
	memset(vcpus, 0, sizeof(vcpus));
	memset(held, 0, sizeof(held));
	apic_count = 0;
	served_count = 0;
	next_seq = 0;
	spin_unlock(&vcpu_lock);
}

/* Whether an SVSM CPU serves apic_id; caller holds vcpu_lock. */
static bool served(uint32_t apic_id)
{
	if (served_count == 0)
		return true; /* no CPU declared: every known ID (see vcpu.h) */
	for (uint32_t i = 0; i < served_count; i++) {
		if (served_ids[i] == apic_id)
			return true;
	}
	return false;
}

enum svsm_err snp_vcpu_serve(uint32_t apic_id)
{
	enum svsm_err err = SVSM_OK;

	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < served_count; i++) {
		if (served_ids[i] == apic_id)
			err = SVSM_E_INVAL;
	}
	if (err == SVSM_OK && served_count == CFG_MAX_CPUS)
		err = SVSM_E_NOMEM;
	if (err == SVSM_OK)
		served_ids[served_count++] = apic_id;
	spin_unlock(&vcpu_lock);
	return err;
}

enum svsm_err snp_vcpus_set_apic_ids(const uint32_t *ids, uint32_t count)
{
	/* TRUST: the host supplies the list; a bad one changes nothing. */
	if (count > CFG_MAX_CPUS)
		return SVSM_E_INVAL;
	for (uint32_t i = 0; i < count; i++) {
		for (uint32_t j = 0; j < i; j++) {
			if (ids[i] == ids[j])
				return SVSM_E_INVAL;
		}
	}
	spin_lock(&vcpu_lock);
	memcpy(apic_ids, ids, count * sizeof(ids[0]));
	apic_count = count;
	spin_unlock(&vcpu_lock);
	return SVSM_OK;
}

bool snp_vcpu_apic_known(uint32_t apic_id)
{
	bool known = false;

	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < apic_count && !known; i++)
		known = apic_ids[i] == apic_id;
	known = known && served(apic_id);
	spin_unlock(&vcpu_lock);
	return known;
}

/* A free slot: not live, and no loop holds it; caller holds vcpu_lock. */
static struct svsm_vcpu *free_slot(void)
{
	for (uint32_t i = 0; i < SNP_MAX_VMSAS; i++) {
		if (!vcpus[i].live && !held[i])
			return &vcpus[i];
	}
	return NULL;
}

static struct svsm_vcpu *fill(struct svsm_vcpu *v, uint32_t apic_id,
			      paddr_t vmsa, gpa_t caa, unsigned int vmpl,
			      uint64_t sev_features, bool boot)
{
	*v = (struct svsm_vcpu){
		.vmsa = vmsa,
		.caa = caa,
		.sev_features = sev_features,
		.seq = next_seq++,
		.apic_id = apic_id,
		.vmpl = (uint8_t)vmpl,
		.live = true,
		.boot = boot,
	};
	return v;
}

enum svsm_err snp_vcpu_register_boot(uint32_t apic_id, paddr_t vmsa, gpa_t caa,
				     unsigned int vmpl, uint64_t sev_features,
				     struct svsm_vcpu **out)
{
	paddr_t ca_pa;
	enum svsm_err err;
	struct svsm_vcpu *slot;

	if (!pa_is_aligned(vmsa, PAGE_SIZE) || vmpl == SNP_SVSM_VMPL ||
	    vmpl >= SNP_VMPL_COUNT || !snp_vcpu_apic_known(apic_id) ||
	    snp_vcpu_boot())
		return SVSM_E_INVAL;
	err = gpa_validate(caa, PAGE_SIZE, PAGE_SIZE, &ca_pa);
	if (err != SVSM_OK)
		return err;
	if (pa_val(ca_pa) == pa_val(vmsa))
		return SVSM_E_INVAL;
	/*
	 * A VMSA page of the SVSM's own heap lies in the region, which kmain
	 * reserved whole: guests cannot name it already. Any other page is
	 * reserved here.
	 */
	if (!gpa_range_overlaps_svsm(gpa_init(pa_val(vmsa)), PAGE_SIZE)) {
		err = gpa_reserve(vmsa, PAGE_SIZE);
		if (err != SVSM_OK)
			return err;
	}

	spin_lock(&vcpu_lock);
	slot = free_slot();
	CHECK(slot != NULL); /* only boot registers, into an empty table */
	*out = fill(slot, apic_id, vmsa, caa, vmpl, sev_features, true);
	spin_unlock(&vcpu_lock);
	return SVSM_OK;
}

struct svsm_vcpu *snp_vcpu_boot(void)
{
	struct svsm_vcpu *found = NULL;

	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < SNP_MAX_VMSAS && !found; i++) {
		if (vcpus[i].live && vcpus[i].boot)
			found = &vcpus[i];
	}
	spin_unlock(&vcpu_lock);
	return found;
}

struct svsm_vcpu *snp_vcpu_by_vmsa(gpa_t gpa)
{
	struct svsm_vcpu *found = NULL;

	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < SNP_MAX_VMSAS && !found; i++) {
		if (vcpus[i].live && pa_val(vcpus[i].vmsa) == gpa_val(gpa))
			found = &vcpus[i];
	}
	spin_unlock(&vcpu_lock);
	return found;
}

/* The newest live record of apic_id; caller holds vcpu_lock. */
static struct svsm_vcpu *newest(uint32_t apic_id)
{
	struct svsm_vcpu *found = NULL;

	for (uint32_t i = 0; i < SNP_MAX_VMSAS; i++) {
		struct svsm_vcpu *v = &vcpus[i];

		if (v->live && v->apic_id == apic_id &&
		    (!found || v->seq > found->seq))
			found = v;
	}
	return found;
}

struct svsm_vcpu *snp_vcpu_current(uint32_t apic_id)
{
	struct svsm_vcpu *found;

	spin_lock(&vcpu_lock);
	found = newest(apic_id);
	spin_unlock(&vcpu_lock);
	return found;
}

/* The slot index of a record of the table; caller holds vcpu_lock. */
static uint32_t slot_of(const struct svsm_vcpu *v)
{
	uint32_t i = (uint32_t)(v - vcpus);

	CHECK(v >= vcpus && i < SNP_MAX_VMSAS);
	return i;
}

enum snp_vcpu_hold snp_vcpu_hold(uint32_t apic_id, struct svsm_vcpu **v,
				 unsigned int *vmpl)
{
	enum snp_vcpu_hold h = SNP_VCPU_HOLD_NONE;
	struct svsm_vcpu *cur;

	spin_lock(&vcpu_lock);
	cur = newest(apic_id);
	if (*v && *v != cur)
		held[slot_of(*v)] = false;
	*v = NULL;
	if (cur && cur->boot) {
		cur = NULL; /* the boot CPU's loop serves the boot vCPU */
	} else if (cur && cur->deleting) {
		h = SNP_VCPU_HOLD_BUSY;
		held[slot_of(cur)] = false;
	} else if (cur) {
		held[slot_of(cur)] = true;
		*v = cur;
		*vmpl = cur->vmpl;
		h = SNP_VCPU_HOLD_OK;
	}
	spin_unlock(&vcpu_lock);
	return h;
}

void snp_vcpu_release(struct svsm_vcpu **v)
{
	spin_lock(&vcpu_lock);
	if (*v)
		held[slot_of(*v)] = false;
	*v = NULL;
	spin_unlock(&vcpu_lock);
}

bool snp_vcpu_is_held(const struct svsm_vcpu *v)
{
	bool h;

	spin_lock(&vcpu_lock);
	h = held[slot_of(v)];
	spin_unlock(&vcpu_lock);
	return h;
}

bool snp_vcpu_runnable(const struct svsm_vcpu *v)
{
	bool ok;

	spin_lock(&vcpu_lock);
	ok = v->live && !v->deleting;
	spin_unlock(&vcpu_lock);
	return ok;
}

struct svsm_vcpu *snp_vcpu_ca_user(gpa_t gpa, uint64_t len,
				   const struct svsm_vcpu *except)
{
	struct svsm_vcpu *found = NULL;
	uint64_t end;
	bool wraps = __builtin_add_overflow(gpa_val(gpa), len, &end);

	if (len == 0)
		return NULL;
	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < SNP_MAX_VMSAS && !found; i++) {
		struct svsm_vcpu *v = &vcpus[i];
		uint64_t ca = gpa_val(v->caa);

		if (!v->live || v == except)
			continue;
		/* The CA is one page at a page-aligned GPA. */
		if (wraps || (ca < end && gpa_val(gpa) < ca + PAGE_SIZE))
			found = v;
	}
	spin_unlock(&vcpu_lock);
	return found;
}

bool snp_vcpu_has_room(void)
{
	bool room;

	spin_lock(&vcpu_lock);
	room = free_slot() != NULL;
	spin_unlock(&vcpu_lock);
	return room;
}

struct svsm_vcpu *snp_vcpu_add(uint32_t apic_id, paddr_t vmsa, gpa_t caa,
			       unsigned int vmpl, uint64_t sev_features)
{
	struct svsm_vcpu *v;

	spin_lock(&vcpu_lock);
	v = free_slot();
	CHECK(v != NULL);
	v = fill(v, apic_id, vmsa, caa, vmpl, sev_features, false);
	spin_unlock(&vcpu_lock);
	return v;
}

void snp_vcpu_remove(struct svsm_vcpu *v)
{
	spin_lock(&vcpu_lock);
	CHECK(v->live && !v->boot && v->deleting);
	*v = (struct svsm_vcpu){0};
	spin_unlock(&vcpu_lock);
}

void snp_vcpu_set_caa(struct svsm_vcpu *v, gpa_t caa)
{
	spin_lock(&vcpu_lock);
	CHECK(v->live);
	v->caa = caa;
	spin_unlock(&vcpu_lock);
}

uint32_t snp_vcpu_count(void)
{
	uint32_t n = 0;

	spin_lock(&vcpu_lock);
	for (uint32_t i = 0; i < SNP_MAX_VMSAS; i++)
		n += vcpus[i].live;
	spin_unlock(&vcpu_lock);
	return n;
}

bool snp_vcpu_pin(struct svsm_vcpu *v)
{
	bool ok;

	spin_lock(&vcpu_lock);
	ok = v->live && !v->in_request && !v->deleting;
	if (ok)
		v->in_request = true;
	spin_unlock(&vcpu_lock);
	return ok;
}

bool snp_vcpu_claim(struct svsm_vcpu *v, bool self)
{
	bool ok;

	spin_lock(&vcpu_lock);
	ok = v->live && !v->boot && !v->deleting && (self || !v->in_request);
	if (ok)
		v->deleting = true;
	spin_unlock(&vcpu_lock);
	return ok;
}

void snp_vcpu_unclaim(struct svsm_vcpu *v)
{
	spin_lock(&vcpu_lock);
	CHECK(v->live && v->deleting);
	v->deleting = false;
	spin_unlock(&vcpu_lock);
}

void snp_vcpu_unpin(struct svsm_vcpu *v)
{
	spin_lock(&vcpu_lock);
	v->in_request = false;
	spin_unlock(&vcpu_lock);
}

bool snp_vcpu_pinned(const struct svsm_vcpu *v)
{
	bool pinned;

	spin_lock(&vcpu_lock);
	pinned = v->live && v->in_request;
	spin_unlock(&vcpu_lock);
	return pinned;
}
