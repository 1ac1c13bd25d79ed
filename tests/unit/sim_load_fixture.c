/* SPDX-License-Identifier: MIT */
/* The launch tests' model machine (sim_load_fixture.h). */
#include "sim_load_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "svsm/addr.h"

#include "fake/fake.h"
#include "launcher_helpers.h"
#include "sim_psp_fixture.h"
#include "test.h"

static void *slf_mem(void *ctx, uint64_t gpa, uint64_t len)
{
	struct slf *s = ctx;

	if (gpa >= SLF_MEM_SIZE || len > SLF_MEM_SIZE - gpa)
		return NULL;
	if (s->fake)
		return arch_phys_to_virt(gpa, len);
	return s->mem + gpa;
}

uint8_t *slf_ptr(struct slf *s, uint64_t gpa)
{
	return slf_mem(s, gpa, 1);
}

struct sim_rmp_entry slf_rmp(const struct slf *s, uint64_t gpa)
{
	struct sim_rmp_entry e;

	memset(&e, 0, sizeof(e));
	(void)sim_rmp_entry(s->l.rmp, gpa, &e);
	return e;
}

static void machine(struct slf *s, unsigned int vcpus)
{
	s->map[0] = (struct sim_load_mem_entry){.base = 0,
						.size = SLF_RAM_SIZE,
						.type = IGVM_MEMORY_MAP_MEMORY};
	/* Leaf 0, leaf 1 (EPYC family 0x19), 0x8000001F (SEV, C-bit). */
	s->cpuid[0] = (struct sim_cpuid_fn){.eax_in = 0, .eax = 0x10};
	s->cpuid[1] = (struct sim_cpuid_fn){.eax_in = 1, .eax = 0x00a00f11};
	s->cpuid[2] = (struct sim_cpuid_fn){.eax_in = 0x8000001f,
					    .eax = 0x1f,
					    .ebx = SLF_CBIT | (1u << 12)};
	s->m = (struct sim_load_machine){
		.map = s->map,
		.map_count = 1,
		.vcpus = vcpus,
		.default_policy = 0x30000,
		.cpuid = s->cpuid,
		.cpuid_count = 3,
	};
}

bool slf_reset(struct slf *s)
{
	struct sim_rmp *rmp = s->fake ? &fake_snp_rmp : &s->rmp;

	sim_rmp_fini(rmp);
	sim_psp_destroy(s->psp);
	s->psp = NULL;
	/* Drop every page the last launch touched. */
	if (s->fake)
		REQUIRE_EQ(fake_mm_init_at(0, SLF_MEM_SIZE), 0);
	else
		REQUIRE_EQ(madvise(s->mem, SLF_MEM_SIZE, MADV_DONTNEED), 0);
	REQUIRE_TRUE(sim_rmp_init(rmp, 0, SLF_MEM_SIZE));
	s->psp = pfx_new_psp(&s->cfg);
	REQUIRE_TRUE(s->psp != NULL);
	s->l = (struct sim_launch){
		.rmp = rmp, .psp = s->psp, .mem = slf_mem, .mem_ctx = s};
	return true;
}

bool slf_init(struct slf *s, unsigned int vcpus)
{
	memset(s, 0, sizeof(*s));
	s->mem = mmap(NULL, SLF_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	REQUIRE_TRUE(s->mem != MAP_FAILED);
	s->load = calloc(1, sizeof(*s->load));
	REQUIRE_TRUE(s->load != NULL);
	machine(s, vcpus);
	return slf_reset(s);
}

bool slf_init_fake(struct slf *s, unsigned int vcpus, uint64_t ram_size)
{
	memset(s, 0, sizeof(*s));
	s->load = calloc(1, sizeof(*s->load));
	REQUIRE_TRUE(s->load != NULL);
	REQUIRE_TRUE(ram_size && ram_size <= SLF_MEM_SIZE);
	s->fake = true;
	machine(s, vcpus);
	s->map[0].size = ram_size;
	return slf_reset(s);
}

void slf_fini(struct slf *s)
{
	if (s->fake) {
		sim_rmp_fini(&fake_snp_rmp);
		fake_mm_free();
	}
	sim_rmp_fini(&s->rmp);
	sim_psp_destroy(s->psp);
	if (s->mem && s->mem != MAP_FAILED)
		munmap(s->mem, SLF_MEM_SIZE);
	free(s->load);
	memset(s, 0, sizeof(*s));
}

int slf_load(struct slf *s, const uint8_t *buf, size_t len)
{
	return sim_load_igvm(buf, len, &s->m, &s->l, s->load, s->err);
}

uint8_t *slf_build(uint64_t policy, const uint8_t *fw, size_t fw_size,
		   size_t *len)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	char err[256] = "";
	uint8_t *out = NULL;

	o.snp = true;
	o.policy = policy;
	o.fw = fw;
	o.fw_size = fw_size;
	lfix_make_elf(&k);
	if (build_igvm(&o, k.b, sizeof(k.b), &out, len, err, sizeof(err))) {
		test_fail(__FILE__, __LINE__, "build_igvm failed");
		test_printf("  %s\n", err);
		return NULL;
	}
	return out;
}

/* The SNP kernel's image is longer than the native one by this much. */
#define SNP_EXTRA (3 * PG)

uint64_t slf_snp_boot_info(uint64_t region_base)
{
	return region_base - IMG_BASE + IMG_END + SNP_EXTRA;
}

uint64_t slf_snp_bss_page(uint64_t region_base)
{
	return region_base - IMG_BASE + IMG_END + SNP_EXTRA - PG;
}

static void move_elf(struct kernel_elf *k, uint64_t delta)
{
	k->eh->e_entry += delta;
	k->ph[0].p_paddr += delta;
	k->ph[2].p_paddr += delta;
}

uint8_t *slf_build_snp(uint64_t region_base, uint64_t region_size,
		       uint64_t policy, const uint8_t *fw, size_t fw_size,
		       size_t *len)
{
	struct kernel_elf native;
	struct kernel_elf snp;
	struct build_options o = lfix_default_options();
	uint8_t *out = NULL;
	char err[256] = "";

	lfix_make_elf(&native);
	lfix_make_elf(&snp);
	snp.eh->e_entry = ENTRY + 0x80;
	snp.ph[2].p_memsz += SNP_EXTRA;
	move_elf(&native, region_base - IMG_BASE);
	move_elf(&snp, region_base - IMG_BASE);
	o.region_base = region_base;
	o.region_size = region_size;
	o.snp = true;
	o.policy = policy;
	o.snp_elf = snp.b;
	o.snp_elf_size = sizeof(snp.b);
	o.fw = fw;
	o.fw_size = fw_size;
	if (build_igvm(&o, native.b, sizeof(native.b), &out, len, err,
		       sizeof(err))) {
		test_fail(__FILE__, __LINE__, "build_igvm failed");
		test_printf("  %s\n", err);
		return NULL;
	}
	return out;
}
