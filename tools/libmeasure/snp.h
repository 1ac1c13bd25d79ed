/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch digest (LD): the 48-byte value the firmware extends for
 * every page added by SNP_LAUNCH_UPDATE, LD = SHA-384(PAGE_INFO). A context
 * starts from zeros (or a seed) and is updated page by page, in launch
 * order. Source: AMD 56860, SNP_LAUNCH_UPDATE and Table 67 (PAGE_INFO,
 * include/abi/snp_page_info.h), as sev-snp-measure 0.0.13's
 * sevsnpmeasure/gctx.py implements it.
 *
 * The chain is strictly serial; snp_update_normal_pages() hashes the page
 * contents on every online CPU first and only chains serially.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/snp_page_info.h"
#include "abi/snp_vmsa.h"

#define SNP_LD_SIZE   48u /* SHA-384 digest, AMD 56860, Table 67 (PAGE_INFO) */
#define SNP_PAGE_SIZE 4096u /* every PAGE_INFO covers one 4 KiB page */
#define SNP_PAGE_MASK (SNP_PAGE_SIZE - 1)
#define SNP_HASH256_SIZE \
	32u /* SHA-256, the SEV/SEV-ES digest, sev-snp-measure 0.0.13, sevsnpmeasure/guest.py */

/*
 * vCPUs a launch measurement can cover (one VMSA each): 1..65536, the
 * range of an IGVM VP_CONTEXT's u16 vp_index. One rule for `measure`,
 * `sign`, `verify` and csvsm-snp-measure --vcpus.
 */
#define SNP_MAX_VCPUS	  65536u
#define SNP_MAX_VCPUS_STR "65536"

/* Errors: negative return values. */
#define SNP_ERR_ARG    (-1) /* misaligned GPA or length, GPA overflow */
#define SNP_ERR_CRYPTO (-2) /* OpenSSL failed */
#define SNP_ERR_NOMEM  (-3) /* out of memory or no thread */

/* A long measurement's progress: fn(arg, pages) after each batch. */
struct snp_progress {
	void (*fn)(void *arg, uint64_t pages);
	void *arg;
};

struct snp_ctx {
	uint8_t ld[SNP_LD_SIZE];
	/*
	 * Workers for snp_update_normal_pages(): 0 means one per online CPU,
	 * 1 hashes in the calling thread only.
	 */
	unsigned int threads;
	struct snp_progress progress; /* optional, for NORMAL page runs */
};

/* LD = 48 zero bytes (a fresh launch), threads = 0. */
void snp_init(struct snp_ctx *ctx);
/* Starts from a given LD, e.g. sev-snp-measure's --snp-ovmf-hash. */
void snp_init_seed(struct snp_ctx *ctx, const uint8_t seed[SNP_LD_SIZE]);

/*
 * One PAGE_INFO step (AMD 56860, Table 67 (PAGE_INFO)): gpa must be page
 * aligned; contents is the
 * SHA-384 of the page for NORMAL and VMSA pages, NULL (= 48 zero bytes) for
 * the others. 0 or SNP_ERR_*.
 */
int snp_update(struct snp_ctx *ctx, uint64_t gpa, enum snp_page_type type,
	       const uint8_t contents[SNP_LD_SIZE])
	__attribute__((warn_unused_result));

/* One NORMAL page of 4096 bytes. */
int snp_update_normal_page(struct snp_ctx *ctx, uint64_t gpa,
			   const uint8_t page[SNP_PAGE_SIZE])
	__attribute__((warn_unused_result));

/*
 * NORMAL pages for len bytes (a multiple of 4096) loaded at gpa, in
 * ascending GPA order; the contents are hashed on ctx->threads workers.
 */
int snp_update_normal_pages(struct snp_ctx *ctx, uint64_t gpa,
			    const uint8_t *data, size_t len)
	__attribute__((warn_unused_result));

/* Contents-less page types over len bytes (a multiple of 4096) at gpa. */
int snp_update_zero_pages(struct snp_ctx *ctx, uint64_t gpa, uint64_t len)
	__attribute__((warn_unused_result));
int snp_update_unmeasured_pages(struct snp_ctx *ctx, uint64_t gpa, uint64_t len)
	__attribute__((warn_unused_result));
int snp_update_secrets_page(struct snp_ctx *ctx, uint64_t gpa)
	__attribute__((warn_unused_result));
int snp_update_cpuid_page(struct snp_ctx *ctx, uint64_t gpa)
	__attribute__((warn_unused_result));

/*
 * A VMSA page at gpa; KVM measures every VMSA at SNP_LAUNCH_VMSA_GPA (AMD
 * 56860, Table 67 (PAGE_INFO),
 * AMD APM vol. 2, Table B-4; sev-snp-measure 0.0.13, sevsnpmeasure/vmsa.py), an
 * IGVM VP_CONTEXT may name another GPA.
 */
int snp_update_vmsa_page(struct snp_ctx *ctx, uint64_t gpa,
			 const uint8_t page[SNP_PAGE_SIZE])
	__attribute__((warn_unused_result));

/* One-shot digests through OpenSSL EVP; 0 or SNP_ERR_CRYPTO. */
int snp_sha384(const void *data, size_t len, uint8_t out[SNP_LD_SIZE])
	__attribute__((warn_unused_result));
int snp_sha256(const void *data, size_t len, uint8_t out[SNP_HASH256_SIZE])
	__attribute__((warn_unused_result));

/* Online CPUs (at least 1): the default worker count. */
unsigned int snp_online_cpus(void);

/* A short message for an SNP_ERR_* value. */
const char *snp_strerror(int err);
