/* SPDX-License-Identifier: MIT */
/*
 * A trivial vTPM program for the bench image (bench/svsm_bench_main.c):
 * it reads each command from the vTPM device (argv[1], /dev/vtpm) and
 * writes the same bytes back as the response, except its first 8, which
 * carry the TSC read as the command arrived (little endian). Successive
 * commands are one channel round trip apart (the kernel's
 * vtpm_chan_transact, the device read and write, SYSCALL/SYSRET, the
 * task's resume), so the kernel divides the difference by the count.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	int fd = open(argc > 1 ? argv[1] : "/dev/vtpm", O_RDWR);
	ssize_t n;

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		uint64_t t = __rdtsc();

		if (n >= 8)
			memcpy(buf, &t, sizeof(t));
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	}
	return 0;
}
