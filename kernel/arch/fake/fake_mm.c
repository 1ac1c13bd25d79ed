/* SPDX-License-Identifier: MIT */
/*
 * Fake physical memory for hosted tests (see fake.h): one private
 * anonymous mapping with MAP_NORESERVE, so that a model machine may span
 * gigabytes while only the pages a test touches take host memory (an
 * untouched page reads as zeros and costs nothing).
 */
#include <stdlib.h>
#include <sys/mman.h>

/*
 * Under LeakSanitizer, fake memory is a root region: the SVSM's heap lives
 * there, and a host allocation it points to (an mbedTLS context) is not
 * leaked. A heap buffer was scanned by itself; a mapping is not.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FAKE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define FAKE_LSAN 1
#endif
#endif
#ifdef FAKE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#include "svsm/addr.h"

#include "fake/fake.h"

static uint8_t *mem;
static uint64_t mem_base;
static uint64_t mem_size; /* what arch_phys_to_virt() translates */
static uint64_t map_len;  /* mem_size, whole pages */

static void unmap(void)
{
	if (mem) {
#ifdef FAKE_LSAN
		__lsan_unregister_root_region(mem, map_len);
#endif
		munmap(mem, map_len);
	}
	mem = NULL;
	mem_base = 0;
	mem_size = 0;
	map_len = 0;
}

uint64_t fake_mm_init_at(uint64_t base, uint64_t size)
{
	uint64_t len = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	void *p;

	unmap();
	if (base % PAGE_SIZE || !size || len < size || base + len < base)
		abort();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		abort();
	mem = p;
	mem_base = base;
	mem_size = size;
	map_len = len;
#ifdef FAKE_LSAN
	__lsan_register_root_region(mem, map_len);
#endif
	fake_vm_reset();
	return base;
}

uint64_t fake_mm_init(uint64_t size)
{
	return fake_mm_init_at(FAKE_PHYS_BASE, size);
}

void fake_mm_free(void)
{
	unmap();
	fake_vm_reset();
}

uint64_t fake_mm_base(void)
{
	return mem_base;
}

uint64_t fake_mm_size(void)
{
	return mem_size;
}

void *arch_phys_to_virt(uint64_t pa, size_t len)
{
	uint64_t end;

	if (!mem || pa < mem_base || __builtin_add_overflow(pa, len, &end) ||
	    end > mem_base + mem_size)
		return NULL;
	return mem + (pa - mem_base);
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
	return mem_base + (uint64_t)((const uint8_t *)va - mem);
}
