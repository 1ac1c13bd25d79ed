/* SPDX-License-Identifier: MIT */
/*
 * `sign`'s rebuild of an IGVM file with an added SNP_ID_BLOCK (sign_rebuild.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/igvm.h"

#include "igvm.h"

#define SIGN_ERR_LEN 512

/*
 * Refuses a file with headers of unknown optional types: igvm_parse()
 * skips them, so a rebuilt file would silently lose them. 0, or -1 with a
 * message naming the file.
 */
int sign_check_all_listed(const struct igvm_file *f, const char *name,
			  char *err);

/*
 * The input's headers, then the directive d, written through the builder
 * and checked against the input; *out is malloc'ed. 0, or -1 with a
 * message in err (SIGN_ERR_LEN bytes).
 */
int sign_rebuild(const struct igvm_file *in,
		 const struct igvm_vhs_snp_id_block *d, uint8_t **out,
		 size_t *out_len, char *err);
