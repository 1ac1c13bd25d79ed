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
 * A 2 MiB operation goes through this CPU's 2 MiB window
 * (vm_temp_map_2m): the instruction takes a 2 MiB-aligned address of a
 * mapping of the whole page, which a 4 KiB slot cannot give; the fake
 * arch refuses a 2 MiB operation through a 4 KiB slot as hardware would.
 */
#include "svsm/arch/snp.h"

#include "svsm/mm/pgtable.h"

#include "abi/snp.h"

#include "lib/string.h"
#include "snp/snp.h"

static uintptr_t map(paddr_t pa, bool huge)
{
	void *va;

	CHECK(pa_is_aligned(pa, huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K));
	va = huge ? vm_temp_map_2m(pa, 0) : vm_temp_map(pa, SNP_SLOT_PAGE, 0);
	return va_val(va_from_ptr(va));
}

static void unmap(bool huge)
{
	if (huge)
		vm_temp_unmap_2m();
	else
		vm_temp_unmap(SNP_SLOT_PAGE);
}

int snp_pvalidate(paddr_t pa, bool huge, bool validate, bool *cf)
{
	int rc = arch_pvalidate(map(pa, huge), huge, validate, cf);

	unmap(huge);
	return rc;
}

int snp_rmpadjust(paddr_t pa, bool huge, unsigned int target_vmpl,
		  unsigned int perms, bool vmsa)
{
	int rc = arch_rmpadjust(map(pa, huge), huge,
				snp_rmpadjust_attrs(target_vmpl, perms, vmsa));

	unmap(huge);
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

	unmap(false);
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
	unmap(false);
}
