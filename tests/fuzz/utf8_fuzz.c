/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for utf8_valid() and str_from_untrusted() (lib/str.c).
 * utf8_valid() follows the byte ranges of Unicode Table 3-7; the model here
 * is the other classic formulation: decode each sequence by its lead-byte
 * bit pattern, then refuse overlong forms (value below the minimum for
 * its length), surrogates and values above U+10FFFF. The two must agree on
 * every input and on the input shifted by one byte (to start mid-sequence).
 * str_from_untrusted() must accept exactly the valid, NUL-free inputs that
 * fit its bound, copy them byte for byte, and leak nothing.
 *
 * Build and run (the heap runs on fake physical memory):
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -Iinclude -Ikernel/arch/fake \
 *     lib/str.c lib/format.c kernel/mm/pgalloc.c kernel/mm/heap.c \
 *     kernel/arch/fake/fake_*.c kernel/core/log.c tests/fuzz/utf8_fuzz.c \
 *     -o utf8_fuzz
 *   ./utf8_fuzz -max_total_time=60
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "fake/fake.h"
#include "lib/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static bool model_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp = s[i];
		uint32_t min;
		size_t extra;

		if (cp < 0x80) {
			i++;
			continue;
		}
		if ((cp & 0xe0) == 0xc0) {
			extra = 1;
			cp &= 0x1f;
			min = 0x80;
		} else if ((cp & 0xf0) == 0xe0) {
			extra = 2;
			cp &= 0x0f;
			min = 0x800;
		} else if ((cp & 0xf8) == 0xf0) {
			extra = 3;
			cp &= 0x07;
			min = 0x10000;
		} else {
			return false; /* continuation byte or 0xf8..0xff */
		}
		if (i + extra >= n)
			return false;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += 1 + extra;
	}
	return true;
}

static void heap_setup(void)
{
	static bool done;
	uint64_t base;

	if (done)
		return;
	base = fake_mm_init(4u << 20);
	EXPECT(pgalloc_init(pa_init(base), 4u << 20) == SVSM_OK);
	heap_init(0x5eed);
	done = true;
}

static void check_from_untrusted(const uint8_t *data, size_t size, bool valid)
{
	struct str s;
	struct heap_stats st;
	bool ok = valid && memchr(data, 0, size) == NULL;

	EXPECT(size <= STR_MAX_LIMIT);
	EXPECT(str_from_untrusted(&s, data, size, size) ==
	       (ok ? SVSM_OK : SVSM_E_INVAL));
	if (ok) {
		EXPECT(str_len(&s) == size);
		EXPECT(memcmp(str_cstr(&s), data, size) == 0);
		EXPECT(str_cstr(&s)[size] == '\0');
		EXPECT(str_append(&s, "x", 1) == SVSM_E_INVAL);
		str_free(&s);
	}
	/* One byte short of the input: always refused, never partly kept. */
	if (size) {
		s.buf = (char *)&s;
		EXPECT(str_from_untrusted(&s, data, size, size - 1) ==
		       SVSM_E_INVAL);
		EXPECT(s.buf == (char *)&s);
	}
	heap_get_stats(&st);
	EXPECT(st.live_objects == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool valid = model_valid(data, size);

	heap_setup();
	EXPECT(utf8_valid(data, size) == valid);
	if (size)
		EXPECT(utf8_valid(data + 1, size - 1) ==
		       model_valid(data + 1, size - 1));
	check_from_untrusted(data, size, valid);
	return 0;
}
