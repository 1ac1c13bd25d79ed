/* SPDX-License-Identifier: MIT */
/*
 * The TDX MRTD: what TDH.MR.FINALIZE reports for a TD built from a TDVF/OVMF
 * image or from an IGVM file. MRTD is one running SHA-384 over 128-byte
 * extension blocks: one per TDH.MEM.PAGE.ADD, and one per TDH.MR.EXTEND of a
 * 256-byte chunk followed by those 256 bytes. Facts and vectors:
 * td-shim td-shim-tools/src/tee_info_hash.rs (and td_shim_tee_info_hash.py),
 * dstack-mr for the two-pass order, igvm 0.4.0 igvm/src/measurement/tdx.rs.
 *
 * The primitives (tdx_page_add, tdx_extend_page) are exported so that tests
 * and other calculators can replay an exact sequence of operations.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct igvm_file;

#define TDX_MRTD_SIZE \
	48u /* SHA-384, td-shim td-shim-tools/src/tee_info_hash.rs */
#define TDX_PAGE_SIZE 4096u
#define TDX_EXTEND_CHUNK \
	256u /* one TDH.MR.EXTEND, td-shim td-shim-tools/src/tee_info_hash.rs */
#define TDX_ERR_LEN	   256u
#define TDX_MAX_IMAGE_SIZE (256u << 20) /* a firmware image the tool reads */
/* Pages one section or parameter area may hash; bounds hostile sizes. */
#define TDX_MAX_REGION_SIZE (1ull << 32)

/*
 * The order of PAGE.ADD and MR.EXTEND. Single pass (upstream KVM, QEMU >= 9;
 * td-shim's tee_info_hash.rs): each page is added, then extended. Two pass
 * (QEMU 8.x TDX stacks, as Dstack-TEE dstack-mr computes them): all pages
 * of a region are added, then all of them are extended.
 * For a TDVF image a region is one metadata section; an IGVM file is one
 * region (every PAGE.ADD in directive order, then every EXTEND).
 */
enum tdx_order {
	TDX_ORDER_SINGLE_PASS = 0,
	TDX_ORDER_TWO_PASS = 1,
};

/* A running MRTD (opaque; holds an OpenSSL SHA-384 context). */
struct tdx_ctx;

/* NULL when out of memory or when OpenSSL cannot provide SHA-384. */
struct tdx_ctx *tdx_ctx_new(void);
void tdx_ctx_free(struct tdx_ctx *c);

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: one TDH.MEM.PAGE.ADD of the 4 KiB
 * page at gpa.
 */
void tdx_page_add(struct tdx_ctx *c, uint64_t gpa);

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: one TDH.MR.EXTEND of the 256
 * bytes at gpa.
 */
void tdx_mr_extend(struct tdx_ctx *c, uint64_t gpa,
		   const uint8_t data[TDX_EXTEND_CHUNK]);

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: the 16 MR.EXTENDs of the 4 KiB
 * page at gpa; data4k NULL means a
 * page of zeros.
 */
void tdx_extend_page(struct tdx_ctx *c, uint64_t gpa, const uint8_t *data4k);

/*
 * Writes the MRTD. 0, or -1 if any hash update failed since tdx_ctx_new()
 * (errors are sticky, so the operations above need no checks). The context
 * cannot be used afterwards except with tdx_ctx_free().
 */
int tdx_ctx_final(struct tdx_ctx *c, uint8_t out[TDX_MRTD_SIZE])
	__attribute__((warn_unused_result));

/*
 * MRTD of a TDVF/OVMF image from its TDX metadata (td-shim
 * td-shim-tools/src/tee_info_hash.rs): for each section,
 * PAGE.ADD every page unless attribute bit1 (PAGE.AUG) is set, and
 * MR.EXTEND every page if bit0 (MR.EXTEND) is set; page contents are the
 * image bytes [data_offset, data_offset + raw_size) followed by zeros up to
 * mem_size. 0, or -1 with a one-line message in err (may be NULL), e.g. for
 * an image without TDX metadata.
 */
int tdx_mrtd_ovmf(const uint8_t *image, size_t len, enum tdx_order order,
		  uint8_t out[TDX_MRTD_SIZE], char err[TDX_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * How an IGVM file becomes TD memory. The defaults follow the igvm crate's
 * generate_tdx_measurement (igvm 0.4.0, igvm/src/measurement/tdx.rs); the
 * two switches give td-shim's
 * build_igvmmrtd. Which one a real TDX IGVM loader matches is unconfirmed.
 */
struct tdx_igvm_options {
	enum tdx_order order;
	/* A PAGE_DATA without file data gets PAGE.ADD only (td-shim). */
	bool zero_page_add_only;
	/* PARAMETER_INSERT is not measured at all (td-shim). */
	bool ignore_parameter_areas;
};

/*
 * MRTD of a parsed IGVM file for its TDX platform (the SUPPORTED_PLATFORM
 * with platform_type TDX; only headers whose mask includes its bit count):
 * measured PAGE_DATA = PAGE.ADD + 16 EXTENDs, UNMEASURED = PAGE.ADD, SHARED
 * = nothing, PARAMETER_INSERT = PAGE.ADD per page of the area. o NULL =
 * defaults. 0, or -1 with a one-line message (no TDX platform, ...).
 */
int tdx_mrtd_igvm(const struct igvm_file *f, const struct tdx_igvm_options *o,
		  uint8_t out[TDX_MRTD_SIZE], char err[TDX_ERR_LEN])
	__attribute__((warn_unused_result));

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: one section of the TDVF metadata,
 * as in the image (little endian).
 * Exported for dumps and tests.
 */
struct tdx_tdvf_section {
	uint32_t data_offset;
	uint32_t raw_size;
	uint64_t gpa;
	uint64_t mem_size;
	uint32_t type;
	uint32_t attributes;
};
_Static_assert(sizeof(struct tdx_tdvf_section) == 32,
	       "td-shim td-shim-tools/src/tee_info_hash.rs: 32 bytes");

/*
 * td-shim td-shim-tools/src/tee_info_hash.rs: section types and attribute bits.
 */
#define TDX_TDVF_SECTION_BFV	       0u
#define TDX_TDVF_SECTION_CFV	       1u
#define TDX_TDVF_SECTION_TD_HOB	       2u
#define TDX_TDVF_SECTION_TEMP_MEM      3u
#define TDX_TDVF_SECTION_PERM_MEM      4u
#define TDX_TDVF_SECTION_PAYLOAD       5u
#define TDX_TDVF_SECTION_PAYLOAD_PARAM 6u
#define TDX_TDVF_SECTION_TD_INFO       7u
#define TDX_TDVF_SECTION_TYPE_MAX      9u /* types 0..8 (td-shim) */
#define TDX_TDVF_ATTR_MR_EXTEND	       (1u << 0)
#define TDX_TDVF_ATTR_PAGE_AUG	       (1u << 1)

/*
 * Finds and validates the TDVF descriptor of an image: every section is
 * checked (alignment, sizes, data inside the image) before this returns 0
 * with the descriptor's image offset and section count; -1 with a message.
 */
int tdx_tdvf_locate(const uint8_t *image, size_t len, size_t *desc_off,
		    uint32_t *section_count, char err[TDX_ERR_LEN])
	__attribute__((warn_unused_result));

/* Section i of a descriptor that tdx_tdvf_locate() accepted. */
void tdx_tdvf_section(const uint8_t *image, size_t desc_off, uint32_t i,
		      struct tdx_tdvf_section *out);
