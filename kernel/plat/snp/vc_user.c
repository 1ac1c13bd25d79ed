/* SPDX-License-Identifier: MIT */
/*
 * CPUID executed by a task (ring 3) on SEV-SNP (snp/vc.h, snp_vc_user()).
 * Under SNP every CPUID is intercepted, so in ring 3 it raises #VC with
 * exit code 0x72 (AMD64 APM vol. 2, "#VC Exception"), and glibc runs
 * dozens of them before its first syscall. The answer comes from the
 * CPUID page by the same rules as the SVSM's own CPUID (snp/cpuid.h), for
 * this CPU's CR4 and XCR0, which are the ones tasks run with; the host is
 * never asked. Everything else a task can raise as #VC ends the task:
 * like Linux since CVE-2023-46813 (arch/x86/coco/sev/, the opcode checks
 * of vc_check_opcode_bytes()), csvsm emulates no I/O, MSR or MMIO access
 * for user mode.
 *
 * Hosted as well as in the kernel: the instruction bytes come through a
 * fetch callback (arch_copy_from_user() in the kernel, a fake in tests).
 */
#define LOG_PREFIX "vc: "
#include "svsm/arch/user.h"

#include "svsm/log.h"

#include "snp/vc.h"

#define PAGE_BYTES 4096ull

/*
 * Copies the up to VC_INSN_MAX bytes at rip into buf, page by page: the
 * first page must be readable (the CPU fetched the instruction from it),
 * a fault on the next one only shortens what the decoder gets. Returns
 * the byte count, 0 on a fault in the first page or a RIP outside user
 * space.
 */
static size_t fetch_insn(snp_vc_user_fetch fetch, void *ctx, uint64_t rip,
			 uint8_t *buf)
{
	uint64_t want;
	uint64_t first;

	if (rip >= USER_TOP)
		return 0;
	want = USER_TOP - rip < VC_INSN_MAX ? USER_TOP - rip : VC_INSN_MAX;
	first = PAGE_BYTES - (rip & (PAGE_BYTES - 1));
	if (first > want)
		first = want;
	if (fetch(ctx, buf, rip, (size_t)first) != 0)
		return 0;
	if (first < want &&
	    fetch(ctx, buf + first, rip + first, (size_t)(want - first)) == 0)
		return (size_t)want;
	return (size_t)first;
}

enum svsm_err snp_vc_user(const struct snp_vc_env *env, struct user_regs *regs,
			  snp_vc_user_fetch fetch, void *ctx)
{
	/*
	 * TRUST: everything here is the task's: its RIP, its registers, the
	 * bytes at RIP (copied once, then only the copy is read), and, since
	 * a host can inject a #VC, the exit code too. Only a CPUID (0F A2,
	 * with the prefixes vc_decode() allows) at a readable user RIP with
	 * exit code 0x72 is answered; every other case leaves regs alone and
	 * ends the task, never the SVSM.
	 */
	uint8_t insn[VC_INSN_MAX];
	uint32_t out[4];
	struct vc_insn d;
	size_t n;

	if (regs->error_code != VC_EXIT_CPUID) {
		log_notice("#VC 0x%llx from a task at 0x%llx: only CPUID is "
			   "emulated for tasks",
			   (unsigned long long)regs->error_code,
			   (unsigned long long)regs->rip);
		return SVSM_E_UNSUPPORTED;
	}
	n = fetch_insn(fetch, ctx, regs->rip, insn);
	if (n == 0) {
		log_notice("#VC CPUID from a task at 0x%llx: the instruction "
			   "cannot be read",
			   (unsigned long long)regs->rip);
		return SVSM_E_FAULT;
	}
	if (vc_decode(VC_EXIT_CPUID, insn, n, &d) != SVSM_OK ||
	    d.kind != VC_INSN_CPUID) {
		log_notice("#VC CPUID from a task at 0x%llx: not a CPUID "
			   "instruction",
			   (unsigned long long)regs->rip);
		return SVSM_E_INVAL;
	}
	if (snp_cpuid(env->cpuid, &env->cpu, (uint32_t)regs->rax,
		      (uint32_t)regs->rcx, out) != SVSM_OK) {
		log_notice("#VC CPUID from a task at 0x%llx: the CPUID page "
			   "cannot answer leaf 0x%x.%x",
			   (unsigned long long)regs->rip, (uint32_t)regs->rax,
			   (uint32_t)regs->rcx);
		return SVSM_E_INVAL;
	}
	regs->rax = out[0];
	regs->rbx = out[1];
	regs->rcx = out[2];
	regs->rdx = out[3];
	regs->rip += d.len;
	return SVSM_OK;
}
