/* SPDX-License-Identifier: MIT */
/*
 * Time for tasks' clock_gettime and time (kernel/arch/x86_64/time.c): a
 * monotonic nanosecond count from the CPU's time-stamp counter, and the
 * wall-clock second at which it started, from the RTC. On SEV-SNP both
 * come from the host and are not trusted for anything but reporting.
 */
#pragma once

#include <stdint.h>

/* Calibrates the counter once (about 10 ms); later calls do nothing. */
void arch_time_init(void);
/* Nanoseconds since arch_time_init(); never goes backwards. */
uint64_t arch_time_ns(void);
/* Seconds since 1970-01-01 00:00 UTC when arch_time_init() ran. */
uint64_t arch_time_epoch(void);
