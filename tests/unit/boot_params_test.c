/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of kernel/core/boot_params.c (boot_params_parse). A fixture
 * holds a valid boot-info page, IGVM memory map, vCPU count and command line;
 * each test changes one thing. The parser is handed exact-size heap copies of
 * the four areas, so any read past an area's stated size is an ASan error.
 * Covered: the valid case fills every field; one rejection per rule on the
 * boot-info page, the vCPU count, the memory map (terminator bound, order,
 * overlap, overflow, range count), the region-in-RAM check and the command
 * line bound, each with the boundary value that is still accepted; skipping
 * of non-MEMORY entries; that results do not depend on what `out` held
 * before (each case runs with `out` filled with 0x00 and with 0xAA); and, end
 * to end, that the pages the IGVM builder and the launcher produce for a q35
 * machine (launcher_fixture.h) parse to that machine's RAM, vCPUs and line.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/boot.h"
#include "svsm/percpu.h"

#include "abi/csvsm_boot.h"
#include "abi/igvm.h"

#include "launcher_fixture.h"
#include "test.h"

#define BASE	0x1000000ull /* region base the kernel expects */
#define RSIZE	0x1000000ull /* 16 MiB region */
#define IMG_END (BASE + 0x40000)
#define MAP_MAX 48
#define MB	0x100000ull
#define PG	4096ull
#define CL_ROOM (BOOT_CMDLINE_MAX + 64)

struct fixture {
	struct csvsm_boot_info bi;
	struct igvm_vhs_memory_map_entry map[MAP_MAX];
	uint32_t vcpus;
	char cmdline[CL_ROOM];
	struct boot_params out;
};

static void set_entry(struct fixture *f, unsigned int i, uint64_t base,
		      uint64_t size, uint16_t type)
{
	f->map[i] = (struct igvm_vhs_memory_map_entry){
		.starting_gpa_page_number = base / PG,
		.number_of_pages = size / PG,
		.entry_type = type,
	};
}

/* A valid set of inputs: q35 with 256 MiB, 4 vCPUs, a short command line. */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->bi = (struct csvsm_boot_info){
		.magic = CSVSM_BOOT_INFO_MAGIC,
		.version = CSVSM_BOOT_INFO_VERSION,
		.region_base = BASE,
		.region_size = RSIZE,
		.image_end = IMG_END,
		.free_base = IMG_END + 4 * PG,
		.memmap_gpa = IMG_END + PG,
		.memmap_size = sizeof(f->map),
		.vp_count_gpa = IMG_END + 2 * PG,
		.cmdline_gpa = IMG_END + 3 * PG,
		.cmdline_size = PG,
		.ap_trampoline_gpa = 0x9f000,
	};
	set_entry(f, 0, 0, 0xa0000, IGVM_MEMORY_MAP_MEMORY);
	set_entry(f, 1, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	f->vcpus = 4;
	strcpy(f->cmdline, "loglevel=50 exit_on_ready");
}

/* Runs the parser on exact-size heap copies, `out` pre-filled with `fill`. */
static enum svsm_err run_fill(struct fixture *f, int fill)
{
	size_t msize = f->bi.memmap_size;
	size_t csize = f->bi.cmdline_size ? f->bi.cmdline_size : 1;
	struct csvsm_boot_info *bi = malloc(sizeof(*bi));
	uint8_t *map = malloc(msize ? msize : 1);
	uint32_t *vp = malloc(sizeof(*vp));
	char *cl = calloc(1, csize);
	enum svsm_err rc = SVSM_E_INVAL;

	if (!bi || !map || !vp || !cl) {
		test_fail(__FILE__, __LINE__, "out of memory");
		goto out;
	}
	memcpy(bi, &f->bi, sizeof(*bi));
	memcpy(map, f->map, msize < sizeof(f->map) ? msize : sizeof(f->map));
	*vp = f->vcpus;
	memcpy(cl, f->cmdline, csize < CL_ROOM ? csize : CL_ROOM);
	memset(&f->out, fill, sizeof(f->out));
	rc = boot_params_parse(bi, BASE, map, vp, cl, &f->out);
out:
	free(bi);
	free(map);
	free(vp);
	free(cl);
	return rc;
}

/* Both fills must give the same verdict. */
static enum svsm_err run(struct fixture *f)
{
	enum svsm_err zero = run_fill(f, 0x00);
	enum svsm_err aa = run_fill(f, 0xaa);

	EXPECT_EQ(zero, aa);
	return aa;
}

static void expect_inval(struct fixture *f, int line)
{
	enum svsm_err rc = run(f);

	if (rc != SVSM_E_INVAL) {
		test_fail(__FILE__, line, "boot_params_parse did not reject");
		test_printf("  got %d, want SVSM_E_INVAL (%d)\n", (int)rc,
			    (int)SVSM_E_INVAL);
	}
}

#define EXPECT_INVAL(f)	 expect_inval((f), __LINE__)
#define EXPECT_PARSES(f) EXPECT_EQ(run(f), SVSM_OK)

TEST(boot_params, valid_fills_every_field)
{
	static struct fixture f;
	static struct boot_params zeroed;

	fixture_init(&f);
	ASSERT_EQ(run_fill(&f, 0x00), SVSM_OK);
	zeroed = f.out;
	ASSERT_EQ(run_fill(&f, 0xaa), SVSM_OK);
	EXPECT_EQ(f.out.region_base, BASE);
	EXPECT_EQ(f.out.region_size, RSIZE);
	EXPECT_EQ(f.out.image_end, IMG_END);
	EXPECT_EQ(f.out.free_base, IMG_END + 4 * PG);
	EXPECT_EQ(f.out.ap_trampoline_gpa, 0x9f000);
	EXPECT_EQ(f.out.vcpu_count, 4);
	ASSERT_EQ(f.out.ram_count, 2);
	EXPECT_EQ(f.out.ram[0].base, 0);
	EXPECT_EQ(f.out.ram[0].size, 0xa0000);
	EXPECT_EQ(f.out.ram[1].base, MB);
	EXPECT_EQ(f.out.ram[1].size, 255 * MB);
	EXPECT_TRUE(strcmp(f.out.cmdline, "loglevel=50 exit_on_ready") == 0);

	/* The same result whatever `out` held before. */
	EXPECT_EQ(zeroed.region_base, f.out.region_base);
	EXPECT_EQ(zeroed.free_base, f.out.free_base);
	EXPECT_EQ(zeroed.vcpu_count, f.out.vcpu_count);
	EXPECT_EQ(zeroed.ram_count, f.out.ram_count);
	EXPECT_EQ(memcmp(zeroed.ram, f.out.ram,
			 f.out.ram_count * sizeof(f.out.ram[0])),
		  0);
	EXPECT_TRUE(strcmp(zeroed.cmdline, f.out.cmdline) == 0);
}

TEST(boot_params, bad_magic)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.magic ^= 1;
	EXPECT_INVAL(&f);
	f.bi.magic = 0;
	EXPECT_INVAL(&f);
}

TEST(boot_params, bad_version)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.version = CSVSM_BOOT_INFO_VERSION + 1;
	EXPECT_INVAL(&f);
	f.bi.version = 0;
	EXPECT_INVAL(&f);
}

TEST(boot_params, region_base_not_expected)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.region_base = BASE + 0x200000;
	f.bi.image_end += 0x200000;
	f.bi.free_base += 0x200000;
	EXPECT_INVAL(&f);
	fixture_init(&f);
	f.bi.region_base = BASE - 0x200000;
	EXPECT_INVAL(&f);
}

TEST(boot_params, region_size_wraps)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.region_size = UINT64_MAX - BASE + 2; /* base + size == 1 */
	EXPECT_INVAL(&f);
	f.bi.region_size = UINT64_MAX;
	EXPECT_INVAL(&f);
}

TEST(boot_params, image_end_after_free_base)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.image_end = f.bi.free_base + PG;
	EXPECT_INVAL(&f);
	/* Boundary: image_end == free_base is allowed. */
	fixture_init(&f);
	f.bi.image_end = f.bi.free_base;
	EXPECT_PARSES(&f);
}

TEST(boot_params, image_end_not_after_region_base)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.image_end = BASE;
	EXPECT_INVAL(&f);
}

TEST(boot_params, free_base_beyond_region)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.free_base = BASE + RSIZE + PG;
	EXPECT_INVAL(&f);
	/* Boundary: free_base == region end (nothing free) is allowed. */
	fixture_init(&f);
	f.bi.free_base = BASE + RSIZE;
	EXPECT_PARSES(&f);
}

TEST(boot_params, vcpu_count_bounds)
{
	static struct fixture f;

	fixture_init(&f);
	f.vcpus = 0;
	EXPECT_INVAL(&f);
	f.vcpus = CFG_MAX_CPUS + 1;
	EXPECT_INVAL(&f);
	f.vcpus = UINT32_MAX;
	EXPECT_INVAL(&f);
	f.vcpus = CFG_MAX_CPUS;
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.vcpu_count, CFG_MAX_CPUS);
	f.vcpus = 1;
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.vcpu_count, 1);
}

TEST(boot_params, memmap_terminator_bound)
{
	static struct fixture f;
	const size_t e = sizeof(struct igvm_vhs_memory_map_entry);

	/* Two ranges and the terminator: 3 entries are exactly enough. */
	fixture_init(&f);
	f.bi.memmap_size = 3 * e;
	EXPECT_PARSES(&f);
	/* The terminator only partly inside the area does not count. */
	f.bi.memmap_size = 3 * e - 1;
	EXPECT_INVAL(&f);
	f.bi.memmap_size = 2 * e;
	EXPECT_INVAL(&f);
	f.bi.memmap_size = 0;
	EXPECT_INVAL(&f);
}

TEST(boot_params, memmap_without_terminator)
{
	static struct fixture f;

	fixture_init(&f);
	for (unsigned int i = 0; i < MAP_MAX; i++)
		set_entry(&f, i, i == 0 ? 0 : MB * (i + 300),
			  i == 0 ? 256 * MB : MB,
			  i < 2 ? IGVM_MEMORY_MAP_MEMORY
				: IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	EXPECT_INVAL(&f);
}

TEST(boot_params, memmap_empty)
{
	static struct fixture f;

	fixture_init(&f);
	memset(f.map, 0, sizeof(f.map));
	EXPECT_INVAL(&f);
	/* Only non-MEMORY entries: no RAM at all. */
	set_entry(&f, 0, 0, 256 * MB, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	EXPECT_INVAL(&f);
}

TEST(boot_params, memmap_unsorted)
{
	static struct fixture f;

	fixture_init(&f);
	set_entry(&f, 0, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 1, 0, 0xa0000, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
}

TEST(boot_params, memmap_overlapping)
{
	static struct fixture f;

	fixture_init(&f);
	set_entry(&f, 0, 0, 2 * MB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 1, 2 * MB - PG, 254 * MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
	/* The same range twice. */
	set_entry(&f, 0, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 1, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
	/* Boundary: adjacent ranges do not overlap. */
	set_entry(&f, 0, 0, 2 * MB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 1, 2 * MB, 254 * MB, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.ram_count, 2);
}

TEST(boot_params, memmap_range_end_overflows)
{
	static struct fixture f;

	/* A third range after the good ones, each time with a bad end. */
	fixture_init(&f);
	f.map[2] = (struct igvm_vhs_memory_map_entry){
		.starting_gpa_page_number = (1ull << 40) - 1,
		.number_of_pages = 2, /* ends one page past 2^52 */
	};
	EXPECT_INVAL(&f);
	f.map[2].number_of_pages = UINT64_MAX;
	EXPECT_INVAL(&f);
	f.map[2].number_of_pages = 1ull << 52; /* << 12 wraps to 0 */
	EXPECT_INVAL(&f);
	f.map[2].starting_gpa_page_number = 1ull << 52; /* base wraps to 0 */
	f.map[2].number_of_pages = 1;
	EXPECT_INVAL(&f);
	f.map[2].starting_gpa_page_number = UINT64_MAX;
	EXPECT_INVAL(&f);
	/* Boundary: a range ending exactly at 2^52 is accepted. */
	f.map[2].starting_gpa_page_number = (1ull << 40) - 1;
	f.map[2].number_of_pages = 1;
	ASSERT_EQ(run(&f), SVSM_OK);
	ASSERT_EQ(f.out.ram_count, 3);
	EXPECT_EQ(f.out.ram[2].base, (1ull << 52) - PG);
	EXPECT_EQ(f.out.ram[2].size, PG);
}

TEST(boot_params, non_memory_entries_skipped)
{
	static struct fixture f;

	fixture_init(&f);
	set_entry(&f, 0, 0, 0xa0000, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 1, 0xa0000, 0x60000, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	set_entry(&f, 2, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	/* Out of order and overflowing, but not MEMORY: ignored. */
	f.map[3] = (struct igvm_vhs_memory_map_entry){
		.starting_gpa_page_number = UINT64_MAX,
		.number_of_pages = UINT64_MAX,
		.entry_type = IGVM_MEMORY_MAP_PERSISTENT,
	};
	set_entry(&f, 4, 0, MB, IGVM_MEMORY_MAP_VTL2_PROTECTABLE);
	set_entry(&f, 5, 0x100000000ull, MB, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_EQ(run(&f), SVSM_OK);
	ASSERT_EQ(f.out.ram_count, 3);
	EXPECT_EQ(f.out.ram[0].base, 0);
	EXPECT_EQ(f.out.ram[0].size, 0xa0000);
	EXPECT_EQ(f.out.ram[1].base, MB);
	EXPECT_EQ(f.out.ram[1].size, 255 * MB);
	EXPECT_EQ(f.out.ram[2].base, 0x100000000ull);
	EXPECT_EQ(f.out.ram[2].size, MB);
}

TEST(boot_params, region_not_in_ram)
{
	static struct fixture f;

	/* RAM ends below the region's end. */
	fixture_init(&f);
	set_entry(&f, 1, MB, BASE + RSIZE - MB - PG, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
	/* Boundary: RAM ending exactly at the region's end. */
	set_entry(&f, 1, MB, BASE + RSIZE - MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_PARSES(&f);
	/* RAM starting one page into the region. */
	set_entry(&f, 1, BASE + PG, 128 * MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
	/* The region is only covered by a reserved entry. */
	set_entry(&f, 1, MB, 255 * MB, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	EXPECT_INVAL(&f);
	/* RAM only above 4 GiB. */
	set_entry(&f, 1, 0x100000000ull, 256 * MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
}

TEST(boot_params, region_straddles_two_ram_ranges)
{
	static struct fixture f;

	/* Adjacent ranges split in the middle of the region. */
	fixture_init(&f);
	set_entry(&f, 1, MB, BASE + RSIZE / 2 - MB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(&f, 2, BASE + RSIZE / 2, 128 * MB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
	/* With a hole between them. */
	set_entry(&f, 2, BASE + RSIZE / 2 + PG, 128 * MB,
		  IGVM_MEMORY_MAP_MEMORY);
	EXPECT_INVAL(&f);
}

TEST(boot_params, ram_range_count_limit)
{
	static struct fixture f;
	unsigned int i;

	/* Range 0 holds the region; the rest are single pages above it. */
	fixture_init(&f);
	set_entry(&f, 0, MB, 255 * MB, IGVM_MEMORY_MAP_MEMORY);
	for (i = 1; i < BOOT_MAX_RAM_RANGES; i++)
		set_entry(&f, i, 512 * MB + i * 2 * PG, PG,
			  IGVM_MEMORY_MAP_MEMORY);
	memset(&f.map[i], 0, sizeof(f.map[i]));
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.ram_count, BOOT_MAX_RAM_RANGES);
	EXPECT_EQ(f.out.ram[BOOT_MAX_RAM_RANGES - 1].base,
		  512 * MB + (BOOT_MAX_RAM_RANGES - 1) * 2 * PG);
	/* One more range is one too many. */
	set_entry(&f, i, 512 * MB + i * 2 * PG, PG, IGVM_MEMORY_MAP_MEMORY);
	memset(&f.map[i + 1], 0, sizeof(f.map[i + 1]));
	EXPECT_INVAL(&f);
	/* Non-MEMORY entries do not count towards the limit. */
	f.map[i].entry_type = IGVM_MEMORY_MAP_PLATFORM_RESERVED;
	EXPECT_PARSES(&f);
}

TEST(boot_params, cmdline_bound)
{
	static struct fixture f;

	/* The longest line that fits: BOOT_CMDLINE_MAX - 1 characters. */
	fixture_init(&f);
	memset(f.cmdline, 'a', BOOT_CMDLINE_MAX - 1);
	f.cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(strlen(f.out.cmdline), BOOT_CMDLINE_MAX - 1);
	/* One more character: no NUL within BOOT_CMDLINE_MAX. */
	f.cmdline[BOOT_CMDLINE_MAX - 1] = 'a';
	f.cmdline[BOOT_CMDLINE_MAX] = '\0';
	EXPECT_INVAL(&f);
}

TEST(boot_params, cmdline_bound_by_area_size)
{
	static struct fixture f;

	/* An 8-byte area: 7 characters and the NUL fit. */
	fixture_init(&f);
	f.bi.cmdline_size = 8;
	strcpy(f.cmdline, "abcdefg");
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_TRUE(strcmp(f.out.cmdline, "abcdefg") == 0);
	/* The NUL just outside the area does not count. */
	strcpy(f.cmdline, "abcdefgh");
	EXPECT_INVAL(&f);
	/* An empty line is fine; an area with no room for the NUL is not. */
	f.cmdline[0] = '\0';
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.cmdline[0], '\0');
	f.bi.cmdline_size = 0;
	EXPECT_INVAL(&f);
}

/*
 * End to end: what the IGVM builder emits and the launcher fills in for a
 * q35 machine (launcher_test.c) must be accepted by the kernel's parser,
 * with the machine's RAM ranges, vCPU count and command line.
 */
TEST(boot_params, accepts_what_the_launcher_loads)
{
	static struct launcher_boot_areas a;
	static struct boot_params out;
	const char *cl = "loglevel=50 exit_on_ready";

	ASSERT_EQ(launcher_fixture_boot_areas(256 * MB, 4, cl, &a), 0);
	memset(&out, 0xaa, sizeof(out));
	ASSERT_EQ(boot_params_parse((const struct csvsm_boot_info *)a.boot_info,
				    LAUNCHER_FIXTURE_REGION_BASE, a.memmap,
				    a.vp_count, a.cmdline, &out),
		  SVSM_OK);
	EXPECT_EQ(out.region_base, LAUNCHER_FIXTURE_REGION_BASE);
	EXPECT_EQ(out.vcpu_count, 4);
	ASSERT_EQ(out.ram_count, 2);
	EXPECT_EQ(out.ram[0].base, 0);
	EXPECT_EQ(out.ram[0].size, 0xa0000);
	EXPECT_EQ(out.ram[1].base, MB);
	EXPECT_EQ(out.ram[1].size, 255 * MB);
	EXPECT_TRUE(strcmp(out.cmdline, cl) == 0);

	/* 3 GiB: three ranges, the last above 4 GiB. */
	ASSERT_EQ(launcher_fixture_boot_areas(3 * 1024 * MB, CFG_MAX_CPUS, "",
					      &a),
		  0);
	ASSERT_EQ(boot_params_parse((const struct csvsm_boot_info *)a.boot_info,
				    LAUNCHER_FIXTURE_REGION_BASE, a.memmap,
				    a.vp_count, a.cmdline, &out),
		  SVSM_OK);
	EXPECT_EQ(out.vcpu_count, CFG_MAX_CPUS);
	ASSERT_EQ(out.ram_count, 3);
	EXPECT_EQ(out.ram[2].base, 0x100000000ull);
	EXPECT_EQ(out.ram[2].size, 1024 * MB);
	EXPECT_EQ(out.cmdline[0], '\0');
}

/* The root file-system image: whole pages between the boot-info page and
 * free_base, or 0/0. */
TEST(boot_params, initfs_place)
{
	static struct fixture f;

	fixture_init(&f);
	f.bi.free_base = IMG_END + 8 * PG;
	f.bi.initfs_gpa = IMG_END + 6 * PG;
	f.bi.initfs_size = PG + 5; /* ends inside its second page */
	ASSERT_EQ(run(&f), SVSM_OK);
	EXPECT_EQ(f.out.initfs_gpa, IMG_END + 6 * PG);
	EXPECT_EQ(f.out.initfs_size, PG + 5);
	f.bi.initfs_size = 2 * PG + 1; /* one byte past free_base */
	EXPECT_INVAL(&f);
	f.bi.initfs_size = 0; /* a place without a size */
	EXPECT_INVAL(&f);
	f.bi.initfs_size = 16;
	f.bi.initfs_gpa = IMG_END + 6 * PG + 8; /* not page aligned */
	EXPECT_INVAL(&f);
	f.bi.initfs_gpa = IMG_END; /* over the boot-info page */
	EXPECT_INVAL(&f);
	f.bi.initfs_gpa = 0; /* a size without a place */
	EXPECT_INVAL(&f);
	f.bi.initfs_gpa = ~0ull & ~(PG - 1); /* wraps */
	f.bi.initfs_size = 2 * PG;
	EXPECT_INVAL(&f);
}
