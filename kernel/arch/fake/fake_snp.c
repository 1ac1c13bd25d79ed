/* SPDX-License-Identifier: MIT */
/*
 * The adapter between the fake arch and the SEV-SNP machine model (sim/),
 * and the only file of the fake arch that includes the model's headers:
 * the SEV-SNP instructions (include/svsm/arch/snp.h) executed against the
 * RMP model of sim/rmp.h, the model hypervisor put behind the fake
 * VMGEXIT, and fake memory lent to the model (sim/mem.h). With it the
 * SVSM's SNP platform and protocol code runs unchanged in hosted tests and
 * fuzzers.
 *
 * A virtual address from the SVSM is one of fake memory (the fake
 * vm_temp_map returns pointers into it); arch_virt_to_phys() turns it back
 * into the fake physical address, which is the model's GPA. The model
 * checks everything else (alignment, range, sizes, permissions) exactly as
 * hardware does, with the results of include/abi/snp.h.
 */
#include "svsm/arch/snp.h"

#include "svsm/addr.h"

#include "abi/snp.h"

#include "fake/fake.h"
#include "hv.h"
#include "mem.h"
#include "rmp.h"

struct sim_rmp fake_snp_rmp;
unsigned int fake_snp_vmpl;
unsigned int fake_snp_pvalidates;
unsigned int fake_snp_rmpadjusts;
unsigned int fake_snp_tlb_flushes;
enum fake_snp_op fake_snp_last_op;
void (*fake_snp_after_op)(enum fake_snp_op op, uint64_t gpa);

void fake_snp_reset_counters(void)
{
	fake_snp_pvalidates = 0;
	fake_snp_rmpadjusts = 0;
	fake_snp_tlb_flushes = 0;
	fake_snp_last_op = FAKE_SNP_OP_NONE;
	fake_snp_after_op = NULL;
}

static void after(enum fake_snp_op op, uint64_t gpa)
{
	fake_snp_last_op = op;
	if (fake_snp_after_op)
		fake_snp_after_op(op, gpa);
}

/*
 * A 2 MiB PVALIDATE or RMPADJUST takes the linear address of the 2 MiB
 * page, 2 MiB aligned, mapped as a whole (AMD64 APM vol. 3, PVALIDATE:
 * the page size operand and the address). The kernel's 4 KiB temporary
 * slots lie at addresses that are never 2 MiB aligned (include/svsm/mm/
 * vm.h), so an operation through one fails. model: FAIL_INPUT, the
 * result for a misaligned address; only vm_temp_map_2m() and, during
 * boot, entry.S's 2 MiB mappings of the region (fake_boot_map_2m_lo/hi)
 * give a usable address here.
 */
static bool huge_address_ok(uint64_t gpa)
{
	if (fake_window_2m_pa && fake_window_2m_pa == gpa)
		return true;
	return gpa % (2ull << 20) == 0 && gpa >= fake_boot_map_2m_lo &&
	       gpa < fake_boot_map_2m_hi;
}

int arch_pvalidate(uintptr_t va, bool huge, bool validate, bool *cf)
{
	uint64_t gpa = arch_virt_to_phys(ptr_from_va(va));
	uint32_t rc;

	fake_snp_pvalidates++;
	if (huge && !huge_address_ok(gpa)) {
		if (cf)
			*cf = false;
		after(FAKE_SNP_OP_PVALIDATE, gpa);
		return SNP_FAIL_INPUT;
	}
	rc = sim_pvalidate(&fake_snp_rmp, fake_snp_vmpl, gpa,
			   huge ? SNP_RMP_PSIZE_2M : SNP_RMP_PSIZE_4K, validate,
			   cf);
	after(FAKE_SNP_OP_PVALIDATE, gpa);
	return (int)rc;
}

int arch_rmpquery(uintptr_t va, uint8_t perms[4])
{
	uint64_t gpa = arch_virt_to_phys(ptr_from_va(va));
	uint32_t rc = sim_rmpquery(&fake_snp_rmp, fake_snp_vmpl, gpa, perms);

	after(FAKE_SNP_OP_RMPQUERY, gpa);
	return (int)rc;
}

int arch_rmpadjust(uintptr_t va, bool huge, uint64_t attrs)
{
	uint64_t gpa = arch_virt_to_phys(ptr_from_va(va));
	uint32_t rc;

	fake_snp_rmpadjusts++;
	/* Reserved RDX bits: the hardware refuses the operand. */
	if ((attrs & SNP_RMPADJUST_RESERVED) ||
	    (huge && !huge_address_ok(gpa))) {
		rc = SNP_FAIL_INPUT;
	} else {
		rc = sim_rmpadjust(&fake_snp_rmp, fake_snp_vmpl, gpa,
				   huge ? SNP_RMP_PSIZE_2M : SNP_RMP_PSIZE_4K,
				   snp_rmpadjust_target_vmpl(attrs),
				   snp_rmpadjust_perms(attrs),
				   snp_rmpadjust_vmsa(attrs));
	}
	after(FAKE_SNP_OP_RMPADJUST, gpa);
	return (int)rc;
}

void arch_snp_flush_tlb_global(void)
{
	fake_snp_tlb_flushes++;
	after(FAKE_SNP_OP_FLUSH, 0);
}

void *sim_mem(uint64_t gpa, uint64_t len)
{
	return arch_phys_to_virt(gpa, len);
}

uint64_t sim_now_us(void)
{
	return fake_time_us;
}

static bool rmp_access_ok(uint64_t gpa, size_t len)
{
	uint64_t first = gpa & ~(SNP_PAGE_SIZE_4K - 1);

	if (len == 0)
		return true;
	for (uint64_t p = first; p < gpa + len; p += SNP_PAGE_SIZE_4K) {
		/* VMPL0 holds every permission on a validated private page. */
		if (!sim_rmp_access_ok(&fake_snp_rmp, 0, p, SNP_PERM_READ))
			return false;
	}
	return true;
}

void fake_snp_rmp_guards_access(bool on)
{
	fake_guest_access_ok = on ? rmp_access_ok : NULL;
}

void fake_snp_hv_start(void)
{
	/* A fresh machine: no RMP guard left over from an earlier test. */
	fake_snp_rmp_guards_access(false);
	sim_hv_reset();
	fake_ghcb_msr = 0;
	fake_ghcb_cpu = 0;
	fake_vmgexit_hook = sim_hv_vmgexit;
}

void fake_snp_hv_stop(void)
{
	if (fake_vmgexit_hook == sim_hv_vmgexit)
		fake_vmgexit_hook = NULL;
}
