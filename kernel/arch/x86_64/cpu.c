/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU descriptor tables for x86-64: a GDT with kernel code/data and a
 * TSS whose IST slots hold the double-fault, NMI and machine-check stacks,
 * and one shared IDT pointing at the stubs in trap.S. Also the small CPU
 * instructions the core needs (halt, pause, CPUID, RDRAND/RDSEED).
 *
 * Inline assembly is allowed in this directory only; each site says why it
 * is sound in a SAFETY comment.
 */
#include "svsm/arch/cpu.h"

#include <stddef.h>

#include "svsm/arch/io.h"
#include "svsm/arch/user.h"

#include "svsm/percpu.h"
#include "svsm/plat/plat.h"

#include "abi/csvsm_boot.h"

#include "asm_offsets.h" /* generated from asm_offsets.c */
#include "lib/rng_check.h"
#include "x86/layout.h"
#include "x86/x86.h"

static_assert(offsetof(struct csvsm_boot_info, region_size) ==
		      BOOT_INFO_REGION_SIZE,
	      "entry.S reads region_size at this offset");
static_assert(offsetof(struct percpu, self) == 0,
	      "this_cpu() reads the self pointer at GS:0");
static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP &&
		      offsetof(struct percpu, task_kstack_top) ==
			      PERCPU_TASK_KSTACK &&
		      offsetof(struct percpu, task_resume_rsp) ==
			      PERCPU_TASK_RESUME,
	      "user.S reads these fields at the generated offsets");

/* Intel SDM Vol. 3A, 8.7 (64-bit TSS). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
static_assert(sizeof(struct tss64) == 104, "SDM Vol. 3A, Figure 8-11");

/* Intel SDM Vol. 3A, 6.14.1 (64-bit IDT gate descriptor). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
static_assert(sizeof(struct idt_gate) == 16, "SDM Vol. 3A, Figure 6-8");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* null, code, data, TSS (two slots), null base, user data, user code */
#define GDT_ENTRIES 8

struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss64 tss;
} __aligned(16);

static struct cpu_tables cpu_tables[CFG_MAX_CPUS];
static struct idt_gate idt[256] __aligned(16);
extern const uint64_t trap_stub_table[32];
extern const char trap_stub_timer[], trap_stub_spurious[];

/* An interrupt gate, DPL 0 (so ring 3 cannot raise it with INT n). */
static struct idt_gate gate(uint64_t off, uint8_t ist)
{
	return (struct idt_gate){
		.offset_low = (uint16_t)off,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = 0x8e, /* present, DPL0, interrupt gate */
		.offset_mid = (uint16_t)(off >> 16),
		.offset_high = (uint32_t)(off >> 32),
	};
}

static void idt_build_once(void)
{
	static bool built;

	if (built)
		return;
	for (unsigned int v = 0; v < 32; v++) {
		uint64_t off = trap_stub_table[v];
		uint8_t ist = 0;

		if (v == 8)
			ist = IST_DOUBLE_FAULT + 1;
		else if (v == 2)
			ist = IST_NMI + 1;
		else if (v == 18)
			ist = IST_MACHINE_CHECK + 1;
		idt[v] = gate(off, ist);
	}
	idt[ARCH_VECTOR_TIMER] = gate((uintptr_t)trap_stub_timer, 0);
	idt[ARCH_VECTOR_SPURIOUS] = gate((uintptr_t)trap_stub_spurious, 0);
	built = true;
}

static void gdt_build(struct cpu_tables *t, const struct percpu *pc)
{
	uint64_t base = (uint64_t)(uintptr_t)&t->tss;
	uint64_t limit = sizeof(t->tss) - 1;

	t->gdt[0] = 0;
	t->gdt[1] = 0x00af9a000000ffffull; /* 64-bit code, DPL0 */
	t->gdt[2] = 0x00cf92000000ffffull; /* data */
	/* SDM Vol. 3A, 8.2.3: 16-byte available 64-bit TSS descriptor. */
	t->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		    (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		    (((base >> 24) & 0xff) << 56);
	t->gdt[4] = base >> 32;
	/* x86/layout.h: USER_BASE_SEL stays null, then user data and code. */
	t->gdt[5] = 0;
	t->gdt[6] = 0x00cff2000000ffffull; /* data, DPL3 */
	t->gdt[7] = 0x00affa000000ffffull; /* 64-bit code, DPL3 */
	static_assert(USER_DS == ((6 << 3) | 3) && USER_CS == ((7 << 3) | 3) &&
			      USER_BASE_SEL + 8 == USER_DS &&
			      USER_BASE_SEL + 16 == USER_CS,
		      "SYSRET derives SS and CS from STAR[63:48]");
	t->tss = (struct tss64){.iomap_base = sizeof(struct tss64)};
	for (unsigned int i = 0; i < IST_COUNT; i++)
		t->tss.ist[i] = pc->ist_top[i];
}

void arch_cpu_init(struct percpu *pc)
{
	struct cpu_tables *t = &cpu_tables[pc->index];
	struct desc_ptr gdtr = {sizeof(t->gdt) - 1, (uintptr_t)t->gdt};
	struct desc_ptr idtr = {sizeof(idt) - 1, (uintptr_t)idt};
	uint64_t pcval = (uint64_t)(uintptr_t)pc;

	idt_build_once();
	gdt_build(t, pc);
	/*
	 * SAFETY: loads descriptor tables this function just built in static
	 * storage; the far return reloads CS with the same flat 64-bit code
	 * segment the CPU already runs in, so execution continues in place.
	 */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(gdtr), "i"(KERNEL_CS), "i"(KERNEL_DS),
			   "r"(KERNEL_TSS), "m"(idtr)
			 : "rax", "memory");
	/* SAFETY: IA32_GS_BASE (0xc0000101) takes a canonical address. */
	__asm__ volatile("wrmsr"
			 :
			 : "c"(0xc0000101u), "a"((uint32_t)pcval),
			   "d"((uint32_t)(pcval >> 32)));
}

void arch_set_kernel_stack(uintptr_t top)
{
	/* The stack a fault or interrupt from ring 3 switches to (RSP0). */
	cpu_tables[this_cpu()->index].tss.rsp[0] = top;
}

struct percpu *arch_this_cpu(void)
{
	struct percpu *pc;

	/* SAFETY: GS:0 holds the self pointer arch_cpu_init() installed. */
	__asm__ volatile("movq %%gs:0, %0" : "=r"(pc));
	return pc;
}

void arch_halt_forever(void)
{
	for (;;) {
		/* SAFETY: stops this CPU; no state is touched. */
		__asm__ volatile("cli; hlt");
	}
}

void arch_wait_for_interrupt(void)
{
	/* SAFETY: waits for the next interrupt; no state is touched. */
	__asm__ volatile("hlt");
}

void arch_cpu_relax(void)
{
	/* SAFETY: PAUSE is a hint with no architectural effect. */
	__asm__ volatile("pause");
}

void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	uint32_t a;
	uint32_t b;
	uint32_t c;
	uint32_t d;

	/* SAFETY: CPUID only writes the four output registers. */
	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(leaf), "c"(sub));
	r[0] = a;
	r[1] = b;
	r[2] = c;
	r[3] = d;
}

uint32_t arch_apic_id(void)
{
	uint32_t r[4];

	x86_cpuid(1, 0, r);
	return r[1] >> 24;
}

/* One RDSEED or RDRAND attempt; the carry flag says whether it worked. */
static __no_stack_prot bool rand_step(bool seed, uint64_t *out)
{
	uint64_t v;
	uint8_t ok;

	if (seed) {
		/* SAFETY: RDSEED writes only its register and CF. */
		__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok));
	} else {
		/* SAFETY: RDRAND writes only its register and CF. */
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	}
	*out = v;
	return ok;
}

/* The last sample handed out (all CPUs; a lost update only weakens the
 * repeat check for one sample). */
static uint64_t last_sample;

__no_stack_prot bool arch_hw_random(uint64_t *out)
{
	/*
	 * Which instructions exist is the platform's to say: this runs
	 * before there is an IDT, where SEV-SNP cannot execute CPUID.
	 */
	unsigned int sources = plat_rng_sources();
	bool has_seed = sources & PLAT_RNG_RDSEED;
	bool has_rand = sources & PLAT_RNG_RDRAND;

	/*
	 * Intel's DRNG guide advises up to 10 RDRAND retries. A sample that
	 * reports success but is implausible (lib/rng_check.h) counts as a
	 * failure.
	 */
	for (int i = 0; i < 10; i++) {
		if (has_seed && rand_step(true, out) &&
		    rng_sample_plausible(*out, &last_sample))
			return true;
		if (has_rand && rand_step(false, out) &&
		    rng_sample_plausible(*out, &last_sample))
			return true;
	}
	*out = 0;
	return false;
}

void arch_udelay(uint32_t us)
{
	/* Each write to the POST port takes about a microsecond. */
	while (us--)
		arch_outb(0x80, 0);
}

uint64_t arch_read_cr3(void)
{
	uint64_t v;

	/* SAFETY: reading CR3 has no side effects. */
	__asm__ volatile("movq %%cr3, %0" : "=r"(v));
	return v;
}

uint64_t arch_read_efer(void)
{
	uint32_t lo;
	uint32_t hi;

	/* SAFETY: reading IA32_EFER has no side effects. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
	return ((uint64_t)hi << 32) | lo;
}

bool arch_has_nx(void)
{
	uint32_t r[4];

	x86_cpuid(0x80000001u, 0, r);
	return r[3] & (1u << 20);
}

unsigned int arch_vm_activate(uint64_t root)
{
	unsigned int on = 0;
	uint32_t r[4];
	uint64_t cr4;

	x86_cpuid(7, 0, r);
	/* SAFETY: reading CR4 has no side effects. */
	__asm__ volatile("movq %%cr4, %0" : "=r"(cr4));
	if (r[1] & (1u << 7)) {
		cr4 |= 1ull << 20; /* SMEP */
		on |= ARCH_VM_SMEP;
	}
	if (r[1] & (1u << 20)) {
		cr4 |= 1ull << 21; /* SMAP */
		on |= ARCH_VM_SMAP;
	}
	/*
	 * SAFETY: `root` maps the running code, stack and data at the same
	 * addresses as the tables being replaced (vm_init() built it so);
	 * SMEP/SMAP only forbid touching user pages, of which there are none.
	 */
	__asm__ volatile("movq %0, %%cr3\n\t"
			 "movq %1, %%cr4"
			 :
			 : "r"(root), "r"(cr4)
			 : "memory");
	return on;
}

void arch_flush_tlb_page(uintptr_t va)
{
	/* SAFETY: INVLPG only drops a cached translation. */
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

uint64_t arch_apic_base(void)
{
	uint32_t lo;
	uint32_t hi;

	/* SAFETY: reading IA32_APIC_BASE has no side effects. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1bu));
	return (((uint64_t)hi << 32) | lo) & 0x000ffffffffff000ull;
}
