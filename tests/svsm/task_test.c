/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of user mode (kernel/task): unmodified static glibc
 * programs from the test image's root file system run as tasks, and their
 * output and exit status must equal what the same binary printed on the
 * Linux host at build time (expected/NAME in the archive). Hostile
 * programs must end with an error code or a fault, and the SVSM must keep
 * serving: every test here runs after the ones before it, and the last
 * ones run a well-behaved program again.
 */
#include "svsm/arch/time.h"

#include "svsm/cpio.h"
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/task.h"

#include "lib/format.h"
#include "lib/string.h"
#include "svtest.h"
#include "test.h"

extern const char test_initfs_start[], test_initfs_end[];

#define OUT_MAX	    (64u << 10)
#define KERNEL_TEXT 0xffffffff80001000ull

struct run {
	struct task_result res;
	char *out; /* output, then "exit=N\n" when it exited */
	size_t len;
	uint64_t unknown;
	uint64_t copied;
};

/* The test image's root file system, unpacked once (svtest.h). */
bool svtest_unpack_initfs(void)
{
	static bool done;
	const char *why = "";

	if (task_init() != SVSM_OK)
		return false;
	if (!done &&
	    fs_unpack_cpio(test_initfs_start,
			   (size_t)(test_initfs_end - test_initfs_start),
			   &why)) {
		log_printf("fs_unpack_cpio: %s\n", why);
		return false;
	}
	done = true;
	return true;
}

/* The bytes of a file of the image. */
static bool image_file(const char *path, const void **data, size_t *size)
{
	struct fs_node *n;
	bool ok;

	if (!svtest_unpack_initfs() ||
	    fs_open(fs_root(), path, false, false, &n))
		return false;
	ok = fs_image_data(n, data, size);
	fs_put(n);
	return ok;
}

/* Runs bin/NAME; false (with a reason logged) if it could not start. */
static bool run_limited(const char *name, const char *const *argv,
			const char *const *envp, struct task_limits lim,
			struct run *r)
{
	char path[64];
	struct task *t;
	const char *why;
	const char *out;
	size_t len;
	enum svsm_err err;

	memset(r, 0, sizeof(*r));
	if (!svtest_unpack_initfs())
		return false;
	fmt_snprintf(path, sizeof(path), "/bin/%s", name);
	err = task_create_path(path, argv, envp, &lim, &t, &why);
	if (err != SVSM_OK) {
		log_printf("task_create(%s): %s: %s\n", name,
			   svsm_err_name(err), why);
		return false;
	}
	task_run(t, &r->res);
	out = task_output(t, &len);
	r->out = kmalloc(OUT_MAX + 32);
	if (!r->out) {
		task_destroy(t);
		return false;
	}
	memcpy(r->out, out, len);
	r->len = len;
	if (r->res.end == TASK_EXITED)
		r->len += (size_t)fmt_snprintf(r->out + len, 32, "exit=%d\n",
					       r->res.status);
	r->unknown = task_unknown_syscalls(t);
	r->copied = task_copied_bytes(t);
	task_destroy(t);
	return true;
}

static bool run_prog(const char *name, const char *const *argv,
		     const char *const *envp, uint64_t max_pages, struct run *r)
{
	struct task_limits lim = {.max_pages = max_pages};

	return run_limited(name, argv, envp, lim, r);
}

/* Prints in pieces: the console's line buffer is 256 bytes. */
static void dump(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 128)
		log_printf("%.*s", (int)(n - i < 128 ? n - i : 128), p + i);
}

static bool same_as_host(const struct run *r, const char *expected_name)
{
	char path[64];
	const void *data;
	size_t size;

	fmt_snprintf(path, sizeof(path), "/%s", expected_name);
	if (!image_file(path, &data, &size))
		return false;
	if (size == r->len && memcmp(data, r->out, r->len) == 0)
		return true;
	log_printf("--- host (%zu bytes):\n", size);
	dump(data, size);
	log_printf("--- csvsm (%zu bytes):\n", r->len);
	dump(r->out, r->len);
	log_printf("---\n");
	return false;
}

TEST(task, hello_matches_host)
{
	const char *argv[] = {"/bin/hello", "one", "two", NULL};
	const char *envp[] = {"A=1", "B=two", NULL};
	struct run r;

	ASSERT_TRUE(run_prog("hello", argv, envp, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_EQ(r.res.status, 7);
	EXPECT_TRUE(same_as_host(&r, "expected/hello"));
	/* glibc's startup calls rseq, which csvsm answers with -ENOSYS. */
	EXPECT_GE(r.unknown, 1u);
	kfree(r.out);
}

TEST(task, static_pie_matches_host)
{
	const char *argv[] = {"/bin/hello-pie", "one", "two", NULL};
	const char *envp[] = {"A=1", "B=two", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("hello-pie", argv, envp, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/hello"));
	kfree(r.out);
}

TEST(task, malloc_random_clock_match_host)
{
	const char *argv[] = {"/bin/memtest", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("memtest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/memtest"));
	kfree(r.out);
}

/* Runs `hostile ATTACK` with the default limit. */
static bool hostile(const char *attack, uint64_t max_pages, struct run *r)
{
	const char *argv[] = {"/bin/hostile", attack, NULL};

	return run_prog("hostile", argv, NULL, max_pages, r);
}

static bool output_is(const struct run *r, const char *want)
{
	size_t n = strlen(want);

	if (r->len == n && memcmp(r->out, want, n) == 0)
		return true;
	log_printf("--- want:\n%s--- got:\n", want);
	dump(r->out, r->len);
	log_printf("---\n");
	return false;
}

TEST(task, hostile_pointers_get_efault)
{
	struct run r;

	ASSERT_TRUE(hostile("pointers", TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(output_is(&r, "write from kernel memory: -14\n"
				  "write from non-canonical: -14\n"
				  "write from unmapped: -14\n"
				  "write huge length: -14\n"
				  "write wrapping range: -14\n"
				  "clock_gettime to kernel: -14\n"
				  "getrandom to kernel: -14\n"
				  "getrandom to non-canonical: -14\n"
				  "uname to unmapped: -14\n"
				  "getrandom to own text: -14\n"
				  "arch_prctl fs to kernel: -1\n"
				  "munmap huge range: 0\n"
				  "exit=0\n"));
	kfree(r.out);
}

TEST(task, hostile_wx_refused)
{
	struct run r;

	ASSERT_TRUE(hostile("wx", TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(output_is(&r, "mmap rwx: -13\n"
				  "mmap rx: -13\n"
				  "mprotect heap exec: -13\n"
				  "mprotect text writable: -13\n"
				  "mmap fixed last page exec: -13\n"
				  "exit=0\n"));
	kfree(r.out);
}

/* A fault ends the task with the vector and the address it touched. */
static void expect_fault(const char *attack, uint32_t vector, bool addr_is_rip,
			 uint64_t addr)
{
	struct run r;

	ASSERT_TRUE(hostile(attack, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_FAULTED);
	EXPECT_EQ(r.res.vector, vector);
	if (addr_is_rip)
		EXPECT_EQ(r.res.addr, r.res.rip);
	else if (addr)
		EXPECT_EQ(r.res.addr, addr);
	EXPECT_EQ(r.len, 0u); /* it died before flushing stdout */
	kfree(r.out);
}

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER	   (1u << 2)
#define PF_FETCH   (1u << 4)

TEST(task, jump_into_kernel_text_faults)
{
	struct run r;

	expect_fault("jump-kernel", 14, true, 0);
	ASSERT_TRUE(hostile("jump-kernel", TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.addr, KERNEL_TEXT);
	/* A user-mode fetch of a present supervisor page. */
	EXPECT_EQ(r.res.error_code & (PF_USER | PF_FETCH | PF_PRESENT),
		  PF_USER | PF_FETCH | PF_PRESENT);
	kfree(r.out);
}

TEST(task, read_kernel_memory_faults)
{
	expect_fault("read-kernel", 14, false, KERNEL_TEXT);
}

TEST(task, write_own_text_faults)
{
	struct run r;

	ASSERT_TRUE(hostile("write-text", TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_FAULTED);
	EXPECT_EQ(r.res.vector, 14u);
	EXPECT_EQ(r.res.error_code & (PF_USER | PF_WRITE | PF_PRESENT),
		  PF_USER | PF_WRITE | PF_PRESENT);
	kfree(r.out);
}

TEST(task, execute_stack_or_heap_faults)
{
	expect_fault("exec-stack", 14, true, 0);
	expect_fault("exec-heap", 14, true, 0);
}

TEST(task, invalid_instruction_ends_task)
{
	expect_fault("privileged", 6, false, 0);
}

TEST(task, memory_exhaustion_is_enomem)
{
	struct pgalloc_stats before;
	struct pgalloc_stats after;
	struct run r;

	/* What the first task_init() allocates stays; it is not a leak. */
	ASSERT_EQ(task_init(), SVSM_OK);
	(void)heap_shrink();
	pgalloc_get_stats(&before);
	ASSERT_TRUE(hostile("memory", 1024, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_EQ(r.res.status, 0);
	EXPECT_TRUE(r.len > 0 &&
		    memcmp(r.out, "mmap failed with 12 after ", 26) == 0);
	EXPECT_TRUE(r.len > 28 &&
		    memcmp(r.out + r.len - 28, "malloc returned NULL\nexit=0\n",
			   28) == 0);
	kfree(r.out);
	/* Everything the task took is back with the allocator. */
	(void)heap_shrink();
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages);
}

TEST(task, svsm_keeps_serving_after_hostile_tasks)
{
	const char *argv[] = {"/bin/hello", "one", "two", NULL};
	const char *envp[] = {"A=1", "B=two", NULL};
	struct pgalloc_stats before;
	struct pgalloc_stats after;
	struct run r;

	/* What the first task_init() allocates stays; it is not a leak. */
	ASSERT_EQ(task_init(), SVSM_OK);
	(void)heap_shrink();
	pgalloc_get_stats(&before);
	expect_fault("exec-stack", 14, true, 0);
	ASSERT_TRUE(run_prog("hello", argv, envp, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/hello"));
	kfree(r.out);
	(void)heap_shrink();
	pgalloc_get_stats(&after);
	EXPECT_EQ(after.free_pages, before.free_pages);
}

TEST(task, file_operations_match_host)
{
	const char *argv[] = {"/bin/filetest", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("filetest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/filetest"));
	kfree(r.out);
}

TEST(task, descriptor_limit_is_emfile)
{
	const char *argv[] = {"/bin/filetest", "emfile", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("filetest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	/* 64 descriptors: 0-2 are the console, so 61 files open. */
	EXPECT_TRUE(output_is(&r, "mkdir lim: 0\n"
				  "open 61: EMFILE\n"
				  "rmdir lim: 0\n"
				  "exit=0\n"));
	kfree(r.out);
}

TEST(task, file_system_full_is_enospc)
{
	const char *argv[] = {"/bin/filetest", "enospc", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("filetest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	/*
	 * 8 MiB (TASK_FS_MAX_PAGES) holds the file's data and its 16 KiB
	 * page-pointer array: the last 64 KiB write is short.
	 */
	EXPECT_TRUE(output_is(&r, "open big: 3\n"
				  "short write after 8176 KiB\n"
				  "write after 8176 KiB: ENOSPC\n"
				  "unlink big: 0\n"
				  "open again: 3\n"
				  "write again: 65536\n"
				  "unlink again: 0\n"
				  "exit=0\n"));
	kfree(r.out);
}

TEST(task, openssl_sha256_aes_gcm_match_host)
{
	const char *argv[] = {"/bin/cryptotest", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("cryptotest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/cryptotest"));
	/* FIPS 180-2, B.1: SHA-256("abc"), independent of the host. */
	EXPECT_TRUE(
		r.len > 11 + 78 &&
		memcmp(r.out + 11,
		       "sha256(abc): ba7816bf8f01cfea414140de5dae2223b00361a3"
		       "96177a9cb410ff61f20015ad\n",
		       78) == 0);
	kfree(r.out);
}

TEST(task, task_that_never_yields_is_ended_by_the_tick)
{
	const char *argv[] = {"/bin/hostile", "spin", NULL};
	struct task_limits lim = {.max_pages = TASK_DEFAULT_MAX_PAGES,
				  .time_ms = 300};
	uint64_t t0;
	struct run r;

	ASSERT_EQ(task_init(), SVSM_OK); /* starts the clock */
	t0 = arch_time_ns();
	ASSERT_TRUE(run_limited("hostile", argv, NULL, lim, &r));
	EXPECT_EQ(r.res.end, TASK_TIMED_OUT);
	/* Ended after its 300 ms, within a few ticks of it. */
	EXPECT_GE(arch_time_ns() - t0, 300000000ull);
	EXPECT_LT(arch_time_ns() - t0, 5000000000ull);
	/* Where it was spinning: inside its own text. */
	EXPECT_TRUE(r.res.rip >= 0x400000 && r.res.rip < 0x500000);
	kfree(r.out);
}

TEST(task, fpu_state_does_not_leak_between_tasks)
{
	const char *dirty[] = {"/bin/fputest", "dirty", NULL};
	const char *check[] = {"/bin/fputest", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("fputest", dirty, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(output_is(&r, "dirty: round up yes, flags all\nexit=0\n"));
	kfree(r.out);
	/* The next task starts from the initial state, as on the host. */
	ASSERT_TRUE(
		run_prog("fputest", check, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(same_as_host(&r, "expected/fputest"));
	kfree(r.out);
}

/* The test's echo device: a read returns what the last write stored. */
struct echo {
	uint8_t data[64];
	size_t len;
};

static long echo_write(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct echo *e = ctx;
	size_t n = buf->size < sizeof(e->data) ? buf->size : sizeof(e->data);
	int err;

	(void)off;
	err = buf->get(buf, 0, e->data, n);
	if (err)
		return err;
	e->len = n;
	return (long)n;
}

static long echo_read(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct echo *e = ctx;
	size_t n = buf->size < e->len ? buf->size : e->len;
	int err;

	(void)off;
	err = buf->put(buf, 0, e->data, n);
	return err ? err : (long)n;
}

TEST(task, device_file_carries_requests_and_responses)
{
	static const struct fs_dev_ops ops = {echo_read, echo_write};
	static struct echo echo;
	static bool made;
	const char *argv[] = {"/bin/devtest", NULL};
	struct run r;

	ASSERT_EQ(task_init(), SVSM_OK);
	if (!made) {
		int r0 = fs_mkdir(fs_root(), "/dev");

		/* The vTPM's channel may have made /dev already. */
		ASSERT_TRUE(r0 == 0 || r0 == -17 /* EEXIST */);
		ASSERT_EQ(fs_mkdev("/dev/echo", &ops, &echo), 0);
		ASSERT_EQ(fs_mkdev("/dev/echo", &ops, &echo), -17 /* EEXIST */);
		made = true;
	}
	ASSERT_TRUE(
		run_prog("devtest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(output_is(&r, "fstat: character device\n"
				  "write: 16\n"
				  "read: 16 \"ping from a task\"\n"
				  "ftruncate: Invalid argument\n"
				  "open image file for writing: Read-only file "
				  "system\n"
				  "read image file: 4, ELF magic yes\n"
				  "/dev/echo type chr\n"
				  "exit=0\n"));
	/* The device saw the bytes, moved once into its own buffer. */
	EXPECT_EQ(echo.len, 16u);
	EXPECT_EQ(memcmp(echo.data, "ping from a task", 16), 0);
	kfree(r.out);
}

/*
 * A relay device for blocktest: a read returns the pending request once,
 * or makes the reader wait (FS_DEV_WAIT); a write stores the answer.
 */
struct relay {
	char req[16], ans[16];
	size_t req_len, ans_len;
	bool pending;
};

static long relay_read(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct relay *q = ctx;

	(void)off;
	if (!q->pending)
		return FS_DEV_WAIT;
	if (buf->size < q->req_len || buf->put(buf, 0, q->req, q->req_len))
		return -14;
	q->pending = false;
	return (long)q->req_len;
}

static long relay_write(void *ctx, uint64_t off, struct fs_buf *buf)
{
	struct relay *q = ctx;

	(void)off;
	if (buf->size > sizeof(q->ans) || buf->get(buf, 0, q->ans, buf->size))
		return -14;
	q->ans_len = buf->size;
	return (long)buf->size;
}

/* Hands `req` to the task behind q, resumes it, and checks the answer. */
static bool relay_round(struct task *t, struct relay *q, const char *req)
{
	struct task_result res;

	q->req_len = strlen(req);
	memcpy(q->req, req, q->req_len);
	q->pending = true;
	q->ans_len = 0;
	task_run(t, &res);
	REQUIRE_EQ(res.end, TASK_BLOCKED);
	REQUIRE_TRUE(task_alive(t));
	REQUIRE_EQ(q->pending, false);
	REQUIRE_EQ(q->ans_len, q->req_len);
	REQUIRE_EQ(q->ans[0], req[0] + 1);
	REQUIRE_EQ(memcmp(q->ans + 1, req + 1, q->req_len - 1), 0);
	return true;
}

TEST(task, tasks_block_in_device_reads_and_resume)
{
	static const struct fs_dev_ops ops = {relay_read, relay_write};
	static struct relay q[2];
	static bool made;
	const char *argv0[] = {"/bin/blocktest", "/dev/relay0", NULL};
	const char *argv1[] = {"/bin/blocktest", "/dev/relay1", NULL};
	struct task_limits lim = {TASK_DEFAULT_MAX_PAGES, 16, 2000};
	struct task *t[2] = {NULL, NULL};
	struct task_result res;
	const char *why;

	ASSERT_TRUE(svtest_unpack_initfs());
	if (!made) {
		int r0 = fs_mkdir(fs_root(), "/dev");

		ASSERT_TRUE(r0 == 0 || r0 == -17 /* EEXIST */);
		ASSERT_EQ(fs_mkdev("/dev/relay0", &ops, &q[0]), 0);
		ASSERT_EQ(fs_mkdev("/dev/relay1", &ops, &q[1]), 0);
		made = true;
	}
	ASSERT_EQ(task_create_path(argv0[0], argv0, NULL, &lim, &t[0], &why),
		  SVSM_OK);
	ASSERT_EQ(task_create_path(argv1[0], argv1, NULL, &lim, &t[1], &why),
		  SVSM_OK);
	/* Both start and wait in their first read: two blocked tasks. */
	task_run(t[0], &res);
	EXPECT_EQ(res.end, TASK_BLOCKED);
	task_run(t[1], &res);
	EXPECT_EQ(res.end, TASK_BLOCKED);
	/* Their rounds interleave; each resumes where it waited. */
	EXPECT_TRUE(relay_round(t[0], &q[0], "a-first"));
	EXPECT_TRUE(relay_round(t[1], &q[1], "b-first"));
	EXPECT_TRUE(relay_round(t[1], &q[1], "b-second"));
	EXPECT_TRUE(relay_round(t[0], &q[0], "a-second"));
	/* Blocked time is not running time: the 2 s limit never fires. */
	for (int i = 0; i < 50; i++)
		EXPECT_TRUE(relay_round(t[i & 1], &q[i & 1], "round"));
	/* An empty request ends one; the other goes on. */
	q[0].req_len = 0;
	q[0].pending = true;
	task_run(t[0], &res);
	EXPECT_EQ(res.end, TASK_EXITED);
	EXPECT_EQ(res.status, 0);
	EXPECT_TRUE(!task_alive(t[0]));
	task_run(t[0], &res); /* an ended task stays ended */
	EXPECT_EQ(res.end, TASK_EXITED);
	EXPECT_TRUE(relay_round(t[1], &q[1], "still here"));
	task_destroy(t[0]);
	task_destroy(t[1]);
}

TEST(task, file_system_node_limit_is_enospc)
{
	const char *argv[] = {"/bin/filetest", "nodes", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("filetest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_TRUE(output_is(&r, "mkdir many: 0\n"
				  "create: ENOSPC after more than 4000: yes\n"
				  "rmdir many: 0\n"
				  "exit=0\n"));
	kfree(r.out);
}

TEST(task, memory_process_time_calls_match_host)
{
	const char *argv[] = {"/bin/conftest", NULL};
	struct run r;

	ASSERT_TRUE(
		run_prog("conftest", argv, NULL, TASK_DEFAULT_MAX_PAGES, &r));
	EXPECT_EQ(r.res.end, TASK_EXITED);
	EXPECT_TRUE(same_as_host(&r, "expected/conftest"));
	kfree(r.out);
}
