/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture: the arch interface implemented on the host, so
 * that kernel code (allocators, page tables, parsers) runs in the hosted
 * unit tests and fuzzers under ASan and UBSan (Hafnium's src/arch/fake).
 *
 * Physical memory is a host mapping: fake_mm_init(size) returns the fake
 * physical base of `size` bytes that arch_phys_to_virt() translates. It
 * is sparse (MAP_NORESERVE): a page takes host memory only once touched,
 * so a model machine may span 0..4 GiB and more.
 * panic() long-jumps back to FAKE_EXPECT_PANIC() when a test expects it,
 * and aborts the test binary otherwise.
 */
#pragma once

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/*
 * Fake physical memory starts here by default (not 0: a zero address
 * must stay special); fake_mm_init_at() puts it elsewhere.
 */
#define FAKE_PHYS_BASE 0x40000000ull

/* (Re)creates fake physical memory of `size` bytes, zeroed; returns its base. */
uint64_t fake_mm_init(uint64_t size);
/*
 * The same at fake physical address `base` (page aligned; 0 allowed), for
 * a machine laid out as a real one is (firmware sections at 8 MiB, the
 * firmware image ending at 4 GiB). Returns base.
 */
uint64_t fake_mm_init_at(uint64_t base, uint64_t size);
/* Releases it. */
void fake_mm_free(void);
/* Where fake memory starts now, and its size (0 when there is none). */
uint64_t fake_mm_base(void);
uint64_t fake_mm_size(void);

/*
 * Guest-memory hooks (fake_guest.c): accesses to [base, base + size) fail
 * like a faulting page; after_copy runs after every copy from guest memory
 * (to flip bytes between two reads); copies counts them.
 */
extern uint64_t fake_guest_fault_base;
extern uint64_t fake_guest_fault_size;
extern void (*fake_guest_after_copy)(uint64_t gpa, size_t len);
/*
 * The 2 MiB page vm_temp_map_2m() maps now, 0 when none: a 2 MiB SNP
 * instruction must be given it (fake_snp.c).
 */
extern uint64_t fake_window_2m_pa;
/*
 * The boot page tables' 2 MiB mappings (entry.S maps the SVSM region with
 * 2 MiB pages before vm_init()): a 2 MiB-aligned address in
 * [lo, hi) is also a usable 2 MiB SNP operand. Empty (0, 0) by default;
 * the boot path's tests set it.
 */
extern uint64_t fake_boot_map_2m_lo, fake_boot_map_2m_hi;
/*
 * The fake vm_linear_set_shared() (fake_guest.c): whether the page's
 * linear mapping is shared now (fake memory below 16 MiB), how many calls
 * ran, and an error the next call returns without changing anything.
 * Every page of fake memory has its record (fake_vm_reset sizes it).
 */
bool fake_vm_shared(uint64_t pa);
void fake_vm_reset(void); /* all private, counters 0 (fake_mm_init/_free) */
extern unsigned int fake_vm_set_shared_calls;
extern enum svsm_err fake_vm_set_shared_fail;
/* When set, an access it refuses faults (fake_snp_rmp_guards_access). */
extern bool (*fake_guest_access_ok)(uint64_t gpa, size_t len);
extern unsigned int fake_guest_copies;

/*
 * SEV-SNP instructions (fake_snp.c): arch_pvalidate and arch_rmpadjust run
 * against this RMP model (sim/rmp.h; a test sets it up with sim_rmp_init
 * over fake memory, whose fake physical addresses are the model's GPAs),
 * executed at VMPL fake_snp_vmpl (0 unless a test models an SVSM that is
 * not at VMPL0). The counters let a test prove that a refused request
 * executed no instruction; fake_snp_tlb_flushes counts
 * arch_snp_flush_tlb_global() calls, and fake_snp_last_op records which
 * of the three ran last (FAKE_SNP_OP_*), so a test can check that a flush
 * came between revoking permissions and PVALIDATE.
 */
struct sim_rmp;
extern struct sim_rmp fake_snp_rmp;
extern unsigned int fake_snp_vmpl;
extern unsigned int fake_snp_pvalidates;
extern unsigned int fake_snp_rmpadjusts;
extern unsigned int fake_snp_tlb_flushes;
enum fake_snp_op {
	FAKE_SNP_OP_NONE,
	FAKE_SNP_OP_PVALIDATE,
	FAKE_SNP_OP_RMPADJUST,
	FAKE_SNP_OP_FLUSH,
	FAKE_SNP_OP_RMPQUERY,
};
extern enum fake_snp_op fake_snp_last_op;
/*
 * Called after every fake PVALIDATE/RMPADJUST with the GPA it acted on,
 * so a test can model a host that changes the RMP between two steps.
 */
extern void (*fake_snp_after_op)(enum fake_snp_op op, uint64_t gpa);
/* Zeroes the counters and the hook; the RMP is left alone. */
void fake_snp_reset_counters(void);

/*
 * The GHCB instructions (fake_ghcb.c): the machine behind
 * include/svsm/arch/ghcb.h. No SVSM code uses these; the adapter to the
 * model hypervisor (fake_snp.c) and tests do.
 */

/* The GHCB MSR of the fake CPU, and which CPU the code "runs" on. */
extern uint64_t fake_ghcb_msr;
extern unsigned int fake_ghcb_cpu;
/* VMGEXITs executed. */
extern unsigned int fake_vmgexits;

/*
 * The hypervisor VMGEXIT runs, synchronously: it gets the CPU index, the
 * GHCB MSR (to read and answer in) and the page the MSR names when it
 * holds a GHCB GPA inside fake memory (else NULL). It returns true to stop
 * the vCPU for good (a termination). NULL: VMGEXIT changes nothing.
 */
extern bool (*fake_vmgexit_hook)(unsigned int cpu, uint64_t *msr,
				 void *ghcb_page);

/*
 * A stopped vCPU never runs again: the fake long-jumps back to
 * FAKE_EXPECT_VCPU_STOP() when a test armed it, and aborts otherwise.
 * fake_vcpu_halted tells whether the SVSM itself halted
 * (arch_halt_forever) rather than the hypervisor stopping it.
 */
extern jmp_buf fake_vcpu_stop_jmp;
extern bool fake_vcpu_stop_armed;
extern bool fake_vcpu_halted;

/* Evaluates `stmt`; true when the vCPU stopped in it (which is caught). */
#define FAKE_EXPECT_VCPU_STOP(stmt)                    \
	({                                             \
		bool fake_stopped_ = false;            \
		fake_vcpu_halted = false;              \
		fake_vcpu_stop_armed = true;           \
		if (setjmp(fake_vcpu_stop_jmp) == 0) { \
			stmt;                          \
		} else {                               \
			fake_stopped_ = true;          \
		}                                      \
		fake_vcpu_stop_armed = false;          \
		fake_stopped_;                         \
	})

/*
 * The adapter to the SEV-SNP machine model (fake_snp.c), the one place
 * where the fake arch meets sim/: fake_snp_hv_start() resets the model
 * hypervisor (sim_hv_reset) and puts it behind the fake VMGEXIT, on CPU 0
 * with the GHCB MSR 0, the RMP guard of guest-memory accesses off; fake_snp_hv_stop() takes it away again (VMGEXIT
 * then changes nothing). The model reaches fake memory through sim_mem()
 * (sim/mem.h), which the adapter defines.
 */
void fake_snp_hv_start(void);
void fake_snp_hv_stop(void);
/*
 * From now on (on = true) a guest-memory copy of the SVSM's faults unless
 * every page it touches is assigned and validated in the model's RMP: on
 * hardware, touching a page that is not validated raises #VC (error code
 * 0x404, AMD64 APM vol. 2, "#VC Exception"; the host converts a
 * private access to a shared page into such a page), which the SVSM
 * recovers like a fault.
 */
void fake_snp_rmp_guards_access(bool on);

/*
 * The fake clock, in microseconds: it moves only when the SVSM waits
 * (arch_udelay), so tests of time budgets are exact and instant. The
 * model reads it through sim_now_us().
 */
extern uint64_t fake_time_us;

/*
 * Console capture: while fake_console_buf is set, console output goes
 * into it (fake_console_size bytes, always NUL-terminated, the rest cut)
 * instead of stdout; fake_console_len counts what it holds.
 */
extern char *fake_console_buf;
extern size_t fake_console_size;
extern size_t fake_console_len;

extern jmp_buf fake_panic_jmp;
extern bool fake_panic_armed;
extern char fake_panic_msg[256];

/* Evaluates `stmt`; true when it called panic() (which is then caught). */
#define FAKE_EXPECT_PANIC(stmt)                    \
	({                                         \
		bool fake_panicked_ = false;       \
		fake_panic_armed = true;           \
		if (setjmp(fake_panic_jmp) == 0) { \
			stmt;                      \
		} else {                           \
			fake_panicked_ = true;     \
		}                                  \
		fake_panic_armed = false;          \
		fake_panicked_;                    \
	})

/*
 * #HV and the interrupt handlers (fake_hv.c, svsm/arch/hv.h): what the
 * platform installed, and the interrupts it handed on. fake_irq_hook, when
 * set, runs inside arch_trap_interrupt() (a test's nested #HV).
 */
struct user_regs;
extern bool (*fake_hv_handler)(struct user_regs *regs);
extern void (*fake_hv_poll)(void);
struct fake_irq_log {
	unsigned int ticks;	 /* timer vectors handed on */
	unsigned int user_ticks; /* of them, with a frame from ring 3 */
	unsigned int eois;	 /* EOIs written (any vector) */
	unsigned int others;	 /* vectors without a handler */
	unsigned int spurious;	 /* the spurious vector */
	uint32_t last_vector;	 /* the last vector handed on */
	const struct user_regs *last_frame; /* and its frame */
};
extern struct fake_irq_log fake_irq;
extern void (*fake_irq_hook)(uint32_t vector);
/* Forgets the handlers, the log and the hook. */
void fake_hv_reset(void);
