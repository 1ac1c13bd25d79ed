/* SPDX-License-Identifier: MIT */
/* Building csvsm's IGVM file from the kernel ELF (see build.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUILD_DEFAULT_POLICY 0x30000ull /* SMT allowed, bit 17 must be 1 */
/*
 * SNP guest policy bits (AMD 56860, "Guest Policy"): bit 17 is reserved and
 * must be one; bits 0-25 are defined (Linux include/linux/psp-sev.h,
 * SNP_POLICY_MASK_*, up to PAGE_SWAP_DISABLE); the rest are reserved, zero.
 */
#define BUILD_POLICY_RSVD_MBO (1ull << 17)
#define BUILD_POLICY_DEFINED  ((1ull << 26) - 1)

struct build_options {
	uint64_t region_base; /* SVSM static region, 2 MiB aligned */
	uint64_t region_size;
	uint64_t ap_trampoline; /* native AP start page, below 1 MiB */
	bool snp;		/* add the SEV-SNP platform */
	uint64_t policy;	/* SNP guest policy (GUEST_POLICY) */
	/*
	 * The launch VMSA asks for restricted injection (SEV_FEATURES bit 3):
	 * the host may then inject only #HV. Off by default: upstream KVM
	 * and QEMU refuse such a VMSA (docs/snp.md, "Restricted injection").
	 */
	bool restricted_injection;
	const uint8_t *fw; /* guest firmware for SNP, or NULL */
	uint64_t fw_size;
	/*
	 * The SEV-SNP kernel (an ELF linked at the same region base), placed
	 * under the SNP mask while the --kernel ELF serves NATIVE alone; NULL:
	 * the one kernel serves both platforms.
	 */
	const uint8_t *snp_elf;
	size_t snp_elf_size;
	const char *provenance; /* package versions (provenance.h), or NULL */
	size_t provenance_size;
	const uint8_t *initfs; /* root file-system image (cpio), or NULL */
	uint64_t initfs_size;
	uint32_t guest_svn; /* version metadata (boot info, ID block) */
	uint8_t family_id[16];
	uint8_t image_id[16];
};

/* Builds the IGVM file into *out (malloc'ed); -1 with a message in err. */
/*
 * The checks of the options alone (region, trampoline, firmware size,
 * policy), which build_igvm() applies first: 0, or -1 with a message.
 */
int build_check_options(const struct build_options *o, char *err,
			size_t errlen);

int build_igvm(const struct build_options *o, const uint8_t *elf,
	       size_t elf_size, uint8_t **out, size_t *out_len, char *err,
	       size_t errlen);
