/* SPDX-License-Identifier: MIT */
/*
 * OVMF firmware images as the SEV launch flows see them: the GUIDed footer
 * table that ends 32 bytes before the end of the image, the SEV metadata it
 * points to (the pages QEMU adds as ZERO/SECRETS/CPUID/... at an SNP
 * launch), the SEV-ES reset block (the APs' entry point) and the SEV hashes
 * table for --kernel/--initrd/--append. On top of these, the SEV-SNP launch
 * digests of sev-snp-measure's `snp`, `snp:ovmf-hash` and `snp:svsm` modes.
 *
 * Facts: edk2
 * OvmfPkg/ResetVector (OvmfSevMetadata.asm, the footer GUID table) and
 * virtee/sev-snp-measure 0.0.13 (ovmf.py, sev_hashes.py, guest.py).
 *
 * An image is untrusted input: ovmf_parse() checks every offset and length
 * it reads, and any file gives either a parsed image or a one-line error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp.h"
#include "vmsa.h"

#define OVMF_ERR_LEN   256
#define OVMF_GUID_SIZE 16
#define OVMF_FOUR_GB \
	0x100000000ull /* images end at 4 GiB, sev-snp-measure 0.0.13, sevsnpmeasure/guest.py */

/* GUIDs in their on-disk (EFI_GUID, little-endian fields) byte order. */
extern const uint8_t ovmf_guid_table_footer[OVMF_GUID_SIZE];
extern const uint8_t ovmf_guid_sev_metadata[OVMF_GUID_SIZE];
extern const uint8_t ovmf_guid_sev_es_reset_block[OVMF_GUID_SIZE];
extern const uint8_t ovmf_guid_sev_hash_table_rv[OVMF_GUID_SIZE];
extern const uint8_t ovmf_guid_svsm_info[OVMF_GUID_SIZE];

/*
 * OvmfSevMetadata.asm: section types (sev-snp-measure 0.0.13,
 * sevsnpmeasure/guest.py).
 */
enum ovmf_sev_section_type {
	OVMF_SEV_SNP_SEC_MEM = 1,
	OVMF_SEV_SNP_SECRETS = 2,
	OVMF_SEV_CPUID = 3,
	OVMF_SEV_SVSM_CAA = 4,
	OVMF_SEV_SNP_KERNEL_HASHES = 0x10,
};

/* OvmfSevMetadata.asm: one section descriptor, 12 bytes. */
struct ovmf_sev_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct ovmf_sev_section) == 12, "OvmfSevMetadata");

/* A parsed image: a view into the caller's buffer, which must outlive it. */
struct ovmf_image {
	const uint8_t *data;
	size_t size;
	uint64_t gpa; /* load address: end address - size */
	bool has_table;
	size_t table_off; /* the GUID entries, without the footer entry */
	size_t table_len;
	bool has_sev_metadata;
	size_t sections_off; /* first struct ovmf_sev_section */
	uint32_t section_count;
};

/*
 * Parses data[0..size) loaded so that it ends at end_gpa (OVMF_FOUR_GB for
 * firmware). size must be a non-zero multiple of 4096 no larger than
 * end_gpa, and end_gpa page aligned. An image without a footer table or
 * without SEV metadata parses (has_table / has_sev_metadata false); a
 * corrupt table or metadata is an error. 0, or -1 with a message in err.
 */
int ovmf_parse(const uint8_t *data, size_t size, uint64_t end_gpa,
	       struct ovmf_image *out, char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * The data of the footer-table entry with this GUID (on-disk order), and its
 * length; NULL if absent. ovmf_parse() rejects a table that holds a GUID
 * twice (QEMU and sev-snp-measure would pick different entries). The
 * pointer is into img->data, so (ptr - img->data) is its file offset.
 */
const uint8_t *ovmf_find_guid_entry(const struct ovmf_image *img,
				    const uint8_t guid[OVMF_GUID_SIZE],
				    size_t *len);

/* "dc886566-984a-4798-a75e-5585a7bf67cc" -> on-disk bytes; -1 if bad. */
int ovmf_guid_parse(const char *str, uint8_t out[OVMF_GUID_SIZE])
	__attribute__((warn_unused_result));

/* The first LE u32 of an entry's data; -1 with a message if absent/short. */
int ovmf_guid_entry_u32(const struct ovmf_image *img,
			const uint8_t guid[OVMF_GUID_SIZE], const char *what,
			uint32_t *out, char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/* SEV metadata section i < img->section_count (checked at parse time). */
struct ovmf_sev_section ovmf_sev_section_get(const struct ovmf_image *img,
					     uint32_t i);

/* The APs' entry point from the SEV-ES reset block; -1 if absent. */
int ovmf_sev_es_reset_eip(const struct ovmf_image *img, uint32_t *eip,
			  char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/* The SEV hashes table GUIDs (QEMU target/i386/sev.c, sev_hashes.py). */
struct ovmf_sev_hash_entry {
	uint8_t guid[OVMF_GUID_SIZE];
	uint16_t length; /* sizeof(struct ovmf_sev_hash_entry) */
	uint8_t hash[SNP_HASH256_SIZE];
} __attribute__((packed));
_Static_assert(sizeof(struct ovmf_sev_hash_entry) == 50, "SevHashTableEntry");

struct ovmf_sev_hash_table {
	uint8_t guid[OVMF_GUID_SIZE];
	uint16_t length; /* sizeof(struct ovmf_sev_hash_table) */
	struct ovmf_sev_hash_entry cmdline, initrd, kernel;
} __attribute__((packed));
_Static_assert(sizeof(struct ovmf_sev_hash_table) == 168, "SevHashTable");
/* QEMU pads the table to 16 bytes with zeros. */
#define OVMF_SEV_HASH_TABLE_PADDED 176u

/* SHA-256 of the kernel, the initrd (empty if none), cmdline + NUL. */
struct ovmf_sev_hashes {
	uint8_t kernel[SNP_HASH256_SIZE];
	uint8_t initrd[SNP_HASH256_SIZE];
	uint8_t cmdline[SNP_HASH256_SIZE];
};

/* The padded table, as QEMU writes it and SEV/SEV-ES measure it. */
void ovmf_sev_hash_table_build(const struct ovmf_sev_hashes *h,
			       uint8_t out[OVMF_SEV_HASH_TABLE_PADDED]);

/*
 * Whether the image has a SEV hashes table with a non-zero GPA (the
 * SEV/SEV-ES test for --kernel support).
 */
bool ovmf_sev_hashes_supported(const struct ovmf_image *img);

/* Options of the SNP flows below (sev-snp-measure's command line). */
struct ovmf_snp_opts {
	enum vmsa_vmm_type vmm;
	unsigned int vcpus;	  /* VMSAs measured, one per vCPU */
	uint64_t vcpu_sig;	  /* RDX, see vmsa_build() */
	uint64_t guest_features;  /* VMSA sev_features */
	const uint8_t *ovmf_hash; /* NULL, or the LD after the OVMF pages */
	const struct ovmf_sev_hashes *hashes; /* NULL: no --kernel */
	unsigned int threads;		      /* see struct snp_ctx */
	struct snp_progress progress;	      /* optional */
	/* Called with each measured VMSA (--dump-vmsa); non-zero aborts. */
	int (*vmsa_out)(void *arg, unsigned int vcpu,
			const uint8_t page[VMSA_SIZE]);
	void *vmsa_arg;
};

/* sev-snp-measure `snp:ovmf-hash`: the NORMAL pages of the image. */
int ovmf_snp_ovmf_hash(const struct ovmf_image *img, unsigned int threads,
		       uint8_t ld[SNP_LD_SIZE], char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * The SEV metadata pages of sev-snp-measure 0.0.13, sevsnpmeasure/guest.py step
 * 2 (GCE: SNP_SEC_MEM unmeasured;
 * EC2: CPUID pages last), with the hashes page if hashes is not NULL.
 */
int ovmf_snp_update_metadata(struct snp_ctx *ctx, const struct ovmf_image *img,
			     const struct ovmf_sev_hashes *hashes,
			     enum vmsa_vmm_type vmm, char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * sev-snp-measure `snp` (sev-snp-measure 0.0.13, sevsnpmeasure/guest.py): image
 * pages (or the ovmf_hash seed),
 * metadata, then one VMSA per vCPU. The image must have SEV metadata and a
 * SEV-ES reset block: QEMU cannot launch it as an SNP guest otherwise.
 */
int ovmf_snp_measure(const struct ovmf_image *img,
		     const struct ovmf_snp_opts *o, uint8_t ld[SNP_LD_SIZE],
		     char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * sev-snp-measure `snp:svsm` (old COCONUT flow, QEMU only): OVMF pages, SVSM
 * pages, the SVSM's metadata, then vcpus copies of the SVSM VMSA whose rip
 * is the SVSM_INFO offset + svsm->gpa. svsm must be parsed with end_gpa =
 * ovmf->gpa - the OVMF_VARS size. o->ovmf_hash and o->hashes must be NULL.
 */
int ovmf_snp_svsm_measure(const struct ovmf_image *ovmf,
			  const struct ovmf_image *svsm,
			  const struct ovmf_snp_opts *o,
			  uint8_t ld[SNP_LD_SIZE], char err[OVMF_ERR_LEN])
	__attribute__((warn_unused_result));
