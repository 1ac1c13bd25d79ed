/* SPDX-License-Identifier: MIT */
/*
 * csvsm-snp-measure: reads the files, runs the measurement of the selected
 * mode on libmeasure and prints it as sev-snp-measure 0.0.13 does: the
 * digest in lowercase hex or base64 on one line, prefixed with
 * "Calculated <MODE> guest measurement: " under --verbose; `snp:ovmf-hash`
 * always prints bare hex. The SNP modes are ovmf.c's flows; SEV and SEV-ES
 * (sev-snp-measure 0.0.13, sevsnpmeasure/guest.py) are a SHA-256 over the
 * image, the hashes table and, for
 * SEV-ES, the VMSAs (built with sev_features 0, as sev-snp-measure does).
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ovmf.h"
#include "progress.h"
#include "snp.h"
#include "util.h"

#define MAX_IMAGE (4ull << 30) /* an image ends at 4 GiB */
#define ERR_LEN	  512

struct dump_state {
	char err[ERR_LEN];
};

/* --dump-vmsa: vmsa<N>.bin in the current directory, like the original. */
static int dump_vmsa(void *arg, unsigned int vcpu,
		     const uint8_t page[VMSA_SIZE])
{
	struct dump_state *d = arg;
	char name[32];

	snprintf(name, sizeof(name), "vmsa%u.bin", vcpu);
	return util_write_file(name, page, VMSA_SIZE, d->err, sizeof(d->err));
}

static uint8_t *read_input(const char *path, size_t *size, char *err)
{
	return util_read_file(path, MAX_IMAGE, size, err, ERR_LEN);
}

static int sha256_file(const char *path, uint8_t out[SNP_HASH256_SIZE])
{
	static uint8_t buf[1 << 20];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	int rc = CLI_EXIT_FAIL;
	struct stat st;
	size_t n;

	if (!f || fstat(fileno(f), &st)) {
		cli_fail(CLI_EXIT_FAIL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_fail(CLI_EXIT_FAIL, "%s: is a folder, not a file", path);
		goto out;
	}
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto crypto;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (EVP_DigestUpdate(ctx, buf, n) != 1)
			goto crypto;
	if (ferror(f)) {
		cli_fail(CLI_EXIT_FAIL, "%s: read error", path);
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto crypto;
	rc = 0;
	goto out;
crypto:
	cli_fail(CLI_EXIT_FAIL, "%s: SHA-256 failed", path);
out:
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* sev_hashes.py: kernel, initrd (empty if none), cmdline + NUL ("\0"). */
static int kernel_hashes(const struct cli_args *a, struct ovmf_sev_hashes *h)
{
	const char *cmdline = a->append && *a->append ? a->append : "";

	if (sha256_file(a->kernel, h->kernel))
		return CLI_EXIT_FAIL;
	if (a->initrd && *a->initrd) {
		if (sha256_file(a->initrd, h->initrd))
			return CLI_EXIT_FAIL;
	} else if (snp_sha256("", 0, h->initrd)) {
		return cli_fail(CLI_EXIT_FAIL, "SHA-256 failed");
	}
	if (snp_sha256(cmdline, strlen(cmdline) + 1, h->cmdline))
		return cli_fail(CLI_EXIT_FAIL, "SHA-256 failed");
	return 0;
}

static void print_measurement(const struct cli_args *a, const uint8_t *d,
			      size_t len)
{
	static const char *const names[] = {
		[CLI_MODE_SEV] = "SEV",
		[CLI_MODE_SEVES] = "SEV_ES",
		[CLI_MODE_SNP] = "SEV_SNP",
		[CLI_MODE_SNP_OVMF_HASH] = "SEV_SNP",
		[CLI_MODE_SNP_SVSM] = "SEV_SNP_SVSM",
	};
	char text[2 * SNP_LD_SIZE + 1];

	if (a->base64)
		EVP_EncodeBlock((unsigned char *)text, d, (int)len);
	else
		util_format_hex(d, len, text);
	if (a->verbose)
		printf("Calculated %s guest measurement: %s\n", names[a->mode],
		       text);
	else
		printf("%s\n", text);
}

/*
 * sev-snp-measure 0.0.13, sevsnpmeasure/guest.py: SHA-256(image [+ hashes
 * table] [+ VMSAs for SEV-ES]).
 */
static int sev_digest(const struct cli_args *a, const struct ovmf_image *img,
		      const struct ovmf_sev_hashes *h, struct dump_state *d,
		      uint8_t out[SNP_HASH256_SIZE], char *err)
{
	uint8_t table[OVMF_SEV_HASH_TABLE_PADDED];
	uint8_t bsp[VMSA_SIZE], ap[VMSA_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool es = a->mode == CLI_MODE_SEVES;
	uint32_t eip = 0;
	int rc = -1;

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, img->data, img->size) != 1)
		goto crypto;
	if (h && !ovmf_sev_hashes_supported(img)) {
		snprintf(
			err, ERR_LEN,
			"a kernel is given but the OVMF image does not support kernel/initrd/cmdline measurement");
		goto out;
	}
	ovmf_sev_hash_table_build(h ? h : &(struct ovmf_sev_hashes){0}, table);
	if (h && EVP_DigestUpdate(ctx, table, sizeof(table)) != 1)
		goto crypto;
	if (es && ovmf_sev_es_reset_eip(img, &eip, err))
		goto out;
	if (es && a->vcpus > 1 && !eip) {
		snprintf(err, ERR_LEN,
			 "the SEV-ES reset block gives AP entry point 0");
		goto out;
	}
	if (es && (vmsa_build(bsp, a->vmm, VMSA_BSP_EIP, a->vcpu_sig, 0) ||
		   vmsa_build(ap, a->vmm, eip, a->vcpu_sig, 0))) {
		snprintf(err, ERR_LEN, "unknown VMM type");
		goto out;
	}
	for (unsigned int i = 0; es && i < a->vcpus; i++) {
		const uint8_t *page = i ? ap : bsp;

		if (a->dump_vmsa && dump_vmsa(d, i, page)) {
			snprintf(err, ERR_LEN, "%s", d->err);
			goto out;
		}
		if (EVP_DigestUpdate(ctx, page, VMSA_SIZE) != 1)
			goto crypto;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto crypto;
	rc = 0;
	goto out;
crypto:
	snprintf(err, ERR_LEN, "SHA-256 failed");
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* snp:svsm: the SVSM binary sits right below the OVMF_VARS area. */
static int svsm_digest(const struct cli_args *a, const struct ovmf_image *ovmf,
		       const struct ovmf_snp_opts *o, uint8_t ld[SNP_LD_SIZE])
{
	char err[ERR_LEN];
	struct ovmf_image svsm;
	uint64_t vars = a->vars_size;
	struct stat st;
	uint8_t *buf;
	size_t size = 0;
	int rc;

	if (a->vars_file) {
		if (stat(a->vars_file, &st))
			return cli_fail(CLI_EXIT_FAIL, "%s: %s", a->vars_file,
					strerror(errno));
		vars = (uint64_t)st.st_size;
	}
	if ((vars & SNP_PAGE_MASK) || vars > ovmf->gpa)
		return cli_fail(
			CLI_EXIT_FAIL,
			"OVMF_VARS size %llu is not a multiple of 4096 below the OVMF image",
			(unsigned long long)vars);
	buf = read_input(a->svsm, &size, err);
	if (!buf)
		return cli_fail(CLI_EXIT_FAIL, "%s", err);
	rc = ovmf_parse(buf, size, ovmf->gpa - vars, &svsm, err) ||
	     ovmf_snp_svsm_measure(ovmf, &svsm, o, ld, err);
	if (rc)
		cli_fail(CLI_EXIT_FAIL, "%s: %s", a->svsm, err);
	free(buf);
	return rc ? CLI_EXIT_FAIL : 0;
}

static int measure(const struct cli_args *a, const struct ovmf_image *img)
{
	struct dump_state d = {{0}};
	struct ovmf_sev_hashes h;
	struct util_progress progress;
	struct ovmf_snp_opts o = {
		.vmm = a->vmm,
		.vcpus = a->vcpus,
		.vcpu_sig = a->vcpu_sig,
		.guest_features = a->guest_features,
		.ovmf_hash = a->have_ovmf_hash ? a->ovmf_hash : NULL,
		.vmsa_out = a->dump_vmsa ? dump_vmsa : NULL,
		.vmsa_arg = &d,
		.progress = {.fn = util_progress_pages, .arg = &progress},
	};
	uint8_t digest[SNP_LD_SIZE];
	size_t len = SNP_LD_SIZE;
	char err[ERR_LEN] = "";
	bool kernel = a->kernel && *a->kernel;
	int rc = 0;

	if (kernel && kernel_hashes(a, &h))
		return CLI_EXIT_FAIL;
	util_progress_init(&progress, a->ovmf, img->size);
	o.hashes = kernel ? &h : NULL;
	switch (a->mode) {
	case CLI_MODE_SNP:
		rc = ovmf_snp_measure(img, &o, digest, err);
		break;
	case CLI_MODE_SNP_SVSM:
		o.guest_features = 0x1; /* sev-snp-measure: always SNPActive */
		if (svsm_digest(a, img, &o, digest))
			return CLI_EXIT_FAIL;
		break;
	default:
		len = SNP_HASH256_SIZE;
		rc = sev_digest(a, img, o.hashes, &d, digest, err);
		break;
	}
	util_progress_done(&progress);
	if (rc)
		return cli_fail(CLI_EXIT_FAIL, "%s: %s",
				d.err[0] ? "--dump-vmsa" : a->ovmf,
				d.err[0] ? d.err : err);
	print_measurement(a, digest, len);
	return fflush(stdout)
		       ? cli_fail(CLI_EXIT_FAIL, "cannot write the output")
		       : 0;
}

int cli_run(const struct cli_args *a)
{
	char err[ERR_LEN];
	struct ovmf_image img;
	uint8_t ld[SNP_LD_SIZE], *buf;
	size_t size = 0;
	int rc = CLI_EXIT_FAIL;

	buf = read_input(a->ovmf, &size, err);
	if (!buf)
		return cli_fail(CLI_EXIT_FAIL, "%s", err);
	if (ovmf_parse(buf, size, OVMF_FOUR_GB, &img, err)) {
		cli_fail(CLI_EXIT_FAIL, "%s: %s", a->ovmf, err);
	} else if (a->mode == CLI_MODE_SNP_OVMF_HASH) {
		if (ovmf_snp_ovmf_hash(&img, 0, ld, err)) {
			cli_fail(CLI_EXIT_FAIL, "%s: %s", a->ovmf, err);
		} else {
			util_format_hex(ld, sizeof(ld), err);
			printf("%s\n", err);
			rc = fflush(stdout) ? CLI_EXIT_FAIL : 0;
		}
	} else {
		rc = measure(a, &img);
	}
	free(buf);
	return rc;
}
