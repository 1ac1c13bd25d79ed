/* SPDX-License-Identifier: MIT */
/*
 * Deliberate failures for the test image, selected with `crash=KIND`. The
 * QEMU runner's own tests use them to prove that an exception, a panic, a
 * smashed stack or a hang makes a run fail, with the cause printed. Only the
 * test image contains this file.
 */
#include <stdint.h>

#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/log.h"
#include "svsm/panic.h"

#include "lib/string.h"
#include "svtest.h"

void arch_test_double_fault(void); /* kernel/arch/x86_64/test_faults.S */

/* SAFETY: volatile only hides the length from the compiler. */
static void __attribute__((noinline)) smash_stack(volatile size_t len)
{
	char buf[16];

	/* Writes past the array on purpose, over the protector's canary. */
	memset(buf, 0x41, len);
	log_verbose("smashed %p", buf);
}

void svtest_crash(const char *kind)
{
	log_printf("[svtest] deliberate crash: %s\n", kind);
	if (strcmp(kind, "ud") == 0) {
		__builtin_trap(); /* ud2 on x86-64 */
	} else if (strcmp(kind, "pf") == 0) {
		/* SAFETY: faults on purpose: canonical but unmapped. */
		volatile uint64_t *p = ptr_from_va(0x00007f0000000000ull);

		(void)*p;
	} else if (strcmp(kind, "gp") == 0) {
		/* SAFETY: faults on purpose: a non-canonical address, #GP. */
		volatile uint64_t *p = ptr_from_va(0x8000000000000000ull);

		(void)*p;
	} else if (strcmp(kind, "df") == 0) {
		arch_test_double_fault();
	} else if (strcmp(kind, "panic") == 0) {
		panic("deliberate panic from the test image");
	} else if (strcmp(kind, "smash") == 0) {
		smash_stack(64);
	} else if (strcmp(kind, "hang") == 0) {
		arch_halt_forever();
	}
	log_printf("[svtest] unknown crash kind '%s'\n", kind);
}
