/* SPDX-License-Identifier: MIT */
/*
 * The benchmark program that runs unmodified under both kernels on the
 * same QEMU machine: as a task of csvsm's bench image
 * (bench/svsm_bench_main.c, argv[1] "csvsm") and as the init of Debian's
 * Linux kernel in a cpio initramfs (bench/linux_compare.py). Debian's
 * `gcc -static`, glibc's libc.a.
 *
 * It measures, with CLOCK_MONOTONIC around whole loops:
 *   - a null syscall round trip (getpid; glibc makes the syscall each time);
 *   - a 4 KiB pread from a RAM file (csvsm's ramfs; Linux's rootfs);
 *   - sequential 4 KiB and 64 KiB reads, 4 KiB random reads and 64 KiB
 *     sequential writes on the raw disk /dev/vda, opened with O_DIRECT
 *     (Linux: straight to the device, no page cache; csvsm: the block
 *     device file, through virtio-blk's bounce buffer);
 * and prints one "iobench: NAME VALUE UNIT" line each, plus a checksum of
 * the disk's bytes, so the runner can tell both kernels read the same data.
 *
 * As Linux's init it first mounts devtmpfs, takes the console, loads the
 * virtio modules packed beside it (/m0.ko, /m1.ko, ... in dependency
 * order) and waits for /dev/vda; at the end it powers the machine off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SYSCALLS   200000
#define FILE_READS 50000
#define KIB	   1024u

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what)
{
	printf("iobench: error %s: %s\n", what, strerror(errno));
	fflush(stdout);
}

/* Linux's init: devtmpfs, the console, the virtio modules, /dev/vda. */
static int linux_setup(void)
{
	char name[16];
	struct stat st;
	int fd;

	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
		return -1;
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	for (int i = 0;; i++) {
		snprintf(name, sizeof(name), "/m%d.ko", i);
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		if (syscall(SYS_finit_module, fd, "", 0) != 0 &&
		    errno != EEXIST) {
			fail(name);
			return -1;
		}
		close(fd);
	}
	/* What Linux does against CPU vulnerabilities costs syscall time. */
	mkdir("/sys", 0755);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) == 0) {
		static const char *const v[] = {"meltdown", "spectre_v2"};

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char path[96];
			char text[160] = "";
			int vf;
			ssize_t n;

			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/vulnerabilities/%s",
				 v[i]);
			vf = open(path, O_RDONLY);
			n = vf >= 0 ? read(vf, text, sizeof(text) - 1) : -1;
			if (n > 0) {
				text[strcspn(text, "\n")] = '\0';
				printf("iobench: vuln %s: %s\n", v[i], text);
			}
			if (vf >= 0)
				close(vf);
		}
	}
	/* The disk's node appears once virtio-blk has probed: 20 s at most. */
	for (int i = 0; i < 2000 && stat("/dev/vda", &st) != 0; i++) {
		struct timespec ms10 = {0, 10000000};

		nanosleep(&ms10, NULL);
	}
	return 0;
}

static void null_syscall(void)
{
	double t = now_ns();

	for (int i = 0; i < SYSCALLS; i++)
		(void)getpid();
	printf("iobench: null_syscall %.1f ns\n", (now_ns() - t) / SYSCALLS);
}

static void file_read(void)
{
	static char buf[4 * KIB];
	int fd = open("/iobench.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
	double t;

	if (fd < 0) {
		fail("open /iobench.dat");
		return;
	}
	memset(buf, 0x5a, sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		fail("write /iobench.dat");
		close(fd);
		return;
	}
	t = now_ns();
	for (int i = 0; i < FILE_READS; i++)
		if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
			fail("pread /iobench.dat");
			close(fd);
			return;
		}
	printf("iobench: file_read_4k %.1f ns\n", (now_ns() - t) / FILE_READS);
	close(fd);
	unlink("/iobench.dat");
}

/* Reads the disk from 0 to `size` in `chunk` pieces; MiB/s, or -1. */
static double seq_read(int fd, uint8_t *buf, size_t chunk, uint64_t size,
		       uint64_t *sum)
{
	double t = now_ns();

	for (uint64_t off = 0; off < size; off += chunk) {
		if (pread(fd, buf, chunk, (off_t)off) != (ssize_t)chunk)
			return -1;
		for (size_t i = 0; sum && i < chunk; i += 8) {
			uint64_t v;

			memcpy(&v, buf + i, 8);
			*sum = *sum * 31 + v;
		}
	}
	return (double)size / (1 << 20) / ((now_ns() - t) / 1e9);
}

static void disk(uint64_t size)
{
	size_t big = 64 * KIB;
	uint8_t *buf = NULL;
	uint64_t sum = 0;
	uint32_t lcg = 12345;
	unsigned int randoms = (unsigned int)(size / (8 * KIB));
	double r4, r64, t;
	int fd = open("/dev/vda", O_RDWR | O_DIRECT);

	if (fd < 0 || posix_memalign((void **)&buf, 4096, big) != 0) {
		fail("open /dev/vda");
		return;
	}
	/* Once over the disk with a checksum (and warm), then timed. */
	if (seq_read(fd, buf, big, size, &sum) < 0) {
		fail("read /dev/vda");
		return;
	}
	printf("iobench: disk_checksum %016llx\n", (unsigned long long)sum);
	r4 = seq_read(fd, buf, 4 * KIB, size, NULL);
	r64 = seq_read(fd, buf, big, size, NULL);
	printf("iobench: disk_seq_read_4k %.2f MiB/s\n", r4);
	printf("iobench: disk_seq_read_64k %.2f MiB/s\n", r64);
	t = now_ns();
	for (unsigned int i = 0; i < randoms; i++) {
		uint64_t block;

		lcg = lcg * 1103515245u + 12345u;
		block = (lcg >> 8) % (size / (4 * KIB));
		if (pread(fd, buf, 4 * KIB, (off_t)(block * 4 * KIB)) !=
		    (ssize_t)(4 * KIB)) {
			fail("random read /dev/vda");
			return;
		}
	}
	printf("iobench: disk_rand_read_4k %.0f IOPS\n",
	       randoms / ((now_ns() - t) / 1e9));
	memset(buf, 0xa5, big);
	t = now_ns();
	for (uint64_t off = 0; off < size; off += big)
		if (pwrite(fd, buf, big, (off_t)off) != (ssize_t)big) {
			fail("write /dev/vda");
			return;
		}
	/*
	 * Untimed: Linux's fdatasync sends the device a flush, csvsm's does
	 * not (its fsync is for RAM files), so a timed one would compare
	 * unlike things.
	 */
	t = now_ns() - t;
	printf("iobench: disk_seq_write_64k %.2f MiB/s\n",
	       (double)size / (1 << 20) / (t / 1e9));
	if (fdatasync(fd) != 0)
		fail("fdatasync /dev/vda");
	close(fd);
	free(buf);
}

int main(int argc, char **argv)
{
	bool on_linux = !(argc > 1 && strcmp(argv[1], "csvsm") == 0);
	uint64_t size = 16ull << 20;

	if (argc > 2)
		size = strtoull(argv[2], NULL, 0) << 20;
	if (on_linux && linux_setup() != 0)
		fail("setup");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("iobench: start on %s\n", on_linux ? "linux" : "csvsm");
	null_syscall();
	file_read();
	disk(size);
	printf("iobench: done\n");
	fflush(stdout);
	if (on_linux) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
