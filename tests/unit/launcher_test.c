/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the stock-QEMU path: the IGVM builder (tools/csvsm-igvm:
 * build_igvm, elf_parse) and the launcher's planning code (tools/csvsm-run:
 * machine_init, machine_is_ram, plan_build).
 *
 * The synthetic ELF64 kernel of launcher_helpers.h (two PT_LOAD segments at
 * physical 0x1000000 and 0x1001000, the second with bss, and a PT_NOTE that
 * must be ignored) is built, parsed back with igvm_parse, and every directive
 * is checked against the layout documented at the top of build.c. The
 * launcher's plan for it is checked byte by byte: page data, the three filled
 * parameter areas and the reset-stub block. Hand-made files check the
 * parameter-area bounds (room for the memory-map terminator, the vCPU count
 * and the command line's NUL) and the files the launcher must refuse. Each
 * rejection is checked for its message.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"

#include "build.h"
#include "elf_image.h"
#include "igvm.h"
#include "launch.h"
#include "launcher_helpers.h"
#include "resetstub.h"
#include "test.h"

/* Expects build_igvm to fail with a message containing `needle`. */
static void expect_build_fails(const struct kernel_elf *k, size_t size,
			       const struct build_options *o,
			       const char *needle, int line)
{
	char err[256] = "";
	uint8_t *file = NULL;
	size_t len = 0;

	if (!build_igvm(o, k->b, size, &file, &len, err, sizeof(err))) {
		test_fail(__FILE__, line, "build_igvm accepted a bad input");
		free(file);
		return;
	}
	if (!strstr(err, needle)) {
		test_fail(__FILE__, line, "build_igvm: unexpected message");
		test_printf("  got \"%s\", want it to contain \"%s\"\n", err,
			    needle);
	}
}

#define EXPECT_BUILD_FAILS(k, size, o, needle) \
	expect_build_fails((k), (size), (o), (needle), __LINE__)

TEST(launcher, machine_init_256m)
{
	struct machine m;

	machine_init(&m, MACHINE_Q35, 256 * MB, 4);
	EXPECT_EQ(m.mem_size, 256 * MB);
	EXPECT_EQ(m.vcpus, 4);
	ASSERT_EQ(m.ram_count, 2);
	EXPECT_EQ(m.ram[0].base, 0);
	EXPECT_EQ(m.ram[0].size, 0xa0000);
	EXPECT_EQ(m.ram[1].base, MB);
	EXPECT_EQ(m.ram[1].size, 255 * MB);
}

TEST(launcher, machine_init_2g)
{
	struct machine m;

	/* Below 0xb0000000 all RAM stays below 4 GiB. */
	machine_init(&m, MACHINE_Q35, 2 * GB, 1);
	ASSERT_EQ(m.ram_count, 2);
	EXPECT_EQ(m.ram[0].base, 0);
	EXPECT_EQ(m.ram[0].size, 0xa0000);
	EXPECT_EQ(m.ram[1].base, MB);
	EXPECT_EQ(m.ram[1].size, 2 * GB - MB);
	machine_init(&m, MACHINE_Q35, 0xb0000000ull - MB, 1);
	ASSERT_EQ(m.ram_count, 2);
	EXPECT_EQ(m.ram[1].size, 0xb0000000ull - 2 * MB);
}

TEST(launcher, machine_init_2_75g)
{
	struct machine m;

	/* At 0xb0000000 q35 switches to 2 GiB low memory. */
	machine_init(&m, MACHINE_Q35, 0xb0000000ull, 2);
	ASSERT_EQ(m.ram_count, 3);
	EXPECT_EQ(m.ram[0].base, 0);
	EXPECT_EQ(m.ram[0].size, 0xa0000);
	EXPECT_EQ(m.ram[1].base, MB);
	EXPECT_EQ(m.ram[1].size, 2 * GB - MB);
	EXPECT_EQ(m.ram[2].base, 4 * GB);
	EXPECT_EQ(m.ram[2].size, 0xb0000000ull - 2 * GB);
}

TEST(launcher, machine_init_3g)
{
	struct machine m;

	machine_init(&m, MACHINE_Q35, 3 * GB, 2);
	ASSERT_EQ(m.ram_count, 3);
	EXPECT_EQ(m.ram[1].base, MB);
	EXPECT_EQ(m.ram[1].size, 2 * GB - MB);
	EXPECT_EQ(m.ram[2].base, 4 * GB);
	EXPECT_EQ(m.ram[2].size, GB);
}

TEST(launcher, machine_is_ram_edges)
{
	struct machine m;

	machine_init(&m, MACHINE_Q35, 256 * MB, 1);
	EXPECT_TRUE(machine_is_ram(&m, 0, 0xa0000));
	EXPECT_TRUE(machine_is_ram(&m, 0x9f000, PG));
	EXPECT_FALSE(machine_is_ram(&m, 0x9f000, PG + 1));
	EXPECT_FALSE(machine_is_ram(&m, 0xa0000, PG));
	EXPECT_FALSE(machine_is_ram(&m, 0xff000, PG));
	/* Straddling the VGA/BIOS hole, though both ends are RAM. */
	EXPECT_FALSE(machine_is_ram(&m, 0x9f000, MB));
	EXPECT_TRUE(machine_is_ram(&m, MB, 255 * MB));
	EXPECT_TRUE(machine_is_ram(&m, 256 * MB - PG, PG));
	EXPECT_FALSE(machine_is_ram(&m, 256 * MB - PG, PG + 1));
	EXPECT_FALSE(machine_is_ram(&m, 256 * MB, 1));
	/* Wrap-around: gpa + size overflows into low RAM. */
	EXPECT_FALSE(machine_is_ram(&m, UINT64_MAX - PG + 1, 2 * PG));
	EXPECT_FALSE(machine_is_ram(&m, MB, UINT64_MAX));
	/* Straddling 4 GiB on a 3 GiB machine (the PCI hole below). */
	machine_init(&m, MACHINE_Q35, 3 * GB, 1);
	EXPECT_FALSE(machine_is_ram(&m, 2 * GB - PG, 2 * PG));
	EXPECT_FALSE(machine_is_ram(&m, 4 * GB - PG, 2 * PG));
	EXPECT_TRUE(machine_is_ram(&m, 4 * GB, GB));
	EXPECT_FALSE(machine_is_ram(&m, 4 * GB, GB + 1));
}

TEST(launcher, elf_parse_segments)
{
	struct kernel_elf k;
	struct elf_image img;
	char err[128] = "";

	lfix_make_elf(&k);
	ASSERT_EQ(elf_parse(k.b, sizeof(k.b), &img, err, sizeof(err)), 0);
	EXPECT_EQ(img.entry, ENTRY);
	ASSERT_EQ(img.segment_count, 2);
	EXPECT_EQ(img.segments[0].paddr, IMG_BASE);
	EXPECT_EQ(img.segments[0].filesz, SEG1_SIZE);
	EXPECT_EQ(img.segments[0].memsz, SEG1_SIZE);
	EXPECT_TRUE(img.segments[0].data == k.b + SEG1_OFF);
	EXPECT_EQ(img.segments[1].paddr, IMG_BASE + SEG1_SIZE);
	EXPECT_EQ(img.segments[1].filesz, SEG2_FILE);
	EXPECT_EQ(img.segments[1].memsz, SEG2_MEM);
	EXPECT_TRUE(img.segments[1].data == k.b + SEG2_OFF);
}

TEST(launcher, build_igvm_layout)
{
	const struct csvsm_boot_info want_bi = lfix_expected_boot_info();
	const struct igvm_native_vp_context_x64 want_ctx =
		lfix_builder_context();
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	uint8_t page[PG];
	unsigned int platforms = 0, pages = 0, areas = 0, inserts = 0;
	unsigned int required = 0, vps = 0, params = 0;
	uint64_t insert_gpa[3] = {0};
	uint32_t param_type[3] = {0};

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	EXPECT_EQ(b.f.format_version, 2);
	for (size_t i = 0; i < b.f.header_count; i++) {
		const struct igvm_vhdr *h = &b.f.headers[i];
		uint32_t type = h->type & ~IGVM_VHT_OPTIONAL_BIT;

		switch (type) {
		case IGVM_VHT_SUPPORTED_PLATFORM: {
			struct igvm_vhs_supported_platform sp;

			ASSERT_EQ(igvm_vhdr_get(h, &sp, sizeof(sp)), 0);
			EXPECT_EQ(sp.platform_type, IGVM_PLATFORM_NATIVE);
			EXPECT_EQ(sp.compatibility_mask, IGVM_MASK_NATIVE);
			EXPECT_EQ(sp.platform_version, 1);
			platforms++;
			break;
		}
		case IGVM_VHT_PAGE_DATA: {
			struct igvm_vhs_page_data pd;
			const uint8_t *d;

			ASSERT_EQ(igvm_vhdr_get(h, &pd, sizeof(pd)), 0);
			/* Image pages in order, then the boot-info page. */
			EXPECT_EQ(pd.gpa, IMG_BASE + pages * PG);
			EXPECT_EQ(pd.compatibility_mask, IGVM_MASK_NATIVE);
			EXPECT_EQ(pd.flags, 0);
			EXPECT_EQ(pd.data_type, IGVM_PAGE_DATA_TYPE_NORMAL);
			if (pd.gpa == BOOT_INFO) {
				memset(page, 0, sizeof(page));
				memcpy(page, &want_bi, sizeof(want_bi));
			} else {
				lfix_expected_image_page(&k, pd.gpa, page);
			}
			if (lfix_all_zero(page, PG)) {
				/* bss: a page of zeros without file data. */
				EXPECT_EQ(pd.file_offset, 0);
			} else {
				d = igvm_file_data(&b.f, pd.file_offset, PG);
				ASSERT_TRUE(d != NULL);
				EXPECT_EQ(memcmp(d, page, PG), 0);
			}
			pages++;
			break;
		}
		case IGVM_VHT_PARAMETER_AREA: {
			struct igvm_vhs_parameter_area pa;

			ASSERT_EQ(igvm_vhdr_get(h, &pa, sizeof(pa)), 0);
			EXPECT_EQ(pa.parameter_area_index, areas);
			EXPECT_EQ(pa.number_of_bytes, PG);
			EXPECT_EQ(pa.file_offset, 0);
			areas++;
			break;
		}
		case IGVM_VHT_MEMORY_MAP:
		case IGVM_VHT_VP_COUNT_PARAMETER:
		case IGVM_VHT_COMMAND_LINE: {
			struct igvm_vhs_parameter p;

			ASSERT_EQ(igvm_vhdr_get(h, &p, sizeof(p)), 0);
			ASSERT_LT(p.parameter_area_index, 3);
			EXPECT_EQ(p.byte_offset, 0);
			EXPECT_EQ(param_type[p.parameter_area_index], 0);
			param_type[p.parameter_area_index] = type;
			params++;
			break;
		}
		case IGVM_VHT_PARAMETER_INSERT: {
			struct igvm_vhs_parameter_insert ins;

			ASSERT_EQ(igvm_vhdr_get(h, &ins, sizeof(ins)), 0);
			ASSERT_LT(ins.parameter_area_index, 3);
			EXPECT_EQ(ins.compatibility_mask, IGVM_MASK_NATIVE);
			EXPECT_EQ(insert_gpa[ins.parameter_area_index], 0);
			insert_gpa[ins.parameter_area_index] = ins.gpa;
			inserts++;
			break;
		}
		case IGVM_VHT_REQUIRED_MEMORY: {
			struct igvm_vhs_required_memory r;

			ASSERT_EQ(igvm_vhdr_get(h, &r, sizeof(r)), 0);
			EXPECT_EQ(r.compatibility_mask, IGVM_MASK_NATIVE);
			EXPECT_EQ(r.flags, 0);
			if (required == 0) {
				EXPECT_EQ(r.gpa, FREE_BASE);
				EXPECT_EQ(r.number_of_bytes,
					  IMG_BASE + REG_SIZE - FREE_BASE);
			} else {
				EXPECT_EQ(r.gpa, AP_TRAMP);
				EXPECT_EQ(r.number_of_bytes, PG);
			}
			required++;
			break;
		}
		case IGVM_VHT_VP_CONTEXT: {
			struct igvm_vhs_vp_context vp;
			const uint8_t *d;

			ASSERT_EQ(igvm_vhdr_get(h, &vp, sizeof(vp)), 0);
			EXPECT_EQ(vp.compatibility_mask, IGVM_MASK_NATIVE);
			EXPECT_EQ(vp.vp_index, 0);
			d = igvm_file_data(&b.f, vp.file_offset, PG);
			ASSERT_TRUE(d != NULL);
			EXPECT_EQ(memcmp(d, &want_ctx, sizeof(want_ctx)), 0);
			EXPECT_TRUE(lfix_all_zero(d + sizeof(want_ctx),
						  PG - sizeof(want_ctx)));
			vps++;
			break;
		}
		default:
			test_fail(__FILE__, __LINE__, "unexpected header type");
			test_printf("  type 0x%x\n", type);
			break;
		}
	}
	EXPECT_EQ(platforms, 1);
	EXPECT_EQ(pages, (IMG_END - IMG_BASE) / PG + 1);
	EXPECT_EQ(areas, 3);
	EXPECT_EQ(params, 3);
	EXPECT_EQ(inserts, 3);
	EXPECT_EQ(required, 2);
	EXPECT_EQ(vps, 1);
	/* The boot-info page names each area where it is inserted. */
	for (unsigned int i = 0; i < 3; i++) {
		if (param_type[i] == IGVM_VHT_MEMORY_MAP)
			EXPECT_EQ(insert_gpa[i], want_bi.memmap_gpa);
		else if (param_type[i] == IGVM_VHT_VP_COUNT_PARAMETER)
			EXPECT_EQ(insert_gpa[i], want_bi.vp_count_gpa);
		else if (param_type[i] == IGVM_VHT_COMMAND_LINE)
			EXPECT_EQ(insert_gpa[i], want_bi.cmdline_gpa);
		else
			test_fail(__FILE__, __LINE__,
				  "area without a parameter");
	}
	lfix_built_free(&b);
}

TEST(launcher, build_igvm_is_reproducible)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built a, b;

	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &a));
	if (lfix_build_and_parse(&k, &o, &b)) {
		EXPECT_EQ(a.len, b.len);
		EXPECT_TRUE(a.len == b.len &&
			    memcmp(a.file, b.file, a.len) == 0);
	}
	lfix_built_free(&a);
	lfix_built_free(&b);
}

TEST(launcher, build_igvm_rejects_bad_elf)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();

	lfix_make_elf(&k);
	memcpy(k.b, "this is not an ELF file at all, no sir.", 40);
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "ELF");
	EXPECT_BUILD_FAILS(&k, 0, &o, "ELF");
	lfix_make_elf(&k);
	EXPECT_BUILD_FAILS(&k, sizeof(Elf64_Ehdr) - 1, &o, "ELF");
	k.eh->e_machine = EM_386;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "x86-64");
	lfix_make_elf(&k);
	k.eh->e_type = ET_DYN;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "executable");
	lfix_make_elf(&k);
	k.eh->e_ident[EI_CLASS] = ELFCLASS32;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "ELF64");
}

TEST(launcher, build_igvm_rejects_truncated_headers)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	const size_t ph_end = sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr);

	lfix_make_elf(&k);
	/* The last program header one byte short. */
	EXPECT_BUILD_FAILS(&k, ph_end - 1, &o, "program headers");
	/* e_phoff past the end, and a count that does not fit. */
	k.eh->e_phoff = sizeof(k.b) + 8;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "program headers");
	lfix_make_elf(&k);
	k.eh->e_phnum = 0xffff;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "program headers");
	lfix_make_elf(&k);
	k.eh->e_phentsize = 32;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "program headers");
	/* Segment data cut off by the end of the file. */
	lfix_make_elf(&k);
	EXPECT_BUILD_FAILS(&k, sizeof(k.b) - 1, &o, "outside the file");
	k.ph[0].p_filesz = SEG1_SIZE + 1; /* filesz > memsz */
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "outside the file");
	lfix_make_elf(&k);
	k.ph[2].p_offset = UINT64_MAX - 8;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "outside the file");
}

TEST(launcher, build_igvm_rejects_bad_region)
{
	struct kernel_elf k;
	struct build_options o;

	lfix_make_elf(&k);
	/* The image starts 2 MiB below the region. */
	o = lfix_default_options();
	o.region_base = IMG_BASE + 0x200000;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "below the region base");
	/* A segment (not the first) below the region. */
	o = lfix_default_options();
	k.ph[2].p_paddr = IMG_BASE - PG;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "below the region base");
	lfix_make_elf(&k);
	o.region_base = IMG_BASE + MB;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "2 MiB");
	o = lfix_default_options();
	o.region_size = REG_SIZE + PG;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "2 MiB");
	o.region_size = 0;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "2 MiB");
	o.region_size = GB + REG_SIZE;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "1 GiB");
	o = lfix_default_options();
	o.ap_trampoline = MB;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "trampoline");
	o.ap_trampoline = AP_TRAMP + 8;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "trampoline");
}

TEST(launcher, build_igvm_rejects_image_too_big)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;

	lfix_make_elf(&k);
	/* bss up to the region end: no room for boot info and areas. */
	k.ph[2].p_memsz = IMG_BASE + REG_SIZE - k.ph[2].p_paddr;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "does not fit");
	/* A segment beyond the region's end. */
	lfix_make_elf(&k);
	k.ph[2].p_paddr = IMG_BASE + REG_SIZE;
	EXPECT_BUILD_FAILS(&k, sizeof(k.b), &o, "does not fit");
	/*
	 * Largest that fits: boot info, three areas, the SNP secrets and
	 * CPUID pages, and one free page after the image.
	 */
	lfix_make_elf(&k);
	k.ph[2].p_memsz = IMG_BASE + REG_SIZE - 7 * PG - k.ph[2].p_paddr;
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	lfix_built_free(&b);
}

TEST(launcher, plan_build_256m)
{
	const char *cl = "loglevel=50 exit_on_ready";
	const struct csvsm_boot_info want_bi = lfix_expected_boot_info();
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	uint8_t page[PG];
	const uint8_t *d;
	size_t total = 0;
	uint32_t vcpus;

	ASSERT_TRUE(p != NULL);
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		lfix_free_plan(p);
		return;
	}
	machine_init(&m, MACHINE_Q35, 256 * MB, 4);
	EXPECT_EQ(plan_build(&b.f, &m, cl, p), 0);
	EXPECT_EQ(p->err[0], '\0');

	/*
	 * Exactly the image, boot info and three areas, in RAM; the secrets
	 * and CPUID pages that follow are SNP-only, not loaded on native.
	 */
	for (size_t i = 0; i < p->blob_count; i++) {
		EXPECT_TRUE(
			machine_is_ram(&m, p->blobs[i].gpa, p->blobs[i].size));
		total += p->blobs[i].size;
	}
	EXPECT_EQ(total, IMG_END + 4 * PG - IMG_BASE);
	for (uint64_t gpa = IMG_BASE; gpa < IMG_END; gpa += PG) {
		lfix_expected_image_page(&k, gpa, page);
		d = lfix_plan_at(p, gpa, PG);
		EXPECT_TRUE(d != NULL && memcmp(d, page, PG) == 0);
	}
	d = lfix_plan_at(p, BOOT_INFO, PG);
	EXPECT_TRUE(d != NULL && memcmp(d, &want_bi, sizeof(want_bi)) == 0 &&
		    lfix_all_zero(d + sizeof(want_bi), PG - sizeof(want_bi)));

	d = lfix_plan_at(p, want_bi.memmap_gpa, PG);
	ASSERT_TRUE(d != NULL);
	lfix_check_memmap(d, PG, &m);

	d = lfix_plan_at(p, want_bi.vp_count_gpa, PG);
	ASSERT_TRUE(d != NULL);
	memcpy(&vcpus, d, sizeof(vcpus));
	EXPECT_EQ(vcpus, 4);
	EXPECT_TRUE(lfix_all_zero(d + 4, PG - 4));

	d = lfix_plan_at(p, want_bi.cmdline_gpa, PG);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(memcmp(d, cl, strlen(cl) + 1), 0);
	EXPECT_TRUE(lfix_all_zero(d + strlen(cl), PG - strlen(cl)));

	/* Nothing loaded at the AP trampoline or the free area. */
	EXPECT_TRUE(lfix_plan_at(p, AP_TRAMP, 1) == NULL);
	EXPECT_TRUE(lfix_plan_at(p, FREE_BASE, 1) == NULL);

	lfix_free_plan(p);
	lfix_built_free(&b);
}

TEST(launcher, plan_build_stub_block)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	const uint8_t *s;

	ASSERT_TRUE(p != NULL);
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		lfix_free_plan(p);
		return;
	}
	machine_init(&m, MACHINE_Q35, 256 * MB, 4);
	EXPECT_EQ(plan_build(&b.f, &m, "", p), 0);
	s = p->stub;
	EXPECT_EQ(lfix_get32(s, STUB_FAR_EIP), ENTRY);
	EXPECT_EQ(lfix_get16(s, STUB_FAR_CS), 0x08);
	EXPECT_EQ(lfix_get16(s, STUB_DATA_SEL), 0x10);
	EXPECT_EQ(lfix_get32(s, STUB_ESI), BOOT_INFO);
	EXPECT_EQ(lfix_get32(s, STUB_CR0), 0x11);
	EXPECT_EQ(lfix_get32(s, STUB_CR3), 0);
	EXPECT_EQ(lfix_get32(s, STUB_CR4), 0);
	EXPECT_EQ(lfix_get32(s, STUB_EFER_LO), 0);
	EXPECT_EQ(lfix_get32(s, STUB_EFER_HI), 0);
	EXPECT_EQ(lfix_get32(s, STUB_FLAGS), 0); /* no GDTR in the context */
	EXPECT_EQ(lfix_get32(s, STUB_EAX), 0);
	EXPECT_EQ(lfix_get32(s, STUB_ESP), 0);
	/* The VP's flat segments in their slots, the stub's own in 14/15. */
	EXPECT_EQ(lfix_get64(s, STUB_GDT + 0x00), 0);
	EXPECT_EQ(lfix_get64(s, STUB_GDT + 0x08), CODE_DESC);
	EXPECT_EQ(lfix_get64(s, STUB_GDT + 0x10), DATA_DESC);
	EXPECT_EQ(lfix_get64(s, STUB_GDT + STUB_CS32), CODE_DESC);
	EXPECT_EQ(lfix_get64(s, STUB_GDT + STUB_DS32), DATA_DESC);
	EXPECT_EQ(lfix_get16(s, STUB_GDTR), STUB_GDT_COUNT * 8 - 1);
	EXPECT_EQ(lfix_get32(s, STUB_GDTR + 2), STUB_BASE + STUB_GDT);
	/* The stub's code after the context block is left alone. */
	EXPECT_EQ(s[STUB_CTX_END], STUB_CANARY);
	EXPECT_EQ(s[sizeof(p->stub) - 1], STUB_CANARY);
	lfix_free_plan(p);
	lfix_built_free(&b);
}

TEST(launcher, plan_build_3g_memory_map)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	const uint8_t *d;

	ASSERT_TRUE(p != NULL);
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		lfix_free_plan(p);
		return;
	}
	machine_init(&m, MACHINE_Q35, 3 * GB, 2);
	EXPECT_EQ(plan_build(&b.f, &m, "x", p), 0);
	d = lfix_plan_at(p, IMG_END + PG, PG);
	ASSERT_TRUE(d != NULL);
	lfix_check_memmap(d, PG, &m);
	d = lfix_plan_at(p, IMG_END + 2 * PG, 4);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(lfix_get32(d, 0), 2);
	lfix_free_plan(p);
	lfix_built_free(&b);
}

/* plan_build must fail with a message containing `needle`. */
static void expect_plan_fails(uint64_t mem, const char *cmdline,
			      const char *needle, int line)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();

	if (!p) {
		test_fail(__FILE__, line, "out of memory");
		return;
	}
	lfix_make_elf(&k);
	if (!lfix_build_and_parse(&k, &o, &b)) {
		lfix_free_plan(p);
		return;
	}
	machine_init(&m, MACHINE_Q35, mem, 1);
	if (plan_build(&b.f, &m, cmdline, p) == 0) {
		test_fail(__FILE__, line, "plan_build accepted a bad setup");
	} else if (!strstr(p->err, needle)) {
		test_fail(__FILE__, line, "plan_build: unexpected message");
		test_printf("  got \"%s\", want it to contain \"%s\"\n", p->err,
			    needle);
	}
	lfix_free_plan(p);
	lfix_built_free(&b);
}

static int plan_rc(uint64_t mem, const char *cmdline)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	int rc = -2;

	if (!p)
		return rc;
	lfix_make_elf(&k);
	if (lfix_build_and_parse(&k, &o, &b)) {
		machine_init(&m, MACHINE_Q35, mem, 1);
		rc = plan_build(&b.f, &m, cmdline, p);
		if (rc)
			test_printf("  plan_build: %s\n", p->err);
	}
	lfix_free_plan(p);
	lfix_built_free(&b);
	return rc;
}

TEST(launcher, plan_build_machine_too_small)
{
	/* 16 MiB: RAM ends where the region starts. */
	expect_plan_fails(16 * MB, "", "not RAM", __LINE__);
	/* 17 MiB: the pages fit, the region's free part does not. */
	expect_plan_fails(17 * MB, "", "not RAM", __LINE__);
	/* 18 MiB: RAM ends exactly at the region's end. */
	EXPECT_EQ(plan_rc(18 * MB, ""), 0);
}

TEST(launcher, plan_build_cmdline_too_long)
{
	char *cl = malloc(PG + 1);

	ASSERT_TRUE(cl != NULL);
	/* 4096 characters and a NUL do not fit a 4096-byte area. */
	memset(cl, 'c', PG);
	cl[PG] = '\0';
	expect_plan_fails(256 * MB, cl, "command line", __LINE__);
	/* 4095 characters and the NUL do. */
	cl[PG - 1] = '\0';
	EXPECT_EQ(plan_rc(256 * MB, cl), 0);
	free(cl);
}

/*
 * A hand-made native file: one 4 KiB parameter area (index 0) holding one
 * parameter of `type` at `offset`, inserted at AREA_GPA, plus optional page
 * data at `page_gpa` (0: none) and the builder's VP context for `vp_index`.
 */
#define AREA_GPA 0x200000ull

struct custom {
	uint32_t platform_type;
	uint32_t type;
	uint32_t offset;
	uint64_t page_gpa;
	uint16_t vp_index;
};

static bool custom_file(const struct custom *c, struct built *out)
{
	struct igvm_vhs_supported_platform sp = {
		.compatibility_mask = IGVM_MASK_NATIVE,
		.platform_type = (uint8_t)c->platform_type,
		.platform_version = 1,
	};
	struct igvm_vhs_parameter prm = {.parameter_area_index = 0,
					 .byte_offset = c->offset};
	struct igvm_vhs_parameter_insert ins = {
		.gpa = AREA_GPA,
		.compatibility_mask = IGVM_MASK_NATIVE,
		.parameter_area_index = 0,
	};
	struct igvm_native_vp_context_x64 ctx = lfix_builder_context();
	struct igvm_builder *b = igvm_builder_new(2);
	char perr[IGVM_ERR_LEN] = "";
	bool ok;

	memset(out, 0, sizeof(*out));
	if (c->platform_type == IGVM_PLATFORM_SEV_SNP) {
		sp.compatibility_mask = IGVM_MASK_SNP;
		ins.compatibility_mask = IGVM_MASK_SNP;
	}
	ok = b &&
	     !igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &sp,
			       sizeof(sp)) &&
	     !igvm_builder_parameter_area(b, 0, PG, NULL) &&
	     !igvm_builder_add(b, c->type, &prm, sizeof(prm)) &&
	     (!c->page_gpa ||
	      !igvm_builder_page_data(b, c->page_gpa, sp.compatibility_mask, 0,
				      IGVM_PAGE_DATA_TYPE_NORMAL, "x", 1)) &&
	     !igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins,
			       sizeof(ins)) &&
	     !igvm_builder_vp_context(b, 0, sp.compatibility_mask, c->vp_index,
				      &ctx, sizeof(ctx)) &&
	     !igvm_builder_write(b, &out->file, &out->len);
	if (!ok) {
		test_fail(__FILE__, __LINE__,
			  "could not build the custom file");
		test_printf("  %s\n", b ? igvm_builder_error(b) : "no builder");
	} else if (igvm_parse(out->file, out->len, &out->f, perr)) {
		test_fail(__FILE__, __LINE__, "igvm_parse rejected it");
		test_printf("  %s\n", perr);
		ok = false;
	} else {
		out->parsed = true;
	}
	igvm_builder_free(b);
	if (!ok) {
		free(out->file);
		out->file = NULL;
	}
	return ok;
}

/*
 * Plans the custom file for 256 MiB and 4 vCPUs; returns plan_build's
 * result, or -2 when the file could not be made. On 0 the area's bytes are
 * copied to `area` (if not NULL); on -1 the message is checked for `needle`.
 */
static int custom_plan(const struct custom *c, const char *cmdline,
		       const char *needle, uint8_t *area, int line)
{
	struct built b;
	struct machine m;
	struct load_plan *p = lfix_new_plan();
	const uint8_t *d;
	int rc = -2;

	if (!p || !custom_file(c, &b)) {
		free(p);
		return rc;
	}
	machine_init(&m, MACHINE_Q35, 256 * MB, 4);
	rc = plan_build(&b.f, &m, cmdline, p);
	if (rc == 0 && area) {
		d = lfix_plan_at(p, AREA_GPA, PG);
		if (d)
			memcpy(area, d, PG);
		else
			test_fail(__FILE__, line, "area not loaded");
	}
	if (rc && needle && !strstr(p->err, needle)) {
		test_fail(__FILE__, line, "plan_build: unexpected message");
		test_printf("  got \"%s\", want it to contain \"%s\"\n", p->err,
			    needle);
	}
	lfix_free_plan(p);
	lfix_built_free(&b);
	return rc;
}

TEST(launcher, plan_memory_map_needs_room_for_terminator)
{
	const uint32_t n = sizeof(struct igvm_vhs_memory_map_entry);
	struct custom c = {.platform_type = IGVM_PLATFORM_NATIVE,
			   .type = IGVM_VHT_MEMORY_MAP};
	static uint8_t area[PG];
	struct machine m;

	/* 256 MiB: two ranges and the terminator at the end of the area. */
	machine_init(&m, MACHINE_Q35, 256 * MB, 4);
	c.offset = PG - 3 * n;
	ASSERT_EQ(custom_plan(&c, "", NULL, area, __LINE__), 0);
	lfix_check_memmap(area + c.offset, PG - c.offset, &m);
	EXPECT_TRUE(lfix_all_zero(area, c.offset));
	/* Room for the two ranges but not for the terminator. */
	c.offset = PG - 2 * n;
	EXPECT_EQ(custom_plan(&c, "", "too small", NULL, __LINE__), -1);
	c.offset = PG - 3 * n + 1;
	EXPECT_EQ(custom_plan(&c, "", "too small", NULL, __LINE__), -1);
}

TEST(launcher, plan_vp_count_offset)
{
	struct custom c = {.platform_type = IGVM_PLATFORM_NATIVE,
			   .type = IGVM_VHT_VP_COUNT_PARAMETER};
	static uint8_t area[PG];

	c.offset = PG - 4;
	ASSERT_EQ(custom_plan(&c, "", NULL, area, __LINE__), 0);
	EXPECT_EQ(lfix_get32(area, PG - 4), 4);
	EXPECT_TRUE(lfix_all_zero(area, PG - 4));
	c.offset = PG - 3;
	EXPECT_EQ(custom_plan(&c, "", "vCPU-count", NULL, __LINE__), -1);
}

TEST(launcher, plan_cmdline_offset)
{
	struct custom c = {.platform_type = IGVM_PLATFORM_NATIVE,
			   .type = IGVM_VHT_COMMAND_LINE};
	static uint8_t area[PG];

	/* "quiet" and its NUL end exactly at the end of the area. */
	c.offset = PG - 6;
	ASSERT_EQ(custom_plan(&c, "quiet", NULL, area, __LINE__), 0);
	EXPECT_EQ(memcmp(area + PG - 6, "quiet", 6), 0);
	c.offset = PG - 5;
	EXPECT_EQ(custom_plan(&c, "quiet", "command line", NULL, __LINE__), -1);
}

TEST(launcher, plan_rejects_unsupported_files)
{
	struct custom c = {.platform_type = IGVM_PLATFORM_NATIVE,
			   .type = IGVM_VHT_VP_COUNT_PARAMETER};

	/* Page data overlapping the inserted area. */
	c.page_gpa = AREA_GPA;
	EXPECT_EQ(custom_plan(&c, "", "loaded twice", NULL, __LINE__), -1);
	/* Page data in the VGA hole. */
	c.page_gpa = 0xa0000;
	EXPECT_EQ(custom_plan(&c, "", "not RAM", NULL, __LINE__), -1);
	/* A context for an AP. */
	c.page_gpa = 0;
	c.vp_index = 1;
	EXPECT_EQ(custom_plan(&c, "", "vCPU 1", NULL, __LINE__), -1);
	/* No native platform at all. */
	c.vp_index = 0;
	c.platform_type = IGVM_PLATFORM_SEV_SNP;
	EXPECT_EQ(custom_plan(&c, "", "native", NULL, __LINE__), -1);
}
