/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform as the protocol layer sees it (kernel/plat/snp/):
 *
 *   - struct svsm_vcpu, one per lower-VMPL VMSA the SVSM serves (the boot
 *     vCPU's and every one CREATE_VCPU made), kept in one registry;
 *   - svsm_request_once(), one turn of the request loop: the calling
 *     convention of AMD 58019 rev 1.00 from the caller's VMSA and
 *     calling area to protocols_handle() and back;
 *   - access to VMSA pages the SVSM owns, and the RMP operations on a
 *     trusted physical page (map, PVALIDATE/RMPADJUST, TLB flush);
 *   - snp_vcpu_notify(), the host notification of CREATE_VCPU and
 *     DELETE_VCPU.
 *
 * Locking: the registry has its own lock, so lookups are safe anywhere.
 * Adding, removing and re-pointing (REMAP_CA) records happens only inside
 * a core-protocol call, under the protocol lock (kernel/protocols), which
 * serialises them with PVALIDATE (docs/threat-model.md, bug class 8).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"
#include "svsm/mm/vm.h"
#include "svsm/percpu.h"

#include "abi/snp.h"

struct svsm_call_regs;

/*
 * Temporary-mapping slots of this platform (vm.h names only the first and
 * the last): one for VMSA pages, one for pages given to PVALIDATE,
 * RMPADJUST or zeroed as SVSM memory. Neither is held across a call into
 * kernel/guestmem, which uses VM_SLOT_GUESTMEM.
 */
#define SNP_SLOT_VMSA VM_SLOT_VMSA
#define SNP_SLOT_PAGE VM_SLOT_PAGE

/* The SVSM runs at VMPL0 (58019 rev 1.00). */
#define SNP_SVSM_VMPL 0u

/* VMSAs the registry can hold: two per CPU (Linux creates a new one
 * before it deletes the old when it wakes a CPU again, Linux
 * arch/x86/coco/sev/core.c). */
#define SNP_MAX_VMSAS (2u * CFG_MAX_CPUS)

/*
 * One lower-VMPL vCPU context. The members are the registry's; readers
 * outside kernel/plat/snp use them read-only.
 */
struct svsm_vcpu {
	paddr_t vmsa;	       /* its VMSA page: SVSM-owned, gpa_reserve()d */
	gpa_t caa;	       /* its calling area: guest memory */
	uint64_t sev_features; /* from the VMSA, checked at creation */
	uint64_t seq;	       /* creation order */
	uint32_t apic_id;
	uint8_t vmpl; /* the VMPL the VMSA runs at (1..3) */
	bool live;
	bool boot;	 /* the boot vCPU's: cannot be deleted */
	bool in_request; /* svsm_request_once() is serving it */
	bool deleting;	 /* DELETE_VCPU claimed it: never served again */
};

/*
 * Empties the registry and the APIC ID list (boot, and hosted tests that
 * start over). The VMSA reservations in gpa.c are not undone.
 */
void snp_vcpus_reset(void);
/*
 * The APIC IDs of the VM's vCPUs (from the host at boot, untrusted but
 * only used to refuse CREATE_VCPU for an unknown one). SVSM_E_INVAL when
 * count exceeds CFG_MAX_CPUS or an ID repeats; nothing changes then.
 */
enum svsm_err __must_check snp_vcpus_set_apic_ids(const uint32_t *ids,
						  uint32_t count);
bool snp_vcpu_apic_known(uint32_t apic_id);

/*
 * Registers the boot vCPU's VMSA, which the SVSM itself built, with its
 * calling area (from the secrets page), and reserves the VMSA page with
 * gpa_reserve(). The caller has already made the page a VMSA in the RMP.
 * Errors: SVSM_E_INVAL (misaligned, VMPL 0 or >= 4, unknown APIC ID,
 * a boot vCPU exists), SVSM_E_FAULT (CA not guest RAM) and those of
 * gpa_reserve().
 */
enum svsm_err __must_check snp_vcpu_register_boot(uint32_t apic_id,
						  paddr_t vmsa, gpa_t caa,
						  unsigned int vmpl,
						  uint64_t sev_features,
						  struct svsm_vcpu **out);
/* The boot vCPU, or NULL before snp_vcpu_register_boot(). */
struct svsm_vcpu *snp_vcpu_boot(void);
/*
 * The live vCPU whose VMSA page starts at gpa, or NULL. gpa may come
 * straight from the guest: it is only compared.
 */
struct svsm_vcpu *snp_vcpu_by_vmsa(gpa_t gpa);
/* The newest live VMSA of an APIC ID: the one its CPU runs. */
struct svsm_vcpu *snp_vcpu_current(uint32_t apic_id);
/*
 * A live vCPU whose calling area overlaps [gpa, gpa + len) and that is
 * not `except` (may be NULL); a wrapping range overlaps everything.
 */
struct svsm_vcpu *snp_vcpu_ca_user(gpa_t gpa, uint64_t len,
				   const struct svsm_vcpu *except);
/* Whether snp_vcpu_add() has a free slot. */
bool snp_vcpu_has_room(void);
/*
 * Records a VMSA that CREATE_VCPU has checked, reserved and set up. The
 * caller checked snp_vcpu_has_room() under the protocol lock; a full table
 * here is an SVSM bug (CHECK).
 */
struct svsm_vcpu *snp_vcpu_add(uint32_t apic_id, paddr_t vmsa, gpa_t caa,
			       unsigned int vmpl, uint64_t sev_features);
/* Forgets a record (DELETE_VCPU, after the RMP and the reservation). */
void snp_vcpu_remove(struct svsm_vcpu *v); /* v must be claimed */
/* Points a vCPU at a new calling area (REMAP_CA). */
void snp_vcpu_set_caa(struct svsm_vcpu *v, gpa_t caa);
/* Live records, for tests and logs. */
uint32_t snp_vcpu_count(void);
/*
 * Marks v as being served by the request path; false (and nothing
 * marked) when v is not live, already being served, or claimed by
 * DELETE_VCPU. snp_vcpu_unpin() undoes it.
 */
bool __must_check snp_vcpu_pin(struct svsm_vcpu *v);
void snp_vcpu_unpin(struct svsm_vcpu *v);
/* Whether v is live and pinned by the request path. */
bool snp_vcpu_pinned(const struct svsm_vcpu *v);
/*
 * DELETE_VCPU's claim on v, in one step under the registry lock: false
 * (and nothing marked) when v is not live, is already being deleted, or
 * is being served by a turn other than the deleting caller's own (`self`:
 * the caller deletes its own VMSA, which its own turn pins). From the
 * claim on, no turn can pin v, so no call is ever served with a record
 * that is being erased. snp_vcpu_unclaim() gives it back when the delete
 * fails; snp_vcpu_remove() erases it.
 */
bool __must_check snp_vcpu_claim(struct svsm_vcpu *v, bool self);
void snp_vcpu_unclaim(struct svsm_vcpu *v);

/* ---- VMSA pages the SVSM owns (kernel/plat/snp/vmsa.c) ---------------- */

/* What CREATE_VCPU checks in a VMSA, each field read once. */
struct snp_vmsa_facts {
	uint64_t efer;
	uint64_t sev_features;
	uint64_t exit_code;
	uint8_t vmpl;
};

void snp_vmsa_read_facts(paddr_t vmsa, struct snp_vmsa_facts *out);
/* Reads RAX, RCX, RDX, R8, R9 and the guest exit code, once each. */
void snp_vmsa_read_call(paddr_t vmsa, struct svsm_call_regs *r,
			uint64_t *exit_code);
/* Writes back the registers of `out` that differ from `in`. */
void snp_vmsa_write_call(paddr_t vmsa, const struct svsm_call_regs *in,
			 const struct svsm_call_regs *out);
/* EFER.SVME := 0 or 1 with one atomic operation; returns the old EFER. */
uint64_t snp_vmsa_clear_svme(paddr_t vmsa);
void snp_vmsa_set_svme(paddr_t vmsa);
/*
 * The same on a VMSA page the caller has mapped: the request turn maps the
 * caller's VMSA once (snp_vmsa_map_turn, its own slot) and uses these.
 */
uint8_t *snp_vmsa_map_turn(paddr_t vmsa);
void snp_vmsa_unmap_turn(void);
void snp_vmsa_page_read_call(const uint8_t *page, struct svsm_call_regs *r,
			     uint64_t *exit_code);
void snp_vmsa_page_write_call(uint8_t *page, const struct svsm_call_regs *in,
			      const struct svsm_call_regs *out);
uint64_t snp_vmsa_page_clear_svme(uint8_t *page);
void snp_vmsa_page_set_svme(uint8_t *page);
/*
 * DELETE_VCPU's first step (58019): clears EFER.SVME so the host can no
 * longer run the VMSA, then checks that it is not running. SVSM_E_BUSY,
 * with SVME restored, when the exit code says it is (SNP_EXITCODE_VMSA_BUSY).
 * *was_enabled tells whether SVME was set before, so a later failure can
 * restore it.
 */
enum svsm_err __must_check snp_vmsa_disable(paddr_t vmsa, bool *was_enabled);

/* ---- RMP operations on a trusted page (kernel/plat/snp/rmp_ops.c) ---- */

/*
 * PVALIDATE and RMPADJUST of the 4 KiB or 2 MiB (huge) page at pa, mapped
 * for the instruction. pa comes from gpa_validate() or the SVSM. Return the
 * instruction's EAX (SNP_SUCCESS, SNP_FAIL_*).
 */
int snp_pvalidate(paddr_t pa, bool huge, bool validate, bool *cf);
int snp_rmpadjust(paddr_t pa, bool huge, unsigned int target_vmpl,
		  unsigned int perms, bool vmsa);
/*
 * Takes every permission away from VMPL1..3 and flushes the TLBs of all
 * CPUs; returns the first failing EAX (the VMPLs before it have lost
 * their permissions, and the flush still happened) or SNP_SUCCESS.
 */
int snp_revoke_lower(paddr_t pa, bool huge);
/*
 * Grants full permissions to VMPL1..vmpl: the caller's VMPL and the more
 * privileged lower ones (58019 SVSM_CORE_PVALIDATE). Returns the first failing
 * EAX or SNP_SUCCESS.
 */
int snp_grant_guest(paddr_t pa, bool huge, unsigned int vmpl);
/* Zeroes a 4 KiB page the SVSM owns (a deposited page), mapped for it. */
void snp_page_zero(paddr_t pa);

/*
 * The RMP permission masks of VMPL0..3 on one page (4 KiB, or a 2 MiB
 * entry, whose pages share them), as RMPQUERY reports them.
 */
struct snp_rights {
	uint8_t perms[SNP_VMPL_COUNT];
};
/* RMPQUERY: SNP_SUCCESS, or SNP_FAIL_INPUT for a page that is not a
 * validated private page. */
int snp_rights_get(paddr_t pa, struct snp_rights *out);
/* Whether `vmpl` may read and write the page: what a call that acts on a
 * page in the caller's name requires of the caller. */
bool snp_rights_allow(const struct snp_rights *r, unsigned int vmpl);
/*
 * Puts back exactly the lower VMPLs' masks in r (RMPADJUST for VMPL1..3,
 * in that order, so that no VMPL is ever granted more than the one above
 * it holds), then flushes the TLBs if any mask shrank.
 */
int snp_rights_restore(paddr_t pa, bool huge, const struct snp_rights *r);

/* ---- Host notification of vCPU creation and deletion ------------------- */

enum snp_vcpu_op {
	SNP_VCPU_CREATE,
	SNP_VCPU_DESTROY,
};

/*
 * Tells the host that a VMSA now exists (CREATE) or must never run again
 * (DESTROY). On hardware this is the GHCB SNP AP Creation NAE (0x80000013,
 * 56421: request create-on-INIT or destroy, VMPL, APIC ID, VMSA GPA,
 * SEV_FEATURES in RAX), sent through this CPU's GHCB (snp/ghcb.h;
 * kernel/plat/snp/vcpu_notify.c). Errors: SVSM_E_HW when the host
 * refuses, answers malformed, or this CPU has no GHCB.
 */
enum svsm_err snp_vcpu_notify(enum snp_vcpu_op op, uint32_t apic_id,
			      unsigned int vmpl, paddr_t vmsa_pa,
			      uint64_t sev_features);

/* ---- The request path (kernel/plat/snp/request.c) ---------------------- */

enum snp_request_status {
	SNP_REQUEST_DONE,	 /* a call was answered */
	SNP_REQUEST_SPURIOUS,	 /* no call pending, or not a VMGEXIT */
	SNP_REQUEST_CA_FAULT,	 /* the calling area could not be read */
	SNP_REQUEST_CALLER_GONE, /* the call deleted the caller's VMSA */
	SNP_REQUEST_NO_VCPU,	 /* vcpu is not live, or already served */
};

/*
 * One entry of the vCPU into the SVSM, served by the calling convention
 * of 58019: SVME off, CALL_PENDING and the exit code checked, the
 * registers read once, the call dispatched, results written, CALL_PENDING
 * cleared, SVME on. Never fails: every guest error becomes a result code.
 */
enum snp_request_status svsm_request_once(struct svsm_vcpu *vcpu);
