/* SPDX-License-Identifier: MIT */
/*
 * CPUID from a task on SEV-SNP (kernel/plat/snp/vc_user.c): a #VC a task
 * raises with exit code 0x72 at a CPUID is answered from the CPUID page
 * exactly as the SVSM's own #VC handler (vc.c) answers it, with RIP moved
 * by the instruction's length; every other #VC, an unreadable RIP, an
 * instruction that is not CPUID, a prefix run over 15 bytes and a leaf
 * the page cannot answer end the task with the registers unchanged, and
 * nothing ever reaches the host. The task's memory is a fake: a window
 * of user addresses backed by a buffer, and a fetch that faults outside.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/arch/user.h"

#include "svsm/log.h"

#include "fake/fake.h"
#include "snp/vc.h"
#include "test.h"

/* ---- The task's memory ------------------------------------------------ */

#define MEM_PAGES 2u

static struct {
	uint64_t base; /* user address of mem[0]; the rest faults */
	uint8_t mem[MEM_PAGES * 4096];
	unsigned int calls;
	bool past_top; /* a fetch reached USER_TOP or beyond */
} umem;

static int fake_fetch(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	umem.calls++;
	if (uaddr >= USER_TOP || len > USER_TOP - uaddr)
		umem.past_top = true;
	if (uaddr < umem.base || len > sizeof(umem.mem) ||
	    uaddr - umem.base > sizeof(umem.mem) - len)
		return 1;
	memcpy(dst, umem.mem + (uaddr - umem.base), len);
	return 0;
}

/* Places the instruction bytes at user address rip (inside the window). */
static void put(uint64_t rip, const uint8_t *b, size_t n)
{
	memset(umem.mem, 0xcc, sizeof(umem.mem));
	memcpy(umem.mem + (rip - umem.base), b, n);
}

/* ---- The CPUID page and the CPU -------------------------------------- */

static struct snp_cpuid_page page;
static struct snp_cpuid_table table;
static struct snp_vc_env env;
static unsigned int host_calls;
static unsigned int saved_log_level;

static bool host_hook(unsigned int cpu, uint64_t *msr, void *ghcb)
{
	(void)cpu;
	(void)msr;
	(void)ghcb;
	host_calls++;
	return false;
}

static void add(uint32_t leaf, uint32_t subleaf, uint32_t a, uint32_t b,
		uint32_t c, uint32_t d)
{
	page.fn[page.count++] = (struct snp_cpuid_fn){.eax_in = leaf,
						      .ecx_in = subleaf,
						      .eax = a,
						      .ebx = b,
						      .ecx = c,
						      .edx = d};
}

/*
 * A page with the leaves glibc and OpenSSL ask for on an AMD host, and
 * an XSAVE component 2 (AVX, 256 bytes at 576); the CPU runs tasks with
 * XCR0 = x87|SSE|AVX and CR4.OSXSAVE set, as arch_user_init() leaves it.
 */
static bool setup(void)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_NONE); /* each refusal logs a notice */
	memset(&page, 0, sizeof(page));
	add(0x0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add(0x1, 0, 0x00a10f11, 0x00200800, 0x76d8320b, 0x178bfbff);
	add(0x7, 0, 0, 0x219c91a9, 0x00000010, 0);
	add(0x7, 1, 0x20, 0, 0, 0);
	add(0xd, 0, 0x7, 0xbad, 0x340, 0);
	add(0xd, 1, 0xf, 0xbad, 0, 0);
	add(0xd, 2, 256, 576, 0, 0);
	add(0x80000000, 0, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65);
	add(0x80000001, 0, 0x00a10f11, 0x40000000, 0x75c237ff, 0x2fd3fbff);
	add(0x80000005, 0, 0xff40ff40, 0xff40ff40, 0x20080140, 0x20080140);
	add(0x80000006, 0, 0x48002200, 0x68004200, 0x02006140, 0x02009140);
	add(0x80000008, 0, 0x3030, 0x791ef257, 0x703f, 0x10000);
	add(0x8000001d, 0, 0x4121, 0x1c0003f, 0x3f, 0);
	add(0x8000001d, 1, 0x4122, 0x1c0003f, 0x3f, 0);
	add(0x8000001e, 0, 0, 0x100, 0, 0);
	add(0x8000001f, 0, 0x1b, 51 | (1u << 6), 0, 0);
	REQUIRE_EQ(snp_cpuid_init(&table, &page), SVSM_OK);
	env = (struct snp_vc_env){
		.cpuid = &table,
		.cpu = {.xcr0 = 0x7, .osxsave = true, .apic_id = 2},
	};
	memset(&umem, 0, sizeof(umem));
	umem.base = 0x400000;
	host_calls = 0;
	fake_vmgexit_hook = host_hook;
	return true;
}

static void teardown(void)
{
	fake_vmgexit_hook = NULL;
	log_set_level(saved_log_level);
}

static struct user_regs task_regs(uint64_t rip, uint32_t leaf, uint32_t subleaf)
{
	return (struct user_regs){
		.vector = 29,
		.error_code = VC_EXIT_CPUID,
		.rip = rip,
		.cs = 0x33,
		.ss = 0x2b,
		.rflags = 0x202,
		.rsp = 0x7ffffffde000ull,
		.rax = 0xaaaaaaaa00000000ull | leaf,
		.rbx = 0xbbbbbbbbbbbbbbbbull,
		.rcx = 0xcccccccc00000000ull | subleaf,
		.rdx = 0xddddddddddddddddull,
		.r8 = 0x8888888888888888ull,
	};
}

static const uint8_t cpuid_insn[] = {0x0f, 0xa2};

/* ---- Answers ---------------------------------------------------------- */

TEST(snp_vc_user, leaves_equal_the_svsm_own_cpuid)
{
	/* glibc's init_cpu_features and OpenSSL's, then a few beyond. */
	static const uint32_t leaves[][2] = {
		{0x0, 0},	 {0x1, 0},	  {0x7, 0},
		{0x7, 1},	 {0xd, 0},	  {0xd, 1},
		{0xd, 2},	 {0xd, 5},	  {0x80000000, 0},
		{0x80000001, 0}, {0x80000005, 0}, {0x80000006, 0},
		{0x80000007, 0}, {0x80000008, 0}, {0x8000001d, 0},
		{0x8000001d, 1}, {0x8000001d, 9}, {0x8000001e, 0},
		{0x8000001f, 0}, {0x2, 0},	  {0x40000000, 0},
		{0x80000022, 0}, {0xffffffff, 7},
	};
	const uint64_t rip = 0x401000;

	ASSERT_TRUE(setup());
	put(rip, cpuid_insn, sizeof(cpuid_insn));
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct user_regs user =
			task_regs(rip, leaves[i][0], leaves[i][1]);
		struct user_regs svsm = user;

		EXPECT_EQ(snp_vc_user(&env, &user, fake_fetch, NULL), SVSM_OK);
		EXPECT_EQ(snp_vc_handle(&env, &svsm, cpuid_insn,
					sizeof(cpuid_insn)),
			  0u);
		EXPECT_EQ(memcmp(&user, &svsm, sizeof(user)), 0);
		EXPECT_EQ(user.rip, rip + 2);
		/* Results are 32-bit writes: the upper halves are zero. */
		EXPECT_EQ((user.rax | user.rbx | user.rcx | user.rdx) >> 32,
			  0ull);
		/* Nothing else changes. */
		EXPECT_EQ(user.r8, 0x8888888888888888ull);
		EXPECT_EQ(user.rsp, 0x7ffffffde000ull);
	}
	EXPECT_EQ(host_calls, 0u);
	teardown();
}

TEST(snp_vc_user, what_a_task_sees)
{
	const uint64_t rip = 0x401000;
	struct user_regs r;

	ASSERT_TRUE(setup());
	put(rip, cpuid_insn, sizeof(cpuid_insn));
	/* Leaf 1: OSXSAVE from CR4 (set), this CPU's APIC ID. */
	r = task_regs(rip, 0x1, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rax, 0x00a10f11ull);
	EXPECT_EQ(r.rbx, 0x02200800ull);
	EXPECT_EQ(r.rcx, 0x76d8320bull | (1ull << 27));
	EXPECT_EQ(r.rdx, 0x178bfbffull);
	/* Without CR4.OSXSAVE glibc must not see it (its XGETBV would #UD). */
	env.cpu.osxsave = false;
	r = task_regs(rip, 0x1, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rcx, 0x76d8320bull & ~(1ull << 27));
	env.cpu.osxsave = true;
	/* Leaf 7.0: OSPKE from CR4 (clear), whatever the page says. */
	r = task_regs(rip, 0x7, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rbx, 0x219c91a9ull);
	EXPECT_EQ(r.rcx, 0ull);
	/* Leaf 0xD.0 and 0xD.1: the XSAVE size for the tasks' XCR0. */
	r = task_regs(rip, 0xd, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rbx, 832ull);
	EXPECT_EQ(r.rax, 0x7ull);
	r = task_regs(rip, 0xd, 1);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rbx, 832ull);
	env.cpu.xcr0 = 0x3;
	r = task_regs(rip, 0xd, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rbx, 576ull);
	/* A leaf past the extended maximum: zeros, as on the page. */
	r = task_regs(rip, 0x80000022, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rax | r.rbx | r.rcx | r.rdx, 0ull);
	EXPECT_EQ(host_calls, 0u);
	teardown();
}

/* ---- RIP and the instruction's bytes --------------------------------- */

TEST(snp_vc_user, rip_moves_by_the_instruction_length)
{
	static const uint8_t rex_cpuid[] = {0x48, 0x0f, 0xa2};
	static const uint8_t seg_osize_cpuid[] = {0x2e, 0x66, 0x0f, 0xa2};
	uint8_t longest[VC_INSN_MAX];
	const uint64_t rip = 0x401234;
	struct user_regs r;

	ASSERT_TRUE(setup());
	put(rip, rex_cpuid, sizeof(rex_cpuid));
	r = task_regs(rip, 0x0, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, rip + 3);
	EXPECT_EQ(r.rax, 0xdull);
	put(rip, seg_osize_cpuid, sizeof(seg_osize_cpuid));
	r = task_regs(rip, 0x0, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, rip + 4);
	/* 13 prefixes and CPUID: 15 bytes, the longest legal instruction. */
	memset(longest, 0x3e, sizeof(longest));
	longest[13] = 0x0f;
	longest[14] = 0xa2;
	put(rip, longest, sizeof(longest));
	r = task_regs(rip, 0x0, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, rip + 15);
	teardown();
}

TEST(snp_vc_user, cpuid_at_the_end_of_the_readable_memory)
{
	const uint64_t end = 0x400000 + sizeof(umem.mem);
	struct user_regs r;

	ASSERT_TRUE(setup());
	/* The last two readable bytes: the page after them faults. */
	put(end - 2, cpuid_insn, sizeof(cpuid_insn));
	r = task_regs(end - 2, 0x1, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, end);
	/* Across a page boundary inside the readable memory. */
	put(0x400fff, cpuid_insn, sizeof(cpuid_insn));
	r = task_regs(0x400fff, 0x1, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, 0x401001ull);
	/* Below USER_TOP: the fetch never asks for bytes at or above it. */
	umem.base = USER_TOP - sizeof(umem.mem);
	put(USER_TOP - 2, cpuid_insn, sizeof(cpuid_insn));
	r = task_regs(USER_TOP - 2, 0x1, 0);
	ASSERT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), SVSM_OK);
	EXPECT_EQ(r.rip, USER_TOP);
	EXPECT_FALSE(umem.past_top);
	teardown();
}

/* ---- What ends the task ---------------------------------------------- */

static void expect_refused(uint64_t rip, uint64_t exit_code, enum svsm_err want)
{
	struct user_regs r = task_regs(rip, 0x1, 0);
	struct user_regs before;

	r.error_code = exit_code;
	before = r;
	EXPECT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL), want);
	EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
}

TEST(snp_vc_user, other_instructions_end_the_task)
{
	static const uint8_t rdmsr[] = {0x0f, 0x32};
	static const uint8_t out_dx[] = {0xee};
	static const uint8_t nop[] = {0x90, 0x0f, 0xa2};
	static const uint8_t lock_cpuid[] = {0xf0, 0x0f, 0xa2};
	static const uint8_t rex_rex_cpuid[] = {0x48, 0x48, 0x0f, 0xa2};
	static const uint8_t cpuid_cut[] = {0x0f};
	uint8_t too_long[VC_INSN_MAX + 1];
	const uint64_t rip = 0x401000;

	ASSERT_TRUE(setup());
	put(rip, rdmsr, sizeof(rdmsr));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	put(rip, out_dx, sizeof(out_dx));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	put(rip, nop, sizeof(nop));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	put(rip, lock_cpuid, sizeof(lock_cpuid));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	put(rip, rex_rex_cpuid, sizeof(rex_rex_cpuid));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	/* 14 prefixes and CPUID: 16 bytes, over the limit. */
	memset(too_long, 0x2e, sizeof(too_long));
	too_long[14] = 0x0f;
	too_long[15] = 0xa2;
	put(rip, too_long, sizeof(too_long));
	expect_refused(rip, VC_EXIT_CPUID, SVSM_E_INVAL);
	/* Prefixes up to the end of the readable memory. */
	memset(umem.mem, 0x66, sizeof(umem.mem));
	expect_refused(0x400000 + sizeof(umem.mem) - 5, VC_EXIT_CPUID,
		       SVSM_E_INVAL);
	/* 0F on the last readable byte, A2 on a page that faults. */
	put(0x400000 + sizeof(umem.mem) - 1, cpuid_cut, sizeof(cpuid_cut));
	expect_refused(0x400000 + sizeof(umem.mem) - 1, VC_EXIT_CPUID,
		       SVSM_E_INVAL);
	EXPECT_EQ(host_calls, 0u);
	teardown();
}

TEST(snp_vc_user, unreadable_rip_ends_the_task)
{
	ASSERT_TRUE(setup());
	put(0x401000, cpuid_insn, sizeof(cpuid_insn));
	expect_refused(0x3ff000, VC_EXIT_CPUID, SVSM_E_FAULT);
	expect_refused(0x400000 + sizeof(umem.mem), VC_EXIT_CPUID,
		       SVSM_E_FAULT);
	/* Kernel and non-canonical addresses are never fetched. */
	umem.calls = 0;
	expect_refused(USER_TOP, VC_EXIT_CPUID, SVSM_E_FAULT);
	expect_refused(0xffffffff80001000ull, VC_EXIT_CPUID, SVSM_E_FAULT);
	expect_refused(0x0000800000000000ull, VC_EXIT_CPUID, SVSM_E_FAULT);
	EXPECT_EQ(umem.calls, 0u);
	EXPECT_FALSE(umem.past_top);
	teardown();
}

TEST(snp_vc_user, other_exits_end_the_task_unread)
{
	static const uint64_t exits[] = {
		VC_EXIT_IOIO,
		VC_EXIT_MSR,
		0x404 /* unvalidated page */,
		0x6e /* RDTSC */,
		0x87 /* RDTSCP */,
		0x81 /* VMMCALL */,
		0x8000000000000000ull /* MMIO read */,
		0,
		0x72ull | (1ull << 32),
	};

	ASSERT_TRUE(setup());
	/* Even with a CPUID at RIP: the exit code must be CPUID's. */
	put(0x401000, cpuid_insn, sizeof(cpuid_insn));
	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++)
		expect_refused(0x401000, exits[i], SVSM_E_UNSUPPORTED);
	EXPECT_EQ(umem.calls, 0u);
	EXPECT_EQ(host_calls, 0u);
	teardown();
}

TEST(snp_vc_user, leaf_the_page_cannot_answer_ends_the_task)
{
	ASSERT_TRUE(setup());
	put(0x401000, cpuid_insn, sizeof(cpuid_insn));
	/* AVX-512 enabled, but the page has no leaf 0xD.5. */
	env.cpu.xcr0 = 0xe7;
	{
		struct user_regs r = task_regs(0x401000, 0xd, 0);
		struct user_regs before = r;

		EXPECT_EQ(snp_vc_user(&env, &r, fake_fetch, NULL),
			  SVSM_E_INVAL);
		EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
	}
	EXPECT_EQ(host_calls, 0u);
	teardown();
}
