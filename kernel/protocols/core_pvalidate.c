/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_PVALIDATE (AMD 58019 rev 1.00): validate or rescind guest
 * pages on behalf of a guest at a lower VMPL, from a list in guest memory.
 *
 * The list is read ONCE (core_read_list); each entry of the private copy
 * is then validated with no side effects (format, size, alignment, and
 * the whole 4 KiB or 2 MiB range guest RAM that is not SVSM memory, a
 * VMSA, a calling area or the launch VMSA) and only then acted on:
 *
 *   validate:  PVALIDATE(1); zero the page(s) through guestmem, so a page
 *              the host remapped cannot show VMPL0 data (bug class 6,
 *              docs/threat-model.md); then RMPADJUST full permissions
 *              to VMPL1..caller VMPL.
 *   rescind:   RMPADJUST all permissions of VMPL1..3 away and flush the
 *              TLBs (bug class 7); then PVALIDATE(0).
 *
 * Results: CF = 1 without the entry's ignore-CF bit is 0x80001010; an
 * instruction failure 0x80001000 + EAX (so a 2 MiB entry over 4 KiB RMP
 * entries gives 0x80001006, which Linux and OVMF answer by splitting it).
 * `next` is written back on success (== entries) and on error (the
 * failing entry). Work is bounded: after PVALIDATE_BUDGET_PAGES zeroed
 * pages the call returns INCOMPLETE with `next` at the first entry not
 * done, and the guest calls again (58019 SVSM_ERR_INCOMPLETE).
 *
 * Not zeroed: nothing. COCONUT and AMD's SVSM skip the ISA/ROM range
 * 0xA0000-0xFFFFF; csvsm zeroes every page it validates.
 */
#include "svsm/guestmem.h"

#include "abi/snp.h"
#include "abi/svsm.h"

#include "internal.h"
#include "snp/snp.h"

/* 4 KiB pages zeroed per call before INCOMPLETE (16 MiB). */
#define PVALIDATE_BUDGET_PAGES 4096u

static const uint8_t zero_page[PAGE_SIZE];

/* One entry of the private copy, decoded. */
struct pv_entry {
	gpa_t gpa;
	uint64_t len;
	bool huge;
	bool validate;
	bool ignore_cf;
};

static enum svsm_err decode(uint64_t raw, struct pv_entry *e)
{
	unsigned int size = svsm_pvalidate_entry_size(raw);

	if (raw & SVSM_PVALIDATE_ENTRY_RESERVED)
		return SVSM_E_INVAL;
	if (size != SVSM_PVALIDATE_ENTRY_SIZE_4K &&
	    size != SVSM_PVALIDATE_ENTRY_SIZE_2M)
		return SVSM_E_INVAL;
	e->gpa = gpa_init(svsm_pvalidate_entry_gpa(raw));
	e->huge = size == SVSM_PVALIDATE_ENTRY_SIZE_2M;
	e->len = e->huge ? SNP_PAGE_SIZE_2M : SNP_PAGE_SIZE_4K;
	e->validate = raw & SVSM_PVALIDATE_ENTRY_VALIDATE;
	e->ignore_cf = raw & SVSM_PVALIDATE_ENTRY_IGNORE_CF;
	return SVSM_OK;
}

/* CF = 1: the page already was in the requested state. */
static enum svsm_err unchanged(struct protocol_call *c,
			       const struct pv_entry *e)
{
	if (e->ignore_cf)
		return SVSM_OK;
	c->detail = PROTOCOL_DETAIL_UNCHANGED;
	return SVSM_E_HW;
}

static enum svsm_err zero_guest(gpa_t gpa, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		/* In range: gpa_validate() accepted [gpa, gpa + len). */
		enum svsm_err err = guestmem_copy_to(
			gpa_init(gpa_val(gpa) + off), zero_page, PAGE_SIZE);

		if (err != SVSM_OK)
			return err;
	}
	return SVSM_OK;
}

static enum svsm_err validate_page(struct protocol_call *c,
				   const struct pv_entry *e, paddr_t pa)
{
	bool cf;
	int rc = snp_pvalidate(pa, e->huge, true, &cf);
	enum svsm_err err;

	if (rc != SNP_SUCCESS)
		return protocol_insn_error(c, rc);
	/* Already valid: neither zeroed nor re-granted. */
	if (cf)
		return unchanged(c, e);
	/* Zero BEFORE any lower VMPL may see the page. */
	err = zero_guest(e->gpa, e->len);
	if (err != SVSM_OK)
		return SVSM_E_FAULT;
	rc = snp_grant_guest(pa, e->huge, c->caller->vmpl);
	if (rc != SNP_SUCCESS)
		return protocol_insn_error(c, rc);
	return SVSM_OK;
}

static enum svsm_err rescind_page(struct protocol_call *c,
				  const struct pv_entry *e, paddr_t pa)
{
	struct snp_rights now;
	bool cf;
	int rc;

	/*
	 * A validated page is rescinded only in the name of a caller that
	 * can read and write it: a more privileged VMPL may have taken it
	 * from the caller. Answered as RMPADJUST would answer the caller
	 * itself (FAIL_PERMISSION), with nothing changed.
	 */
	if (snp_rights_get(pa, &now) == SNP_SUCCESS &&
	    !snp_rights_allow(&now, c->caller->vmpl))
		return protocol_insn_error(c, SNP_FAIL_PERMISSION);
	rc = snp_revoke_lower(pa, e->huge);
	/*
	 * FAIL_INPUT from RMPADJUST: the page is not validated (or not the
	 * guest's). PVALIDATE(0) then changes nothing and says which: CF = 1
	 * for an invalid private page, FAIL_INPUT for a shared one.
	 */
	if (rc != SNP_SUCCESS && rc != SNP_FAIL_INPUT)
		return protocol_insn_error(c, rc);
	rc = snp_pvalidate(pa, e->huge, false, &cf);
	if (rc != SNP_SUCCESS)
		return protocol_insn_error(c, rc);
	if (cf)
		return unchanged(c, e);
	return SVSM_OK;
}

/* Validate (no side effects), then act on one entry. */
static enum svsm_err do_entry(struct protocol_call *c, gpa_t list, uint64_t raw,
			      uint32_t *zeroed)
{
	struct pv_entry e;
	paddr_t pa;
	enum svsm_err err = decode(raw, &e);

	if (err != SVSM_OK)
		return err;
	err = core_check_guest_range(e.gpa, e.len, &pa);
	if (err != SVSM_OK)
		return err;
	if (core_names_list_page(e.gpa, e.len, list))
		return SVSM_E_FAULT;
	if (!e.validate)
		return rescind_page(c, &e, pa);
	*zeroed += (uint32_t)(e.len / PAGE_SIZE);
	return validate_page(c, &e, pa);
}

enum svsm_err core_pvalidate(struct protocol_call *c)
{
	/*
	 * TRUST: RCX and the whole list are the guest's; other vCPUs may
	 * rewrite the list while this runs. Only the private copy is read
	 * after core_read_list(), and only `next` is written back.
	 */
	gpa_t list = gpa_init(c->regs->rcx);
	struct core_list l;
	uint32_t zeroed = 0;
	uint16_t i;
	enum svsm_err err = core_read_list(list, &l);
	enum svsm_err werr;

	if (err != SVSM_OK)
		return err;
	for (i = l.next; i < l.count; i++) {
		if (zeroed >= PVALIDATE_BUDGET_PAGES) {
			c->detail = PROTOCOL_DETAIL_INCOMPLETE;
			err = SVSM_E_BUSY;
			break;
		}
		err = do_entry(c, list, l.entries[i], &zeroed);
		if (err != SVSM_OK)
			break;
	}
	werr = core_write_next(list, i);
	if (err == SVSM_OK && werr != SVSM_OK)
		return werr;
	return err;
}
