/* SPDX-License-Identifier: MIT */
/*
 * How the SEV-SNP machine model reaches guest-physical memory and time.
 * The model owns neither: whoever runs it provides these functions (in hosted
 * tests, the fake arch's adapter, kernel/arch/fake/fake_snp.c, over fake
 * memory). The model never includes the fake arch's headers.
 */
#pragma once

#include <stdint.h>

/* A host pointer to [gpa, gpa + len) of model memory, or NULL. */
void *sim_mem(uint64_t gpa, uint64_t len);
/* The model's clock in microseconds (monotonic; starts anywhere). */
uint64_t sim_now_us(void);
