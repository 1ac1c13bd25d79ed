/* SPDX-License-Identifier: MIT */
/*
 * The lower-VMPL guest of csvsm's SEV-SNP machine model, and the machine
 * it runs on. sim_guest_init() builds one VM in fake memory (kernel/arch/
 * fake): the RMP (sim/rmp.h) behind the fake PVALIDATE/RMPADJUST, guest
 * RAM, the SVSM region, the boot vCPU's VMSA and calling area registered
 * with the SVSM, the model hypervisor (sim/hv.h) behind the SVSM's GHCB,
 * with the host's vCPU table (sim/vcpu.h) that the SVSM's vCPU
 * notifications reach through it.
 *
 * sim_guest_call() issues one SVSM call exactly by the calling convention
 * of AMD 58019 rev 1.00, with the VMGEXIT / Run-VMPL world switch
 * replaced by a function call: what VMGEXIT saves, the registers and the
 * exit code, goes into the caller's VMSA page; the guest sets
 * CALL_PENDING in its calling area; the SVSM's svsm_request_once() runs;
 * then the guest atomically exchanges CALL_PENDING with 0 and reads its
 * registers back from the VMSA.
 *
 * Memory map of the model (offsets from the fake-memory base, which is
 * 2 MiB aligned):
 *
 *   0x000000  SIM_SVSM_SIZE   the SVSM region: reserved, VMPL0 only; its
 *                             second half is the SVSM's page allocator
 *   0x200000  + 0x1000        the boot vCPU's VMSA (not 2 MiB aligned)
 *   0x200000  + 0x2000        the boot vCPU's calling area
 *   0x200000  + 0x3000        the SVSM's GHCB (boot CPU): reserved,
 *                             shared with the host, registered
 *   0x200000  + 0x10000 ...   guest RAM for tests (sim_guest.first_free)
 *
 * Every guest page starts validated with full access for VMPL1..vmpl, as
 * SVSM_CORE_PVALIDATE leaves it; 4 KiB RMP entries.
 *
 * Hosted only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp/snp.h"
#include "vcpu.h"

#define SIM_SVSM_SIZE	 0x200000ull
#define SIM_APIC_COUNT	 4u
#define SIM_SEV_FEATURES 0x1ull /* SNP active */

struct sim_guest {
	uint64_t base; /* fake memory */
	uint64_t size;
	uint64_t svsm_base; /* the SVSM region */
	uint64_t svsm_size;
	uint64_t boot_vmsa;
	uint64_t boot_caa;
	uint64_t ghcb;	     /* the boot CPU's GHCB page */
	uint64_t first_free; /* first page tests may use */
	unsigned int vmpl;   /* the guest's VMPL */
	struct svsm_vcpu *boot;
	struct sim_vcpu_table host;
};

/*
 * Builds the model VM with `size` bytes of memory (a 2 MiB multiple, at
 * least 8 MiB) and a guest at `vmpl` (1..3): fake memory, the RMP, the
 * SVSM's RAM map, reservations, page allocator and heap, its vCPU
 * registry (APIC IDs 0..SIM_APIC_COUNT-1, boot vCPU APIC ID 0), the host
 * (sim_hv reset and attached) and the SVSM's GHCB registered with it.
 * Resets the fake guest-memory and SNP test hooks. False on error.
 */
bool sim_guest_init(struct sim_guest *g, unsigned int vmpl, uint64_t size);
/* Releases the model's memory; *g may be initialised again. */
void sim_guest_fini(struct sim_guest *g);

/* Host-side pointer to [gpa, gpa + len) of the model's memory, or NULL. */
void *sim_guest_ptr(uint64_t gpa, size_t len);

/* RMP states a test puts pages in (host and launch operations). */
/* Validated 4 KiB page with full access for VMPL1..g->vmpl. */
bool sim_guest_page_valid(struct sim_guest *g, uint64_t gpa);
/* Private, not validated; psize SNP_RMP_PSIZE_4K or _2M. */
bool sim_guest_page_unvalidated(struct sim_guest *g, uint64_t gpa,
				unsigned int psize);
/* Shared with the host (not assigned). */
bool sim_guest_page_shared(struct sim_guest *g, uint64_t gpa);

/*
 * Writes a VMSA image into the page at gpa as the guest OS would before
 * CREATE_VCPU: the VMPL byte, EFER, SEV_FEATURES; all else zero.
 */
void sim_guest_write_vmsa(uint64_t gpa, unsigned int vmpl, uint64_t efer,
			  uint64_t sev_features);

/* One call: inputs, and what the guest saw afterwards. */
struct sim_call {
	uint64_t rax, rcx, rdx, r8, r9; /* in, and out from the VMSA */
	uint8_t pending;		/* in: CALL_PENDING written (1) */
	uint64_t exit_code;		/* in: VMSA exit code (0x403) */
	uint8_t pending_seen; /* out: the guest's exchange; 0 = served */
	enum snp_request_status status; /* out: svsm_request_once() */
};

/* A call of protocol:call with CALL_PENDING 1 and exit code VMGEXIT. */
void sim_call_init(struct sim_call *c, uint32_t protocol, uint32_t call);

/* Issues c as vCPU v (58019 calling convention); fills the outputs. */
void sim_guest_call(struct sim_guest *g, struct svsm_vcpu *v,
		    struct sim_call *c);

/*
 * A core-protocol call from the boot vCPU with RCX, RDX, R8; returns RAX
 * (the result) and leaves the full record in *out when out is not NULL.
 */
uint64_t sim_guest_core(struct sim_guest *g, uint32_t call, uint64_t rcx,
			uint64_t rdx, uint64_t r8, struct sim_call *out);
