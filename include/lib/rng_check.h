/* SPDX-License-Identifier: MIT */
/*
 * A sanity check on each sample of the CPU's random source before the SVSM
 * uses it (the stack-protector guard, the heap's link secret, AT_RANDOM).
 * A broken or hostile-virtualised RDRAND/RDSEED can report success and
 * return a stuck value: all ones is a known failure of some AMD parts
 * after resume (Linux arch/x86/kernel/cpu/rdrand.c, x86_init_rdrand's
 * sanity check), zero is what an emulation that ignores the instruction
 * leaves, and a repeated value is a stuck source. Such samples are
 * refused and the caller tries again; the check is not a statistical
 * test and accepts any other value.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether `v` may be used, given the previous accepted sample in *last
 * (0 before the first); updates *last when it may.
 */
static inline bool rng_sample_plausible(uint64_t v, uint64_t *last)
{
	if (v == 0 || v == ~0ull || v == *last)
		return false;
	*last = v;
	return true;
}
