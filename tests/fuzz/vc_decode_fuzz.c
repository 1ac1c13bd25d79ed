/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the #VC instruction decoder
 * (kernel/plat/snp/vc_decode.c). The first byte picks the exit code (the
 * three csvsm emulates, or any other), the rest are the instruction bytes
 * in a buffer of exactly their size, so ASan sees any read past them.
 * Checked: a decoded instruction is 1..15 bytes and within the buffer, is
 * of the exit's kind with a sane operand size, and decodes the same from
 * exactly its own bytes (the decoder never needed the bytes after it),
 * while one byte fewer never decodes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snp/vc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static const uint64_t exits[4] = {VC_EXIT_CPUID, VC_EXIT_IOIO, VC_EXIT_MSR,
				  0x404};

static bool kind_fits(uint64_t exit, const struct vc_insn *d)
{
	switch (d->kind) {
	case VC_INSN_CPUID:
		return exit == VC_EXIT_CPUID;
	case VC_INSN_RDMSR:
	case VC_INSN_WRMSR:
		return exit == VC_EXIT_MSR;
	case VC_INSN_IN:
	case VC_INSN_OUT:
		return exit == VC_EXIT_IOIO &&
		       (d->size == 1 || d->size == 2 || d->size == 4) &&
		       (d->addr_size == 4 || d->addr_size == 8);
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t exit;
	uint8_t *bytes;
	size_t n;
	struct vc_insn d;
	struct vc_insn again;

	if (size < 1)
		return 0;
	exit = (data[0] & 0x80) ? data[0] : exits[data[0] & 3];
	n = size - 1;
	bytes = malloc(n ? n : 1);
	EXPECT(bytes);
	memcpy(bytes, data + 1, n);
	if (vc_decode(exit, bytes, n, &d) == SVSM_OK) {
		EXPECT(d.len >= 1 && d.len <= VC_INSN_MAX && d.len <= n);
		EXPECT(kind_fits(exit, &d));
		EXPECT(vc_decode(exit, bytes, d.len, &again) == SVSM_OK);
		EXPECT(memcmp(&d, &again, sizeof(d)) == 0);
		EXPECT(vc_decode(exit, bytes, d.len - 1u, &again) != SVSM_OK);
	}
	free(bytes);
	return 0;
}
