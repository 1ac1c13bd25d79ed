/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch end to end on the model ("e2e"): an IGVM file with
 * both kernels and a firmware is built, loaded and launched by the model
 * loader (sim/loader.c) into memory that is also the fake arch's, then
 * the SVSM's own boot sequence (snp_boot_seq), the part of kmain the
 * firmware start needs (the boot parameters, the gpa checks, the heap),
 * and the firmware start (snp_fw_seq_start) run on what the launch left,
 * against the model hypervisor, with the launch's PSP behind it. A model
 * guest stands in for the firmware when the host runs VMPL1.
 *
 * Layout (guest-physical; the fake arch's memory is E2E_WIN bytes at
 * FAKE_PHYS_BASE, so everything the SVSM touches lies there):
 *
 *   FAKE_PHYS_BASE + 0         the SVSM region (E2E_REGION_SIZE): the
 *                              launcher tests' synthetic kernels, moved
 *   FAKE_PHYS_BASE + 8 MiB     the firmware's sections (edk2 2025.02's
 *                              layout with an SVSM calling area, moved)
 *   FAKE_PHYS_BASE + 16 MiB    RAM the model guest PVALIDATEs
 *   ... + E2E_RAM              end of RAM
 *   E2E_FW_ALIAS               the firmware image (see below)
 *
 * model: the IGVM file places the firmware so that it ends at 4 GiB, as
 * OVMF must; the fake arch's memory is one buffer at FAKE_PHYS_BASE
 * (1 GiB), zeroed page by page, so reaching 4 GiB would cost 3 GiB of
 * host memory. The loader places the firmware at 4 GiB as the file says
 * (and the digest covers it there); e2e_launch() then puts a copy of
 * those pages, in the RMP state the launch gave them, at E2E_FW_ALIAS
 * inside the fake memory, and the firmware start is given that address.
 * It is the one deviation from the launch as the file has it.
 *
 * Hosted only (unit tests).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/boot.h"

#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "hv.h"
#include "sim_load_fixture.h"
#include "snp/boot_seq.h"
#include "vcpu.h"

#define E2E_WIN		(32ull << 20)
#define E2E_RAM		(24ull << 20)
#define E2E_REGION	FAKE_PHYS_BASE
#define E2E_REGION_SIZE (4ull << 20)
#define E2E_FW_BASE	(FAKE_PHYS_BASE + (8ull << 20))
#define E2E_GUEST_RAM	(FAKE_PHYS_BASE + (16ull << 20))
#define E2E_FW_SIZE	(64ull << 10)
#define E2E_FW_ALIAS	(FAKE_PHYS_BASE + E2E_WIN - E2E_FW_SIZE)
#define E2E_FW_TOP	(1ull << 32)
#define E2E_VCPUS	2u
#define E2E_POLICY	0x30000ull
/* The firmware's pre-validated pages the model guest uses for its calls. */
#define E2E_FW_PAGE(i) (E2E_FW_BASE + (uint64_t)(i)*0x1000u)

/* A firmware section: GPA, size, type (OVMF_META_SEC_*). */
struct e2e_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};

struct e2e_opts {
	/* The host's CPUID Fn8000_001F EBX (0: the machine's, C-bit 51). */
	uint32_t host_cbit_ebx;
	/* The firmware's sections (NULL: edk2's layout at E2E_FW_BASE). */
	const struct e2e_section *sections;
	unsigned int section_count;
};

/* The model guest: what it does when the host runs VMPL1. */
struct e2e_guest {
	bool call;	    /* make the call below (CALL_PENDING) */
	uint64_t exit_code; /* the exit that ends its run (VMGEXIT) */
	uint64_t rax, rcx, rdx, r8;
	/* Test knob: the host answers Run VMPL as malformed, runs nothing. */
	bool host_refuses;
	unsigned int runs; /* times the guest ran */
};

struct e2e {
	struct slf slf;
	uint8_t *file;
	size_t len;
	uint8_t measured[SNP_LD_SIZE]; /* igvm_snp_measure of the file */
	struct snp_boot_env env;
	struct snp_boot_state st;
	struct boot_params bp;
	struct snp_fw_env fw_env;
	struct svsm_vcpu *vcpu; /* the firmware's boot vCPU */
	struct sim_vcpu_table host;
	struct e2e_guest guest;
	/* Another hostile callback, run before the guest's (NULL: none). */
	void (*hostile)(struct sim_hv_exit *x, void *ctx);
	unsigned int saved_level;
};

/* The boot-info page of the file (the SNP kernel's). */
uint64_t e2e_boot_info_gpa(void);
/* The boot CPU's GHCB page: a page of the SNP kernel's image. */
uint64_t e2e_ghcb_gpa(void);

/*
 * Builds the file, measures it, starts the machine and the model host
 * and launches it: loader digest == measure, the firmware copied to its
 * alias. False (with a test failure) on error.
 */
bool e2e_launch(struct e2e *e, const struct e2e_opts *o);
/* snp_boot_seq() on the launch; true when the vCPU stopped in it. */
bool e2e_boot(struct e2e *e);
/* What kmain does before the firmware starts; false on error. */
bool e2e_kmain(struct e2e *e);
/* snp_fw_seq_start() (firmware at its alias); true when it stopped. */
bool e2e_fw(struct e2e *e);
/* One turn of the request loop; true when the vCPU stopped in it. */
bool e2e_turn(struct e2e *e);
/* Everything back as before e2e_launch (also after a failed one). */
void e2e_fini(struct e2e *e);

/* The firmware image the test builds (E2E_FW_SIZE bytes). */
void e2e_make_firmware(uint8_t *img, const struct e2e_section *sec,
		       unsigned int n);
/* The boot vCPU's VMSA register at offset off, as the guest reads it. */
uint64_t e2e_guest_reg(const struct e2e *e, size_t off);
/* The guest's exchange of CALL_PENDING with 0 (0: served). */
uint8_t e2e_guest_pending_xchg(const struct e2e *e);
