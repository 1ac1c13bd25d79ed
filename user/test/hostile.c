// SPDX-License-Identifier: MIT
/*
 * A hostile task: argv[1] names one attack on the SVSM. Attacks through
 * syscalls print each result (csvsm's tests check them line by line);
 * attacks through the CPU must end the task with a fault. Either way the
 * SVSM must keep serving. Plain C through glibc's syscall(), so the same
 * file builds with `gcc -static` and also runs on the Linux host.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KERNEL_TEXT  0xffffffff80001000ul
#define NONCANONICAL 0x0000800000000000ul
#define UNMAPPED     0x0000100000000000ul
#define LAST_PAGE    0x00007fffffffe000ul

static long sys(long nr, long a, long b, long c)
{
	long r = syscall(nr, a, b, c);

	return r == -1 ? -errno : r;
}

static void show(const char *what, long r)
{
	printf("%s: %ld\n", what, r);
}

static int pointers(void)
{
	struct timespec ts;

	show("write from kernel memory",
	     sys(SYS_write, 1, (long)KERNEL_TEXT, 16));
	show("write from non-canonical",
	     sys(SYS_write, 1, (long)NONCANONICAL, 16));
	show("write from unmapped", sys(SYS_write, 1, (long)UNMAPPED, 16));
	show("write huge length", sys(SYS_write, 1, (long)&ts, -1L));
	show("write wrapping range", sys(SYS_write, 1, -4096L, 8192));
	show("clock_gettime to kernel",
	     sys(SYS_clock_gettime, 1, (long)KERNEL_TEXT, 0));
	show("getrandom to kernel",
	     sys(SYS_getrandom, (long)KERNEL_TEXT, 16, 0));
	show("getrandom to non-canonical",
	     sys(SYS_getrandom, (long)NONCANONICAL, 16, 0));
	show("uname to unmapped", sys(SYS_uname, (long)UNMAPPED, 0, 0));
	show("getrandom to own text",
	     sys(SYS_getrandom, (long)(uintptr_t)&pointers, 16, 0));
	show("arch_prctl fs to kernel",
	     sys(SYS_arch_prctl, 0x1002, (long)KERNEL_TEXT, 0));
	/* 96 TiB of nothing: must cost the SVSM only what is mapped. */
	show("munmap huge range",
	     sys(SYS_munmap, (long)UNMAPPED, 0x600000000000L, 0));
	return 0;
}

static int wx(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t text = (uintptr_t)&wx & ~4095ul;

	show("mmap rwx",
	     (long)(mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED
			    ? -errno
			    : 0));
	show("mmap rx",
	     (long)(mmap(NULL, 4096, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED
			    ? -errno
			    : 0));
	show("mprotect heap exec",
	     mprotect(p, 4096, PROT_READ | PROT_EXEC) ? -errno : 0);
	show("mprotect text writable",
	     mprotect((void *)text, 4096, PROT_READ | PROT_WRITE) ? -errno : 0);
	show("mmap fixed last page exec",
	     (long)(mmap((void *)LAST_PAGE, 4096, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == MAP_FAILED
			    ? -errno
			    : 0));
	return 0;
}

static int exhaust_memory(void)
{
	size_t total = 0;

	for (;;) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("mmap failed with %d after %zu MiB\n", errno,
			       total);
			break;
		}
		total++;
		if (total > 1 << 20)
			break;
	}
	for (;;) {
		void *p = malloc(4096);

		if (!p)
			break;
		memset(p, 1, 4096);
	}
	printf("malloc returned NULL\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	unsigned char code[16] = {0xc3}; /* ret */
	volatile unsigned char *vp;

	if (!strcmp(what, "pointers"))
		return pointers();
	if (!strcmp(what, "wx"))
		return wx();
	if (!strcmp(what, "memory"))
		return exhaust_memory();
	if (!strcmp(what, "jump-kernel"))
		((void (*)(void))KERNEL_TEXT)();
	if (!strcmp(what, "read-kernel")) {
		vp = (volatile unsigned char *)KERNEL_TEXT;
		return *vp;
	}
	if (!strcmp(what, "write-text")) {
		vp = (volatile unsigned char *)(uintptr_t)&main;
		*vp = 0xcc;
	}
	if (!strcmp(what, "exec-stack"))
		((void (*)(void))(uintptr_t)code)();
	if (!strcmp(what, "exec-heap")) {
		unsigned char *h = malloc(64);

		if (h) {
			memcpy(h, code, sizeof(code));
			((void (*)(void))(uintptr_t)h)();
		}
	}
	if (!strcmp(what, "spin")) {
		/* Never a syscall again: only the tick can end this. */
		volatile unsigned long n = 0;

		for (;;)
			n++;
	}
	if (!strcmp(what, "privileged")) {
		/* An invalid instruction (UD2): #UD in ring 3. */
		__builtin_trap();
	}
	printf("survived %s\n", what);
	return 99;
}
