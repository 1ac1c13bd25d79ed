/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch end to end on the model (snp_e2e_fixture.h): the
 * loader's digest equals `csvsm-igvm measure`'s (igvm_snp_measure); the
 * SVSM's boot sequence and firmware start run on what the launch left;
 * afterwards every page of the SVSM region is VMPL0-only, every firmware
 * page grants VMPL1 what it needs and no SVSM page grants it anything,
 * the firmware's secrets page holds the SVSM fields and no VMPCK0, and
 * the VMPL1 VMSA is QEMU/KVM's reset VMSA but for its VMPL; then the
 * model guest's calls through the request loop succeed: PVALIDATE of its
 * RAM, an attestation report that verifies with the model VCEK and
 * carries the loader's digest, CREATE_VCPU for an AP.
 *
 * Hostile launches end with their GHCB termination reason and without
 * the guest ever running: a host CPUID table whose C-bit disagrees with
 * the host's, a secrets page the PSP did not fill, a host that refuses
 * to make the GHCB shared or says it did and did not, firmware sections
 * over the SVSM region, a host that answers Run VMPL as malformed. A
 * guest exit other than VMGEXIT is served nothing and the loop goes on.
 *
 * The launch, the start and the calls run twice: with the test's
 * synthetic firmware, and with the firmware `make` builds into
 * out/svsm.igvm (E2E_FIRMWARE, from mk/tests.mk: Debian 13's OVMF.fd
 * unless FIRMWARE names another; a build with FIRMWARE= has only the
 * synthetic variant), at its real addresses: the SVSM reads and grants
 * the pages the launch placed. Its section checks follow the image's own
 * SEV metadata, read by tools/libmeasure's parser, not the SVSM's.
 *
 * snp_e2e_export writes each file (e2e.igvm, e2e-fw.igvm), the loader's
 * digest, the report and the model VCEK to $SIM_E2E_EXPORT_DIR for
 * tests/tools/snp_launch_cli.py (`csvsm-igvm measure`, `openssl`).
 */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ovmf_meta.h"
#include "abi/snp.h"
#include "abi/snp_term.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "model/guest.h"
#include "ovmf.h"
#include "rmp.h"
#include "sim_psp_fixture.h"
#include "snp/fw_vmsa.h"
#include "snp_e2e_fixture.h"
#include "test.h"
#include "vmsa.h"

static struct e2e e;

#define PG 0x1000ull

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The synthetic firmware's pages (the edk2 layout, e2e_fixture.c). */
#define SECRETS	   (E2E_FW_BASE + 0xd000)
#define CPUID_PAGE (E2E_FW_BASE + 0xe000)
#define CAA	   (E2E_FW_BASE + 0xf000)
/* The guest's buffers, in the first pre-validated section (both). */
#define LIST	 E2E_FW_PAGE(0)
#define OP	 (E2E_FW_PAGE(1) + 8)
#define NONCE	 E2E_FW_PAGE(2)
#define REPORT	 E2E_FW_PAGE(3)
#define MANIFEST E2E_FW_PAGE(4)
/* Not 2 MiB aligned: the VMSA erratum. */
#define AP_VMSA	  (E2E_GUEST_RAM + 0x1000)
#define AP_CAA	  (E2E_GUEST_RAM + 0x2000)
#define RAM_PAGES 8u

static struct sim_rmp_entry rmp(uint64_t gpa)
{
	return slf_rmp(&e.slf, gpa);
}

static const struct e2e_opts synthetic;
#ifdef E2E_FIRMWARE
/* The firmware `make` builds into out/svsm.igvm (mk/tests.mk). */
static const struct e2e_opts built = {.firmware = E2E_FIRMWARE};
#endif

/* Launch, boot, kmain's part and the firmware start, all passing. */
static bool up_with(const struct e2e_opts *o)
{
	bool ok = e2e_launch(&e, o) && !e2e_boot(&e) && e2e_kmain(&e) &&
		  !e2e_fw(&e) && e.vcpu != NULL;

	if (!ok) {
		test_printf("  stopped: %d, reason (%u, 0x%x)\n",
			    sim_hv.terminated, sim_hv.term_set,
			    sim_hv.term_code);
		e2e_fini(&e);
	}
	REQUIRE_TRUE(ok);
	return true;
}

static bool up(void)
{
	return up_with(&synthetic);
}

/* One call of the model guest through one loop turn; RAX afterwards. */
static uint64_t call(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx,
		     uint64_t r8)
{
	e.guest = (struct e2e_guest){
		.call = true,
		.exit_code = SNP_EXITCODE_VMGEXIT,
		.rax = svsm_call_rax(protocol, id),
		.rcx = rcx,
		.rdx = rdx,
		.r8 = r8,
		.runs = e.guest.runs,
	};
	if (e2e_turn(&e))
		return ~0ull; /* the VM ended */
	/* Served: CALL_PENDING back at 0 when the guest exchanges it. */
	if (e2e_guest_pending_xchg(&e) != 0)
		return ~1ull;
	return e2e_guest_reg(&e, offsetof(struct snp_vmsa, rax));
}

/*
 * Every page of the SVSM region is validated and VMPL0-only, but the
 * three it shares with the host on purpose: the boot GHCB and the two
 * guest-message pages (consecutive, from its heap).
 */
static bool svsm_region_vmpl0_only(unsigned int shared_want)
{
	uint64_t end = e.bp.region_base + e.bp.region_size;
	uint64_t shared[3];
	unsigned int n = 0;

	for (uint64_t gpa = e.bp.region_base; gpa < end; gpa += PG) {
		struct sim_rmp_entry r = rmp(gpa);

		if (!r.assigned &&
		    (r.perms[1] | r.perms[2] | r.perms[3]) == 0) {
			REQUIRE_TRUE(n < 3);
			shared[n++] = gpa;
			continue;
		}
		if (!r.validated ||
		    (r.perms[1] | r.perms[2] | r.perms[3]) != 0) {
			test_printf("  SVSM page 0x%llx: assigned %d validated "
				    "%d perms %x %x %x\n",
				    (unsigned long long)gpa, r.assigned,
				    r.validated, r.perms[1], r.perms[2],
				    r.perms[3]);
			return false;
		}
	}
	REQUIRE_EQ(n, shared_want);
	REQUIRE_TRUE(n == 0 || shared[0] == e.ghcb_gpa ||
		     shared[n - 1] == e.ghcb_gpa);
	if (n == 3) {
		/* The message pages, whichever side of the GHCB they are. */
		uint64_t a = shared[0] == e.ghcb_gpa ? shared[1] : shared[0];
		uint64_t b = shared[0] == e.ghcb_gpa ? shared[2] : shared[1];

		REQUIRE_EQ(b, a + PG);
	}
	return true;
}

/* Validated, all of VMPL1's rights, none for VMPL2 and 3, no VMSA. */
static bool vmpl1_page(uint64_t gpa)
{
	struct sim_rmp_entry r = rmp(gpa);

	return r.assigned && r.validated && !r.vmsa &&
	       r.perms[1] == SNP_PERM_ALL && r.perms[2] == 0 && r.perms[3] == 0;
}

/* The firmware's own pages, from its SEV metadata (libmeasure's parser). */
struct fw_pages {
	uint64_t secrets, cpuid, caa;
};

static bool in_section(const struct ovmf_image *img, uint64_t gpa)
{
	for (uint32_t i = 0; i < img->section_count; i++) {
		struct ovmf_sev_section sec = ovmf_sev_section_get(img, i);

		if (gpa >= sec.gpa && gpa < (uint64_t)sec.gpa + sec.size)
			return true;
	}
	return false;
}

/*
 * Every page of the firmware's sections (pre-validated, secrets, CPUID,
 * calling area) and of its image grants VMPL1 all and VMPL2/3 nothing;
 * the pages between its sections stay unvalidated.
 */
static bool firmware_granted(struct fw_pages *fp)
{
	struct ovmf_image img;
	char err[OVMF_ERR_LEN];
	uint64_t lo = ~0ull;
	uint64_t hi = 0;
	unsigned int bad = 0;

	memset(fp, 0, sizeof(*fp));
	REQUIRE_EQ(ovmf_parse(e.fw, e.fw_size, E2E_FW_TOP, &img, err), 0);
	REQUIRE_TRUE(img.has_sev_metadata && img.section_count > 0);
	for (uint32_t i = 0; i < img.section_count; i++) {
		struct ovmf_sev_section sec = ovmf_sev_section_get(&img, i);

		if (sec.type == OVMF_SEV_SNP_SECRETS)
			fp->secrets = sec.gpa;
		if (sec.type == OVMF_SEV_CPUID)
			fp->cpuid = sec.gpa;
		if (sec.type == OVMF_SEV_SVSM_CAA)
			fp->caa = sec.gpa;
		if (sec.type < OVMF_SEV_SNP_SEC_MEM ||
		    sec.type > OVMF_SEV_SVSM_CAA)
			continue;
		lo = sec.gpa < lo ? sec.gpa : lo;
		hi = (uint64_t)sec.gpa + sec.size > hi
			     ? (uint64_t)sec.gpa + sec.size
			     : hi;
		for (uint64_t gpa = sec.gpa; gpa < (uint64_t)sec.gpa + sec.size;
		     gpa += PG)
			bad += !vmpl1_page(gpa);
	}
	REQUIRE_TRUE(fp->secrets && fp->cpuid && fp->caa);
	for (uint64_t gpa = lo; gpa < hi; gpa += PG)
		if (!in_section(&img, gpa))
			bad += rmp(gpa).validated;
	for (uint64_t off = 0; off < e.fw_size; off += PG)
		bad += !vmpl1_page(e.fw_gpa + off);
	if (bad)
		test_printf("  %u firmware pages not as they should be\n", bad);
	return bad == 0;
}

/*
 * After the firmware start: the loader's digest is measure's; the SVSM's
 * pages VMPL0 only; the firmware's VMPL1's; its secrets page has the SVSM
 * fields and no VMPCK0; the VMPL1 VMSA is QEMU/KVM's reset VMSA.
 */
static bool started_as_the_firmware_needs(struct fw_pages *fp)
{
	const struct snp_secrets_page *sp;
	const struct snp_secrets_page *launched;
	uint8_t want[SNP_VMSA_SIZE];
	uint32_t sig;

	/* The digest the loader computed is the one measure prints. */
	EXPECT_EQ(memcmp(e.slf.load->ld, e.measured, SNP_LD_SIZE), 0);
	EXPECT_EQ(e.st.cbit, SLF_CBIT);
	EXPECT_FALSE(sim_hv.terminated);
	EXPECT_EQ(sim_hv.ghcb_gpa[0], e.ghcb_gpa);

	/* The SVSM's pages: VMPL0 only, the heap's VMSA page included. */
	EXPECT_TRUE(svsm_region_vmpl0_only(3));
	EXPECT_TRUE(rmp(pa_val(e.vcpu->vmsa)).vmsa);

	/* The firmware's sections and image: VMPL1's, nothing more. */
	REQUIRE_TRUE(firmware_granted(fp));

	/* Its secrets page: the launch's, with the SVSM fields, no VMPCK0. */
	sp = (const struct snp_secrets_page *)slf_ptr(&e.slf, fp->secrets);
	launched = (const struct snp_secrets_page *)slf_ptr(
		&e.slf, e.slf.load->secrets_gpa);
	EXPECT_EQ(sp->svsm_base, e.region_base);
	EXPECT_EQ(sp->svsm_size, e.region_size);
	EXPECT_EQ(sp->svsm_caa, fp->caa);
	EXPECT_EQ(sp->svsm_max_version, 1u);
	EXPECT_EQ(sp->svsm_guest_vmpl, 1u);
	EXPECT_TRUE(all_zero(sp->vmpck[0], sizeof(sp->vmpck[0])));
	EXPECT_FALSE(all_zero(sp->vmpck[1], sizeof(sp->vmpck[1])));
	EXPECT_EQ(
		memcmp(sp->vmpck[1], launched->vmpck[1], sizeof(sp->vmpck[1])),
		0);
	/* Its CPUID page: the SVSM's. */
	EXPECT_EQ(memcmp(slf_ptr(&e.slf, fp->cpuid),
			 slf_ptr(&e.slf, e.slf.load->cpuid_gpa), PG),
		  0);

	/*
	 * The VMPL1 VMSA: QEMU/KVM's reset VMSA for the boot vCPU but for
	 * the VMPL byte (libmeasure's, as csvsm-snp-measure builds it: the
	 * BSP starts at the reset vector; the footer's SEV-ES reset block is
	 * the APs').
	 */
	sig = e.slf.cpuid[1].eax; /* the machine's CPUID Fn0000_0001 EAX */
	REQUIRE_EQ(vmsa_build(want, VMSA_VMM_QEMU, VMSA_BSP_EIP, sig, 0x1), 0);
	want[SNP_VMSA_OFF_VMPL] = 1;
	EXPECT_EQ(memcmp(arch_phys_to_virt(pa_val(e.vcpu->vmsa), SNP_VMSA_SIZE),
			 want, sizeof(want)),
		  0);
	EXPECT_EQ(e.vcpu->vmpl, 1u);
	EXPECT_EQ(gpa_val(e.vcpu->caa), fp->caa);
	/* The host learned it (AP Creation, create on INIT). */
	EXPECT_EQ(e.host.creates, 1u);
	EXPECT_EQ(e.guest.runs, 0u);
	return true;
}

TEST(snp_e2e, launch_boot_and_firmware_start)
{
	struct fw_pages fp;

	ASSERT_TRUE(up());
	EXPECT_TRUE(started_as_the_firmware_needs(&fp));
	/* make's region; the synthetic firmware's metadata: edk2's layout. */
	EXPECT_EQ(e.region_base, E2E_REGION);
	EXPECT_EQ(e.region_size, E2E_REGION_SIZE);
	EXPECT_EQ(e.slf.load->policy, E2E_POLICY);
	EXPECT_EQ(fp.secrets, SECRETS);
	EXPECT_EQ(fp.cpuid, CPUID_PAGE);
	EXPECT_EQ(fp.caa, CAA);
	e2e_fini(&e);
}

#ifdef E2E_FIRMWARE
TEST(snp_e2e, built_firmware_launch_boot_and_firmware_start)
{
	struct fw_pages fp;

	ASSERT_TRUE(up_with(&built));
	EXPECT_TRUE(started_as_the_firmware_needs(&fp));
	/* At 4 GiB - its size, read and granted where the launch put it. */
	EXPECT_EQ(e.bp.fw_gpa + e.bp.fw_size, E2E_FW_TOP);
	EXPECT_TRUE(e.fw_size > E2E_FW_SIZE);
	e2e_fini(&e);
}
#endif

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
	uint8_t data[64 + 0x1000];
	uint8_t hash[SHA512_DIGEST_LENGTH];
	uint64_t manifest_len;

	memset(slf_ptr(&e.slf, NONCE), 0x4e, 64);
	memcpy(slf_ptr(&e.slf, OP), &op, sizeof(op));
	REQUIRE_EQ(call(SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, OP, 0, 0),
		   SVSM_SUCCESS);
	REQUIRE_EQ(e2e_guest_reg(&e, offsetof(struct snp_vmsa, r8)),
		   SNP_REPORT_SIZE);
	manifest_len = e2e_guest_reg(&e, offsetof(struct snp_vmsa, rcx));
	REQUIRE_TRUE(manifest_len > 0 && manifest_len <= 0x1000);
	memcpy(r, slf_ptr(&e.slf, REPORT), sizeof(*r));
	/* REPORT_DATA: SHA-512 of nonce and manifest (58019, Table 11). */
	memcpy(data, slf_ptr(&e.slf, NONCE), 64);
	memcpy(data + 64, slf_ptr(&e.slf, MANIFEST), manifest_len);
	SHA512(data, 64 + manifest_len, hash);
	REQUIRE_EQ(memcmp(r->report_data, hash, sizeof(hash)), 0);
	return true;
}

static bool report_verifies(const struct snp_attestation_report *r)
{
	EVP_PKEY *pub = pfx_psp_pubkey(e.slf.psp);
	bool ok = pub && pfx_report_verifies(r, pub);

	EVP_PKEY_free(pub);
	return ok;
}

/* PVALIDATE, an attestation report and CREATE_VCPU through the loop. */
static bool guest_calls_succeed(void)
{
	static struct snp_attestation_report r;
	uint64_t entries[RAM_PAGES];

	/* PVALIDATE of its RAM, which the launch left unvalidated. */
	for (unsigned int i = 0; i < RAM_PAGES; i++) {
		EXPECT_FALSE(rmp(E2E_GUEST_RAM + i * PG).validated);
		entries[i] = (E2E_GUEST_RAM + i * PG) |
			     SVSM_PVALIDATE_ENTRY_VALIDATE;
	}
	{
		struct svsm_pvalidate_hdr h = {.entries = RAM_PAGES};

		memcpy(slf_ptr(&e.slf, LIST), &h, sizeof(h));
		memcpy(slf_ptr(&e.slf, LIST + 8), entries, sizeof(entries));
	}
	EXPECT_EQ(call(SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, LIST, 0, 0),
		  SVSM_SUCCESS);
	EXPECT_EQ(e.guest.runs, 1u);
	for (unsigned int i = 0; i < RAM_PAGES; i++)
		EXPECT_TRUE(vmpl1_page(E2E_GUEST_RAM + i * PG));

	/* An attestation report: the loader's digest, the model VCEK. */
	REQUIRE_TRUE(attest(&r));
	EXPECT_EQ(memcmp(r.measurement, e.slf.load->ld, SNP_LD_SIZE), 0);
	EXPECT_EQ(memcmp(r.measurement, e.measured, SNP_LD_SIZE), 0);
	EXPECT_EQ(r.policy, e.slf.load->policy);
	EXPECT_EQ(r.vmpl, 0u);
	EXPECT_TRUE(report_verifies(&r));
	r.measurement[0] ^= 1;
	EXPECT_FALSE(report_verifies(&r));

	/* CREATE_VCPU for the AP (APIC ID 1), in two of those pages. */
	sim_guest_write_vmsa(AP_VMSA, 1, SNP_EFER_SVME, 0x1);
	EXPECT_EQ(call(SVSM_CORE_PROTOCOL, SVSM_CORE_CREATE_VCPU, AP_VMSA,
		       AP_CAA, 1),
		  SVSM_SUCCESS);
	EXPECT_TRUE(rmp(AP_VMSA).vmsa);
	EXPECT_EQ(e.host.creates, 2u);
	EXPECT_EQ(e.guest.runs, 3u);
	EXPECT_FALSE(sim_hv.terminated);
	return true;
}

TEST(snp_e2e, model_guest_calls_through_the_request_loop)
{
	ASSERT_TRUE(up());
	EXPECT_TRUE(guest_calls_succeed());
	e2e_fini(&e);
}

#ifdef E2E_FIRMWARE
TEST(snp_e2e, built_firmware_guest_calls_through_the_request_loop)
{
	ASSERT_TRUE(up_with(&built));
	EXPECT_TRUE(guest_calls_succeed());
	e2e_fini(&e);
}
#endif

TEST(snp_e2e, guest_exit_other_than_vmgexit_serves_nothing)
{
	ASSERT_TRUE(up());
	/* An NPF (0x400) with CALL_PENDING set: nothing is served. */
	e.guest = (struct e2e_guest){
		.call = true,
		.exit_code = 0x400,
		.rax = svsm_call_rax(SVSM_CORE_PROTOCOL,
				     SVSM_CORE_QUERY_PROTOCOL),
	};
	EXPECT_FALSE(e2e_turn(&e));
	EXPECT_EQ(e.guest.runs, 1u);
	EXPECT_EQ(e2e_guest_pending_xchg(&e), 1);
	EXPECT_EQ(e2e_guest_reg(&e, offsetof(struct snp_vmsa, rax)),
		  e.guest.rax);
	/* The loop goes on: the next call is answered. */
	EXPECT_EQ(call(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL,
		       svsm_call_rax(SVSM_CORE_PROTOCOL, 1), 0, 0),
		  SVSM_SUCCESS);
	EXPECT_FALSE(sim_hv.terminated);
	e2e_fini(&e);
}

/* ---- Hostile launches: a termination reason, and no guest entry -------- */

static bool ended_with(unsigned int set, unsigned int code)
{
	REQUIRE_TRUE(sim_hv.terminated);
	REQUIRE_EQ(sim_hv.term_set, set);
	REQUIRE_EQ(sim_hv.term_code, code);
	REQUIRE_EQ(sim_hv.vmpl_runs, 0u);
	REQUIRE_EQ(e.guest.runs, 0u);
	return true;
}

TEST(snp_e2e, host_cbit_disagrees_with_the_cpuid_page)
{
	/* The host's CPUID table says 47; its SEV information says 51. */
	struct e2e_opts o = {.host_cbit_ebx = 47u | (1u << 12)};

	ASSERT_TRUE(e2e_launch(&e, &o));
	EXPECT_EQ(e.env.entry_cbit, 47u);
	EXPECT_TRUE(e2e_boot(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_CPUID_HV));
	/* Stopped before the GHCB was made shared. */
	EXPECT_TRUE(rmp(e2e_ghcb_gpa()).validated);
	e2e_fini(&e);
}

TEST(snp_e2e, secrets_page_not_filled)
{
	static const struct e2e_opts o;

	ASSERT_TRUE(e2e_launch(&e, &o));
	/* As if the host had declared a normal page there. */
	memset(slf_ptr(&e.slf, e.slf.load->secrets_gpa), 0, PG);
	EXPECT_TRUE(e2e_boot(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	e2e_fini(&e);
}

TEST(snp_e2e, secrets_page_elsewhere)
{
	static const struct e2e_opts o;
	struct csvsm_boot_info *bi;

	ASSERT_TRUE(e2e_launch(&e, &o));
	/*
	 * The boot info names the secrets page on the CPUID page (a file
	 * whose builder got it wrong; the host cannot change the measured
	 * boot info, so the model writes it after the launch).
	 */
	bi = (struct csvsm_boot_info *)slf_ptr(&e.slf, e2e_boot_info_gpa());
	bi->secrets_gpa = bi->cpuid_gpa;
	EXPECT_TRUE(e2e_boot(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
	e2e_fini(&e);
}

TEST(snp_e2e, secrets_page_missing_or_outside_the_region)
{
	static const struct e2e_opts o;
	static const uint64_t where[] = {0, E2E_GUEST_RAM};
	struct csvsm_boot_info *bi;

	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_TRUE(e2e_launch(&e, &o));
		bi = (struct csvsm_boot_info *)slf_ptr(&e.slf,
						       e2e_boot_info_gpa());
		bi->secrets_gpa = where[i];
		EXPECT_TRUE(e2e_boot(&e));
		EXPECT_TRUE(
			ended_with(SNP_TERM_SET_LINUX, SNP_TERM_SECRETS_PAGE));
		e2e_fini(&e);
	}
}

/* The host answers the MSR page-state change with an error. */
static void refuse_psc(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (!x->ghcb && (x->msr_in & 0xfff) == GHCB_MSR_PSC_REQ)
		*x->msr = GHCB_MSR_PSC_RESP | (1ull << 32);
}

TEST(snp_e2e, host_refuses_to_make_the_ghcb_shared)
{
	static const struct e2e_opts o;

	ASSERT_TRUE(e2e_launch(&e, &o));
	e.hostile = refuse_psc;
	EXPECT_TRUE(e2e_boot(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_PSC));
	e2e_fini(&e);
}

/* The host answers the page-state change with another response code. */
static void psc_wrong_answer(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	if (!x->ghcb && (x->msr_in & 0xfff) == GHCB_MSR_PSC_REQ)
		*x->msr = x->msr_in; /* the request echoed */
}

TEST(snp_e2e, page_state_change_answered_wrongly)
{
	static const struct e2e_opts o;

	ASSERT_TRUE(e2e_launch(&e, &o));
	e.hostile = psc_wrong_answer;
	EXPECT_TRUE(e2e_boot(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_PSC));
	e2e_fini(&e);
}

/* The host says "done" and leaves the page private. */
static void psc_left_private(struct sim_hv_exit *x, void *ctx)
{
	struct e2e *ee = ctx;

	if (!x->ghcb && (x->msr_in & 0xfff) == GHCB_MSR_PSC_REQ)
		(void)sim_rmp_assign(&fake_snp_rmp, e2e_ghcb_gpa(),
				     SNP_RMP_PSIZE_4K);
	(void)ee;
}

TEST(snp_e2e, page_state_change_leaves_the_page_private)
{
	static const struct e2e_opts o;

	ASSERT_TRUE(e2e_launch(&e, &o));
	e.hostile = psc_left_private;
	EXPECT_TRUE(e2e_boot(&e));
	/* The host's own check then refuses the registration. */
	EXPECT_TRUE(ended_with(SNP_TERM_SET_LINUX, SNP_TERM_GHCB_REGISTER));
	e2e_fini(&e);
}

TEST(snp_e2e, firmware_over_the_svsm_region)
{
	struct e2e_section s[3] = {
		{E2E_FW_BASE + 0xd000, 0x1000, OVMF_META_SECRETS},
		{E2E_FW_BASE + 0xe000, 0x1000, OVMF_META_CPUID},
		/* The calling area on the SVSM's last page. */
		{E2E_REGION + E2E_REGION_SIZE - 0x1000, 0x1000,
		 OVMF_META_SVSM_CAA},
	};
	struct e2e_opts o = {.sections = s, .section_count = 3};

	ASSERT_TRUE(e2e_launch(&e, &o));
	EXPECT_FALSE(e2e_boot(&e));
	ASSERT_TRUE(e2e_kmain(&e));
	EXPECT_TRUE(e2e_fw(&e));
	EXPECT_TRUE(ended_with(SNP_TERM_SET_CSVSM, SNP_TERM_FW_META));
	/* Nothing of the SVSM's was given away. */
	EXPECT_TRUE(svsm_region_vmpl0_only(1));
	EXPECT_TRUE(e.vcpu == NULL);
	e2e_fini(&e);
}

TEST(snp_e2e, host_refuses_run_vmpl)
{
	ASSERT_TRUE(up());
	e.guest.host_refuses = true;
	EXPECT_TRUE(e2e_turn(&e));
	EXPECT_TRUE(sim_hv.terminated);
	EXPECT_EQ(sim_hv.term_set, SNP_TERM_SET_CSVSM);
	EXPECT_EQ(sim_hv.term_code, SNP_TERM_RUN_VMPL);
	EXPECT_EQ(e.guest.runs, 0u);
	e2e_fini(&e);
}

/* One launch's file, digest, report and model VCEK, names with suffix. */
static bool export_launch(const char *dir, const struct e2e_opts *o,
			  const char *suffix)
{
	static struct snp_attestation_report r;
	char hex[2 * SNP_LD_SIZE + 2];
	char pem[1024];
	char name[64];
	size_t pem_len = 0;
	bool ok = true;

	REQUIRE_TRUE(up_with(o));
	REQUIRE_TRUE(attest(&r));
	for (unsigned int i = 0; i < SNP_LD_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", e.slf.load->ld[i]);
	hex[2 * SNP_LD_SIZE] = '\n';
	hex[2 * SNP_LD_SIZE + 1] = '\0';
	REQUIRE_EQ(
		sim_psp_vcek_public_pem(e.slf.psp, pem, sizeof(pem), &pem_len),
		SIM_PSP_OK);
	snprintf(name, sizeof(name), "e2e%s.igvm", suffix);
	ok &= pfx_write_file(dir, name, e.file, e.len);
	snprintf(name, sizeof(name), "ld%s.hex", suffix);
	ok &= pfx_write_file(dir, name, hex, strlen(hex));
	snprintf(name, sizeof(name), "report%s.bin", suffix);
	ok &= pfx_write_file(dir, name, &r, sizeof(r));
	snprintf(name, sizeof(name), "vcek%s.pem", suffix);
	ok &= pfx_write_file(dir, name, pem, pem_len);
	e2e_fini(&e);
	REQUIRE_TRUE(ok);
	return true;
}

/*
 * For tests/tools/snp_launch_cli.py: each launch's file, the loader's
 * digest, a report obtained by the model guest through the request loop
 * and the model VCEK, into $SIM_E2E_EXPORT_DIR: the synthetic firmware's
 * (e2e.igvm, ...) and, when the build carries one, the built firmware's
 * (e2e-fw.igvm, ...).
 */
TEST_FIXTURE(snp_e2e_export)
{
	const char *dir = getenv("SIM_E2E_EXPORT_DIR");

	ASSERT_TRUE(dir && *dir);
	EXPECT_TRUE(export_launch(dir, &synthetic, ""));
#ifdef E2E_FIRMWARE
	EXPECT_TRUE(export_launch(dir, &built, "-fw"));
#endif
}

/*
 * The launch of `make`'s own out/svsm.igvm (its SNP kernel, its firmware),
 * for tests/tools/snp_launch_cli.py, which names the files in
 * $SIM_E2E_IGVM, $SIM_E2E_SNP_ELF and $SIM_E2E_FIRMWARE: the SVSM's boot
 * and firmware start, hosted, on the pages that file's launch placed, all
 * the checks of the built-firmware variant, the model guest's calls; the
 * loader's digest, the report and the model VCEK into
 * $SIM_E2E_EXPORT_DIR (svsm-ld.hex, svsm-report.bin, svsm-vcek.pem), so
 * that the script compares them with `csvsm-igvm measure` of that file.
 */
TEST_FIXTURE(snp_e2e_svsm_export)
{
	static struct snp_attestation_report r;
	const char *dir = getenv("SIM_E2E_EXPORT_DIR");
	struct e2e_opts o = {
		.igvm = getenv("SIM_E2E_IGVM"),
		.snp_elf = getenv("SIM_E2E_SNP_ELF"),
		.firmware = getenv("SIM_E2E_FIRMWARE"),
	};
	struct fw_pages fp;
	char hex[2 * SNP_LD_SIZE + 2];
	char pem[1024];
	size_t pem_len = 0;

	ASSERT_TRUE(dir && *dir && o.igvm && o.snp_elf && o.firmware);
	ASSERT_TRUE(up_with(&o));
	EXPECT_TRUE(started_as_the_firmware_needs(&fp));
	EXPECT_TRUE(guest_calls_succeed());
	EXPECT_TRUE(attest(&r));
	for (unsigned int i = 0; i < SNP_LD_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", e.slf.load->ld[i]);
	hex[2 * SNP_LD_SIZE] = '\n';
	hex[2 * SNP_LD_SIZE + 1] = '\0';
	EXPECT_EQ(
		sim_psp_vcek_public_pem(e.slf.psp, pem, sizeof(pem), &pem_len),
		SIM_PSP_OK);
	EXPECT_TRUE(pfx_write_file(dir, "svsm-ld.hex", hex, strlen(hex)));
	EXPECT_TRUE(pfx_write_file(dir, "svsm-report.bin", &r, sizeof(r)));
	EXPECT_TRUE(pfx_write_file(dir, "svsm-vcek.pem", pem, pem_len));
	e2e_fini(&e);
}
