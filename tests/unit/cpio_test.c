/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the newc cpio reader (kernel/fs/cpio.c) that the root
 * file system of tasks is read with: an archive as user/mkcpio.py writes it
 * is walked in order and searched by name, and each malformation is refused
 * with a reason: bad magic, a non-hex field, name sizes of 0, beyond the
 * archive or disagreeing with the NUL, data beyond the archive, a missing
 * trailer, and every truncation.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svsm/cpio.h"

#include "test.h"

struct archive {
	uint8_t b[1024];
	size_t n;
};

static void pad4(struct archive *a)
{
	while (a->n % 4)
		a->b[a->n++] = 0;
}

static void add(struct archive *a, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1;
	size_t dl = strlen(data);
	char hdr[160];

	snprintf(hdr, sizeof(hdr),
		 "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
		 1u, 0100755u, 0u, 0u, 1u, 0u, dl & 0xffffffffu, 0u, 0u, 0u, 0u,
		 nl & 0xffffffffu, 0u);
	memcpy(a->b + a->n, hdr, 110);
	a->n += 110;
	memcpy(a->b + a->n, name, nl);
	a->n += nl;
	pad4(a);
	memcpy(a->b + a->n, data, dl);
	a->n += dl;
	pad4(a);
}

static void make(struct archive *a)
{
	memset(a, 0, sizeof(*a));
	add(a, "bin/hello", "ELF bytes");
	add(a, "expected/hello", "hello\n");
	add(a, "TRAILER!!!", "");
}

TEST(cpio, walk_and_find)
{
	struct archive a;
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why;
	bool more;
	bool found;

	make(&a);
	cpio_iter_init(&it, a.b, a.n);
	ASSERT_EQ(cpio_next(&it, &e, &more, &why), SVSM_OK);
	ASSERT_TRUE(more);
	EXPECT_EQ(strcmp(e.name, "bin/hello"), 0);
	EXPECT_EQ(e.size, 9u);
	EXPECT_EQ(memcmp(e.data, "ELF bytes", 9), 0);
	EXPECT_EQ(e.mode, 0100755u);
	ASSERT_EQ(cpio_next(&it, &e, &more, &why), SVSM_OK);
	ASSERT_TRUE(more);
	EXPECT_EQ(strcmp(e.name, "expected/hello"), 0);
	ASSERT_EQ(cpio_next(&it, &e, &more, &why), SVSM_OK);
	EXPECT_FALSE(more);
	/* After the trailer, the walk stays at its end. */
	ASSERT_EQ(cpio_next(&it, &e, &more, &why), SVSM_OK);
	EXPECT_FALSE(more);

	ASSERT_EQ(cpio_find(a.b, a.n, "expected/hello", &e, &found, &why),
		  SVSM_OK);
	ASSERT_TRUE(found);
	EXPECT_EQ(memcmp(e.data, "hello\n", 6), 0);
	ASSERT_EQ(cpio_find(a.b, a.n, "bin/none", &e, &found, &why), SVSM_OK);
	EXPECT_FALSE(found);
	/* The trailer is not a file. */
	ASSERT_EQ(cpio_find(a.b, a.n, "TRAILER!!!", &e, &found, &why), SVSM_OK);
	EXPECT_FALSE(found);
}

static bool refused(const struct archive *a, size_t n, const char *reason)
{
	struct cpio_entry e;
	const char *why = NULL;
	bool found;

	REQUIRE_EQ(cpio_find(a->b, n, "none", &e, &found, &why), SVSM_E_INVAL);
	REQUIRE_TRUE(why && strstr(why, reason));
	return true;
}

TEST(cpio, malformed_refused)
{
	struct archive a;

	make(&a);
	a.b[5] = '2'; /* 070702: the CRC variant */
	EXPECT_TRUE(refused(&a, a.n, "magic"));
	make(&a);
	a.b[6 + 8 * 6 + 3] = 'g'; /* filesize field */
	EXPECT_TRUE(refused(&a, a.n, "hexadecimal"));
	make(&a);
	memcpy(a.b + 6 + 8 * 11, "00000000", 8); /* namesize 0 */
	EXPECT_TRUE(refused(&a, a.n, "name size"));
	make(&a);
	memcpy(a.b + 6 + 8 * 11, "0000ffff", 8);
	EXPECT_TRUE(refused(&a, a.n, "name size"));
	make(&a);
	memcpy(a.b + 6 + 8 * 11, "00000005", 8); /* "bin/h" without NUL */
	EXPECT_TRUE(refused(&a, a.n, "NUL"));
	make(&a);
	memcpy(a.b + 6 + 8 * 11, "00000300", 8); /* runs past the end */
	EXPECT_TRUE(refused(&a, a.n, "name outside"));
	make(&a);
	memcpy(a.b + 6 + 8 * 6, "7fffffff", 8); /* file size */
	EXPECT_TRUE(refused(&a, a.n, "data outside"));
	make(&a);
	memcpy(a.b + 6 + 8 * 6, "ffffffff", 8);
	EXPECT_TRUE(refused(&a, a.n, "data outside"));
}

TEST(cpio, missing_trailer_and_truncation_refused)
{
	struct archive a;

	memset(&a, 0, sizeof(a));
	add(&a, "bin/hello", "x");
	EXPECT_TRUE(refused(&a, a.n, "truncated"));
	make(&a);
	for (size_t n = 0; n < a.n; n++) {
		struct cpio_entry e;
		const char *why;
		bool found;

		/* Every cut fails, or ends after the last file is found. */
		ASSERT_EQ(cpio_find(a.b, n, "none", &e, &found, &why),
			  SVSM_E_INVAL);
	}
}
