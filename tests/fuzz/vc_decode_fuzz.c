/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the #VC instruction decoder
 * (kernel/plat/snp/vc_decode.c). The first byte picks the exit code (the
 * three csvsm emulates, or any other), the rest are the instruction bytes
 * in a buffer of exactly their size, so ASan sees any read past them.
 * Checked: a decoded instruction is 1..15 bytes and within the buffer, is
 * of the exit's kind with a sane operand size, and decodes the same from
 * exactly its own bytes (the decoder never needed the bytes after it),
 * while one byte fewer never decodes.
 *
 * The same bytes then go to the user-mode path (kernel/plat/snp/vc_user.c)
 * as a task's text: placed at an offset the second byte picks inside a
 * readable window that ends right after them, with the #VC's exit code.
 * Checked: it answers exactly when the exit is CPUID's and the bytes it
 * may read (those up to 15 from RIP, cut at the first page that faults,
 * the RIP's own page readable) decode as CPUID; it then gives what the
 * SVSM's own handler gives, RIP moved by the length; otherwise nothing
 * changes; it never reads outside the window.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/arch/user.h"

#include "svsm/log.h"

#include "snp/vc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPECT(c)                \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static const uint64_t exits[4] = {VC_EXIT_CPUID, VC_EXIT_IOIO, VC_EXIT_MSR,
				  0x404};

static bool kind_fits(uint64_t exit, const struct vc_insn *d)
{
	switch (d->kind) {
	case VC_INSN_CPUID:
		return exit == VC_EXIT_CPUID;
	case VC_INSN_RDMSR:
	case VC_INSN_WRMSR:
		return exit == VC_EXIT_MSR;
	case VC_INSN_IN:
	case VC_INSN_OUT:
		return exit == VC_EXIT_IOIO &&
		       (d->size == 1 || d->size == 2 || d->size == 4) &&
		       (d->addr_size == 4 || d->addr_size == 8);
	}
	return false;
}

/* The task's memory: [WIN_BASE, win_end) readable, the rest faults. */
#define WIN_BASE 0x400000ull
#define PAGE	 4096ull

static uint8_t win[2 * PAGE];
static uint64_t win_end;

static int fetch(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	if (uaddr < WIN_BASE || uaddr + len > win_end)
		return 1;
	memcpy(dst, win + (uaddr - WIN_BASE), len);
	return 0;
}

static struct snp_cpuid_table table;

static void table_init(void)
{
	static struct snp_cpuid_page page;
	static const struct snp_cpuid_fn fns[] = {
		{.eax_in = 0x0, .eax = 0xd, .ebx = 0x68747541},
		{.eax_in = 0x1,
		 .eax = 0x00a10f11,
		 .ebx = 0x00200800,
		 .ecx = 0x76d8320b,
		 .edx = 0x178bfbff},
		{.eax_in = 0xd, .ecx_in = 2, .eax = 256, .ebx = 576},
		{.eax_in = 0x80000000, .eax = 0x80000021},
	};

	page.count = sizeof(fns) / sizeof(fns[0]);
	memcpy(page.fn, fns, sizeof(fns));
	EXPECT(snp_cpuid_init(&table, &page) == SVSM_OK);
	log_set_level(LOG_LEVEL_NONE); /* each refusal logs a notice */
}

static void user_path(uint64_t exit, const uint8_t *bytes, size_t n,
		      uint8_t where, uint32_t leaf)
{
	const struct snp_vc_env env = {
		.cpuid = &table,
		.cpu = {.xcr0 = 0x7, .osxsave = true, .apic_id = 1},
	};
	/* RIP near the window's page boundary, so fetches split there. */
	uint64_t off = PAGE - 16 + (where & 31);
	uint64_t rip = WIN_BASE + off;
	uint64_t first;
	size_t avail;
	struct user_regs r = {.vector = 29,
			      .error_code = exit,
			      .rip = rip,
			      .rax = leaf,
			      .rcx = 0,
			      .rbx = 0x5a5a};
	struct user_regs before = r;
	struct user_regs svsm = r;
	struct vc_insn d;
	enum svsm_err err;
	bool want;

	if (n > sizeof(win) - off)
		n = sizeof(win) - off;
	memset(win, 0xcc, sizeof(win));
	memcpy(win + off, bytes, n);
	win_end = rip + n;
	err = snp_vc_user(&env, &r, fetch, NULL);

	first = PAGE - (rip & (PAGE - 1));
	if (first > VC_INSN_MAX)
		first = VC_INSN_MAX;
	avail = rip + VC_INSN_MAX <= win_end ? VC_INSN_MAX : (size_t)first;
	if (exit != VC_EXIT_CPUID) {
		EXPECT(err == SVSM_E_UNSUPPORTED);
	} else if (rip + first > win_end) {
		EXPECT(err == SVSM_E_FAULT);
	} else {
		want = vc_decode(exit, win + off, avail, &d) == SVSM_OK;
		EXPECT(want == (err == SVSM_OK));
	}
	if (err != SVSM_OK) {
		EXPECT(memcmp(&r, &before, sizeof(r)) == 0);
		return;
	}
	EXPECT(r.rip == rip + d.len);
	EXPECT(snp_vc_handle(&env, &svsm, win + off, avail) == 0);
	EXPECT(memcmp(&r, &svsm, sizeof(r)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t exit;
	uint8_t *bytes;
	size_t n;
	struct vc_insn d;
	struct vc_insn again;

	if (size < 1)
		return 0;
	exit = (data[0] & 0x80) ? data[0] : exits[data[0] & 3];
	n = size - 1;
	bytes = malloc(n ? n : 1);
	EXPECT(bytes);
	memcpy(bytes, data + 1, n);
	if (vc_decode(exit, bytes, n, &d) == SVSM_OK) {
		EXPECT(d.len >= 1 && d.len <= VC_INSN_MAX && d.len <= n);
		EXPECT(kind_fits(exit, &d));
		EXPECT(vc_decode(exit, bytes, d.len, &again) == SVSM_OK);
		EXPECT(memcmp(&d, &again, sizeof(d)) == 0);
		EXPECT(vc_decode(exit, bytes, d.len - 1u, &again) != SVSM_OK);
	}
	if (!table.count)
		table_init();
	user_path(exit, bytes, n, data[0], data[0] & 1 ? 0x1 : 0xd);
	free(bytes);
	return 0;
}
