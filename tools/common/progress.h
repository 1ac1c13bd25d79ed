/* SPDX-License-Identifier: MIT */
/*
 * Progress of a long measurement on stderr, only when stderr is a terminal
 * and the input is large: "measuring FILE: 42%", overwritten in place and
 * erased at the end, so scripts and logs never see it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define UTIL_PROGRESS_MIN_BYTES (64ull << 20) /* below this: no progress */

struct util_progress {
	const char *label;
	uint64_t total_pages;
	uint64_t done_pages;
	int shown; /* last percentage printed, -1 for none */
	bool on;
};

/* Starts a report for about total_bytes of pages; off unless it is worth it. */
void util_progress_init(struct util_progress *p, const char *label,
			uint64_t total_bytes);
/* struct snp_progress callback: arg is the struct util_progress. */
void util_progress_pages(void *arg, uint64_t pages);
/* Erases the line, if one was printed. */
void util_progress_done(struct util_progress *p);
