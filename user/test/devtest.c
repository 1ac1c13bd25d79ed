// SPDX-License-Identifier: MIT
/*
 * A device the SVSM offers its tasks, used as a file: the test image's
 * echo device (/dev/echo, tests/svsm/task_test.c) answers a read with what
 * the last write put there, as a vTPM task will read commands and write
 * responses. Also: what stat, getdents and the calls a device refuses say.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd = open("/dev/echo", O_RDWR);
	ssize_t n;

	if (fd < 0) {
		printf("open: errno %d\n", errno);
		return 1;
	}
	printf("fstat: %s\n", fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)
				      ? "character device"
				      : "other");
	printf("write: %zd\n", write(fd, "ping from a task", 16));
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, sizeof(buf));
	printf("read: %zd \"%s\"\n", n, buf);
	printf("ftruncate: %s\n", ftruncate(fd, 0) ? strerror(errno) : "ok");
	close(fd);
	/* The image's own files are read-only. */
	fd = open("/bin/devtest", O_WRONLY);
	printf("open image file for writing: %s\n",
	       fd < 0 ? strerror(errno) : "opened");
	fd = open("/bin/devtest", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	/* Read first: the order of a call's arguments is unspecified. */
	n = read(fd, buf, 4);
	printf("read image file: %zd, ELF magic %s\n", n,
	       memcmp(buf, "\177ELF", 4) ? "no" : "yes");
	close(fd);
	d = opendir("/dev");
	while (d && (e = readdir(d)))
		/* Other tests add their own devices; this one is ours. */
		if (!strcmp(e->d_name, "echo"))
			printf("/dev/%s type %s\n", e->d_name,
			       e->d_type == DT_CHR ? "chr" : "other");
	if (d)
		closedir(d);
	return 0;
}
