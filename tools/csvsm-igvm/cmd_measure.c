/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm measure`: the launch measurements of an IGVM file, and the
 * reference values a verifier needs (--json).
 *
 *   SEV-SNP  the launch digest (tools/libmeasure/igvm_snp.c), with the
 *            loader choices that change it as switches
 *   TDX      the MRTD (tools/libmeasure/tdx.c), when the file has a TDX
 *            platform
 *
 * The JSON also carries the guest policy, the boot VMSA's SEV_FEATURES
 * (restricted injection: `build --restricted-injection`; the digest
 * covers them, as the VMSA page is measured), and the version metadata: from
 * the file's SNP ID block when it is signed, else from csvsm's boot-info
 * page (found through RSI of the boot VP context, the builder's contract in
 * include/abi/csvsm_boot.h). "metadata_trust" says why a verifier may
 * believe them: "signed" (the ID block verifies and carries the digest
 * just computed), "measured" (the boot-info page is part of the digest),
 * or "unverified" (an ID block that does not verify for this measurement;
 * "metadata_problem" says why).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/igvm.h"
#include "abi/snp_vmsa.h"

#include "command.h"
#include "csvsm_meta.h"
#include "dump_json.h"
#include "idblock.h"
#include "igvm.h"
#include "igvm_snp.h"
#include "progress.h"
#include "tdx.h"
#include "util.h"

struct metadata {
	const char *source; /* "id_block", "boot_info" or NULL */
	const char *trust;  /* "signed", "measured" or "unverified" */
	char problem[IDBLOCK_ERR_LEN]; /* why "unverified" */
	uint32_t guest_svn;
	uint8_t family_id[16];
	uint8_t image_id[16];
	/* From the measured boot-info page, whatever vouches for the rest. */
	bool has_boot_info;
	struct csvsm_meta boot_info;
};

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm measure FILE.igvm [options]\n"
		"  --vcpus N                 VMSAs measured for N vCPUs (default 1)\n"
		"  --bsp-only                measure only the boot vCPU's VMSA\n"
		"  --native-zero             zero pages as SNP type ZERO (default NORMAL)\n"
		"  --skip-shared             do not measure SHARED pages (igvm crate)\n"
		"  --param-first-page-only   parameter areas: first page only (COCONUT)\n"
		"  --vmsa-header-gpa         VMSAs at their header GPA, in file order\n"
		"  --tdx-two-pass            TDX: add all pages, then extend\n"
		"  --output-format hex|base64  how digests are printed (default hex)\n"
		"  --json                    reference values for verifiers: digests,\n"
		"                            policy, SVN and IDs with how they are\n"
		"                            vouched for (signed, measured, unverified)\n"
		"  -h, --help                this text\n"
		"vCPU counts: 1..%u.\n",
		SNP_MAX_VCPUS);
	return rc;
}

/*
 * The ID block's values count only once its signatures verify over the
 * launch digest just computed and the file's policy.
 */
static void check_id_block(const struct igvm_vhs_snp_id_block *ib,
			   const uint8_t *ld, uint64_t policy, bool has_policy,
			   struct metadata *m)
{
	struct idblock_expect e = {.ld = ld, .policy = policy};

	m->trust = "unverified";
	if (!ld)
		snprintf(m->problem, sizeof(m->problem), "no launch digest");
	else if (!has_policy)
		snprintf(m->problem, sizeof(m->problem),
			 "no GUEST_POLICY for the SEV-SNP platform");
	else if (!idblock_verify(ib, &e, NULL, m->problem))
		m->trust = "signed";
}

static void find_metadata(const struct igvm_file *f, uint32_t snp,
			  const uint8_t *ld, struct metadata *m,
			  uint64_t *policy, bool *has_policy)
{
	struct igvm_vhs_snp_id_block ib;
	bool have_ib = false;

	memset(m, 0, sizeof(*m));
	*has_policy = false;
	for (size_t i = 0; i < f->header_count; i++) {
		struct igvm_vhs_guest_policy gp;
		const struct igvm_vhdr *h = &f->headers[i];

		if (h->type == IGVM_VHT_GUEST_POLICY &&
		    !igvm_vhdr_get(h, &gp, sizeof(gp)) &&
		    (gp.compatibility_mask & snp)) {
			*policy = gp.policy;
			*has_policy = true;
		} else if (h->type == IGVM_VHT_SNP_ID_BLOCK &&
			   !igvm_vhdr_get(h, &ib, sizeof(ib)) &&
			   (ib.compatibility_mask & snp)) {
			m->source = "id_block";
			m->guest_svn = ib.guest_svn;
			memcpy(m->family_id, ib.family_id, 16);
			memcpy(m->image_id, ib.image_id, 16);
			have_ib = true;
		}
	}
	if (have_ib)
		check_id_block(&ib, ld, *policy, *has_policy, m);
	m->has_boot_info = snp && csvsm_meta_get(f, snp, &m->boot_info);
	if (!m->source && m->has_boot_info) {
		m->source = "boot_info";
		m->trust = "measured";
		m->guest_svn = m->boot_info.guest_svn;
		memcpy(m->family_id, m->boot_info.family_id, 16);
		memcpy(m->image_id, m->boot_info.image_id, 16);
	}
}

struct measure_args {
	struct igvm_snp_opts snp;
	struct tdx_igvm_options tdx;
	bool json;
	bool base64;
	bool output_format_given;
	bool snp_switch; /* a switch that changes only the SNP digest */
};

static void emit_json(const char *path, const struct igvm_file *f,
		      const struct measure_args *a, const uint8_t *ld,
		      const uint8_t *mrtd)
{
	struct dump_out o = {.f = stdout, .json = true};
	uint32_t snp = igvm_snp_platform_mask(f);
	struct metadata m;
	uint64_t policy = 0;
	uint64_t sev_features = 0;
	bool has_policy = false;

	find_metadata(f, snp, ld, &m, &policy, &has_policy);
	dump_begin(&o, NULL, false, false);
	dump_str(&o, "file", path, false);
	if (ld) {
		dump_begin(&o, "snp", false, false);
		dump_bytes(&o, "launch_digest", ld, SNP_LD_SIZE);
		dump_u64(&o, "vcpus", a->snp.vcpus);
		dump_bool(&o, "bsp_only", a->snp.bsp_only);
		if (has_policy)
			dump_addr(&o, "policy", policy);
		if (csvsm_meta_sev_features(f, snp, &sev_features)) {
			dump_addr(&o, "sev_features", sev_features);
			dump_bool(&o, "restricted_injection",
				  sev_features &
					  SNP_FEATURE_RESTRICTED_INJECTION);
		}
		dump_begin(&o, "loader", false, true);
		dump_bool(&o, "native_zero", a->snp.native_zero);
		dump_bool(&o, "skip_shared", a->snp.skip_shared);
		dump_bool(&o, "param_first_page_only",
			  a->snp.param_first_page_only);
		dump_bool(&o, "vmsa_header_gpa", a->snp.vmsa_header_gpa);
		dump_end(&o);
		dump_end(&o);
	} else {
		dump_null(&o, "snp");
	}
	if (mrtd) {
		dump_begin(&o, "tdx", false, false);
		dump_bytes(&o, "mrtd", mrtd, TDX_MRTD_SIZE);
		dump_str(&o, "order",
			 a->tdx.order == TDX_ORDER_TWO_PASS ? "two-pass"
							    : "single-pass",
			 false);
		dump_end(&o);
	} else {
		dump_null(&o, "tdx");
	}
	if (m.source) {
		dump_u64(&o, "guest_svn", m.guest_svn);
		dump_bytes(&o, "family_id", m.family_id, 16);
		dump_bytes(&o, "image_id", m.image_id, 16);
		dump_str(&o, "metadata_source", m.source, false);
		dump_str(&o, "metadata_trust", m.trust, false);
		if (m.problem[0])
			dump_str(&o, "metadata_problem", m.problem, false);
	}
	/* The package versions, measured in the boot-info page. */
	if (m.has_boot_info && m.boot_info.package_count >= 0) {
		dump_begin(&o, "packages", false, true);
		for (int i = 0; i < m.boot_info.package_count; i++)
			dump_str(&o, m.boot_info.packages[i].name,
				 m.boot_info.packages[i].version, false);
		dump_end(&o);
	} else if (m.has_boot_info) {
		dump_str(&o, "packages_problem", m.boot_info.package_problem,
			 false);
	}
	dump_end(&o); /* ends the line */
}

static int parse_options(int argc, char **argv, struct measure_args *a)
{
	static const struct option opts[] = {
		{"vcpus", required_argument, NULL, 'v'},
		{"bsp-only", no_argument, NULL, 'b'},
		{"native-zero", no_argument, NULL, 'z'},
		{"skip-shared", no_argument, NULL, 's'},
		{"param-first-page-only", no_argument, NULL, 'p'},
		{"vmsa-header-gpa", no_argument, NULL, 'g'},
		{"tdx-two-pass", no_argument, NULL, 't'},
		{"output-format", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (util_parse_size(optarg, &v) || v < 1 ||
			    v > SNP_MAX_VCPUS)
				return cmd_usage_error(
					"bad vCPU count '%s' (want 1..%u)",
					optarg, SNP_MAX_VCPUS);
			a->snp.vcpus = (unsigned int)v;
			a->snp_switch = true;
			break;
		case 'b':
			a->snp.bsp_only = true;
			a->snp_switch = true;
			break;
		case 'z':
			a->snp.native_zero = true;
			a->snp_switch = true;
			break;
		case 's':
			a->snp.skip_shared = true;
			a->snp_switch = true;
			break;
		case 'p':
			a->snp.param_first_page_only = true;
			a->snp_switch = true;
			break;
		case 'g':
			a->snp.vmsa_header_gpa = true;
			a->snp_switch = true;
			break;
		case 't':
			a->tdx.order = TDX_ORDER_TWO_PASS;
			break;
		case 'o':
			if (strcmp(optarg, "hex") != 0 &&
			    strcmp(optarg, "base64") != 0)
				return usage(stderr, 2);
			a->base64 = strcmp(optarg, "base64") == 0;
			a->output_format_given = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			return usage(stdout, 0) + 256;
		default:
			return usage(stderr, 2);
		}
	}
	if (a->json && a->output_format_given)
		return cmd_usage_error(
			"--json prints hex; drop --output-format");
	if (optind >= argc)
		return cmd_usage_error("no input file");
	if (optind + 1 < argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind + 1]);
	return 0;
}

static int cmd_measure(int argc, char **argv)
{
	struct measure_args a = {.snp.vcpus = 1};
	char err[512] = "";
	uint8_t ld[SNP_LD_SIZE];
	uint8_t mrtd[TDX_MRTD_SIZE];
	bool have_ld = false;
	bool have_mrtd = false;
	struct igvm_file f;
	size_t size = 0;
	uint8_t *buf;
	int rc = parse_options(argc, argv, &a);

	if (rc)
		return rc >= 256 ? 0 : rc;
	buf = util_read_file(argv[optind], IGVM_MAX_FILE_SIZE, &size, err,
			     sizeof(err));
	if (!buf) {
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return 1;
	}
	if (igvm_parse(buf, size, &f, err)) {
		fprintf(stderr, "csvsm-igvm: %s: %s\n", argv[optind], err);
		free(buf);
		return 1;
	}
	rc = 1;
	if (igvm_snp_platform_mask(&f)) {
		struct util_progress progress;

		util_progress_init(&progress, argv[optind], size);
		a.snp.progress.fn = util_progress_pages;
		a.snp.progress.arg = &progress;
		have_ld = !igvm_snp_measure(&f, &a.snp, ld, err);
		util_progress_done(&progress);
		if (!have_ld)
			goto out;
	}
	for (size_t i = 0; i < f.header_count && !have_mrtd; i++) {
		struct igvm_vhs_supported_platform sp;

		if (f.headers[i].type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(&f.headers[i], &sp, sizeof(sp)) &&
		    sp.platform_type == IGVM_PLATFORM_TDX) {
			if (tdx_mrtd_igvm(&f, &a.tdx, mrtd, err))
				goto out;
			have_mrtd = true;
		}
	}
	if (!have_ld && a.snp_switch) {
		rc = 2;
		snprintf(err, sizeof(err),
			 "no SEV-SNP platform: --vcpus and the SNP loader "
			 "switches do not apply");
		goto out;
	}
	if (!have_mrtd && a.tdx.order == TDX_ORDER_TWO_PASS) {
		rc = 2;
		snprintf(err, sizeof(err),
			 "no TDX platform: --tdx-two-pass does not apply");
		goto out;
	}
	if (!have_ld && !have_mrtd) {
		snprintf(err, sizeof(err),
			 "no SEV-SNP or TDX platform: nothing is measured");
		goto out;
	}
	rc = 0;
	if (a.json) {
		emit_json(argv[optind], &f, &a, have_ld ? ld : NULL,
			  have_mrtd ? mrtd : NULL);
	} else {
		if (have_ld)
			rc = util_print_digest(ld, sizeof(ld), a.base64);
		if (have_mrtd && !rc)
			rc = util_print_digest(mrtd, sizeof(mrtd), a.base64);
		if (rc)
			snprintf(err, sizeof(err), "cannot write the result");
	}
out:
	if (rc)
		fprintf(stderr, "csvsm-igvm: %s: %s\n", argv[optind], err);
	igvm_file_free(&f);
	free(buf);
	return rc;
}

COMMAND(measure, "measure",
	"SNP launch digest / TDX MRTD of an IGVM file; --json reference values",
	cmd_measure);
