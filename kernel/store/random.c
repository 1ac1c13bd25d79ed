/* SPDX-License-Identifier: MIT */
/*
 * The store's randomness in the SVSM: nonces and the store's identity
 * from the CPU's RDSEED/RDRAND (arch_hw_random). Hosted tests give their
 * own function instead (store_config.random).
 */
#include "svsm/arch/cpu.h"

#include "svsm/persist.h"

#include "lib/string.h"

bool store_random_hw(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t v;
		size_t n = len < sizeof(v) ? len : sizeof(v);

		if (!arch_hw_random(&v))
			return false;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return true;
}
