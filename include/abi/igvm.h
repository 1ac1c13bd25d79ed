/* SPDX-License-Identifier: MIT */
/*
 * The IGVM file format on the wire: the fixed header, the variable-header
 * TLVs and their bodies, and the native x64 VP context. Shared by the kernel
 * (which reads its parameter pages), the host tools that build and measure
 * the file, and the tests. Everything is little endian.
 *
 * Source: igvm_defs 0.4.0 (microsoft/igvm e6c3ff1c, igvm_defs/src/lib.rs;
 * cited as "igvm_defs" below; docs/references.md).
 * Every struct below has exactly the wire layout without any packing except
 * struct igvm_vhs_vp_context, whose u64 is declared unaligned in igvm_defs.
 *
 * Hosted and freestanding: only <stdint.h> and <stddef.h>.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* igvm_defs: the fixed header and the TLV alignment. */
#define IGVM_MAGIC	      0x4D564749u /* "IGVM" as a LE u32 */
#define IGVM_FORMAT_VERSION_1 1u
#define IGVM_FORMAT_VERSION_2 2u
#define IGVM_ARCH_X64	      0u
#define IGVM_ARCH_AARCH64     1u
#define IGVM_PAGE_SIZE_4K     4096u
#define IGVM_TLV_ALIGN	      8u

/* igvm_defs: "loader may ignore this header if it does not know the type". */
#define IGVM_VHT_OPTIONAL_BIT 0x80000000u

/* igvm_defs: the three sections, in the order they must appear. */
#define IGVM_VHT_RANGE_PLATFORM_START  0x001u
#define IGVM_VHT_RANGE_PLATFORM_END    0x100u
#define IGVM_VHT_RANGE_INIT_START      0x101u
#define IGVM_VHT_RANGE_INIT_END	       0x200u
#define IGVM_VHT_RANGE_DIRECTIVE_START 0x301u
#define IGVM_VHT_RANGE_DIRECTIVE_END   0x400u

/* igvm_defs: variable header type ids. */
#define IGVM_VHT_SUPPORTED_PLATFORM	      0x001u
#define IGVM_VHT_GUEST_POLICY		      0x101u
#define IGVM_VHT_RELOCATABLE_REGION	      0x102u
#define IGVM_VHT_PAGE_TABLE_RELOCATION_REGION 0x103u
#define IGVM_VHT_CORIM_DOCUMENT		      0x104u
#define IGVM_VHT_CORIM_SIGNATURE	      0x105u
#define IGVM_VHT_CCA_POLICY		      0x106u
#define IGVM_VHT_PARAMETER_AREA		      0x301u
#define IGVM_VHT_PAGE_DATA		      0x302u
#define IGVM_VHT_PARAMETER_INSERT	      0x303u
#define IGVM_VHT_VP_CONTEXT		      0x304u
#define IGVM_VHT_REQUIRED_MEMORY	      0x305u
/* 0x306 was SHARED_BOUNDARY_GPA: reserved, never emitted (igvm_defs). */
#define IGVM_VHT_VP_COUNT_PARAMETER	    0x307u
#define IGVM_VHT_SRAT			    0x308u
#define IGVM_VHT_MADT			    0x309u
#define IGVM_VHT_MMIO_RANGES		    0x30Au
#define IGVM_VHT_SNP_ID_BLOCK		    0x30Bu
#define IGVM_VHT_MEMORY_MAP		    0x30Cu
#define IGVM_VHT_ERROR_RANGE		    0x30Du
#define IGVM_VHT_COMMAND_LINE		    0x30Eu
#define IGVM_VHT_SLIT			    0x30Fu
#define IGVM_VHT_PPTT			    0x310u
#define IGVM_VHT_VBS_MEASUREMENT	    0x311u
#define IGVM_VHT_DEVICE_TREE		    0x312u
#define IGVM_VHT_ENVIRONMENT_INFO_PARAMETER 0x313u

/* igvm_defs: platform_type of SUPPORTED_PLATFORM (4..6 are v2/unstable). */
#define IGVM_PLATFORM_NATIVE	    0u
#define IGVM_PLATFORM_VSM_ISOLATION 1u
#define IGVM_PLATFORM_SEV_SNP	    2u
#define IGVM_PLATFORM_TDX	    3u
#define IGVM_PLATFORM_SEV	    4u
#define IGVM_PLATFORM_SEV_ES	    5u
#define IGVM_PLATFORM_CCA	    6u
#define IGVM_PLATFORM_VERSION	    1u /* the only defined value */

/* The compatibility-mask bits csvsm assigns (as COCONUT-SVSM's igvmbuilder). */
#define IGVM_MASK_SNP	 (1u << 0)
#define IGVM_MASK_NATIVE (1u << 1)
#define IGVM_MASK_TDX	 (1u << 2)

/* igvm_defs: PAGE_DATA flags and data types. */
#define IGVM_PAGE_DATA_FLAG_IS_2MB_PAGE (1u << 0)
#define IGVM_PAGE_DATA_FLAG_UNMEASURED	(1u << 1)
#define IGVM_PAGE_DATA_FLAG_SHARED	(1u << 2)
#define IGVM_PAGE_DATA_TYPE_NORMAL	0u
#define IGVM_PAGE_DATA_TYPE_SECRETS	1u
#define IGVM_PAGE_DATA_TYPE_CPUID_DATA	2u
#define IGVM_PAGE_DATA_TYPE_CPUID_XF	3u

/* igvm_defs: REQUIRED_MEMORY and RELOCATABLE_REGION flags. */
#define IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE (1u << 0)
#define IGVM_RELOCATION_FLAG_IS_VTL2		   (1u << 0)
#define IGVM_RELOCATION_FLAG_APPLY_RIP		   (1u << 1)
#define IGVM_RELOCATION_FLAG_APPLY_GDTR		   (1u << 2)

/* igvm_defs: MEMORY_MAP entry types (4 and 5 are v2). */
#define IGVM_MEMORY_MAP_MEMORY		  0u
#define IGVM_MEMORY_MAP_PLATFORM_RESERVED 1u
#define IGVM_MEMORY_MAP_PERSISTENT	  2u
#define IGVM_MEMORY_MAP_VTL2_PROTECTABLE  3u
#define IGVM_MEMORY_MAP_SPECIFIC_PURPOSE  4u
#define IGVM_MEMORY_MAP_HIDDEN		  5u

/* AMD 56860 ID_AUTH_INFO: SNP ID block algorithms and curves. */
#define IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384 1u
#define IGVM_SNP_ID_CURVE_P384		       2u

#define IGVM_ABI_ASSERT_(t, f, o, ref) \
	_Static_assert(offsetof(struct t, f) == (o), #t "." #f " " ref)
#define IGVM_ABI_SIZE_(t, s, ref) \
	_Static_assert(sizeof(struct t) == (s), "sizeof " #t " " ref)

/* igvm_defs: IGVM_FIXED_HEADER (format_version 1). */
struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
};
IGVM_ABI_SIZE_(igvm_fixed_header, 24, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_fixed_header, total_file_size, 0x10, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_fixed_header, checksum, 0x14, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_FIXED_HEADER_V2 (format_version 2): v1 plus two fields. */
struct igvm_fixed_header_v2 {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
	uint32_t architecture;
	uint32_t page_size;
};
IGVM_ABI_SIZE_(igvm_fixed_header_v2, 32, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_fixed_header_v2, checksum, 0x14, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_fixed_header_v2, architecture, 0x18, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_fixed_header_v2, page_size, 0x1C, "igvm_defs 0.4.0");

/* igvm_defs: the TLV header; length excludes this header and the padding. */
struct igvm_vhs_variable_header {
	uint32_t type;
	uint32_t length;
};
IGVM_ABI_SIZE_(igvm_vhs_variable_header, 8, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_SUPPORTED_PLATFORM. */
struct igvm_vhs_supported_platform {
	uint32_t compatibility_mask;
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
};
IGVM_ABI_SIZE_(igvm_vhs_supported_platform, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_supported_platform, platform_type, 5,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_supported_platform, platform_version, 6,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_supported_platform, shared_gpa_boundary, 8,
		 "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_GUEST_POLICY (SNP or TDX policy bits). */
struct igvm_vhs_guest_policy {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
};
IGVM_ABI_SIZE_(igvm_vhs_guest_policy, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_guest_policy, compatibility_mask, 8,
		 "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_RELOCATABLE_REGION. */
struct igvm_vhs_relocatable_region {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t flags;
	uint64_t relocation_alignment;
	uint64_t relocation_region_gpa;
	uint64_t relocation_region_size;
	uint64_t minimum_relocation_gpa;
	uint64_t maximum_relocation_gpa;
};
IGVM_ABI_SIZE_(igvm_vhs_relocatable_region, 48, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_relocatable_region, relocation_alignment, 8,
		 "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_PAGE_TABLE_RELOCATION. */
struct igvm_vhs_page_table_relocation {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t reserved;
	uint64_t gpa;
	uint64_t size;
	uint64_t used_size;
};
IGVM_ABI_SIZE_(igvm_vhs_page_table_relocation, 32, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_table_relocation, gpa, 8, "igvm_defs 0.4.0");

/* igvm_defs: the body of CORIM_DOCUMENT and CORIM_SIGNATURE. */
struct igvm_vhs_corim_data {
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t size_bytes;
	uint32_t reserved;
};
IGVM_ABI_SIZE_(igvm_vhs_corim_data, 16, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_CCA_POLICY (AArch64 only; listed for completeness). */
struct igvm_vhs_cca_policy {
	uint32_t compatibility_mask;
	uint32_t reserved;
	uint64_t attr_required_zeroes;
	uint64_t attr_required_ones;
	uint8_t hash_alg;
	uint8_t lfa_policy;
	uint8_t reserved2[6];
};
IGVM_ABI_SIZE_(igvm_vhs_cca_policy, 32, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_cca_policy, hash_alg, 0x18, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_PARAMETER_AREA; file_offset 0 = zero-filled. */
struct igvm_vhs_parameter_area {
	uint64_t number_of_bytes;
	uint32_t parameter_area_index;
	uint32_t file_offset;
};
IGVM_ABI_SIZE_(igvm_vhs_parameter_area, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_parameter_area, parameter_area_index, 8,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_parameter_area, file_offset, 12, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_PAGE_DATA; file_offset 0 = a page of zeros. */
struct igvm_vhs_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t flags;
	uint16_t data_type;
	uint16_t reserved;
};
IGVM_ABI_SIZE_(igvm_vhs_page_data, 24, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_data, compatibility_mask, 0x8,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_data, file_offset, 0xC, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_data, flags, 0x10, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_data, data_type, 0x14, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_page_data, reserved, 0x16, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_PARAMETER_INSERT. */
struct igvm_vhs_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
};
IGVM_ABI_SIZE_(igvm_vhs_parameter_insert, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_parameter_insert, parameter_area_index, 12,
		 "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_PARAMETER, the body of 0x307..0x310, 0x312/3. */
struct igvm_vhs_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
};
IGVM_ABI_SIZE_(igvm_vhs_parameter, 8, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_parameter, byte_offset, 4, "igvm_defs 0.4.0");

/*
 * igvm_defs: IGVM_VHS_VP_CONTEXT. igvm_defs declares gpa as an unaligned
 * u64, so the body is 20 bytes (TLV length 20, padded to 24 in the file).
 */
struct igvm_vhs_vp_context {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t reserved;
} __attribute__((packed));
IGVM_ABI_SIZE_(igvm_vhs_vp_context, 20, "igvm_defs 0.4.0 (length 20, not 24)");
IGVM_ABI_ASSERT_(igvm_vhs_vp_context, compatibility_mask, 0x8,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_vp_context, file_offset, 0xC, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_vp_context, vp_index, 0x10, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_vp_context, reserved, 0x12, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_REQUIRED_MEMORY. */
struct igvm_vhs_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t reserved;
};
IGVM_ABI_SIZE_(igvm_vhs_required_memory, 24, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_required_memory, number_of_bytes, 12,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_required_memory, flags, 16, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_ERROR_RANGE. */
struct igvm_vhs_error_range {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t size_bytes;
};
IGVM_ABI_SIZE_(igvm_vhs_error_range, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_error_range, size_bytes, 12, "igvm_defs 0.4.0");

/* igvm_defs: MMIO_RANGES parameter payload. */
struct igvm_vhs_mmio_ranges {
	struct {
		uint64_t starting_gpa_page_number;
		uint64_t number_of_pages;
	} ranges[2];
};
IGVM_ABI_SIZE_(igvm_vhs_mmio_ranges, 32, "igvm_defs 0.4.0");

/*
 * igvm_defs: one MEMORY_MAP parameter entry; the list ends with an entry whose
 * number_of_pages is 0.
 */
struct igvm_vhs_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};
IGVM_ABI_SIZE_(igvm_vhs_memory_map_entry, 24, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_memory_map_entry, entry_type, 16, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_memory_map_entry, reserved, 20, "igvm_defs 0.4.0");

/* igvm_defs, AMD 56860: ECDSA P-384 signature, R then S, little endian. */
struct igvm_vhs_snp_id_block_signature {
	uint8_t r_comp[72];
	uint8_t s_comp[72];
};
IGVM_ABI_SIZE_(igvm_vhs_snp_id_block_signature, 144, "igvm_defs 0.4.0");

/* igvm_defs, 56860: public key; QEMU repacks it without the reserved word. */
struct igvm_vhs_snp_id_block_public_key {
	uint32_t curve;
	uint32_t reserved;
	uint8_t qx[72];
	uint8_t qy[72];
};
IGVM_ABI_SIZE_(igvm_vhs_snp_id_block_public_key, 152, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block_public_key, qx, 8, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block_public_key, qy, 80, "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_SNP_ID_BLOCK; the policy comes from GUEST_POLICY. */
struct igvm_vhs_snp_id_block {
	uint32_t compatibility_mask;
	uint8_t author_key_enabled;
	uint8_t reserved[3];
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	struct igvm_vhs_snp_id_block_signature id_key_signature;
	struct igvm_vhs_snp_id_block_public_key id_public_key;
	struct igvm_vhs_snp_id_block_signature author_key_signature;
	struct igvm_vhs_snp_id_block_public_key author_public_key;
};
IGVM_ABI_SIZE_(igvm_vhs_snp_id_block, 696, "igvm_defs 0.4.0 (0x2B8)");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, ld, 0x008, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, family_id, 0x038, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, image_id, 0x048, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, version, 0x058, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, guest_svn, 0x05C, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, id_key_algorithm, 0x060,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, author_key_algorithm, 0x064,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, id_key_signature, 0x068,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, id_public_key, 0x0F8,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, author_key_signature, 0x190,
		 "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_snp_id_block, author_public_key, 0x220,
		 "igvm_defs 0.4.0");

/* igvm_defs: IGVM_VHS_VBS_MEASUREMENT (Hyper-V VBS; listed for its size). */
struct igvm_vhs_vbs_measurement {
	uint32_t compatibility_mask;
	uint32_t version;
	uint32_t product_id;
	uint32_t module_id;
	uint32_t security_version;
	uint32_t policy_flags;
	uint32_t boot_digest_algo;
	uint32_t signing_algo;
	uint8_t boot_measurement_digest[64];
	uint8_t signature[256];
	uint8_t public_key[512];
};
IGVM_ABI_SIZE_(igvm_vhs_vbs_measurement, 864, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_vbs_measurement, signature, 0x60, "igvm_defs 0.4.0");
IGVM_ABI_ASSERT_(igvm_vhs_vbs_measurement, public_key, 0x160,
		 "igvm_defs 0.4.0");

/*
 * igvm_defs: IgvmNativeVpContextX64 (igvm_defs 0.4.0, v2/unstable), the
 * file data of a NATIVE VP_CONTEXT, zero-padded to 4 KiB; QEMU's
 * target/i386/igvm.c loads the same layout. The segment attributes are bits
 * 8..23 of the descriptor's high dword, e.g. flat 32-bit code 0xc09b and
 * flat data 0xc093.
 */
#define IGVM_NATIVE_SEG_ATTR_CODE32 0xc09bu
#define IGVM_NATIVE_SEG_ATTR_DATA32 0xc093u

struct igvm_native_vp_context_x64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint64_t rflags;
	uint64_t idtr_base;
	uint16_t idtr_limit;
	uint16_t reserved[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint16_t code_selector;
	uint16_t code_attributes;
	uint32_t code_base;
	uint32_t code_limit;
	uint16_t data_selector;
	uint16_t data_attributes;
	uint32_t data_base;
	uint32_t data_limit;
	uint64_t gs_base;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
#define IGVM_NATIVE_ASSERT_(f, o)                          \
	IGVM_ABI_ASSERT_(igvm_native_vp_context_x64, f, o, \
			 "IgvmNativeVpContextX64, igvm_defs 0.4.0")
IGVM_ABI_SIZE_(igvm_native_vp_context_x64, 232,
	       "IgvmNativeVpContextX64, igvm_defs 0.4.0");
IGVM_NATIVE_ASSERT_(rax, 0);
IGVM_NATIVE_ASSERT_(rdi, 56);
IGVM_NATIVE_ASSERT_(r15, 120);
IGVM_NATIVE_ASSERT_(rip, 128);
IGVM_NATIVE_ASSERT_(rflags, 136);
IGVM_NATIVE_ASSERT_(idtr_base, 144);
IGVM_NATIVE_ASSERT_(idtr_limit, 152);
IGVM_NATIVE_ASSERT_(reserved, 154);
IGVM_NATIVE_ASSERT_(gdtr_limit, 158);
IGVM_NATIVE_ASSERT_(gdtr_base, 160);
IGVM_NATIVE_ASSERT_(code_selector, 168);
IGVM_NATIVE_ASSERT_(code_attributes, 170);
IGVM_NATIVE_ASSERT_(code_base, 172);
IGVM_NATIVE_ASSERT_(code_limit, 176);
IGVM_NATIVE_ASSERT_(data_selector, 180);
IGVM_NATIVE_ASSERT_(data_attributes, 182);
IGVM_NATIVE_ASSERT_(data_base, 184);
IGVM_NATIVE_ASSERT_(data_limit, 188);
IGVM_NATIVE_ASSERT_(gs_base, 192);
IGVM_NATIVE_ASSERT_(cr0, 200);
IGVM_NATIVE_ASSERT_(cr3, 208);
IGVM_NATIVE_ASSERT_(cr4, 216);
IGVM_NATIVE_ASSERT_(efer, 224);

#undef IGVM_NATIVE_ASSERT_
#undef IGVM_ABI_SIZE_
#undef IGVM_ABI_ASSERT_
