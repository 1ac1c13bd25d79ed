/* SPDX-License-Identifier: MIT */
/*
 * The IGVM builder with one kernel per platform (build.c, --snp-kernel):
 * each kernel's pages lie at the region base under its own platform's
 * mask only, the shorter image padded to the longer one, the boot-info
 * page and what follows it shared by both; each platform's boot vCPU
 * starts its own kernel's entry; the output is reproducible; an SNP
 * kernel without the SNP platform is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "abi/snp_vmsa.h"

#include "launcher_helpers.h"
#include "test.h"

#define SNP_ENTRY  (ENTRY + 0x80)
#define SNP_EXTRA  (3 * PG) /* the SNP kernel's image is longer */
#define COMMON_END (IMG_END + SNP_EXTRA)
#define MARK_OFF   0x10 /* in the first page: 0x5a in the SNP kernel */

static void make_snp_elf(struct kernel_elf *k)
{
	lfix_make_elf(k);
	k->eh->e_entry = SNP_ENTRY;
	k->ph[2].p_memsz += SNP_EXTRA;
	k->b[SEG1_OFF + MARK_OFF] = 0x5a;
}

static bool build_two(struct built *b)
{
	struct kernel_elf native;
	struct kernel_elf snp;
	struct build_options o = lfix_default_options();

	lfix_make_elf(&native);
	make_snp_elf(&snp);
	o.snp = true;
	o.policy = 0x30000;
	o.snp_elf = snp.b;
	o.snp_elf_size = sizeof(snp.b);
	return lfix_build_and_parse(&native, &o, b);
}

/* The PAGE_DATA headers at gpa: how many carry each mask. */
static void count_at(const struct built *b, uint64_t gpa, int *native, int *snp,
		     int *both, struct igvm_vhs_page_data *snp_pd)
{
	*native = *snp = *both = 0;
	for (size_t i = 0; i < b->f.header_count; i++) {
		struct igvm_vhs_page_data pd;

		if (b->f.headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&b->f.headers[i], &pd, sizeof(pd)) ||
		    pd.gpa != gpa)
			continue;
		if (pd.compatibility_mask == (IGVM_MASK_NATIVE | IGVM_MASK_SNP))
			(*both)++;
		else if (pd.compatibility_mask == IGVM_MASK_NATIVE)
			(*native)++;
		else if (pd.compatibility_mask == IGVM_MASK_SNP) {
			(*snp)++;
			*snp_pd = pd;
		}
	}
}

TEST(build_snp_kernel, each_kernel_under_its_own_mask)
{
	struct igvm_vhs_page_data pd = {0};
	struct built b;
	int native;
	int snp;
	int both;

	ASSERT_TRUE(build_two(&b));
	for (uint64_t gpa = IMG_BASE; gpa < COMMON_END; gpa += PG) {
		count_at(&b, gpa, &native, &snp, &both, &pd);
		EXPECT_EQ(native, 1);
		EXPECT_EQ(snp, 1);
		EXPECT_EQ(both, 0);
	}
	/* The boot-info page follows the longer image and is shared. */
	count_at(&b, COMMON_END, &native, &snp, &both, &pd);
	EXPECT_EQ(both, 1);
	EXPECT_EQ(native + snp, 0);
	lfix_built_free(&b);
}

TEST(build_snp_kernel, pages_hold_each_kernel)
{
	struct igvm_vhs_page_data pd = {0};
	struct built b;
	const uint8_t *p;
	int n;
	int s;
	int x;

	ASSERT_TRUE(build_two(&b));
	count_at(&b, IMG_BASE, &n, &s, &x, &pd);
	ASSERT_EQ(s, 1);
	p = igvm_file_data(&b.f, pd.file_offset, PG);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(p[MARK_OFF], 0x5a);
	/* The native kernel's first page has its own byte there. */
	for (size_t i = 0; i < b.f.header_count; i++) {
		struct igvm_vhs_page_data q;

		if (b.f.headers[i].type != IGVM_VHT_PAGE_DATA ||
		    igvm_vhdr_get(&b.f.headers[i], &q, sizeof(q)) ||
		    q.gpa != IMG_BASE ||
		    q.compatibility_mask != IGVM_MASK_NATIVE)
			continue;
		p = igvm_file_data(&b.f, q.file_offset, PG);
		ASSERT_TRUE(p != NULL);
		EXPECT_NE(p[MARK_OFF], 0x5a);
	}
	lfix_built_free(&b);
}

TEST(build_snp_kernel, boot_info_and_entries)
{
	struct built b;
	int vmsas = 0;
	int native_ctx = 0;

	ASSERT_TRUE(build_two(&b));
	for (size_t i = 0; i < b.f.header_count; i++) {
		struct igvm_vhs_page_data pd;
		struct igvm_vhs_vp_context vp;
		const uint8_t *d;

		if (b.f.headers[i].type == IGVM_VHT_PAGE_DATA &&
		    !igvm_vhdr_get(&b.f.headers[i], &pd, sizeof(pd)) &&
		    pd.gpa == COMMON_END) {
			struct csvsm_boot_info bi;

			d = igvm_file_data(&b.f, pd.file_offset, sizeof(bi));
			ASSERT_TRUE(d != NULL);
			memcpy(&bi, d, sizeof(bi));
			EXPECT_EQ(bi.image_end, COMMON_END);
			EXPECT_EQ(bi.secrets_gpa, COMMON_END + 4 * PG);
			EXPECT_EQ(bi.free_base, COMMON_END + 6 * PG);
		}
		if (b.f.headers[i].type != IGVM_VHT_VP_CONTEXT ||
		    igvm_vhdr_get(&b.f.headers[i], &vp, sizeof(vp)))
			continue;
		if (vp.compatibility_mask == IGVM_MASK_SNP) {
			struct snp_vmsa v;

			d = igvm_file_data(&b.f, vp.file_offset, sizeof(v));
			ASSERT_TRUE(d != NULL);
			memcpy(&v, d, sizeof(v));
			EXPECT_EQ(v.rip, SNP_ENTRY);
			EXPECT_EQ(v.rsi, COMMON_END);
			vmsas++;
		} else if (vp.compatibility_mask == IGVM_MASK_NATIVE) {
			struct igvm_native_vp_context_x64 c;

			d = igvm_file_data(&b.f, vp.file_offset, sizeof(c));
			ASSERT_TRUE(d != NULL);
			memcpy(&c, d, sizeof(c));
			EXPECT_EQ(c.rip, ENTRY);
			EXPECT_EQ(c.rsi, COMMON_END);
			native_ctx++;
		}
	}
	EXPECT_EQ(vmsas, 1);
	EXPECT_EQ(native_ctx, 1);
	lfix_built_free(&b);
}

TEST(build_snp_kernel, reproducible_and_refused_without_snp)
{
	struct kernel_elf native;
	struct kernel_elf snp;
	struct build_options o = lfix_default_options();
	uint8_t *out1 = NULL;
	uint8_t *out2 = NULL;
	size_t len1 = 0;
	size_t len2 = 0;
	char err[256];

	lfix_make_elf(&native);
	make_snp_elf(&snp);
	o.snp = true;
	o.policy = 0x30000;
	o.snp_elf = snp.b;
	o.snp_elf_size = sizeof(snp.b);
	ASSERT_EQ(build_igvm(&o, native.b, sizeof(native.b), &out1, &len1, err,
			     sizeof(err)),
		  0);
	ASSERT_EQ(build_igvm(&o, native.b, sizeof(native.b), &out2, &len2, err,
			     sizeof(err)),
		  0);
	EXPECT_EQ(len1, len2);
	EXPECT_TRUE(len1 == len2 && memcmp(out1, out2, len1) == 0);
	free(out1);
	free(out2);
	/* A broken SNP kernel is refused, not half built. */
	snp.b[1] = 'X';
	out1 = NULL;
	EXPECT_NE(build_igvm(&o, native.b, sizeof(native.b), &out1, &len1, err,
			     sizeof(err)),
		  0);
	EXPECT_TRUE(out1 == NULL);
	snp.b[1] = 'E';
	o.snp = false;
	EXPECT_NE(build_igvm(&o, native.b, sizeof(native.b), &out1, &len1, err,
			     sizeof(err)),
		  0);
	EXPECT_TRUE(strstr(err, "SNP") != NULL);
	EXPECT_TRUE(out1 == NULL);
}
