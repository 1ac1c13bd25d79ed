/* SPDX-License-Identifier: MIT */
/*
 * The CPU setup user mode needs, and the small privileged operations the
 * task layer calls (include/svsm/arch/user.h).
 *
 * SYSCALL/SYSRET: EFER.SCE, STAR with the kernel and user selector bases,
 * LSTAR at user.S's entry, CSTAR at a stub, and SFMASK clearing every flag
 * a user could use against the kernel, the value Linux programs in
 * arch/x86/kernel/cpu/common.c (syscall_init): TF (no single-step trap in
 * ring 0), IF (nothing interrupts before the stack switch), DF (the C ABI),
 * AC (SMAP stays closed), NT, IOPL, RF and the arithmetic flags. AMD APM
 * Vol. 2, 6.1.1; Intel SDM Vol. 3A, 5.8.8.
 *
 * FPU/SSE/AVX: the kernel is built without SSE and never touches vector
 * state, so only a task switch saves and restores it, eagerly (lazy #NM
 * switching leaks state, CVE-2018-3665). CR0.MP/NE on and EM/TS off; CR4
 * OSFXSR, OSXMMEXCPT and, with XSAVE, OSXSAVE; XCR0 = x87 | SSE | AVX as
 * far as the CPU supports them (Intel SDM Vol. 1, 13.3; AMD APM Vol. 2,
 * 11.5). Without XSAVE, FXSAVE's 512-byte area is used.
 *
 * Tasks run with IF = 1 so that the preemption tick (apic.c) can end a
 * task that never makes a syscall; a task cannot change IF (IOPL 0). The
 * SVSM itself runs with IF = 0 (SFMASK clears it on SYSCALL, interrupt
 * gates on delivery). The legacy 8259 PICs are masked, so the only
 * interrupt is the local APIC timer.
 */
#include "svsm/arch/user.h"

#include "svsm/arch/cpu.h"
#include "svsm/arch/io.h"

#include "lib/string.h"
#include "x86/layout.h"
#include "x86/x86.h"

#define MSR_EFER	   0xc0000080u
#define MSR_STAR	   0xc0000081u
#define MSR_LSTAR	   0xc0000082u
#define MSR_CSTAR	   0xc0000083u
#define MSR_SFMASK	   0xc0000084u
#define MSR_FS_BASE	   0xc0000100u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_SCE	   (1ull << 0)
#define SFMASK_VALUE	   0x257fd5ull
#define CR4_OSFXSR	   (1ull << 9)
#define CR4_OSXMMEXCPT	   (1ull << 10)
#define CR4_OSXSAVE	   (1ull << 18)
#define XCR0_X87	   (1ull << 0)
#define XCR0_SSE	   (1ull << 1)
#define XCR0_AVX	   (1ull << 2)
#define RFLAGS_USER	   0x202ull /* IF and the fixed bit 1 */

extern const char arch_syscall_entry[];
extern const char arch_syscall_compat_entry[];

/* Read by user.S and trap.S: STAC/CLAC exist only with SMAP. */
bool arch_user_smap;
static bool use_xsave;
static uint64_t xcr0;
static size_t fpu_size = 512;

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo;
	uint32_t hi;

	/* SAFETY: the MSRs read here (EFER) exist on every x86-64 CPU. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	/*
	 * SAFETY: only the architectural SYSCALL, FS and GS MSRs are written,
	 * with values this file computed (selectors of the GDT in cpu.c,
	 * addresses of kernel text, canonical bases).
	 */
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static bool setup_fpu(void)
{
	uint32_t r[4];
	uint64_t cr0;
	uint64_t cr4;

	x86_cpuid(1, 0, r);
	if (!(r[3] & (1u << 24)) || !(r[3] & (1u << 26)))
		return false; /* FXSR, SSE2: every x86-64 CPU has them */
	use_xsave = r[2] & (1u << 26);
	/* SAFETY: reading CR0 and CR4 has no side effects. */
	__asm__ volatile("movq %%cr0, %0; movq %%cr4, %1"
			 : "=r"(cr0), "=r"(cr4));
	cr0 = (cr0 | (1ull << 1) | (1ull << 5)) & ~((1ull << 2) | (1ull << 3));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | (use_xsave ? CR4_OSXSAVE : 0);
	/*
	 * SAFETY: sets MP and NE and clears EM and TS in CR0, and enables the
	 * FXSAVE/SSE/XSAVE controls in CR4; the kernel executes no FPU or
	 * vector instruction, so nothing it runs changes meaning.
	 */
	__asm__ volatile("movq %0, %%cr0; movq %1, %%cr4"
			 :
			 : "r"(cr0), "r"(cr4)
			 : "memory");
	if (!use_xsave)
		return true;
	x86_cpuid(0xd, 0, r);
	xcr0 = (((uint64_t)r[3] << 32) | r[0]) &
	       (XCR0_X87 | XCR0_SSE | XCR0_AVX);
	/*
	 * SAFETY: XCR0 gets x87 and SSE (always supported with XSAVE) and AVX
	 * only if CPUID 0xD says so, so XSETBV cannot #GP.
	 */
	__asm__ volatile("xsetbv"
			 :
			 : "c"(0u), "a"((uint32_t)xcr0),
			   "d"((uint32_t)(xcr0 >> 32)));
	x86_cpuid(0xd, 0, r); /* EBX: the area size for the XCR0 just set */
	fpu_size = ALIGN_UP((size_t)r[1], 64);
	return true;
}

bool arch_user_init(void)
{
	uint32_t r[4];

	x86_cpuid(7, 0, r);
	arch_user_smap = r[1] & (1u << 20);
	if (!setup_fpu())
		return false;
	wrmsr(MSR_STAR,
	      ((uint64_t)USER_BASE_SEL << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)arch_syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)arch_syscall_compat_entry);
	wrmsr(MSR_SFMASK, SFMASK_VALUE);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* Mask both 8259s (OCW1): no legacy IRQ may reach ring 3. */
	arch_outb(0x21, 0xff);
	arch_outb(0xa1, 0xff);
	return true;
}

size_t arch_fpu_area_size(void)
{
	return fpu_size;
}

uint64_t arch_user_hwcap(void)
{
	uint32_t r[4];

	x86_cpuid(1, 0, r);
	return r[3];
}

uint64_t arch_user_minsigstksz(void)
{
	/*
	 * Linux's signal frame: the XSAVE area plus the ucontext and siginfo
	 * around it (arch/x86/kernel/signal.c, get_sigframe_size); 1 KiB
	 * covers those parts.
	 */
	return fpu_size + 1024;
}

void arch_fpu_area_init(void *area)
{
	uint8_t *a = area;
	uint16_t fcw = 0x037f;
	uint32_t mxcsr = 0x1f80;

	/*
	 * The legacy area's FCW (offset 0) and MXCSR (offset 24): Intel SDM
	 * Vol. 1, Table 10-2. XSTATE_BV stays 0, so XRSTOR puts every other
	 * component in its initial state; MXCSR is loaded whenever SSE is
	 * requested (SDM Vol. 1, 13.8.1).
	 */
	memcpy(a, &fcw, sizeof(fcw));
	memcpy(a + 24, &mxcsr, sizeof(mxcsr));
}

void arch_fpu_save(void *area)
{
	if (use_xsave) {
		/* SAFETY: area is 64-byte aligned and fpu_size long. */
		__asm__ volatile("xsave64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)xcr0),
				   "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	} else {
		/* SAFETY: area is 64-byte aligned and at least 512 bytes. */
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
	}
}

void arch_fpu_restore(const void *area)
{
	if (use_xsave) {
		/*
		 * SAFETY: area was filled by arch_fpu_area_init or
		 * arch_fpu_save, so its header and MXCSR are valid.
		 */
		__asm__ volatile("xrstor64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)xcr0),
				   "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	} else {
		/* SAFETY: as above, with a valid MXCSR. */
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	}
}

void arch_set_fs_base(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

void arch_load_cr3(uint64_t root)
{
	/*
	 * SAFETY: every root passed here maps the kernel half exactly as the
	 * SVSM's own tables do (task address spaces share its upper entries),
	 * so the running code, stack and data stay mapped.
	 */
	__asm__ volatile("movq %0, %%cr3" : : "r"(root) : "memory");
}

void arch_user_regs_init(struct user_regs *r, uint64_t rip, uint64_t rsp)
{
	memset(r, 0, sizeof(*r));
	r->rip = rip;
	r->rsp = rsp;
	r->cs = USER_CS;
	r->ss = USER_DS;
	r->rflags = RFLAGS_USER;
}
