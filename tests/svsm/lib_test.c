/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the freestanding library as the kernel build compiles
 * it (no SSE, -fno-builtin): formatting, string functions, command line.
 */
#include "svsm/boot.h"

#include "lib/format.h"
#include "lib/string.h"
#include "test.h"

TEST(format, integers_and_padding)
{
	char buf[64];

	ASSERT_EQ(fmt_snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%016llx", -42, 7u,
			       0xabu, 0x1234ull),
		  31);
	ASSERT_EQ(strcmp(buf, "-42|    7|ab  |0000000000001234"), 0);
}

TEST(format, truncates_and_terminates)
{
	char buf[8];

	ASSERT_EQ(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	ASSERT_EQ(strcmp(buf, "0123456"), 0);
}

TEST(string, memmove_overlap)
{
	char b[] = "abcdefgh";

	memmove(b + 2, b, 5);
	ASSERT_EQ(memcmp(b, "ababcdeh", 8), 0);
	memmove(b, b + 3, 4);
	ASSERT_EQ(memcmp(b, "bcdecdeh", 8), 0);
}

TEST(cmdline, words_and_values)
{
	char v[8];

	ASSERT_TRUE(cmdline_has("a exit_on_ready b=1", "exit_on_ready"));
	ASSERT_FALSE(cmdline_has("exit_on_ready2", "exit_on_ready"));
	ASSERT_TRUE(cmdline_get("x loglevel=50 y", "loglevel", v, sizeof(v)));
	ASSERT_EQ(strcmp(v, "50"), 0);
	ASSERT_FALSE(
		cmdline_get("loglevel=123456789", "loglevel", v, sizeof(v)));
}
