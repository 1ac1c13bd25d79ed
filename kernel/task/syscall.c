/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 syscall subset (docs/user-mode.md): the number in RAX,
 * arguments in RDI, RSI, RDX, R10, R8, R9, the result or -errno in RAX
 * (Linux arch/x86/entry/entry_64.S, "64-bit SYSCALL instruction entry";
 * numbers from arch/x86/entry/syscalls/syscall_64.tbl). Every number not
 * handled here returns -ENOSYS and is logged once.
 *
 * TRUST: every argument comes from the task. Pointers reach memory only
 * through copy_from_user/copy_to_user (range-checked, fault-safe), lengths
 * are bounded before use, and no argument can make the SVSM panic or log
 * more than once per unknown number.
 */
#define LOG_PREFIX "task: "
#include "svsm/arch/cpu.h"
#include "svsm/arch/time.h"

#include "svsm/log.h"

#include "abi/linux.h"

#include "lib/string.h"
#include "task_int.h"

#define NR_MAX	     512u
#define RANDOM_MAX   (32u << 20)   /* Linux caps one getrandom call */
#define MAX_RW_COUNT 0x7ffff000ull /* Linux's limit for one read/write */

static uint64_t unknown_logged[NR_MAX / 64];

static long sys_arch_prctl(struct task *t, uint64_t code, uint64_t addr)
{
	switch (code) {
	case LINUX_ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -LINUX_EPERM; /* Linux: not a user address */
		t->fs_base = addr;
		arch_set_fs_base(addr);
		return 0;
	case LINUX_ARCH_GET_FS:
		return copy_to_user(t, addr, &t->fs_base, sizeof(t->fs_base));
	default:
		return -LINUX_EINVAL;
	}
}

static long sys_prlimit64(struct task *t, uint64_t pid, uint64_t res,
			  uint64_t new_lim, uint64_t old_lim)
{
	struct linux_rlimit64 r = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY};

	if (pid != 0 && pid != t->id)
		return -LINUX_ESRCH;
	if (res >= LINUX_RLIM_NLIMITS)
		return -LINUX_EINVAL;
	if (new_lim)
		return -LINUX_EPERM; /* limits are the SVSM's to set */
	if (res == LINUX_RLIMIT_STACK)
		r.rlim_cur = r.rlim_max = (uint64_t)UVM_STACK_PAGES * PAGE_SIZE;
	return old_lim ? copy_to_user(t, old_lim, &r, sizeof(r)) : 0;
}

static long sys_getrandom(struct task *t, uint64_t buf, uint64_t len,
			  uint64_t flags)
{
	uint64_t chunk[32];
	uint64_t done = 0;

	if (flags & ~(uint64_t)(LINUX_GRND_NONBLOCK | LINUX_GRND_RANDOM |
				LINUX_GRND_INSECURE))
		return -LINUX_EINVAL;
	if (len > RANDOM_MAX)
		len = RANDOM_MAX;
	if (!uvm_range_ok(buf, len))
		return -LINUX_EFAULT;
	while (done < len) {
		uint64_t n =
			len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		int err;

		for (size_t i = 0; i < (n + 7) / 8; i++)
			if (!arch_hw_random(&chunk[i]))
				return done ? (long)done : -LINUX_EAGAIN;
		err = copy_to_user(t, buf + done, chunk, n);
		if (err)
			return done ? (long)done : err;
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

static long sys_clock_gettime(struct task *t, uint64_t clk, uint64_t tp)
{
	uint64_t ns = arch_time_ns();
	struct linux_timespec ts;

	switch (clk) {
	case LINUX_CLOCK_REALTIME:
	case LINUX_CLOCK_REALTIME_COARSE:
		ts.tv_sec = (int64_t)(arch_time_epoch() + ns / 1000000000ull);
		break;
	case LINUX_CLOCK_MONOTONIC:
	case LINUX_CLOCK_MONOTONIC_RAW:
	case LINUX_CLOCK_MONOTONIC_COARSE:
	case LINUX_CLOCK_BOOTTIME:
	case LINUX_CLOCK_PROCESS_CPUTIME:
	case LINUX_CLOCK_THREAD_CPUTIME:
		ts.tv_sec = (int64_t)(ns / 1000000000ull);
		break;
	default:
		return -LINUX_EINVAL;
	}
	ts.tv_nsec = (int64_t)(ns % 1000000000ull);
	return copy_to_user(t, tp, &ts, sizeof(ts));
}

static long sys_time(struct task *t, uint64_t tloc)
{
	int64_t now =
		(int64_t)(arch_time_epoch() + arch_time_ns() / 1000000000ull);

	if (tloc) {
		int err = copy_to_user(t, tloc, &now, sizeof(now));

		if (err)
			return err;
	}
	return now;
}

static void fill(char *dst, const char *s)
{
	memcpy(dst, s, strlen(s) + 1);
}

static long sys_uname(struct task *t, uint64_t buf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	/* "Linux": programs read it as the ABI they talk to. */
	fill(u.sysname, "Linux");
	fill(u.nodename, "csvsm");
	fill(u.release, "6.1.0-csvsm");
	fill(u.version, "#1 csvsm user mode");
	fill(u.machine, "x86_64");
	fill(u.domainname, "(none)");
	return copy_to_user(t, buf, &u, sizeof(u));
}

static long sys_futex(struct task *t, uint64_t uaddr, uint64_t op)
{
	uint32_t v;
	int err = copy_from_user(t, &v, uaddr, sizeof(v));

	if (err)
		return err;
	/* One thread: nobody waits, so a wake wakes no one. */
	if ((op & ~(uint64_t)LINUX_FUTEX_PRIVATE_FLAG) == LINUX_FUTEX_WAKE)
		return 0;
	return -LINUX_ENOSYS;
}

static long unknown(struct task *t, uint64_t nr)
{
	t->unknown_syscalls++;
	if (nr < NR_MAX && !(unknown_logged[nr / 64] & (1ull << (nr % 64)))) {
		unknown_logged[nr / 64] |= 1ull << (nr % 64);
		log_notice("syscall %llu not implemented: -ENOSYS",
			   (unsigned long long)nr);
	}
	return -LINUX_ENOSYS;
}

long syscall_dispatch(struct task *t, struct user_regs *r)
{
	uint64_t a0 = r->rdi;
	uint64_t a1 = r->rsi;
	uint64_t a2 = r->rdx;
	uint64_t a3 = r->r10;
	uint64_t a4 = r->r8;
	uint64_t a5 = r->r9;

	const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
	bool handled;
	long ret = sys_file(t, r->rax, a, &handled);

	if (handled)
		return ret;
	switch (r->rax) {
	case NR_brk:
		return sys_brk(t, a0);
	case NR_mmap:
		return sys_mmap(t, a0, a1, a2, a3, a4, a5);
	case NR_munmap:
		return sys_munmap(t, a0, a1);
	case NR_mprotect:
		return sys_mprotect(t, a0, a1, a2);
	case NR_arch_prctl:
		return sys_arch_prctl(t, a0, a1);
	case NR_set_tid_address:
		return t->id;
	case NR_set_robust_list:
		return a1 == 24 ? 0 : -LINUX_EINVAL;
	case NR_prlimit64:
		return sys_prlimit64(t, a0, a1, a2, a3);
	case NR_getrandom:
		return sys_getrandom(t, a0, a1, a2);
	case NR_clock_gettime:
		return sys_clock_gettime(t, a0, a1);
	case NR_time:
		return sys_time(t, a0);
	case NR_uname:
		return sys_uname(t, a0);
	case NR_futex:
		return sys_futex(t, a0, a1);
	case NR_getpid:
	case NR_gettid:
		return t->id;
	case NR_getuid:
	case NR_geteuid:
	case NR_getgid:
	case NR_getegid:
	case NR_sched_yield:
	case NR_rt_sigaction:
	case NR_rt_sigprocmask:
		/* Every task is uid 0; no signal is ever delivered. */
		return 0;
	case NR_tgkill:
		/* abort(): SIGABRT to itself ends the task like a signal. */
		if (a0 == t->id && a1 == t->id && a2 == LINUX_SIGABRT)
			task_exit(t, TASK_EXITED, 128 + LINUX_SIGABRT);
		return -LINUX_EPERM;
	case NR_exit:
	case NR_exit_group:
		task_exit(t, TASK_EXITED, (int)(a0 & 0xff));
	default:
		return unknown(t, r->rax);
	}
}
