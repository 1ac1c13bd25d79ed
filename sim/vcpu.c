/* SPDX-License-Identifier: MIT */
/*
 * The host's vCPU table of the SEV-SNP model (sim/vcpu.h): the AP Creation
 * NAE as a hypervisor answers it.
 */
#include "vcpu.h"

#include <string.h>

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_vmsa.h"

void sim_vcpu_table_init(struct sim_vcpu_table *t, const struct sim_rmp *rmp)
{
	memset(t, 0, sizeof(*t));
	t->rmp = rmp;
	t->vmsa_features = SNP_FEATURE_SNP_ACTIVE;
}

/* Index of the entry for (apic_id, vmpl), or SIM_VCPU_MAX. */
static unsigned int find_index(const struct sim_vcpu_table *t, uint32_t apic_id,
			       unsigned int vmpl)
{
	unsigned int i;

	for (i = 0; i < SIM_VCPU_MAX; i++) {
		const struct sim_vcpu *v = &t->vcpus[i];

		if (v->present && v->apic_id == apic_id && v->vmpl == vmpl)
			break;
	}
	return i;
}

static struct sim_vcpu *find(struct sim_vcpu_table *t, uint32_t apic_id,
			     unsigned int vmpl)
{
	unsigned int i = find_index(t, apic_id, vmpl);

	return i < SIM_VCPU_MAX ? &t->vcpus[i] : NULL;
}

static struct sim_vcpu *free_entry(struct sim_vcpu_table *t)
{
	for (unsigned int i = 0; i < SIM_VCPU_MAX; i++) {
		if (!t->vcpus[i].present)
			return &t->vcpus[i];
	}
	return NULL;
}

static bool is_vmsa_page(const struct sim_vcpu_table *t, uint64_t gpa)
{
	struct sim_rmp_entry e;

	if ((gpa & (SNP_PAGE_SIZE_4K - 1)) != 0 ||
	    !sim_rmp_entry(t->rmp, gpa, &e))
		return false;
	return e.assigned && e.validated && e.vmsa;
}

uint32_t sim_vcpu_ap_creation(struct sim_vcpu_table *t, uint64_t exitinfo1,
			      uint64_t exitinfo2, uint64_t rax)
{
	/* TRUST: the guest (here: the SVSM under test) chooses every input. */
	unsigned int request = (unsigned int)(exitinfo1 & GHCB_AP_REQUEST_MASK);
	unsigned int vmpl = (unsigned int)((exitinfo1 & GHCB_AP_VMPL_MASK) >>
					   GHCB_AP_VMPL_SHIFT);
	uint32_t apic_id = (uint32_t)(exitinfo1 >> GHCB_AP_APIC_ID_SHIFT);
	struct sim_vcpu *v;

	if (t->refuse) {
		t->refuse--;
		return GHCB_ERR_INVALID_INPUT;
	}
	/*
	 * As KVM refuses them (Linux arch/x86/kvm/svm/sev.c,
	 * sev_snp_ap_creation): an APIC ID with no vCPU (kvm_get_vcpu_by_id),
	 * and for a create, SEV_FEATURES other than the VM's, a VMSA GPA that
	 * is not page aligned (page_address_valid) or is 2 MiB aligned (the
	 * SNP erratum a large page colliding with a VMSA's RMP entry would
	 * hit). model: a VMPL out of range.
	 */
	if (vmpl >= SNP_VMPL_COUNT ||
	    (t->apic_count && apic_id >= t->apic_count))
		return GHCB_ERR_INVALID_INPUT;
	if (request != GHCB_AP_DESTROY &&
	    (rax != t->vmsa_features ||
	     (exitinfo2 & (SNP_PAGE_SIZE_4K - 1)) != 0 ||
	     (exitinfo2 & (SNP_PAGE_SIZE_2M - 1)) == 0))
		return GHCB_ERR_INVALID_INPUT;
	switch (request) {
	case GHCB_AP_CREATE_ON_INIT:
	case GHCB_AP_CREATE:
		if (!is_vmsa_page(t, exitinfo2))
			return GHCB_ERR_INVALID_INPUT;
		v = find(t, apic_id, vmpl);
		if (!v)
			v = free_entry(t);
		if (!v)
			return GHCB_ERR_INVALID_INPUT;
		*v = (struct sim_vcpu){
			.vmsa_gpa = exitinfo2,
			.sev_features = rax,
			.apic_id = apic_id,
			.vmpl = (uint8_t)vmpl,
			.present = true,
		};
		t->creates++;
		return 0;
	case GHCB_AP_DESTROY:
		v = find(t, apic_id, vmpl);
		if (!v || v->vmsa_gpa != exitinfo2)
			return GHCB_ERR_INVALID_INPUT;
		*v = (struct sim_vcpu){0};
		t->destroys++;
		return 0;
	default:
		return GHCB_ERR_INVALID_INPUT;
	}
}

const struct sim_vcpu *sim_vcpu_find(const struct sim_vcpu_table *t,
				     uint32_t apic_id, unsigned int vmpl)
{
	unsigned int i = find_index(t, apic_id, vmpl);

	return i < SIM_VCPU_MAX ? &t->vcpus[i] : NULL;
}

unsigned int sim_vcpu_count(const struct sim_vcpu_table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SIM_VCPU_MAX; i++)
		n += t->vcpus[i].present;
	return n;
}
