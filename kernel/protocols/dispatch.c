/* SPDX-License-Identifier: MIT */
/*
 * The protocol dispatcher: decodes RAX into protocol and call (AMD 58019
 * rev 1.00), runs the handler under the protocol lock, and turns its
 * outcome into the 32-bit SVSM result code. This file is the ONLY place
 * where result codes are made; handlers return enum svsm_err plus a
 * detail (kernel/protocols/internal.h). The mapping:
 *
 *   SVSM_OK                       SVSM_SUCCESS
 *   SVSM_E_INVAL                  INVALID_PARAMETER
 *   SVSM_E_FAULT                  INVALID_ADDRESS
 *   SVSM_E_NOMEM                  INVALID_REQUEST (no memory requests)
 *   SVSM_E_BUSY                   BUSY; detail IN_USE: 0x80001003;
 *                                 detail INCOMPLETE: INCOMPLETE
 *   SVSM_E_UNSUPPORTED            UNSUPPORTED_CALL; detail STATE:
 *                                 INVALID_REQUEST; detail NO_SERVICE:
 *                                 UNSUPPORTED_PROTOCOL
 *   SVSM_E_HW                     detail INSN: 0x80001000 + EAX, or
 *                                 0x80001011 above 0xf; detail UNCHANGED:
 *                                 0x80001010; otherwise INVALID_REQUEST
 *   SVSM_E_TIMEOUT                BUSY
 *   unknown protocol              UNSUPPORTED_PROTOCOL
 *
 * The protocol lock serialises every call of every vCPU: REMAP_CA,
 * PVALIDATE, CREATE_VCPU, DELETE_VCPU and the memory calls are mutually
 * exclusive, so a check (gpa_validate, the vCPU registry) stays true
 * until the handler has acted on it (docs/threat-model.md, bug class 8).
 */
#include <stdarg.h>

#include "svsm/attest.h"
#include "svsm/log.h"
#include "svsm/protocols.h"
#include "svsm/spinlock.h"
#include "svsm/vtpm.h"

#include "abi/svsm.h"

#include "internal.h"
#include "lib/format.h"
#include "snp/snp.h"

struct protocol_desc {
	uint32_t id;
	uint32_t min_version;
	uint32_t max_version;
	enum svsm_err (*handle)(struct protocol_call *c);
	bool (*available)(void); /* NULL: always */
};

/*
 * The attestation protocol (kernel/protocols/attest.c): its handler takes
 * the caller's RCX and hands back RCX, RDX and R8 when they are defined
 * (success, or a too-small buffer with the sizes needed); the result
 * codes follow the table in include/svsm/attest.h, which this mapping
 * and result_code() implement.
 */
static enum svsm_err attest_handle(struct protocol_call *c)
{
	uint32_t call = svsm_call_id(c->regs->rax);
	struct attest_regs ar = {.rcx = c->regs->rcx};
	enum svsm_err err = attest_call(call, &ar);

	if (ar.out_valid) {
		c->regs->rcx = ar.rcx;
		c->regs->rdx = ar.rdx;
		c->regs->r8 = ar.r8;
	}
	if (err == SVSM_E_UNSUPPORTED && call == SVSM_ATTEST_SINGLE_SERVICE)
		c->detail = PROTOCOL_DETAIL_NO_SERVICE;
	return err;
}

/*
 * The protocols csvsm serves. The vTPM (kernel/protocols/vtpm.c) exists
 * only while its program runs: before that, QUERY_PROTOCOL reports it
 * unavailable and its calls get UNSUPPORTED_PROTOCOL, so no guest is told
 * of a protocol whose every call fails.
 */
static const struct protocol_desc protocol_table[] = {
	{SVSM_CORE_PROTOCOL, 1, 1, core_handle, NULL},
	{SVSM_ATTEST_PROTOCOL, 1, 1, attest_handle, NULL},
	{SVSM_VTPM_PROTOCOL, 1, 1, vtpm_handle, vtpm_running},
};

static struct spinlock protocol_lock;

/* A misbehaving guest gets a few lines, then silence by default. */
static struct log_budget notices = LOG_BUDGET(32);

void protocols_notice(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_limited(&notices, "protocols: %s", buf);
}

static const struct protocol_desc *find(uint32_t protocol)
{
	for (size_t i = 0; i < ARRAY_SIZE(protocol_table); i++) {
		const struct protocol_desc *d = &protocol_table[i];

		if (d->id == protocol && (!d->available || d->available()))
			return d;
	}
	return NULL;
}

bool protocols_versions(uint32_t protocol, uint32_t *min, uint32_t *max)
{
	const struct protocol_desc *d = find(protocol);

	if (!d)
		return false;
	*min = d->min_version;
	*max = d->max_version;
	return true;
}

static uint32_t result_code(enum svsm_err err, const struct protocol_call *c)
{
	switch (err) {
	case SVSM_OK:
		return SVSM_SUCCESS;
	case SVSM_E_INVAL:
		return SVSM_ERR_INVALID_PARAMETER;
	case SVSM_E_FAULT:
		return SVSM_ERR_INVALID_ADDRESS;
	case SVSM_E_NOMEM:
		return SVSM_ERR_INVALID_REQUEST;
	case SVSM_E_BUSY:
		if (c->detail == PROTOCOL_DETAIL_IN_USE)
			return SVSM_CORE_FAIL_INUSE;
		if (c->detail == PROTOCOL_DETAIL_INCOMPLETE)
			return SVSM_ERR_INCOMPLETE;
		return SVSM_ERR_BUSY;
	case SVSM_E_UNSUPPORTED:
		if (c->detail == PROTOCOL_DETAIL_STATE)
			return SVSM_ERR_INVALID_REQUEST;
		if (c->detail == PROTOCOL_DETAIL_NO_SERVICE)
			return SVSM_ERR_UNSUPPORTED_PROTOCOL;
		return SVSM_ERR_UNSUPPORTED_CALL;
	case SVSM_E_HW:
		if (c->detail == PROTOCOL_DETAIL_INSN)
			return svsm_pvalidate_fail_code(c->insn_code);
		if (c->detail == PROTOCOL_DETAIL_UNCHANGED)
			return SVSM_PVALIDATE_FAIL_UNCHANGED;
		return SVSM_ERR_INVALID_REQUEST;
	case SVSM_E_TIMEOUT:
		return SVSM_ERR_BUSY;
	}
	return SVSM_ERR_INVALID_REQUEST;
}

enum protocol_resume protocols_handle(struct svsm_vcpu *vcpu,
				      struct svsm_call_regs *r)
{
	/*
	 * TRUST: the guest OS chose every register: the protocol and call
	 * numbers (any 32-bit values), and the arguments, which handlers
	 * validate before acting. r is the request path's private copy, so
	 * nothing here changes behind the handler's back. The result always
	 * replaces RAX, zero-extended (58019; Linux compares the 64-bit
	 * value).
	 */
	uint32_t protocol = svsm_call_protocol(r->rax);
	uint32_t call = svsm_call_id(r->rax);
	const struct protocol_desc *d = find(protocol);
	struct protocol_call c = {.caller = vcpu, .regs = r};
	enum svsm_err err;
	uint32_t result;

	if (!d) {
		protocols_notice("vCPU %u: unknown protocol %u", vcpu->apic_id,
				 protocol);
		r->rax = SVSM_ERR_UNSUPPORTED_PROTOCOL;
		return PROTOCOL_RESUME_CALLER;
	}

	spin_lock(&protocol_lock);
	/*
	 * The caller's record again, now that no other call can change the
	 * registry: its turn pinned it, so it must still be live and pinned.
	 * Anything else is an SVSM bug, but the call is then not served.
	 */
	if (!snp_vcpu_pinned(vcpu)) {
		spin_unlock(&protocol_lock);
		log_error("protocols: vCPU record changed during its turn");
		return PROTOCOL_CALLER_GONE;
	}
	err = d->handle(&c);
	spin_unlock(&protocol_lock);

	result = result_code(err, &c);
	if (err != SVSM_OK && result != SVSM_ERR_INCOMPLETE && !c.caller_gone)
		protocols_notice("vCPU %u: call %u:%u refused: 0x%x",
				 vcpu->apic_id, protocol, call, result);
	if (c.caller_gone)
		return PROTOCOL_CALLER_GONE;
	r->rax = result;
	return PROTOCOL_RESUME_CALLER;
}

void protocols_answer_bad_pending(struct svsm_call_regs *r)
{
	r->rax = SVSM_ERR_INVALID_FORMAT;
}
