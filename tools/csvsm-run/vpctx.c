/* SPDX-License-Identifier: MIT */
/*
 * Turning an IGVM native VP context (struct igvm_native_vp_context_x64)
 * into the reset stub's context block. Stock QEMU cannot set a vCPU's
 * registers from the command line, so the stub does it from ROM. The stub
 * has no stack and runs before paging, so it honours contexts in 32-bit
 * protected mode with paging off; anything else is refused with a message
 * rather than started wrongly.
 *
 * TRUST: the context comes from the IGVM file, i.e. from whoever built it.
 * Every field is checked before it reaches the stub.
 */
#include <stdio.h>
#include <string.h>

#include "abi/igvm.h"

#include "launch.h"
#include "resetstub.h"

#define CR0_PE	 0x1ull
#define CR0_PG	 0x80000000ull
#define EFER_LME 0x100ull

static void put16(uint8_t *s, unsigned int off, uint16_t v)
{
	memcpy(s + off, &v, sizeof(v));
}

static void put32(uint8_t *s, unsigned int off, uint32_t v)
{
	memcpy(s + off, &v, sizeof(v));
}

/* A GDT descriptor from the segment cache fields the context gives. */
static int make_desc(uint32_t base, uint32_t limit, uint16_t attr,
		     uint64_t *out)
{
	uint32_t lim = limit;

	if (attr & 0x8000) { /* G: limit counts 4 KiB pages */
		if ((limit & 0xfff) != 0xfff)
			return -1;
		lim = limit >> 12;
	} else if (limit > 0xfffff) {
		return -1;
	}
	*out = (uint64_t)(lim & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)(attr & 0xff) << 40) |
	       ((uint64_t)((lim >> 16) & 0xf) << 48) |
	       ((uint64_t)((attr >> 12) & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
	return 0;
}

static int check_selector(uint16_t sel, const char *what, char *err,
			  size_t errlen)
{
	if (sel == 0 || (sel & 4) || (sel >> 3) >= STUB_GDT_COUNT - 2) {
		snprintf(
			err, errlen,
			"VP context: %s selector 0x%x unsupported (GDT index 1..%d)",
			what, sel, STUB_GDT_COUNT - 3);
		return -1;
	}
	return 0;
}

static int check_mode(const struct igvm_native_vp_context_x64 *c, char *err,
		      size_t errlen)
{
	const uint64_t regs[] = {c->rax,       c->rbx,	    c->rcx, c->rdx,
				 c->rsi,       c->rdi,	    c->rbp, c->rsp,
				 c->rip,       c->cr3,	    c->cr4, c->cr0,
				 c->idtr_base, c->gdtr_base};

	if (!(c->cr0 & CR0_PE) || (c->cr0 & CR0_PG) || (c->efer & EFER_LME)) {
		snprintf(
			err, errlen,
			"VP context: only 32-bit protected mode with paging off "
			"can be started on stock QEMU (cr0=0x%llx efer=0x%llx)",
			(unsigned long long)c->cr0,
			(unsigned long long)c->efer);
		return -1;
	}
	if (c->rflags != 0x2) {
		snprintf(err, errlen,
			 "VP context: rflags must be 0x2, not 0x%llx",
			 (unsigned long long)c->rflags);
		return -1;
	}
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (regs[i] >> 32) {
			snprintf(
				err, errlen,
				"VP context: a register value does not fit 32 bits");
			return -1;
		}
	}
	if ((c->r8 | c->r9 | c->r10 | c->r11 | c->r12 | c->r13 | c->r14 |
	     c->r15) != 0 ||
	    (c->gs_base != 0 && c->gs_base != c->data_base)) {
		snprintf(
			err, errlen,
			"VP context: r8-r15 and gs_base cannot be set in 32-bit mode");
		return -1;
	}
	return 0;
}

/* When the VP has its own GDT, its descriptors must match the context. */
static int check_target_gdt(const struct igvm_native_vp_context_x64 *c,
			    const struct igvm_file *f, uint64_t code,
			    uint64_t data, char *err, size_t errlen)
{
	uint64_t d[2];

	if (c->gdtr_limit < (c->code_selector | 7) ||
	    c->gdtr_limit < (c->data_selector | 7) ||
	    plan_read_gpa(f, c->gdtr_base + (c->code_selector & ~7u), &d[0],
			  8) ||
	    plan_read_gpa(f, c->gdtr_base + (c->data_selector & ~7u), &d[1],
			  8)) {
		snprintf(err, errlen,
			 "VP context: its GDT is not in the image");
		return -1;
	}
	/* Ignore the accessed bit, which the CPU may set. */
	if ((d[0] | (1ull << 40)) != (code | (1ull << 40)) ||
	    (d[1] | (1ull << 40)) != (data | (1ull << 40))) {
		snprintf(
			err, errlen,
			"VP context: GDT descriptors differ from the segment registers");
		return -1;
	}
	return 0;
}

int vpctx_to_stub(const uint8_t *ctx, size_t len, const struct igvm_file *f,
		  uint8_t *stub, char *err, size_t errlen)
{
	struct igvm_native_vp_context_x64 c;
	uint64_t code = 0;
	uint64_t data = 0;
	uint32_t flags = 0;

	if (len < sizeof(c)) {
		snprintf(err, errlen, "VP context: shorter than %zu bytes",
			 sizeof(c));
		return -1;
	}
	memcpy(&c, ctx, sizeof(c));
	if (check_mode(&c, err, errlen) ||
	    check_selector(c.code_selector, "code", err, errlen) ||
	    check_selector(c.data_selector, "data", err, errlen))
		return -1;
	if ((c.code_selector >> 3) == (c.data_selector >> 3) ||
	    make_desc(c.code_base, c.code_limit, c.code_attributes, &code) ||
	    make_desc(c.data_base, c.data_limit, c.data_attributes, &data) ||
	    (c.code_attributes & 0x98) != 0x98 ||
	    (c.data_attributes & 0x98) != 0x90) {
		snprintf(err, errlen, "VP context: bad code or data segment");
		return -1;
	}
	if (c.gdtr_limit) {
		if (check_target_gdt(&c, f, code, data, err, errlen))
			return -1;
		flags |= STUB_FLAG_LOAD_GDT;
	}
	memset(stub, 0, STUB_CTX_END);
	memcpy(stub + STUB_GDT + (c.code_selector & ~7u), &code, 8);
	memcpy(stub + STUB_GDT + (c.data_selector & ~7u), &data, 8);
	{
		/* The stub's own flat 32-bit code and data segments. */
		const uint64_t own[2] = {0x00cf9b000000ffffull,
					 0x00cf93000000ffffull};

		memcpy(stub + STUB_GDT + STUB_CS32, own, sizeof(own));
	}
	put16(stub, STUB_GDTR, STUB_GDT_COUNT * 8 - 1);
	put32(stub, STUB_GDTR + 2, STUB_BASE + STUB_GDT);
	put16(stub, STUB_TGT_GDTR, c.gdtr_limit);
	put32(stub, STUB_TGT_GDTR + 2, (uint32_t)c.gdtr_base);
	put16(stub, STUB_TGT_IDTR, c.idtr_limit);
	put32(stub, STUB_TGT_IDTR + 2, (uint32_t)c.idtr_base);
	put32(stub, STUB_CR0, (uint32_t)c.cr0);
	put32(stub, STUB_CR3, (uint32_t)c.cr3);
	put32(stub, STUB_CR4, (uint32_t)c.cr4);
	put32(stub, STUB_EFER_LO, (uint32_t)c.efer);
	put32(stub, STUB_EFER_HI, (uint32_t)(c.efer >> 32));
	put32(stub, STUB_FLAGS, flags);
	put32(stub, STUB_EAX, (uint32_t)c.rax);
	put32(stub, STUB_EBX, (uint32_t)c.rbx);
	put32(stub, STUB_ECX, (uint32_t)c.rcx);
	put32(stub, STUB_EDX, (uint32_t)c.rdx);
	put32(stub, STUB_ESI, (uint32_t)c.rsi);
	put32(stub, STUB_EDI, (uint32_t)c.rdi);
	put32(stub, STUB_EBP, (uint32_t)c.rbp);
	put32(stub, STUB_ESP, (uint32_t)c.rsp);
	put32(stub, STUB_FAR_EIP, (uint32_t)c.rip);
	put16(stub, STUB_FAR_CS, c.code_selector);
	put16(stub, STUB_DATA_SEL, c.data_selector);
	return 0;
}
