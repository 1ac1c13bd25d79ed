/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the launch tests ("slf"): a model SNP machine for the
 * IGVM loader (sim/loader.h) with 4 GiB of sparse model memory (only the
 * pages a launch touches take host memory), an RMP over all of it, a model
 * PSP with the secure-processor tests' configuration, and a q35-like
 * machine: 256 MiB of RAM from 0, a few CPUID leaves with the C-bit at 51.
 *
 * The end-to-end variant (slf_init_fake) runs the SVSM's own code on what
 * the launch left: all of model memory, 0..4 GiB, is the fake arch's
 * physical memory (kernel/arch/fake, fake.h; sparse as well), the RMP is
 * the fake arch's (fake_snp_rmp, behind its PVALIDATE and RMPADJUST).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "psp.h"
#include "rmp.h"

#define SLF_MEM_SIZE (1ull << 32)
#define SLF_RAM_SIZE (256ull << 20)
#define SLF_CBIT     51u

struct slf {
	uint8_t *mem;
	struct sim_rmp rmp;
	struct sim_psp_config cfg;
	struct sim_psp *psp;
	struct sim_launch l;
	struct sim_load *load; /* the last load's result */
	struct sim_load_mem_entry map[1];
	struct sim_cpuid_fn cpuid[3];
	struct sim_load_machine m;
	char err[SIM_LOAD_ERR_LEN];
	bool fake; /* slf_init_fake: model memory is the fake arch's */
};

/* A fresh machine with vcpus vCPUs; false (and a test failure) on error. */
bool slf_init(struct slf *s, unsigned int vcpus);
void slf_fini(struct slf *s);
/*
 * The end-to-end machine: model memory is fake memory at 0 (all
 * SLF_MEM_SIZE bytes, fake_mm_init_at), RAM [0, ram_size), the launch on
 * fake_snp_rmp over all of it. slf_fini() releases the fake memory and
 * that RMP too.
 */
bool slf_init_fake(struct slf *s, unsigned int vcpus, uint64_t ram_size);
/* A new launch on the same machine: RMP, memory and PSP as new. */
bool slf_reset(struct slf *s);
/* sim_load_igvm on the fixture's machine: 0, or -1 with s->err. */
int slf_load(struct slf *s, const uint8_t *buf, size_t len);
/* Host pointer to model memory at gpa. */
uint8_t *slf_ptr(struct slf *s, uint64_t gpa);
/*
 * csvsm's IGVM file (both platforms) for the launcher tests' synthetic
 * kernel (launcher_helpers.h), with policy and optional firmware;
 * malloc'ed, NULL (and a test failure) on error.
 */
uint8_t *slf_build(uint64_t policy, const uint8_t *fw, size_t fw_size,
		   size_t *len);
/*
 * csvsm's IGVM file as `make` builds it (csvsm-igvm build --snp-kernel):
 * the launcher tests' synthetic kernel for the native platform and a
 * longer one (SLF_SNP_EXTRA more bss, entry 0x80 further) for SEV-SNP,
 * both moved from the launcher tests' region base to region_base, with
 * policy and optional firmware; malloc'ed, NULL (and a test failure) on
 * error.
 */
uint8_t *slf_build_snp(uint64_t region_base, uint64_t region_size,
		       uint64_t policy, const uint8_t *fw, size_t fw_size,
		       size_t *len);
/* Its SNP kernel's boot-info page, and the last page of its extra bss. */
uint64_t slf_snp_boot_info(uint64_t region_base);
uint64_t slf_snp_bss_page(uint64_t region_base);
/* The RMP entry of gpa (a zeroed entry outside the RMP). */
struct sim_rmp_entry slf_rmp(const struct slf *s, uint64_t gpa);
