/* SPDX-License-Identifier: MIT */
/*
 * The platform interface (svsm/plat/plat.h) of the SEV-SNP kernel: the
 * console's port I/O through the GHCB (IOIO events, 56421), page tables
 * with the C-bit the launch checks accepted, termination through the
 * GHCB MSR protocol (csvsm's reason set 3, code = CSVSM_EXIT_*), and the
 * #VC handler's glue. Kernel only (the hosted tests drive vc.c and
 * ghcb.c directly).
 */
#define LOG_PREFIX "snp: "
#include "svsm/plat/plat.h"

#include "svsm/arch/cpu.h"
#include "svsm/arch/snp.h"
#include "svsm/arch/snp_ap.h"
#include "svsm/arch/snp_boot.h"
#include "svsm/arch/user.h"

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/percpu.h"
#include "svsm/smp.h"

#include "abi/ghcb.h"
#include "abi/snp_term.h"

#include "snp/ghcb.h"
#include "snp/hv_doorbell.h"
#include "snp/loop.h"
#include "snp/plat_snp.h"
#include "snp/shared_pages.h"
#include "snp/smp.h"
#include "snp/vc.h"
#include "snp/vcpu.h"

const char *plat_name(void)
{
	return "SEV-SNP";
}

/*
 * One port access of `size` (GHCB_IOIO_SZ8/SZ32) through the GHCB; false
 * when there is no GHCB or the host failed.
 */
static bool io(uint16_t port, uint64_t size, bool in, uint64_t val,
	       uint64_t *out)
{
	uint64_t info = ((uint64_t)port << GHCB_IOIO_PORT_SHIFT) | size |
			GHCB_IOIO_A64 | (in ? GHCB_IOIO_TYPE_IN : 0);

	return ghcb_registered() && ghcb_ioio(info, val, out) == SVSM_OK;
}

static bool io8(uint16_t port, bool in, uint8_t val, uint8_t *out)
{
	uint64_t v = 0;

	if (!io(port, GHCB_IOIO_SZ8, in, val, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

void plat_io_write32(uint16_t port, uint32_t val)
{
	uint64_t unused = 0;

	/* PCI's CF8: a write the host drops leaves the old address, and the
	 * data read that follows is the host's answer anyway (untrusted). */
	(void)io(port, GHCB_IOIO_SZ32, false, val, &unused);
}

void plat_io_write8(uint16_t port, uint8_t val)
{
	uint8_t unused;

	/* The console is the host's: output it drops is simply lost. */
	(void)io8(port, false, val, &unused);
}

uint8_t plat_io_read8(uint16_t port)
{
	uint8_t v = 0xff;

	/* 0xff on failure: a UART that looks ready, so nothing waits on it. */
	if (!io8(port, true, 0, &v))
		return 0xff;
	return v;
}

uint64_t plat_pte_private_bits(void)
{
	return 1ull << snp_boot_cbit();
}

uint64_t plat_pte_shared_bits(void)
{
	return 0; /* shared = the C-bit clear */
}

enum svsm_err plat_share(paddr_t pa, uint64_t pages, bool *lost)
{
	return snp_share_pages(pa, pages, lost);
}

enum svsm_err plat_unshare(paddr_t pa, uint64_t pages)
{
	return snp_unshare_pages(pa, pages);
}

/* How long the boot CPU waits for its APs to report, in microseconds. */
#define AP_WAIT_US 1000000u

uint32_t plat_start_aps(const struct boot_params *bp)
{
	/*
	 * TRUST: the vCPU count is the host's (boot parameters); percpu.c
	 * made a record for each, at most CFG_MAX_CPUS. The host decides
	 * whether each AP runs: one that does not is counted out.
	 */
	struct arch_snp_ap_ctx ctx;
	uint32_t count = percpu_count();
	uint32_t announced = 1;
	uint32_t online;

	/*
	 * The boot CPU's #HV doorbell, now that the heap is up (nothing
	 * without restricted injection). The APs register none: they run
	 * with interrupts off and take no interrupt (docs/snp.md).
	 */
	snp_hvdb_cpu_init();
	/* The boot CPU's loop serves APIC ID 0 (fw_boot.c). */
	if (snp_vcpu_serve(0) != SVSM_OK)
		log_warn("APIC ID 0 declared twice");
	if (bp->vcpu_count < 2 || count < 2)
		return 1;
	arch_snp_ap_context(&ctx);
	for (uint32_t i = 1; i < count; i++) {
		struct percpu *pc = percpu_get(i);
		/* QEMU numbers its vCPUs' APIC IDs 0..n-1 (not asked of
		 * the host; fw_boot.c takes the same numbering). */
		struct snp_ap_cpu cpu = {
			.index = i,
			.apic_id = i,
			.stack_top = pc->stack_top,
			.gs_base = (uint64_t)(uintptr_t)pc,
		};

		/* What the AP's CPUID answers say before it runs. */
		pc->apic_id = i;
		if (snp_ap_start(&ctx, &cpu) == SVSM_OK)
			announced++;
	}
	online = smp_wait_online(announced, AP_WAIT_US);
	(void)snp_aps_report(count);
	return online;
}

/*
 * The AP's request loop (docs/snp.md, "The APs' request loops"): wait with
 * HLT while the guest has no vCPU for this APIC ID, serve it turn after
 * turn while it has one. Leaving a wait, the AP flushes the TLBs: pages
 * the boot CPU shared or unshared meanwhile were flushed on the boot CPU
 * only (kernel/plat/snp/shared_pages.c).
 */
static __noreturn void ap_serve(uint32_t apic_id)
{
	struct snp_ap_loop l = {.apic_id = apic_id};
	bool waited = true;

	for (;;) {
		enum snp_ap_step st;

		if (waited)
			arch_snp_flush_tlb_global();
		waited = false;
		st = snp_ap_loop_step(&l);
		if (st == SNP_AP_STEP_IDLE) {
			arch_snp_ap_halt();
			waited = true;
		} else if (st == SNP_AP_STEP_RETRY) {
			arch_udelay(10);
		} else if (st == SNP_AP_STEP_FAIL) {
			ghcb_terminate(SNP_TERM_SET_CSVSM, SNP_TERM_RUN_VMPL);
		}
	}
}

/* snp_ap_entry64 (snp_ap.S) calls this on each AP, on its own stack. */
__noreturn void snp_ap_main(uint32_t index);

void snp_ap_main(uint32_t index)
{
	struct percpu *pc = percpu_get(index);
	const struct snp_ap *ap = snp_ap_get(index);

	if (!pc || !ap)
		arch_halt_forever();
	arch_cpu_init(pc);
	/* Without its GHCB the AP can do nothing; the boot CPU logs it. */
	if (snp_ap_ghcb_init(index) != SVSM_OK)
		arch_halt_forever();
	/*
	 * A call the AP serves may run a task (the vTPM, under the protocol
	 * lock): SYSCALL and the FPU controls are per-CPU state, set here
	 * as on the boot CPU (task_init). Without them the AP serves no
	 * vCPU at all rather than fault in one call.
	 */
	if (!arch_user_init())
		arch_halt_forever();
	/*
	 * The APIC ID the host was given for this AP's VMSA (smp.c),
	 * declared before the AP reports online: once the boot CPU has
	 * counted it, the guest may create a vCPU for it.
	 */
	if (snp_vcpu_serve(ap->apic_id) != SVSM_OK)
		arch_halt_forever();
	smp_ap_online(pc);
	ap_serve(ap->apic_id);
}

void plat_terminate(uint32_t code)
{
	ghcb_terminate(SNP_TERM_SET_CSVSM, code & 0xffu);
}

/*
 * What CPUID depends on, read from this CPU: CR4 and XCR0 are set once
 * for the SVSM and its tasks alike (arch_user_init()), so the SVSM's and
 * a task's CPUID see the same values.
 */
static struct snp_vc_env vc_env(void)
{
	struct arch_snp_cpu_state cs;
	struct snp_vc_env env = {.cpuid = snp_boot_cpuid()};

	arch_snp_cpu_state(&cs);
	env.cpu = (struct snp_cpuid_cpu){
		.xcr0 = cs.xcr0,
		.xss = 0, /* csvsm never sets IA32_XSS */
		.osxsave = cs.osxsave,
		.ospke = cs.ospke,
		.apic_id = cs.apic_id,
	};
	return env;
}

bool snp_plat_vc(struct user_regs *regs)
{
	struct snp_vc_env env = vc_env();
	uint8_t insn[VC_INSN_MAX];
	size_t n = arch_snp_insn_fetch(regs->rip, insn, sizeof(insn));
	unsigned int rc;

	rc = snp_vc_handle(&env, regs, insn, n);
	if (rc)
		ghcb_terminate(snp_vc_reason_set(rc), rc);
	return true;
}

static int user_fetch(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	return arch_copy_from_user(dst, uaddr, len);
}

bool snp_plat_vc_user(struct user_regs *regs)
{
	struct snp_vc_env env = vc_env();

	return snp_vc_user(&env, regs, user_fetch, NULL) == SVSM_OK;
}
