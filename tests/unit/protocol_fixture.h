/* SPDX-License-Identifier: MIT */
/*
 * The fixture the SVSM protocol tests share (protocol_fixture.c): one
 * model VM (tests/model/guest.h) with a guest at VMPL2, page and list builders,
 * RMP expectations, and a snapshot of everything the SVSM owns (RMP,
 * reservations, the SVSM region's bytes, heap and page-allocator
 * statistics, vCPU registry, deposit pool, the host's vCPU table) so a
 * test can show that a refused call changed nothing.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/protocols.h"

#include "abi/snp.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "fake/fake.h"
#include "model/guest.h"
#include "rmp.h"
#include "snp/snp.h"
#include "test.h"

#define PFX_MEM_SIZE (32ull << 20)
#define PFX_VMPL     2u
#define SZ_4K	     0x1000ull
#define SZ_2M	     0x200000ull

/*
 * The model's layout is fixed (tests/model/guest.h), so these hold before
 * pfx_setup() too and can initialise a test's variables.
 */
#define PFX_BASE      FAKE_PHYS_BASE
#define PFX_SVSM_BASE PFX_BASE
#define PFX_BOOT_VMSA (PFX_BASE + SIM_SVSM_SIZE + 0x1000)
#define PFX_BOOT_CAA  (PFX_BASE + SIM_SVSM_SIZE + 0x2000)

extern struct sim_guest pfx;

/* Builds a fresh model VM; false on failure. */
bool pfx_setup(void);
/* The i-th free guest page (below the first 2 MiB page tests use whole). */
uint64_t pfx_page(unsigned int i);
/* The i-th whole 2 MiB page of guest RAM (i >= 0), 4 KiB RMP entries. */
uint64_t pfx_2m(unsigned int i);

/* Writes a list header + entries at gpa (the guest building a list). */
void pfx_write_list(uint64_t gpa, uint16_t count, uint16_t next,
		    const uint64_t *entries);
/* Writes only the list header at gpa. */
void pfx_write_hdr(uint64_t gpa, uint16_t count, uint16_t next);
/* The `next` field of the list at gpa, as the guest reads it. */
uint16_t pfx_list_next(uint64_t gpa);
/* A PVALIDATE call with a one-entry list at `list`. */
uint64_t pfx_pvalidate1(uint64_t list, uint64_t entry);

/* The RMP entry of gpa (asserts it exists). */
struct sim_rmp_entry pfx_rmp(uint64_t gpa);
bool pfx_rmp_same(const struct sim_rmp_entry *a, const struct sim_rmp_entry *b);
/* A validated 4 KiB page the guest (VMPL1..2) may fully use. */
bool pfx_is_guest_page(uint64_t gpa);
/* Validated, no access for VMPL1..3, not a VMSA. */
bool pfx_is_svsm_only(uint64_t gpa);
/* Whether gpa_validate() refuses the page (it is SVSM-owned). */
bool pfx_is_reserved(uint64_t gpa);
/* Whether every byte of [gpa, gpa + len) is `v`. */
bool pfx_all(uint64_t gpa, uint64_t len, uint8_t v);
void pfx_fill(uint64_t gpa, uint64_t len, uint8_t v);

/*
 * Prepares a VMSA image at vmsa (a guest page) and calls CREATE_VCPU from
 * the boot vCPU; returns RAX.
 */
uint64_t pfx_create(uint64_t vmsa, uint64_t caa, uint32_t apic_id,
		    unsigned int vmpl);

struct pfx_snapshot {
	uint64_t rmp_hash;
	uint64_t region_hash;
	uint64_t reserved_hash;
	uint32_t reserved_count;
	uint32_t vcpus;
	uint32_t deposits;
	unsigned int host_vcpus;
	struct heap_stats heap;
	struct pgalloc_stats pga;
};

void pfx_snapshot(struct pfx_snapshot *s);
bool pfx_snapshot_same(const struct pfx_snapshot *a,
		       const struct pfx_snapshot *b);
/* The SVSM still serves: QUERY_PROTOCOL(core, 1) succeeds. */
bool pfx_still_serving(void);
