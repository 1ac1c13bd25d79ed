/* SPDX-License-Identifier: MIT */
/*
 * csvsm-snp-measure: a drop-in for virtee/sev-snp-measure 0.0.13
 * (sev-snp-measure.py, sevsnpmeasure/cli.py): the same modes, options,
 * defaults and output, so a user switches by changing the command name.
 * This file parses and checks the command line in the order sev-snp-measure
 * does (argparse first, then its cli.py checks); run.c measures.
 *
 * Differences, all on inputs sev-snp-measure crashes on or accepts without
 * meaning: every error is one line "csvsm-snp-measure: ..." (status 2 for
 * usage errors, as argparse, and 1 for the rest); --vcpus must be 1..65536;
 * numbers may not be negative; `snp` mode refuses an OVMF image without SEV
 * metadata (QEMU refuses to launch it); --vars-size must be a multiple of
 * 4096.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "snp.h"
#include "util.h"

#define MAX_VCPUS SNP_MAX_VCPUS /* one rule: snp.h */

int cli_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, CLI_PROG ": %s",
		status == CLI_EXIT_USAGE ? "error: " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void usage(FILE *f)
{
	fputs("usage: " CLI_PROG " [-h] [--version] [-v] --mode\n"
	      "       {sev,seves,snp,snp:ovmf-hash,snp:svsm} [--vcpus N]\n"
	      "       [--vcpu-type CPUTYPE] [--vcpu-sig VALUE]\n"
	      "       [--vcpu-family FAMILY] [--vcpu-model MODEL]\n"
	      "       [--vcpu-stepping STEPPING] [--vmm-type VMMTYPE] --ovmf PATH\n"
	      "       [--kernel PATH] [--initrd PATH] [--append CMDLINE]\n"
	      "       [--guest-features VALUE] [--output-format {hex,base64}]\n"
	      "       [--snp-ovmf-hash HASH] [--dump-vmsa] [--svsm PATH]\n"
	      "       [--vars-size SIZE | --vars-file PATH]\n\n"
	      "Calculate AMD SEV/SEV-ES/SEV-SNP guest launch measurement\n"
	      "(sev-snp-measure compatible). --guest-features defaults to 0x1,\n"
	      "--vmm-type to QEMU (or ec2, gce). CPU types:",
	      f);
	for (size_t i = 0; vmsa_cpu_type_name(i); i++)
		fprintf(f, "%s %s", i % 6 ? "" : "\n ", vmsa_cpu_type_name(i));
	fputs("\n\noptions:\n"
	      "  -h, --help            show this help message and exit\n"
	      "  --version             the version, and the sev-snp-measure\n"
	      "                        release it matches\n"
	      "  -v, --verbose         print the measurement with a label\n"
	      "  --mode MODE           sev, seves, snp, snp:ovmf-hash or snp:svsm\n"
	      "  --vcpus N             vCPUs: one VMSA each (1.." SNP_MAX_VCPUS_STR
	      ")\n"
	      "  --vcpu-type CPUTYPE   a CPU type above (sets the signature)\n"
	      "  --vcpu-sig VALUE      the CPUID(1).EAX signature instead\n"
	      "  --vcpu-family FAMILY, --vcpu-model MODEL, --vcpu-stepping STEPPING\n"
	      "                        the signature from its three parts\n"
	      "  --vmm-type VMMTYPE    QEMU (default), ec2 or gce\n"
	      "  --ovmf PATH           the OVMF image (required)\n"
	      "  --kernel PATH, --initrd PATH, --append CMDLINE\n"
	      "                        the direct-boot hashes table (snp, sev,\n"
	      "                        seves)\n"
	      "  --guest-features VALUE  SEV_FEATURES of the VMSAs (default 0x1)\n"
	      "  --output-format {hex,base64}  how the digest is printed\n"
	      "  --snp-ovmf-hash HASH  snp: start from this OVMF hash (96 hex)\n"
	      "  --dump-vmsa           snp, seves: write vmsaN.bin in the\n"
	      "                        working folder\n"
	      "  --svsm PATH           snp:svsm: the SVSM binary\n"
	      "  --vars-size SIZE      snp:svsm: the OVMF variable store's size\n"
	      "  --vars-file PATH      snp:svsm: ... taken from this file\n",
	      f);
}

/* Python int(s): decimal digits only (no sign, no spaces). */
static int parse_dec(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return -1;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Python int(s, 0) for non-negative values: 0x, 0o, 0b or decimal. */
static int parse_auto(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && s[1] && strchr("xXoObB", s[1])) {
		base = strchr("xX", s[1]) ? 16 : strchr("oO", s[1]) ? 8 : 2;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		for (const char *p = s; *p; p++)
			if (*p != '0')
				return -1; /* int("01", 0) is an error */
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base || __builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -1;
	}
	*out = v;
	return 0;
}

enum {
	OPT_VERSION = 256,
	OPT_MODE,
	OPT_VCPUS,
	OPT_VCPU_TYPE,
	OPT_VCPU_SIG,
	OPT_VCPU_FAMILY,
	OPT_VCPU_MODEL,
	OPT_VCPU_STEPPING,
	OPT_VMM_TYPE,
	OPT_OVMF,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_APPEND,
	OPT_GUEST_FEATURES,
	OPT_OUTPUT_FORMAT,
	OPT_SNP_OVMF_HASH,
	OPT_DUMP_VMSA,
	OPT_SVSM,
	OPT_VARS_SIZE,
	OPT_VARS_FILE,
};

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"verbose", no_argument, NULL, 'v'},
	{"mode", required_argument, NULL, OPT_MODE},
	{"vcpus", required_argument, NULL, OPT_VCPUS},
	{"vcpu-type", required_argument, NULL, OPT_VCPU_TYPE},
	{"vcpu-sig", required_argument, NULL, OPT_VCPU_SIG},
	{"vcpu-family", required_argument, NULL, OPT_VCPU_FAMILY},
	{"vcpu-model", required_argument, NULL, OPT_VCPU_MODEL},
	{"vcpu-stepping", required_argument, NULL, OPT_VCPU_STEPPING},
	{"vmm-type", required_argument, NULL, OPT_VMM_TYPE},
	{"ovmf", required_argument, NULL, OPT_OVMF},
	{"kernel", required_argument, NULL, OPT_KERNEL},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"append", required_argument, NULL, OPT_APPEND},
	{"guest-features", required_argument, NULL, OPT_GUEST_FEATURES},
	{"output-format", required_argument, NULL, OPT_OUTPUT_FORMAT},
	{"snp-ovmf-hash", required_argument, NULL, OPT_SNP_OVMF_HASH},
	{"dump-vmsa", no_argument, NULL, OPT_DUMP_VMSA},
	{"svsm", required_argument, NULL, OPT_SVSM},
	{"vars-size", required_argument, NULL, OPT_VARS_SIZE},
	{"vars-file", required_argument, NULL, OPT_VARS_FILE},
	{NULL, 0, NULL, 0},
};

static const char *const mode_names[] = {
	[CLI_MODE_SEV] = "sev",
	[CLI_MODE_SEVES] = "seves",
	[CLI_MODE_SNP] = "snp",
	[CLI_MODE_SNP_OVMF_HASH] = "snp:ovmf-hash",
	[CLI_MODE_SNP_SVSM] = "snp:svsm",
};

/* What argparse collects before cli.py's own checks. */
struct raw {
	const char *mode, *vcpu_type, *vmm_type, *snp_ovmf_hash;
	const char *sig, *family, *model, *stepping, *vcpus, *features;
	const char *output_format, *vars_size;
};

static int bad_value(const char *opt, const char *what, const char *v)
{
	return cli_fail(CLI_EXIT_USAGE, "argument --%s: invalid %s: '%s'", opt,
			what, v);
}

/* argparse: options, their types and choices, required options. */
static int parse_options(int argc, char **argv, struct cli_args *a,
			 struct raw *r)
{
	const char **slots[] = {
		[OPT_MODE - OPT_VERSION] = &r->mode,
		[OPT_VCPUS - OPT_VERSION] = &r->vcpus,
		[OPT_VCPU_TYPE - OPT_VERSION] = &r->vcpu_type,
		[OPT_VCPU_SIG - OPT_VERSION] = &r->sig,
		[OPT_VCPU_FAMILY - OPT_VERSION] = &r->family,
		[OPT_VCPU_MODEL - OPT_VERSION] = &r->model,
		[OPT_VCPU_STEPPING - OPT_VERSION] = &r->stepping,
		[OPT_VMM_TYPE - OPT_VERSION] = &r->vmm_type,
		[OPT_OVMF - OPT_VERSION] = &a->ovmf,
		[OPT_KERNEL - OPT_VERSION] = &a->kernel,
		[OPT_INITRD - OPT_VERSION] = &a->initrd,
		[OPT_APPEND - OPT_VERSION] = &a->append,
		[OPT_GUEST_FEATURES - OPT_VERSION] = &r->features,
		[OPT_OUTPUT_FORMAT - OPT_VERSION] = &r->output_format,
		[OPT_SNP_OVMF_HASH - OPT_VERSION] = &r->snp_ovmf_hash,
		[OPT_SVSM - OPT_VERSION] = &a->svsm,
		[OPT_VARS_SIZE - OPT_VERSION] = &r->vars_size,
		[OPT_VARS_FILE - OPT_VERSION] = &a->vars_file,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hv", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(CLI_EXIT_OK);
		case OPT_VERSION:
			util_print_version(
				CLI_PROG " " CLI_VERSION,
				"matches sev-snp-measure " CLI_VERSION
				"; the differences are listed in docs/tools.md");
			exit(CLI_EXIT_OK);
		case 'v':
			a->verbose = true;
			break;
		case OPT_DUMP_VMSA:
			a->dump_vmsa = true;
			break;
		case ':':
			return cli_fail(CLI_EXIT_USAGE,
					"argument %s: expected one argument",
					argv[optind - 1]);
		case '?':
			return cli_fail(
				CLI_EXIT_USAGE,
				"unrecognized or ambiguous argument: %s",
				argv[optind - 1]);
		default:
			/* argparse: the last of a repeated option wins. */
			if (c <= OPT_VERSION || c > OPT_VARS_FILE ||
			    !slots[c - OPT_VERSION])
				return cli_fail(CLI_EXIT_USAGE, "bad option");
			*slots[c - OPT_VERSION] = optarg;
		}
	}
	if (optind < argc)
		return cli_fail(CLI_EXIT_USAGE, "unrecognized arguments: %s",
				argv[optind]);
	if (r->vars_size && a->vars_file)
		return cli_fail(
			CLI_EXIT_USAGE,
			"argument --vars-file: not allowed with argument --vars-size");
	if (!r->mode || !a->ovmf)
		return cli_fail(CLI_EXIT_USAGE,
				"the following arguments are required: %s",
				!r->mode && !a->ovmf ? "--mode, --ovmf"
				: !r->mode	     ? "--mode"
						     : "--ovmf");
	return 0;
}

/* Types and choices of the values argparse checks. */
static int check_values(struct cli_args *a, struct raw *r)
{
	uint64_t v;
	uint32_t sig;
	size_t m;

	if (!r->mode)
		return CLI_EXIT_USAGE;
	for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (!strcmp(r->mode, mode_names[m]))
			break;
	if (m == sizeof(mode_names) / sizeof(mode_names[0]))
		return cli_fail(
			CLI_EXIT_USAGE,
			"argument --mode: invalid choice: '%s' (choose from 'sev', 'seves', 'snp', 'snp:ovmf-hash', 'snp:svsm')",
			r->mode);
	a->mode = (enum cli_mode)m;
	a->mode_name = mode_names[m];
	if (r->vcpus) {
		if (parse_dec(r->vcpus, MAX_VCPUS, &v) || !v)
			return bad_value("vcpus",
					 "vCPU count (1.." SNP_MAX_VCPUS_STR
					 ")",
					 r->vcpus);
		a->vcpus = (unsigned int)v;
	}
	if (r->vcpu_type && vmsa_cpu_sig_by_name(r->vcpu_type, &sig))
		return cli_fail(
			CLI_EXIT_USAGE,
			"argument --vcpu-type: invalid choice: '%s' (see --help)",
			r->vcpu_type);
	if (r->sig && parse_auto(r->sig, &v))
		return bad_value("vcpu-sig", "int value", r->sig);
	if (r->family && parse_dec(r->family, UINT32_MAX, &v))
		return bad_value("vcpu-family", "int value", r->family);
	if (r->model && parse_dec(r->model, UINT32_MAX, &v))
		return bad_value("vcpu-model", "int value", r->model);
	if (r->stepping && parse_dec(r->stepping, UINT32_MAX, &v))
		return bad_value("vcpu-stepping", "int value", r->stepping);
	a->guest_features = 0x1; /* sev-snp-measure 0.0.13's default */
	if (r->features && parse_auto(r->features, &a->guest_features))
		return bad_value("guest-features", "int value", r->features);
	if (r->output_format && strcmp(r->output_format, "hex") != 0 &&
	    strcmp(r->output_format, "base64") != 0)
		return cli_fail(
			CLI_EXIT_USAGE,
			"argument --output-format: invalid choice: '%s' (choose from 'hex', 'base64')",
			r->output_format);
	a->base64 = r->output_format && !strcmp(r->output_format, "base64");
	if (r->vars_size && parse_dec(r->vars_size, UINT64_MAX, &a->vars_size))
		return bad_value("vars-size", "int value", r->vars_size);
	return 0;
}

/*
 * cli.py get_vcpu_sig() of 0.0.13: family, then sig, then type; QEMU needs
 * one. 0.0.13 tests the values for truth (`elif args.vcpu_family:`), so a
 * family or signature of 0 counts as not given and the next source is
 * used; later upstream releases (commit 8f2b337, "Allow zero as value for
 * vcpu sig & family") test `is not None` instead. This follows 0.0.13.
 */
static int resolve_sig(struct cli_args *a, const struct raw *r)
{
	uint64_t f = 0, m, s, sigv = 0;
	uint32_t sig = 0;

	if (a->mode == CLI_MODE_SEV)
		return 0;
	if (r->family && parse_dec(r->family, UINT32_MAX, &f))
		return cli_fail(CLI_EXIT_USAGE, "bad --vcpu-family");
	if (r->sig && parse_auto(r->sig, &sigv))
		return cli_fail(CLI_EXIT_USAGE, "bad --vcpu-sig");
	if (f) {
		if (!r->model || !r->stepping)
			return cli_fail(
				CLI_EXIT_USAGE,
				"--vcpu-family needs --vcpu-model and --vcpu-stepping");
		if (parse_dec(r->model, UINT32_MAX, &m) ||
		    parse_dec(r->stepping, UINT32_MAX, &s))
			return cli_fail(CLI_EXIT_USAGE,
					"bad --vcpu-model or --vcpu-stepping");
		a->vcpu_sig =
			vmsa_cpu_sig((uint32_t)f, (uint32_t)m, (uint32_t)s);
	} else if (sigv) {
		a->vcpu_sig = sigv;
	} else if (r->vcpu_type) {
		if (vmsa_cpu_sig_by_name(r->vcpu_type, &sig))
			return cli_fail(CLI_EXIT_USAGE, "unknown --vcpu-type");
		a->vcpu_sig = sig;
	} else if (a->vmm == VMSA_VMM_QEMU) {
		return cli_fail(
			CLI_EXIT_USAGE,
			"missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode '%s'",
			a->mode_name);
	}
	return 0;
}

/* cli.py main(): the checks after argparse, in its order. */
static int check_combination(struct cli_args *a, const struct raw *r)
{
	bool svsm = a->mode == CLI_MODE_SNP_SVSM;

	/* cli.py: a non-empty --initrd or --append needs a --kernel option. */
	if (a->initrd && *a->initrd && !a->kernel)
		return cli_fail(CLI_EXIT_USAGE,
				"--kernel required when using --initrd");
	if (a->append && *a->append && !a->kernel)
		return cli_fail(CLI_EXIT_USAGE,
				"--kernel required when using --append");
	if (a->mode != CLI_MODE_SEV && !a->vcpus)
		return cli_fail(CLI_EXIT_USAGE,
				"missing --vcpus N in guest mode '%s'",
				a->mode_name);
	if (vmsa_vmm_type_by_name(r->vmm_type ? r->vmm_type : "QEMU", &a->vmm))
		return cli_fail(CLI_EXIT_USAGE, "unknown VMM type '%s'",
				r->vmm_type);
	if (resolve_sig(a, r))
		return CLI_EXIT_USAGE;
	if (svsm && !a->vars_file && !a->vars_size)
		return cli_fail(
			CLI_EXIT_USAGE,
			"snp:svsm mode requires --vars-size or --vars-file");
	if (svsm && !a->svsm)
		return cli_fail(CLI_EXIT_USAGE,
				"snp:svsm mode requires --svsm");
	if (a->dump_vmsa && a->mode == CLI_MODE_SEV)
		return cli_fail(
			CLI_EXIT_USAGE,
			"--dump-vmsa is not available in the selected mode");
	if (r->snp_ovmf_hash && a->mode != CLI_MODE_SNP)
		return cli_fail(CLI_EXIT_FAIL,
				"--snp-ovmf-hash only works with --mode snp");
	if (svsm && a->vmm != VMSA_VMM_QEMU)
		return cli_fail(CLI_EXIT_FAIL,
				"snp:svsm mode is only implemented for QEMU");
	if (r->snp_ovmf_hash) {
		if (util_parse_hex(r->snp_ovmf_hash, a->ovmf_hash,
				   sizeof(a->ovmf_hash)))
			return cli_fail(
				CLI_EXIT_FAIL,
				"--snp-ovmf-hash: want 96 hex digits, got '%s'",
				r->snp_ovmf_hash);
		a->have_ovmf_hash = true;
	}
	return 0;
}

#define M(mode)	     (1u << (mode))
#define GUEST_MODES  (M(CLI_MODE_SEVES) | M(CLI_MODE_SNP) | M(CLI_MODE_SNP_SVSM))
#define ALL_BUT_HASH (GUEST_MODES | M(CLI_MODE_SEV))

/*
 * Options sev-snp-measure 0.0.13 accepts in a mode but does not use
 * (sevsnpmeasure/cli.py, guest.py): the result is the same as without
 * them, and a warning on stderr says so instead of ignoring them silently.
 */
static void warn_ignored(const struct cli_args *a, const struct raw *r)
{
	const struct {
		const char *name;
		bool given;
		unsigned int used; /* M(mode) bits */
	} opts[] = {
		{"--vcpus", r->vcpus, GUEST_MODES},
		{"--vcpu-type", r->vcpu_type, GUEST_MODES},
		{"--vcpu-sig", r->sig, GUEST_MODES},
		{"--vcpu-family", r->family, GUEST_MODES},
		{"--vcpu-model", r->model, GUEST_MODES},
		{"--vcpu-stepping", r->stepping, GUEST_MODES},
		{"--vmm-type", r->vmm_type, GUEST_MODES},
		{"--kernel", a->kernel, ALL_BUT_HASH & ~M(CLI_MODE_SNP_SVSM)},
		{"--initrd", a->initrd, ALL_BUT_HASH & ~M(CLI_MODE_SNP_SVSM)},
		{"--append", a->append, ALL_BUT_HASH & ~M(CLI_MODE_SNP_SVSM)},
		{"--guest-features", r->features,
		 M(CLI_MODE_SEVES) | M(CLI_MODE_SNP)},
		{"--output-format", r->output_format, ALL_BUT_HASH},
		{"--verbose", a->verbose, ALL_BUT_HASH},
		{"--snp-ovmf-hash", r->snp_ovmf_hash, M(CLI_MODE_SNP)},
		{"--dump-vmsa", a->dump_vmsa, GUEST_MODES},
		{"--svsm", a->svsm, M(CLI_MODE_SNP_SVSM)},
		{"--vars-size", r->vars_size, M(CLI_MODE_SNP_SVSM)},
		{"--vars-file", a->vars_file, M(CLI_MODE_SNP_SVSM)},
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].given && !(opts[i].used & M(a->mode)))
			fprintf(stderr,
				CLI_PROG ": warning: %s has no effect with "
					 "--mode %s (ignored, as by "
					 "sev-snp-measure " CLI_VERSION ")\n",
				opts[i].name, a->mode_name);
}

int main(int argc, char **argv)
{
	struct cli_args a = {0};
	struct raw r = {0};
	int rc;

	rc = parse_options(argc, argv, &a, &r);
	if (!rc)
		rc = check_values(&a, &r);
	if (rc)
		return rc;
	/* 0.0.13 tests --snp-ovmf-hash for truth: '' is no hash. */
	if (r.snp_ovmf_hash && !*r.snp_ovmf_hash)
		r.snp_ovmf_hash = NULL;
	/* cli.py: the OVMF hash needs nothing but --ovmf, always in hex. */
	if (a.mode != CLI_MODE_SNP_OVMF_HASH) {
		rc = check_combination(&a, &r);
		if (rc)
			return rc;
	}
	warn_ignored(&a, &r);
	return cli_run(&a);
}
