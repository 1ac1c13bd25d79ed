/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own #VC exceptions on SEV-SNP (AMD64 APM vol. 2, "#VC
 * Exception"; AMD 56421, "#VC handling"): an instruction the hypervisor
 * would have intercepted raises #VC in the guest, with the exit code as
 * its error code, and the guest emulates it.
 *
 *   - vc_decode() (kernel/plat/snp/vc_decode.c) reads the faulting
 *     instruction from at most VC_INSN_MAX bytes the caller copied, and
 *     accepts only the instructions csvsm itself executes, in the form
 *     the exit code announces: CPUID for exit 0x72, IN/OUT with an
 *     immediate or DX port for 0x7B, RDMSR/WRMSR for 0x7C.
 *   - snp_vc_handle() (kernel/plat/snp/vc.c) emulates it: CPUID from the
 *     CPUID page (snp/cpuid.h), port I/O and MSRs through this CPU's GHCB
 *     (IOIO and MSR events, 56421), and moves RIP past it. Anything else
 *     is a reason to end the VM (include/abi/snp_term.h, set 3).
 *   - snp_vc_user() (kernel/plat/snp/vc_user.c) serves a #VC a task
 *     raised in ring 3: CPUID only, from the CPUID page; anything else
 *     ends the task.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#include "snp/cpuid.h"

struct user_regs;

/* The longest x86 instruction (AMD64 APM vol. 3, 1.1). */
#define VC_INSN_MAX 15u

/* #VC error codes = SVM exit codes (APM vol. 2, appendix C). */
#define VC_EXIT_CPUID 0x72u
#define VC_EXIT_IOIO  0x7bu
#define VC_EXIT_MSR   0x7cu

enum vc_insn_kind {
	VC_INSN_CPUID,
	VC_INSN_RDMSR,
	VC_INSN_WRMSR,
	VC_INSN_IN,
	VC_INSN_OUT,
};

struct vc_insn {
	enum vc_insn_kind kind;
	uint8_t len;	   /* bytes, prefixes included: 1..VC_INSN_MAX */
	uint8_t size;	   /* IN/OUT: operand bytes, 1, 2 or 4 */
	uint8_t addr_size; /* IN/OUT: address bytes, 4 or 8 */
	bool port_in_dx;   /* IN/OUT: the port is DX; else imm_port */
	uint8_t imm_port;
};

/*
 * Decodes the instruction at bytes[0 .. avail) for #VC error code
 * exit_code; never reads beyond min(avail, VC_INSN_MAX). Errors:
 * SVSM_E_UNSUPPORTED (an exit code csvsm does not emulate, or a form it
 * never executes: string I/O, REP/LOCK prefixes), SVSM_E_INVAL (the bytes
 * run out, or are not an instruction of that exit: a #VC the host made up).
 */
enum svsm_err __must_check vc_decode(uint64_t exit_code, const uint8_t *bytes,
				     size_t avail, struct vc_insn *out);

/* What the handler needs from the CPU and the platform. */
struct snp_vc_env {
	const struct snp_cpuid_table *cpuid; /* the checked CPUID page */
	struct snp_cpuid_cpu cpu;	     /* XCR0, XSS, CR4 bits, APIC ID */
};

/*
 * Emulates the #VC in regs (vector 29, error code = exit code) raised by
 * the instruction whose first `avail` bytes are at insn, and moves RIP
 * past it. Returns 0, or a reason code of termination set 3
 * (SNP_TERM_VC_*), or SNP_TERM_CPUID of set 1 when the CPUID page cannot
 * answer; the registers are unchanged then.
 */
unsigned int snp_vc_handle(const struct snp_vc_env *env, struct user_regs *regs,
			   const uint8_t *insn, size_t avail);
/* The reason set for a code snp_vc_handle() returned. */
unsigned int snp_vc_reason_set(unsigned int code);

/*
 * Copies len bytes of user memory at uaddr into dst; 0, or nonzero when
 * the copy faulted (arch_copy_from_user() in the kernel). Only called
 * for ranges below USER_TOP.
 */
typedef int (*snp_vc_user_fetch)(void *ctx, void *dst, uint64_t uaddr,
				 size_t len);

/*
 * Serves a #VC raised by a task in ring 3 (regs: its frame, error code =
 * exit code): a CPUID (exit 0x72, instruction 0F A2 with the prefixes
 * vc_decode() accepts, fetched through `fetch`) is answered from the
 * CPUID page for env->cpu, the registers set as the CPU would (EAX..EDX
 * zero-extended) and RIP moved past it; the host is never asked. Errors,
 * each logged once at notice level, with regs unchanged, after which the
 * caller ends the task: SVSM_E_UNSUPPORTED (any other exit code),
 * SVSM_E_FAULT (RIP unreadable or not a user address), SVSM_E_INVAL (not
 * a CPUID instruction, or the page cannot answer the leaf).
 */
enum svsm_err __must_check snp_vc_user(const struct snp_vc_env *env,
				       struct user_regs *regs,
				       snp_vc_user_fetch fetch, void *ctx);
