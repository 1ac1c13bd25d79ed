/* SPDX-License-Identifier: MIT */
/*
 * The #VC instruction decoder (snp/vc.h): just enough x86-64 to recognise
 * the instructions csvsm executes that raise #VC, and to refuse the rest.
 * Encodings from the AMD64 APM vol. 3: legacy prefixes and REX (1.2),
 * CPUID 0F A2, RDMSR 0F 32, WRMSR 0F 30, IN E4/E5/EC/ED, OUT E6/E7/EE/EF
 * (operand size 1 for the even opcodes, else 4, or 2 with 66h; REX.W
 * does not widen them), INS/OUTS 6C-6F.
 *
 * Every byte read is checked against min(avail, VC_INSN_MAX) first, so a
 * truncated or endless prefix run cannot make it read further.
 */
#include "snp/vc.h"

/* Legacy prefixes (APM vol. 3, 1.2.1). */
#define P_OPSIZE   0x66
#define P_ADDRSIZE 0x67
#define P_LOCK	   0xf0
#define P_REPNE	   0xf2
#define P_REP	   0xf3

static bool segment_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
	       b == 0x65;
}

struct cursor {
	const uint8_t *b;
	size_t n; /* bytes that may be read */
	size_t i;
};

static bool next(struct cursor *c, uint8_t *out)
{
	if (c->i >= c->n)
		return false;
	*out = c->b[c->i++];
	return true;
}

/* The opcode after the prefixes, for the 0F two-byte map and the I/O ones. */
static enum svsm_err decode_io(struct cursor *c, uint8_t op, bool opsize,
			       struct vc_insn *out)
{
	switch (op) {
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
		if (!next(c, &out->imm_port))
			return SVSM_E_INVAL;
		out->port_in_dx = false;
		break;
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		out->port_in_dx = true;
		break;
	case 0x6c:
	case 0x6d:
	case 0x6e:
	case 0x6f:
		return SVSM_E_UNSUPPORTED; /* string I/O: csvsm has none */
	default:
		return SVSM_E_INVAL;
	}
	out->kind = (op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed)
			    ? VC_INSN_IN
			    : VC_INSN_OUT;
	out->size = (op & 1) ? (opsize ? 2 : 4) : 1;
	return SVSM_OK;
}

static enum svsm_err decode_0f(struct cursor *c, uint64_t exit_code,
			       struct vc_insn *out)
{
	uint8_t op;

	if (!next(c, &op))
		return SVSM_E_INVAL;
	if (exit_code == VC_EXIT_CPUID && op == 0xa2)
		out->kind = VC_INSN_CPUID;
	else if (exit_code == VC_EXIT_MSR && op == 0x32)
		out->kind = VC_INSN_RDMSR;
	else if (exit_code == VC_EXIT_MSR && op == 0x30)
		out->kind = VC_INSN_WRMSR;
	else
		return SVSM_E_INVAL;
	return SVSM_OK;
}

enum svsm_err vc_decode(uint64_t exit_code, const uint8_t *bytes, size_t avail,
			struct vc_insn *out)
{
	/*
	 * TRUST: the bytes are the SVSM's own text, but the exit code is
	 * whatever the #VC carried, and a host can inject a #VC (with any
	 * error code) at any instruction. So the instruction must be one
	 * that raises exactly that exit; anything else is refused.
	 */
	struct cursor c = {
		.b = bytes,
		.n = avail < VC_INSN_MAX ? avail : VC_INSN_MAX,
	};
	struct vc_insn d = {.addr_size = 8};
	bool opsize = false;
	bool rex = false;
	enum svsm_err err;
	uint8_t b = 0;

	if (exit_code != VC_EXIT_CPUID && exit_code != VC_EXIT_IOIO &&
	    exit_code != VC_EXIT_MSR)
		return SVSM_E_UNSUPPORTED;
	for (;;) {
		if (!next(&c, &b))
			return SVSM_E_INVAL;
		if (b == P_LOCK || b == P_REP || b == P_REPNE)
			return SVSM_E_UNSUPPORTED;
		if (rex && !(b >= 0x40 && b <= 0x4f))
			break; /* REX must come last: b is the opcode */
		if (b >= 0x40 && b <= 0x4f) {
			if (rex)
				return SVSM_E_INVAL; /* two REX prefixes */
			rex = true;
		} else if (b == P_OPSIZE) {
			opsize = true;
		} else if (b == P_ADDRSIZE) {
			d.addr_size = 4;
		} else if (!segment_prefix(b)) {
			break;
		}
	}
	if (b == 0x0f)
		err = decode_0f(&c, exit_code, &d);
	else if (exit_code == VC_EXIT_IOIO)
		err = decode_io(&c, b, opsize, &d);
	else
		err = SVSM_E_INVAL;
	if (err != SVSM_OK)
		return err;
	d.len = (uint8_t)c.i;
	*out = d;
	return SVSM_OK;
}
