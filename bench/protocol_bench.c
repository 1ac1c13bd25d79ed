/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's own software cost per call, in instructions, measured under
 * callgrind (bench/run.py): the real request path (calling area, dispatch,
 * handlers; kernel/plat/snp, kernel/protocols) runs on the SNP machine
 * model, driven by its lower-VMPL guest (tests/model/guest.c). run.py counts only
 * instructions inside svsm_request_once and toggles collection off inside
 * the model's PVALIDATE/RMPADJUST emulation, so the figure is the SVSM's
 * code, not the model's. Two workloads, each a fixed number of calls:
 *
 *   query     QUERY_PROTOCOL (core protocol, version 1): the null call
 *   pvalidate one 510-entry PVALIDATE list (the most that fits in the
 *             calling area's page), validating 510 pages, then one
 *             rescinding them again
 *
 * Usage: protocol_bench query|pvalidate ITERATIONS. It prints nothing the
 * benchmark reads; the counts come from callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/svsm.h"

#include "model/guest.h"

#define ENTRIES 510u
#define PAGE	0x1000ull

static struct sim_guest g;

static int query(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (sim_guest_core(
			    &g, SVSM_CORE_QUERY_PROTOCOL,
			    svsm_query_protocol_rcx(SVSM_CORE_PROTOCOL, 1), 0,
			    0, NULL) != SVSM_SUCCESS)
			return 1;
	}
	return 0;
}

/* One PVALIDATE call over ENTRIES pages after the list page at `list`. */
static uint64_t pvalidate_all(uint64_t list, bool validate)
{
	uint64_t *hdr = sim_guest_ptr(list, PAGE);
	uint64_t *entries = hdr + 1;

	memset(hdr, 0, PAGE);
	/* Header: entries (u16), next (u16), reserved (AMD 58019). */
	hdr[0] = ENTRIES;
	for (unsigned int i = 0; i < ENTRIES; i++)
		entries[i] = svsm_pvalidate_entry(list + (1 + i) * PAGE,
						  SVSM_PVALIDATE_ENTRY_SIZE_4K,
						  validate, false);
	return sim_guest_core(&g, SVSM_CORE_PVALIDATE, list, 0, 0, NULL);
}

static int pvalidate(unsigned int n)
{
	/* 2 MiB-aligned guest RAM: the list page, then 510 pages. */
	uint64_t list = (g.first_free + (2ull << 20) - 1) & ~((2ull << 20) - 1);

	for (unsigned int i = 0; i < n; i++) {
		/* The model starts these pages validated: rescind, then validate. */
		if (pvalidate_all(list, false) != SVSM_SUCCESS ||
		    pvalidate_all(list, true) != SVSM_SUCCESS)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 1;
	int rc;

	if (argc < 2 || !n || !sim_guest_init(&g, 2, 32ull << 20)) {
		fprintf(stderr, "usage: protocol_bench query|pvalidate N\n");
		return 2;
	}
	if (strcmp(argv[1], "query") == 0)
		rc = query(n);
	else if (strcmp(argv[1], "pvalidate") == 0)
		rc = pvalidate(n);
	else
		rc = 2;
	if (rc)
		fprintf(stderr, "protocol_bench: %s failed\n", argv[1]);
	sim_guest_fini(&g);
	return rc;
}
