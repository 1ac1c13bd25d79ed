/* SPDX-License-Identifier: MIT */
/*
 * The slice of the x86-64 Linux user ABI that csvsm tasks speak: syscall
 * numbers (Linux arch/x86/entry/syscalls/syscall_64.tbl), errno values
 * (include/uapi/asm-generic/errno-base.h, errno.h), flags and the structures
 * the implemented calls read or write (include/uapi/linux/ and
 * arch/x86/include/uapi/asm/), with their x86-64 sizes pinned.
 */
#pragma once

#include <stdint.h>

#include "svsm/compiler.h"

/* Syscall numbers (syscall_64.tbl). */
#define NR_read		   0
#define NR_write	   1
#define NR_close	   3
#define NR_fstat	   5
#define NR_lseek	   8
#define NR_mmap		   9
#define NR_mprotect	   10
#define NR_munmap	   11
#define NR_brk		   12
#define NR_rt_sigaction	   13
#define NR_rt_sigprocmask  14
#define NR_ioctl	   16
#define NR_writev	   20
#define NR_access	   21
#define NR_sched_yield	   24
#define NR_getpid	   39
#define NR_exit		   60
#define NR_uname	   63
#define NR_fcntl	   72
#define NR_readlink	   89
#define NR_getuid	   102
#define NR_getgid	   104
#define NR_geteuid	   107
#define NR_getegid	   108
#define NR_arch_prctl	   158
#define NR_gettid	   186
#define NR_time		   201
#define NR_futex	   202
#define NR_set_tid_address 218
#define NR_clock_gettime   228
#define NR_exit_group	   231
#define NR_tgkill	   234
#define NR_openat	   257
#define NR_newfstatat	   262
#define NR_set_robust_list 273
#define NR_prlimit64	   302
#define NR_getrandom	   318
#define NR_rseq		   334

/* errno (errno-base.h, errno.h); syscalls return -errno. */
#define LINUX_EPERM	   1
#define LINUX_ENOENT	   2
#define LINUX_ESRCH	   3
#define LINUX_EBADF	   9
#define LINUX_EAGAIN	   11
#define LINUX_ENOMEM	   12
#define LINUX_EACCES	   13
#define LINUX_EFAULT	   14
#define LINUX_EINVAL	   22
#define LINUX_ENOTTY	   25
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOSYS	   38

/* mmap (include/uapi/asm-generic/mman-common.h, mman.h). */
#define LINUX_PROT_READ	    0x1
#define LINUX_PROT_WRITE    0x2
#define LINUX_PROT_EXEC	    0x4
#define LINUX_MAP_SHARED    0x01
#define LINUX_MAP_PRIVATE   0x02
#define LINUX_MAP_FIXED	    0x10
#define LINUX_MAP_ANONYMOUS 0x20

/* arch_prctl (arch/x86/include/uapi/asm/prctl.h). */
#define LINUX_ARCH_SET_GS 0x1001
#define LINUX_ARCH_SET_FS 0x1002
#define LINUX_ARCH_GET_FS 0x1003
#define LINUX_ARCH_GET_GS 0x1004

/* futex (include/uapi/linux/futex.h). */
#define LINUX_FUTEX_WAIT	 0
#define LINUX_FUTEX_WAKE	 1
#define LINUX_FUTEX_PRIVATE_FLAG 128

/* clock ids (include/uapi/linux/time.h). */
#define LINUX_CLOCK_REALTIME	     0
#define LINUX_CLOCK_MONOTONIC	     1
#define LINUX_CLOCK_PROCESS_CPUTIME  2
#define LINUX_CLOCK_THREAD_CPUTIME   3
#define LINUX_CLOCK_MONOTONIC_RAW    4
#define LINUX_CLOCK_REALTIME_COARSE  5
#define LINUX_CLOCK_MONOTONIC_COARSE 6
#define LINUX_CLOCK_BOOTTIME	     7

/* getrandom (include/uapi/linux/random.h). */
#define LINUX_GRND_NONBLOCK 0x1
#define LINUX_GRND_RANDOM   0x2
#define LINUX_GRND_INSECURE 0x4

/* prlimit64 resources (include/uapi/asm-generic/resource.h). */
#define LINUX_RLIMIT_STACK  3
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIM_NLIMITS  16
#define LINUX_RLIM_INFINITY (~0ull)

/* tgkill: SIGABRT (include/uapi/asm-generic/signal.h). */
#define LINUX_SIGABRT 6

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};
static_assert(sizeof(struct linux_timespec) == 16, "x86-64 timespec");

struct linux_rlimit64 {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};
static_assert(sizeof(struct linux_rlimit64) == 16, "uapi/linux/resource.h");

/* include/uapi/linux/utsname.h: struct new_utsname, six 65-byte fields. */
struct linux_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};
static_assert(sizeof(struct linux_utsname) == 390, "new_utsname");

/* struct iovec (include/uapi/linux/uio.h). */
struct linux_iovec {
	uint64_t iov_base;
	uint64_t iov_len;
};
static_assert(sizeof(struct linux_iovec) == 16, "x86-64 iovec");
#define LINUX_UIO_MAXIOV 1024

/* struct stat for x86-64 (arch/x86/include/uapi/asm/stat.h), 144 bytes. */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct linux_timespec st_atim;
	struct linux_timespec st_mtim;
	struct linux_timespec st_ctim;
	int64_t reserved[3];
};
static_assert(sizeof(struct linux_stat) == 144, "x86-64 struct stat");
#define LINUX_S_IFIFO	    0010000
#define LINUX_S_IFCHR	    0020000
#define LINUX_AT_FDCWD	    (-100)
#define LINUX_AT_EMPTY_PATH 0x1000

/* More errno values (errno-base.h, errno.h). */
#define LINUX_EIO	5
#define LINUX_EEXIST	17
#define LINUX_ENOTDIR	20
#define LINUX_EISDIR	21
#define LINUX_EMFILE	24
#define LINUX_EFBIG	27
#define LINUX_ENOSPC	28
#define LINUX_ESPIPE	29
#define LINUX_EROFS	30
#define LINUX_EBUSY	16
#define LINUX_ENOTEMPTY 39
#define LINUX_EMSGSIZE	90

/* For the block device file (kernel/block/block_file.c). */
#define LINUX_EIO	 5
#define LINUX_EOPNOTSUPP 95

/* open flags (include/uapi/asm-generic/fcntl.h). */
#define LINUX_O_ACCMODE	       03
#define LINUX_O_RDONLY	       00
#define LINUX_O_WRONLY	       01
#define LINUX_O_RDWR	       02
#define LINUX_O_CREAT	       0100
#define LINUX_O_EXCL	       0200
#define LINUX_O_TRUNC	       01000
#define LINUX_O_APPEND	       02000
#define LINUX_O_DIRECTORY      0200000
#define LINUX_O_CLOEXEC	       02000000
#define LINUX_SEEK_SET	       0
#define LINUX_SEEK_CUR	       1
#define LINUX_SEEK_END	       2
#define LINUX_AT_REMOVEDIR     0x200
#define LINUX_S_IFREG	       0100000
#define LINUX_S_IFDIR	       0040000
#define LINUX_DT_CHR	       2
#define LINUX_DT_DIR	       4
#define LINUX_DT_REG	       8
#define LINUX_F_OK	       0
#define LINUX_RENAME_NOREPLACE 1

/* More syscall numbers (syscall_64.tbl). */
#define NR_pread64    17
#define NR_pwrite64   18
#define NR_readv      19
#define NR_open	      2
#define NR_stat	      4
#define NR_lstat      6
#define NR_fsync      74
#define NR_fdatasync  75
#define NR_truncate   76
#define NR_ftruncate  77
#define NR_rename     82
#define NR_mkdir      83
#define NR_rmdir      84
#define NR_unlink     87
#define NR_getdents64 217
#define NR_mkdirat    258
#define NR_unlinkat   263
#define NR_renameat   264
#define NR_renameat2  316
#define NR_getcwd     79
#define NR_chdir      80

/* fcntl commands and the descriptor flag (include/uapi/asm-generic/fcntl.h). */
#define LINUX_F_GETFD	 1
#define LINUX_F_SETFD	 2
#define LINUX_F_GETFL	 3
#define LINUX_F_SETFL	 4
#define LINUX_FD_CLOEXEC 1
