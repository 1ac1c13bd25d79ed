/* SPDX-License-Identifier: MIT */
/*
 * User-mode tasks (kernel/task): static x86-64 Linux programs run in ring 3
 * with their own address space, speaking a subset of the Linux syscall ABI
 * (docs/user-mode.md). A task runs on the CPU that calls task_run() until
 * it exits, faults, or waits for a device (then a later task_run()
 * resumes it); the SVSM goes on in every case. Tasks run one at a time,
 * each until it stops by itself or its time is up: there is no preemptive
 * switching between tasks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

struct task;

/* What a task may use. */
struct task_limits {
	uint64_t max_pages; /* user pages and page-table pages together */
	uint32_t max_fds;   /* open descriptors, 3..256 */
	uint32_t time_ms;   /* running time before the tick ends it */
};
#define TASK_DEFAULT_MAX_PAGES 2048u /* 8 MiB */
#define TASK_DEFAULT_MAX_FDS   64u
#define TASK_DEFAULT_TIME_MS   30000u

enum task_end {
	TASK_EXITED,	/* exit or exit_group: `status` is its code (0..255) */
	TASK_FAULTED,	/* a CPU exception in ring 3 ended it */
	TASK_KILLED,	/* the SVSM ended it (an impossible return address) */
	TASK_TIMED_OUT, /* it ran longer than its time limit */
	TASK_BLOCKED,	/* it waits in a device read: task_run() resumes it */
};

struct task_result {
	enum task_end end;
	int status;	     /* TASK_EXITED */
	uint32_t vector;     /* TASK_FAULTED: the exception */
	uint64_t addr;	     /* TASK_FAULTED: CR2 for a page fault */
	uint64_t rip;	     /* TASK_FAULTED: where */
	uint64_t error_code; /* TASK_FAULTED: the exception's error code */
};

/* Prepares this CPU for tasks; SVSM_E_UNSUPPORTED without FXSR/SSE2. */
enum svsm_err __must_check task_init(void);
/*
 * Loads the static ELF64 executable `elf` (size bytes, copied) into a new
 * task with argv and envp (NULL-terminated; envp may be NULL). On
 * SVSM_E_INVAL/UNSUPPORTED *why says what is wrong with the file;
 * SVSM_E_NOMEM when memory or the task's limit runs out.
 */
enum svsm_err __must_check task_create(const void *elf, size_t size,
				       const char *const *argv,
				       const char *const *envp,
				       const struct task_limits *limits,
				       struct task **out, const char **why);
/*
 * As task_create(), for an executable file of the root file-system image
 * (fs_unpack_cpio), loaded from where the image lies. SVSM_E_INVAL when
 * there is no such file, SVSM_E_UNSUPPORTED when it is not a file of the
 * image.
 */
enum svsm_err __must_check task_create_path(
	const char *path, const char *const *argv, const char *const *envp,
	const struct task_limits *limits, struct task **out, const char **why);
/*
 * Runs the task until it ends or blocks (TASK_BLOCKED: it waits in a read
 * of a device that had nothing for it, fs_mkdev; the read is made again
 * when task_run() resumes it). The time limit counts each run on its own.
 * Running a task that has ended returns its end again.
 */
void task_run(struct task *t, struct task_result *res);
/* Sets the time each later run may take (0: the default). */
void task_set_time_limit(struct task *t, uint32_t ms);
/* True while the task can run: new, or blocked. */
bool task_alive(const struct task *t);
/* Frees everything the task holds. */
void task_destroy(struct task *t);
/* What the task wrote to fds 1 and 2, in order (at most 64 KiB kept). */
const char *task_output(const struct task *t, size_t *len);
/* Pages charged to the task now (user and page-table pages). */
uint64_t task_pages(const struct task *t);
/* Bytes moved between the task's memory and the SVSM's, counted. */
uint64_t task_copied_bytes(const struct task *t);
/* Syscall numbers a task called that returned -ENOSYS, counted. */
uint64_t task_unknown_syscalls(const struct task *t);
