/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 side of the SEV-SNP kernel's boot and #VC glue
 * (svsm/arch/snp_boot.h). Only the SNP kernel links this file.
 */
#include <stdbool.h>

#include "svsm/arch/cpu.h"
#include "svsm/arch/snp_ap.h"
#include "svsm/arch/snp_boot.h"

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/percpu.h"

#include "lib/string.h"
#include "x86/layout.h"
#include "x86/x86.h"

extern const uint64_t trap_stub_table[32];
extern const uint32_t snp_entry_cbit; /* snp_entry.S */
extern char __text_end[];

/* AMD64 APM vol. 2, 8.9.3 (64-bit interrupt gate). */
struct early_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
static_assert(sizeof(struct early_gate) == 16, "APM vol. 2, 8.9.3");

static struct early_gate early_idt[32] __aligned(16);
/*
 * entry.S's boot GDT (same selectors), but at a kernel address: the boot
 * GDT lies in the identity map, which vm_init() drops before
 * arch_cpu_init() loads the per-CPU GDT, and a #VC in between loads CS
 * and SS from the GDT.
 */
static const uint64_t early_gdt[4] __aligned(16) = {
	0, 0x00cf9a000000ffffull, /* BOOT_CS32 */
	0x00cf92000000ffffull,	  /* BOOT_DS */
	0x00af9a000000ffffull,	  /* BOOT_CS64 */
};

struct desc_reg {
	uint16_t limit;
	uint64_t base;
} __packed;

/*
 * The boot CPU's per-CPU record until arch_cpu_init() installs the real
 * one: GS base is 0 at launch, and code that runs before (the GHCB
 * client's arch_ghcb_cpu_index(), the #VC glue) reads this_cpu() through
 * GS. Without it GS:0 is linear address 0, a page the launch did not
 * validate, whose read raises #VC 0x404 and ends the VM. Index 0, APIC ID
 * 0 (what the CPUID page's answers use before the real record exists); a
 * kernel address, so trap.S sees "the kernel's GS" and does not SWAPGS.
 */
static struct percpu early_percpu = {.self = &early_percpu};

static void early_gs(void)
{
	uint64_t pc = (uint64_t)(uintptr_t)&early_percpu;

	/* SAFETY: IA32_GS_BASE (0xc0000101) takes a canonical address. */
	__asm__ volatile("wrmsr"
			 :
			 : "c"(0xc0000101u), "a"((uint32_t)pc),
			   "d"((uint32_t)(pc >> 32)));
}

void arch_snp_early_idt(void)
{
	struct desc_reg gdtr = {sizeof(early_gdt) - 1,
				(uint64_t)(uintptr_t)early_gdt};
	struct desc_reg idtr = {sizeof(early_idt) - 1,
				(uint64_t)(uintptr_t)early_idt};

	for (unsigned int v = 0; v < 32; v++) {
		uint64_t off = trap_stub_table[v];

		early_idt[v] = (struct early_gate){
			.offset_low = (uint16_t)off,
			.selector = BOOT_CS64,
			.type_attr = 0x8e, /* present, DPL 0, interrupt gate */
			.offset_mid = (uint16_t)(off >> 16),
			.offset_high = (uint32_t)(off >> 32),
		};
	}
	/*
	 * SAFETY: both tables are static; the GDT has the descriptors the
	 * loaded selectors already name (their cached copies do not change),
	 * the IDT gates to trap.S's stubs in its 64-bit code segment. LGDT
	 * and LIDT only record where the tables are. arch_cpu_init()
	 * replaces both.
	 */
	__asm__ volatile("lgdt %0\n\tlidt %1"
			 :
			 : "m"(gdtr), "m"(idtr)
			 : "memory");
	early_gs();
}

uint64_t arch_snp_sev_status(void)
{
	uint32_t lo;
	uint32_t hi;

	/*
	 * SAFETY: RDMSR of SEV_STATUS (0xC001_0131), which exists on every
	 * SEV guest, is not intercepted, and writes only EDX:EAX.
	 */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0010131u));
	return ((uint64_t)hi << 32) | lo;
}

unsigned int arch_snp_entry_cbit(void)
{
	return snp_entry_cbit;
}

void arch_snp_cpu_state(struct arch_snp_cpu_state *out)
{
	uint64_t cr4;
	uint32_t lo = 0;
	uint32_t hi = 0;
	uint64_t gs;

	/* SAFETY: reading CR4 has no side effects. */
	__asm__ volatile("movq %%cr4, %0" : "=r"(cr4));
	out->osxsave = cr4 & (1ull << 18);
	out->ospke = cr4 & (1ull << 22);
	out->xcr0 = 1; /* x87 only, until XSETBV */
	if (out->osxsave) {
		/*
		 * SAFETY: XGETBV with ECX = 0 reads XCR0; legal once
		 * CR4.OSXSAVE is set (checked above); writes EDX:EAX only.
		 */
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0u));
		out->xcr0 = ((uint64_t)hi << 32) | lo;
	}
	/* SAFETY: RDMSR of IA32_GS_BASE, as trap.c does; no side effects. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000101u));
	gs = ((uint64_t)hi << 32) | lo;
	out->apic_id = gs ? this_cpu()->apic_id : 0;
}

size_t arch_snp_insn_fetch(uint64_t rip, uint8_t *buf, size_t max)
{
	uint64_t end = (uint64_t)(uintptr_t)__text_end;
	size_t n;

	if (rip < KERNEL_VIRT_BASE || rip >= end)
		return 0;
	n = end - rip < max ? (size_t)(end - rip) : max;
	/*
	 * SAFETY: [rip, rip + n) lies in the kernel's text, which is
	 * mapped (and readable) from entry.S on; the bytes are the SVSM's.
	 */
	memcpy(buf, ptr_from_va(rip), n);
	return n;
}

/* ---- The SVSM's own APs (svsm/arch/snp_ap.h) -------------------------- */

extern const char snp_ap_entry64[]; /* snp_ap.S */

/* The reset value of IA32_PAT (AMD64 APM vol. 2, 7.8.2); csvsm keeps it. */
#define PAT_RESET 0x0007040600070406ull

void arch_snp_ap_context(struct arch_snp_ap_ctx *out)
{
	uint64_t cr0;
	uint64_t cr4;
	uint32_t lo = 1;
	uint32_t hi = 0;

	/* SAFETY: reading CR0 has no side effects. */
	__asm__ volatile("movq %%cr0, %0" : "=r"(cr0));
	/* SAFETY: reading CR4 has no side effects. */
	__asm__ volatile("movq %%cr4, %0" : "=r"(cr4));
	if (cr4 & (1ull << 18)) {
		/*
		 * SAFETY: XGETBV with ECX = 0 reads XCR0, legal with
		 * CR4.OSXSAVE (checked above); writes EDX:EAX only.
		 */
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0u));
	}
	*out = (struct arch_snp_ap_ctx){
		.cr0 = cr0,
		.cr3 = arch_read_cr3(),
		.cr4 = cr4,
		.efer = arch_read_efer(),
		.xcr0 = ((uint64_t)hi << 32) | lo,
		.pat = PAT_RESET,
		/*
		 * The early tables: static, at kernel addresses, never
		 * changed after the boot CPU filled them; the AP loads its
		 * own in arch_cpu_init() before anything can raise #VC.
		 */
		.gdt_base = (uint64_t)(uintptr_t)early_gdt,
		.gdt_limit = sizeof(early_gdt) - 1,
		.idt_base = (uint64_t)(uintptr_t)early_idt,
		.idt_limit = sizeof(early_idt) - 1,
		.cs = BOOT_CS64,
		.ds = BOOT_DS,
		.entry = (uint64_t)(uintptr_t)snp_ap_entry64,
	};
}

void arch_snp_ap_halt(void)
{
	/*
	 * SAFETY: HLT at CPL0 with interrupts off only stops this CPU until
	 * the host resumes it; it touches no memory ("memory": the caller
	 * re-reads what other CPUs wrote meanwhile).
	 */
	__asm__ volatile("hlt" ::: "memory");
}
