/* SPDX-License-Identifier: MIT */
/*
 * The model machine the SNP page-sharing, AP and #HV doorbell tests share
 * (snp_pool_fixture.c): 8 MiB of fake memory with an RMP, the boot CPU's
 * GHCB at its base, and a 2 MiB-aligned pool above it, private and
 * validated, that the page allocator hands out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fake/fake.h"

#define SPF_MEM_SIZE (8ull << 20)
#define SPF_BASE     FAKE_PHYS_BASE
#define SPF_GHCB_PA  SPF_BASE		       /* the boot CPU's GHCB */
#define SPF_POOL     (SPF_BASE + (2ull << 20)) /* 2 MiB aligned */
#define SPF_POOL_END (SPF_BASE + SPF_MEM_SIZE)

/*
 * Fake memory and its RMP, the model host started and pointed at that
 * RMP, the SVSM's GHCB state reset, and the pool assigned and validated
 * for VMPL0. The caller may set more of sim_hv before spf_svsm_start().
 */
bool spf_model_start(void);
/*
 * The SVSM's side: the GHCB protocol negotiated, the GHCB registered,
 * the pool given to the page allocator, the console captured in `buf`.
 */
bool spf_svsm_start(char *console, size_t size);
