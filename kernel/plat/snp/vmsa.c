/* SPDX-License-Identifier: MIT */
/*
 * Access to lower-VMPL VMSA pages the SVSM owns: the caller's registers
 * for the request path, the fields CREATE_VCPU checks, and EFER.SVME.
 *
 * A VMSA page here is SVSM memory, not guest memory: it is reserved
 * (gpa_reserve), the guest has no permission on it, and while its vCPU is
 * in a call (EFER.SVME = 0) the host cannot run it, so nobody else writes
 * it. It is reached through this CPU's SNP_SLOT_VMSA mapping of a trusted
 * paddr_t. The one other writer is the hardware of a running vCPU, which
 * is why SVME is changed with atomic read-modify-write operations
 * (AMD 58019: the SVSM's entry steps, and DELETE_VCPU).
 */
#include "svsm/mm/pgtable.h"
#include "svsm/protocols.h"

#include "abi/snp.h"
#include "abi/snp_vmsa.h"

#include "lib/string.h"
#include "snp/snp.h"

static_assert(offsetof(struct snp_vmsa, efer) % 8 == 0,
	      "EFER is naturally aligned for atomic access");

static uint8_t *map(paddr_t vmsa)
{
	CHECK(pa_is_aligned(vmsa, PAGE_SIZE));
	return vm_temp_map(vmsa, SNP_SLOT_VMSA, PROT_WRITE);
}

static void unmap(void)
{
	vm_temp_unmap(SNP_SLOT_VMSA);
}

static uint64_t get_u64(const uint8_t *page, size_t off)
{
	uint64_t v;

	memcpy(&v, page + off, sizeof(v));
	return v;
}

static void put_u64(uint8_t *page, size_t off, uint64_t v)
{
	memcpy(page + off, &v, sizeof(v));
}

static uint64_t *efer_ptr(uint8_t *page)
{
	/* Page aligned + 0xd0: 8-byte aligned (static_assert above). */
	return (uint64_t *)(void *)(page + offsetof(struct snp_vmsa, efer));
}

void snp_vmsa_read_facts(paddr_t vmsa, struct snp_vmsa_facts *out)
{
	uint8_t *p = map(vmsa);

	out->efer = get_u64(p, offsetof(struct snp_vmsa, efer));
	out->sev_features = get_u64(p, offsetof(struct snp_vmsa, sev_features));
	out->exit_code = get_u64(p, SNP_VMSA_OFF_EXITCODE);
	out->vmpl = p[SNP_VMSA_OFF_VMPL];
	unmap();
}

void snp_vmsa_page_read_call(const uint8_t *p, struct svsm_call_regs *r,
			     uint64_t *exit_code)
{
	r->rax = get_u64(p, offsetof(struct snp_vmsa, rax));
	r->rcx = get_u64(p, offsetof(struct snp_vmsa, rcx));
	r->rdx = get_u64(p, offsetof(struct snp_vmsa, rdx));
	r->r8 = get_u64(p, offsetof(struct snp_vmsa, r8));
	r->r9 = get_u64(p, offsetof(struct snp_vmsa, r9));
	*exit_code = get_u64(p, SNP_VMSA_OFF_EXITCODE);
}

void snp_vmsa_read_call(paddr_t vmsa, struct svsm_call_regs *r,
			uint64_t *exit_code)
{
	snp_vmsa_page_read_call(map(vmsa), r, exit_code);
	unmap();
}

void snp_vmsa_page_write_call(uint8_t *p, const struct svsm_call_regs *in,
			      const struct svsm_call_regs *out)
{
	/* RAX always carries the result; the others only when defined. */
	put_u64(p, offsetof(struct snp_vmsa, rax), out->rax);
	if (out->rcx != in->rcx)
		put_u64(p, offsetof(struct snp_vmsa, rcx), out->rcx);
	if (out->rdx != in->rdx)
		put_u64(p, offsetof(struct snp_vmsa, rdx), out->rdx);
	if (out->r8 != in->r8)
		put_u64(p, offsetof(struct snp_vmsa, r8), out->r8);
	if (out->r9 != in->r9)
		put_u64(p, offsetof(struct snp_vmsa, r9), out->r9);
}

void snp_vmsa_write_call(paddr_t vmsa, const struct svsm_call_regs *in,
			 const struct svsm_call_regs *out)
{
	snp_vmsa_page_write_call(map(vmsa), in, out);
	unmap();
}

uint64_t snp_vmsa_page_clear_svme(uint8_t *p)
{
	return __atomic_fetch_and(efer_ptr(p), ~SNP_EFER_SVME,
				  __ATOMIC_SEQ_CST);
}

uint64_t snp_vmsa_clear_svme(paddr_t vmsa)
{
	uint64_t old = snp_vmsa_page_clear_svme(map(vmsa));

	unmap();
	return old;
}

void snp_vmsa_page_set_svme(uint8_t *p)
{
	__atomic_fetch_or(efer_ptr(p), SNP_EFER_SVME, __ATOMIC_SEQ_CST);
}

void snp_vmsa_set_svme(paddr_t vmsa)
{
	snp_vmsa_page_set_svme(map(vmsa));
	unmap();
}

uint8_t *snp_vmsa_map_turn(paddr_t vmsa)
{
	CHECK(pa_is_aligned(vmsa, PAGE_SIZE));
	return vm_temp_map(vmsa, VM_SLOT_TURN_VMSA, PROT_WRITE);
}

void snp_vmsa_unmap_turn(void)
{
	vm_temp_unmap(VM_SLOT_TURN_VMSA);
}

enum svsm_err snp_vmsa_disable(paddr_t vmsa, bool *was_enabled)
{
	uint8_t *p = map(vmsa);
	uint64_t old = __atomic_fetch_and(efer_ptr(p), ~SNP_EFER_SVME,
					  __ATOMIC_SEQ_CST);
	uint64_t exit_code;
	enum svsm_err err = SVSM_OK;

	/*
	 * With SVME clear the host can no longer start the VMSA; if the
	 * hardware marked it busy before that, it is running now and the
	 * delete must fail without a trace (58019 DELETE_VCPU: 0x80001003).
	 */
	__atomic_load((uint64_t *)(void *)(p + SNP_VMSA_OFF_EXITCODE),
		      &exit_code, __ATOMIC_SEQ_CST);
	*was_enabled = old & SNP_EFER_SVME;
	if (exit_code == SNP_EXITCODE_VMSA_BUSY) {
		if (old & SNP_EFER_SVME)
			__atomic_fetch_or(efer_ptr(p), SNP_EFER_SVME,
					  __ATOMIC_SEQ_CST);
		err = SVSM_E_BUSY;
	}
	unmap();
	return err;
}
