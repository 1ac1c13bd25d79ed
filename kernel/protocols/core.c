/* SPDX-License-Identifier: MIT */
/*
 * The SVSM core protocol (AMD 58019 rev 1.00, protocol 0, version 1;
 * "58019" below): the call table, the small calls (REMAP_CA, QUERY_PROTOCOL,
 * CONFIGURE_VTOM), and the helpers the list-based calls share. PVALIDATE
 * is in core_pvalidate.c, CREATE/DELETE_VCPU in core_vcpu.c, DEPOSIT/
 * WITHDRAW_MEM in core_mem.c. All run under the protocol lock
 * (dispatch.c). Each call validates with no side effects, then applies.
 */
#include "svsm/guestmem.h"
#include "svsm/mm/gpa.h"

#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "internal.h"
#include "lib/string.h"
#include "snp/snp.h"

/* ---- Shared helpers --------------------------------------------------- */

/*
 * The private copy of a guest list: one page, used under the protocol
 * lock only, so it needs no per-CPU copies.
 */
static uint64_t list_page[PAGE_SIZE / sizeof(uint64_t)];

enum svsm_err core_read_list(gpa_t gpa, struct core_list *out)
{
	/*
	 * TRUST: the guest chooses gpa and every byte of the list, and can
	 * change them at any time. The list is copied ONCE, header and all
	 * entries together, and only the copy is used: from gpa to the end
	 * of its page, because the list may not cross a page (58019) and
	 * its length is only known from the header. The header's reserved
	 * field is ignored: Linux never writes it, and the CA buffer it
	 * shares holds other calls' data.
	 */
	size_t len = PAGE_SIZE - (gpa_val(gpa) & (PAGE_SIZE - 1));
	struct svsm_pvalidate_hdr hdr;
	size_t room;
	enum svsm_err err;

	if (!IS_ALIGNED(gpa_val(gpa), 8))
		return SVSM_E_INVAL;
	err = guestmem_copy_from(gpa, list_page, len);
	if (err != SVSM_OK)
		return err;
	memcpy(&hdr, list_page, sizeof(hdr));
	room = (len - sizeof(hdr)) / SVSM_PVALIDATE_ENTRY_SIZE;
	if (hdr.entries == 0 || hdr.entries > SVSM_PVALIDATE_MAX_ENTRIES ||
	    hdr.entries > room || hdr.next >= hdr.entries)
		return SVSM_E_INVAL;
	out->entries = &list_page[1];
	out->count = hdr.entries;
	out->next = hdr.next;
	return SVSM_OK;
}

enum svsm_err core_write_next(gpa_t gpa, uint16_t next)
{
	gpa_t at;

	if (!gpa_add(gpa, offsetof(struct svsm_pvalidate_hdr, next), &at))
		return SVSM_E_FAULT;
	return guestmem_copy_to(at, &next, sizeof(next));
}

enum svsm_err core_check_guest_range(gpa_t gpa, uint64_t len, paddr_t *out)
{
	/*
	 * TRUST: gpa comes from a guest list or register. gpa_validate()
	 * checks alignment, wrap-around, RAM, and overlap of EVERY byte with
	 * SVSM memory (the region, VMSAs, deposited pages), so a 2 MiB range
	 * that merely contains one SVSM page is refused. Calling areas are
	 * guest memory the SVSM tracks apart (kernel/plat/snp/vcpu.c), so
	 * they are checked here, as is the launch VMSA page at a fixed GPA
	 * (KVM's launch VMSA; COCONUT-SVSM issue #22) in case RAM reaches it.
	 */
	paddr_t pa;
	enum svsm_err err = gpa_validate(gpa, len, len, &pa);

	if (err != SVSM_OK)
		return err;
	if (snp_vcpu_ca_user(gpa, len, NULL))
		return SVSM_E_FAULT;
	if (gpa_val(gpa) <= SNP_LAUNCH_VMSA_GPA &&
	    SNP_LAUNCH_VMSA_GPA - gpa_val(gpa) < len)
		return SVSM_E_FAULT;
	*out = pa;
	return SVSM_OK;
}

void core_set_mem_available(bool available)
{
	struct svsm_vcpu *boot = snp_vcpu_boot();
	const uint8_t flag = available;
	gpa_t at;

	/* 58019 WITHDRAW_MEM: the flag lives in the boot vCPU's CA. */
	if (!boot ||
	    !gpa_add(boot->caa, offsetof(struct svsm_ca, mem_available), &at))
		return;
	if (guestmem_copy_to(at, &flag, sizeof(flag)) != SVSM_OK)
		protocols_notice("boot calling area unwritable");
}

/* ---- QUERY_PROTOCOL --------------------------------------------------- */

static enum svsm_err core_query_protocol(struct protocol_call *c)
{
	/*
	 * TRUST: RCX is any value. Always SUCCESS, never a memory request
	 * (58019); RCX = max << 32 | min when the protocol exists and the
	 * requested version is in its range, else 0.
	 */
	uint32_t protocol = (uint32_t)(c->regs->rcx >> 32);
	uint32_t version = (uint32_t)c->regs->rcx;
	uint32_t min;
	uint32_t max;

	if (protocols_versions(protocol, &min, &max) && version >= min &&
	    version <= max)
		c->regs->rcx = svsm_query_protocol_result(max, min);
	else
		c->regs->rcx = 0;
	return SVSM_OK;
}

/* ---- REMAP_CA --------------------------------------------------------- */

enum svsm_err core_remap_ca(struct protocol_call *c)
{
	/*
	 * TRUST: RCX (the new CA) is any value. Checks, with no side
	 * effects: 4 KiB aligned (INVALID_PARAMETER); guest RAM, not SVSM
	 * memory, not a VMSA, not another vCPU's CA (INVALID_ADDRESS, by
	 * core_check_guest_range). Then
	 * the new CA's CALL_PENDING is written 0 (58019), which also
	 * proves the page is writable before anything changes, and only
	 * then does the vCPU switch: the new CA is claimed before the old
	 * one is released. The request path clears the old CA's
	 * CALL_PENDING as the call's normal completion and never touches the
	 * old CA again. Remapping to the current CA changes nothing.
	 */
	gpa_t gpa = gpa_init(c->regs->rcx);
	const uint8_t zero = 0;
	paddr_t pa;
	enum svsm_err err;

	if (!IS_ALIGNED(gpa_val(gpa), PAGE_SIZE))
		return SVSM_E_INVAL;
	if (gpa_val(gpa) == gpa_val(c->caller->caa))
		return SVSM_OK;
	err = core_check_guest_range(gpa, PAGE_SIZE, &pa);
	if (err != SVSM_OK)
		return err;

	err = guestmem_copy_to(gpa, &zero, sizeof(zero));
	if (err != SVSM_OK)
		return err;
	snp_vcpu_set_caa(c->caller, gpa);
	return SVSM_OK;
}

/* ---- CONFIGURE_VTOM --------------------------------------------------- */

static enum svsm_err core_configure_vtom(struct protocol_call *c)
{
	/*
	 * TRUST: RCX is any value. csvsm does not support vTOM (58019; see
	 * docs/protocols.md, unconfirmed details): the query form answers
	 * RCX = 0 ("not supported"; RDX and R8 are undefined then and left
	 * alone); any bit but bit 0 in a query is INVALID_PARAMETER. The
	 * configure form checks its reserved bits 11:5 (INVALID_PARAMETER),
	 * then is refused as a request this SVSM cannot carry out
	 * (INVALID_REQUEST).
	 */
	uint64_t rcx = c->regs->rcx;

	if (rcx & SVSM_VTOM_QUERY) {
		if (rcx & ~SVSM_VTOM_QUERY)
			return SVSM_E_INVAL;
		c->regs->rcx = 0;
		return SVSM_OK;
	}
	if (rcx & SVSM_VTOM_RESERVED)
		return SVSM_E_INVAL;
	c->detail = PROTOCOL_DETAIL_STATE;
	return SVSM_E_UNSUPPORTED;
}

/* ---- The call table --------------------------------------------------- */

enum svsm_err core_handle(struct protocol_call *c)
{
	switch (svsm_call_id(c->regs->rax)) {
	case SVSM_CORE_REMAP_CA:
		return core_remap_ca(c);
	case SVSM_CORE_PVALIDATE:
		return core_pvalidate(c);
	case SVSM_CORE_CREATE_VCPU:
		return core_create_vcpu(c);
	case SVSM_CORE_DELETE_VCPU:
		return core_delete_vcpu(c);
	case SVSM_CORE_DEPOSIT_MEM:
		return core_deposit_mem(c);
	case SVSM_CORE_WITHDRAW_MEM:
		return core_withdraw_mem(c);
	case SVSM_CORE_QUERY_PROTOCOL:
		return core_query_protocol(c);
	case SVSM_CORE_CONFIGURE_VTOM:
		return core_configure_vtom(c);
	default:
		return SVSM_E_UNSUPPORTED;
	}
}
