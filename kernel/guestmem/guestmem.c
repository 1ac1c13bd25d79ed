/* SPDX-License-Identifier: MIT */
/*
 * The only code that reads or writes guest memory (include/svsm/guestmem.h).
 *
 * TRUST: the guest (and on SNP the host) chooses the address and length
 * and can change the memory's contents, mapping or validation state at any
 * time, including between two reads. Hence: the range is checked once by
 * gpa_validate() before anything is mapped; each byte is copied exactly
 * once into the caller's private buffer; a fault during the copy (an
 * unvalidated or remapped page) is caught by the exception table and
 * returned as SVSM_E_FAULT; and a failed read clears the destination so a
 * caller cannot act on half of a structure. Guest pointers carry __guest,
 * so the clang address-space build rejects any direct dereference.
 */
#include "svsm/guestmem.h"

#include "svsm/arch/cpu.h"

#include "svsm/mm/gpa.h"
#include "svsm/mm/vm.h"

#include "lib/string.h"

/* Maps the page holding pa in this CPU's guest-memory slot. */
static uint8_t __guest *map_page(paddr_t pa, unsigned int prot)
{
	uint8_t *va = vm_temp_map(pa_init(ALIGN_DOWN(pa_val(pa), PAGE_SIZE)),
				  VM_SLOT_GUESTMEM, prot);

	return (uint8_t __guest *)va + (pa_val(pa) & (PAGE_SIZE - 1));
}

/*
 * Copies page by page: from the guest into `out`, or, when `out` is NULL,
 * from `in` to the guest.
 */
static enum svsm_err copy(gpa_t gpa, uint8_t *out, const uint8_t *in,
			  size_t len)
{
	bool to_guest = out == NULL;
	paddr_t pa;
	enum svsm_err err = gpa_validate(gpa, len, 1, &pa);

	if (err != SVSM_OK)
		return err;
	while (len) {
		size_t n = PAGE_SIZE - (pa_val(pa) & (PAGE_SIZE - 1));
		uint8_t __guest *g;
		int fault;

		n = n < len ? n : len;
		g = map_page(pa, to_guest ? PROT_WRITE : 0);
		fault = to_guest ? arch_copy_to_guest(g, in, n)
				 : arch_copy_from_guest(out, g, n);
		vm_temp_unmap(VM_SLOT_GUESTMEM);
		if (fault)
			return SVSM_E_FAULT;
		pa = pa_add(pa, n);
		if (to_guest)
			in += n;
		else
			out += n;
		len -= n;
	}
	return SVSM_OK;
}

enum svsm_err guestmem_copy_from(gpa_t src, void *dst, size_t len)
{
	enum svsm_err err = copy(src, dst, NULL, len);

	if (err != SVSM_OK)
		memset(dst, 0, len);
	return err;
}

enum svsm_err guestmem_copy_to(gpa_t dst, const void *src, size_t len)
{
	return copy(dst, NULL, src, len);
}

enum svsm_err guestmem_read_u64(gpa_t src, uint64_t *out)
{
	paddr_t pa;
	enum svsm_err err = gpa_validate(src, sizeof(*out), sizeof(*out), &pa);
	int fault;

	if (err != SVSM_OK)
		return err;
	fault = arch_read_u64_guest(map_page(pa, 0), out);
	vm_temp_unmap(VM_SLOT_GUESTMEM);
	return fault ? SVSM_E_FAULT : SVSM_OK;
}

enum svsm_err guestmem_page_map(gpa_t gpa, size_t len, size_t align,
				enum vm_temp_slot slot,
				struct guestmem_page *gp)
{
	paddr_t pa;
	uint64_t off = gpa_val(gpa) & (PAGE_SIZE - 1);
	enum svsm_err err;

	if (off + len > PAGE_SIZE)
		return SVSM_E_INVAL;
	err = gpa_validate(gpa, len, align, &pa);
	if (err != SVSM_OK)
		return err;
	gp->base = (uint8_t __guest *)vm_temp_map(
			   pa_init(ALIGN_DOWN(pa_val(pa), PAGE_SIZE)), slot,
			   PROT_WRITE) +
		   off;
	gp->len = len;
	gp->slot = slot;
	return SVSM_OK;
}

void guestmem_page_unmap(struct guestmem_page *gp)
{
	vm_temp_unmap(gp->slot);
	gp->base = NULL;
}

enum svsm_err guestmem_page_read_u64(const struct guestmem_page *gp, size_t off,
				     uint64_t *out)
{
	if (off > gp->len || gp->len - off < sizeof(*out))
		return SVSM_E_INVAL;
	return arch_read_u64_guest(gp->base + off, out) ? SVSM_E_FAULT
							: SVSM_OK;
}

enum svsm_err guestmem_page_write(const struct guestmem_page *gp, size_t off,
				  const void *src, size_t len)
{
	if (off > gp->len || gp->len - off < len)
		return SVSM_E_INVAL;
	return arch_copy_to_guest(gp->base + off, src, len) ? SVSM_E_FAULT
							    : SVSM_OK;
}
