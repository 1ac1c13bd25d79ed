/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of tools/csvsm-run/vpctx.c (vpctx_to_stub): turning an IGVM
 * native VP context into the reset stub's context block. Driven directly
 * with hand-made contexts: the builder's own context and one with every
 * register set are accepted and land at the resetstub.h offsets; each mode
 * the stub cannot start (paging, long mode, rflags, wide registers, r8-r15,
 * bad selectors or segments, a short context) is refused with a message and
 * leaves the stub untouched. A context with its own GDTR is checked against
 * the GDT in the built image (launcher_helpers.h).
 */
#include <string.h>

#include "abi/igvm.h"

#include "launch.h"
#include "launcher_helpers.h"
#include "resetstub.h"
#include "test.h"

TEST(launcher, vpctx_accepts_builder_context)
{
	struct igvm_native_vp_context_x64 c = lfix_builder_context();
	uint8_t stub[STUB_CTX_END + 16];
	char err[256] = "";

	memset(stub, STUB_CANARY, sizeof(stub));
	ASSERT_EQ(vpctx_to_stub((const uint8_t *)&c, sizeof(c), NULL, stub, err,
				sizeof(err)),
		  0);
	EXPECT_EQ(lfix_get32(stub, STUB_FAR_EIP), ENTRY);
	EXPECT_EQ(lfix_get16(stub, STUB_FAR_CS), 0x08);
	EXPECT_EQ(lfix_get32(stub, STUB_ESI), BOOT_INFO);
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x08), CODE_DESC);
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x10), DATA_DESC);
	EXPECT_EQ(stub[STUB_CTX_END], STUB_CANARY);
}

TEST(launcher, vpctx_register_values)
{
	struct igvm_native_vp_context_x64 c = lfix_builder_context();
	uint8_t stub[STUB_CTX_END];
	char err[256] = "";

	c.rax = 0x11111111;
	c.rbx = 0x22222222;
	c.rcx = 0x33333333;
	c.rdx = 0x44444444;
	c.rdi = 0x55555555;
	c.rbp = 0x66666666;
	c.rsp = 0x77777777;
	c.cr3 = 0x1000;
	c.cr4 = 0x20;
	c.efer = 0x500000001ull; /* SCE, and a high bit that is not LME */
	c.idtr_base = 0x12345678;
	c.idtr_limit = 0x7ff;
	c.code_selector = 0x18;
	c.data_selector = 0x20;
	c.code_base = 0x1000;
	c.code_limit = 0xfffff; /* byte granular */
	c.code_attributes = 0x409b;
	ASSERT_EQ(vpctx_to_stub((const uint8_t *)&c, sizeof(c), NULL, stub, err,
				sizeof(err)),
		  0);
	EXPECT_EQ(lfix_get32(stub, STUB_EAX), 0x11111111);
	EXPECT_EQ(lfix_get32(stub, STUB_EBX), 0x22222222);
	EXPECT_EQ(lfix_get32(stub, STUB_ECX), 0x33333333);
	EXPECT_EQ(lfix_get32(stub, STUB_EDX), 0x44444444);
	EXPECT_EQ(lfix_get32(stub, STUB_EDI), 0x55555555);
	EXPECT_EQ(lfix_get32(stub, STUB_EBP), 0x66666666);
	EXPECT_EQ(lfix_get32(stub, STUB_ESP), 0x77777777);
	EXPECT_EQ(lfix_get32(stub, STUB_CR3), 0x1000);
	EXPECT_EQ(lfix_get32(stub, STUB_CR4), 0x20);
	EXPECT_EQ(lfix_get32(stub, STUB_EFER_LO), 1);
	EXPECT_EQ(lfix_get32(stub, STUB_EFER_HI), 5);
	EXPECT_EQ(lfix_get16(stub, STUB_TGT_IDTR), 0x7ff);
	EXPECT_EQ(lfix_get32(stub, STUB_TGT_IDTR + 2), 0x12345678);
	EXPECT_EQ(lfix_get16(stub, STUB_FAR_CS), 0x18);
	EXPECT_EQ(lfix_get16(stub, STUB_DATA_SEL), 0x20);
	/* Base 0x1000, byte-granular limit 0xfffff, D bit, type 0x9b. */
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x18), 0x004f9b001000ffffull);
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x20), DATA_DESC);
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x08), 0);
}

/* vpctx_to_stub must refuse c, say why, and leave the stub alone. */
static void expect_vpctx_rejects(const struct igvm_native_vp_context_x64 *c,
				 const struct igvm_file *f, int line)
{
	uint8_t stub[STUB_CTX_END + 8];
	char err[256] = "";

	memset(stub, STUB_CANARY, sizeof(stub));
	if (vpctx_to_stub((const uint8_t *)c, sizeof(*c), f, stub, err,
			  sizeof(err)) == 0) {
		test_fail(__FILE__, line,
			  "vpctx_to_stub accepted a bad context");
		return;
	}
	if (!err[0])
		test_fail(__FILE__, line, "vpctx_to_stub: no message");
	for (size_t i = 0; i < sizeof(stub); i++) {
		if (stub[i] != STUB_CANARY) {
			test_fail(__FILE__, line,
				  "vpctx_to_stub wrote the stub on failure");
			break;
		}
	}
}

#define EXPECT_VPCTX_REJECTS(c) expect_vpctx_rejects(&(c), NULL, __LINE__)

TEST(launcher, vpctx_rejects_modes)
{
	struct igvm_native_vp_context_x64 c;

	c = lfix_builder_context();
	c.cr0 |= 0x80000000; /* paging */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.cr0 = 0x10; /* real mode */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.efer = 0x100; /* LME */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.rflags = 0x202;
	EXPECT_VPCTX_REJECTS(c);
	c.rflags = 0;
	EXPECT_VPCTX_REJECTS(c);
}

TEST(launcher, vpctx_rejects_wide_registers)
{
	struct igvm_native_vp_context_x64 c;

	c = lfix_builder_context();
	c.rsp = 1ull << 32;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.rip = 0x100000000ull + ENTRY;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.rsi = 0xffffffff00000000ull | BOOT_INFO;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.cr3 = 1ull << 40;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.gdtr_base = 1ull << 32;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.r8 = 1;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.r15 = 1ull << 63;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.gs_base = 0x1000; /* differs from data_base 0 */
	EXPECT_VPCTX_REJECTS(c);
}

TEST(launcher, vpctx_rejects_selectors)
{
	struct igvm_native_vp_context_x64 c;

	c = lfix_builder_context();
	c.code_selector = 0;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_selector = 0;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.code_selector = 0x0c; /* TI: LDT */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_selector = 0x14;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_selector = 0x08; /* same slot as code */
	EXPECT_VPCTX_REJECTS(c);
	c.data_selector = 0x0b; /* same slot, different RPL */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.code_selector = STUB_CS32; /* the stub's own slots */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_selector = STUB_DS32;
	EXPECT_VPCTX_REJECTS(c);
}

TEST(launcher, vpctx_rejects_segments)
{
	struct igvm_native_vp_context_x64 c;

	c = lfix_builder_context();
	c.code_limit = 0xfffff000; /* G set: low 12 bits must be 0xfff */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_limit = 0xffff0000;
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.code_attributes = 0x409b; /* G clear: limit must fit 20 bits */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.code_attributes = 0xc093; /* a data segment in CS */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.data_attributes = 0xc09b; /* a code segment in DS */
	EXPECT_VPCTX_REJECTS(c);
	c = lfix_builder_context();
	c.code_attributes = 0xc01b; /* not present */
	EXPECT_VPCTX_REJECTS(c);
}

TEST(launcher, vpctx_short_context)
{
	struct igvm_native_vp_context_x64 c = lfix_builder_context();
	uint8_t stub[STUB_CTX_END];
	char err[256] = "";

	EXPECT_NE(vpctx_to_stub((const uint8_t *)&c, sizeof(c) - 1, NULL, stub,
				err, sizeof(err)),
		  0);
	EXPECT_NE(err[0], '\0');
}

TEST(launcher, vpctx_target_gdt)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct igvm_native_vp_context_x64 c;
	uint8_t stub[STUB_CTX_END];
	char err[256] = "";

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	/* The image's own GDT matches the context: load it. */
	c = lfix_builder_context();
	c.gdtr_base = IMG_BASE + GDT_OFF;
	c.gdtr_limit = 0x17;
	EXPECT_EQ(vpctx_to_stub((const uint8_t *)&c, sizeof(c), &b.f, stub, err,
				sizeof(err)),
		  0);
	EXPECT_EQ(lfix_get32(stub, STUB_FLAGS), STUB_FLAG_LOAD_GDT);
	EXPECT_EQ(lfix_get16(stub, STUB_TGT_GDTR), 0x17);
	EXPECT_EQ(lfix_get32(stub, STUB_TGT_GDTR + 2), IMG_BASE + GDT_OFF);
	/* The limit does not cover the data selector. */
	c.gdtr_limit = 0x0f;
	expect_vpctx_rejects(&c, &b.f, __LINE__);
	/* Code in slot 3: a limit of 0x17 does not cover it, 0x1f does. */
	c.code_selector = 0x18;
	c.gdtr_limit = 0x17;
	expect_vpctx_rejects(&c, &b.f, __LINE__);
	c.gdtr_limit = 0x1f;
	EXPECT_EQ(vpctx_to_stub((const uint8_t *)&c, sizeof(c), &b.f, stub, err,
				sizeof(err)),
		  0);
	EXPECT_EQ(lfix_get64(stub, STUB_GDT + 0x18), CODE_DESC);
	c.code_selector = 0x08;
	/* The GDT is not in the image. */
	c.gdtr_limit = 0x17;
	c.gdtr_base = 0x2000000;
	expect_vpctx_rejects(&c, &b.f, __LINE__);
	/* A bss page (zeros) does not hold the descriptors. */
	c.gdtr_base = IMG_BASE + 2 * PG;
	expect_vpctx_rejects(&c, &b.f, __LINE__);
	/* The descriptors differ from the segment registers. */
	c = lfix_builder_context();
	c.gdtr_base = IMG_BASE + GDT_OFF;
	c.gdtr_limit = 0x17;
	c.code_base = 0x1000;
	expect_vpctx_rejects(&c, &b.f, __LINE__);
	lfix_built_free(&b);
}
