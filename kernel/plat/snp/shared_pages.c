/* SPDX-License-Identifier: MIT */
/*
 * Converting the SVSM's own pages between private and shared
 * (snp/shared_pages.h), for the bounce pages and rings of
 * kernel/drivers/shared.c. The order is Linux's for set_memory_decrypted/
 * set_memory_encrypted on SEV-SNP (arch/x86/mm/pat/set_memory.c,
 * __set_memory_enc_pgtable; arch/x86/coco/sev/core.c,
 * snp_set_memory_shared/snp_set_memory_private):
 *
 *   share:   PVALIDATE rescind (validate=0), page-state change to shared,
 *            then the linear map's PTEs without the C-bit, TLB flush;
 *   unshare: the linear map's PTEs with the C-bit, TLB flush, page-state
 *            change to private, PVALIDATE (validate=1).
 *
 * So the SVSM never writes a page through a C-bit mapping while the page
 * is shared (which would be an RMP violation) nor reads one through a
 * shared mapping after it is validated again. PVALIDATE goes through the
 * CPU's own temporary slot (rmp_ops.c), not through the linear map. The
 * contents are not kept either way: the caller zeroes (shared.c after a
 * share, pgalloc_free() after an unshare).
 *
 * Failures: the host may refuse a page-state change, or do part of it
 * (ghcb.c checks each answer). A failed share is rolled back to private
 * and validated; when that roll-back fails, or an unshare fails, the
 * pages cannot be trusted as private memory any more and are reported
 * lost: the caller leaks them with a log line, never frees them. Linux
 * leaks the same way pages it cannot convert back (kernel/dma/direct.c,
 * dma_set_encrypted: "leaking DMA memory that can't be re-encrypted"),
 * where its own PSC path ends the VM instead (arch/x86/coco/sev/core.c,
 * __set_pages_state: sev_es_terminate with GHCB_TERM_PSC); csvsm fails
 * the one allocation and goes on serving.
 */
#define LOG_PREFIX "snp: "

#include "snp/shared_pages.h"

#include "svsm/arch/ghcb.h"

#include "svsm/log.h"
#include "svsm/mm/vm.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "snp/ghcb.h"
#include "snp/snp.h"

/* Page-state change entries sent per GHCB call from this stack array. */
#define PSC_CHUNK 64u

static bool huge_at(uint64_t a, uint64_t end)
{
	return IS_ALIGNED(a, SNP_PAGE_SIZE_2M) && end - a >= SNP_PAGE_SIZE_2M;
}

/*
 * PVALIDATE of [pa, end) with `validate`, 2 MiB where the range and the
 * RMP allow (a 4 KiB RMP entry answers FAIL_SIZEMISMATCH: then 4 KiB at a
 * time, as validate.c). Stops at the first failure; *done is where it
 * stopped. An instruction that succeeds without changing the page (CF
 * set, PVALIDATE_FAIL_NOUPDATE) is a failure: the page was not in the
 * state the SVSM left it in.
 */
static bool pvalidate_range(uint64_t pa, uint64_t end, bool validate,
			    uint64_t *done)
{
	uint64_t a = pa;

	while (a < end) {
		bool huge = huge_at(a, end);
		bool cf = false;
		int rc = snp_pvalidate(pa_init(a), huge, validate, &cf);

		if (huge && rc == (int)SNP_FAIL_SIZEMISMATCH) {
			huge = false;
			rc = snp_pvalidate(pa_init(a), false, validate, &cf);
		}
		if (rc != (int)SNP_SUCCESS || cf) {
			log_warn("PVALIDATE(%u) of 0x%llx: rc %d cf %d",
				 validate, (unsigned long long)a, rc, cf);
			*done = a;
			return false;
		}
		a += huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K;
	}
	*done = end;
	return true;
}

/* Page-state change of [pa, end) to `op`, 2 MiB entries where aligned. */
static enum svsm_err psc_range(uint64_t pa, uint64_t end, unsigned int op)
{
	uint64_t entries[PSC_CHUNK];
	uint64_t a = pa;

	while (a < end) {
		size_t n = 0;
		enum svsm_err err;

		while (a < end && n < PSC_CHUNK) {
			bool huge = huge_at(a, end);

			entries[n++] = ghcb_psc_entry(a >> SNP_PAGE_SHIFT_4K,
						      op, huge);
			a += huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K;
		}
		err = ghcb_page_state_change(entries, n);
		if (err != SVSM_OK)
			return err;
	}
	return SVSM_OK;
}

/*
 * Back to private and validated after a failed share whose PTEs are
 * private again: every page of [pa, end) to private (pages the host
 * already made private again are private still), then validated. Pages
 * in [pa, rescinded) were rescinded; those beyond are still validated.
 */
static bool back_to_private(uint64_t pa, uint64_t rescinded)
{
	uint64_t done;

	if (rescinded == pa)
		return true;
	if (psc_range(pa, rescinded, GHCB_PSC_OP_PRIVATE) != SVSM_OK)
		return false;
	return pvalidate_range(pa, rescinded, true, &done);
}

static void log_lost(uint64_t pa, uint64_t end, const char *what)
{
	log_error("%s of 0x%llx..0x%llx failed: the pages are leaked, never "
		  "reused",
		  what, (unsigned long long)pa, (unsigned long long)end);
}

/*
 * TLBs: vm_linear_set_shared() flushes the TLB of the CPU that changes the
 * mapping, and csvsm has no TLB shootdown. That is sound while only the
 * boot CPU converts pages, at boot, while the SVSM's APs wait in HLT: an
 * AP flushes all TLBs each time it leaves that wait to serve a guest
 * vCPU (snp_ap_main, plat.c), so a stale entry on it is never used.
 * Checked here; an AP that ever shares pages, or a conversion while APs
 * serve, needs a shootdown first (INVLPGB, as arch_snp_flush_tlb_global(),
 * or IPIs, which on SEV-SNP go through the x2APIC ICR MSR and thus the
 * GHCB).
 */
static void only_the_boot_cpu(void)
{
	CHECK(arch_ghcb_cpu_index() == 0);
}

enum svsm_err snp_share_pages(paddr_t pa, uint64_t pages, bool *lost)
{
	/*
	 * TRUST: the range is the SVSM's own, from the page allocator. The
	 * host answers the page-state change (checked in ghcb.c) and owns
	 * the RMP: PVALIDATE reports what it finds there.
	 */
	uint64_t start = pa_val(pa);
	uint64_t end = start + pages * SNP_PAGE_SIZE_4K;
	uint64_t rescinded;
	enum svsm_err err;

	*lost = false;
	only_the_boot_cpu();
	CHECK(pages && pa_is_aligned(pa, SNP_PAGE_SIZE_4K) &&
	      pages <= (UINT64_MAX - start) / SNP_PAGE_SIZE_4K);
	if (!pvalidate_range(start, end, false, &rescinded)) {
		err = SVSM_E_HW;
		goto undo;
	}
	err = psc_range(start, end, GHCB_PSC_OP_SHARED);
	if (err != SVSM_OK)
		goto undo;
	err = vm_linear_set_shared(pa, end - start, true);
	if (err == SVSM_OK)
		return SVSM_OK;
	if (vm_linear_set_shared(pa, end - start, false) != SVSM_OK) {
		*lost = true;
		log_lost(start, end, "mapping back after share");
		return err;
	}
undo:
	if (!back_to_private(start, rescinded)) {
		*lost = true;
		log_lost(start, end, "roll-back of share");
	}
	return err;
}

enum svsm_err snp_unshare_pages(paddr_t pa, uint64_t pages)
{
	/* TRUST: as snp_share_pages(). */
	uint64_t start = pa_val(pa);
	uint64_t end = start + pages * SNP_PAGE_SIZE_4K;
	uint64_t done;
	enum svsm_err err;

	only_the_boot_cpu();
	CHECK(pages && pa_is_aligned(pa, SNP_PAGE_SIZE_4K) &&
	      pages <= (UINT64_MAX - start) / SNP_PAGE_SIZE_4K);
	err = vm_linear_set_shared(pa, end - start, false);
	if (err == SVSM_OK)
		err = psc_range(start, end, GHCB_PSC_OP_PRIVATE);
	if (err == SVSM_OK && !pvalidate_range(start, end, true, &done))
		err = SVSM_E_HW;
	if (err != SVSM_OK)
		log_lost(start, end, "unshare");
	return err;
}
