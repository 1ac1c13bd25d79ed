/* SPDX-License-Identifier: MIT */
/*
 * PAGE_INFO: the 0x70-byte structure the SEV-SNP firmware hashes for every
 * page added by SNP_LAUNCH_UPDATE, giving the next launch digest:
 * LD = SHA-384(PAGE_INFO). Layout: AMD 56860 (SEV Secure Nested Paging
 * Firmware ABI Specification) §8.17.2 (SNP_LAUNCH_UPDATE), Table 67 "Layout
 * of the PAGE_INFO Structure": the numbers virtee sev-snp-measure 0.0.13
 * cites in sevsnpmeasure/gctx.py, which are those of rev 1.51 (edk2 cites
 * §8.17.2 of rev 1.51 for the same command). PAGE_TYPE values: the same
 * section. Little endian, hashed exactly as laid out here.
 */
#pragma once

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define SNP_PAGE_INFO_SIZE   0x70u
#define SNP_PAGE_INFO_DIGEST 48u /* SHA-384 */

/* PAGE_INFO.PAGE_TYPE (AMD 56860 rev 1.51, §8.17.2). */
enum snp_page_type {
	SNP_PAGE_TYPE_NORMAL = 1,
	SNP_PAGE_TYPE_VMSA = 2,
	SNP_PAGE_TYPE_ZERO = 3,
	SNP_PAGE_TYPE_UNMEASURED = 4,
	SNP_PAGE_TYPE_SECRETS = 5,
	SNP_PAGE_TYPE_CPUID = 6,
};

/* AMD 56860 rev 1.51, Table 67. */
struct snp_page_info {
	uint8_t digest_cur[SNP_PAGE_INFO_DIGEST]; /* the LD so far */
	/* SHA-384 of the page for NORMAL and VMSA; zero for the others. */
	uint8_t contents[SNP_PAGE_INFO_DIGEST];
	uint16_t length; /* SNP_PAGE_INFO_SIZE */
	uint8_t page_type;
	uint8_t imi_page; /* bit 0; 0 for a normal launch */
	uint8_t vmpl3_perms;
	uint8_t vmpl2_perms;
	uint8_t vmpl1_perms;
	uint8_t reserved;
	uint64_t gpa; /* page-aligned guest physical address */
} __attribute__((packed));

static_assert(sizeof(struct snp_page_info) == SNP_PAGE_INFO_SIZE,
	      "AMD 56860 rev 1.51, Table 67: PAGE_INFO is 0x70 bytes");
static_assert(offsetof(struct snp_page_info, digest_cur) == 0x00,
	      "AMD 56860 rev 1.51, Table 67: DIGEST_CUR");
static_assert(offsetof(struct snp_page_info, contents) == 0x30,
	      "AMD 56860 rev 1.51, Table 67: CONTENTS");
static_assert(offsetof(struct snp_page_info, length) == 0x60,
	      "AMD 56860 rev 1.51, Table 67: LENGTH");
static_assert(offsetof(struct snp_page_info, page_type) == 0x62,
	      "AMD 56860 rev 1.51, Table 67: PAGE_TYPE");
static_assert(offsetof(struct snp_page_info, imi_page) == 0x63,
	      "AMD 56860 rev 1.51, Table 67: IMI_PAGE");
static_assert(offsetof(struct snp_page_info, vmpl3_perms) == 0x64,
	      "AMD 56860 rev 1.51, Table 67: VMPL3_PERMS");
static_assert(offsetof(struct snp_page_info, vmpl2_perms) == 0x65,
	      "AMD 56860 rev 1.51, Table 67: VMPL2_PERMS");
static_assert(offsetof(struct snp_page_info, vmpl1_perms) == 0x66,
	      "AMD 56860 rev 1.51, Table 67: VMPL1_PERMS");
static_assert(offsetof(struct snp_page_info, gpa) == 0x68,
	      "AMD 56860 rev 1.51, Table 67: GPA");
/* The structure is hashed as it lies in memory. */
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "PAGE_INFO is little endian (AMD 56860 rev 1.51, Table 67)");
