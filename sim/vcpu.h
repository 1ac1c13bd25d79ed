/* SPDX-License-Identifier: MIT */
/*
 * The host's vCPU table in csvsm's SEV-SNP machine model: which VMSA the
 * hypervisor would run for each (APIC ID, VMPL), as the GHCB SNP AP
 * Creation NAE (AMD 56421; include/abi/ghcb.h) sets it. The SVSM's
 * CREATE_VCPU/DELETE_VCPU notification (snp_vcpu_notify) reaches it
 * through its GHCB and the model hypervisor (sim/hv.c), so tests can check
 * what the host was told and make the host refuse.
 *
 * Host rules modelled, each from KVM's handling of the NAE (Linux
 * arch/x86/kvm/svm/sev.c, sev_snp_ap_creation, and sev_handle_vmgexit,
 * which answers every refusal with EXITINFO1 2 / INVALID_INPUT and
 * resumes the guest):
 *  - any request: an APIC ID the VM has a vCPU for (kvm_get_vcpu_by_id;
 *    apic_count);
 *  - create (GHCB_AP_CREATE_ON_INIT or GHCB_AP_CREATE): RAX, the AP's
 *    SEV_FEATURES, equal to the VM's (vmsa_features: KVM compares with
 *    the features the VM was created with); a VMSA GPA that is page
 *    aligned (page_address_valid) and not 2 MiB aligned (the erratum a
 *    2 MiB page colliding with a VMSA's RMP entry would hit). model: the
 *    page must also be a VMSA in the RMP (assigned, validated, VMSA bit),
 *    which KVM leaves to the hardware's VMRUN; the VMPL must be 0..3; the
 *    entry for (APIC ID, VMPL) is replaced;
 *  - destroy (GHCB_AP_DESTROY): the entry for (APIC ID, VMPL) must exist
 *    and name the same VMSA (so a test sees an SVSM that destroys a VMSA
 *    the host no longer runs); it is removed;
 *  - anything else, or a full table: refused.
 * model: the destroy check and the table are the model's; KVM only forgets
 * the vCPU's VMSA. A refusal returns GHCB_ERR_INVALID_INPUT, which the
 * hypervisor puts in EXITINFO2 with EXITINFO1 2.
 *
 * Hosted only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "rmp.h"

#define SIM_VCPU_MAX 64u

struct sim_vcpu {
	uint64_t vmsa_gpa;
	uint64_t sev_features;
	uint32_t apic_id;
	uint8_t vmpl;
	bool present;
};

struct sim_vcpu_table {
	const struct sim_rmp *rmp;
	struct sim_vcpu vcpus[SIM_VCPU_MAX];
	unsigned int creates;  /* successful create requests */
	unsigned int destroys; /* successful destroy requests */
	/*
	 * The VM's vCPUs have APIC IDs 0..apic_count-1 (0: any ID). KVM
	 * refuses AP creation for an APIC ID it has no vCPU for.
	 */
	uint32_t apic_count;
	/*
	 * The VM's SEV_FEATURES (KVM: the vmsa_features of KVM_SEV_INIT2,
	 * which the launch VMSA carries): an AP created with others is
	 * refused. sim_vcpu_table_init sets SNP active only.
	 */
	uint64_t vmsa_features;
	/* Test knob: refuse the next `refuse` requests. */
	unsigned int refuse;
};

/* An empty table whose create requests are checked against rmp. */
void sim_vcpu_table_init(struct sim_vcpu_table *t, const struct sim_rmp *rmp);

/*
 * The host's side of the AP Creation NAE with its inputs: EXITINFO1
 * (request | VMPL << 16 | APIC ID << 32), EXITINFO2 (VMSA GPA) and RAX
 * (SEV_FEATURES). Returns what the host puts in EXITINFO1[31:0]: 0, or
 * GHCB_ERR_INVALID_INPUT.
 */
uint32_t sim_vcpu_ap_creation(struct sim_vcpu_table *t, uint64_t exitinfo1,
			      uint64_t exitinfo2, uint64_t rax);

/* The entry for (apic_id, vmpl), or NULL. */
const struct sim_vcpu *sim_vcpu_find(const struct sim_vcpu_table *t,
				     uint32_t apic_id, unsigned int vmpl);
/* Entries present. */
unsigned int sim_vcpu_count(const struct sim_vcpu_table *t);
