/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm sign`: adds a signed SNP_ID_BLOCK directive to an IGVM file.
 * The input is parsed, every header is copied in order into a new file with
 * libigvm's builder, and the directive for the SEV-SNP platform is appended
 * at the end of the directive section; the directive is not measured, so
 * the launch digest does not change (AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK,
 * ID_AUTH_INFO)). The rebuilt file is checked against the input before it
 * is written (sign_rebuild.c). With --deterministic the output depends
 * only on the inputs.
 * Formats: igvm_defs 0.4.0 (IGVM_VHS_SNP_ID_BLOCK); AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "csvsm_meta.h"
#include "idblock.h"
#include "igvm.h"
#include "igvm_snp.h"
#include "sign_rebuild.h"
#include "util.h"

#define ERR_LEN		  512
#define RUN		  (-1) /* parse_args(): go on; other values are exit statuses */
#define RUN_NEED_METADATA (-2) /* go on only to name the missing values */

_Static_assert(IDBLOCK_ERR_LEN <= IGVM_ERR_LEN, "one message buffer");

struct sign_args {
	const char *in;
	const char *out;
	const char *id_key;
	const char *author_key;
	const char *export_block;
	const char *export_auth;
	bool have_ld;
	bool have_family, have_image, have_svn;
	unsigned int vcpus; /* for the launch digest */
	bool have_policy;
	bool deterministic;
	bool allow_unmeasured; /* sign a file with unmeasured data pages */
	uint64_t policy;
	struct idblock_params p;
};

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm sign IN.igvm -o OUT.igvm --id-key ID.pem\n"
		"         --guest-svn N --family-id HEX32 --image-id HEX32\n"
		"         [options]\n"
		"Adds an SNP ID block, signed with the ID key, to IN.igvm.\n"
		"  -o, --output FILE          the signed file (required)\n"
		"  --id-key FILE              PEM ECDSA P-384 private key (required)\n"
		"  --guest-svn N              the guest SVN the signature endorses\n"
		"                             (required, 0..4294967295)\n"
		"  --family-id HEX32          family ID, 32 hex digits (required)\n"
		"  --image-id HEX32           image ID, 32 hex digits (required)\n"
		"  --author-key FILE          PEM ECDSA P-384 key that signs the ID key\n"
		"  --vcpus N                  sign the file's own launch digest for N\n"
		"                             vCPUs (1..%u, default 1)\n"
		"  --ld HEX96                 sign this launch digest instead\n"
		"  --policy HEX               must equal the file's SEV-SNP GUEST_POLICY\n"
		"                             (the default); needed when it has none\n"
		"  --allow-unmeasured-data    sign even though the file has pages with\n"
		"                             data that are not measured (and so not\n"
		"                             covered by the signature)\n"
		"  --deterministic            RFC 6979 nonces: the same inputs give\n"
		"                             the same file\n"
		"  --export-id-block FILE     the 96-byte ID block to FILE, its\n"
		"                             signature (r, s: 72 bytes LE each) to\n"
		"                             FILE.sig\n"
		"  --export-auth-info FILE    the 4 KiB SNP ID_AUTH_INFO to FILE\n"
		"  -h, --help                 this text\n",
		SNP_MAX_VCPUS);
	return rc;
}

/* A number (base 0: decimal or 0x-hex; base 16: hex) up to max. */
static int parse_num(const char *s, int base, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* One option's value; -1 if it does not parse. */
static int parse_value(int c, const char *v, struct sign_args *a)
{
	uint64_t n = 0;

	switch (c) {
	case 'l':
		a->have_ld = true;
		return util_parse_hex(v, a->p.ld, sizeof(a->p.ld));
	case 'f':
		a->have_family = true;
		return util_parse_hex(v, a->p.family_id,
				      sizeof(a->p.family_id));
	case 'm':
		a->have_image = true;
		return util_parse_hex(v, a->p.image_id, sizeof(a->p.image_id));
	case 's':
		if (parse_num(v, 0, UINT32_MAX, &n))
			return -1;
		a->have_svn = true;
		a->p.guest_svn = (uint32_t)n;
		return 0;
	case 'v':
		if (parse_num(v, 10, SNP_MAX_VCPUS, &n) || n == 0)
			return -1;
		a->vcpus = (unsigned int)n;
		return 0;
	case 'p':
		a->have_policy = true;
		return parse_num(v, 16, UINT64_MAX, &a->policy);
	default:
		return -1;
	}
}

/* RUN when the command should run; otherwise the exit status. */
static int parse_args(int argc, char **argv, struct sign_args *a)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"id-key", required_argument, NULL, 'i'},
		{"author-key", required_argument, NULL, 'a'},
		{"ld", required_argument, NULL, 'l'},
		{"vcpus", required_argument, NULL, 'v'},
		{"family-id", required_argument, NULL, 'f'},
		{"image-id", required_argument, NULL, 'm'},
		{"guest-svn", required_argument, NULL, 's'},
		{"policy", required_argument, NULL, 'p'},
		{"deterministic", no_argument, NULL, 'd'},
		{"allow-unmeasured-data", no_argument, NULL, 'U'},
		{"export-id-block", required_argument, NULL, 'x'},
		{"export-auth-info", required_argument, NULL, 'X'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int idx = 0;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, &idx)) != -1) {
		if (c == 'o')
			a->out = optarg;
		else if (c == 'i')
			a->id_key = optarg;
		else if (c == 'a')
			a->author_key = optarg;
		else if (c == 'x')
			a->export_block = optarg;
		else if (c == 'X')
			a->export_auth = optarg;
		else if (c == 'd')
			a->deterministic = true;
		else if (c == 'U')
			a->allow_unmeasured = true;
		else if (c == 'h')
			return usage(stdout, 0);
		else if (c == '?')
			return usage(stderr, 2);
		else if (parse_value(c, optarg, a)) {
			fprintf(stderr,
				"csvsm-igvm: sign: bad value '%s' for --%s%s\n",
				optarg, opts[idx].name,
				c == 'v' ? " (want 1.." SNP_MAX_VCPUS_STR ")"
					 : "");
			return 2;
		}
	}
	if (optind >= argc)
		return cmd_usage_error("no input file");
	if (optind + 1 < argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind + 1]);
	if (!a->out)
		return cmd_usage_error("no output file (-o FILE)");
	if (!a->id_key)
		return cmd_usage_error("no ID key (--id-key FILE)");
	if (a->have_ld && a->vcpus)
		return cmd_usage_error("--ld and --vcpus exclude each other "
				       "(--vcpus only chooses the digest)");
	a->in = argv[optind];
	if (!a->have_svn || !a->have_family || !a->have_image)
		return RUN_NEED_METADATA;
	return RUN;
}

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the policy is the
 * GUEST_POLICY QEMU launches with.
 */
static int resolve_policy(const struct sign_args *a,
			  const struct idblock_igvm_snp *snp, uint64_t *policy,
			  char *err)
{
	if (snp->has_policy && a->have_policy && a->policy != snp->policy) {
		snprintf(
			err, ERR_LEN,
			"--policy 0x%llx is not the file's SEV-SNP GUEST_POLICY 0x%llx, which the loader launches with",
			(unsigned long long)a->policy,
			(unsigned long long)snp->policy);
		return -1;
	}
	if (!snp->has_policy && !a->have_policy) {
		snprintf(
			err, ERR_LEN,
			"%s: no GUEST_POLICY for the SEV-SNP platform; give --policy (the policy the VMM launches with)",
			a->in);
		return -1;
	}
	*policy = snp->has_policy ? snp->policy : a->policy;
	return 0;
}

/*
 * The launch digest to sign: --ld, or the file's own SNP digest for --vcpus
 * vCPUs with the default (QEMU/KVM) loader semantics, as `measure`
 * computes it. The SNP_ID_BLOCK directive is not measured, so the signed
 * file has the same digest (sign_file checks it).
 */
static int launch_digest(struct sign_args *a, const struct igvm_file *in,
			 char *err)
{
	struct igvm_snp_opts o = {.vcpus = a->vcpus ? a->vcpus : 1};
	char msg[IGVM_SNP_ERR_LEN];

	if (a->have_ld)
		return 0;
	if (igvm_snp_measure(in, &o, a->p.ld, msg)) {
		snprintf(err, ERR_LEN, "%s: %s", a->in, msg);
		return -1;
	}
	return 0;
}

/*
 * The guest SVN, family ID and image ID are what the signer's key endorses,
 * so they come from the signer, never from the file being signed. When one
 * is missing, the message shows what the file's boot-info page records, so
 * the signer can confirm those values by passing them.
 */
static int missing_metadata(const struct sign_args *a,
			    const struct igvm_file *in, uint32_t mask,
			    char *err)
{
	struct csvsm_meta m;
	char fam[33], img[33];
	int n;

	n = snprintf(err, ERR_LEN,
		     "%s: give --guest-svn, --family-id and --image-id: the "
		     "signature endorses them",
		     a->in);
	if (!csvsm_meta_get(in, mask, &m) || n < 0 || n >= ERR_LEN)
		return -1;
	util_format_hex(m.family_id, sizeof(m.family_id), fam);
	util_format_hex(m.image_id, sizeof(m.image_id), img);
	snprintf(err + n, ERR_LEN - (size_t)n,
		 " (the file records --guest-svn %u --family-id %s "
		 "--image-id %s)",
		 m.guest_svn, fam, img);
	return -1;
}

/*
 * Pages with data that the launch digest does not cover: two files that
 * differ only there measure the same, so the signature would endorse both.
 */
static int check_unmeasured(const struct sign_args *a,
			    const struct igvm_file *in, char *err)
{
	size_t n = igvm_snp_unmeasured_data_pages(in);

	if (!n)
		return 0;
	if (!a->allow_unmeasured) {
		snprintf(
			err, ERR_LEN,
			"%s: %zu page(s) with data are loaded UNMEASURED, so the "
			"signature would not cover them; give "
			"--allow-unmeasured-data to sign anyway",
			a->in, n);
		return -1;
	}
	fprintf(stderr,
		"csvsm-igvm: sign: warning: %zu page(s) with data in %s are "
		"not measured and not covered by the signature\n",
		n, a->in);
	return 0;
}

/* The output must measure the same: the ID block is not measured. */
static int check_same_digest(const struct sign_args *a, const uint8_t *out,
			     size_t out_len, char *err)
{
	struct igvm_snp_opts o = {.vcpus = a->vcpus ? a->vcpus : 1};
	uint8_t ld[SNP_LD_SIZE];
	char msg[IGVM_SNP_ERR_LEN];

	if (a->have_ld)
		return 0;
	if (igvm_snp_measure_buf(out, out_len, &o, ld, msg) ||
	    memcmp(ld, a->p.ld, sizeof(ld)) != 0) {
		snprintf(err, ERR_LEN,
			 "%s: the signed file does not measure like the input",
			 a->in);
		return -1;
	}
	return 0;
}

static int write_exports(const struct sign_args *a,
			 const struct igvm_vhs_snp_id_block *d, char *err)
{
	struct idblock_snp_id_block block;
	struct idblock_snp_id_auth_info auth;
	char sig_path[4096];

	if (a->export_block) {
		if (snprintf(sig_path, sizeof(sig_path), "%s.sig",
			     a->export_block) >= (int)sizeof(sig_path)) {
			snprintf(err, ERR_LEN, "%s: path too long",
				 a->export_block);
			return -1;
		}
		idblock_block_from_directive(d, a->p.policy, &block);
		if (util_write_file(a->export_block, &block, sizeof(block), err,
				    ERR_LEN) ||
		    util_write_file(sig_path, &d->id_key_signature,
				    sizeof(d->id_key_signature), err, ERR_LEN))
			return -1;
	}
	if (a->export_auth) {
		idblock_auth_info(d, &auth);
		if (util_write_file(a->export_auth, &auth, sizeof(auth), err,
				    ERR_LEN))
			return -1;
	}
	return 0;
}

/* Loads the keys and signs; the keys are freed before returning. */
static int sign_directive(const struct sign_args *a, uint32_t mask,
			  struct igvm_vhs_snp_id_block *d, char *err)
{
	struct idblock_key *id = NULL;
	struct idblock_key *author = NULL;
	int rc = -1;

	if (idblock_key_load(a->id_key, &id, err) ||
	    (a->author_key && idblock_key_load(a->author_key, &author, err)))
		goto out;
	rc = idblock_sign_directive(&a->p, mask, id, author, a->deterministic,
				    d, err);
out:
	idblock_key_free(id);
	idblock_key_free(author);
	return rc;
}

/* One line on stdout: what was signed, and where it went. */
static void report(const struct sign_args *a)
{
	char ld[2 * SNP_LD_SIZE + 1], fam[33], img[33];

	util_format_hex(a->p.ld, sizeof(a->p.ld), ld);
	util_format_hex(a->p.family_id, sizeof(a->p.family_id), fam);
	util_format_hex(a->p.image_id, sizeof(a->p.image_id), img);
	fprintf(util_report_stream(a->out),
		"signed %s: launch digest %s, guest SVN %u, family ID %s, "
		"image ID %s, policy 0x%llx\n",
		a->out, ld, a->p.guest_svn, fam, img,
		(unsigned long long)a->p.policy);
	if (a->export_block)
		fprintf(util_report_stream(a->export_block),
			"wrote %s (the 96-byte ID block) and %s.sig (r, s)\n",
			a->export_block, a->export_block);
	if (a->export_auth)
		fprintf(util_report_stream(a->export_auth),
			"wrote %s (ID_AUTH_INFO)\n", a->export_auth);
}

static int sign_file(struct sign_args *a, bool need_metadata, char *err)
{
	struct igvm_file in = {0};
	struct idblock_igvm_snp snp;
	struct igvm_vhs_snp_id_block d;
	char msg[IGVM_ERR_LEN];
	uint8_t *buf;
	uint8_t *out = NULL;
	size_t size = 0;
	size_t out_len = 0;
	int rc = -1;

	buf = util_read_file(a->in, IGVM_MAX_FILE_SIZE, &size, err, ERR_LEN);
	if (!buf)
		return -1;
	if (igvm_parse(buf, size, &in, msg) ||
	    idblock_igvm_snp(&in, &snp, msg)) {
		snprintf(err, ERR_LEN, "%s: %s", a->in, msg);
		goto out;
	}
	if (snp.id_block) {
		snprintf(
			err, ERR_LEN,
			"%s: already has an SNP_ID_BLOCK (at 0x%x) for the SEV-SNP platform",
			a->in, snp.id_block->file_pos);
		goto out;
	}
	if (need_metadata) {
		missing_metadata(a, &in, snp.mask, err);
		goto out;
	}
	if (sign_check_all_listed(&in, a->in, err) ||
	    check_unmeasured(a, &in, err))
		goto out;
	if (resolve_policy(a, &snp, &a->p.policy, err) ||
	    launch_digest(a, &in, err) ||
	    sign_directive(a, snp.mask, &d, err) ||
	    sign_rebuild(&in, &d, &out, &out_len, err) ||
	    check_same_digest(a, out, out_len, err) ||
	    util_write_file(a->out, out, out_len, err, ERR_LEN) ||
	    write_exports(a, &d, err))
		goto out;
	report(a);
	rc = 0;
out:
	igvm_file_free(&in);
	free(buf);
	free(out);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	struct sign_args a = {0};
	char err[ERR_LEN];
	int rc = parse_args(argc, argv, &a);

	if (rc != RUN && rc != RUN_NEED_METADATA)
		return rc;
	if (sign_file(&a, rc == RUN_NEED_METADATA, err)) {
		fprintf(stderr, "csvsm-igvm: sign: %s\n", err);
		return rc == RUN_NEED_METADATA ? 2 : 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

COMMAND(sign, "sign", "add a signed SEV-SNP ID block to an IGVM file",
	cmd_sign);
