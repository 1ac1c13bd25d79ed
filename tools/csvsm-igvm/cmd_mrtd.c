/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm mrtd`: prints the TDX MRTD of a TDVF/OVMF image or of an IGVM
 * file's TDX platform (tools/libmeasure/tdx.h). The switches select the page
 * order (single pass as upstream KVM, two pass as dstack-mr's QEMU 8.x mode)
 * and the IGVM loader semantics (igvm 0.4.0 igvm/src/measurement/tdx.rs or
 * td-shim td-shim-tools build_igvmmrtd); the defaults reproduce
 * td-shim's td_shim_tee_info_hash.py for images and the igvm crate for IGVM.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "dump_json.h"
#include "igvm.h"
#include "tdx.h"
#include "util.h"

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm mrtd (--ovmf FILE | --igvm FILE) [options]\n"
		"  --ovmf FILE               a TDVF/OVMF image (its TDX metadata)\n"
		"  --igvm FILE               an IGVM file's TDX platform\n"
		"  --two-pass                add all pages of a region, then extend\n"
		"                            them (QEMU 8.x TDX stacks)\n"
		"  --zero-page-add-only      IGVM: a zero page gets PAGE.ADD only (td-shim)\n"
		"  --ignore-parameter-areas  IGVM: PARAMETER_INSERT is not measured (td-shim)\n"
		"  --output-format hex|base64  how the MRTD is printed (default hex)\n"
		"  --json                    the MRTD and the choices as one JSON object\n"
		"  -h, --help                this text\n");
	return rc;
}

static int mrtd_of_igvm(const char *path, const struct tdx_igvm_options *o,
			uint8_t m[TDX_MRTD_SIZE])
{
	char err[IGVM_ERR_LEN > TDX_ERR_LEN ? IGVM_ERR_LEN : TDX_ERR_LEN];
	struct igvm_file f = {0};
	size_t len = 0;
	uint8_t *buf = util_read_file(path, IGVM_MAX_FILE_SIZE, &len, err,
				      sizeof(err));
	int rc = -1;

	if (!buf) {
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return -1;
	}
	if (igvm_parse(buf, len, &f, err) == 0)
		rc = tdx_mrtd_igvm(&f, o, m, err);
	if (rc)
		fprintf(stderr, "csvsm-igvm: %s: %s\n", path, err);
	igvm_file_free(&f);
	free(buf);
	return rc;
}

static int mrtd_of_ovmf(const char *path, enum tdx_order order,
			uint8_t m[TDX_MRTD_SIZE])
{
	char err[TDX_ERR_LEN];
	size_t len = 0;
	uint8_t *buf = util_read_file(path, TDX_MAX_IMAGE_SIZE, &len, err,
				      sizeof(err));
	int rc;

	if (!buf) {
		fprintf(stderr, "csvsm-igvm: %s\n", err);
		return -1;
	}
	rc = tdx_mrtd_ovmf(buf, len, order, m, err);
	if (rc)
		fprintf(stderr, "csvsm-igvm: %s: %s\n", path, err);
	free(buf);
	return rc;
}

static int print_json(const char *path, bool ovmf,
		      const struct tdx_igvm_options *o,
		      const uint8_t m[TDX_MRTD_SIZE])
{
	struct dump_out d = {.f = stdout, .json = true};

	dump_begin(&d, NULL, false, false);
	dump_str(&d, "file", path, false);
	dump_str(&d, "input", ovmf ? "ovmf" : "igvm", false);
	dump_bytes(&d, "mrtd", m, TDX_MRTD_SIZE);
	dump_str(&d, "order",
		 o->order == TDX_ORDER_TWO_PASS ? "two-pass" : "single-pass",
		 false);
	if (!ovmf) {
		dump_bool(&d, "zero_page_add_only", o->zero_page_add_only);
		dump_bool(&d, "ignore_parameter_areas",
			  o->ignore_parameter_areas);
	}
	dump_end(&d); /* ends the line */
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_mrtd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ovmf", required_argument, NULL, 'o'},
		{"igvm", required_argument, NULL, 'i'},
		{"two-pass", no_argument, NULL, 't'},
		{"zero-page-add-only", no_argument, NULL, 'z'},
		{"ignore-parameter-areas", no_argument, NULL, 'p'},
		{"output-format", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct tdx_igvm_options o = {.order = TDX_ORDER_SINGLE_PASS};
	const char *ovmf = NULL, *igvm = NULL;
	uint8_t m[TDX_MRTD_SIZE];
	bool base64 = false;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			ovmf = optarg;
			break;
		case 'i':
			igvm = optarg;
			break;
		case 't':
			o.order = TDX_ORDER_TWO_PASS;
			break;
		case 'z':
			o.zero_page_add_only = true;
			break;
		case 'p':
			o.ignore_parameter_areas = true;
			break;
		case 'f':
			if (strcmp(optarg, "hex") != 0 &&
			    strcmp(optarg, "base64") != 0)
				return cmd_usage_error(
					"--output-format must be hex or base64");
			base64 = strcmp(optarg, "base64") == 0;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind]);
	if (!ovmf == !igvm)
		return cmd_usage_error(
			"give one of --ovmf FILE and --igvm FILE");
	if (ovmf && (o.zero_page_add_only || o.ignore_parameter_areas))
		return cmd_usage_error("--zero-page-add-only and "
				       "--ignore-parameter-areas apply to "
				       "--igvm only");
	if (json && base64)
		return cmd_usage_error(
			"--json prints hex; drop --output-format");
	if (ovmf ? mrtd_of_ovmf(ovmf, o.order, m) : mrtd_of_igvm(igvm, &o, m))
		return 1;
	if (json)
		return print_json(ovmf ? ovmf : igvm, ovmf != NULL, &o, m);
	return util_print_digest(m, TDX_MRTD_SIZE, base64);
}

COMMAND(mrtd, "mrtd", "print the TDX MRTD of a TDVF/OVMF image or IGVM file",
	cmd_mrtd);
