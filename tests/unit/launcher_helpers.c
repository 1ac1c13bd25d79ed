/* SPDX-License-Identifier: MIT */
/*
 * The launcher test fixture (launcher_helpers.h, launcher_fixture.h): the
 * synthetic kernel ELF, building and parsing it, the expected contents of
 * the built file, and reading a launcher plan. No tests live here.
 */
#include "launcher_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "resetstub.h"
#include "test.h"

static uint8_t seg_byte(size_t off)
{
	return (uint8_t)((off * 13 + 7) ^ (off >> 8));
}

/* Writes the synthetic kernel; the headers live inside k->b. */
void lfix_make_elf(struct kernel_elf *k)
{
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[3] = {{0}};
	const uint64_t gdt[4] = {0, CODE_DESC, DATA_DESC, CODE_DESC};

	memset(k->b, 0, sizeof(k->b));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = ENTRY;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = PF_R | PF_X,
			     .p_offset = SEG1_OFF,
			     .p_vaddr = VIRT,
			     .p_paddr = IMG_BASE,
			     .p_filesz = SEG1_SIZE,
			     .p_memsz = SEG1_SIZE,
			     .p_align = PG};
	/* Not loadable: must not count as a segment below the region. */
	ph[1] = (Elf64_Phdr){.p_type = PT_NOTE,
			     .p_offset = 0x40,
			     .p_paddr = 0x1000,
			     .p_filesz = 0x10,
			     .p_memsz = 0x10};
	ph[2] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = PF_R | PF_W,
			     .p_offset = SEG2_OFF,
			     .p_vaddr = VIRT + SEG1_SIZE,
			     .p_paddr = IMG_BASE + SEG1_SIZE,
			     .p_filesz = SEG2_FILE,
			     .p_memsz = SEG2_MEM,
			     .p_align = PG};
	memcpy(k->b, &eh, sizeof(eh));
	memcpy(k->b + sizeof(eh), ph, sizeof(ph));
	for (size_t i = 0; i < SEG1_SIZE; i++)
		k->b[SEG1_OFF + i] = seg_byte(i);
	memcpy(k->b + SEG1_OFF + GDT_OFF, gdt, sizeof(gdt));
	for (size_t i = 0; i < SEG2_FILE; i++)
		k->b[SEG2_OFF + i] = seg_byte(i + 0x5000) | 1;
	k->eh = (Elf64_Ehdr *)k->b;
	k->ph = (Elf64_Phdr *)(k->b + sizeof(eh));
}

struct build_options lfix_default_options(void)
{
	return (struct build_options){.region_base = IMG_BASE,
				      .region_size = REG_SIZE,
				      .ap_trampoline = AP_TRAMP};
}

/* Builds and parses; records a failure and returns false on error. */
bool lfix_build_and_parse(const struct kernel_elf *k,
			  const struct build_options *o, struct built *out)
{
	char err[256] = "";
	char perr[IGVM_ERR_LEN] = "";

	memset(out, 0, sizeof(*out));
	if (build_igvm(o, k->b, sizeof(k->b), &out->file, &out->len, err,
		       sizeof(err))) {
		test_fail(__FILE__, __LINE__, "build_igvm failed");
		test_printf("  %s\n", err);
		return false;
	}
	if (igvm_parse(out->file, out->len, &out->f, perr)) {
		test_fail(__FILE__, __LINE__, "igvm_parse rejected the build");
		test_printf("  %s\n", perr);
		free(out->file);
		out->file = NULL;
		return false;
	}
	out->parsed = true;
	return true;
}

void lfix_built_free(struct built *b)
{
	if (b->parsed)
		igvm_file_free(&b->f);
	free(b->file);
	memset(b, 0, sizeof(*b));
}

struct csvsm_boot_info lfix_expected_boot_info(void)
{
	return (struct csvsm_boot_info){
		.magic = CSVSM_BOOT_INFO_MAGIC,
		.version = CSVSM_BOOT_INFO_VERSION,
		.region_base = IMG_BASE,
		.region_size = REG_SIZE,
		.image_end = IMG_END,
		.free_base = FREE_BASE,
		.memmap_gpa = IMG_END + PG,
		.memmap_size = PG,
		.vp_count_gpa = IMG_END + 2 * PG,
		.cmdline_gpa = IMG_END + 3 * PG,
		.cmdline_size = PG,
		.ap_trampoline_gpa = AP_TRAMP,
		.secrets_gpa = IMG_END + 4 * PG,
		.cpuid_gpa = IMG_END + 5 * PG,
	};
}

/* The bytes the image page at gpa must hold (IMG_BASE..IMG_END). */
void lfix_expected_image_page(const struct kernel_elf *k, uint64_t gpa,
			      uint8_t *page)
{
	memset(page, 0, PG);
	if (gpa == IMG_BASE)
		memcpy(page, k->b + SEG1_OFF, SEG1_SIZE);
	else if (gpa == IMG_BASE + PG)
		memcpy(page, k->b + SEG2_OFF, SEG2_FILE);
}

bool lfix_all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i])
			return false;
	}
	return true;
}

struct igvm_native_vp_context_x64 lfix_builder_context(void)
{
	return (struct igvm_native_vp_context_x64){
		.rsi = BOOT_INFO,
		.rip = ENTRY,
		.rflags = 0x2,
		.code_selector = 0x08,
		.code_attributes = 0xc09b,
		.code_limit = 0xffffffff,
		.data_selector = 0x10,
		.data_attributes = 0xc093,
		.data_limit = 0xffffffff,
		.cr0 = 0x11,
	};
}

/* Pointer to [gpa, gpa+len) inside one blob of the plan, or NULL. */
const uint8_t *lfix_plan_at(const struct load_plan *p, uint64_t gpa, size_t len)
{
	for (size_t i = 0; i < p->blob_count; i++) {
		const struct blob *bl = &p->blobs[i];

		if (gpa >= bl->gpa && gpa - bl->gpa <= bl->size &&
		    bl->size - (gpa - bl->gpa) >= len)
			return bl->data + (gpa - bl->gpa);
	}
	return NULL;
}

uint32_t lfix_get32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

uint16_t lfix_get16(const uint8_t *p, unsigned int off)
{
	uint16_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

uint64_t lfix_get64(const uint8_t *p, unsigned int off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

struct load_plan *lfix_new_plan(void)
{
	struct load_plan *p = calloc(1, sizeof(*p));

	if (p)
		memset(p->stub, STUB_CANARY, sizeof(p->stub));
	return p;
}

void lfix_free_plan(struct load_plan *p)
{
	if (p)
		plan_free(p);
	free(p);
}

/* Checks the memory-map area against the machine's RAM ranges. */
void lfix_check_memmap(const uint8_t *area, size_t room,
		       const struct machine *m)
{
	const size_t n = sizeof(struct igvm_vhs_memory_map_entry);
	struct igvm_vhs_memory_map_entry e;

	for (unsigned int i = 0; i < m->ram_count; i++) {
		memcpy(&e, area + i * n, n);
		EXPECT_EQ(e.starting_gpa_page_number, m->ram[i].base / PG);
		EXPECT_EQ(e.number_of_pages, m->ram[i].size / PG);
		EXPECT_EQ(e.entry_type, IGVM_MEMORY_MAP_MEMORY);
		EXPECT_EQ(e.flags, 0);
		EXPECT_EQ(e.reserved, 0);
	}
	/* The terminator, and nothing after it. */
	memcpy(&e, area + m->ram_count * n, n);
	EXPECT_EQ(e.number_of_pages, 0);
	EXPECT_TRUE(lfix_all_zero(area + m->ram_count * n,
				  room - m->ram_count * n));
}

int launcher_fixture_boot_areas(uint64_t mem_size, uint32_t vcpus,
				const char *cmdline,
				struct launcher_boot_areas *out)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	struct csvsm_boot_info bi;
	const uint8_t *d;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b))
		goto out_plan;
	machine_init(&m, MACHINE_Q35, mem_size, vcpus);
	if (plan_build(&b.f, &m, cmdline, p)) {
		test_fail(__FILE__, __LINE__, "plan_build failed");
		test_printf("  %s\n", p->err);
		goto out;
	}
	/* The boot-info page is where RSI points, as the kernel finds it. */
	d = lfix_plan_at(p, lfix_get32(p->stub, STUB_ESI), PG);
	if (!d)
		goto missing;
	memcpy(out->boot_info, d, PG);
	memcpy(&bi, d, sizeof(bi));
	if (bi.memmap_size > PG || bi.cmdline_size > PG)
		goto missing;
	d = lfix_plan_at(p, bi.memmap_gpa, bi.memmap_size);
	if (!d)
		goto missing;
	memcpy(out->memmap, d, bi.memmap_size);
	d = lfix_plan_at(p, bi.vp_count_gpa, 4);
	if (!d)
		goto missing;
	memcpy(out->vp_count, d, 4);
	d = lfix_plan_at(p, bi.cmdline_gpa, bi.cmdline_size);
	if (!d)
		goto missing;
	memcpy(out->cmdline, d, bi.cmdline_size);
	rc = 0;
	goto out;
missing:
	test_fail(__FILE__, __LINE__, "boot-info page or an area not loaded");
out:
	lfix_built_free(&b);
out_plan:
	lfix_free_plan(p);
	return rc;
}
