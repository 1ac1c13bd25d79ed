/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP ID blocks (AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)):
 * building the 96-byte block, the signed
 * SNP_ID_BLOCK directive and the firmware's ID_AUTH_INFO page from it, and
 * verifying a directive. Keys: idblock_key.c; signatures: idblock_sig.c.
 *
 * TRUST: PEM files come from the user; SNP_ID_BLOCK directives come from an
 * untrusted IGVM file. Every field of a directive is range-checked before it
 * is turned into an OpenSSL object, and a bad value gives -1 and a message.
 */
#include "idblock.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#include "bytes.h"
#include "idblock_internal.h"
#include "util.h"

void idblock_build(const struct idblock_params *p,
		   struct idblock_snp_id_block *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->ld, p->ld, sizeof(out->ld));
	memcpy(out->family_id, p->family_id, sizeof(out->family_id));
	memcpy(out->image_id, p->image_id, sizeof(out->image_id));
	out->version = IDBLOCK_VERSION;
	out->guest_svn = p->guest_svn;
	out->policy = p->policy;
}

void idblock_snp_key_from_igvm(const struct igvm_vhs_snp_id_block_public_key *k,
			       struct idblock_snp_public_key *out)
{
	/*
	 * QEMU backends/igvm.c, qigvm_directive_snp_id_block(): QEMU drops the
	 * IGVM reserved word when it repacks.
	 */
	memset(out, 0, sizeof(*out));
	out->curve = k->curve;
	memcpy(out->qx, k->qx, sizeof(out->qx));
	memcpy(out->qy, k->qy, sizeof(out->qy));
}

int idblock_key_digest(const struct igvm_vhs_snp_id_block_public_key *k,
		       uint8_t out[IDBLOCK_DIGEST_SIZE])
{
	struct idblock_snp_public_key snp;
	unsigned int n = 0;

	idblock_snp_key_from_igvm(k, &snp);
	if (!EVP_Digest(&snp, sizeof(snp), out, &n, EVP_sha384(), NULL) ||
	    n != IDBLOCK_DIGEST_SIZE) {
		ERR_clear_error();
		memset(out, 0, IDBLOCK_DIGEST_SIZE);
		return -1;
	}
	return 0;
}

int idblock_sign_directive(const struct idblock_params *p,
			   uint32_t compatibility_mask,
			   const struct idblock_key *id_key,
			   const struct idblock_key *author_key,
			   bool deterministic,
			   struct igvm_vhs_snp_id_block *out,
			   char err[IDBLOCK_ERR_LEN])
{
	struct idblock_snp_id_block block;
	struct idblock_snp_public_key snp_id_key;
	char why[IDBLOCK_ERR_LEN];

	memset(out, 0, sizeof(*out));
	idblock_build(p, &block);
	out->compatibility_mask = compatibility_mask;
	out->author_key_enabled = author_key ? 1 : 0;
	memcpy(out->ld, block.ld, sizeof(out->ld));
	memcpy(out->family_id, block.family_id, sizeof(out->family_id));
	memcpy(out->image_id, block.image_id, sizeof(out->image_id));
	out->version = block.version;
	out->guest_svn = block.guest_svn;
	out->id_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	out->author_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	idblock_key_public(id_key, &out->id_public_key);
	/* AMD 56860, SNP_LAUNCH_FINISH: the ID key signs the 96-byte block. */
	if (idblock_sign(id_key, &block, sizeof(block), deterministic,
			 &out->id_key_signature, why))
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "signing the ID block: %s", why);
	if (!author_key)
		return 0;
	/*
	 * AMD 56860, ID_AUTH_INFO: the author signs the SNP form of the ID key.
	 */
	idblock_snp_key_from_igvm(&out->id_public_key, &snp_id_key);
	idblock_key_public(author_key, &out->author_public_key);
	if (idblock_sign(author_key, &snp_id_key, sizeof(snp_id_key),
			 deterministic, &out->author_key_signature, why))
		return util_errf(err, IDBLOCK_ERR_LEN, "signing the ID key: %s",
				 why);
	return 0;
}

void idblock_block_from_directive(const struct igvm_vhs_snp_id_block *d,
				  uint64_t policy,
				  struct idblock_snp_id_block *out)
{
	struct idblock_params p = {
		.guest_svn = d->guest_svn,
		.policy = policy,
	};

	/*
	 * QEMU backends/igvm.c, qigvm_directive_snp_id_block(): QEMU forces
	 * VERSION 1 and takes POLICY from GUEST_POLICY.
	 */
	memcpy(p.ld, d->ld, sizeof(p.ld));
	memcpy(p.family_id, d->family_id, sizeof(p.family_id));
	memcpy(p.image_id, d->image_id, sizeof(p.image_id));
	idblock_build(&p, out);
}

static void snp_sig_from_igvm(const struct igvm_vhs_snp_id_block_signature *s,
			      struct idblock_snp_signature *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->r, s->r_comp, sizeof(out->r));
	memcpy(out->s, s->s_comp, sizeof(out->s));
}

void idblock_auth_info(const struct igvm_vhs_snp_id_block *d,
		       struct idblock_snp_id_auth_info *out)
{
	/*
	 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): what QEMU's
	 * qigvm_directive_snp_id_block() builds.
	 */
	memset(out, 0, sizeof(*out));
	out->id_key_algo = d->id_key_algorithm;
	out->auth_key_algo = d->author_key_algorithm;
	snp_sig_from_igvm(&d->id_key_signature, &out->id_block_sig);
	idblock_snp_key_from_igvm(&d->id_public_key, &out->id_key);
	snp_sig_from_igvm(&d->author_key_signature, &out->id_key_sig);
	idblock_snp_key_from_igvm(&d->author_public_key, &out->author_key);
}

static int check_digest(const char *what, const uint8_t *got,
			const uint8_t *want, char *err)
{
	char g[2 * IDBLOCK_DIGEST_SIZE + 1];
	char w[2 * IDBLOCK_DIGEST_SIZE + 1];

	if (!want || !memcmp(got, want, IDBLOCK_DIGEST_SIZE))
		return 0;
	util_format_hex(got, IDBLOCK_DIGEST_SIZE, g);
	util_format_hex(want, IDBLOCK_DIGEST_SIZE, w);
	return util_errf(err, IDBLOCK_ERR_LEN, "%s digest %s, expected %s",
			 what, g, w);
}

/*
 * igvm_defs 0.4.0, IGVM_VHS_*, AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK,
 * ID_AUTH_INFO): the fields a loader and the firmware take as they are.
 */
static int check_fixed_fields(const struct igvm_vhs_snp_id_block *d, char *err)
{
	if (d->version != IDBLOCK_VERSION)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "version %u, want 1 (QEMU passes 1)",
				 d->version);
	if (!util_all_zero(d->reserved, sizeof(d->reserved)))
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "reserved bytes are not zero");
	if (d->id_key_algorithm != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "id_key_algorithm %u, want 1 (ECDSA P-384)",
				 d->id_key_algorithm);
	if (d->author_key_enabled > 1)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "author_key_enabled is %u, want 0 or 1",
				 d->author_key_enabled);
	if (d->author_key_enabled &&
	    d->author_key_algorithm != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384)
		return util_errf(
			err, IDBLOCK_ERR_LEN,
			"author_key_algorithm %u, want 1 (ECDSA P-384)",
			d->author_key_algorithm);
	return 0;
}

int idblock_verify(const struct igvm_vhs_snp_id_block *d,
		   const struct idblock_expect *e, struct idblock_report *out,
		   char err[IDBLOCK_ERR_LEN])
{
	struct idblock_report r = {0};
	struct idblock_snp_public_key snp_id_key;
	char why[IDBLOCK_ERR_LEN];
	char g[2 * IDBLOCK_LD_SIZE + 1];
	char w[2 * IDBLOCK_LD_SIZE + 1];

	if (check_fixed_fields(d, err))
		return -1;
	if (e->ld && memcmp(d->ld, e->ld, IDBLOCK_LD_SIZE) != 0) {
		util_format_hex(d->ld, IDBLOCK_LD_SIZE, g);
		util_format_hex(e->ld, IDBLOCK_LD_SIZE, w);
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "launch digest %s, expected %s", g, w);
	}
	idblock_block_from_directive(d, e->policy, &r.block);
	if (idblock_verify_signature(&d->id_public_key, &r.block,
				     sizeof(r.block), &d->id_key_signature,
				     why))
		return util_errf(err, IDBLOCK_ERR_LEN, "ID block signature: %s",
				 why);
	if (idblock_key_digest(&d->id_public_key, r.id_key_digest))
		return util_errf(err, IDBLOCK_ERR_LEN, "SHA-384 failed");
	if (check_digest("ID key", r.id_key_digest, e->id_key_digest, err))
		return -1;
	r.author_key_enabled = d->author_key_enabled;
	if (r.author_key_enabled) {
		idblock_snp_key_from_igvm(&d->id_public_key, &snp_id_key);
		if (idblock_verify_signature(&d->author_public_key, &snp_id_key,
					     sizeof(snp_id_key),
					     &d->author_key_signature, why))
			return util_errf(
				err, IDBLOCK_ERR_LEN,
				"ID key signature by the author key: %s", why);
		if (idblock_key_digest(&d->author_public_key,
				       r.author_key_digest))
			return util_errf(err, IDBLOCK_ERR_LEN,
					 "SHA-384 failed");
	}
	if (e->author_key_digest && !r.author_key_enabled)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "an author key digest is expected but the "
				 "author key is not enabled");
	if (check_digest("author key", r.author_key_digest,
			 e->author_key_digest, err))
		return -1;
	if (out)
		*out = r;
	return 0;
}

int idblock_igvm_snp(const struct igvm_file *f, struct idblock_igvm_snp *out,
		     char err[IDBLOCK_ERR_LEN])
{
	struct igvm_vhs_supported_platform plat;
	struct igvm_vhs_guest_policy pol;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(h, &plat, sizeof(plat)) &&
		    plat.platform_type == IGVM_PLATFORM_SEV_SNP)
			out->mask = plat.compatibility_mask;
	}
	if (!out->mask)
		return util_errf(err, IDBLOCK_ERR_LEN,
				 "no SEV-SNP platform (no SUPPORTED_PLATFORM "
				 "with platform_type 2)");
	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		uint32_t type = h->type & ~IGVM_VHT_OPTIONAL_BIT;

		if (!igvm_vhdr_applies(h, out->mask))
			continue;
		if (type == IGVM_VHT_SNP_ID_BLOCK) {
			/*
			 * The parser allows one per platform (AMD 56860,
			 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO)).
			 */
			out->id_block = h;
		} else if (type == IGVM_VHT_GUEST_POLICY &&
			   !igvm_vhdr_get(h, &pol, sizeof(pol))) {
			if (out->has_policy && out->policy != pol.policy)
				return util_errf(
					err, IDBLOCK_ERR_LEN,
					"two GUEST_POLICY headers for the SEV-SNP platform disagree (0x%llx, 0x%llx)",
					(unsigned long long)out->policy,
					(unsigned long long)pol.policy);
			out->has_policy = true;
			out->policy = pol.policy;
		}
	}
	return 0;
}
