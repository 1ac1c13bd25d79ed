/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own APs on SEV-SNP (snp/smp.h): their VMPL0 VMSAs, their
 * GHCB pages and the AP Creation NAE that hands each VMSA to the host.
 * Hosted tests run all of it against the model (sim/rmp.h, sim/hv.h,
 * sim/vcpu.h); only snp_ap_entry64 and snp_ap_main (plat.c), which run
 * on the AP, are kernel-only.
 *
 * One record per CPU index, written by the boot CPU, except the state,
 * which the AP also writes once (snp_ap_ghcb_init): the record is complete
 * before its state is stored with release order, and the AP reads the
 * state with acquire order before it reads the record. The host may start
 * the VMSA as soon as it has been asked to, so the record is filled before
 * the AP Creation NAE, not after.
 */
#define LOG_PREFIX "smp: "

#include "snp/smp.h"

#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/pgtable.h"
#include "svsm/percpu.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "lib/string.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/snp.h"

/*
 * Segment attributes in the VMSA's packed form (AMD64 APM vol. 2, Table
 * B-4, "attrib": descriptor bits 47:40 and 55:52): 64-bit code (P, S,
 * type execute/read accessed, L, G), flat data (P, S, type read/write
 * accessed, D/B, G), an LDT, a busy 64-bit TSS.
 */
#define SEG_CODE64   0xa9bu
#define SEG_DATA     0xc93u
#define SEG_LDT	     0x82u
#define SEG_TSS_BUSY 0x8bu
#define SEG_FLAT     0xffffffffu
#define SEG_RESET    0xffffu

/* AMD64 APM vol. 2: EFER.LME (bit 8), EFER.LMA (bit 10). */
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
/* Reset values (APM vol. 2, "Initial Processor State"). */
#define RESET_DR6    0xffff0ff0ull
#define RESET_DR7    0x400ull
#define RESET_RFLAGS 0x2ull /* bit 1 is always set; IF clear */
#define RESET_MXCSR  0x1f80u
#define RESET_FCW    0x37fu
/* The CPL byte of the VMSA (APM vol. 2, Table B-4), after the VMPL byte. */
#define VMSA_OFF_CPL (SNP_VMSA_OFF_VMPL + 1u)

/* RMPADJUST's target for the VMSA bit: VMPL1, which gets no rights. */
#define VMSA_TARGET_VMPL 1u

static struct snp_ap aps[CFG_MAX_CPUS];

static struct snp_vmsa_seg seg(uint16_t sel, uint16_t attrib, uint32_t limit,
			       uint64_t base)
{
	return (struct snp_vmsa_seg){sel, attrib, limit, base};
}

void snp_ap_vmsa_build(struct snp_vmsa *v, const struct arch_snp_ap_ctx *ctx,
		       const struct snp_ap_cpu *cpu, uint64_t sev_features)
{
	memset(v, 0, sizeof(*v));
	v->cs = seg(ctx->cs, SEG_CODE64, SEG_FLAT, 0);
	v->ds = seg(ctx->ds, SEG_DATA, SEG_FLAT, 0);
	v->es = v->ds;
	v->ss = v->ds;
	v->fs = seg(0, 0, 0, 0);
	v->gs = seg(0, 0, 0, cpu->gs_base);
	v->gdtr = seg(0, 0, ctx->gdt_limit, ctx->gdt_base);
	v->idtr = seg(0, 0, ctx->idt_limit, ctx->idt_base);
	v->ldtr = seg(0, SEG_LDT, SEG_RESET, 0);
	v->tr = seg(0, SEG_TSS_BUSY, SEG_RESET, 0);
	/* SNP requires SVME in every VMSA; LME/LMA: it runs in long mode. */
	v->efer = ctx->efer | SNP_EFER_SVME | EFER_LME | EFER_LMA;
	v->cr0 = ctx->cr0;
	v->cr3 = ctx->cr3;
	v->cr4 = ctx->cr4;
	v->xcr0 = ctx->xcr0;
	v->g_pat = ctx->pat;
	v->dr6 = RESET_DR6;
	v->dr7 = RESET_DR7;
	v->rflags = RESET_RFLAGS;
	v->rip = ctx->entry;
	v->rsp = cpu->stack_top;
	v->rdi = cpu->index;
	v->sev_features = sev_features;
	v->mxcsr = RESET_MXCSR;
	v->x87_fcw = RESET_FCW;
	((uint8_t *)v)[SNP_VMSA_OFF_VMPL] = SNP_SVSM_VMPL;
	((uint8_t *)v)[VMSA_OFF_CPL] = 0;
}

const struct snp_ap *snp_ap_get(uint32_t index)
{
	return index < CFG_MAX_CPUS ? &aps[index] : NULL;
}

enum snp_ap_state snp_ap_state(uint32_t index)
{
	if (index >= CFG_MAX_CPUS)
		return SNP_AP_NONE;
	return __atomic_load_n(&aps[index].state, __ATOMIC_ACQUIRE);
}

/*
 * A zeroed page for a VMSA, never 2 MiB aligned: KVM refuses such a VMSA
 * (Linux arch/x86/kvm/svm/sev.c, sev_snp_ap_creation), for the erratum of
 * a 2 MiB page colliding with a VMSA's RMP entry; Linux's guest takes the
 * second page of an 8 KiB allocation for the same reason.
 */
static enum svsm_err vmsa_page(paddr_t *out)
{
	paddr_t pa;
	paddr_t spare;
	enum svsm_err err = pgalloc_alloc(0, PGALLOC_ZERO, &pa);

	if (err != SVSM_OK || !pa_is_aligned(pa, SNP_PAGE_SIZE_2M)) {
		*out = pa;
		return err;
	}
	spare = pa;
	err = pgalloc_alloc(0, PGALLOC_ZERO, &pa);
	pgalloc_free(spare, 0);
	*out = pa;
	return err;
}

/*
 * Gives a VMSA page back: the VMSA bit cleared first, since a page still
 * marked VMSA must never return to the heap (the host could run whatever
 * the next owner writes there). When the bit cannot be cleared (the host
 * runs the VMSA after all), the page is leaked.
 */
static void vmsa_give_back(paddr_t pa, bool is_vmsa)
{
	if (is_vmsa) {
		int rc = snp_rmpadjust(pa, false, VMSA_TARGET_VMPL, 0, false);

		if (rc != (int)SNP_SUCCESS) {
			log_error("VMSA 0x%llx: clearing the VMSA bit failed "
				  "(%d); the page is leaked, never reused",
				  (unsigned long long)pa_val(pa), rc);
			return;
		}
	}
	pgalloc_free(pa, 0);
}

/* Fills the VMSA page through this CPU's VMSA slot and makes it a VMSA. */
static enum svsm_err vmsa_make(paddr_t pa, const struct arch_snp_ap_ctx *ctx,
			       const struct snp_ap_cpu *cpu, uint64_t features)
{
	int rc;

	snp_ap_vmsa_build(vm_temp_map(pa, SNP_SLOT_VMSA, PROT_WRITE), ctx, cpu,
			  features);
	vm_temp_unmap(SNP_SLOT_VMSA);
	rc = snp_rmpadjust(pa, false, VMSA_TARGET_VMPL, 0, true);
	if (rc != (int)SNP_SUCCESS) {
		log_warn("cpu %u: RMPADJUST of its VMSA failed (%d)",
			 cpu->index, rc);
		return SVSM_E_HW;
	}
	return SVSM_OK;
}

enum svsm_err snp_ap_start(const struct arch_snp_ap_ctx *ctx,
			   const struct snp_ap_cpu *cpu)
{
	/*
	 * TRUST: the host answers the page-state change and the AP creation
	 * (both checked in ghcb.c) and may refuse either; a refusal costs
	 * this AP only, logged within a budget because the host can cause
	 * one per AP. ctx and cpu are the SVSM's own.
	 */
	static struct log_budget refusals = LOG_BUDGET(8);
	uint64_t features = snp_svsm_sev_features();
	struct snp_ap *ap;
	struct shared_buf ghcb;
	paddr_t vmsa;
	enum svsm_err err;

	if (cpu->index == 0 || cpu->index >= CFG_MAX_CPUS || !features)
		return SVSM_E_INVAL;
	ap = &aps[cpu->index];
	if (snp_ap_state(cpu->index) != SNP_AP_NONE)
		return SVSM_E_INVAL;
	err = vmsa_page(&vmsa);
	if (err != SVSM_OK)
		return err;
	err = vmsa_make(vmsa, ctx, cpu, features);
	if (err != SVSM_OK) {
		/* The RMPADJUST failed: the bit may or may not be set. */
		vmsa_give_back(vmsa, true);
		return err;
	}
	err = shared_alloc(GHCB_PAGE_SIZE, &ghcb);
	if (err != SVSM_OK) {
		log_limited(&refusals,
			    "cpu %u: no shared page for its GHCB (%d); not "
			    "started",
			    cpu->index, err);
		vmsa_give_back(vmsa, true);
		return err;
	}
	ap->vmsa = vmsa;
	ap->ghcb = ghcb;
	ap->apic_id = cpu->apic_id;
	__atomic_store_n(&ap->state, SNP_AP_ANNOUNCED, __ATOMIC_RELEASE);
	err = ghcb_ap_create(GHCB_AP_CREATE, cpu->apic_id, vmsa, SNP_SVSM_VMPL,
			     features);
	if (err == SVSM_OK)
		return SVSM_OK;
	/*
	 * Refused: the AP must not find its record if the host runs the
	 * VMSA anyway; clearing the VMSA bit then fails and the pages stay.
	 */
	__atomic_store_n(&ap->state, SNP_AP_NONE, __ATOMIC_RELEASE);
	log_limited(&refusals,
		    "cpu %u (APIC ID %u): the host refused AP creation; not "
		    "started",
		    cpu->index, cpu->apic_id);
	if (snp_rmpadjust(vmsa, false, VMSA_TARGET_VMPL, 0, false) !=
	    (int)SNP_SUCCESS) {
		log_error("cpu %u: its VMSA 0x%llx stays a VMSA; it and its "
			  "GHCB are leaked, never reused",
			  cpu->index, (unsigned long long)pa_val(vmsa));
	} else {
		pgalloc_free(vmsa, 0);
		shared_free(&ghcb);
	}
	memset(ap, 0, sizeof(*ap));
	return SVSM_E_HW;
}

enum svsm_err snp_ap_ghcb_init(uint32_t index)
{
	/* TRUST: the host answers the registration; ghcb.c checks it. */
	struct snp_ap *ap;
	enum svsm_err err;

	if (index == 0 || index >= CFG_MAX_CPUS ||
	    snp_ap_state(index) != SNP_AP_ANNOUNCED)
		return SVSM_E_INVAL;
	ap = &aps[index];
	err = ghcb_register(ap->ghcb.pa);
	__atomic_store_n(&ap->state,
			 err == SVSM_OK ? SNP_AP_GHCB_OK : SNP_AP_GHCB_REFUSED,
			 __ATOMIC_RELEASE);
	return err == SVSM_OK ? SVSM_OK : SVSM_E_HW;
}

uint32_t snp_aps_report(uint32_t count)
{
	uint32_t failed = 0;

	for (uint32_t i = 1; i < count && i < CFG_MAX_CPUS; i++) {
		enum snp_ap_state st = snp_ap_state(i);

		if (st == SNP_AP_ANNOUNCED)
			log_warn(
				"cpu %u: the host accepted its VMSA but it did "
				"not run; its pages stay reserved",
				i);
		else if (st == SNP_AP_GHCB_REFUSED)
			log_warn("cpu %u: the host refused its GHCB; it halted",
				 i);
		failed += st == SNP_AP_ANNOUNCED || st == SNP_AP_GHCB_REFUSED;
	}
	return failed;
}

#if __STDC_HOSTED__
void snp_aps_reset(void)
{
	memset(aps, 0, sizeof(aps));
}
#endif
