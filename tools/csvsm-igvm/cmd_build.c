/* SPDX-License-Identifier: MIT */
/*
 * `csvsm-igvm build`: the command line of the IGVM builder (build.c).
 * Every error is one line on stderr and a non-zero exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/cpio.h"

#include "abi/csvsm_boot.h"

#include "build.h"
#include "command.h"
#include "igvm_snp.h"
#include "ovmf.h"
#include "provenance.h"
#include "util.h"

#define MAX_KERNEL   (64u << 20)
#define MAX_FIRMWARE (16u << 20)
/* The region is at most 1 GiB (build_check_options). */
#define MAX_INITFS (1u << 30)

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-igvm build --kernel ELF -o OUT.igvm [options]\n"
		"  --kernel ELF           the SVSM kernel (required)\n"
		"  --snp-kernel ELF       the SVSM kernel for SEV-SNP (default: --kernel\n"
		"                         serves both platforms)\n"
		"  -o, --output FILE      the IGVM file to write (required)\n"
		"  --region-base ADDR     SVSM region base (default 16M; the link address)\n"
		"  --region-size SIZE     SVSM region size (default 4M)\n"
		"  --ap-trampoline ADDR   native AP start page below 1 MiB (default 0x8000)\n"
		"  --no-snp               native platform only\n"
		"  --firmware FILE        guest firmware for SNP, placed to end at 4 GiB:\n"
		"                         an OVMF image (firmware volume, footer table)\n"
		"  --policy HEX           SNP guest policy (default 0x30000; bit 17 set,\n"
		"                         bits 26-63 clear)\n"
		"  --restricted-injection the SNP launch VMSA asks for restricted\n"
		"                         injection (the host may inject only #HV);\n"
		"                         boots only where the host offers it (off)\n"
		"  --initfs FILE          root file-system image: a cpio \"newc\" archive,\n"
		"                         measured, that the SVSM unpacks at boot\n"
		"  --provenance FILE      the Debian package versions the image is built\n"
		"                         from, name=version lines (scripts/provenance.sh),\n"
		"                         measured in the boot-info page\n"
		"  --guest-svn N          version metadata: guest SVN (default 0)\n"
		"  --family-id HEX32      version metadata: 16-byte family ID\n"
		"  --image-id HEX32       version metadata: 16-byte image ID\n"
		"  -h, --help             this text\n"
		"Sizes and addresses: decimal or 0x hex, with an optional K, M or G.\n");
	return rc;
}

/*
 * A guest firmware must look like one before it is built in and signed:
 * not empty, starting with a UEFI firmware volume header ("_FVH" at 0x28,
 * UEFI PI spec vol. 3, EFI_FIRMWARE_VOLUME_HEADER) and ending with OVMF's
 * footer GUID table in front of the reset vector (edk2
 * OvmfPkg/ResetVector). A variable store (OVMF_VARS) or a truncated image
 * fails the second test.
 */
static int check_firmware(const char *path, const uint8_t *fw, size_t size,
			  char *err, size_t errlen)
{
	struct ovmf_image img;
	char why[OVMF_ERR_LEN];

	if (!size)
		return util_errf(err, errlen, "%s: the firmware file is empty",
				 path);
	if (size % 4096)
		return util_errf(err, errlen,
				 "%s: %zu bytes, not a multiple of 4096: not a "
				 "firmware image",
				 path, size);
	if (size < 0x2c || memcmp(fw + 0x28, "_FVH", 4) != 0)
		return util_errf(err, errlen,
				 "%s: not a firmware volume (no _FVH signature "
				 "at 0x28)",
				 path);
	if (ovmf_parse(fw, size, OVMF_FOUR_GB, &img, why))
		return util_errf(err, errlen, "%s: %s", path, why);
	if (!img.has_table)
		return util_errf(err, errlen,
				 "%s: no OVMF footer GUID table before the "
				 "reset vector: a variable store or a "
				 "truncated image, not a bootable firmware",
				 path);
	return 0;
}

/*
 * The root file-system image must be an archive the SVSM will unpack:
 * the kernel's own reader (kernel/fs/cpio.c) walks it here, so a file the
 * SVSM would refuse at boot is refused now, before it is measured.
 */
static int check_initfs(const char *path, const uint8_t *a, size_t size,
			char *err, size_t errlen)
{
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why = "";
	size_t entries = 0;
	bool more = true;

	if (!size)
		return util_errf(err, errlen,
				 "%s: the root file-system image is empty",
				 path);
	cpio_iter_init(&it, a, size);
	while (more) {
		if (cpio_next(&it, &e, &more, &why) != SVSM_OK)
			return util_errf(err, errlen,
					 "%s: not a cpio \"newc\" archive "
					 "the SVSM can unpack: %s",
					 path, why);
		entries += more;
	}
	if (!entries)
		return util_errf(err, errlen, "%s: the archive holds no file",
				 path);
	return 0;
}

/* At least one package, every line as provenance.h says. */
static int check_provenance(const char *path, const uint8_t *text, size_t size,
			    char *err, size_t errlen)
{
	struct provenance_entry e[PROVENANCE_MAX_ENTRIES];
	char why[200];
	int n = provenance_parse((const char *)text, size, e, why, sizeof(why));

	if (n < 0)
		return util_errf(err, errlen, "%s: %s", path, why);
	if (n == 0)
		return util_errf(err, errlen, "%s: names no package", path);
	return 0;
}

static int bad(const char *what, const char *arg)
{
	return cmd_usage_error("bad %s '%s'", what, arg);
}

/* Handles one option; 0, or an exit status. */
static int option(int c, struct build_options *o, const char **paths)
{
	uint64_t v = 0;

	switch (c) {
	case 'k':
		paths[0] = optarg;
		return 0;
	case 'o':
		paths[1] = optarg;
		return 0;
	case 'f':
		paths[2] = optarg;
		return 0;
	case 'K':
		paths[3] = optarg;
		return 0;
	case 'r':
		paths[4] = optarg;
		return 0;
	case 'P':
		paths[5] = optarg;
		return 0;
	case 'n':
		o->snp = false;
		return 0;
	case 'R':
		o->restricted_injection = true;
		return 0;
	case 'b':
	case 's':
	case 't':
	case 'p':
		if (util_parse_size(optarg, &v))
			return bad("number", optarg);
		*(c == 'b'   ? &o->region_base
		  : c == 's' ? &o->region_size
		  : c == 't' ? &o->ap_trampoline
			     : &o->policy) = v;
		return 0;
	case 'v':
		if (util_parse_size(optarg, &v) || v > UINT32_MAX)
			return bad("guest SVN", optarg);
		o->guest_svn = (uint32_t)v;
		return 0;
	case 'F':
		return util_parse_hex(optarg, o->family_id, 16)
			       ? bad("family ID (32 hex digits)", optarg)
			       : 0;
	case 'I':
		return util_parse_hex(optarg, o->image_id, 16)
			       ? bad("image ID (32 hex digits)", optarg)
			       : 0;
	case 'h':
		return usage(stdout, 0) + 256; /* stop with status 0 */
	default:
		return usage(stderr, 2);
	}
}

/* One line: what was written, and its SEV-SNP launch digest for 1 vCPU. */
static void report(const char *path, const uint8_t *igvm, size_t size, bool snp)
{
	struct igvm_snp_opts m = {.vcpus = 1};
	uint8_t ld[SNP_LD_SIZE];
	char hex[2 * SNP_LD_SIZE + 1];
	char why[IGVM_SNP_ERR_LEN];

	if (snp && !igvm_snp_measure_buf(igvm, size, &m, ld, why)) {
		util_format_hex(ld, sizeof(ld), hex);
		fprintf(util_report_stream(path),
			"wrote %s: %zu bytes, SEV-SNP launch digest (1 vCPU) "
			"%s\n",
			path, size, hex);
	} else {
		fprintf(util_report_stream(path), "wrote %s: %zu bytes\n", path,
			size);
	}
}

/* The files build reads, owned until free_inputs(). */
struct build_inputs {
	uint8_t *elf, *snp_elf, *fw, *initfs, *prov;
	size_t elf_size;
};

static void free_inputs(struct build_inputs *in)
{
	free(in->elf);
	free(in->snp_elf);
	free(in->fw);
	free(in->initfs);
	free(in->prov);
}

/*
 * Reads and checks the files `paths` names (kernel, -, firmware, SNP
 * kernel, root file-system image, provenance) into *in and o; 0, or -1
 * with err set.
 */
static int load_inputs(const char *const paths[6], struct build_options *o,
		       struct build_inputs *in, char *err, size_t errlen)
{
	char msg[400];
	size_t size = 0;

	in->elf = util_read_file(paths[0], MAX_KERNEL, &in->elf_size, err,
				 errlen);
	if (!in->elf)
		return -1;
	if (paths[3]) {
		in->snp_elf = util_read_file(paths[3], MAX_KERNEL,
					     &o->snp_elf_size, err, errlen);
		if (!in->snp_elf)
			return -1;
		o->snp_elf = in->snp_elf;
	}
	if (paths[2]) {
		in->fw = util_read_file(paths[2], MAX_FIRMWARE, &size, err,
					errlen);
		if (!in->fw ||
		    check_firmware(paths[2], in->fw, size, err, errlen))
			return -1;
		o->fw = in->fw;
		o->fw_size = size;
		if (build_check_options(o, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s: %s", paths[2], msg);
			return -1;
		}
	}
	if (paths[4]) {
		in->initfs = util_read_file(paths[4], MAX_INITFS, &size, err,
					    errlen);
		if (!in->initfs ||
		    check_initfs(paths[4], in->initfs, size, err, errlen))
			return -1;
		o->initfs = in->initfs;
		o->initfs_size = size;
	}
	if (paths[5]) {
		in->prov = util_read_file(paths[5], CSVSM_PROVENANCE_MAX, &size,
					  err, errlen);
		if (!in->prov ||
		    check_provenance(paths[5], in->prov, size, err, errlen))
			return -1;
		o->provenance = (const char *)in->prov;
		o->provenance_size = size;
	}
	return 0;
}

static int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kernel", required_argument, NULL, 'k'},
		{"snp-kernel", required_argument, NULL, 'K'},
		{"output", required_argument, NULL, 'o'},
		{"region-base", required_argument, NULL, 'b'},
		{"region-size", required_argument, NULL, 's'},
		{"ap-trampoline", required_argument, NULL, 't'},
		{"no-snp", no_argument, NULL, 'n'},
		{"firmware", required_argument, NULL, 'f'},
		{"initfs", required_argument, NULL, 'r'},
		{"provenance", required_argument, NULL, 'P'},
		{"policy", required_argument, NULL, 'p'},
		{"restricted-injection", no_argument, NULL, 'R'},
		{"guest-svn", required_argument, NULL, 'v'},
		{"family-id", required_argument, NULL, 'F'},
		{"image-id", required_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct build_options o = {
		.region_base = 16u << 20,
		.region_size = 4u << 20,
		.ap_trampoline = 0x8000,
		.snp = true,
		.policy = BUILD_DEFAULT_POLICY,
	};
	/* kernel, output, firmware, SNP kernel, root file-system image,
	 * provenance */
	const char *paths[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
	struct build_inputs in = {0};
	bool have_policy = false;
	char err[512];
	char msg[400];
	uint8_t *igvm = NULL;
	size_t igvm_size = 0;
	int rc = 1;
	int c;

	while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
		int r = option(c, &o, paths);

		if (r)
			return r >= 256 ? 0 : r;
		have_policy |= c == 'p';
	}
	if (optind != argc)
		return cmd_usage_error("unexpected argument '%s'",
				       argv[optind]);
	if (!paths[0])
		return cmd_usage_error("no kernel (--kernel ELF)");
	if (!paths[1])
		return cmd_usage_error("no output file (-o FILE)");
	if (!o.snp &&
	    (have_policy || paths[2] || paths[3] || o.restricted_injection))
		return cmd_usage_error("--%s applies to the SEV-SNP platform, "
				       "which --no-snp leaves out",
				       have_policy ? "policy"
				       : paths[2]  ? "firmware"
				       : paths[3]  ? "snp-kernel"
						   : "restricted-injection");
	o.fw_size = 0; /* the firmware's own checks come with its file */
	if (build_check_options(&o, err, sizeof(err))) {
		fprintf(stderr, "csvsm-igvm: build: %s\n", err);
		return 2;
	}
	if (load_inputs(paths, &o, &in, err, sizeof(err)))
		goto out;
	/* The options passed: what build_igvm() refuses is the kernel (or
	 * a kernel and archive too large for the region). */
	rc = build_igvm(&o, in.elf, in.elf_size, &igvm, &igvm_size, msg,
			sizeof(msg));
	if (rc)
		snprintf(err, sizeof(err), "%s: %s",
			 paths[3] ? "kernels" : paths[0], msg);
	if (!rc)
		rc = util_write_file(paths[1], igvm, igvm_size, err,
				     sizeof(err));
	if (!rc)
		report(paths[1], igvm, igvm_size, o.snp);
out:
	if (rc)
		fprintf(stderr, "csvsm-igvm: %s\n", err);
	free_inputs(&in);
	free(igvm);
	return rc ? 1 : 0;
}

COMMAND(build, "build", "build csvsm's IGVM file from the kernel ELF",
	cmd_build);
