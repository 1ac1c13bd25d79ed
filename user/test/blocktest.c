// SPDX-License-Identifier: MIT
/*
 * A task that waits in a device read between requests
 * (tests/svsm/task_test.c, task.tasks_block_and_resume): it reads a
 * request from the device named by argv[1] and answers with the same
 * bytes, the first one plus 1, until a read returns nothing.
 */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char buf[256];
	int fd = argc > 1 ? open(argv[1], O_RDWR) : -1;

	if (fd < 0)
		return 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return 0;
		buf[0]++;
		if (write(fd, buf, (size_t)n) != n)
			return 2;
	}
}
