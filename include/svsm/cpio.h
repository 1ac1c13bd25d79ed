/* SPDX-License-Identifier: MIT */
/*
 * Reading a cpio "newc" archive, the root file-system image the SVSM's
 * tasks come from (kernel/fs/cpio.c). Plain C over the archive's bytes: it
 * also runs in the hosted tests and the fuzzer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	uint32_t mode;
	const uint8_t *data;
	size_t size;
};

/* A walk through an archive (cpio_iter_init, then cpio_next). */
struct cpio_iter {
	const uint8_t *archive;
	size_t size;
	size_t pos;
	bool done; /* the trailer was reached */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);
/*
 * The next entry in *out with *more true, or *more false at the trailer.
 * SVSM_E_INVAL for a malformed archive, with *why saying what is wrong.
 */
enum svsm_err __must_check cpio_next(struct cpio_iter *it,
				     struct cpio_entry *out, bool *more,
				     const char **why);
/* Finds `name`; SVSM_E_INVAL if the archive is malformed before it. */
enum svsm_err __must_check cpio_find(const void *archive, size_t size,
				     const char *name, struct cpio_entry *out,
				     bool *found, const char **why);
