/* SPDX-License-Identifier: MIT */
/*
 * Tasks: creating one from an executable, running it in ring 3 until it
 * ends, and freeing it. A task has its own address space (uvm.c), a 16 KiB
 * kernel stack where its syscalls and faults run, its FPU/SSE/AVX state
 * and FS.base, saved around every switch, and a limit on its pages.
 *
 * A task runs on the CPU that calls task_run() until it ends or blocks.
 * It blocks in a read of a device that has nothing for it yet (the
 * device's read answers FS_DEV_WAIT): the syscall is then wound back to
 * its SYSCALL instruction, as Linux restarts an interrupted syscall
 * (-ERESTARTSYS), and the task leaves ring 3 with its registers in the
 * frame at the top of its kernel stack; the next task_run() returns
 * through that frame, and the read is made again. Nothing else lives on
 * the kernel stack between runs, so any number of tasks can wait at once;
 * they run one at a time, never preempted by each other.
 *
 * A tick every 10 ms (the local APIC timer) interrupts ring 3, and a task
 * that has run longer than its time limit in one run is ended there, so a
 * task that never makes a syscall cannot keep the CPU. A fault in ring 3
 * ends the task with one log line; the SVSM goes on.
 */
#define LOG_PREFIX "task: "
#include "svsm/arch/cpu.h"
#include "svsm/arch/time.h"

#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"

#include "lib/string.h"
#include "task_int.h"

static struct task *current;
static uint32_t next_id = 1;
static bool initialised;
static bool have_tick;

struct task *task_current(void)
{
	return current;
}

enum svsm_err task_init(void)
{
	if (initialised)
		return SVSM_OK;
	if (!arch_user_init())
		return SVSM_E_UNSUPPORTED;
	arch_time_init();
	if (fs_init(TASK_FS_MAX_PAGES))
		return SVSM_E_NOMEM;
	have_tick = arch_user_timer_init(
		vm_map_mmio(pa_init(arch_apic_base()), PAGE_SIZE));
	if (!have_tick)
		log_warn("no preemption tick: a task's time is not limited");
	initialised = true;
	log_info("user mode: FPU save area %zu bytes", arch_fpu_area_size());
	return SVSM_OK;
}

enum svsm_err task_create(const void *elf, size_t size, const char *const *argv,
			  const char *const *envp,
			  const struct task_limits *limits, struct task **out,
			  const char **why)
{
	struct task *t;
	enum svsm_err err;

	*why = "";
	if (!initialised) {
		*why = "user mode is not initialised";
		return SVSM_E_INVAL;
	}
	t = kmalloc(sizeof(*t));
	if (!t) {
		*why = "out of memory";
		return SVSM_E_NOMEM;
	}
	memset(t, 0, sizeof(*t));
	t->id = next_id++;
	t->max_pages = limits ? limits->max_pages : TASK_DEFAULT_MAX_PAGES;
	t->max_fds = limits ? limits->max_fds : TASK_DEFAULT_MAX_FDS;
	t->time_ns =
		(uint64_t)(limits && limits->time_ms ? limits->time_ms
						     : TASK_DEFAULT_TIME_MS) *
		1000000ull;
	if (t->max_fds < 3 || t->max_fds > TASK_FD_SLOTS)
		t->max_fds = TASK_DEFAULT_MAX_FDS;
	t->fpu_alloc = kmalloc(arch_fpu_area_size() + 64);
	t->out = kmalloc(TASK_OUTPUT_MAX);
	err = t->fpu_alloc && t->out ? SVSM_OK : SVSM_E_NOMEM;
	if (err == SVSM_OK) {
		t->fpu = ptr_from_va(ALIGN_UP(va_val(va_from_ptr(t->fpu_alloc)),
					      (uintptr_t)64));
		memset(t->fpu, 0, arch_fpu_area_size());
		arch_fpu_area_init(t->fpu);
		err = pgalloc_alloc(TASK_KSTACK_ORDER, PGALLOC_ZERO,
				    &t->kstack);
	}
	if (err == SVSM_OK)
		err = uvm_init(t);
	if (err == SVSM_OK)
		err = files_init(t);
	if (err != SVSM_OK) {
		*why = "out of memory";
		task_destroy(t);
		return err;
	}
	err = exec_load(t, elf, size, argv, envp, why);
	if (err != SVSM_OK) {
		task_destroy(t);
		return err;
	}
	*out = t;
	return SVSM_OK;
}

enum svsm_err task_create_path(const char *path, const char *const *argv,
			       const char *const *envp,
			       const struct task_limits *limits,
			       struct task **out, const char **why)
{
	struct fs_node *n;
	const void *data;
	size_t size;
	enum svsm_err err;

	*why = "";
	if (!initialised) {
		*why = "user mode is not initialised";
		return SVSM_E_INVAL;
	}
	if (fs_open(fs_root(), path, false, false, &n)) {
		*why = "no such file";
		return SVSM_E_INVAL;
	}
	if (!fs_image_data(n, &data, &size)) {
		fs_put(n);
		*why = "not a file of the measured image";
		return SVSM_E_UNSUPPORTED;
	}
	/* The image's files never go away: the data outlives the node. */
	fs_put(n);
	err = task_create(data, size, argv, envp, limits, out, why);
	return err;
}

void task_set_time_limit(struct task *t, uint32_t ms)
{
	t->time_ns = (uint64_t)(ms ? ms : TASK_DEFAULT_TIME_MS) * 1000000ull;
}

bool task_alive(const struct task *t)
{
	return !t->ended;
}

void task_run(struct task *t, struct task_result *res)
{
	unsigned int pages = 1u << TASK_KSTACK_ORDER;
	uintptr_t top;
	struct user_regs *frame;

	CHECK(!current);
	if (t->ended) {
		*res = t->result;
		return;
	}
	top = vm_map_task_stack(t->kstack, pages);
	frame = ptr_from_va(top - sizeof(*frame));
	/* A blocked task's frame is where its SYSCALL entry left it. */
	if (!t->started)
		arch_user_regs_init(frame, t->entry, t->sp);
	t->started = true;
	t->result.end = TASK_BLOCKED;
	current = t;
	arch_set_kernel_stack(top);
	arch_load_cr3(pa_val(t->pt.root));
	arch_set_fs_base(t->fs_base);
	arch_fpu_restore(t->fpu);
	t->start_ns = arch_time_ns();
	if (have_tick)
		arch_user_timer_start(TASK_TICK_MS);
	(void)arch_user_run(frame, top);
	if (have_tick)
		arch_user_timer_stop();
	/* Back from ring 3 for good: keep nothing of the task loaded. */
	arch_fpu_save(t->fpu);
	arch_set_fs_base(0);
	arch_load_cr3(pa_val(vm_root()));
	vm_unmap_task_stack(pages);
	current = NULL;
	t->ended = t->result.end != TASK_BLOCKED;
	*res = t->result;
}

void task_exit(struct task *t, enum task_end end, int status)
{
	t->result.end = end;
	t->result.status = status;
	arch_user_exit(status);
}

/*
 * The device the task reads waits for input: wind the frame back to the
 * SYSCALL instruction (two bytes, 0F 05; RAX still holds the number, the
 * argument registers are untouched) and leave ring 3 until the next run.
 */
static __noreturn void task_block(struct task *t, struct user_regs *frame)
{
	frame->rip -= 2;
	frame->rflags = (frame->rflags & 0x240cd5ull) | 0x202ull;
	t->result.end = TASK_BLOCKED;
	arch_user_exit(0);
}

void task_user_fault(const struct user_regs *frame, uint64_t cr2)
{
	struct task *t = current;

	CHECK(t != NULL);
	t->result.vector = (uint32_t)frame->vector;
	t->result.error_code = frame->error_code;
	t->result.addr = cr2;
	t->result.rip = frame->rip;
	/* A task's fault is the task's problem: notice level, one line. */
	log_notice("task %u ended by exception %llu at rip %llx (cr2 %llx, "
		   "error %llx)",
		   t->id, (unsigned long long)frame->vector,
		   (unsigned long long)frame->rip, (unsigned long long)cr2,
		   (unsigned long long)frame->error_code);
	task_exit(t, TASK_FAULTED, 0);
}

void task_timer_tick(const struct user_regs *frame)
{
	struct task *t = current;

	CHECK(t != NULL);
	if (arch_time_ns() - t->start_ns < t->time_ns)
		return;
	log_notice("task %u ended: over its %llu ms time limit (rip %llx)",
		   t->id, (unsigned long long)(t->time_ns / 1000000ull),
		   (unsigned long long)frame->rip);
	t->result.rip = frame->rip;
	task_exit(t, TASK_TIMED_OUT, 0);
}

void task_syscall_entry(struct user_regs *frame)
{
	struct task *t = current;

	long r;

	CHECK(t != NULL);
	r = syscall_dispatch(t, frame);
	if (r == FS_DEV_WAIT)
		task_block(t, frame);
	frame->rax = (uint64_t)r;
	/*
	 * SYSRET returns to RCX: never anything at or above USER_TOP (the
	 * instruction after a SYSCALL in mapped user memory always is below
	 * it, so this only guards against a future syscall that sets RIP).
	 * RFLAGS: only the flags user code may hold, IF set, IOPL 0.
	 */
	if (frame->rip >= USER_TOP) {
		log_notice("task %u: return address %llx refused", t->id,
			   (unsigned long long)frame->rip);
		task_exit(t, TASK_KILLED, 0);
	}
	frame->rflags = (frame->rflags & 0x240cd5ull) | 0x202ull;
}

const char *task_output(const struct task *t, size_t *len)
{
	*len = t->out_len;
	return t->out;
}

uint64_t task_pages(const struct task *t)
{
	return t->pages;
}

uint64_t task_copied_bytes(const struct task *t)
{
	return t->copied_bytes;
}

uint64_t task_unknown_syscalls(const struct task *t)
{
	return t->unknown_syscalls;
}

void task_destroy(struct task *t)
{
	if (!t)
		return;
	CHECK(current != t);
	files_release(t);
	uvm_release(t);
	if (pa_val(t->kstack))
		pgalloc_free(t->kstack, TASK_KSTACK_ORDER);
	kfree(t->fpu_alloc);
	kfree(t->out);
	kfree(t);
}
