// SPDX-License-Identifier: MIT
/*
 * Every file operation csvsm offers, with success and with each error it
 * can return, printed as "what: result" lines. It works inside a directory
 * "ft" of the current directory and removes it at the end, so csvsm's
 * output can be compared with the same binary's output on the Linux host
 * (run in an empty directory). Only what every Linux file system agrees on
 * is printed: sizes of regular files, contents, link counts, sorted
 * directory listings, errno names.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case EBADF:
		return "EBADF";
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case EEXIST:
		return "EEXIST";
	case ENOTDIR:
		return "ENOTDIR";
	case EISDIR:
		return "EISDIR";
	case EMFILE:
		return "EMFILE";
	case ENOSPC:
		return "ENOSPC";
	case ENOTEMPTY:
		return "ENOTEMPTY";
	case ESPIPE:
		return "ESPIPE";
	case ENAMETOOLONG:
		return "ENAMETOOLONG";
	case EBUSY:
		return "EBUSY";
	default:
		return "other";
	}
}

/* Prints a call's result: the value, or the errno's name. */
static long r(const char *what, long v)
{
	if (v < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, v);
	return v;
}

#define BAD_PTR ((void *)0xffffffff80001000ul)

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
	char *names[64];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		printf("opendir %s: %s\n", dir, ename(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp);
	printf("ls %s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void stat_of(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		printf("stat %s: %s\n", path, ename(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		printf("stat %s: dir nlink %ld\n", path, (long)st.st_nlink);
	else
		printf("stat %s: file size %lld nlink %ld\n", path,
		       (long long)st.st_size, (long)st.st_nlink);
}

static void basic_io(void)
{
	char buf[64];
	struct iovec iov[2];
	int fd;

	fd = (int)r("open creat", open("ft/a", O_CREAT | O_RDWR, 0644));
	r("write", write(fd, "hello world", 11));
	r("lseek set 6", lseek(fd, 6, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	r("read", read(fd, buf, sizeof(buf)));
	printf("read data: %s\n", buf);
	r("read at eof", read(fd, buf, sizeof(buf)));
	r("pwrite", pwrite(fd, "HELLO", 5, 0));
	r("lseek cur", lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	r("pread", pread(fd, buf, 8, 3));
	printf("pread data: %s\n", buf);
	r("lseek end", lseek(fd, 0, SEEK_END));
	r("lseek past end", lseek(fd, 100, SEEK_END));
	r("write past end", write(fd, "!", 1));
	stat_of("ft/a");
	r("pread hole", pread(fd, buf, 4, 20));
	printf("hole reads zeros: %s\n",
	       buf[0] == 0 && buf[1] == 0 && buf[3] == 0 ? "yes" : "no");
	iov[0] = (struct iovec){"ab", 2};
	iov[1] = (struct iovec){"cd", 2};
	r("writev", writev(fd, iov, 2));
	r("lseek negative", lseek(fd, -1000, SEEK_SET));
	r("lseek bad whence", lseek(fd, 0, 42));
	r("ftruncate shrink", ftruncate(fd, 4));
	stat_of("ft/a");
	r("ftruncate grow", ftruncate(fd, 10000));
	r("pread after grow", pread(fd, buf, 8, 4));
	printf("grown part is zeros: %s\n",
	       buf[0] == 0 && buf[7] == 0 ? "yes" : "no");
	r("ftruncate negative", ftruncate(fd, -1));
	r("fsync", fsync(fd));
	r("fdatasync", fdatasync(fd));
	r("read to kernel", read(fd, BAD_PTR, 4));
	r("write from kernel", write(fd, BAD_PTR, 4));
	r("close", close(fd));
	r("close again", close(fd));
	r("read closed", read(fd, buf, 1));
	r("write closed", write(fd, buf, 1));
	r("fsync closed", fsync(fd));
	r("lseek closed", lseek(fd, 0, SEEK_SET));
	r("ftruncate closed", ftruncate(fd, 0));
	r("close 12345", close(12345));
}

static void open_flags(void)
{
	char buf[16];
	int fd;

	r("open excl existing",
	  open("ft/a", O_CREAT | O_EXCL | O_WRONLY, 0644));
	r("open missing", open("ft/none", O_RDONLY));
	r("open missing dir", open("ft/nodir/x", O_RDONLY));
	r("open through file", open("ft/a/x", O_RDONLY));
	r("open file as dir", open("ft/a", O_RDONLY | O_DIRECTORY));
	r("open dir writable", open("ft", O_WRONLY));
	r("open dir creat", open("ft", O_CREAT | O_RDONLY, 0644));
	r("open bad mode", open("ft/a", O_ACCMODE));
	r("open path kernel", open(BAD_PTR, O_RDONLY));
	r("open empty path", open("", O_RDONLY));
	fd = (int)r("open rdonly", open("ft/a", O_RDONLY | O_CLOEXEC));
	r("fcntl getfd", fcntl(fd, F_GETFD));
	r("fcntl setfd 0", fcntl(fd, F_SETFD, 0));
	r("fcntl getfd again", fcntl(fd, F_GETFD));
	r("fcntl getfl", fcntl(fd, F_GETFL) & O_ACCMODE);
	r("fcntl bad fd", fcntl(999, F_GETFD));
	r("write rdonly", write(fd, "x", 1));
	r("ftruncate rdonly", ftruncate(fd, 0));
	close(fd);
	fd = (int)r("open wronly", open("ft/a", O_WRONLY));
	r("read wronly", read(fd, buf, 1));
	close(fd);
	fd = (int)r("open trunc", open("ft/a", O_WRONLY | O_TRUNC));
	close(fd);
	stat_of("ft/a");
	fd = (int)r("open append", open("ft/a", O_WRONLY | O_APPEND));
	r("fcntl getfl append", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	r("append 1", write(fd, "12", 2));
	r("lseek 0", lseek(fd, 0, SEEK_SET));
	r("append 2", write(fd, "34", 2));
	close(fd);
	fd = open("ft/a", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	r("read appended", read(fd, buf, sizeof(buf)));
	printf("appended data: %s\n", buf);
	close(fd);
	fd = (int)r("open dir", open("ft", O_RDONLY | O_DIRECTORY));
	r("read dir", read(fd, buf, 1));
	r("write dir", write(fd, buf, 1));
	r("openat in dir fd", openat(fd, "a", O_RDONLY) >= 0 ? 0 : -1);
	r("openat file as dirfd", openat(0, "a", O_RDONLY));
	close(fd);
	fd = open("ft/a", O_RDONLY);
	r("openat through file fd", openat(fd, "x", O_RDONLY));
	r("getdents on file", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	r("getdents bad fd", syscall(SYS_getdents64, 999, buf, sizeof(buf)));
	fd = open("ft", O_RDONLY | O_DIRECTORY);
	r("getdents tiny buffer", syscall(SYS_getdents64, fd, buf, 8));
	r("getdents to kernel", syscall(SYS_getdents64, fd, BAD_PTR, 4096));
	close(fd);
}

static void directories(void)
{
	char longname[300];

	r("mkdir", mkdir("ft/d", 0755));
	r("mkdir again", mkdir("ft/d", 0755));
	r("mkdir over file", mkdir("ft/a", 0755));
	r("mkdir missing parent", mkdir("ft/x/y", 0755));
	r("mkdir under file", mkdir("ft/a/y", 0755));
	r("mkdir nested", mkdir("ft/d/e", 0755));
	r("mkdirat", mkdirat(AT_FDCWD, "ft/d/f", 0755));
	stat_of("ft/d");
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "ft/", 3);
	longname[sizeof(longname) - 1] = '\0';
	r("mkdir long name", mkdir(longname, 0755));
	r("rmdir nonempty", rmdir("ft/d"));
	r("rmdir file", rmdir("ft/a"));
	r("rmdir missing", rmdir("ft/none"));
	r("rmdir dot", rmdir("ft/d/."));
	r("unlink dir", unlink("ft/d"));
	r("unlink missing", unlink("ft/none"));
	r("unlinkat removedir", unlinkat(AT_FDCWD, "ft/d/f", AT_REMOVEDIR));
	r("unlinkat bad flag", unlinkat(AT_FDCWD, "ft/d/e", 0x1234));
	r("rmdir nested", rmdir("ft/d/e"));
	r("access file", access("ft/a", F_OK));
	r("access missing", access("ft/none", F_OK));
	r("access bad mode", access("ft/a", 0x40));
	r("stat kernel buffer", syscall(SYS_stat, "ft/a", BAD_PTR));
	r("readlink missing", readlink("ft/none", longname, 10));
	r("readlink file", readlink("ft/a", longname, 10));
	list("ft");
	list("ft/d");
}

static void renames(void)
{
	int fd;

	fd = open("ft/b", O_CREAT | O_WRONLY, 0644);
	r("write b", write(fd, "bbb", 3));
	close(fd);
	r("rename", rename("ft/b", "ft/c"));
	r("rename missing", rename("ft/b", "ft/c"));
	stat_of("ft/b");
	stat_of("ft/c");
	r("rename replaces", rename("ft/c", "ft/a"));
	stat_of("ft/a");
	r("rename file over dir", rename("ft/a", "ft/d"));
	r("mkdir d2", mkdir("ft/d2", 0755));
	r("rename dir over file", rename("ft/d2", "ft/a"));
	r("rename dir into itself", rename("ft/d", "ft/d/sub"));
	fd = open("ft/d/x", O_CREAT | O_WRONLY, 0644);
	close(fd);
	r("rename dir over nonempty", rename("ft/d2", "ft/d"));
	r("rename dir over empty", rename("ft/d", "ft/d2"));
	list("ft");
	list("ft/d2");
	r("renameat2 noreplace",
	  syscall(SYS_renameat2, AT_FDCWD, "ft/a", AT_FDCWD, "ft/d2/x", 1));
	r("renameat", renameat(AT_FDCWD, "ft/d2/x", AT_FDCWD, "ft/x"));
	list("ft");
}

static void unlinked_open_file(void)
{
	char buf[8];
	int fd = open("ft/x", O_RDWR);

	r("write x", write(fd, "live", 4));
	r("unlink open file", unlink("ft/x"));
	stat_of("ft/x");
	memset(buf, 0, sizeof(buf));
	r("pread unlinked", pread(fd, buf, 4, 0));
	printf("unlinked data: %s\n", buf);
	close(fd);
}

static void cleanup(void)
{
	r("unlink a", unlink("ft/a"));
	r("rmdir d2", rmdir("ft/d2"));
	r("rmdir ft", rmdir("ft"));
	stat_of("ft");
}

/* csvsm only: the descriptor limit (64 in csvsm's tests). */
static int emfile(void)
{
	int n = 0;

	r("mkdir lim", mkdir("lim", 0755));
	for (;;) {
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "lim/%d", n);
		fd = open(name, O_CREAT | O_RDWR, 0644);
		if (fd < 0) {
			printf("open %d: %s\n", n, ename(errno));
			break;
		}
		n++;
	}
	for (int i = 3; i < 3 + n; i++)
		close(i);
	for (int i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "lim/%d", i);
		unlink(name);
	}
	r("rmdir lim", rmdir("lim"));
	return 0;
}

/* csvsm only: the file system's page limit, and space coming back. */
static int enospc(void)
{
	static char chunk[65536];
	long total = 0;
	int fd = (int)r("open big", open("big", O_CREAT | O_WRONLY, 0644));

	memset(chunk, 0x5a, sizeof(chunk));
	for (;;) {
		ssize_t w = write(fd, chunk, sizeof(chunk));

		if (w < 0) {
			printf("write after %ld KiB: %s\n", total >> 10,
			       ename(errno));
			break;
		}
		total += w;
		if (w < (ssize_t)sizeof(chunk)) {
			printf("short write after %ld KiB\n", total >> 10);
		}
	}
	close(fd);
	r("unlink big", unlink("big"));
	fd = (int)r("open again", open("big", O_CREAT | O_WRONLY, 0644));
	r("write again", write(fd, chunk, sizeof(chunk)));
	close(fd);
	r("unlink again", unlink("big"));
	return 0;
}

/* csvsm only: the file system's node limit. */
static int nodes(void)
{
	int n = 0;

	r("mkdir many", mkdir("many", 0755));
	for (;; n++) {
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "many/%d", n);
		fd = open(name, O_CREAT | O_WRONLY, 0644);
		if (fd < 0) {
			printf("create: %s after more than 4000: %s\n",
			       ename(errno), n > 4000 ? "yes" : "no");
			break;
		}
		close(fd);
	}
	for (int i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "many/%d", i);
		unlink(name);
	}
	r("rmdir many", rmdir("many"));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nodes"))
		return nodes();
	if (argc > 1 && !strcmp(argv[1], "emfile"))
		return emfile();
	if (argc > 1 && !strcmp(argv[1], "enospc"))
		return enospc();
	r("mkdir ft", mkdir("ft", 0755));
	basic_io();
	open_flags();
	directories();
	renames();
	unlinked_open_file();
	cleanup();
	return 0;
}
