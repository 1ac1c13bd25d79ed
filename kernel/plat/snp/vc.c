/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's #VC handler on SEV-SNP (snp/vc.h): CPUID from the CPUID
 * page, IN/OUT and RDMSR/WRMSR through this CPU's GHCB. The instruction
 * is decoded by vc_decode(); this file only acts on the decoded form and
 * the saved registers, so it runs the same hosted (against the model
 * hypervisor) and in the SNP kernel (kernel/plat/snp/plat.c calls it from
 * the trap path).
 */
#define LOG_PREFIX "vc: "
#include "snp/vc.h"

#include "svsm/arch/user.h"

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp_term.h"

#include "snp/ghcb.h"

/* The low `size` bytes of a register replaced by v (IN's destination). */
static uint64_t merge(uint64_t reg, uint64_t v, unsigned int size)
{
	if (size == 4)
		return (uint32_t)v; /* a 32-bit write zero-extends */
	if (size == 2)
		return (reg & ~0xffffull) | (v & 0xffff);
	return (reg & ~0xffull) | (v & 0xff);
}

static uint64_t ioio_info(const struct vc_insn *d, uint16_t port)
{
	uint64_t info = (uint64_t)port << GHCB_IOIO_PORT_SHIFT;

	info |= d->kind == VC_INSN_IN ? GHCB_IOIO_TYPE_IN : 0;
	info |= d->size == 1   ? GHCB_IOIO_SZ8
		: d->size == 2 ? GHCB_IOIO_SZ16
			       : GHCB_IOIO_SZ32;
	info |= d->addr_size == 4 ? GHCB_IOIO_A32 : GHCB_IOIO_A64;
	return info;
}

static unsigned int do_io(const struct vc_insn *d, struct user_regs *r)
{
	uint16_t port = d->port_in_dx ? (uint16_t)r->rdx : d->imm_port;
	uint64_t mask =
		d->size == 4 ? 0xffffffffull : (1ull << (8 * d->size)) - 1;
	uint64_t v = 0;

	if (ghcb_ioio(ioio_info(d, port), r->rax & mask, &v) != SVSM_OK)
		return SNP_TERM_VC_HOST;
	if (d->kind == VC_INSN_IN)
		r->rax = merge(r->rax, v, d->size);
	return 0;
}

static unsigned int do_msr(const struct vc_insn *d, struct user_regs *r)
{
	uint32_t msr = (uint32_t)r->rcx;
	uint64_t v = 0;

	if (d->kind == VC_INSN_WRMSR)
		return ghcb_msr(true, msr,
				(uint32_t)r->rax |
					((uint64_t)(uint32_t)r->rdx << 32),
				NULL) == SVSM_OK
			       ? 0
			       : SNP_TERM_VC_HOST;
	if (ghcb_msr(false, msr, 0, &v) != SVSM_OK)
		return SNP_TERM_VC_HOST;
	r->rax = (uint32_t)v;
	r->rdx = v >> 32;
	return 0;
}

static unsigned int do_cpuid(const struct snp_vc_env *env, struct user_regs *r)
{
	uint32_t out[4];

	if (snp_cpuid(env->cpuid, &env->cpu, (uint32_t)r->rax, (uint32_t)r->rcx,
		      out) != SVSM_OK)
		return SNP_TERM_CPUID;
	r->rax = out[0];
	r->rbx = out[1];
	r->rcx = out[2];
	r->rdx = out[3];
	return 0;
}

unsigned int snp_vc_reason_set(unsigned int code)
{
	return code == SNP_TERM_CPUID ? SNP_TERM_SET_LINUX : SNP_TERM_SET_CSVSM;
}

unsigned int snp_vc_handle(const struct snp_vc_env *env, struct user_regs *regs,
			   const uint8_t *insn, size_t avail)
{
	/*
	 * TRUST: the error code is whatever the #VC delivered (a host can
	 * inject one); vc_decode() only accepts the instruction that raises
	 * that exit. The host's answers come through the GHCB client, which
	 * checks them. Nothing in regs changes unless the emulation worked.
	 */
	struct user_regs r = *regs;
	struct vc_insn d;
	enum svsm_err err;
	unsigned int rc;

	err = vc_decode(regs->error_code, insn, avail, &d);
	if (err != SVSM_OK) {
		log_error("#VC 0x%llx at 0x%llx: %s",
			  (unsigned long long)regs->error_code,
			  (unsigned long long)regs->rip,
			  err == SVSM_E_UNSUPPORTED
				  ? "not an exit csvsm emulates"
				  : "not the instruction of that exit");
		return err == SVSM_E_UNSUPPORTED ? SNP_TERM_VC_UNSUPPORTED
						 : SNP_TERM_VC_DECODE;
	}
	switch (d.kind) {
	case VC_INSN_CPUID:
		rc = do_cpuid(env, &r);
		break;
	case VC_INSN_IN:
	case VC_INSN_OUT:
		rc = do_io(&d, &r);
		break;
	default:
		rc = do_msr(&d, &r);
		break;
	}
	if (rc)
		return rc;
	r.rip += d.len;
	*regs = r;
	return 0;
}
