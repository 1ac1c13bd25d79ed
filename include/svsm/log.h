/* SPDX-License-Identifier: MIT */
/*
 * Kernel logging with TF-A's numeric levels. A file may define LOG_PREFIX
 * before including this header. Levels above CFG_LOG_LEVEL compile to
 * `if (0)`, so their formats stay type-checked but cost nothing.
 *
 * Policy: ERROR only for SVSM bugs or platform faults, never because a guest
 * misbehaved; secrets are never logged.
 */
#pragma once

#include <stdarg.h>

#include "svsm/compiler.h"

#define LOG_LEVEL_NONE	  0
#define LOG_LEVEL_ERROR	  10
#define LOG_LEVEL_NOTICE  20
#define LOG_LEVEL_WARN	  30
#define LOG_LEVEL_INFO	  40
#define LOG_LEVEL_VERBOSE 50

#ifndef CFG_LOG_LEVEL
#define CFG_LOG_LEVEL LOG_LEVEL_INFO
#endif

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

/* Prints to the console unconditionally, whole lines under one lock. */
void log_printf(const char *fmt, ...) __printf(1, 2);
void log_vprintf(const char *fmt, va_list ap);
/* Run-time level (from the command line), at most CFG_LOG_LEVEL. */
void log_set_level(unsigned int level);
unsigned int log_get_level(void);

#define LOG_AT_(lvl, tag, fmt, ...)                                         \
	do {                                                                \
		if (CFG_LOG_LEVEL >= (lvl) && log_get_level() >= (lvl))     \
			log_printf(tag LOG_PREFIX fmt "\n", ##__VA_ARGS__); \
	} while (0)

#define log_error(fmt, ...)  LOG_AT_(LOG_LEVEL_ERROR, "E ", fmt, ##__VA_ARGS__)
#define log_notice(fmt, ...) LOG_AT_(LOG_LEVEL_NOTICE, "N ", fmt, ##__VA_ARGS__)
#define log_warn(fmt, ...)   LOG_AT_(LOG_LEVEL_WARN, "W ", fmt, ##__VA_ARGS__)
#define log_info(fmt, ...)   LOG_AT_(LOG_LEVEL_INFO, "I ", fmt, ##__VA_ARGS__)
#define log_verbose(fmt, ...) \
	LOG_AT_(LOG_LEVEL_VERBOSE, "V ", fmt, ##__VA_ARGS__)

/*
 * Lines about events an outsider (the guest, the host) can cause: at
 * notice level while the budget lasts, at verbose level after, so that a
 * misbehaving guest or host cannot flood the console. One budget per
 * subject, e.g. static struct log_budget b = LOG_BUDGET(16);
 */
struct log_budget {
	unsigned int used;
	unsigned int limit;
};
#define LOG_BUDGET(n)                   \
	{                               \
		.used = 0, .limit = (n) \
	}
void log_limited(struct log_budget *b, const char *fmt, ...) __printf(2, 3);
void log_vlimited(struct log_budget *b, const char *fmt, va_list ap);
