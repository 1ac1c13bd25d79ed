/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP guest messages on the wire: the 0x60-byte header that wraps every
 * AES-256-GCM protected message between a guest and the AMD secure
 * processor (PSP), the MSG_REPORT_REQ / MSG_REPORT_RSP bodies, the 0x4A0-byte
 * attestation report with its ECDSA P-384 signature, and the SNP secrets
 * page that carries the VMPCKs and, in the guest's copy, the SVSM fields.
 * Shared by the SVSM's guest-request client, the PSP model in sim/ and the
 * tests. Everything is little endian.
 *
 * Sources: AMD SEV-SNP firmware ABI (56860; guest messages, report, secrets
 * page), GHCB (56421) and 58019 rev 1.00 (the secrets page's SVSM fields);
 * docs/references.md says which revisions. Every struct has exactly
 * the wire layout with natural alignment; no packing is needed.
 *
 * Hosted and freestanding: only <stdint.h> and <stddef.h>.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SNP_MSG_ABI_ASSERT_(t, f, o, ref) \
	_Static_assert(offsetof(struct t, f) == (o), #t "." #f " " ref)
#define SNP_MSG_ABI_SIZE_(t, s, ref) \
	_Static_assert(sizeof(struct t) == (s), "sizeof " #t " " ref)

/* 56860: request and response pages are 4 KB, shared with the host. */
#define SNP_GUEST_MSG_PAGE_SIZE 4096u

/* 56860: header constants. */
#define SNP_GUEST_MSG_AEAD_AES_256_GCM 1u
#define SNP_GUEST_MSG_HDR_VERSION      1u
#define SNP_GUEST_MSG_HDR_SIZE	       0x60u
#define SNP_GUEST_MSG_VERSION	       1u /* message version of REPORT_REQ */
#define SNP_GUEST_MSG_VMPCK_COUNT      4u
#define SNP_GUEST_MSG_KEY_SIZE	       32u /* a VMPCK: AES-256 */
#define SNP_GUEST_MSG_TAG_SIZE	       16u /* AES-GCM uses 16 of the 32 */
#define SNP_GUEST_MSG_IV_SIZE	       12u
/* Largest payload that fits in one page behind the header. */
#define SNP_GUEST_MSG_MAX_PAYLOAD \
	(SNP_GUEST_MSG_PAGE_SIZE - SNP_GUEST_MSG_HDR_SIZE)

/*
 * 56860: AAD = header bytes 0x30..0x5F (48 bytes): algorithm through the
 * end of the header. The auth tag, the sequence number and the reserved
 * u64 at 0x28 are not in the AAD (the sequence number is bound through the
 * IV instead: its 8 LE bytes, then 4 zero bytes).
 */
#define SNP_GUEST_MSG_AAD_OFFSET 0x30u
#define SNP_GUEST_MSG_AAD_SIZE	 0x30u

/* 56860: message types; a response is its request's type + 1. */
#define SNP_MSG_TYPE_INVALID 0u
#define SNP_MSG_CPUID_REQ    1u
#define SNP_MSG_CPUID_RSP    2u
#define SNP_MSG_KEY_REQ	     3u
#define SNP_MSG_KEY_RSP	     4u
#define SNP_MSG_REPORT_REQ   5u
#define SNP_MSG_REPORT_RSP   6u
#define SNP_MSG_EXPORT_REQ   7u
#define SNP_MSG_EXPORT_RSP   8u
#define SNP_MSG_IMPORT_REQ   9u
#define SNP_MSG_IMPORT_RSP   10u
#define SNP_MSG_ABSORB_REQ   11u
#define SNP_MSG_ABSORB_RSP   12u
#define SNP_MSG_VMRK_REQ     13u
#define SNP_MSG_VMRK_RSP     14u
#define SNP_MSG_TSC_INFO_REQ 17u
#define SNP_MSG_TSC_INFO_RSP 18u

/* 56860: the message header in front of every request and response. */
struct snp_guest_msg_hdr {
	uint8_t authtag[32];  /* 0x00: AES-GCM tag in bytes 0..15 */
	uint64_t msg_seqno;   /* 0x20: 1, 2, 3, ...; 0 is invalid */
	uint64_t reserved_28; /* 0x28 */
	uint8_t algo;	      /* 0x30: SNP_GUEST_MSG_AEAD_* */
	uint8_t hdr_version;  /* 0x31: SNP_GUEST_MSG_HDR_VERSION */
	uint16_t hdr_sz;      /* 0x32: SNP_GUEST_MSG_HDR_SIZE */
	uint8_t msg_type;     /* 0x34: SNP_MSG_* */
	uint8_t msg_version;  /* 0x35 */
	uint16_t msg_sz;      /* 0x36: payload bytes (plaintext = ciphertext) */
	uint32_t reserved_38; /* 0x38 */
	uint8_t msg_vmpck;    /* 0x3C: which VMPCK protects the message */
	uint8_t reserved_3d[35]; /* 0x3D */
};
SNP_MSG_ABI_SIZE_(snp_guest_msg_hdr, 0x60, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, msg_seqno, 0x20, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, reserved_28, 0x28, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, algo, 0x30, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, hdr_version, 0x31, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, hdr_sz, 0x32, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, msg_type, 0x34, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, msg_version, 0x35, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, msg_sz, 0x36, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, reserved_38, 0x38, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, msg_vmpck, 0x3C, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_guest_msg_hdr, reserved_3d, 0x3D, "AMD 56860");
_Static_assert(SNP_GUEST_MSG_AAD_OFFSET + SNP_GUEST_MSG_AAD_SIZE ==
		       sizeof(struct snp_guest_msg_hdr),
	       "the AAD runs to the end of the header, AMD 56860");

/* 56860: MSG_REPORT_REQ flags bits 1:0, the signing-key selector. */
#define SNP_REPORT_REQ_KEY_SEL_MASK 0x3u
#define SNP_REPORT_KEY_SEL_DEFAULT  0u /* VLEK if installed, else VCEK */
#define SNP_REPORT_KEY_SEL_VCEK	    1u
#define SNP_REPORT_KEY_SEL_VLEK	    2u

/* 56860: the MSG_REPORT_REQ payload (96 bytes). */
struct snp_report_req {
	uint8_t report_data[64]; /* 0x00: bound into the report verbatim */
	uint32_t vmpl;		 /* 0x40: >= the VMPL of the VMPCK used */
	uint32_t flags;		 /* 0x44: bits 1:0 key select, rest 0 */
	uint8_t reserved[24];	 /* 0x48: must be zero */
};
SNP_MSG_ABI_SIZE_(snp_report_req, 0x60, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_req, vmpl, 0x40, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_req, flags, 0x44, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_req, reserved, 0x48, "AMD 56860");

/* 56860: MSG_REPORT_RSP status values. */
#define SNP_REPORT_STATUS_SUCCESS	 0x00u
#define SNP_REPORT_STATUS_INVALID_PARAMS 0x16u
#define SNP_REPORT_STATUS_INVALID_KEY	 0x27u

/* 56860: report constants. */
#define SNP_REPORT_SIZE			      0x4A0u
#define SNP_REPORT_SIGNED_SIZE		      0x2A0u /* bytes 0x000..0x29F are signed */
#define SNP_REPORT_SIG_ALGO_ECDSA_P384_SHA384 1u
#define SNP_REPORT_SIG_COMP_SIZE	      72u /* r and s, little endian, 0-padded */
#define SNP_REPORT_P384_SIZE		      48u /* significant bytes of r and s */

/* 56860: report flags at 0x48. */
#define SNP_REPORT_FLAG_AUTHOR_KEY_EN	  (1u << 0)
#define SNP_REPORT_FLAG_MASK_CHIP_ID	  (1u << 1)
#define SNP_REPORT_FLAG_SIGNING_KEY_SHIFT 2
#define SNP_REPORT_FLAG_SIGNING_KEY_MASK  (7u << 2)
#define SNP_REPORT_SIGNING_KEY_VCEK	  0u
#define SNP_REPORT_SIGNING_KEY_VLEK	  1u
#define SNP_REPORT_SIGNING_KEY_NONE	  7u

/* 56860: the signature block at 0x2A0 of the report. */
struct snp_report_signature {
	uint8_t r[SNP_REPORT_SIG_COMP_SIZE]; /* 0x00 */
	uint8_t s[SNP_REPORT_SIG_COMP_SIZE]; /* 0x48 */
	uint8_t reserved[368];		     /* 0x90 */
};
SNP_MSG_ABI_SIZE_(snp_report_signature, 0x200, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_signature, s, 0x48, "AMD 56860");

/*
 * AMD 56860: ATTESTATION_REPORT. TCB versions are kept as raw u64 values:
 * their byte layout differs between product generations and nothing here
 * interprets them. The CPUID bytes at 0x188 exist from report version 3 on
 * and are reserved (zero) in version 2.
 */
struct snp_attestation_report {
	uint32_t version;		       /* 0x000 */
	uint32_t guest_svn;		       /* 0x004 */
	uint64_t policy;		       /* 0x008 */
	uint8_t family_id[16];		       /* 0x010 */
	uint8_t image_id[16];		       /* 0x020 */
	uint32_t vmpl;			       /* 0x030 */
	uint32_t signature_algo;	       /* 0x034 */
	uint64_t current_tcb;		       /* 0x038 */
	uint64_t platform_info;		       /* 0x040 */
	uint32_t flags;			       /* 0x048: SNP_REPORT_FLAG_* */
	uint32_t reserved_04c;		       /* 0x04C */
	uint8_t report_data[64];	       /* 0x050 */
	uint8_t measurement[48];	       /* 0x090 */
	uint8_t host_data[32];		       /* 0x0C0 */
	uint8_t id_key_digest[48];	       /* 0x0E0 */
	uint8_t author_key_digest[48];	       /* 0x110 */
	uint8_t report_id[32];		       /* 0x140 */
	uint8_t report_id_ma[32];	       /* 0x160 */
	uint64_t reported_tcb;		       /* 0x180 */
	uint8_t cpuid_fam_id;		       /* 0x188: version 3 and later */
	uint8_t cpuid_mod_id;		       /* 0x189 */
	uint8_t cpuid_step;		       /* 0x18A */
	uint8_t reserved_18b[21];	       /* 0x18B */
	uint8_t chip_id[64];		       /* 0x1A0 */
	uint64_t committed_tcb;		       /* 0x1E0 */
	uint8_t current_build;		       /* 0x1E8 */
	uint8_t current_minor;		       /* 0x1E9 */
	uint8_t current_major;		       /* 0x1EA */
	uint8_t reserved_1eb;		       /* 0x1EB */
	uint8_t committed_build;	       /* 0x1EC */
	uint8_t committed_minor;	       /* 0x1ED */
	uint8_t committed_major;	       /* 0x1EE */
	uint8_t reserved_1ef;		       /* 0x1EF */
	uint64_t launch_tcb;		       /* 0x1F0 */
	uint8_t reserved_1f8[168];	       /* 0x1F8 */
	struct snp_report_signature signature; /* 0x2A0 */
};
SNP_MSG_ABI_SIZE_(snp_attestation_report, SNP_REPORT_SIZE, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, guest_svn, 0x004, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, policy, 0x008, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, family_id, 0x010, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, image_id, 0x020, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, vmpl, 0x030, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, signature_algo, 0x034, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, current_tcb, 0x038, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, platform_info, 0x040, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, flags, 0x048, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, report_data, 0x050, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, measurement, 0x090, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, host_data, 0x0C0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, id_key_digest, 0x0E0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, author_key_digest, 0x110,
		    "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, report_id, 0x140, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, report_id_ma, 0x160, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, reported_tcb, 0x180, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, cpuid_fam_id, 0x188, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, chip_id, 0x1A0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, committed_tcb, 0x1E0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, current_build, 0x1E8, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, committed_build, 0x1EC,
		    "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, launch_tcb, 0x1F0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, reserved_1f8, 0x1F8, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_attestation_report, signature, 0x2A0, "AMD 56860");
_Static_assert(offsetof(struct snp_attestation_report, signature) ==
		       SNP_REPORT_SIGNED_SIZE,
	       "the signature covers everything in front of it, AMD 56860");

/* 56860: the MSG_REPORT_RSP payload. */
struct snp_report_rsp {
	uint32_t status;		      /* 0x00: SNP_REPORT_STATUS_* */
	uint32_t report_size;		      /* 0x04: SNP_REPORT_SIZE */
	uint8_t reserved[24];		      /* 0x08 */
	struct snp_attestation_report report; /* 0x20 */
};
SNP_MSG_ABI_SIZE_(snp_report_rsp, 0x20 + SNP_REPORT_SIZE, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_rsp, report_size, 0x04, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_report_rsp, report, 0x20, "AMD 56860");
_Static_assert(sizeof(struct snp_report_rsp) <= SNP_GUEST_MSG_MAX_PAYLOAD,
	       "a report response fits in one page, AMD 56860");

/*
 * The guest OS area of the secrets page (96 bytes at 0xA0), as Linux's
 * struct secrets_os_area has it (arch/x86/include/asm/sev.h). Later GHCB
 * revisions carve the high halves of the counters and a version out of the
 * reserved bytes; nothing in csvsm uses them, so they stay reserved here.
 */
struct snp_secrets_os_area {
	uint32_t msg_seqno[4];	   /* 0xA0: per-VMPCK counters (Linux) */
	uint64_t ap_jump_table_pa; /* 0xB0 */
	uint8_t reserved[40];	   /* 0xB8 */
	uint8_t guest_usage[32];   /* 0xE0 */
};
SNP_MSG_ABI_SIZE_(snp_secrets_os_area, 96, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_os_area, ap_jump_table_pa, 0x10, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_os_area, guest_usage, 0x40, "AMD 56860");

#define SNP_SECRETS_PAGE_SIZE  4096u
#define SNP_SECRETS_FLAG_IMIEN (1u << 0)

/*
 * 56860 secrets page, with the SVSM fields of 58019: the PSP fills it at
 * launch; the SVSM keeps it private and gives the guest a copy with VMPCK0
 * (and every VMPCK below the guest's VMPL) zeroed and the SVSM fields at
 * 0x140 filled.
 */
struct snp_secrets_page {
	uint32_t version;      /* 0x000 */
	uint32_t flags;	       /* 0x004: SNP_SECRETS_FLAG_* */
	uint32_t fms;	       /* 0x008: family/model/stepping */
	uint32_t reserved_00c; /* 0x00C */
	uint8_t gosvw[16];     /* 0x010 */
	uint8_t vmpck[SNP_GUEST_MSG_VMPCK_COUNT]
		     [SNP_GUEST_MSG_KEY_SIZE]; /* 0x020 */
	struct snp_secrets_os_area os_area;    /* 0x0A0 */
	uint8_t vmsa_tweak_bitmap[64];	       /* 0x100 */
	uint64_t svsm_base;		       /* 0x140: 0 in the PSP's page */
	uint64_t svsm_size;		       /* 0x148: 0 means no SVSM */
	uint64_t svsm_caa;		       /* 0x150 */
	uint32_t svsm_max_version;	       /* 0x158 */
	uint8_t svsm_guest_vmpl;	       /* 0x15C */
	uint8_t reserved_15d[3];	       /* 0x15D */
	uint32_t tsc_factor;		       /* 0x160 */
	uint8_t reserved_164[SNP_SECRETS_PAGE_SIZE - 0x164]; /* 0x164 */
};
SNP_MSG_ABI_SIZE_(snp_secrets_page, SNP_SECRETS_PAGE_SIZE, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, flags, 0x004, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, fms, 0x008, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, gosvw, 0x010, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, vmpck, 0x020, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, vmpck[1], 0x040, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, vmpck[2], 0x060, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, vmpck[3], 0x080, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, os_area, 0x0A0, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, os_area.ap_jump_table_pa, 0x0B0,
		    "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, vmsa_tweak_bitmap, 0x100, "AMD 56860");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, svsm_base, 0x140, "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, svsm_size, 0x148, "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, svsm_caa, 0x150, "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, svsm_max_version, 0x158,
		    "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, svsm_guest_vmpl, 0x15C,
		    "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, reserved_15d, 0x15D,
		    "AMD 58019 rev 1.00");
SNP_MSG_ABI_ASSERT_(snp_secrets_page, tsc_factor, 0x160, "AMD 56860");
