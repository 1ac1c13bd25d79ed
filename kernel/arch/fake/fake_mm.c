/* SPDX-License-Identifier: MIT */
/* Fake physical memory for hosted tests (see fake.h). */
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"

#include "fake/fake.h"

static uint8_t *mem;
static uint64_t mem_size;

uint64_t fake_mm_init(uint64_t size)
{
	free(mem);
	mem = aligned_alloc(4096, size);
	if (!mem)
		abort();
	memset(mem, 0, size);
	mem_size = size;
	fake_vm_reset();
	return FAKE_PHYS_BASE;
}

void fake_mm_free(void)
{
	free(mem);
	mem = NULL;
	mem_size = 0;
}

void *arch_phys_to_virt(uint64_t pa, size_t len)
{
	uint64_t end;

	if (!mem || pa < FAKE_PHYS_BASE ||
	    __builtin_add_overflow(pa, len, &end) ||
	    end > FAKE_PHYS_BASE + mem_size)
		return NULL;
	return mem + (pa - FAKE_PHYS_BASE);
}

void arch_mm_drop_identity(void)
{
}

void arch_mm_set_region_size(uint64_t size)
{
	(void)size;
}

uint64_t arch_virt_to_phys(const void *va)
{
	return FAKE_PHYS_BASE + (uint64_t)((const uint8_t *)va - mem);
}
