/* SPDX-License-Identifier: MIT */
/*
 * The model guest and the model VM it runs in (tests/model/guest.h). This file is
 * the "hardware and guest OS" side of the model: it writes VMSA pages and
 * calling areas directly in fake memory, as the CPU and the guest would,
 * and sets up the SVSM's state as the SVSM's boot would on SEV-SNP.
 */
#include "model/guest.h"

#include <string.h>

#include "svsm/arch/ghcb.h"

#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/protocols.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "fake/fake.h"
#include "hv.h"
#include "snp/ghcb.h"

void *sim_guest_ptr(uint64_t gpa, size_t len)
{
	return arch_phys_to_virt(gpa, len);
}

static void put_u64(uint64_t gpa, uint64_t v)
{
	memcpy(sim_guest_ptr(gpa, sizeof(v)), &v, sizeof(v));
}

static uint64_t get_u64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, sim_guest_ptr(gpa, sizeof(v)), sizeof(v));
	return v;
}

bool sim_guest_page_valid(struct sim_guest *g, uint64_t gpa)
{
	bool cf;

	if (sim_rmp_assign(&fake_snp_rmp, gpa, SNP_RMP_PSIZE_4K) ||
	    sim_pvalidate(&fake_snp_rmp, 0, gpa, SNP_RMP_PSIZE_4K, true, &cf))
		return false;
	for (unsigned int v = 1; v <= g->vmpl; v++) {
		if (sim_rmpadjust(&fake_snp_rmp, 0, gpa, SNP_RMP_PSIZE_4K, v,
				  SNP_PERM_ALL, false))
			return false;
	}
	return true;
}

bool sim_guest_page_unvalidated(struct sim_guest *g, uint64_t gpa,
				unsigned int psize)
{
	(void)g;
	return sim_rmp_assign(&fake_snp_rmp, gpa, psize) == SNP_SUCCESS;
}

bool sim_guest_page_shared(struct sim_guest *g, uint64_t gpa)
{
	(void)g;
	return sim_rmp_make_shared(&fake_snp_rmp, gpa, SNP_RMP_PSIZE_4K) ==
	       SNP_SUCCESS;
}

void sim_guest_write_vmsa(uint64_t gpa, unsigned int vmpl, uint64_t efer,
			  uint64_t sev_features)
{
	uint8_t *p = sim_guest_ptr(gpa, SNP_VMSA_SIZE);

	memset(p, 0, SNP_VMSA_SIZE);
	p[SNP_VMSA_OFF_VMPL] = (uint8_t)vmpl;
	put_u64(gpa + offsetof(struct snp_vmsa, efer), efer);
	put_u64(gpa + offsetof(struct snp_vmsa, sev_features), sev_features);
}

/* Forgets every reservation gpa.c holds. */
static bool clear_reservations(void)
{
	paddr_t base;
	uint64_t size;

	while (gpa_reserved_get(0, &base, &size)) {
		if (gpa_unreserve(base, size) != SVSM_OK)
			return false;
	}
	return true;
}

/* The SVSM region as the launch leaves it: validated, VMPL0 only. */
static bool setup_svsm_region(struct sim_guest *g)
{
	for (uint64_t off = 0; off < g->svsm_size; off += PAGE_SIZE) {
		if (sim_rmp_launch_page(&fake_snp_rmp, g->svsm_base + off,
					false))
			return false;
	}
	/* Recognisable bytes, so a test can tell if any leak or change. */
	memset(sim_guest_ptr(g->svsm_base, g->svsm_size / 2), 0xa5,
	       g->svsm_size / 2);
	if (gpa_reserve(pa_init(g->svsm_base), g->svsm_size) != SVSM_OK)
		return false;
	if (pgalloc_init(pa_init(g->svsm_base + g->svsm_size / 2),
			 g->svsm_size / 2) != SVSM_OK)
		return false;
	heap_init(0x5eed5eed5eed5eedull);
	return true;
}

/* The boot vCPU's VMSA as the SVSM's boot creates it, and its CA. */
static bool setup_boot_vcpu(struct sim_guest *g)
{
	static const uint32_t apic_ids[SIM_APIC_COUNT] = {0, 1, 2, 3};

	sim_guest_write_vmsa(g->boot_vmsa, g->vmpl, SNP_EFER_SVME,
			     SIM_SEV_FEATURES);
	for (unsigned int v = 1; v < SNP_VMPL_COUNT; v++) {
		if (sim_rmpadjust(&fake_snp_rmp, 0, g->boot_vmsa,
				  SNP_RMP_PSIZE_4K, v, 0, false))
			return false;
	}
	if (sim_rmpadjust(&fake_snp_rmp, 0, g->boot_vmsa, SNP_RMP_PSIZE_4K,
			  g->vmpl, 0, true))
		return false;
	memset(sim_guest_ptr(g->boot_caa, PAGE_SIZE), 0, PAGE_SIZE);

	snp_vcpus_reset();
	protocols_reset();
	if (snp_vcpus_set_apic_ids(apic_ids, SIM_APIC_COUNT) != SVSM_OK)
		return false;
	if (snp_vcpu_register_boot(0, pa_init(g->boot_vmsa),
				   gpa_init(g->boot_caa), g->vmpl,
				   SIM_SEV_FEATURES, &g->boot) != SVSM_OK)
		return false;
	/* The host learns the boot VMSA (COCONUT: create-on-INIT). */
	if (ghcb_ap_create(GHCB_AP_CREATE_ON_INIT, 0, pa_init(g->boot_vmsa),
			   g->vmpl, SIM_SEV_FEATURES) != SVSM_OK)
		return false;
	g->host.creates = 0;
	return true;
}

/*
 * What the SVSM's boot does for the boot CPU's GHCB (snp/ghcb.h): negotiate, take the page from the guest and reserve it, rescind
 * it, make it shared over the MSR protocol, register it.
 */
static bool setup_ghcb(struct sim_guest *g)
{
	paddr_t pa = pa_init(g->ghcb);
	bool cf;

	ghcb_reset();
	if (ghcb_negotiate(NULL) != SVSM_OK ||
	    gpa_reserve(pa, PAGE_SIZE) != SVSM_OK ||
	    snp_pvalidate(pa, false, false, &cf) != SNP_SUCCESS ||
	    ghcb_msr_page_state_change(pa, GHCB_PSC_OP_SHARED) != SVSM_OK)
		return false;
	memset(sim_guest_ptr(g->ghcb, PAGE_SIZE), 0, PAGE_SIZE);
	return ghcb_register(pa) == SVSM_OK;
}

bool sim_guest_init(struct sim_guest *g, unsigned int vmpl, uint64_t size)
{
	struct ram_range ram;

	if (vmpl == 0 || vmpl >= SNP_VMPL_COUNT || size < 4 * SIM_SVSM_SIZE ||
	    size % SNP_PAGE_SIZE_2M)
		return false;
	memset(g, 0, sizeof(*g));
	g->vmpl = vmpl;
	g->size = size;
	/* Reuse fake memory when it is big enough (fuzzers run this per input). */
	if (arch_phys_to_virt(FAKE_PHYS_BASE, size)) {
		memset(arch_phys_to_virt(FAKE_PHYS_BASE, size), 0, size);
		g->base = FAKE_PHYS_BASE;
	} else {
		g->base = fake_mm_init(size);
	}
	g->svsm_base = g->base;
	g->svsm_size = SIM_SVSM_SIZE;
	g->boot_vmsa = g->base + SIM_SVSM_SIZE + 0x1000;
	g->boot_caa = g->base + SIM_SVSM_SIZE + 0x2000;
	g->ghcb = g->base + SIM_SVSM_SIZE + 0x3000;
	g->first_free = g->base + SIM_SVSM_SIZE + 0x10000;

	fake_snp_rmp_guards_access(false);
	fake_guest_fault_base = 0;
	fake_guest_fault_size = 0;
	fake_guest_after_copy = NULL;
	fake_guest_copies = 0;
	fake_snp_vmpl = 0;
	fake_snp_reset_counters();
	fake_ghcb_cpu = 0;
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	sim_hv.vcpus = &g->host;
	sim_vcpu_table_init(&g->host, &fake_snp_rmp);
	g->host.apic_count = SIM_APIC_COUNT;

	sim_rmp_fini(&fake_snp_rmp);
	if (!sim_rmp_init(&fake_snp_rmp, g->base, size))
		return false;
	ram = (struct ram_range){g->base, size};
	if (!clear_reservations() || gpa_set_ram(&ram, 1) != SVSM_OK)
		return false;
	if (!setup_svsm_region(g))
		return false;
	for (uint64_t gpa = g->base + SIM_SVSM_SIZE; gpa < g->base + size;
	     gpa += PAGE_SIZE) {
		if (!sim_guest_page_valid(g, gpa))
			return false;
	}
	if (!setup_ghcb(g) || !setup_boot_vcpu(g))
		return false;
	fake_snp_reset_counters();
	/* From now on the SVSM's guest-memory accesses obey the RMP. */
	fake_snp_rmp_guards_access(true);
	return true;
}

void sim_guest_fini(struct sim_guest *g)
{
	fake_snp_rmp_guards_access(false);
	(void)clear_reservations();
	snp_vcpus_reset();
	protocols_reset();
	sim_rmp_fini(&fake_snp_rmp);
	fake_guest_after_copy = NULL;
	fake_guest_fault_size = 0;
	fake_snp_reset_counters();
	ghcb_reset();
	if (sim_hv.vcpus == &g->host)
		sim_hv.vcpus = NULL;
	fake_snp_hv_stop();
	fake_mm_free();
}

void sim_call_init(struct sim_call *c, uint32_t protocol, uint32_t call)
{
	*c = (struct sim_call){
		.rax = svsm_call_rax(protocol, call),
		.pending = 1,
		.exit_code = SNP_EXITCODE_VMGEXIT,
	};
}

void sim_guest_call(struct sim_guest *g, struct svsm_vcpu *v,
		    struct sim_call *c)
{
	uint64_t vmsa = pa_val(v->vmsa);
	uint8_t *pending = sim_guest_ptr(gpa_val(v->caa), 1);

	(void)g;
	/* What VMGEXIT leaves in the VMSA. */
	put_u64(vmsa + offsetof(struct snp_vmsa, rax), c->rax);
	put_u64(vmsa + offsetof(struct snp_vmsa, rcx), c->rcx);
	put_u64(vmsa + offsetof(struct snp_vmsa, rdx), c->rdx);
	put_u64(vmsa + offsetof(struct snp_vmsa, r8), c->r8);
	put_u64(vmsa + offsetof(struct snp_vmsa, r9), c->r9);
	put_u64(vmsa + SNP_VMSA_OFF_EXITCODE, c->exit_code);
	/* The guest asks for the call... */
	__atomic_store_n(pending, c->pending, __ATOMIC_SEQ_CST);

	c->status = svsm_request_once(v);

	/* ... and on return exchanges CALL_PENDING with 0 (AMD 58019). */
	c->pending_seen = __atomic_exchange_n(pending, 0, __ATOMIC_SEQ_CST);
	if (c->status == SNP_REQUEST_CALLER_GONE)
		return;
	c->rax = get_u64(vmsa + offsetof(struct snp_vmsa, rax));
	c->rcx = get_u64(vmsa + offsetof(struct snp_vmsa, rcx));
	c->rdx = get_u64(vmsa + offsetof(struct snp_vmsa, rdx));
	c->r8 = get_u64(vmsa + offsetof(struct snp_vmsa, r8));
	c->r9 = get_u64(vmsa + offsetof(struct snp_vmsa, r9));
}

uint64_t sim_guest_core(struct sim_guest *g, uint32_t call, uint64_t rcx,
			uint64_t rdx, uint64_t r8, struct sim_call *out)
{
	struct sim_call c;

	sim_call_init(&c, SVSM_CORE_PROTOCOL, call);
	c.rcx = rcx;
	c.rdx = rdx;
	c.r8 = r8;
	sim_guest_call(g, g->boot, &c);
	if (out)
		*out = c;
	return c.rax;
}
