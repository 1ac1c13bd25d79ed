/* SPDX-License-Identifier: MIT */
/*
 * Formatted console output. Each call formats into a bounded buffer and
 * writes it under the console lock, so lines from different CPUs do not mix.
 * Overlong messages are cut, never overflow.
 */
#include "svsm/log.h"

#include <stdbool.h>

#include "svsm/console.h"
#include "svsm/spinlock.h"

#include "lib/format.h"

static struct spinlock console_lock;
static unsigned int run_level = CFG_LOG_LEVEL;

void log_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	spin_lock(&console_lock);
	console_write(buf, len);
	spin_unlock(&console_lock);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

void log_set_level(unsigned int level)
{
	run_level = level < CFG_LOG_LEVEL ? level : CFG_LOG_LEVEL;
}

unsigned int log_get_level(void)
{
	return run_level;
}

void log_vlimited(struct log_budget *b, const char *fmt, va_list ap)
{
	bool loud =
		__atomic_fetch_add(&b->used, 1, __ATOMIC_RELAXED) < b->limit;
	unsigned int level = loud ? LOG_LEVEL_NOTICE : LOG_LEVEL_VERBOSE;
	char buf[200];

	if (CFG_LOG_LEVEL < level || log_get_level() < level)
		return;
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	log_printf("%s%s\n", loud ? "N " : "V ", buf);
}

void log_limited(struct log_budget *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlimited(b, fmt, ap);
	va_end(ap);
}
