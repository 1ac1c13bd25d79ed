/* SPDX-License-Identifier: MIT */
/* Progress lines for long measurements: see progress.h. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

void util_progress_init(struct util_progress *p, const char *label,
			uint64_t total_bytes)
{
	p->label = label;
	p->total_pages = total_bytes / 4096 ? total_bytes / 4096 : 1;
	p->done_pages = 0;
	p->shown = -1;
	p->on = total_bytes >= UTIL_PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
}

void util_progress_pages(void *arg, uint64_t pages)
{
	struct util_progress *p = arg;
	uint64_t pct;

	if (!p->on)
		return;
	p->done_pages += pages;
	pct = p->done_pages * 100 / p->total_pages;
	if (pct > 99)
		pct = 99; /* the total is an estimate; 100 is "done" */
	if ((int)pct == p->shown)
		return;
	p->shown = (int)pct;
	fprintf(stderr, "\rmeasuring %s: %2d%%", p->label, p->shown);
	fflush(stderr);
}

void util_progress_done(struct util_progress *p)
{
	if (p->on && p->shown >= 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = -1;
}
