/* SPDX-License-Identifier: MIT */
/*
 * The model secure processor's launch commands (AMD 56860, SNP_LAUNCH_START,
 * SNP_LAUNCH_UPDATE, SNP_LAUNCH_FINISH): what the firmware does with each
 * page a hypervisor adds before the guest first runs. sim/loader.c plays
 * QEMU and KVM and calls these, page by page.
 *
 * SNP_LAUNCH_UPDATE of one 4 KiB page (56860, and Table 67 (PAGE_INFO)):
 * the page must be assigned to the guest and not yet validated (a page
 * added twice is refused); the firmware turns what the host put there into
 * the contents its type demands (NORMAL, UNMEASURED: kept; ZERO: zeroed;
 * SECRETS: filled by the PSP; CPUID: checked), extends the launch digest
 * with its PAGE_INFO (tools/libmeasure/snp.c, the one implementation of the
 * chain), and leaves the page validated, VMPL0 only (KVM asks for no
 * VMPL1-3 permissions). The launch VMSAs are KVM's own pages, outside guest
 * memory; they are measured with sim_launch_update_vmsa.
 * SNP_LAUNCH_FINISH fixes the digest, the policy and, with an ID block
 * that verifies for them, its fields: what every later report carries.
 *
 * model: which CPUID values the firmware accepts is not modelled (only the
 * count and the reserved fields are checked); a refused CPUID page is left
 * as the host wrote it, where the firmware would rewrite it.
 *
 * Hosted only; no kernel or fake-arch header.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "abi/igvm.h"
#include "abi/snp_page_info.h"

#include "snp.h"

struct sim_rmp;
struct sim_psp;

enum sim_launch_err {
	SIM_LAUNCH_OK = 0,
	SIM_LAUNCH_E_STATE,    /* not started, or already finished */
	SIM_LAUNCH_E_INPUT,    /* GPA misaligned, outside memory or the RMP */
	SIM_LAUNCH_E_PAGE,     /* not assigned, or already validated */
	SIM_LAUNCH_E_CPUID,    /* CPUID page: count above 64, reserved bits */
	SIM_LAUNCH_E_ID_BLOCK, /* the ID block does not verify */
	SIM_LAUNCH_E_CRYPTO,   /* OpenSSL failed */
};

/* A stable short name for messages. */
const char *sim_launch_err_name(enum sim_launch_err err);

/* The model memory a launch writes: a host pointer to [gpa, gpa + len). */
typedef void *(*sim_launch_mem_fn)(void *ctx, uint64_t gpa, uint64_t len);

struct sim_launch {
	/* The machine, set by the caller before sim_launch_start. */
	struct sim_rmp *rmp;
	struct sim_psp *psp;
	sim_launch_mem_fn mem; /* NULL: sim_mem() (sim/mem.h) */
	void *mem_ctx;

	/* State. */
	bool started;
	bool finished;
	uint64_t policy;
	struct snp_ctx digest;
	unsigned int pages[SNP_PAGE_TYPE_CPUID + 1]; /* updates per type */
};

/* SNP_LAUNCH_START: a fresh digest; the policy reports will carry. */
__attribute__((warn_unused_result)) enum sim_launch_err
sim_launch_start(struct sim_launch *l, uint64_t policy);

/*
 * SNP_LAUNCH_UPDATE of the page at gpa, which the host has written in
 * model memory, as type (not SNP_PAGE_TYPE_VMSA).
 */
__attribute__((warn_unused_result)) enum sim_launch_err
sim_launch_update(struct sim_launch *l, uint64_t gpa, enum snp_page_type type);

/* KVM's launch update of a VMSA page (host memory), measured at gpa. */
__attribute__((warn_unused_result)) enum sim_launch_err
sim_launch_update_vmsa(struct sim_launch *l, uint64_t gpa,
		       const uint8_t page[SNP_PAGE_SIZE]);

/*
 * SNP_LAUNCH_FINISH, with the file's SNP_ID_BLOCK or NULL. The ID block
 * must carry this launch's digest and verify (ECDSA P-384) with its keys,
 * checked by tools/libmeasure/idblock.c. The PSP's launch values get the
 * digest, the policy and the ID block's fields.
 */
__attribute__((warn_unused_result)) enum sim_launch_err
sim_launch_finish(struct sim_launch *l,
		  const struct igvm_vhs_snp_id_block *id_block);
