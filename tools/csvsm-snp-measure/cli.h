/* SPDX-License-Identifier: MIT */
/*
 * csvsm-snp-measure: the options of virtee/sev-snp-measure 0.0.13 once
 * parsed and checked (main.c), and the measurements they select (run.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "vmsa.h"

#define CLI_PROG    "csvsm-snp-measure"
#define CLI_VERSION "0.0.13" /* the sev-snp-measure release it follows */

/* Exit statuses: argparse uses 2 for usage errors. */
#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

enum cli_mode {
	CLI_MODE_SEV,
	CLI_MODE_SEVES,
	CLI_MODE_SNP,
	CLI_MODE_SNP_OVMF_HASH,
	CLI_MODE_SNP_SVSM,
};

struct cli_args {
	enum cli_mode mode;
	const char *mode_name; /* as given, for messages */
	bool verbose;
	unsigned int vcpus;
	uint64_t vcpu_sig; /* resolved from type, sig or family */
	enum vmsa_vmm_type vmm;
	const char *ovmf;
	const char *kernel; /* NULL or "" = none */
	const char *initrd;
	const char *append;
	uint64_t guest_features;
	bool base64;
	bool have_ovmf_hash;
	uint8_t ovmf_hash[48];
	bool dump_vmsa;
	const char *svsm;
	const char *vars_file;
	uint64_t vars_size;
};

/* Prints "csvsm-snp-measure: <msg>" on stderr; returns status. */
int cli_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Runs the measurement and prints it; returns the exit status. */
int cli_run(const struct cli_args *a);
