/* SPDX-License-Identifier: MIT */
/*
 * The RMP part of csvsm's software model of an SEV-SNP machine. It tracks,
 * for every 4 KiB page of one model guest-physical range, what the reverse
 * map table says about it (assigned to the guest, validated, the size of
 * its RMP entry, the VMSA bit, and the permission mask of each VMPL), and
 * implements PVALIDATE and RMPADJUST with their architectural results
 * (include/abi/snp.h) plus the host-side updates a hypervisor makes. The
 * SVSM's SNP code runs against it through kernel/arch/fake, and tests use
 * the host operations to model a hostile host.
 *
 * Rules (AMD64 APM vol. 3, PVALIDATE and RMPADJUST; model choices where
 * the sources are silent are marked "model:"):
 *  - An RMP entry covers 4 KiB or 2 MiB. A 2 MiB entry is represented by
 *    its 512 per-page entries, which always agree (same page_size,
 *    assigned, validated, vmsa and perms).
 *  - PVALIDATE: FAIL_INPUT for a size other than 4K/2M, a misaligned GPA,
 *    a GPA outside the model range or a page not assigned to the guest;
 *    FAIL_SIZEMISMATCH for a 2 MiB request over 4 KiB entries, or a 4 KiB
 *    request inside a validated 2 MiB entry; CF set and nothing changed
 *    when the Validated bit already has the requested value. model: only
 *    VMPL0 may execute it (FAIL_PERMISSION otherwise), and a 4 KiB request
 *    inside an unvalidated 2 MiB entry first splits that entry, as a host
 *    answers the size-mismatch nested page fault with PSMASH.
 *  - RMPADJUST: only a more privileged VMPL may set a less privileged
 *    VMPL's mask (FAIL_PERMISSION), never beyond its own (FAIL_PERMISSION);
 *    size mismatch as for PVALIDATE; the VMSA bit is honoured at VMPL0 only
 *    and ignored elsewhere. model: the page must be assigned and validated
 *    (FAIL_INPUT), and setting the VMSA bit on a 2 MiB page is FAIL_INPUT.
 *  - Host updates (RMPUPDATE, PSMASH): assigning a page makes it private
 *    and not validated with no lower-VMPL permissions; making it shared
 *    clears everything. A host may do either at any time.
 *
 * Hosted only (it allocates the table with malloc).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/snp.h"

/* The largest model range, so a table stays a few tens of MiB. */
#define SIM_RMP_MAX_PAGES (1ull << 22) /* 16 GiB of guest memory */

/* What the RMP says about one 4 KiB page. */
struct sim_rmp_entry {
	bool assigned;	   /* private to the guest (false: host-owned/shared) */
	bool validated;	   /* the guest's Validated bit */
	bool vmsa;	   /* the page is a VMSA */
	uint8_t page_size; /* SNP_RMP_PSIZE_4K or SNP_RMP_PSIZE_2M */
	/* SNP_PERM_* per VMPL; [0] is SNP_PERM_ALL while assigned. */
	uint8_t perms[SNP_VMPL_COUNT];
};

/* One model range; treat the members as private to sim/rmp.c. */
struct sim_rmp {
	uint64_t base; /* 4 KiB aligned */
	uint64_t page_count;
	struct sim_rmp_entry *entries;
};

/*
 * Sets up the RMP of [base, base + size): every page host-owned (shared),
 * 4 KiB entries. base and size must be 4 KiB multiples, size non-zero and
 * at most SIM_RMP_MAX_PAGES pages, the range must not wrap. Returns false
 * (and leaves *rmp empty) on bad arguments or when out of memory.
 */
bool __attribute__((warn_unused_result))
sim_rmp_init(struct sim_rmp *rmp, uint64_t base, uint64_t size);

/* Frees the table; *rmp is empty afterwards. Safe on an empty rmp. */
void sim_rmp_fini(struct sim_rmp *rmp);

/*
 * PVALIDATE executed at caller_vmpl: page_size is the RCX operand
 * (SNP_RMP_PSIZE_*), validate the EDX operand. Returns the EAX result
 * (SNP_SUCCESS, SNP_FAIL_INPUT, SNP_FAIL_PERMISSION, SNP_FAIL_SIZEMISMATCH)
 * and sets *cf (if cf is not NULL) to rFLAGS.CF: true only on SNP_SUCCESS
 * when the Validated bit already had the requested value.
 */
uint32_t sim_pvalidate(struct sim_rmp *rmp, unsigned int caller_vmpl,
		       uint64_t gpa, unsigned int page_size, bool validate,
		       bool *cf);

/*
 * RMPADJUST executed at caller_vmpl: sets target_vmpl's permission mask
 * (SNP_PERM_*) of the page, and the VMSA bit when caller_vmpl is 0.
 * Returns SNP_SUCCESS, SNP_FAIL_INPUT, SNP_FAIL_PERMISSION or
 * SNP_FAIL_SIZEMISMATCH. Use snp_rmpadjust_target_vmpl() and friends to
 * split a raw RDX operand; reserved RDX bits are the caller's to refuse.
 */
uint32_t sim_rmpadjust(struct sim_rmp *rmp, unsigned int caller_vmpl,
		       uint64_t gpa, unsigned int page_size,
		       unsigned int target_vmpl, unsigned int perms, bool vmsa);

/*
 * Host RMPUPDATE to private: the page (or the 2 MiB page) becomes assigned,
 * not validated, VMSA clear, VMPL1-3 without permissions, with an RMP
 * entry of page_size. Done to a validated page it is the remap attack the
 * SVSM must survive. A 4 KiB update inside a 2 MiB entry splits the entry
 * first. Returns SNP_SUCCESS or SNP_FAIL_INPUT (size, alignment, range).
 */
/*
 * RMPQUERY at caller_vmpl on the 4 KiB page at gpa: its permission masks
 * for VMPL0..3 into perms. SNP_FAIL_INPUT unless the page is assigned and
 * validated. model: any VMPL may query (the masks are the hardware's to
 * enforce, not secrets).
 */
uint32_t sim_rmpquery(const struct sim_rmp *rmp, unsigned int caller_vmpl,
		      uint64_t gpa, uint8_t perms[SNP_VMPL_COUNT]);

uint32_t sim_rmp_assign(struct sim_rmp *rmp, uint64_t gpa,
			unsigned int page_size);

/*
 * Host RMPUPDATE to shared (what a host page-state change to shared does):
 * the pages become host-owned, not validated, no VMSA bit, no permissions,
 * 4 KiB entries. Returns SNP_SUCCESS or SNP_FAIL_INPUT.
 */
uint32_t sim_rmp_make_shared(struct sim_rmp *rmp, uint64_t gpa,
			     unsigned int page_size);

/*
 * Host PSMASH: splits the 2 MiB entry at gpa (2 MiB aligned) into 512
 * 4 KiB entries with the same state. SNP_FAIL_INPUT if gpa is not the
 * start of a 2 MiB entry of the model.
 */
uint32_t sim_rmp_psmash(struct sim_rmp *rmp, uint64_t gpa);

/*
 * What SNP_LAUNCH_UPDATE leaves behind for a page measured at launch: a
 * 4 KiB entry, assigned and validated, VMPL1-3 without permissions, and
 * the VMSA bit for a launch VMSA. Returns SNP_SUCCESS or SNP_FAIL_INPUT.
 */
uint32_t sim_rmp_launch_page(struct sim_rmp *rmp, uint64_t gpa, bool vmsa);

/*
 * Copies the entry of the page holding gpa (any byte address) into *out.
 * Returns false, and leaves *out alone, when gpa is outside the model.
 */
bool sim_rmp_entry(const struct sim_rmp *rmp, uint64_t gpa,
		   struct sim_rmp_entry *out);

/*
 * Whether a private (C-bit) access by vmpl to the byte at gpa that needs
 * the SNP_PERM_* bits in `need` passes the RMP check: the page is assigned,
 * validated and vmpl holds every bit of `need`. model: the special access
 * rules of VMSA pages are not modelled.
 */
bool sim_rmp_access_ok(const struct sim_rmp *rmp, unsigned int vmpl,
		       uint64_t gpa, unsigned int need);
