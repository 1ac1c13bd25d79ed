/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the newc cpio reader (kernel/fs/cpio.c): walking
 * any input ends (each step advances), and every entry it returns lies
 * inside the input with a name NUL-terminated inside it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	bool more = true;
	size_t steps = 0;

	cpio_iter_init(&it, data, size);
	while (more) {
		struct cpio_entry e;
		const char *why = NULL;
		size_t before = it.pos;

		if (cpio_next(&it, &e, &more, &why) != SVSM_OK) {
			EXPECT(why && why[0]);
			break;
		}
		if (!more)
			break;
		EXPECT(it.pos > before);
		EXPECT((const uint8_t *)e.name > data &&
		       (const uint8_t *)e.name < data + size);
		EXPECT(memchr(e.name, 0,
			      size - (size_t)((const uint8_t *)e.name - data)));
		EXPECT(e.data >= data && e.size <= size &&
		       (size_t)(e.data - data) <= size - e.size);
		EXPECT(++steps <= size / 110);
	}
	return 0;
}
