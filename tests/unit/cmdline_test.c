/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/core/cmdline.c: cmdline_has() finds whole flag words
 * and cmdline_get() copies the value of a key=value word. Covered: words at
 * the start, middle and end; runs of spaces and leading/trailing spaces;
 * prefixes and suffixes that must not match ("exit_on_ready2",
 * "loglevelx=1", a key that only appears inside a value); a flag is not a
 * key and a key is not a flag; empty values; values that exactly fit, or do
 * not fit, the caller's buffer (false, no write past len); len 0; and the
 * empty command line.
 */
#include <stdbool.h>
#include <string.h>

#include "svsm/boot.h"

#include "test.h"

TEST(cmdline, has_finds_whole_words)
{
	const char *c = "exit_on_ready loglevel=50 quiet";

	EXPECT_TRUE(cmdline_has(c, "exit_on_ready"));
	EXPECT_TRUE(cmdline_has(c, "quiet"));
	EXPECT_TRUE(cmdline_has("quiet", "quiet"));
	EXPECT_FALSE(cmdline_has(c, "verbose"));
}

TEST(cmdline, has_rejects_prefixes_and_suffixes)
{
	EXPECT_FALSE(cmdline_has("exit_on_ready2", "exit_on_ready"));
	EXPECT_FALSE(cmdline_has("exit_on_ready2 foo", "exit_on_ready"));
	EXPECT_FALSE(cmdline_has("xexit_on_ready", "exit_on_ready"));
	EXPECT_FALSE(cmdline_has("exit_on", "exit_on_ready"));
	EXPECT_FALSE(cmdline_has("exit_on_rea", "exit_on_ready"));
	EXPECT_FALSE(cmdline_has("a=exit_on_ready", "exit_on_ready"));
	EXPECT_TRUE(
		cmdline_has("exit_on_ready2 exit_on_ready", "exit_on_ready"));
}

TEST(cmdline, has_ignores_key_value_words)
{
	/* "loglevel=50" holds the key loglevel, not the flag loglevel. */
	EXPECT_FALSE(cmdline_has("loglevel=50", "loglevel"));
	EXPECT_FALSE(cmdline_has("loglevel=", "loglevel"));
	EXPECT_TRUE(cmdline_has("loglevel=50 loglevel", "loglevel"));
}

TEST(cmdline, has_with_spaces)
{
	EXPECT_TRUE(cmdline_has("   quiet", "quiet"));
	EXPECT_TRUE(cmdline_has("quiet   ", "quiet"));
	EXPECT_TRUE(cmdline_has("a    b     quiet   c", "quiet"));
	EXPECT_TRUE(cmdline_has("a    b     quiet   c", "c"));
	EXPECT_FALSE(cmdline_has("    ", "quiet"));
}

TEST(cmdline, empty_command_line)
{
	char buf[8] = "keep";

	EXPECT_FALSE(cmdline_has("", "quiet"));
	EXPECT_FALSE(cmdline_get("", "loglevel", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "keep") == 0);
}

TEST(cmdline, get_value)
{
	char buf[16];

	ASSERT_TRUE(cmdline_get("loglevel=50", "loglevel", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "50") == 0);
	ASSERT_TRUE(cmdline_get("quiet loglevel=7 exit_on_ready", "loglevel",
				buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "7") == 0);
	ASSERT_TRUE(cmdline_get("a=1 b=22 c=333", "c", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "333") == 0);
	ASSERT_TRUE(cmdline_get("a=1 b=22 c=333", "b", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "22") == 0);
	/* The value ends at the first space, not at the end of the line. */
	ASSERT_TRUE(cmdline_get("k=v    rest", "k", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "v") == 0);
	/* Everything after the first '=' is the value, '=' included. */
	ASSERT_TRUE(cmdline_get("k=a=b", "k", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "a=b") == 0);
}

TEST(cmdline, get_with_spaces)
{
	char buf[16];

	ASSERT_TRUE(cmdline_get("   x  loglevel=9   ", "loglevel", buf,
				sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "9") == 0);
}

TEST(cmdline, get_empty_value)
{
	char buf[4];

	memset(buf, 'X', sizeof(buf));
	ASSERT_TRUE(
		cmdline_get("loglevel= quiet", "loglevel", buf, sizeof(buf)));
	EXPECT_EQ(buf[0], '\0');
}

TEST(cmdline, get_rejects_prefixes)
{
	char buf[16] = "keep";

	EXPECT_FALSE(cmdline_get("loglevelx=1", "loglevel", buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_get("xloglevel=1", "loglevel", buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_get("log=1", "loglevel", buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_get("a=loglevel=1", "loglevel", buf, sizeof(buf)));
	/* A flag word is not a key. */
	EXPECT_FALSE(cmdline_get("loglevel", "loglevel", buf, sizeof(buf)));
	EXPECT_FALSE(
		cmdline_get("loglevel quiet", "loglevel", buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "keep") == 0);
	/* The real key after a near miss is still found. */
	ASSERT_TRUE(cmdline_get("loglevelx=1 loglevel=2", "loglevel", buf,
				sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "2") == 0);
}

TEST(cmdline, get_value_exactly_fits)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	/* 3 characters and the NUL fit a 4-byte buffer. */
	ASSERT_TRUE(cmdline_get("k=abc z", "k", buf, 4));
	EXPECT_TRUE(strcmp(buf, "abc") == 0);
	EXPECT_EQ(buf[4], 'X');
}

TEST(cmdline, get_value_too_long)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	/* 4 characters need 5 bytes: false, and nothing past len written. */
	EXPECT_FALSE(cmdline_get("k=abcd", "k", buf, 4));
	EXPECT_EQ(buf[4], 'X');
	EXPECT_FALSE(cmdline_get("k=abcdefghijklmnop", "k", buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 'X');
}

TEST(cmdline, get_len_zero)
{
	char buf[4] = {'X', 'X', 'X', 'X'};

	EXPECT_FALSE(cmdline_get("k=v", "k", buf, 0));
	EXPECT_FALSE(cmdline_get("k=", "k", buf, 0));
	EXPECT_EQ(buf[0], 'X');
	/* len 1 holds only the NUL: an empty value fits, "v" does not. */
	EXPECT_FALSE(cmdline_get("k=v", "k", buf, 1));
	ASSERT_TRUE(cmdline_get("k=", "k", buf, 1));
	EXPECT_EQ(buf[0], '\0');
}

TEST(cmdline, get_absent)
{
	char buf[8];

	EXPECT_FALSE(cmdline_get("quiet exit_on_ready", "loglevel", buf,
				 sizeof(buf)));
	EXPECT_FALSE(cmdline_get("   ", "loglevel", buf, sizeof(buf)));
}

/* start=: comma-separated names, each copied whole or not at all. */
TEST(cmdline, start_items)
{
	const char *c = "loglevel=30 start=vtpm,/bin/hello exit_on_ready";
	char buf[16];

	EXPECT_TRUE(cmdline_start_item(c, 0, buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "vtpm") == 0);
	EXPECT_TRUE(cmdline_start_item(c, 1, buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "/bin/hello") == 0);
	EXPECT_FALSE(cmdline_start_item(c, 2, buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_start_item(c, 1, buf, 10)); /* 10 + NUL */
	EXPECT_FALSE(cmdline_start_item("start=a,,b", 1, buf, sizeof(buf)));
	EXPECT_TRUE(cmdline_start_item("start=a,,b", 2, buf, sizeof(buf)));
	EXPECT_TRUE(strcmp(buf, "b") == 0);
	EXPECT_FALSE(cmdline_start_item("start=", 0, buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_start_item("quiet", 0, buf, sizeof(buf)));
	EXPECT_FALSE(cmdline_start_item("start=a,", 1, buf, sizeof(buf)));
}
