/* SPDX-License-Identifier: MIT */
/*
 * Writes a few valid IGVM files into the directory given as argv[1], as the
 * seed corpus of igvm_parse_fuzz: a minimal SNP file (v1), a file with
 * parameter areas, pages and a VMSA (v1), and a two-platform v2 file with a
 * native VP context. Small on purpose: the fuzzer mutates them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvm.h"

static const struct igvm_vhs_supported_platform snp = {
	.compatibility_mask = IGVM_MASK_SNP,
	.highest_vtl = 2,
	.platform_type = IGVM_PLATFORM_SEV_SNP,
	.platform_version = 1,
	.shared_gpa_boundary = 1ull << 46,
};
static const struct igvm_vhs_supported_platform native = {
	.compatibility_mask = IGVM_MASK_NATIVE,
	.platform_type = IGVM_PLATFORM_NATIVE,
	.platform_version = 1,
};

static int save(struct igvm_builder *b, const char *dir, const char *name)
{
	char path[4096];
	uint8_t *out;
	size_t len;
	FILE *fp;
	int ret = -1;

	if (igvm_builder_write(b, &out, &len)) {
		fprintf(stderr, "%s: %s\n", name, igvm_builder_error(b));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp) {
		ret = fwrite(out, 1, len, fp) == len ? 0 : -1;
		ret |= fclose(fp);
	}
	if (ret)
		perror(path);
	free(out);
	return ret;
}

/* Adds the directives every seed shares; masks select the platforms. */
static int add_body(struct igvm_builder *b, uint32_t masks)
{
	static uint8_t page[IGVM_PAGE_SIZE_4K];
	struct igvm_vhs_parameter vp_count = {0, 0};
	struct igvm_vhs_parameter mem_map = {1, 0};
	struct igvm_vhs_parameter_insert ins0 = {0x10000, masks, 0};
	struct igvm_vhs_parameter_insert ins1 = {0x11000, masks, 1};
	struct igvm_vhs_required_memory req = {0x100000, masks, 0x40000, 0, 0};
	uint8_t vmsa[IGVM_PAGE_SIZE_4K] = {0};
	int ret = 0;

	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 13);
	vmsa[0] = 0x7f;
	ret |= igvm_builder_parameter_area(b, 0, IGVM_PAGE_SIZE_4K, NULL);
	ret |= igvm_builder_parameter_area(b, 1, IGVM_PAGE_SIZE_4K, page);
	ret |= igvm_builder_add(b, IGVM_VHT_VP_COUNT_PARAMETER, &vp_count,
				sizeof(vp_count));
	ret |= igvm_builder_add(b, IGVM_VHT_MEMORY_MAP, &mem_map,
				sizeof(mem_map));
	ret |= igvm_builder_page_data(b, 0x100000, masks, 0, 0, page, 64);
	ret |= igvm_builder_page_data(b, 0x101000, masks, 0, 0, NULL, 0);
	ret |= igvm_builder_page_data(b, 0x102000, IGVM_MASK_SNP,
				      IGVM_PAGE_DATA_FLAG_UNMEASURED,
				      IGVM_PAGE_DATA_TYPE_SECRETS, NULL, 0);
	ret |= igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins0,
				sizeof(ins0));
	ret |= igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins1,
				sizeof(ins1));
	ret |= igvm_builder_add(b, IGVM_VHT_REQUIRED_MEMORY, &req, sizeof(req));
	ret |= igvm_builder_vp_context(b, 0x103000, IGVM_MASK_SNP, 0, vmsa, 16);
	return ret;
}

int main(int argc, char **argv)
{
	struct igvm_vhs_guest_policy policy = {0x30000, IGVM_MASK_SNP, 0};
	struct igvm_native_vp_context_x64 ctx = {
		.rip = 0x100000,
		.code_selector = 8,
		.data_selector = 16,
		.code_attributes = IGVM_NATIVE_SEG_ATTR_CODE32,
		.data_attributes = IGVM_NATIVE_SEG_ATTR_DATA32,
		.code_limit = 0xffffffff,
		.data_limit = 0xffffffff,
		.cr0 = 0x11,
	};
	struct igvm_builder *b[3];
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
		return 2;
	}
	b[0] = igvm_builder_new(1);
	b[1] = igvm_builder_new(1);
	b[2] = igvm_builder_new(2);
	if (!b[0] || !b[1] || !b[2])
		return 1;
	ret |= igvm_builder_add(b[0], IGVM_VHT_SUPPORTED_PLATFORM, &snp,
				sizeof(snp));
	ret |= igvm_builder_page_data(b[0], 0, IGVM_MASK_SNP, 0, 0, "x", 1);

	ret |= igvm_builder_add(b[1], IGVM_VHT_SUPPORTED_PLATFORM, &snp,
				sizeof(snp));
	ret |= igvm_builder_add(b[1], IGVM_VHT_GUEST_POLICY, &policy,
				sizeof(policy));
	ret |= add_body(b[1], IGVM_MASK_SNP);

	ret |= igvm_builder_add(b[2], IGVM_VHT_SUPPORTED_PLATFORM, &snp,
				sizeof(snp));
	ret |= igvm_builder_add(b[2], IGVM_VHT_SUPPORTED_PLATFORM, &native,
				sizeof(native));
	ret |= igvm_builder_add(b[2], IGVM_VHT_GUEST_POLICY, &policy,
				sizeof(policy));
	ret |= add_body(b[2], IGVM_MASK_SNP | IGVM_MASK_NATIVE);
	ret |= igvm_builder_vp_context(b[2], 0, IGVM_MASK_NATIVE, 0, &ctx,
				       sizeof(ctx));
	if (ret) {
		for (int i = 0; i < 3; i++)
			if (igvm_builder_error(b[i])[0])
				fprintf(stderr, "seed %d: %s\n", i,
					igvm_builder_error(b[i]));
	} else {
		ret |= save(b[0], argv[1], "seed-snp-min.igvm");
		ret |= save(b[1], argv[1], "seed-snp.igvm");
		ret |= save(b[2], argv[1], "seed-snp-native-v2.igvm");
	}
	for (int i = 0; i < 3; i++)
		igvm_builder_free(b[i]);
	return ret ? 1 : 0;
}
