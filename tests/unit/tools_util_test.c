/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the tools' file helpers (tools/common/util.c), under the
 * sanitizers: how outputs treat what is already at the path (a regular
 * file, a symbolic link, a dangling link, a folder, a device), that no
 * temporary file is left behind, and how inputs are bounded and named.
 * Everything happens in a fresh folder under $TMPDIR or /tmp.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

struct tmpdir {
	char path[PATH_MAX / 2];
};

static bool tmpdir_make(struct tmpdir *t)
{
	const char *base = getenv("TMPDIR");

	snprintf(t->path, sizeof(t->path), "%s/utiltest.XXXXXX",
		 base && *base ? base : "/tmp");
	return mkdtemp(t->path) != NULL;
}

static void join(const struct tmpdir *t, const char *name, char *out,
		 size_t len)
{
	snprintf(out, len, "%s/%s", t->path, name);
}

/* Removes every entry of the folder, then the folder. */
static void tmpdir_remove(const struct tmpdir *t)
{
	char path[PATH_MAX];
	DIR *d = opendir(t->path);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		join(t, e->d_name, path, sizeof(path));
		if (unlink(path) != 0)
			rmdir(path);
	}
	if (d)
		closedir(d);
	rmdir(t->path);
}

static unsigned int entries(const struct tmpdir *t)
{
	DIR *d = opendir(t->path);
	struct dirent *e;
	unsigned int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static bool file_is(const char *path, const char *want)
{
	char err[256];
	size_t len = 0;
	uint8_t *b = util_read_file(path, 1024, &len, err, sizeof(err));
	bool ok = b && len == strlen(want) && !memcmp(b, want, len);

	free(b);
	return ok;
}

TEST(tools_util, write_replaces_a_regular_file_keeping_its_mode)
{
	struct tmpdir t;
	char path[PATH_MAX], err[256];
	struct stat st;
	FILE *f;

	ASSERT_TRUE(tmpdir_make(&t));
	join(&t, "out.bin", path, sizeof(path));
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fputs("old contents", f);
	fclose(f);
	ASSERT_EQ(chmod(path, 0640), 0);
	EXPECT_EQ(util_write_file(path, "new", 3, err, sizeof(err)), 0);
	EXPECT_TRUE(file_is(path, "new"));
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0640u);
	EXPECT_EQ(entries(&t), 1u); /* no temporary file left */
	/* A new file. */
	join(&t, "new.bin", path, sizeof(path));
	EXPECT_EQ(util_write_file(path, "x", 1, err, sizeof(err)), 0);
	EXPECT_TRUE(file_is(path, "x"));
	EXPECT_EQ(entries(&t), 2u);
	tmpdir_remove(&t);
}

TEST(tools_util, write_follows_a_link_and_refuses_a_dangling_one)
{
	struct tmpdir t;
	char link[PATH_MAX], target[PATH_MAX], err[256], buf[64];
	FILE *f;
	ssize_t n;

	ASSERT_TRUE(tmpdir_make(&t));
	join(&t, "target.bin", target, sizeof(target));
	join(&t, "link.bin", link, sizeof(link));
	f = fopen(target, "w");
	ASSERT_TRUE(f != NULL);
	fclose(f);
	ASSERT_EQ(symlink("target.bin", link), 0);
	EXPECT_EQ(util_write_file(link, "via link", 8, err, sizeof(err)), 0);
	EXPECT_TRUE(file_is(target, "via link"));
	n = readlink(link, buf, sizeof(buf) - 1);
	EXPECT_EQ(n, 10); /* still the link, to the same name */
	/* A dangling link is refused and stays. */
	ASSERT_EQ(unlink(target), 0);
	err[0] = '\0';
	EXPECT_EQ(util_write_file(link, "x", 1, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "link.bin") != NULL);
	EXPECT_TRUE(strstr(err, "symbolic link") != NULL);
	n = readlink(link, buf, sizeof(buf) - 1);
	EXPECT_EQ(n, 10);
	EXPECT_EQ(entries(&t), 1u);
	tmpdir_remove(&t);
}

TEST(tools_util, write_refuses_a_folder_and_writes_a_device_in_place)
{
	struct tmpdir t;
	char path[PATH_MAX], err[256];
	struct stat st;

	ASSERT_TRUE(tmpdir_make(&t));
	err[0] = '\0';
	EXPECT_EQ(util_write_file(t.path, "x", 1, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "is a folder") != NULL);
	EXPECT_EQ(util_write_file("/dev/null", "x", 1, err, sizeof(err)), 0);
	EXPECT_EQ(stat("/dev/null", &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	err[0] = '\0';
	EXPECT_EQ(util_write_file("/dev/full", "x", 1, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "/dev/full: No space left on device") != NULL);
	EXPECT_EQ(stat("/dev/full", &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	join(&t, "missing/out.bin", path, sizeof(path));
	err[0] = '\0';
	EXPECT_EQ(util_write_file(path, "x", 1, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "out.bin") != NULL);
	EXPECT_EQ(util_write_file("", "x", 1, err, sizeof(err)), -1);
	tmpdir_remove(&t);
}

TEST(tools_util, read_names_folders_and_bounds)
{
	struct tmpdir t;
	char path[PATH_MAX], err[256];
	size_t len = 0;
	uint8_t *b;
	FILE *f;

	ASSERT_TRUE(tmpdir_make(&t));
	err[0] = '\0';
	EXPECT_TRUE(util_read_file(t.path, 100, &len, err, sizeof(err)) ==
		    NULL);
	EXPECT_TRUE(strstr(err, "is a folder") != NULL);
	join(&t, "ten.bin", path, sizeof(path));
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fputs("0123456789", f);
	fclose(f);
	b = util_read_file(path, 10, &len, err, sizeof(err));
	EXPECT_TRUE(b != NULL && len == 10);
	util_free_secret(b, len);
	err[0] = '\0';
	EXPECT_TRUE(util_read_file(path, 9, &len, err, sizeof(err)) == NULL);
	EXPECT_TRUE(strstr(err, "10 bytes, more than the 9") != NULL);
	/* A character device is read up to the bound, then refused. */
	err[0] = '\0';
	EXPECT_TRUE(util_read_file("/dev/zero", 100000, &len, err,
				   sizeof(err)) == NULL);
	EXPECT_TRUE(strstr(err, "more than the 100000 bytes") != NULL);
	b = util_read_file("/dev/null", 10, &len, err, sizeof(err));
	EXPECT_TRUE(b != NULL && len == 0);
	free(b);
	tmpdir_remove(&t);
}
