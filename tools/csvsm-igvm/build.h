/* SPDX-License-Identifier: MIT */
/* Building csvsm's IGVM file from the kernel ELF (see build.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct build_options {
	uint64_t region_base; /* SVSM static region, 2 MiB aligned */
	uint64_t region_size;
	uint64_t ap_trampoline; /* native AP start page, below 1 MiB */
};

/* Builds the IGVM file into *out (malloc'ed); -1 with a message in err. */
int build_native(const struct build_options *o, const uint8_t *elf,
		 size_t elf_size, uint8_t **out, size_t *out_len, char *err,
		 size_t errlen);
