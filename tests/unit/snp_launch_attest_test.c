/* SPDX-License-Identifier: MIT */
/*
 * The launch digest, end to end on the model: an IGVM file is loaded and
 * launched by the model loader (sim/loader.c), the SVSM's guest-message
 * client is keyed with VMPCK0 from the secrets page the model PSP filled
 * during that launch (as the SVSM's boot does), and a guest asks the SVSM's
 * attestation protocol (kernel/protocols/attest.c) for a report. The
 * report's MEASUREMENT is the digest `csvsm-igvm measure` computes
 * (igvm_snp_measure), its POLICY the file's, and it verifies with the model
 * VCEK (AMD 56860, ATTESTATION_REPORT; AMD 58019 rev 1.00, Table 11).
 *
 * snp_launch.export loads the file named by $SIM_LOAD_IGVM (with
 * $SIM_LOAD_VCPUS vCPUs, default 1) and writes ld.hex (the loader's
 * digest), report.bin and vcek.pem to $SIM_LOAD_EXPORT_DIR, for
 * tests/tools/snp_launch_cli.py, which checks them against the
 * `csvsm-igvm measure` command line and `openssl`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/attest.h"
#include "svsm/log.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"
#include "abi/svsm.h"

#include "fake/fake.h"
#include "hv.h"
#include "igvm_snp.h"
#include "sim_load_fixture.h"
#include "sim_psp_fixture.h"
#include "slf_svsm.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "test.h"
#include "util.h"

/* Fake memory for the SVSM's side: its heap, then the guest's buffers. */
#define MEM_SIZE   (8ull << 20)
#define SVSM_SIZE  (4ull << 20)
#define GUEST_BASE (FAKE_PHYS_BASE + SVSM_SIZE)
#define OP	   (GUEST_BASE + 8)
#define NONCE	   (GUEST_BASE + 0x1000)
#define REPORT	   (GUEST_BASE + 0x2000)
#define MANIFEST   (GUEST_BASE + 0x3000)

static unsigned int saved_level;

/*
 * The SVSM's side after boot (slf_svsm.h): allocators, guest RAM, a
 * registered GHCB, the model PSP of the launch behind the model
 * hypervisor, and the guest-message client keyed from the launched
 * secrets page. svsm_down() undoes it, also when it stopped halfway.
 */
static bool svsm_up(struct slf *s)
{
	saved_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	return slf_svsm_alloc(MEM_SIZE, SVSM_SIZE, 0x10ad10ad10adull) &&
	       slf_svsm_keyed(s, MEM_SIZE, SVSM_SIZE);
}

static void svsm_down(void)
{
	slf_svsm_down();
	log_set_level(saved_level);
}

/* The guest's ATTEST_SERVICES call; the report lands at REPORT. */
static bool attest(struct snp_attestation_report *r)
{
	struct svsm_attest_services_op op = {
		.report_gpa = REPORT,
		.report_size = 0x1000,
		.nonce_gpa = NONCE,
		.nonce_size = 64,
		.manifest_gpa = MANIFEST,
		.manifest_size = 0x1000,
	};
	struct attest_regs regs = {.rcx = OP};

	memset(arch_phys_to_virt(NONCE, 64), 0x4e, 64);
	memcpy(arch_phys_to_virt(OP, sizeof(op)), &op, sizeof(op));
	REQUIRE_EQ(attest_call(SVSM_ATTEST_SERVICES, &regs), SVSM_OK);
	REQUIRE_EQ(regs.r8, SNP_REPORT_SIZE);
	memcpy(r, arch_phys_to_virt(REPORT, sizeof(*r)), sizeof(*r));
	return true;
}

/* The report carries ld and policy and verifies with the model VCEK. */
static bool report_carries(struct slf *s, const uint8_t ld[SNP_LD_SIZE],
			   uint64_t policy, struct snp_attestation_report *r)
{
	EVP_PKEY *pub;
	bool ok;

	ok = svsm_up(s) && attest(r);
	svsm_down(); /* also after a failed svsm_up: nothing stays behind */
	REQUIRE_TRUE(ok);
	REQUIRE_TRUE(!memcmp(r->measurement, ld, SNP_LD_SIZE));
	REQUIRE_EQ(r->policy, policy);
	REQUIRE_EQ(r->vmpl, 0);
	pub = pfx_psp_pubkey(s->psp);
	ok = pub && pfx_report_verifies(r, pub);
	EVP_PKEY_free(pub);
	REQUIRE_TRUE(ok);
	return true;
}

TEST(snp_launch, report_carries_the_measured_digest)
{
	static struct snp_attestation_report r;
	struct igvm_snp_opts mo = {.vcpus = 2, .threads = 1};
	uint64_t policy = 0x30000 | (1u << 19); /* SMT, debug */
	uint8_t want[SNP_LD_SIZE];
	size_t len = 0;
	uint8_t *file = slf_build(policy, NULL, 0, &len);
	struct slf s;

	ASSERT_TRUE(file != NULL);
	ASSERT_EQ(igvm_snp_measure_buf(file, len, &mo, want, NULL), 0);
	ASSERT_TRUE(slf_init(&s, 2));
	ASSERT_EQ(slf_load(&s, file, len), 0);
	EXPECT_TRUE(report_carries(&s, want, policy, &r));
	/* A digest one bit off is not what the report carries. */
	want[47] ^= 1;
	EXPECT_TRUE(memcmp(r.measurement, want, SNP_LD_SIZE) != 0);
	slf_fini(&s);
	free(file);
}

/*
 * For tests/tools/snp_launch_cli.py: the model launch of $SIM_LOAD_IGVM
 * with $SIM_LOAD_VCPUS vCPUs, its digest, a report and the VCEK into
 * $SIM_LOAD_EXPORT_DIR.
 */
TEST_FIXTURE(snp_launch_export)
{
	static struct snp_attestation_report r;
	const char *path = getenv("SIM_LOAD_IGVM");
	const char *dir = getenv("SIM_LOAD_EXPORT_DIR");
	const char *vcpus = getenv("SIM_LOAD_VCPUS");
	struct igvm_snp_opts mo = {.threads = 1};
	uint8_t want[SNP_LD_SIZE];
	char hex[2 * SNP_LD_SIZE + 2];
	char pem[1024];
	char err[256];
	size_t pem_len = 0;
	size_t len = 0;
	uint8_t *file;
	struct slf s;

	ASSERT_TRUE(path && *path && dir && *dir);
	file = util_read_file(path, 1u << 30, &len, err, sizeof(err));
	ASSERT_TRUE(file != NULL);
	mo.vcpus = vcpus ? (unsigned int)strtoul(vcpus, NULL, 0) : 1;
	ASSERT_EQ(igvm_snp_measure_buf(file, len, &mo, want, NULL), 0);
	ASSERT_TRUE(slf_init(&s, mo.vcpus));
	if (slf_load(&s, file, len))
		test_printf("  %s\n", s.err);
	ASSERT_EQ(s.err[0], '\0');
	EXPECT_TRUE(report_carries(&s, want, s.load->policy, &r));
	for (unsigned int i = 0; i < SNP_LD_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", s.load->ld[i]);
	hex[2 * SNP_LD_SIZE] = '\n';
	hex[2 * SNP_LD_SIZE + 1] = '\0';
	ASSERT_EQ(sim_psp_vcek_public_pem(s.psp, pem, sizeof(pem), &pem_len),
		  SIM_PSP_OK);
	EXPECT_TRUE(pfx_write_file(dir, "ld.hex", hex, strlen(hex)));
	EXPECT_TRUE(pfx_write_file(dir, "report.bin", &r, sizeof(r)));
	EXPECT_TRUE(pfx_write_file(dir, "vcek.pem", pem, pem_len));
	slf_fini(&s);
	free(file);
}
