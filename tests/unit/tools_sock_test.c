/* SPDX-License-Identifier: MIT */
/*
 * The daemons' shared socket and argument helpers (tools/common/util.c,
 * used by csvsm-aproxy and csvsm-vsockd): a Unix socket that listens,
 * replaces a stale socket file and accepts a connection; a path too long
 * for sun_path and a missing listener refused; operands after the
 * options refused with exit status 2.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

static void sock_path(char *buf, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/csvsm-sock-%d-%s", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid(), name);
}

TEST(tools_sock, listen_replaces_a_stale_socket_and_accepts)
{
	char path[PATH_MAX];
	int l1, l2, c, a;

	sock_path(path, sizeof(path), "a");
	l1 = util_listen_unix("test", path, 4);
	ASSERT_TRUE(l1 >= 0);
	close(l1); /* the socket file stays: a stale one */
	l2 = util_listen_unix("test", path, 4);
	ASSERT_TRUE(l2 >= 0);
	c = util_connect_unix("test", path);
	ASSERT_TRUE(c >= 0);
	a = accept(l2, NULL, NULL);
	EXPECT_TRUE(a >= 0);
	EXPECT_EQ(write(c, "x", 1), 1);
	if (a >= 0) {
		char got = 0;

		EXPECT_EQ(read(a, &got, 1), 1);
		EXPECT_EQ(got, 'x');
		close(a);
	}
	close(c);
	close(l2);
	unlink(path);
	/* Nothing listens any more. */
	EXPECT_EQ(util_connect_unix("test", path), -1);
}

TEST(tools_sock, a_path_longer_than_sun_path_is_refused)
{
	char path[200];

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	EXPECT_EQ(util_listen_unix("test", path, 4), -1);
	EXPECT_EQ(util_connect_unix("test", path), -1);
}

TEST(tools_sock, operands_after_the_options_are_refused)
{
	char prog[] = "prog", opt[] = "--x", stray[] = "stray";
	char *argv[] = {prog, opt, stray, NULL};

	EXPECT_EQ(util_daemon_args_done("prog", 3, argv, 2), 2);
	EXPECT_EQ(util_daemon_args_done("prog", 3, argv, 3), 0);
}
