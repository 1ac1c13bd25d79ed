/* SPDX-License-Identifier: MIT */
/*
 * A trivial vTPM program for the bench image (bench/svsm_bench_main.c):
 * it reads each command from the vTPM device (argv[1], /dev/vtpm) and
 * writes the same bytes back as the response, so timing vtpm_chan_transact
 * against it measures the channel and the task switch alone.
 */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	int fd = open(argc > 1 ? argv[1] : "/dev/vtpm", O_RDWR);
	ssize_t n;

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	return 0;
}
