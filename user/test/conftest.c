// SPDX-License-Identifier: MIT
/*
 * Conformance of the memory, process and time calls: success and each
 * error they can return, printed as "what: result" so that csvsm's output
 * can be compared with the same binary's on the Linux host. Only calls on
 * which Linux and csvsm agree by design are here; csvsm's documented
 * differences (no shared or file mappings, read-only limits) have their
 * own exact-output check in the in-kernel test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BAD_PTR 0xffffffff80001000ul

static void r(const char *what, long v)
{
	const char *e;

	if (v >= 0) {
		printf("%s: ok\n", what);
		return;
	}
	switch (errno) {
	case EBADF:
		e = "EBADF";
		break;
	case EFAULT:
		e = "EFAULT";
		break;
	case EINVAL:
		e = "EINVAL";
		break;
	case ENOMEM:
		e = "ENOMEM";
		break;
	case EPERM:
		e = "EPERM";
		break;
	case ENOENT:
		e = "ENOENT";
		break;
	case EACCES:
		e = "EACCES";
		break;
	default:
		e = "other";
		break;
	}
	printf("%s: %s\n", what, e);
}

static long sc(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d, 0, 0);
}

static void memory(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *cur = sbrk(0);

	r("mmap", p == MAP_FAILED ? -1 : 0);
	p[0] = 1;
	p[3 * 4096 - 1] = 2;
	r("mmap length 0",
	  sc(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS));
	r("mmap unknown prot",
	  sc(SYS_mmap, 0, 4096, PROT_READ | 0x40, MAP_PRIVATE | MAP_ANONYMOUS));
	r("mmap no type", sc(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS));
	r("mmap file, bad fd",
	  (long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 77, 0) == -1 ? -1 : 0);
	r("mprotect read-only", mprotect(p, 4096, PROT_READ));
	r("mprotect unaligned", mprotect(p + 1, 4096, PROT_READ));
	r("mprotect unmapped",
	  mprotect((void *)0x100000000000ul, 4096, PROT_READ));
	r("mprotect unknown prot", mprotect(p, 4096, 0x40));
	r("munmap middle page", munmap(p + 4096, 4096));
	r("munmap unaligned", munmap(p + 1, 4096));
	r("munmap length 0", munmap(p, 0));
	r("munmap rest", munmap(p, 3 * 4096));
	r("munmap unmapped", munmap((void *)0x100000000000ul, 4096));
	r("brk query", sc(SYS_brk, 0, 0, 0, 0) == (long)(intptr_t)cur ? 0 : -1);
	r("brk grow", sbrk(8192) == (void *)-1 ? -1 : 0);
	r("brk shrink", sbrk(-8192) == (void *)-1 ? -1 : 0);
	printf("brk huge refused: %s\n",
	       sc(SYS_brk, (long)1 << 46, 0, 0, 0) == (long)(intptr_t)cur
		       ? "yes"
		       : "no");
}

static void process(void)
{
	struct rlimit rl;
	struct timespec ts;
	unsigned long fs = 0;
	char buf[64];
	struct iovec iov = {buf, 4};
	static int futex_word;

	r("getpid", getpid());
	r("gettid", sc(SYS_gettid, 0, 0, 0, 0));
	r("getrlimit stack", getrlimit(RLIMIT_STACK, &rl));
	printf("stack limit set: %s\n", rl.rlim_cur > 0 ? "yes" : "no");
	r("prlimit64 bad resource", sc(SYS_prlimit64, 0, 999, 0, (long)&rl));
	r("prlimit64 to kernel",
	  sc(SYS_prlimit64, 0, RLIMIT_STACK, 0, (long)BAD_PTR));
	r("arch_prctl get fs", sc(SYS_arch_prctl, 0x1003, (long)&fs, 0, 0));
	printf("fs base set: %s\n", fs ? "yes" : "no");
	r("arch_prctl get fs to kernel",
	  sc(SYS_arch_prctl, 0x1003, (long)BAD_PTR, 0, 0));
	r("arch_prctl bad code", sc(SYS_arch_prctl, 0x9999, 0, 0, 0));
	r("getrandom", getrandom(buf, sizeof(buf), 0));
	r("getrandom bad flags", sc(SYS_getrandom, (long)buf, 8, 0x100, 0));
	r("getrandom zero bytes", sc(SYS_getrandom, (long)buf, 0, 0, 0));
	r("clock_gettime realtime", clock_gettime(CLOCK_REALTIME, &ts));
	r("clock_gettime monotonic", clock_gettime(CLOCK_MONOTONIC, &ts));
	r("clock_gettime bad clock",
	  sc(SYS_clock_gettime, 99, (long)&ts, 0, 0));
	r("time", sc(SYS_time, 0, 0, 0, 0));
	r("time to kernel", sc(SYS_time, (long)BAD_PTR, 0, 0, 0));
	r("uname to kernel", sc(SYS_uname, (long)BAD_PTR, 0, 0, 0));
	r("futex wake", sc(SYS_futex, (long)&futex_word, 0x81, 1, 0));
	r("futex to kernel", sc(SYS_futex, (long)BAD_PTR, 0x81, 1, 0));
	r("set_robust_list bad size", sc(SYS_set_robust_list, 0, 7, 0, 0));
	r("readv too many", sc(SYS_readv, 0, (long)&iov, 2000, 0));
	r("writev iov in kernel", sc(SYS_writev, 1, (long)BAD_PTR, 1, 0));
	r("writev bad fd", sc(SYS_writev, 99, (long)&iov, 1, 0));
	r("fstat bad fd", sc(SYS_fstat, 99, (long)buf, 0, 0));
	r("newfstatat bad flags",
	  sc(SYS_newfstatat, AT_FDCWD, (long)"x", (long)buf, 0x8000));
	r("close -1", close(-1));
	r("ioctl bad fd", sc(SYS_ioctl, 99, 0x5401, 0, 0));
}

int main(void)
{
	memory();
	process();
	return 0;
}
