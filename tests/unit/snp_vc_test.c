/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's #VC handling (kernel/plat/snp/vc_decode.c, vc.c): the decoder
 * accepts exactly the instructions of each exit in the forms csvsm
 * executes, refuses everything else, and never reads past the bytes it
 * is given; the handler answers CPUID from the CPUID page, forwards IN,
 * OUT, RDMSR and WRMSR through the GHCB to a test host (the model
 * hypervisor of sim/hv.c, with the IOIO and MSR events served here), and
 * leaves the registers alone and names a termination reason whenever it
 * cannot emulate.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/arch/user.h"

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp_term.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/ghcb.h"
#include "snp/vc.h"
#include "test.h"

/* ---- The decoder ------------------------------------------------------- */

static bool decodes(uint64_t exit, const uint8_t *b, size_t n,
		    struct vc_insn *d)
{
	return vc_decode(exit, b, n, d) == SVSM_OK;
}

TEST(vc_decode, cpuid_and_msrs)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2};
	static const uint8_t rdmsr[] = {0x0f, 0x32};
	static const uint8_t wrmsr[] = {0x0f, 0x30};
	static const uint8_t rex_cpuid[] = {0x48, 0x0f, 0xa2};
	struct vc_insn d;

	ASSERT_TRUE(decodes(VC_EXIT_CPUID, cpuid, 2, &d));
	EXPECT_EQ(d.kind, VC_INSN_CPUID);
	EXPECT_EQ(d.len, 2);
	ASSERT_TRUE(decodes(VC_EXIT_MSR, rdmsr, 2, &d));
	EXPECT_EQ(d.kind, VC_INSN_RDMSR);
	ASSERT_TRUE(decodes(VC_EXIT_MSR, wrmsr, 2, &d));
	EXPECT_EQ(d.kind, VC_INSN_WRMSR);
	ASSERT_TRUE(decodes(VC_EXIT_CPUID, rex_cpuid, 3, &d));
	EXPECT_EQ(d.len, 3);
	/* Bytes after the instruction do not matter. */
	ASSERT_TRUE(decodes(VC_EXIT_CPUID, rex_cpuid, 3, &d));
}

TEST(vc_decode, in_and_out)
{
	static const uint8_t out_dx_al[] = {0xee};
	static const uint8_t in_al_dx[] = {0xec};
	static const uint8_t in_ax_dx[] = {0x66, 0xed};
	static const uint8_t out_imm_eax[] = {0xe7, 0xf4};
	static const uint8_t in_al_imm[] = {0xe4, 0x80};
	static const uint8_t rexw_out[] = {0x48, 0xef}; /* REX.W: still 4 */
	static const uint8_t a32_out[] = {0x67, 0xee};
	static const uint8_t seg_in[] = {0x2e, 0x66, 0xed};
	struct vc_insn d;

	ASSERT_TRUE(decodes(VC_EXIT_IOIO, out_dx_al, 1, &d));
	EXPECT_EQ(d.kind, VC_INSN_OUT);
	EXPECT_EQ(d.size, 1);
	EXPECT_TRUE(d.port_in_dx);
	EXPECT_EQ(d.len, 1);
	EXPECT_EQ(d.addr_size, 8);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, in_al_dx, 1, &d));
	EXPECT_EQ(d.kind, VC_INSN_IN);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, in_ax_dx, 2, &d));
	EXPECT_EQ(d.size, 2);
	EXPECT_EQ(d.len, 2);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, out_imm_eax, 2, &d));
	EXPECT_EQ(d.kind, VC_INSN_OUT);
	EXPECT_EQ(d.size, 4);
	EXPECT_FALSE(d.port_in_dx);
	EXPECT_EQ(d.imm_port, 0xf4);
	EXPECT_EQ(d.len, 2);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, in_al_imm, 2, &d));
	EXPECT_EQ(d.kind, VC_INSN_IN);
	EXPECT_EQ(d.imm_port, 0x80);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, rexw_out, 2, &d));
	EXPECT_EQ(d.size, 4);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, a32_out, 2, &d));
	EXPECT_EQ(d.addr_size, 4);
	ASSERT_TRUE(decodes(VC_EXIT_IOIO, seg_in, 3, &d));
	EXPECT_EQ(d.size, 2);
	EXPECT_EQ(d.len, 3);
}

TEST(vc_decode, instruction_must_match_the_exit)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2};
	static const uint8_t rdmsr[] = {0x0f, 0x32};
	static const uint8_t out[] = {0xee};
	static const uint8_t nop[] = {0x90};
	static const uint8_t mov[] = {0x48, 0x89, 0xc3};
	struct vc_insn d;

	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, cpuid, 2, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_MSR, cpuid, 2, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, rdmsr, 2, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, out, 1, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_MSR, out, 1, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, nop, 1, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, mov, 3, &d), SVSM_E_INVAL);
	/* Exits csvsm does not emulate at all. */
	EXPECT_EQ(vc_decode(0x6e /* RDTSC */, nop, 1, &d), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(GHCB_EXIT_MMIO_READ, mov, 3, &d),
		  SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(0x404, mov, 3, &d), SVSM_E_UNSUPPORTED);
}

TEST(vc_decode, forms_csvsm_never_executes)
{
	static const uint8_t outsb[] = {0x6e};
	static const uint8_t rep_insd[] = {0xf3, 0x6d};
	static const uint8_t rep_out[] = {0xf3, 0xee};
	static const uint8_t lock_cpuid[] = {0xf0, 0x0f, 0xa2};
	static const uint8_t repne_cpuid[] = {0xf2, 0x0f, 0xa2};
	struct vc_insn d;

	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, outsb, 1, &d), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, rep_insd, 2, &d), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, rep_out, 2, &d), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, lock_cpuid, 3, &d),
		  SVSM_E_UNSUPPORTED);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, repne_cpuid, 3, &d),
		  SVSM_E_UNSUPPORTED);
}

TEST(vc_decode, bounded_by_the_bytes_given)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2};
	static const uint8_t in_imm[] = {0xe4, 0x80};
	static const uint8_t rex_rex[] = {0x48, 0x48, 0x0f, 0xa2};
	static const uint8_t rex_then_prefix[] = {0x48, 0x66, 0xef};
	uint8_t prefixes[32];
	struct vc_insn d;

	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, cpuid, 0, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, cpuid, 1, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, in_imm, 1, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, rex_rex, 4, &d), SVSM_E_INVAL);
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, rex_then_prefix, 3, &d),
		  SVSM_E_INVAL);

	/* 13 prefixes + CPUID = 15 bytes: the longest legal instruction. */
	memset(prefixes, 0x2e, sizeof(prefixes));
	prefixes[13] = 0x0f;
	prefixes[14] = 0xa2;
	ASSERT_TRUE(decodes(VC_EXIT_CPUID, prefixes, sizeof(prefixes), &d));
	EXPECT_EQ(d.len, 15);
	/* 14 prefixes + CPUID = 16 bytes: over the limit, whatever avail. */
	prefixes[13] = 0x2e;
	prefixes[14] = 0x0f;
	prefixes[15] = 0xa2;
	EXPECT_EQ(vc_decode(VC_EXIT_CPUID, prefixes, sizeof(prefixes), &d),
		  SVSM_E_INVAL);
	/* Only prefixes, as many as the buffer has. */
	memset(prefixes, 0x66, sizeof(prefixes));
	EXPECT_EQ(vc_decode(VC_EXIT_IOIO, prefixes, sizeof(prefixes), &d),
		  SVSM_E_INVAL);
}

/* ---- The handler, against the model hypervisor and a test device ------ */

#define MEM_SIZE (4ull << 20)
#define GHCB_A	 (FAKE_PHYS_BASE + 0x1000)

static struct snp_cpuid_page cpuid_page;
static struct snp_cpuid_table cpuid_table;
static struct snp_vc_env env;
static unsigned int saved_log_level;

/* What the test host saw and answers. */
static struct {
	unsigned int ioio;
	unsigned int msr;
	uint64_t info1;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t in_value;  /* the device's answer to IN */
	uint64_t msr_value; /* the MSR's value for RDMSR */
	bool drop_rax;	    /* answer IN/RDMSR without RAX */
	bool refuse;	    /* answer with EXITINFO1 = 2 */
} host;

static void answer(struct ghcb *g, uint64_t *field, uint64_t v)
{
	*field = v;
	ghcb_bitmap_set(g->valid_bitmap,
			(size_t)((uint8_t *)field - (uint8_t *)g));
}

/*
 * The IOIO and MSR events, served as KVM serves them from its device and
 * MSR emulation; everything else goes to the model hypervisor.
 */
static bool test_host(unsigned int cpu, uint64_t *msr, void *page)
{
	struct ghcb *g = page;
	uint64_t code;
	uint64_t valid[2];

	if (!g || *msr != GHCB_A)
		return sim_hv_vmgexit(cpu, msr, page);
	code = g->sw_exit_code;
	if (code != GHCB_EXIT_IOIO && code != GHCB_EXIT_MSR)
		return sim_hv_vmgexit(cpu, msr, page);
	memcpy(valid, g->valid_bitmap, sizeof(valid));
	host.info1 = g->sw_exit_info_1;
	host.rax = ghcb_bitmap_test(valid, offsetof(struct ghcb, rax)) ? g->rax
								       : 0xdead;
	host.rcx = ghcb_bitmap_test(valid, offsetof(struct ghcb, rcx)) ? g->rcx
								       : 0xdead;
	host.rdx = ghcb_bitmap_test(valid, offsetof(struct ghcb, rdx)) ? g->rdx
								       : 0xdead;
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	answer(g, &g->sw_exit_info_1, host.refuse ? 2 : 0);
	answer(g, &g->sw_exit_info_2, host.refuse ? GHCB_ERR_INVALID_INPUT : 0);
	if (code == GHCB_EXIT_IOIO) {
		host.ioio++;
		if ((host.info1 & GHCB_IOIO_TYPE_IN) && !host.drop_rax)
			answer(g, &g->rax, host.in_value);
	} else {
		host.msr++;
		if (host.info1 == 0 && !host.drop_rax) {
			answer(g, &g->rax, (uint32_t)host.msr_value);
			answer(g, &g->rdx, host.msr_value >> 32);
		}
	}
	return false;
}

static void add_leaf(uint32_t leaf, uint32_t a, uint32_t b, uint32_t c,
		     uint32_t d)
{
	cpuid_page.fn[cpuid_page.count++] = (struct snp_cpuid_fn){
		.eax_in = leaf, .eax = a, .ebx = b, .ecx = c, .edx = d};
}

static bool setup(void)
{
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_NONE); /* the refusals log errors */
	REQUIRE_EQ(fake_mm_init(MEM_SIZE), FAKE_PHYS_BASE);
	sim_rmp_fini(&fake_snp_rmp);
	REQUIRE_TRUE(sim_rmp_init(&fake_snp_rmp, FAKE_PHYS_BASE, MEM_SIZE));
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	ghcb_reset();
	REQUIRE_EQ(ghcb_negotiate(NULL), SVSM_OK);
	REQUIRE_EQ(ghcb_register(pa_init(GHCB_A)), SVSM_OK);
	fake_vmgexit_hook = test_host;
	memset(&host, 0, sizeof(host));

	memset(&cpuid_page, 0, sizeof(cpuid_page));
	add_leaf(0x0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add_leaf(0x1, 0x00a10f11, 0x00200800, 0x76d8320b, 0x178bfbff);
	add_leaf(0x80000000, 0x80000021, 0, 0, 0);
	add_leaf(0x8000001f, 0x1b, 51 | (1u << 6), 0, 0);
	REQUIRE_EQ(snp_cpuid_init(&cpuid_table, &cpuid_page), SVSM_OK);
	env = (struct snp_vc_env){
		.cpuid = &cpuid_table,
		.cpu = {.xcr0 = 1, .osxsave = false, .apic_id = 3},
	};
	return true;
}

static void teardown(void)
{
	fake_vmgexit_hook = NULL;
	fake_snp_hv_stop();
	ghcb_reset();
	sim_rmp_fini(&fake_snp_rmp);
	fake_mm_free();
	log_set_level(saved_log_level);
}

static struct user_regs vc_regs(uint64_t exit_code)
{
	return (struct user_regs){
		.vector = 29,
		.error_code = exit_code,
		.rip = 0xffffffff80001000ull,
		.rax = 0x1111111111111111ull,
		.rbx = 0x2222222222222222ull,
		.rcx = 0x3333333333333333ull,
		.rdx = 0x4444444444444444ull,
	};
}

TEST(snp_vc, cpuid_from_the_page)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2, 0xcc, 0xcc};
	struct user_regs r;

	ASSERT_TRUE(setup());
	r = vc_regs(VC_EXIT_CPUID);
	r.rax = 0xffffffff00000001ull; /* only EAX selects the leaf */
	EXPECT_EQ(snp_vc_handle(&env, &r, cpuid, sizeof(cpuid)), 0u);
	EXPECT_EQ(r.rax, 0x00a10f11ull);
	/* Leaf 1 EBX[31:24] is this CPU's APIC ID, not the page's. */
	EXPECT_EQ(r.rbx, 0x03200800ull);
	EXPECT_EQ(r.rcx, 0x76d8320bull & ~(1ull << 27)); /* OSXSAVE off */
	EXPECT_EQ(r.rdx, 0x178bfbffull);
	EXPECT_EQ(r.rip, 0xffffffff80001002ull);

	/* The memory-encryption leaf, as the page has it. */
	r = vc_regs(VC_EXIT_CPUID);
	r.rax = 0x8000001f;
	EXPECT_EQ(snp_vc_handle(&env, &r, cpuid, sizeof(cpuid)), 0u);
	EXPECT_EQ(r.rax, 0x1bull);
	EXPECT_EQ(r.rbx, 51ull | (1u << 6));
	/* A leaf in range but absent reads as zeros. */
	r = vc_regs(VC_EXIT_CPUID);
	r.rax = 0x80000008;
	EXPECT_EQ(snp_vc_handle(&env, &r, cpuid, sizeof(cpuid)), 0u);
	EXPECT_EQ(r.rax | r.rbx | r.rcx | r.rdx, 0ull);
	/* Nothing went to the host. */
	EXPECT_EQ(host.ioio + host.msr, 0u);
	teardown();
}

TEST(snp_vc, cpuid_the_page_cannot_answer)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2};
	struct user_regs r;
	struct user_regs before;

	ASSERT_TRUE(setup());
	/* XSAVE size with AVX enabled, but no leaf 0xD.2 on the page. */
	env.cpu.xcr0 = 0x7;
	r = vc_regs(VC_EXIT_CPUID);
	r.rax = 0xd;
	r.rcx = 0;
	before = r;
	EXPECT_EQ(snp_vc_handle(&env, &r, cpuid, sizeof(cpuid)),
		  (unsigned int)SNP_TERM_CPUID);
	EXPECT_EQ(snp_vc_reason_set(SNP_TERM_CPUID),
		  (unsigned int)SNP_TERM_SET_LINUX);
	EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
	teardown();
}

TEST(snp_vc, port_io_through_the_ghcb)
{
	static const uint8_t out_dx_al[] = {0xee};
	static const uint8_t in_al_dx[] = {0xec};
	static const uint8_t in_ax_dx[] = {0x66, 0xed};
	static const uint8_t in_eax_imm[] = {0xe5, 0x71};
	static const uint8_t out_imm_eax[] = {0xe7, 0xf4};
	struct user_regs r;

	ASSERT_TRUE(setup());
	/* OUT DX, AL: port 0x3f8, one byte, only AL is sent. */
	r = vc_regs(VC_EXIT_IOIO);
	r.rdx = 0xffff03f8;
	r.rax = 0x12345641;
	EXPECT_EQ(snp_vc_handle(&env, &r, out_dx_al, 1), 0u);
	EXPECT_EQ(host.ioio, 1u);
	EXPECT_EQ(host.info1, (0x3f8ull << 16) | GHCB_IOIO_SZ8 | GHCB_IOIO_A64);
	EXPECT_EQ(host.rax, 0x41ull);
	EXPECT_EQ(r.rax, 0x12345641ull);
	EXPECT_EQ(r.rip, 0xffffffff80001001ull);

	/* IN AL, DX: AL replaced, the rest of RAX kept. */
	r = vc_regs(VC_EXIT_IOIO);
	r.rdx = 0x3fd;
	host.in_value = 0xffffff60;
	EXPECT_EQ(snp_vc_handle(&env, &r, in_al_dx, 1), 0u);
	EXPECT_EQ(host.info1, (0x3fdull << 16) | GHCB_IOIO_SZ8 | GHCB_IOIO_A64 |
				      GHCB_IOIO_TYPE_IN);
	EXPECT_EQ(host.rax, 0xdeadull); /* IN sends no RAX */
	EXPECT_EQ(r.rax, 0x1111111111111160ull);

	/* IN AX, DX. */
	r = vc_regs(VC_EXIT_IOIO);
	r.rdx = 0xcfc;
	host.in_value = 0xabcd1234;
	EXPECT_EQ(snp_vc_handle(&env, &r, in_ax_dx, 2), 0u);
	EXPECT_EQ(host.info1 & GHCB_IOIO_SZ16, GHCB_IOIO_SZ16);
	EXPECT_EQ(r.rax, 0x1111111111111234ull);
	EXPECT_EQ(r.rip, 0xffffffff80001002ull);

	/* IN EAX, imm8: a 32-bit result zero-extends RAX. */
	r = vc_regs(VC_EXIT_IOIO);
	host.in_value = 0xfedcba9876543210ull;
	EXPECT_EQ(snp_vc_handle(&env, &r, in_eax_imm, 2), 0u);
	EXPECT_EQ(host.info1 >> 16, 0x71ull);
	EXPECT_EQ(r.rax, 0x76543210ull);

	/* OUT imm8, EAX: isa-debug-exit's port, four bytes. */
	r = vc_regs(VC_EXIT_IOIO);
	r.rax = 0xaaaaaaaa00000023ull;
	EXPECT_EQ(snp_vc_handle(&env, &r, out_imm_eax, 2), 0u);
	EXPECT_EQ(host.info1, (0xf4ull << 16) | GHCB_IOIO_SZ32 | GHCB_IOIO_A64);
	EXPECT_EQ(host.rax, 0x23ull);
	EXPECT_EQ(host.ioio, 5u);
	teardown();
}

TEST(snp_vc, msrs_through_the_ghcb)
{
	static const uint8_t rdmsr[] = {0x0f, 0x32};
	static const uint8_t wrmsr[] = {0x0f, 0x30};
	struct user_regs r;

	ASSERT_TRUE(setup());
	r = vc_regs(VC_EXIT_MSR);
	r.rcx = 0xffffffff0000001bull; /* IA32_APIC_BASE; ECX only */
	host.msr_value = 0x00000001fee00900ull;
	EXPECT_EQ(snp_vc_handle(&env, &r, rdmsr, 2), 0u);
	EXPECT_EQ(host.info1, 0ull);
	EXPECT_EQ(host.rcx, 0x1bull);
	EXPECT_EQ(r.rax, 0xfee00900ull);
	EXPECT_EQ(r.rdx, 0x1ull);
	EXPECT_EQ(r.rip, 0xffffffff80001002ull);

	r = vc_regs(VC_EXIT_MSR);
	r.rcx = 0x830;
	r.rax = 0xffffffff000c4500ull; /* EAX and EDX only */
	r.rdx = 0xeeeeeeee00000007ull;
	EXPECT_EQ(snp_vc_handle(&env, &r, wrmsr, 2), 0u);
	EXPECT_EQ(host.info1, 1ull);
	EXPECT_EQ(host.rcx, 0x830ull);
	EXPECT_EQ(host.rax, 0xc4500ull);
	EXPECT_EQ(host.rdx, 0x7ull);
	EXPECT_EQ(r.rax, 0xffffffff000c4500ull);
	EXPECT_EQ(host.msr, 2u);
	teardown();
}

TEST(snp_vc, host_failures_change_nothing)
{
	static const uint8_t in_al_dx[] = {0xec};
	static const uint8_t rdmsr[] = {0x0f, 0x32};
	struct user_regs r;
	struct user_regs before;

	ASSERT_TRUE(setup());
	/* The host refuses the event. */
	host.refuse = true;
	r = vc_regs(VC_EXIT_IOIO);
	before = r;
	EXPECT_EQ(snp_vc_handle(&env, &r, in_al_dx, 1),
		  (unsigned int)SNP_TERM_VC_HOST);
	EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
	/* The host answers IN and RDMSR without the value. */
	host.refuse = false;
	host.drop_rax = true;
	EXPECT_EQ(snp_vc_handle(&env, &r, in_al_dx, 1),
		  (unsigned int)SNP_TERM_VC_HOST);
	r = vc_regs(VC_EXIT_MSR);
	before = r;
	EXPECT_EQ(snp_vc_handle(&env, &r, rdmsr, 2),
		  (unsigned int)SNP_TERM_VC_HOST);
	EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
	EXPECT_EQ(snp_vc_reason_set(SNP_TERM_VC_HOST),
		  (unsigned int)SNP_TERM_SET_CSVSM);
	/* No GHCB on this CPU: nothing reaches any host. */
	host.drop_rax = false;
	ghcb_reset();
	r = vc_regs(VC_EXIT_IOIO);
	EXPECT_EQ(snp_vc_handle(&env, &r, in_al_dx, 1),
		  (unsigned int)SNP_TERM_VC_HOST);
	EXPECT_EQ(host.ioio, 2u);
	teardown();
}

TEST(snp_vc, made_up_exceptions_are_refused)
{
	static const uint8_t cpuid[] = {0x0f, 0xa2};
	static const uint8_t mov[] = {0x48, 0x89, 0xc3};
	struct user_regs r;
	struct user_regs before;

	ASSERT_TRUE(setup());
	/* A host-injected #VC claiming port I/O at a CPUID. */
	r = vc_regs(VC_EXIT_IOIO);
	before = r;
	EXPECT_EQ(snp_vc_handle(&env, &r, cpuid, 2),
		  (unsigned int)SNP_TERM_VC_DECODE);
	EXPECT_EQ(memcmp(&r, &before, sizeof(r)), 0);
	/* An exit csvsm does not emulate (MMIO, RDTSC, an unvalidated page). */
	r = vc_regs(GHCB_EXIT_MMIO_WRITE);
	EXPECT_EQ(snp_vc_handle(&env, &r, mov, 3),
		  (unsigned int)SNP_TERM_VC_UNSUPPORTED);
	r = vc_regs(0x404);
	EXPECT_EQ(snp_vc_handle(&env, &r, mov, 3),
		  (unsigned int)SNP_TERM_VC_UNSUPPORTED);
	EXPECT_EQ(host.ioio + host.msr, 0u);
	teardown();
}
