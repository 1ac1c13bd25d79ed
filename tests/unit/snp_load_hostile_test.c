/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the model launch against hostile files, machines and
 * hosts: each is refused with one line naming the problem and the launch
 * is left unfinished (the PSP's reports keep their old measurement). Also
 * the firmware's side alone (sim/psp_launch.c: AMD 56860, SNP_LAUNCH_UPDATE):
 * state, alignment, a page added twice, what each type does to memory; and
 * an ID block (AMD 56860, SNP_LAUNCH_FINISH) that verifies, whose fields
 * then reach the PSP's launch values, or does not.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "abi/snp_vmsa.h"

#include "idblock.h"
#include "igvm.h"
#include "igvm_snp.h"
#include "launcher_helpers.h"
#include "sign_rebuild.h"
#include "sim_load_fixture.h"
#include "test.h"

#define DATA_GPA 0x100000ull

/* What a hand-made file holds beyond a minimal SNP launch. */
struct shape {
	bool native_only;   /* no SNP platform */
	bool twice;	    /* a second PAGE_DATA at DATA_GPA */
	uint64_t extra_gpa; /* a PAGE_DATA there, if not 0 */
	uint64_t vmsa_gpa;  /* VP_CONTEXT GPA (0: KVM's) */
	uint16_t vp_index;  /* of the VP_CONTEXT */
	bool no_vp;	    /* no VP_CONTEXT */
	uint32_t param;	    /* a parameter directive of this type into area 0 */
	bool id_block_zeros; /* an SNP_ID_BLOCK of zeros */
};

/* Builds the file; NULL (and a test failure) on a builder error. */
static uint8_t *make(const struct shape *sh, size_t *len)
{
	struct igvm_builder *b = igvm_builder_new(1);
	uint32_t mask = sh->native_only ? IGVM_MASK_NATIVE : IGVM_MASK_SNP;
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = mask,
		.highest_vtl = 0,
		.platform_type = sh->native_only ? IGVM_PLATFORM_NATIVE
						 : IGVM_PLATFORM_SEV_SNP,
		.platform_version = IGVM_PLATFORM_VERSION,
	};
	static uint8_t data[PG];
	struct snp_vmsa v = {.efer = SNP_EFER_SVME,
			     .sev_features = SNP_FEATURE_SNP_ACTIVE};
	uint8_t *out = NULL;
	int rc;

	memset(data, 0x5a, sizeof(data));
	if (!b)
		return NULL;
	rc = igvm_builder_add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p));
	if (!rc && sh->param) {
		struct igvm_vhs_parameter prm = {0};
		struct igvm_vhs_parameter_insert ins = {
			.gpa = DATA_GPA + PG,
			.compatibility_mask = mask,
		};

		rc = igvm_builder_parameter_area(b, 0, PG, NULL) ||
		     igvm_builder_add(b, sh->param, &prm, sizeof(prm)) ||
		     igvm_builder_add(b, IGVM_VHT_PARAMETER_INSERT, &ins,
				      sizeof(ins));
	}
	if (!rc)
		rc = igvm_builder_page_data(b, DATA_GPA, mask, 0,
					    IGVM_PAGE_DATA_TYPE_NORMAL, data,
					    PG);
	if (!rc && sh->twice)
		rc = igvm_builder_page_data(b, DATA_GPA, mask, 0,
					    IGVM_PAGE_DATA_TYPE_NORMAL, NULL,
					    0);
	if (!rc && sh->extra_gpa)
		rc = igvm_builder_page_data(b, sh->extra_gpa, mask, 0,
					    IGVM_PAGE_DATA_TYPE_NORMAL, data,
					    PG);
	if (!rc && !sh->no_vp)
		rc = igvm_builder_vp_context(
			b, sh->vmsa_gpa ? sh->vmsa_gpa : SNP_LAUNCH_VMSA_GPA,
			mask, sh->vp_index, &v, sizeof(v));
	if (!rc && sh->id_block_zeros) {
		struct igvm_vhs_snp_id_block d = {.compatibility_mask = mask};

		rc = igvm_builder_add(b, IGVM_VHT_SNP_ID_BLOCK, &d, sizeof(d));
	}
	if (!rc)
		rc = igvm_builder_write(b, &out, len);
	if (rc) {
		test_printf("  builder: %s\n", igvm_builder_error(b));
		out = NULL;
	}
	igvm_builder_free(b);
	return out;
}

/*
 * The file of shape sh is refused on s's machine with a message that
 * contains needle, and the PSP's measurement is what it was.
 */
static bool refused(struct slf *s, const struct shape *sh, const char *needle)
{
	struct sim_psp_launch before;
	struct sim_psp_launch after;
	size_t len = 0;
	uint8_t *f = make(sh, &len);
	int rc;

	REQUIRE_TRUE(f != NULL);
	REQUIRE_TRUE(slf_reset(s));
	sim_psp_get_launch(s->psp, &before);
	rc = slf_load(s, f, len);
	free(f);
	sim_psp_get_launch(s->psp, &after);
	if (rc != -1 || !strstr(s->err, needle))
		test_printf("  rc %d, message '%s', want '%s'\n", rc, s->err,
			    needle);
	REQUIRE_EQ(rc, -1);
	REQUIRE_TRUE(strstr(s->err, needle) != NULL);
	REQUIRE_TRUE(strchr(s->err, '\n') == NULL);
	REQUIRE_TRUE(!memcmp(before.measurement, after.measurement,
			     sizeof(before.measurement)));
	REQUIRE_TRUE(!s->l.finished);
	return true;
}

TEST(snp_load_hostile, minimal_file_loads)
{
	struct shape sh = {0};
	struct slf s;
	size_t len = 0;
	uint8_t *f = make(&sh, &len);
	struct sim_psp_launch v;
	uint8_t want[SNP_LD_SIZE];
	struct igvm_snp_opts o = {.vcpus = 1, .threads = 1};

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(slf_init(&s, 1));
	ASSERT_EQ(slf_load(&s, f, len), 0);
	ASSERT_EQ(igvm_snp_measure_buf(f, len, &o, want, NULL), 0);
	EXPECT_TRUE(!memcmp(s.load->ld, want, SNP_LD_SIZE));
	sim_psp_get_launch(s.psp, &v);
	EXPECT_TRUE(!memcmp(v.measurement, want, SNP_LD_SIZE));
	/* No GUEST_POLICY: the machine's. */
	EXPECT_EQ(v.policy, 0x30000);
	EXPECT_TRUE(s.l.finished);
	free(f);
	slf_fini(&s);
}

TEST(snp_load_hostile, files_refused)
{
	struct slf s;
	uint8_t junk[64] = {0};

	ASSERT_TRUE(slf_init(&s, 1));
	EXPECT_TRUE(
		refused(&s, &(struct shape){.twice = true}, "loaded twice"));
	EXPECT_TRUE(refused(&s, &(struct shape){.extra_gpa = 5ull << 30},
			    "outside model memory"));
	EXPECT_TRUE(refused(&s, &(struct shape){.vmsa_gpa = DATA_GPA + PG},
			    "QEMU/KVM take it only at"));
	EXPECT_TRUE(refused(&s, &(struct shape){.vp_index = 3},
			    "the machine has 1"));
	EXPECT_TRUE(refused(&s, &(struct shape){.no_vp = true},
			    "no VP_CONTEXT for vCPU 0"));
	EXPECT_TRUE(refused(&s, &(struct shape){.param = IGVM_VHT_MADT},
			    "does not fill this parameter"));
	EXPECT_TRUE(refused(&s, &(struct shape){.native_only = true}, "SNP"));
	EXPECT_TRUE(refused(&s, &(struct shape){.id_block_zeros = true},
			    "SNP_LAUNCH_FINISH: ID block does not verify"));
	/* Not an IGVM file at all. */
	EXPECT_EQ(slf_load(&s, junk, sizeof(junk)), -1);
	EXPECT_TRUE(s.err[0] != '\0');
	slf_fini(&s);
}

TEST(snp_load_hostile, machines_refused)
{
	struct sim_load_mem_entry big[200];
	struct slf s;

	ASSERT_TRUE(slf_init(&s, 1));
	/* A memory map longer than its one-page area. */
	for (unsigned int i = 0; i < 200; i++)
		big[i] = (struct sim_load_mem_entry){
			.base = i * 2 * PG, .size = PG, .type = 1};
	s.m.map = big;
	s.m.map_count = 200;
	EXPECT_TRUE(refused(&s, &(struct shape){.param = IGVM_VHT_MEMORY_MAP},
			    "do not fit area 0"));
	s.m.map = s.map;
	s.m.map_count = 1;
	/* A command line longer than its area. */
	{
		static char line[PG + 1];

		memset(line, 'x', PG);
		s.m.cmdline = line;
		EXPECT_TRUE(refused(
			&s, &(struct shape){.param = IGVM_VHT_COMMAND_LINE},
			"do not fit area 0"));
		s.m.cmdline = NULL;
	}
	/* RAM beyond the RMP; no vCPUs; too many CPUID leaves. */
	s.map[0].size = SLF_MEM_SIZE + PG;
	EXPECT_TRUE(refused(&s, &(struct shape){0}, "outside the model's RMP"));
	s.map[0].size = SLF_RAM_SIZE;
	s.m.vcpus = 0;
	EXPECT_TRUE(refused(&s, &(struct shape){0}, "1..64 vCPUs"));
	s.m.vcpus = 1;
	s.m.cpuid_count = SIM_CPUID_PAGE_MAX + 1;
	EXPECT_TRUE(refused(&s, &(struct shape){0}, "CPUID entries"));
	s.m.cpuid_count = 3;
	slf_fini(&s);
}

TEST(snp_load_hostile, cpuid_page_with_reserved_bits)
{
	/* A host that puts reserved bits in a CPUID entry: the PSP refuses. */
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct built b;
	struct slf s;

	o.snp = true;
	o.policy = 0x30000;
	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	ASSERT_TRUE(slf_init(&s, 1));
	s.cpuid[1].reserved = 1;
	EXPECT_EQ(slf_load(&s, b.file, b.len), -1);
	EXPECT_TRUE(strstr(s.err, "CPUID page refused") != NULL);
	EXPECT_TRUE(!s.l.finished);
	s.cpuid[1].reserved = 0;
	ASSERT_TRUE(slf_reset(&s));
	EXPECT_EQ(slf_load(&s, b.file, b.len), 0);
	slf_fini(&s);
	lfix_built_free(&b);
}

/* The firmware's commands alone, on the fixture's memory and RMP. */
TEST(snp_load_hostile, launch_commands)
{
	struct slf s;
	uint8_t page[PG];

	ASSERT_TRUE(slf_init(&s, 1));
	memset(page, 0x11, sizeof(page));
	/* Not started; misaligned; a page the host did not make private. */
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA, SNP_PAGE_TYPE_NORMAL),
		  SIM_LAUNCH_E_STATE);
	EXPECT_EQ(sim_launch_finish(&s.l, NULL), SIM_LAUNCH_E_STATE);
	ASSERT_EQ(sim_launch_start(&s.l, 0x30000), SIM_LAUNCH_OK);
	EXPECT_EQ(sim_launch_start(&s.l, 0x30000), SIM_LAUNCH_E_STATE);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA + 8, SNP_PAGE_TYPE_NORMAL),
		  SIM_LAUNCH_E_INPUT);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA, SNP_PAGE_TYPE_VMSA),
		  SIM_LAUNCH_E_INPUT);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA, SNP_PAGE_TYPE_NORMAL),
		  SIM_LAUNCH_E_PAGE);
	EXPECT_EQ(sim_launch_update(&s.l, SLF_MEM_SIZE, SNP_PAGE_TYPE_NORMAL),
		  SIM_LAUNCH_E_INPUT);
	/* ZERO: the firmware zeroes what the host wrote; twice is refused. */
	ASSERT_EQ(sim_rmp_assign(&s.rmp, DATA_GPA, SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	memcpy(slf_ptr(&s, DATA_GPA), page, PG);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA, SNP_PAGE_TYPE_ZERO),
		  SIM_LAUNCH_OK);
	EXPECT_TRUE(lfix_all_zero(slf_ptr(&s, DATA_GPA), PG));
	EXPECT_TRUE(slf_rmp(&s, DATA_GPA).validated);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA, SNP_PAGE_TYPE_NORMAL),
		  SIM_LAUNCH_E_PAGE);
	/* UNMEASURED keeps the host's bytes. */
	ASSERT_EQ(sim_rmp_assign(&s.rmp, DATA_GPA + PG, SNP_RMP_PSIZE_4K),
		  SNP_SUCCESS);
	memcpy(slf_ptr(&s, DATA_GPA + PG), page, PG);
	EXPECT_EQ(sim_launch_update(&s.l, DATA_GPA + PG,
				    SNP_PAGE_TYPE_UNMEASURED),
		  SIM_LAUNCH_OK);
	EXPECT_TRUE(!memcmp(slf_ptr(&s, DATA_GPA + PG), page, PG));
	EXPECT_EQ(s.l.pages[SNP_PAGE_TYPE_ZERO], 1);
	EXPECT_EQ(s.l.pages[SNP_PAGE_TYPE_UNMEASURED], 1);
	EXPECT_EQ(sim_launch_finish(&s.l, NULL), SIM_LAUNCH_OK);
	EXPECT_EQ(sim_launch_update_vmsa(&s.l, SNP_LAUNCH_VMSA_GPA, page),
		  SIM_LAUNCH_E_STATE);
	slf_fini(&s);
}

/* A fresh ECDSA P-384 key through the library's PEM loader. */
static struct idblock_key *new_key(void)
{
	EVP_PKEY *pkey = EVP_EC_gen("P-384");
	BIO *bio = BIO_new(BIO_s_mem());
	struct idblock_key *k = NULL;
	char err[IDBLOCK_ERR_LEN];
	char *pem = NULL;
	long len;

	if (pkey && bio &&
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)) {
		len = BIO_get_mem_data(bio, &pem);
		if (idblock_key_from_pem(pem, (size_t)len, "test", &k, err))
			k = NULL;
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return k;
}

/* csvsm's file signed for ld (its own digest, or another). */
static bool signed_file(const struct built *b, const uint8_t *ld,
			struct idblock_key *id, struct idblock_key *author,
			uint8_t **out, size_t *len)
{
	struct idblock_params p = {.guest_svn = 7, .policy = 0x30000};
	struct igvm_vhs_snp_id_block d;
	char err[SIGN_ERR_LEN];

	memcpy(p.ld, ld, sizeof(p.ld));
	memset(p.family_id, 0xfa, sizeof(p.family_id));
	memset(p.image_id, 0x1d, sizeof(p.image_id));
	REQUIRE_EQ(idblock_sign_directive(&p, IGVM_MASK_SNP, id, author, false,
					  &d, err),
		   0);
	REQUIRE_EQ(sign_rebuild(&b->f, &d, out, len, err), 0);
	return true;
}

TEST(snp_load_hostile, id_block_reaches_the_reports)
{
	struct kernel_elf k;
	struct build_options o = lfix_default_options();
	struct igvm_snp_opts mo = {.vcpus = 1, .threads = 1};
	struct idblock_key *id = new_key();
	struct idblock_key *author = new_key();
	struct sim_psp_launch v;
	uint8_t ld[SNP_LD_SIZE];
	uint8_t other[SNP_LD_SIZE];
	struct built b;
	struct slf s;
	uint8_t *f = NULL;
	size_t len = 0;

	ASSERT_TRUE(id && author);
	o.snp = true;
	o.policy = 0x30000;
	lfix_make_elf(&k);
	ASSERT_TRUE(lfix_build_and_parse(&k, &o, &b));
	ASSERT_EQ(igvm_snp_measure(&b.f, &mo, ld, NULL), 0);
	ASSERT_TRUE(slf_init(&s, 1));
	ASSERT_TRUE(signed_file(&b, ld, id, author, &f, &len));
	EXPECT_EQ(slf_load(&s, f, len), 0);
	EXPECT_TRUE(s.load->id_block);
	sim_psp_get_launch(s.psp, &v);
	EXPECT_TRUE(!memcmp(v.measurement, ld, SNP_LD_SIZE));
	EXPECT_EQ(v.guest_svn, 7);
	EXPECT_EQ(v.family_id[0], 0xfa);
	EXPECT_EQ(v.image_id[15], 0x1d);
	EXPECT_TRUE(v.author_key_en);
	EXPECT_TRUE(!lfix_all_zero(v.id_key_digest, sizeof(v.id_key_digest)));
	EXPECT_TRUE(!lfix_all_zero(v.author_key_digest,
				   sizeof(v.author_key_digest)));
	free(f);
	/* Signed for another digest: LAUNCH_FINISH refuses. */
	memcpy(other, ld, sizeof(other));
	other[0] ^= 1;
	ASSERT_TRUE(signed_file(&b, other, id, NULL, &f, &len));
	ASSERT_TRUE(slf_reset(&s));
	EXPECT_EQ(slf_load(&s, f, len), -1);
	EXPECT_TRUE(strstr(s.err, "ID block does not verify") != NULL);
	free(f);
	idblock_key_free(id);
	idblock_key_free(author);
	slf_fini(&s);
	lfix_built_free(&b);
}

/* xorshift64: the same mutations on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * csvsm's file with bytes of its headers changed and the checksum
 * repaired, so that most mutations get past the parser to the loader:
 * each one loads or is refused in one line, and under ASan never touches
 * memory it should not.
 */
TEST(snp_load_hostile, mutated_headers_load_or_are_refused)
{
	struct igvm_fixed_header fh;
	uint64_t seed = 0x5eed1234abcdull;
	unsigned int loaded = 0;
	unsigned int refused_n = 0;
	size_t len = 0;
	uint8_t *orig = slf_build(0x30000, NULL, 0, &len);
	uint8_t *f = malloc(len);
	struct slf s;

	ASSERT_TRUE(orig && f);
	ASSERT_TRUE(slf_init(&s, 1));
	s.map[0].size = 32ull << 20;
	memcpy(&fh, orig, sizeof(fh));
	for (unsigned int i = 0; i < 300; i++) {
		uint32_t sum;
		int rc;

		memcpy(f, orig, len);
		for (unsigned int k = 0; k < 1 + i % 4; k++) {
			uint64_t r = next_rand(&seed);
			size_t off = fh.variable_header_offset +
				     r % fh.variable_header_size;

			f[off] ^= (uint8_t)(1u << ((r >> 32) % 8));
		}
		sum = igvm_checksum(f, len, fh.variable_header_offset,
				    fh.variable_header_offset,
				    fh.variable_header_size);
		memcpy(f + offsetof(struct igvm_fixed_header, checksum), &sum,
		       sizeof(sum));
		/* A fresh RMP over the first 64 MiB: all the file needs. */
		sim_rmp_fini(&s.rmp);
		ASSERT_TRUE(sim_rmp_init(&s.rmp, 0, 64ull << 20));
		s.l = (struct sim_launch){.rmp = &s.rmp,
					  .psp = s.psp,
					  .mem = s.l.mem,
					  .mem_ctx = s.l.mem_ctx};
		rc = slf_load(&s, f, len);
		ASSERT_TRUE(rc == 0 || rc == -1);
		if (rc == 0) {
			loaded++;
			EXPECT_TRUE(s.l.finished);
		} else {
			refused_n++;
			EXPECT_TRUE(s.err[0] != '\0' && !strchr(s.err, '\n'));
		}
	}
	/* Both happen: the mutations reach the loader, not only the parser. */
	EXPECT_GT(loaded, 0u);
	EXPECT_GT(refused_n, 0u);
	slf_fini(&s);
	free(f);
	free(orig);
}
