/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the model's SEV-SNP launch (sim/loader.c, sim/psp_launch.c):
 * the launch digest the loader computes page by page equals the one
 * `csvsm-igvm measure` computes (igvm_snp_measure, QEMU/KVM defaults) for
 * csvsm's own file, with 1, 2 and 4 vCPUs and with Debian's OVMF.fd as the
 * firmware; every page is where and in the RMP state its type demands
 * (AMD 56860, SNP_LAUNCH_UPDATE); and hostile files and machines are
 * refused with one line, the launch unfinished. A file built with
 * --restricted-injection carries SEV_FEATURES bit 3 in its launch VMSA,
 * which the digest covers (it differs from the default file's, and still
 * equals measure's).
 */
#include <stdlib.h>
#include <string.h>

#include "abi/csvsm_boot.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_vmsa.h"

#include "csvsm_meta.h"
#include "igvm_snp.h"
#include "launcher_helpers.h"
#include "sim_load_fixture.h"
#include "test.h"
#include "util.h"

#define OVMF_FD	   "/usr/share/ovmf/OVMF.fd"
#define SECRETS	   (IMG_END + 4 * PG)
#define CPUID_PAGE (IMG_END + 5 * PG)
#define VP_COUNT   (IMG_END + 2 * PG)
#define MEMMAP	   (IMG_END + PG)

static bool build_ri(struct built *b, const uint8_t *fw, size_t fw_size,
		     bool restricted_injection)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();

	o.snp = true;
	o.policy = 0x30000;
	o.fw = fw;
	o.fw_size = fw_size;
	o.restricted_injection = restricted_injection;
	lfix_make_elf(&k);
	return lfix_build_and_parse(&k, &o, b);
}

static bool build(struct built *b, const uint8_t *fw, size_t fw_size)
{
	return build_ri(b, fw, fw_size, false);
}

/* What `csvsm-igvm measure --vcpus N` computes for the file. */
static bool measured(const struct built *b, unsigned int vcpus,
		     uint8_t ld[SNP_LD_SIZE])
{
	struct igvm_snp_opts o = {.vcpus = vcpus, .threads = 1};
	char err[IGVM_SNP_ERR_LEN];

	REQUIRE_EQ(igvm_snp_measure(&b->f, &o, ld, err), 0);
	return true;
}

static bool loads_like_measure(struct slf *s, const struct built *b,
			       unsigned int vcpus)
{
	uint8_t want[SNP_LD_SIZE];

	s->m.vcpus = vcpus;
	REQUIRE_TRUE(slf_reset(s));
	REQUIRE_TRUE(measured(b, vcpus, want));
	if (slf_load(s, b->file, b->len))
		test_printf("  %s\n", s->err);
	REQUIRE_TRUE(s->err[0] == '\0');
	REQUIRE_TRUE(!memcmp(s->load->ld, want, SNP_LD_SIZE));
	REQUIRE_EQ(s->load->vcpus, vcpus);
	REQUIRE_EQ(s->load->pages[SNP_PAGE_TYPE_VMSA], vcpus);
	return true;
}

TEST(snp_loader, digest_equals_measure)
{
	struct built b;
	struct slf s;

	ASSERT_TRUE(build(&b, NULL, 0));
	ASSERT_TRUE(slf_init(&s, 1));
	EXPECT_TRUE(loads_like_measure(&s, &b, 1));
	EXPECT_TRUE(loads_like_measure(&s, &b, 2));
	EXPECT_TRUE(loads_like_measure(&s, &b, 4));
	slf_fini(&s);
	lfix_built_free(&b);
}

/* Every launched page: validated, 4 KiB, VMPL0 only, not a VMSA. */
static bool launched(const struct slf *s, uint64_t gpa)
{
	struct sim_rmp_entry e = slf_rmp(s, gpa);

	REQUIRE_TRUE(e.assigned && e.validated && !e.vmsa);
	REQUIRE_EQ(e.page_size, SNP_RMP_PSIZE_4K);
	REQUIRE_EQ(e.perms[0], SNP_PERM_ALL);
	for (unsigned int v = 1; v < SNP_VMPL_COUNT; v++)
		REQUIRE_EQ(e.perms[v], 0);
	return true;
}

TEST(snp_loader, pages_in_the_state_their_type_demands)
{
	struct kernel_elf k;
	struct built b;
	struct slf s;
	uint8_t page[PG];
	uint8_t vmpck[SNP_GUEST_MSG_KEY_SIZE];
	struct snp_secrets_page sp;
	struct sim_cpuid_page cp;
	struct igvm_vhs_memory_map_entry me;
	struct csvsm_boot_info bi;
	uint32_t n;

	lfix_make_elf(&k);
	ASSERT_TRUE(build(&b, NULL, 0));
	ASSERT_TRUE(slf_init(&s, 2));
	s.m.cmdline = "loglevel=40";
	ASSERT_EQ(slf_load(&s, b.file, b.len), 0);
	/* The image: the ELF's bytes, measured. */
	for (uint64_t gpa = IMG_BASE; gpa < IMG_END; gpa += PG) {
		lfix_expected_image_page(&k, gpa, page);
		EXPECT_TRUE(!memcmp(slf_ptr(&s, gpa), page, PG));
		EXPECT_TRUE(launched(&s, gpa));
	}
	/* The boot-info page, measured. */
	memcpy(&bi, slf_ptr(&s, BOOT_INFO), sizeof(bi));
	EXPECT_EQ(bi.magic, CSVSM_BOOT_INFO_MAGIC);
	EXPECT_EQ(bi.secrets_gpa, SECRETS);
	/* Parameter areas, filled for the machine. */
	memcpy(&n, slf_ptr(&s, VP_COUNT), sizeof(n));
	EXPECT_EQ(n, 2);
	memcpy(&me, slf_ptr(&s, MEMMAP), sizeof(me));
	EXPECT_EQ(me.starting_gpa_page_number, 0);
	EXPECT_EQ(me.number_of_pages, SLF_RAM_SIZE / PG);
	EXPECT_EQ(me.entry_type, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_TRUE(
		lfix_all_zero(slf_ptr(&s, MEMMAP + sizeof(me)), sizeof(me)));
	EXPECT_TRUE(!strcmp((const char *)slf_ptr(&s, IMG_END + 3 * PG),
			    "loglevel=40"));
	for (uint64_t gpa = MEMMAP; gpa < SECRETS; gpa += PG)
		EXPECT_TRUE(launched(&s, gpa));
	/* The secrets page as the PSP fills it: VMPCK0 is the PSP's. */
	memcpy(&sp, slf_ptr(&s, SECRETS), sizeof(sp));
	ASSERT_EQ(sim_psp_vmpck(s.psp, 0, vmpck), SIM_PSP_OK);
	EXPECT_TRUE(!memcmp(sp.vmpck[0], vmpck, sizeof(vmpck)));
	EXPECT_EQ(sp.version, s.cfg.launch.secrets_version);
	EXPECT_EQ(sp.svsm_size, 0);
	EXPECT_TRUE(launched(&s, SECRETS));
	/* The CPUID page: the host's table. */
	memcpy(&cp, slf_ptr(&s, CPUID_PAGE), sizeof(cp));
	EXPECT_EQ(cp.count, 3);
	EXPECT_EQ(cp.fn[2].eax_in, 0x8000001f);
	EXPECT_EQ(cp.fn[2].ebx & 0x3f, SLF_CBIT);
	EXPECT_TRUE(launched(&s, CPUID_PAGE));
	/* REQUIRED_MEMORY and the rest of RAM: private, not validated. */
	EXPECT_EQ(s.load->required_pages,
		  (IMG_BASE + REG_SIZE - FREE_BASE) / PG);
	for (uint64_t gpa = FREE_BASE; gpa < IMG_BASE + REG_SIZE; gpa += PG) {
		struct sim_rmp_entry e = slf_rmp(&s, gpa);

		EXPECT_TRUE(e.assigned && !e.validated);
	}
	EXPECT_TRUE(slf_rmp(&s, SLF_RAM_SIZE - PG).assigned);
	EXPECT_TRUE(!slf_rmp(&s, SLF_RAM_SIZE - PG).validated);
	EXPECT_TRUE(!slf_rmp(&s, SLF_RAM_SIZE).assigned);
	/* Counts per type; the VMSAs are the file's, one per vCPU. */
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_NORMAL],
		  (IMG_END - IMG_BASE) / PG + 1);
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_UNMEASURED], 3);
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_SECRETS], 1);
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_CPUID], 1);
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_ZERO], 0);
	EXPECT_EQ(s.load->vmsa[0][offsetof(struct snp_vmsa, rip)],
		  ENTRY & 0xff);
	EXPECT_TRUE(!memcmp(s.load->vmsa[0], s.load->vmsa[1], PG));
	EXPECT_EQ(s.load->policy, 0x30000);
	slf_fini(&s);
	lfix_built_free(&b);
}

TEST(snp_loader, firmware_digest_equals_measure)
{
	char err[256];
	size_t fw_size = 0;
	uint8_t *fw =
		util_read_file(OVMF_FD, 64u << 20, &fw_size, err, sizeof(err));
	struct built b;
	struct slf s;

	ASSERT_TRUE(fw != NULL);
	ASSERT_TRUE(build(&b, fw, fw_size));
	ASSERT_TRUE(slf_init(&s, 1));
	EXPECT_TRUE(loads_like_measure(&s, &b, 1));
	/* OVMF.fd ends at 4 GiB, outside RAM: private, measured, its bytes. */
	EXPECT_TRUE(!memcmp(slf_ptr(&s, (1ull << 32) - fw_size), fw, fw_size));
	EXPECT_TRUE(launched(&s, (1ull << 32) - fw_size));
	EXPECT_TRUE(launched(&s, (1ull << 32) - PG));
	EXPECT_EQ(s.load->pages[SNP_PAGE_TYPE_NORMAL],
		  (IMG_END - IMG_BASE) / PG + 1 + fw_size / PG);
	EXPECT_TRUE(loads_like_measure(&s, &b, 4));
	slf_fini(&s);
	lfix_built_free(&b);
	free(fw);
}

static uint64_t vmsa_features(const uint8_t *vmsa)
{
	uint64_t v;

	memcpy(&v, vmsa + offsetof(struct snp_vmsa, sev_features), sizeof(v));
	return v;
}

TEST(snp_loader, restricted_injection_is_measured)
{
	struct build_options bad = lfix_default_options();
	uint8_t ld_off[SNP_LD_SIZE];
	uint8_t ld_on[SNP_LD_SIZE];
	struct built off;
	struct built on;
	struct slf s;
	uint64_t f = 0;
	char err[256];

	ASSERT_TRUE(build_ri(&off, NULL, 0, false));
	ASSERT_TRUE(build_ri(&on, NULL, 0, true));
	ASSERT_TRUE(slf_init(&s, 1));
	/* The default launch VMSA: SNPActive only. */
	EXPECT_TRUE(loads_like_measure(&s, &off, 1));
	EXPECT_EQ(vmsa_features(s.load->vmsa[0]), SNP_FEATURE_SNP_ACTIVE);
	memcpy(ld_off, s.load->ld, SNP_LD_SIZE);
	/* With the option: bit 3 too, measured, as measure computes it. */
	EXPECT_TRUE(loads_like_measure(&s, &on, 1));
	EXPECT_EQ(vmsa_features(s.load->vmsa[0]),
		  SNP_FEATURE_SNP_ACTIVE | SNP_FEATURE_RESTRICTED_INJECTION);
	memcpy(ld_on, s.load->ld, SNP_LD_SIZE);
	EXPECT_TRUE(memcmp(ld_on, ld_off, SNP_LD_SIZE) != 0);
	EXPECT_TRUE(loads_like_measure(&s, &on, 4));
	/* What measure --json reports. */
	ASSERT_TRUE(csvsm_meta_sev_features(&on.f, IGVM_MASK_SNP, &f));
	EXPECT_EQ(f, SNP_FEATURE_SNP_ACTIVE | SNP_FEATURE_RESTRICTED_INJECTION);
	ASSERT_TRUE(csvsm_meta_sev_features(&off.f, IGVM_MASK_SNP, &f));
	EXPECT_EQ(f, SNP_FEATURE_SNP_ACTIVE);
	/* Without the SNP platform there is no VMSA to ask in. */
	bad.snp = false;
	bad.restricted_injection = true;
	EXPECT_NE(build_check_options(&bad, err, sizeof(err)), 0);
	EXPECT_TRUE(strstr(err, "restricted injection") != NULL);
	slf_fini(&s);
	lfix_built_free(&off);
	lfix_built_free(&on);
}
