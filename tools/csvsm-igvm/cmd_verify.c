/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm verify`: checks the SNP_ID_BLOCK of an IGVM file as the
 * firmware will at SNP_LAUNCH_FINISH (AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK,
 * ID_AUTH_INFO)): the ID-block signature over
 * the 96-byte block rebuilt with the file's GUEST_POLICY and VERSION 1, the
 * author's signature over the ID key, and, when given, the launch digest and
 * the key digests a relying party expects. It prints what an attestation
 * report of such a launch shows (family and image ID, SVN, key digests).
 * Any failure is one line on stderr and exit status 1.
 * Formats: igvm_defs 0.4.0 (IGVM_VHS_SNP_ID_BLOCK); AMD 56860,
 * SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "dump_json.h"
#include "idblock.h"
#include "igvm.h"
#include "igvm_snp.h"
#include "util.h"

#define ERR_LEN 512
#define RUN	(-1) /* parse_args(): go on; other values are exit statuses */

_Static_assert(IDBLOCK_ERR_LEN <= IGVM_ERR_LEN, "one message buffer");

struct verify_args {
	const char *file;
	bool have_ld, have_id_digest, have_author_digest, have_policy;
	uint8_t ld[IDBLOCK_LD_SIZE];
	uint8_t id_digest[IDBLOCK_DIGEST_SIZE];
	uint8_t author_digest[IDBLOCK_DIGEST_SIZE];
	uint64_t policy;
	unsigned int vcpus; /* recompute the LD for this many vCPUs */
	bool json;
};

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm verify FILE [options]\n"
		"Checks the signatures of the file's SEV-SNP ID block and prints\n"
		"what an attestation report of the launch shows.\n"
		"  --vcpus N                 the block must carry this file's own\n"
		"                            launch digest for N vCPUs (1..%u)\n"
		"  --ld HEX96                the block must carry this launch digest\n"
		"  --policy HEX              the launch policy, when the file has no\n"
		"                            GUEST_POLICY (else it must equal it)\n"
		"  --id-key-digest HEX96     SHA-384 of the ID key the report must show\n"
		"  --author-key-digest HEX96 SHA-384 of the author key likewise\n"
		"  --json                    the result as one JSON object\n"
		"  -h, --help                this text\n",
		SNP_MAX_VCPUS);
	return rc;
}

static void print_hex(const char *label, const uint8_t *p, size_t len)
{
	char hex[2 * IDBLOCK_LD_SIZE + 1];

	util_format_hex(p, len < IDBLOCK_LD_SIZE ? len : IDBLOCK_LD_SIZE, hex);
	printf("  %-20s %s\n", label, hex);
}

static int parse_value(int c, const char *v, struct verify_args *a)
{
	char *end = NULL;

	switch (c) {
	case 'l':
		a->have_ld = true;
		return util_parse_hex(v, a->ld, sizeof(a->ld));
	case 'v': {
		unsigned long n = strtoul(v, &end, 10);

		if (*v < '1' || *v > '9' || *end || n > SNP_MAX_VCPUS)
			return -1;
		a->vcpus = (unsigned int)n;
		return 0;
	}
	case 'i':
		a->have_id_digest = true;
		return util_parse_hex(v, a->id_digest, sizeof(a->id_digest));
	case 'a':
		a->have_author_digest = true;
		return util_parse_hex(v, a->author_digest,
				      sizeof(a->author_digest));
	case 'p':
		a->have_policy = true;
		if (*v < '0' || *v > '9')
			return -1;
		errno = 0;
		a->policy = strtoull(v, &end, 16);
		return errno || *end ? -1 : 0;
	default:
		return -1;
	}
}

/* RUN when the command should run; otherwise the exit status. */
static int parse_args(int argc, char **argv, struct verify_args *a)
{
	static const struct option opts[] = {
		{"ld", required_argument, NULL, 'l'},
		{"vcpus", required_argument, NULL, 'v'},
		{"policy", required_argument, NULL, 'p'},
		{"id-key-digest", required_argument, NULL, 'i'},
		{"author-key-digest", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int idx = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		if (c == 'h')
			return usage(stdout, 0);
		if (c == '?')
			return usage(stderr, 2);
		if (c == 'j') {
			a->json = true;
			continue;
		}
		if (parse_value(c, optarg, a))
			return cmd_usage_error(
				"bad value '%s' for --%s%s", optarg,
				opts[idx].name,
				c == 'v' ? " (want 1.." SNP_MAX_VCPUS_STR ")"
					 : "");
	}
	if (optind >= argc)
		return cmd_usage_error("no input file");
	if (optind + 1 < argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind + 1]);
	if (a->have_ld && a->vcpus)
		return cmd_usage_error("--ld and --vcpus exclude each other");
	a->file = argv[optind];
	return RUN;
}

/*
 * AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the loader launches
 * with the SEV-SNP GUEST_POLICY.
 */
static int resolve_policy(const struct verify_args *a,
			  const struct idblock_igvm_snp *snp, uint64_t *policy,
			  char *err)
{
	if (snp->has_policy && a->have_policy && a->policy != snp->policy) {
		snprintf(
			err, ERR_LEN,
			"%s: --policy 0x%llx is not the file's SEV-SNP GUEST_POLICY 0x%llx",
			a->file, (unsigned long long)a->policy,
			(unsigned long long)snp->policy);
		return -1;
	}
	if (!snp->has_policy && !a->have_policy) {
		snprintf(
			err, ERR_LEN,
			"%s: no GUEST_POLICY for the SEV-SNP platform; give --policy",
			a->file);
		return -1;
	}
	*policy = snp->has_policy ? snp->policy : a->policy;
	return 0;
}

static void print_json(const struct verify_args *a, uint32_t mask,
		       const struct idblock_report *r)
{
	struct dump_out o = {.f = stdout, .json = true};

	dump_begin(&o, NULL, false, false);
	dump_str(&o, "file", a->file, false);
	dump_bool(&o, "verified", true);
	dump_hex(&o, "compatibility_mask", mask);
	dump_bytes(&o, "ld", r->block.ld, sizeof(r->block.ld));
	dump_bool(&o, "ld_checked", a->have_ld || a->vcpus);
	dump_bytes(&o, "family_id", r->block.family_id,
		   sizeof(r->block.family_id));
	dump_bytes(&o, "image_id", r->block.image_id,
		   sizeof(r->block.image_id));
	dump_u64(&o, "guest_svn", r->block.guest_svn);
	dump_addr(&o, "policy", r->block.policy);
	dump_bytes(&o, "id_key_digest", r->id_key_digest,
		   sizeof(r->id_key_digest));
	if (r->author_key_enabled)
		dump_bytes(&o, "author_key_digest", r->author_key_digest,
			   sizeof(r->author_key_digest));
	else
		dump_null(&o, "author_key_digest");
	dump_end(&o); /* ends the line */
}

static void print_report(const struct verify_args *a, uint32_t mask,
			 const struct idblock_report *r)
{
	if (a->json) {
		print_json(a, mask, r);
		return;
	}
	printf("%s: SEV-SNP ID block (mask 0x%x) verifies\n", a->file, mask);
	print_hex(a->have_ld || a->vcpus ? "ld (as expected)"
					 : "ld (not recomputed)",
		  r->block.ld, sizeof(r->block.ld));
	print_hex("family_id", r->block.family_id, sizeof(r->block.family_id));
	print_hex("image_id", r->block.image_id, sizeof(r->block.image_id));
	printf("  %-20s %u\n", "guest_svn", r->block.guest_svn);
	printf("  %-20s 0x%llx\n", "policy",
	       (unsigned long long)r->block.policy);
	print_hex("id_key_digest", r->id_key_digest, sizeof(r->id_key_digest));
	if (r->author_key_enabled)
		print_hex("author_key_digest", r->author_key_digest,
			  sizeof(r->author_key_digest));
	else
		printf("  %-20s none (author key not enabled)\n",
		       "author_key_digest");
}

static int verify_file(const struct verify_args *a, char *err)
{
	struct igvm_file f = {0};
	struct idblock_igvm_snp snp;
	struct igvm_vhs_snp_id_block d;
	struct idblock_report r;
	struct idblock_expect e = {
		.ld = a->have_ld ? a->ld : NULL,
		.id_key_digest = a->have_id_digest ? a->id_digest : NULL,
		.author_key_digest =
			a->have_author_digest ? a->author_digest : NULL,
	};
	char msg[IGVM_ERR_LEN] = "";
	uint8_t ld[IDBLOCK_LD_SIZE];
	uint8_t *buf;
	size_t size = 0;
	int rc = -1;

	buf = util_read_file(a->file, IGVM_MAX_FILE_SIZE, &size, err, ERR_LEN);
	if (!buf)
		return -1;
	if (igvm_parse(buf, size, &f, msg) || idblock_igvm_snp(&f, &snp, msg)) {
		snprintf(err, ERR_LEN, "%s: %s", a->file, msg);
		goto out;
	}
	if (!snp.id_block) {
		snprintf(err, ERR_LEN,
			 "%s: no SNP_ID_BLOCK for the SEV-SNP platform",
			 a->file);
		goto out;
	}
	if (resolve_policy(a, &snp, &e.policy, err))
		goto out;
	/*
	 * --vcpus: the LD must be this file's own digest (measure's default).
	 */
	if (a->vcpus && !a->have_ld) {
		struct igvm_snp_opts o = {.vcpus = a->vcpus};

		if (igvm_snp_measure(&f, &o, ld, msg)) {
			snprintf(err, ERR_LEN, "%s: %s", a->file, msg);
			goto out;
		}
		e.ld = ld;
	}
	/* TRUST: d is from the file; idblock_verify() range-checks it. */
	if (igvm_vhdr_get(snp.id_block, &d, sizeof(d)) ||
	    idblock_verify(&d, &e, &r, msg)) {
		snprintf(err, ERR_LEN, "%s: SNP_ID_BLOCK at 0x%x: %s", a->file,
			 snp.id_block->file_pos, msg);
		goto out;
	}
	print_report(a, snp.mask, &r);
	rc = 0;
out:
	igvm_file_free(&f);
	free(buf);
	return rc;
}

static int cmd_verify(int argc, char **argv)
{
	struct verify_args a = {0};
	char err[ERR_LEN];
	int rc = parse_args(argc, argv, &a);

	if (rc != RUN)
		return rc;
	if (verify_file(&a, err)) {
		fflush(stdout);
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

COMMAND(verify, "verify", "check the signatures of an IGVM file's SNP ID block",
	cmd_verify);
