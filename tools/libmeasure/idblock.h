/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP ID blocks: the 96-byte ID block that SNP_LAUNCH_FINISH checks
 * against the launch digest and policy, its ECDSA P-384/SHA-384 signatures by
 * the ID key and (optionally) the author key, and the two encodings of those
 * signatures and keys: the IGVM SNP_ID_BLOCK directive (include/abi/igvm.h)
 * and the firmware's ID_AUTH_INFO page. Signing is randomised by default and
 * RFC 6979 deterministic on request, so that a signed IGVM file can be
 * reproduced byte for byte. Every signature is checked with OpenSSL before it
 * is handed out, and verification recomputes everything from the directive.
 * Formats: igvm_defs 0.4.0 (IGVM_VHS_SNP_ID_BLOCK); AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO); QEMU backends/igvm.c,
 * qigvm_directive_snp_id_block(), for how a loader passes them on.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/igvm.h"

#include "igvm.h"

/* The wire structs below are copied with memcpy: LE host only. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "idblock assumes a little-endian host (SNP structures are LE)");

#define IDBLOCK_ERR_LEN 256

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): field sizes of the ID
 * block and of the ECDSA P-384 values.
 */
#define IDBLOCK_LD_SIZE	       48 /* SHA-384 launch digest */
#define IDBLOCK_FAMILY_ID_SIZE 16
#define IDBLOCK_IMAGE_ID_SIZE  16
#define IDBLOCK_DIGEST_SIZE    48 /* SHA-384, as in the attestation report */
#define IDBLOCK_COMP_SIZE      72 /* r, s, qx, qy fields: LE, zero-extended */
#define IDBLOCK_P384_SIZE      48 /* significant bytes of each of them */
#define IDBLOCK_VERSION \
	1u /* AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): VERSION must be 1 */

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): ID_AUTH_INFO field
 * sizes.
 */
#define IDBLOCK_SNP_SIG_SIZE   0x200
#define IDBLOCK_SNP_KEY_SIZE   0x404
#define IDBLOCK_AUTH_INFO_SIZE 0x1000

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): ID_BLOCK, 0x60 bytes,
 * passed to SNP_LAUNCH_FINISH.
 */
struct idblock_snp_id_block {
	uint8_t ld[IDBLOCK_LD_SIZE];
	uint8_t family_id[IDBLOCK_FAMILY_ID_SIZE];
	uint8_t image_id[IDBLOCK_IMAGE_ID_SIZE];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
};

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): a signature in
 * ID_AUTH_INFO: R, S (72 bytes LE each), zeros.
 */
struct idblock_snp_signature {
	uint8_t r[IDBLOCK_COMP_SIZE];
	uint8_t s[IDBLOCK_COMP_SIZE];
	uint8_t reserved[IDBLOCK_SNP_SIG_SIZE - 2 * IDBLOCK_COMP_SIZE];
};

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): a public key in
 * ID_AUTH_INFO (no reserved word after curve, unlike
 * the IGVM struct); the key digests are SHA-384 of these 0x404 bytes.
 */
struct idblock_snp_public_key {
	uint32_t curve; /* IGVM_SNP_ID_CURVE_P384 */
	uint8_t qx[IDBLOCK_COMP_SIZE];
	uint8_t qy[IDBLOCK_COMP_SIZE];
	uint8_t reserved[IDBLOCK_SNP_KEY_SIZE - 4 - 2 * IDBLOCK_COMP_SIZE];
};

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): ID_AUTH_INFO, 0x1000
 * bytes, passed to SNP_LAUNCH_FINISH.
 */
struct idblock_snp_id_auth_info {
	uint32_t id_key_algo;	/* IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384 */
	uint32_t auth_key_algo; /* the same, when the author key is used */
	uint8_t reserved0[0x38];
	struct idblock_snp_signature id_block_sig; /* by the ID key */
	struct idblock_snp_public_key id_key;
	uint8_t reserved1[0x680 - 0x644];
	struct idblock_snp_signature id_key_sig; /* of id_key, by the author */
	struct idblock_snp_public_key author_key;
	uint8_t reserved2[IDBLOCK_AUTH_INFO_SIZE - 0xC84];
};

#define IDBLOCK_ASSERT_(t, f, o)              \
	_Static_assert(                       \
		offsetof(struct t, f) == (o), \
		#t "." #f                     \
		   " AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)")
#define IDBLOCK_SIZE_(t, s)              \
	_Static_assert(                  \
		sizeof(struct t) == (s), \
		"sizeof " #t             \
		" AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)")
IDBLOCK_SIZE_(idblock_snp_id_block, 0x60);
IDBLOCK_ASSERT_(idblock_snp_id_block, family_id, 0x30);
IDBLOCK_ASSERT_(idblock_snp_id_block, image_id, 0x40);
IDBLOCK_ASSERT_(idblock_snp_id_block, version, 0x50);
IDBLOCK_ASSERT_(idblock_snp_id_block, guest_svn, 0x54);
IDBLOCK_ASSERT_(idblock_snp_id_block, policy, 0x58);
IDBLOCK_SIZE_(idblock_snp_signature, IDBLOCK_SNP_SIG_SIZE);
IDBLOCK_ASSERT_(idblock_snp_signature, s, 0x48);
IDBLOCK_SIZE_(idblock_snp_public_key, IDBLOCK_SNP_KEY_SIZE);
IDBLOCK_ASSERT_(idblock_snp_public_key, qx, 0x04);
IDBLOCK_ASSERT_(idblock_snp_public_key, qy, 0x4C);
IDBLOCK_SIZE_(idblock_snp_id_auth_info, IDBLOCK_AUTH_INFO_SIZE);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, auth_key_algo, 0x004);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, id_block_sig, 0x040);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, id_key, 0x240);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, id_key_sig, 0x680);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, author_key, 0x880);
IDBLOCK_ASSERT_(idblock_snp_id_auth_info, reserved2, 0xC84);
#undef IDBLOCK_SIZE_
#undef IDBLOCK_ASSERT_

/* An ECDSA P-384 private key (opaque; holds an OpenSSL EVP_PKEY). */
struct idblock_key;

/*
 * Loads a PEM private key (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY",
 * unencrypted). Anything but an ECDSA key on P-384 is refused with
 * "<name>: not an ECDSA P-384 key (...)". name is used in messages only.
 * 0, or -1 with a one-line message in err.
 */
int idblock_key_from_pem(const void *pem, size_t len, const char *name,
			 struct idblock_key **out, char err[IDBLOCK_ERR_LEN]);
/* The same, reading the file at path. */
int idblock_key_load(const char *path, struct idblock_key **out,
		     char err[IDBLOCK_ERR_LEN]);
void idblock_key_free(struct idblock_key *k);

/*
 * The key's public half as the IGVM directive stores it (igvm_defs 0.4.0,
 * IGVM_VHS_*).
 */
void idblock_key_public(const struct idblock_key *k,
			struct igvm_vhs_snp_id_block_public_key *out);

/*
 * What goes into the ID block; version is always 1 (AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)).
 */
struct idblock_params {
	uint8_t ld[IDBLOCK_LD_SIZE];
	uint8_t family_id[IDBLOCK_FAMILY_ID_SIZE];
	uint8_t image_id[IDBLOCK_IMAGE_ID_SIZE];
	uint32_t guest_svn;
	uint64_t policy; /* must equal the launch (GUEST_POLICY) policy */
};

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the 96-byte ID block,
 * VERSION 1.
 */
void idblock_build(const struct idblock_params *p,
		   struct idblock_snp_id_block *out);

/*
 * ECDSA P-384 with SHA-384 over msg, r and s stored as 72-byte LE values.
 * Random nonce (OpenSSL) by default; deterministic => RFC 6979 nonce
 * (libgcrypt), so the signature depends on key and message only. The result
 * is verified with OpenSSL before it is returned. 0, or -1 with a message.
 */
int idblock_sign(const struct idblock_key *k, const void *msg, size_t len,
		 bool deterministic,
		 struct igvm_vhs_snp_id_block_signature *sig,
		 char err[IDBLOCK_ERR_LEN]);

/*
 * The complete SNP_ID_BLOCK directive for compatibility_mask (the SNP
 * platform's bit): the ID block signed by id_key and, if author_key is not
 * NULL, the SNP form of the ID key signed by author_key (AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO) steps 2-4).
 * As COCONUT igvmmeasure does, author_key_algorithm is 1 even without an
 * author key (the firmware reads it only when author_key_enabled).
 */
int idblock_sign_directive(const struct idblock_params *p,
			   uint32_t compatibility_mask,
			   const struct idblock_key *id_key,
			   const struct idblock_key *author_key,
			   bool deterministic,
			   struct igvm_vhs_snp_id_block *out,
			   char err[IDBLOCK_ERR_LEN]);

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the ID block the
 * loader passes for directive d and policy.
 */
void idblock_block_from_directive(const struct igvm_vhs_snp_id_block *d,
				  uint64_t policy,
				  struct idblock_snp_id_block *out);

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the IGVM key repacked
 * as QEMU does (no reserved word).
 */
void idblock_snp_key_from_igvm(const struct igvm_vhs_snp_id_block_public_key *k,
			       struct idblock_snp_public_key *out);

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): SHA-384 of the
 * 0x404-byte SNP form of k; 0, or -1 (libcrypto).
 */
int idblock_key_digest(const struct igvm_vhs_snp_id_block_public_key *k,
		       uint8_t out[IDBLOCK_DIGEST_SIZE]);

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the ID_AUTH_INFO page
 * for directive d, as QEMU builds it.
 */
void idblock_auth_info(const struct igvm_vhs_snp_id_block *d,
		       struct idblock_snp_id_auth_info *out);

/*
 * A DER ECDSA-Sig-Value <-> the 72-byte LE r/s fields. from_der: 0, or -1 if
 * der is not a P-384 signature. to_der: *der is malloc'ed; 0, or -1 if r or s
 * does not fit 48 bytes.
 */
int idblock_sig_from_der(const uint8_t *der, size_t len,
			 struct igvm_vhs_snp_id_block_signature *out);
int idblock_sig_to_der(const struct igvm_vhs_snp_id_block_signature *sig,
		       uint8_t **der, size_t *len);

/*
 * Checks sig over msg with public key k (curve 2, coordinates on P-384,
 * upper 24 bytes of every field zero). 0, or -1 with a message.
 */
int idblock_verify_signature(const struct igvm_vhs_snp_id_block_public_key *k,
			     const void *msg, size_t len,
			     const struct igvm_vhs_snp_id_block_signature *sig,
			     char err[IDBLOCK_ERR_LEN]);

/* What a verifier expects; NULL pointers are not checked. */
struct idblock_expect {
	const uint8_t *ld;		  /* IDBLOCK_LD_SIZE bytes */
	uint64_t policy;		  /* the launch policy (GUEST_POLICY) */
	const uint8_t *id_key_digest;	  /* IDBLOCK_DIGEST_SIZE bytes */
	const uint8_t *author_key_digest; /* IDBLOCK_DIGEST_SIZE bytes */
};

/* What an attestation report of a guest launched with the block shows. */
struct idblock_report {
	struct idblock_snp_id_block block;
	bool author_key_enabled;
	uint8_t id_key_digest[IDBLOCK_DIGEST_SIZE];
	uint8_t author_key_digest[IDBLOCK_DIGEST_SIZE]; /* zero if disabled */
};

/*
 * Verifies directive d: the fixed fields (version 1, algorithm 1, reserved
 * zero), the LD against e->ld, the ID-block signature over the block rebuilt
 * with e->policy, the author signature over the SNP form of the ID key, and
 * the key digests against e. Fills *out (may be NULL) when it returns 0;
 * -1 with a one-line message otherwise.
 */
int idblock_verify(const struct igvm_vhs_snp_id_block *d,
		   const struct idblock_expect *e, struct idblock_report *out,
		   char err[IDBLOCK_ERR_LEN]);

/*
 * What signing and verifying need from a parsed IGVM file (igvm_defs 0.4.0,
 * IGVM_VHS_*, AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)).
 */
struct idblock_igvm_snp {
	uint32_t mask;	 /* the SEV_SNP platform's compatibility bit */
	bool has_policy; /* a GUEST_POLICY applies to that platform */
	uint64_t policy; /* its value: what QEMU launches with */
	const struct igvm_vhdr *id_block; /* its SNP_ID_BLOCK, or NULL */
};

/*
 * Finds the SEV-SNP platform of f, its GUEST_POLICY and its SNP_ID_BLOCK.
 * -1 with a message if f has no SNP platform or if two GUEST_POLICY headers
 * for it disagree (QEMU would silently take the last one).
 */
int idblock_igvm_snp(const struct igvm_file *f, struct idblock_igvm_snp *out,
		     char err[IDBLOCK_ERR_LEN]);
