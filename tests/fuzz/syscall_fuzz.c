/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the task syscall layer (kernel/task/syscall.c,
 * sys_file.c, sys_mem.c, uvm.c) and the file system under it (kernel/fs),
 * on the fake arch: a sequence of syscalls whose numbers and arguments come
 * from the input (small integers, pointers into mapped, read-only, unmapped
 * or SVSM memory, prepared paths, raw values) runs against a task whose
 * address space is real page tables in fake physical memory. The user-copy
 * primitives are emulated by walking those tables, so a pointer the task
 * may not use faults as it would on the CPU.
 *
 * After every call: the result is a value or -errno in -4095..-1, the
 * task's pages stay within its limit, the file system's within its own.
 * After every input: the task and every file are freed, and the page
 * allocator must be back where it started (no page leaked).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/arch/cpu.h"
#include "svsm/arch/time.h"
#include "svsm/arch/user.h"

#include "svsm/fs.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"
#include "svsm/plat/plat.h"

#include "abi/linux.h"

#include "fake/fake.h"
#include "task_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define MEM_SIZE   (8u << 20)
#define SCRATCH	   0x10000000ull /* 8 writable pages */
#define RO_PAGE	   (SCRATCH + 8 * PAGE_SIZE)
#define UNMAPPED   (SCRATCH + 64 * PAGE_SIZE)
#define TASK_PAGES 256u
#define FS_PAGES   64u
#define MAX_CALLS  64

/* What the fake CPU lacks and task.c (not linked here) would provide. */
static struct task *cur;
static jmp_buf exit_jmp;
static paddr_t kroot;

struct task *task_current(void)
{
	return cur;
}

void task_exit(struct task *t, enum task_end end, int status)
{
	t->result.end = end;
	t->result.status = status;
	longjmp(exit_jmp, 1);
}

paddr_t vm_root(void)
{
	return kroot;
}

uint64_t plat_pte_private_bits(void)
{
	return 0;
}

uint64_t plat_pte_shared_bits(void)
{
	return 0;
}

bool arch_has_nx(void)
{
	return true;
}

void arch_flush_tlb_page(uintptr_t va)
{
	(void)va;
}

bool arch_hw_random(uint64_t *out)
{
	*out = 0x0123456789abcdefull;
	return true;
}

void arch_set_fs_base(uint64_t base)
{
	(void)base;
}

uint64_t arch_time_ns(void)
{
	return 1000;
}

uint64_t arch_time_epoch(void)
{
	return 1700000000;
}

/* The CPU's view of one user page: present, user, and writable if asked. */
static uint8_t *user_page(uint64_t va, bool write)
{
	struct pgtable_entry e;

	if (!cur || !pgtable_lookup(&cur->pt, va_init(va), &e) ||
	    !(e.pte & PTE_U) || (write && !(e.pte & PTE_W)))
		return NULL;
	return arch_phys_to_virt(pa_val(e.pa), 1);
}

static int user_copy(uint8_t *k, uint64_t u, size_t len, bool to_user)
{
	while (len) {
		size_t in_page = PAGE_SIZE - (u & (PAGE_SIZE - 1));
		size_t n = len < in_page ? len : in_page;
		uint8_t *p = user_page(u, to_user);

		if (!p)
			return 1;
		if (to_user)
			memcpy(p, k, n);
		else
			memcpy(k, p, n);
		k += n;
		u += n;
		len -= n;
	}
	return 0;
}

int arch_copy_from_user(void *dst, uint64_t usrc, size_t len)
{
	EXPECT(uvm_range_ok(usrc, len)); /* uvm.c checks before copying */
	return user_copy(dst, usrc, len, false);
}

int arch_copy_to_user(uint64_t udst, const void *src, size_t len)
{
	EXPECT(uvm_range_ok(udst, len));
	return user_copy((uint8_t *)(uintptr_t)src, udst, len, true);
}

static const char *const paths[] = {
	"/a", "/d", "/d/x",    "/d/",	 "a", "d/../a", "/",   ".",
	"..", "",   "/none/x", "/d/e/f", "b", "/a/",	"d/.", "//d//x",
};

static const uint64_t nrs[] = {
	NR_read,       NR_write,	 NR_pread64,	NR_pwrite64,
	NR_readv,      NR_writev,	 NR_open,	NR_openat,
	NR_close,      NR_lseek,	 NR_fstat,	NR_stat,
	NR_newfstatat, NR_fsync,	 NR_ftruncate,	NR_truncate,
	NR_rename,     NR_renameat2,	 NR_mkdir,	NR_mkdirat,
	NR_unlink,     NR_unlinkat,	 NR_rmdir,	NR_access,
	NR_readlink,   NR_getdents64,	 NR_brk,	NR_mmap,
	NR_munmap,     NR_mprotect,	 NR_arch_prctl, NR_prlimit64,
	NR_getrandom,  NR_clock_gettime, NR_uname,	NR_futex,
	NR_time,       NR_getpid,	 NR_exit,	NR_ioctl,
	NR_tgkill,     NR_rseq,
};

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->n--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static uint64_t arg(struct input *in)
{
	switch (take(in, 1) % 8) {
	case 0:
		return take(in, 1) - 8; /* small: fds, whence, modes */
	case 1:
		return SCRATCH + take(in, 2) % (8 * PAGE_SIZE);
	case 2:
		return SCRATCH + 0x100 * (take(in, 1) % ARRAY_SIZE(paths));
	case 3:
		return RO_PAGE + take(in, 1);
	case 4:
		return UNMAPPED + take(in, 2);
	case 5:
		return 0xffffffff80000000ull + take(in, 2);
	case 6:
		return take(in, 4); /* flags, lengths */
	default:
		return take(in, 8);
	}
}

static void new_task(struct task *t)
{
	memset(t, 0, sizeof(*t));
	t->id = 1;
	t->max_pages = TASK_PAGES;
	t->max_fds = 8;
	t->out = malloc(TASK_OUTPUT_MAX);
	EXPECT(t->out);
	cur = t;
	EXPECT(uvm_init(t) == SVSM_OK);
	EXPECT(files_init(t) == SVSM_OK);
	EXPECT(uvm_map_anon(t, SCRATCH, 9 * PAGE_SIZE, PROT_WRITE) == SVSM_OK);
	for (unsigned int i = 0; i < ARRAY_SIZE(paths); i++)
		EXPECT(uvm_poke(t, SCRATCH + 0x100 * i, paths[i],
				strlen(paths[i]) + 1) == SVSM_OK);
	EXPECT(uvm_protect(t, RO_PAGE, PAGE_SIZE, 0) == SVSM_OK);
	t->brk_start = t->brk_cur = 0x20000000;
	t->mmap_next = UVM_MMAP_TOP;
}

/* Removes everything below directory `at` (the fuzzer's files). */
static void remove_all(struct fs_node *at)
{
	for (;;) {
		const char *name;
		uint64_t ino;
		enum fs_type type;
		char copy[FS_NAME_MAX + 1];

		if (!fs_dirent(at, 2, &name, &ino, &type))
			return;
		strcpy(copy, name);
		if (type == FS_DIR) {
			struct fs_node *d;

			EXPECT(fs_open(at, copy, false, false, &d) == 0);
			remove_all(d);
			fs_put(d);
		}
		EXPECT(fs_unlink(at, copy, type == FS_DIR) == 0);
	}
}

static uint64_t free_pages(void)
{
	struct pgalloc_stats st;

	(void)heap_shrink();
	pgalloc_get_stats(&st);
	return st.free_pages;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint64_t baseline;
	static struct task t;
	struct input in = {data, size};
	volatile int calls = 0;
	uint64_t used;
	uint64_t max;

	if (!ready) {
		uint64_t base = fake_mm_init(MEM_SIZE);

		EXPECT(pgalloc_init(pa_init(base), MEM_SIZE) == SVSM_OK);
		heap_init(0x5eed);
		EXPECT(pgalloc_alloc(0, PGALLOC_ZERO, &kroot) == SVSM_OK);
		EXPECT(fs_init(FS_PAGES) == 0);
		baseline = free_pages();
		ready = true;
	}
	new_task(&t);
	if (!setjmp(exit_jmp)) {
		while (in.n && calls < MAX_CALLS) {
			struct user_regs r = {0};
			long ret;

			r.rax = in.n ? nrs[take(&in, 1) % ARRAY_SIZE(nrs)] : 0;
			r.rdi = arg(&in);
			r.rsi = arg(&in);
			r.rdx = arg(&in);
			r.r10 = arg(&in);
			r.r8 = arg(&in);
			r.r9 = arg(&in);
			ret = syscall_dispatch(&t, &r);
			EXPECT(ret >= -4095); /* a value, or -errno */
			EXPECT(t.pages <= t.max_pages);
			fs_usage(&used, &max);
			EXPECT(used <= max);
			calls++;
		}
	}
	files_release(&t);
	uvm_release(&t);
	EXPECT(t.pages == 0);
	free(t.out);
	cur = NULL;
	remove_all(fs_root());
	fs_usage(&used, &max);
	EXPECT(used == 0);
	EXPECT(free_pages() == baseline);
	return 0;
}
