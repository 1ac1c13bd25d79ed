/* SPDX-License-Identifier: MIT */
/*
 * RMP operations on a page the SVSM has decided to act on: map it in this
 * CPU's SNP_SLOT_PAGE, run PVALIDATE or RMPADJUST through the arch
 * interface, unmap. The page address is trusted (from gpa_validate() or
 * the SVSM's own bookkeeping); the result is the instruction's EAX, which
 * only the protocol dispatcher turns into an SVSM result code.
 *
 * Ordering rules (APM vol. 3 RMPADJUST; docs/threat-model.md) that live here:
 * every reduction of a lower VMPL's permissions is followed by a global TLB
 * flush before the caller goes on (snp_revoke_lower).
 *
 * On hardware a 2 MiB operation needs a 2 MiB-aligned virtual address that
 * maps the whole 2 MiB page; vm.c's temporary slots map 4 KiB. The fake
 * arch translates any address, so the model covers 2 MiB today; the SNP
 * kernel build needs a 2 MiB temporary window (see docs/protocols.md).
 */
#include "svsm/arch/snp.h"

#include "svsm/mm/pgtable.h"

#include "abi/snp.h"

#include "lib/string.h"
#include "snp/snp.h"

static uintptr_t map(paddr_t pa, bool huge)
{
	CHECK(pa_is_aligned(pa, huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K));
	return va_val(va_from_ptr(vm_temp_map(pa, SNP_SLOT_PAGE, 0)));
}

static void unmap(void)
{
	vm_temp_unmap(SNP_SLOT_PAGE);
}

int snp_pvalidate(paddr_t pa, bool huge, bool validate, bool *cf)
{
	int rc = arch_pvalidate(map(pa, huge), huge, validate, cf);

	unmap();
	return rc;
}

int snp_rmpadjust(paddr_t pa, bool huge, unsigned int target_vmpl,
		  unsigned int perms, bool vmsa)
{
	int rc = arch_rmpadjust(map(pa, huge), huge,
				snp_rmpadjust_attrs(target_vmpl, perms, vmsa));

	unmap();
	return rc;
}

int snp_revoke_lower(paddr_t pa, bool huge)
{
	int rc = SNP_SUCCESS;
	bool changed = false;

	for (unsigned int vmpl = SNP_SVSM_VMPL + 1;
	     vmpl < SNP_VMPL_COUNT && rc == SNP_SUCCESS; vmpl++) {
		rc = snp_rmpadjust(pa, huge, vmpl, 0, false);
		changed |= rc == SNP_SUCCESS;
	}
	/* Even a partial revocation must not leave stale translations. */
	if (changed)
		arch_snp_flush_tlb_global();
	return rc;
}

int snp_grant_guest(paddr_t pa, bool huge, unsigned int vmpl)
{
	CHECK(vmpl > SNP_SVSM_VMPL && vmpl < SNP_VMPL_COUNT);
	for (unsigned int v = SNP_SVSM_VMPL + 1; v <= vmpl; v++) {
		int rc = snp_rmpadjust(pa, huge, v, SNP_PERM_ALL, false);

		if (rc != SNP_SUCCESS)
			return rc;
	}
	return SNP_SUCCESS;
}

int snp_rights_get(paddr_t pa, struct snp_rights *out)
{
	int rc = arch_rmpquery(map(pa, false), out->perms);

	unmap();
	if (rc != SNP_SUCCESS)
		memset(out, 0, sizeof(*out));
	return rc;
}

bool snp_rights_allow(const struct snp_rights *r, unsigned int vmpl)
{
	unsigned int need = SNP_PERM_READ | SNP_PERM_WRITE;

	return vmpl < SNP_VMPL_COUNT && (r->perms[vmpl] & need) == need;
}

int snp_rights_restore(paddr_t pa, bool huge, const struct snp_rights *r)
{
	struct snp_rights now;
	bool shrank = false;
	int rc = SNP_SUCCESS;

	/* What the masks are now, to know whether any shrinks. */
	if (snp_rights_get(pa, &now) != SNP_SUCCESS)
		memset(&now, 0, sizeof(now));
	for (unsigned int v = SNP_SVSM_VMPL + 1;
	     v < SNP_VMPL_COUNT && rc == SNP_SUCCESS; v++) {
		shrank |= (now.perms[v] & ~r->perms[v]) != 0;
		rc = snp_rmpadjust(pa, huge, v, r->perms[v], false);
	}
	if (shrank)
		arch_snp_flush_tlb_global();
	return rc;
}

void snp_page_zero(paddr_t pa)
{
	CHECK(pa_is_aligned(pa, PAGE_SIZE));
	memset(vm_temp_map(pa, SNP_SLOT_PAGE, PROT_WRITE), 0, PAGE_SIZE);
	unmap();
}
