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
 * Layout (guest-physical), the one `make`'s out/svsm.igvm gives a q35
 * machine; all of model memory, 0..4 GiB, is the fake arch's (sparse:
 * only the pages the launch and the SVSM touch take host memory):
 *
 *   0x800000                   the firmware's sections (edk2 2025.02's
 *                              layout with an SVSM calling area, Debian
 *                              13's OVMF.fd among them)
 *   E2E_REGION                 the SVSM region (SVSM_PHYS_BASE, 16 MiB, as
 *                              `make` places it): the launcher tests'
 *                              synthetic kernels, moved there
 *   E2E_GUEST_RAM (64 MiB)     RAM the model guest PVALIDATEs
 *   E2E_RAM (256 MiB)          end of RAM, which starts at 0
 *   4 GiB - firmware size      the firmware image, ending at 4 GiB
 *
 * The firmware is either the test's synthetic one (e2e_make_firmware,
 * E2E_FW_SIZE bytes) or an OVMF image file (e2e_opts.firmware): the
 * firmware start reads and grants the very pages the launch placed.
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

#define E2E_RAM		(256ull << 20)
#define E2E_REGION	((uint64_t)SVSM_PHYS_BASE)
#define E2E_REGION_SIZE (16ull << 20) /* mk/kernel.mk SVSM_VTPM_SIZE */
#define E2E_FW_BASE	0x800000ull
#define E2E_GUEST_RAM	(64ull << 20)
#define E2E_FW_SIZE	(64ull << 10) /* the synthetic firmware */
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
	/* An OVMF image file to carry instead (sections ignored). */
	const char *firmware;
	/*
	 * An IGVM file to launch instead of the one the fixture builds
	 * (out/svsm.igvm: `make`'s kernels and firmware), with its SNP
	 * kernel's ELF (where its boot GHCB, __shared_start, lies); the
	 * firmware above must then be the one it carries.
	 */
	const char *igvm;
	const char *snp_elf;
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
	/* The firmware the file carries, and where the launch placed it. */
	uint8_t *fw;
	size_t fw_size;
	uint64_t fw_gpa;
	/* The SNP kernel's boot-info page and boot GHCB, and its region. */
	uint64_t boot_info_gpa;
	uint64_t ghcb_gpa;
	uint64_t region_base, region_size;
	/* Another hostile callback, run before the guest's (NULL: none). */
	void (*hostile)(struct sim_hv_exit *x, void *ctx);
	unsigned int saved_level;
};

/* The boot-info page of the built file (the SNP kernel's). */
uint64_t e2e_boot_info_gpa(void);
/* The built file's boot GHCB page: a page of the SNP kernel's image. */
uint64_t e2e_ghcb_gpa(void);

/*
 * Builds the file, measures it, starts the machine and the model host
 * and launches it (loader digest == measure checked by the caller); the
 * firmware's image pages as the launch left them: validated, nothing for
 * VMPL1..3. False (with a test failure) on error, an unreadable firmware
 * file included.
 */
bool e2e_launch(struct e2e *e, const struct e2e_opts *o);
/* snp_boot_seq() on the launch; true when the vCPU stopped in it. */
bool e2e_boot(struct e2e *e);
/* What kmain does before the firmware starts; false on error. */
bool e2e_kmain(struct e2e *e);
/* snp_fw_seq_start(); true when it stopped. */
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
