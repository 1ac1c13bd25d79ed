/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_DEPOSIT_MEM and SVSM_CORE_WITHDRAW_MEM (AMD 58019 rev 1.00):
 * the guest lends the SVSM private pages, and takes back what the SVSM
 * does not use.
 *
 * Deposited pages go to a pool of at most DEPOSIT_POOL_PAGES 4 KiB pages,
 * not to the heap: the page allocator manages one contiguous range and
 * cannot grow by scattered pages, and nothing in the SVSM needs more
 * memory yet (no call answers with a memory request). Each pooled page is
 * gpa_reserve()d, so gpa_validate() and every handler treat it as SVSM
 * memory, and no lower VMPL has any access to it.
 *
 * DEPOSIT_MEM: the list is read once (core_read_list, same rules as
 * PVALIDATE); per entry: reserved bits [11:2] zero and size 4 KiB or
 * 2 MiB (else INVALID_PARAMETER); a 2 MiB entry is refused with
 * INVALID_REQUEST, because WITHDRAW_MEM can only return 4 KiB pages (at
 * most 511 per list) while the permissions of a validated 2 MiB page can
 * only be changed as a whole; the page guest RAM that is neither SVSM
 * memory nor a calling area (INVALID_ADDRESS); room in the pool (else
 * INVALID_REQUEST); then reserve it and take every lower VMPL's access
 * away (RMPADJUST fails for a page that is not validated: INVALID_ADDRESS,
 * undone). `next` is written back; partial success is possible.
 *
 * WITHDRAW_MEM: the output list must be 8-byte aligned and not at page
 * offset 0xff8 (INVALID_PARAMETER); the SVSM writes count and the GPAs in
 * one copy first (so a faulting list changes nothing), then zeroes each
 * page, grants the caller's VMPL and the more privileged ones full access,
 * and unreserves it. Never INCOMPLETE: MEM_AVAILABLE in the boot vCPU's CA
 * tells whether more remains.
 */
#include "svsm/guestmem.h"
#include "svsm/log.h"
#include "svsm/mm/gpa.h"

#include "abi/snp.h"
#include "abi/svsm.h"

#include "internal.h"
#include "lib/string.h"
#include "snp/snp.h"

#define DEPOSIT_POOL_PAGES 64u

static paddr_t pool[DEPOSIT_POOL_PAGES];
static uint32_t pool_count;

void protocols_reset(void)
{
	pool_count = 0;
}

uint32_t protocols_deposit_count(void)
{
	return pool_count;
}

static enum svsm_err deposit_one(struct protocol_call *c, gpa_t list,
				 uint64_t raw)
{
	uint64_t size = raw & SVSM_DEPOSIT_ENTRY_SIZE_MASK;
	gpa_t gpa = gpa_init(raw & SVSM_DEPOSIT_ENTRY_GPA_MASK);
	struct snp_rights saved;
	paddr_t pa;
	enum svsm_err err;

	if (raw & SVSM_DEPOSIT_ENTRY_RESERVED)
		return SVSM_E_INVAL;
	if (size == SVSM_DEPOSIT_ENTRY_SIZE_2M) {
		c->detail = PROTOCOL_DETAIL_STATE;
		return SVSM_E_UNSUPPORTED;
	}
	if (size != SVSM_DEPOSIT_ENTRY_SIZE_4K)
		return SVSM_E_INVAL;
	err = core_check_guest_range(gpa, PAGE_SIZE, &pa);
	if (err != SVSM_OK)
		return err;
	if (core_names_list_page(gpa, PAGE_SIZE, list))
		return SVSM_E_FAULT;
	if (pool_count == DEPOSIT_POOL_PAGES)
		return SVSM_E_NOMEM;
	/* Only a page the caller can use is the caller's to give. */
	if (snp_rights_get(pa, &saved) != SNP_SUCCESS ||
	    !snp_rights_allow(&saved, c->caller->vmpl))
		return SVSM_E_FAULT;

	if (gpa_reserve(pa, PAGE_SIZE) != SVSM_OK)
		return SVSM_E_NOMEM;
	if (snp_revoke_lower(pa, false) != SNP_SUCCESS) {
		(void)snp_rights_restore(pa, false, &saved);
		CHECK(gpa_unreserve(pa, PAGE_SIZE) == SVSM_OK);
		return SVSM_E_FAULT;
	}
	pool[pool_count++] = pa;
	return SVSM_OK;
}

enum svsm_err core_deposit_mem(struct protocol_call *c)
{
	/*
	 * TRUST: RCX and the list are the guest's; only the private copy is
	 * used, and only `next` and MEM_AVAILABLE are written back.
	 */
	gpa_t list = gpa_init(c->regs->rcx);
	struct core_list l;
	uint16_t i;
	enum svsm_err err = core_read_list(list, &l);
	enum svsm_err werr;

	if (err != SVSM_OK)
		return err;
	for (i = l.next; i < l.count; i++) {
		err = deposit_one(c, list, l.entries[i]);
		if (err != SVSM_OK)
			break;
	}
	werr = core_write_next(list, i);
	if (pool_count)
		core_set_mem_available(true);
	if (err == SVSM_OK && werr != SVSM_OK)
		return werr;
	return err;
}

enum svsm_err core_withdraw_mem(struct protocol_call *c)
{
	/*
	 * TRUST: RCX is the guest's; the SVSM only writes there, once, and
	 * reads nothing back.
	 */
	gpa_t list = gpa_init(c->regs->rcx);
	uint64_t off = gpa_val(list) & (PAGE_SIZE - 1);
	uint64_t out[1 + DEPOSIT_POOL_PAGES] = {0};
	struct svsm_withdraw_hdr hdr = {0};
	uint32_t room;
	uint32_t n;
	enum svsm_err err;

	if (!IS_ALIGNED(off, 8) || off == SVSM_WITHDRAW_NO_ROOM_OFFSET)
		return SVSM_E_INVAL;
	room = (uint32_t)((PAGE_SIZE - off - sizeof(hdr)) / sizeof(uint64_t));
	n = pool_count < room ? pool_count : room;

	/*
	 * An empty header first: a list page the guest cannot receive ends
	 * the call with nothing withdrawn. Then each page is zeroed and
	 * granted before it is listed, so the guest is told only of pages
	 * that really are its own again; the list is written at the end.
	 */
	err = guestmem_copy_to(list, &hdr, sizeof(hdr));
	if (err != SVSM_OK)
		return err;
	for (uint32_t i = 0; i < n; i++) {
		paddr_t pa = pool[--pool_count];

		/* Zero BEFORE the guest may see it: it was SVSM memory. */
		snp_page_zero(pa);
		if (snp_grant_guest(pa, false, c->caller->vmpl) !=
		    SNP_SUCCESS) {
			/* A host changed the RMP: never the guest's again. */
			log_warn("snp: deposited page 0x%llx kept reserved",
				 (unsigned long long)pa_val(pa));
			continue;
		}
		CHECK(gpa_unreserve(pa, PAGE_SIZE) == SVSM_OK);
		out[1 + hdr.count++] = pa_val(pa);
	}
	memcpy(&out[0], &hdr, sizeof(hdr));
	core_set_mem_available(pool_count > 0);
	/*
	 * A guest that makes its list page fault after the header loses only
	 * the list: the pages are its own again either way.
	 */
	err = guestmem_copy_to(list, out,
			       sizeof(hdr) + hdr.count * sizeof(uint64_t));
	if (err != SVSM_OK)
		return err;
	return SVSM_OK;
}
