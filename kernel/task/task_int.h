/* SPDX-License-Identifier: MIT */
/*
 * The task room's own interface: the task structure, the user address
 * space (uvm.c), user copies and the syscall handlers. Only the files
 * beside it in kernel/task include it (from their own directory).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/arch/user.h"

#include "svsm/err.h"
#include "svsm/fs.h"
#include "svsm/mm/pgtable.h"
#include "svsm/task.h"

/* The user address space (docs/user-mode.md). */
#define UVM_STACK_TOP	  0x00007ffffffde000ull
#define UVM_STACK_PAGES	  64u /* 256 KiB, mapped at creation */
#define UVM_MMAP_TOP	  0x00007f0000000000ull
#define UVM_BRK_MAX	  (256ull << 20)
#define TASK_KSTACK_ORDER 2u /* 16 KiB */
#define TASK_OUTPUT_MAX	  (64u << 10)
#define TASK_FD_SLOTS	  256u	/* the most max_fds can be */
#define TASK_FS_MAX_PAGES 2048u /* file data of all tasks: 8 MiB */
#define TASK_TICK_MS	  10u

/* An open file: a file-system node, or the console (fds 0-2 at start). */
struct task_file {
	struct fs_node *node; /* NULL for the console */
	uint64_t pos;
	uint32_t flags; /* O_ACCMODE, O_APPEND */
	bool cloexec;
};

struct task {
	uint32_t id;
	struct pgtable pt;
	uint64_t pages;	    /* charged: user pages and table pages */
	uint64_t max_pages; /* the limit */
	paddr_t kstack;	    /* TASK_KSTACK_ORDER pages */
	void *fpu;	    /* arch_fpu_area_size() bytes, 64-aligned */
	void *fpu_alloc;
	uint64_t fs_base;
	uint64_t brk_start, brk_cur; /* brk_cur is page-aligned upwards */
	uint64_t mmap_next;	     /* mmap grows down from here */
	uint64_t entry, sp;
	struct task_result result;
	bool started; /* entered ring 3 at least once: resume from the frame */
	bool ended;   /* exited, faulted, killed or timed out */
	char *out;    /* captured stdout/stderr */
	size_t out_len;
	uint64_t unknown_syscalls;
	uint64_t copied_bytes; /* bytes moved by user copies (tests) */
	uint32_t max_fds;
	uint64_t time_ns;  /* the limit */
	uint64_t start_ns; /* when task_run() entered ring 3 */
	struct task_file *files[TASK_FD_SLOTS];
};

/* uvm.c: the task's page tables and pages. */
enum svsm_err __must_check uvm_init(struct task *t);
void uvm_release(struct task *t);
/* Maps zeroed pages over [va, va + len), page-aligned, PROT_* rights. */
enum svsm_err __must_check uvm_map_anon(struct task *t, uint64_t va,
					uint64_t len, unsigned int prot);
/* True when no page of [va, va + len) is mapped (cost: what is mapped). */
bool uvm_range_free(struct task *t, uint64_t va, uint64_t len);
/* Unmaps and frees the pages in [va, va + len); holes are skipped. */
void uvm_unmap(struct task *t, uint64_t va, uint64_t len);
/* Changes the rights of [va, va + len); SVSM_E_INVAL if a page is missing. */
enum svsm_err __must_check uvm_protect(struct task *t, uint64_t va,
				       uint64_t len, unsigned int prot);
/* Writes into the task's pages through the SVSM's own mapping (loading). */
enum svsm_err __must_check uvm_poke(struct task *t, uint64_t va,
				    const void *src, size_t len);
/* True when [va, va + len) lies below USER_TOP without wrapping. */
bool uvm_range_ok(uint64_t va, uint64_t len);

/*
 * Copies from and to the running task's memory: 0, or -EFAULT when the
 * range is outside user space or a page is missing. Every byte a syscall
 * moves goes through these.
 */
int copy_from_user(struct task *t, void *dst, uint64_t usrc, size_t len);
int copy_to_user(struct task *t, uint64_t udst, const void *src, size_t len);
/* Copies a NUL-terminated string of at most max - 1 bytes; -EFAULT, -ENAMETOOLONG. */
int copy_string_from_user(struct task *t, char *dst, uint64_t usrc, size_t max);

/* exec.c: the executable and the initial stack. */
enum svsm_err __must_check exec_load(struct task *t, const void *elf,
				     size_t size, const char *const *argv,
				     const char *const *envp, const char **why);

/* syscall.c */
long syscall_dispatch(struct task *t, struct user_regs *r);
/* sys_file.c: descriptors and the file syscalls. */
enum svsm_err __must_check files_init(struct task *t);
void files_release(struct task *t);
long sys_file(struct task *t, uint64_t nr, const uint64_t a[6], bool *handled);
/* sys_mem.c */
long sys_brk(struct task *t, uint64_t addr);
long sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint64_t prot,
	      uint64_t flags, uint64_t fd, uint64_t off);
long sys_munmap(struct task *t, uint64_t addr, uint64_t len);
long sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot);

/* task.c */
struct task *task_current(void);
/* Ends the running task (never returns). */
__noreturn void task_exit(struct task *t, enum task_end end, int status);
