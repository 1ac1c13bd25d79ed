/* SPDX-License-Identifier: MIT */
/*
 * The model's IGVM loader: what QEMU's IGVM loader (backends/igvm.c,
 * target/i386/sev.c) and KVM (Linux arch/x86/kvm/svm/sev.c) do with the
 * SEV-SNP platform of an IGVM file, on the model machine (sim/rmp.h, model
 * memory, the model PSP through sim/psp_launch.h's launch commands):
 *
 *   directive (SNP mask)       memory                 launch update
 *   GUEST_POLICY               -                      SNP_LAUNCH_START policy
 *   PAGE_DATA NORMAL, data     the file's 4 KiB       NORMAL
 *   PAGE_DATA NORMAL, no data  zeros                  NORMAL (QEMU: zero data)
 *   PAGE_DATA UNMEASURED       the file's data        UNMEASURED
 *   PAGE_DATA SECRETS          (the PSP fills it)     SECRETS
 *   PAGE_DATA CPUID_DATA/_XF   the machine's CPUID    CPUID
 *                              table (sim/cpuid_page.h)
 *   PARAMETER_AREA + params    filled for the machine: memory map, vCPU
 *                              count, command line
 *   PARAMETER_INSERT           the area, every page   UNMEASURED
 *   REQUIRED_MEMORY            private, not validated (the guest validates)
 *   VP_CONTEXT                 KVM's VMSA pages: measured last, one per
 *                              vCPU at SNP_LAUNCH_VMSA_GPA
 *   SNP_ID_BLOCK               -                      SNP_LAUNCH_FINISH
 *
 * The launch digest is therefore the one `csvsm-igvm measure --vcpus N`
 * prints with its default (QEMU/KVM) choices; tests/unit/snp_loader_test.c
 * checks that. Every RAM page of the machine starts private and not
 * validated, in 4 KiB RMP entries, as guest_memfd-backed SNP memory looks to
 * the guest. Pages outside RAM (the firmware below 4 GiB) are made private
 * when loaded, as QEMU adds memory for them.
 *
 * Refused cleanly, with one line in err and the model left as far as the
 * launch got (the caller discards it): a file that does not parse or has no
 * SNP platform, a page outside model memory or the RMP, two pages at one
 * GPA, a VP_CONTEXT at another GPA than KVM's or for a vCPU the machine
 * lacks, a parameter the loader does not fill or that does not fit its
 * area, an ID block that does not verify.
 *
 * model: what QEMU does, where unconfirmed, is written here as the loader
 * does it and listed in docs/snp.md: a vCPU without its own VP_CONTEXT
 * gets vCPU 0's (as `csvsm-igvm measure`), COMMAND_LINE is filled, and the
 * VMSA is measured byte for byte as the file holds it.
 *
 * Hosted only; no kernel or fake-arch header.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/snp_vmsa.h"

#include "cpuid_page.h"
#include "psp_launch.h"

#define SIM_LOAD_ERR_LEN   256
#define SIM_LOAD_MAX_VCPUS 64u

/* One entry of the machine's memory map (IGVM_MEMORY_MAP_* types). */
struct sim_load_mem_entry {
	uint64_t base;
	uint64_t size;
	uint16_t type;
};

/* The machine the host starts: what QEMU's command line would say. */
struct sim_load_machine {
	const struct sim_load_mem_entry *map; /* ascending, non-overlapping */
	unsigned int map_count;
	unsigned int vcpus;	 /* 1..SIM_LOAD_MAX_VCPUS */
	const char *cmdline;	 /* NULL: empty */
	uint64_t default_policy; /* without GUEST_POLICY (QEMU: 0x30000) */
	/* What the host offers in a CPUID page. */
	const struct sim_cpuid_fn *cpuid;
	unsigned int cpuid_count;
};

/* What the launch left behind, besides memory, the RMP and the PSP. */
struct sim_load {
	uint8_t ld[SNP_LD_SIZE];
	uint64_t policy;
	bool id_block;
	unsigned int vcpus;
	/* KVM's launch VMSA of each vCPU (host memory, VMSA bit). */
	uint8_t vmsa[SIM_LOAD_MAX_VCPUS][SNP_PAGE_SIZE];
	unsigned int pages[SNP_PAGE_TYPE_CPUID + 1]; /* per PAGE_INFO type */
	uint64_t required_pages; /* REQUIRED_MEMORY, left to the guest */
	uint64_t secrets_gpa;	 /* the (last) secrets page; 0: none */
	uint64_t cpuid_gpa;	 /* the (last) CPUID page; 0: none */
};

/*
 * Loads and launches buf[0..size) on the machine m: l names the RMP, the
 * PSP and model memory (not started). 0, or -1 with a message in err.
 */
__attribute__((warn_unused_result)) int
sim_load_igvm(const uint8_t *buf, size_t size, const struct sim_load_machine *m,
	      struct sim_launch *l, struct sim_load *out,
	      char err[SIM_LOAD_ERR_LEN]);
