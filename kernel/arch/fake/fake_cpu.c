/* SPDX-License-Identifier: MIT */
/*
 * The fake CPU for hosted tests: panic() that a test can catch, console
 * output to stdout (or into a test's buffer), and no-op CPU hints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/arch/cpu.h"

#include "svsm/console.h"
#include "svsm/panic.h"

#include "fake/fake.h"

jmp_buf fake_panic_jmp;
bool fake_panic_armed;
char fake_panic_msg[256];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_armed)
		longjmp(fake_panic_jmp, 1);
	fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
	abort();
}

void arch_cpu_relax(void)
{
}

uint64_t fake_time_us;

/* Time passes only when the SVSM waits: a model clock, not the host's. */
void arch_udelay(uint32_t us)
{
	fake_time_us += us;
}

char *fake_console_buf;
size_t fake_console_size;
size_t fake_console_len;

void console_write(const char *s, size_t len)
{
	if (fake_console_buf) {
		size_t room = fake_console_size - 1 - fake_console_len;
		size_t n = len < room ? len : room;

		memcpy(fake_console_buf + fake_console_len, s, n);
		fake_console_len += n;
		fake_console_buf[fake_console_len] = '\0';
		return;
	}
	fwrite(s, 1, len, stdout);
}
