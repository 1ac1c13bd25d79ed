/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the attestation protocol (kernel/protocols/attest.c),
 * end to end: a "guest" writes the operation and a nonce into fake guest
 * memory and calls attest_call() as the dispatcher would; the SVSM gets
 * the report from the model PSP through its guest-message client and
 * writes the results back. OpenSSL, independently of the SVSM, checks
 * REPORT_DATA = SHA-512(nonce || manifest) and the VCEK signature.
 *
 * Covered: the services manifest (Table 12) empty and with two services;
 * ATTEST_SINGLE_SERVICE; the certificate table; every error path with the
 * exact enum svsm_err include/svsm/attest.h documents, and that refusals
 * leave the PSP, the guest's buffers and the registers alone; a write
 * fault after the report; a guest that rewrites the operation and the
 * nonce between the SVSM's reads (fake_guest_after_copy); the services
 * table. attest.export writes one call's outputs and the VCEK public key
 * to $ATTEST_EXPORT_DIR when set, for tests/tools/attest_openssl_cli.py.
 * Reference: AMD 58019 rev 1.00, Tables 11-13 ("58019" below), and bug
 * classes 3, 4, 12, 15 of docs/threat-model.md.
 */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/attest.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/snp_guest_msg.h"
#include "abi/svsm.h"

#include "fake/fake.h"
#include "hv.h"
#include "psp.h"
#include "sim_psp_fixture.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "test.h"

/* Fake memory: the SVSM's 4 MiB, then 4 MiB of guest RAM. */
#define MEM_SIZE   (8ull << 20)
#define SVSM_SIZE  (4ull << 20)
#define SVSM_BASE  FAKE_PHYS_BASE
#define GUEST_BASE (FAKE_PHYS_BASE + SVSM_SIZE)
#define RAM_END	   (FAKE_PHYS_BASE + MEM_SIZE)

/* The guest's layout: Linux puts the operation at CAA + 8. */
#define CAA	     (GUEST_BASE + 0x0000)
#define OP	     (CAA + 8)
#define NONCE	     (GUEST_BASE + 0x1123) /* any alignment */
#define REPORT	     (GUEST_BASE + 0x2000)
#define MANIFEST     (GUEST_BASE + 0x3000)
#define CERTS	     (GUEST_BASE + 0x4000) /* 16 KiB, as Linux */
#define ALT_NONCE    (GUEST_BASE + 0x8000)
#define ALT_REPORT   (GUEST_BASE + 0x9000)
#define BIG_NONCE    (GUEST_BASE + 0xA800) /* 4 KiB across a page */
#define CERTS_SIZE   0x4000u
#define NONCE_SIZE   64u
#define GUEST_FILL   0xAAu
#define GUEST_SPAN   0x10000u
#define MANIFEST_HDR 24u

static const uint8_t services_guid[16] = SVSM_SERVICES_MANIFEST_GUID;
static const uint8_t svc_a_guid[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
				       0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
				       0xdd, 0xee, 0xff, 0x01};
static const uint8_t svc_b_guid[16] = {0x21, 0x22, 0x33, 0x44, 0x55, 0x66,
				       0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
				       0xdd, 0xee, 0xff, 0x02};
static const uint8_t svc_a_data[] = "csvsm test service A manifest";

static struct sim_psp_config cfg;
static struct sim_psp *psp;
static unsigned int saved_log_level;

static uint8_t *gptr(uint64_t gpa)
{
	return arch_phys_to_virt(gpa, 1);
}

static bool clear_reserved(void)
{
	paddr_t base;
	uint64_t size;

	while (gpa_reserved_get(0, &base, &size)) {
		if (gpa_unreserve(base, size) != SVSM_OK)
			return false;
	}
	return true;
}

/* Drops the services a test registered (errors: it was not there). */
static void drop_services(void)
{
	(void)!attest_unregister_service(svc_a_guid);
	(void)!attest_unregister_service(svc_b_guid);
}

static void fill_guest(void)
{
	memset(gptr(GUEST_BASE), GUEST_FILL, GUEST_SPAN);
	for (unsigned int i = 0; i < NONCE_SIZE; i++)
		gptr(NONCE)[i] = (uint8_t)(0x40 + i);
	for (unsigned int i = 0; i < NONCE_SIZE; i++)
		gptr(ALT_NONCE)[i] = (uint8_t)(0xC0 + i);
}

/*
 * Fresh memory: the SVSM region reserved (heap, shared guest-request
 * pages, GHCB), the rest guest RAM; a model PSP behind the model
 * hypervisor, the GHCB registered with it and the client keyed with its
 * VMPCK0; no services; no fault hooks.
 */
static bool setup(void)
{
	struct ram_range ram = {FAKE_PHYS_BASE, MEM_SIZE};
	paddr_t req;
	paddr_t resp;
	paddr_t ghcb;
	paddr_t certs;

	guest_msg_reset();
	fake_snp_hv_start();
	ghcb_reset();
	drop_services();
	saved_log_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	fake_guest_fault_base = 0;
	fake_guest_fault_size = 0;
	fake_guest_after_copy = NULL;
	fake_guest_copies = 0;
	REQUIRE_TRUE(fake_mm_init(MEM_SIZE) == FAKE_PHYS_BASE);
	REQUIRE_TRUE(pgalloc_init(pa_init(SVSM_BASE), SVSM_SIZE) == SVSM_OK);
	heap_init(0xa77e57a77e57ull);
	REQUIRE_TRUE(clear_reserved() && gpa_set_ram(&ram, 1) == SVSM_OK &&
		     gpa_reserve(pa_init(SVSM_BASE), SVSM_SIZE) == SVSM_OK);
	REQUIRE_TRUE(pgalloc_alloc(0, 0, &req) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &resp) == SVSM_OK &&
		     pgalloc_alloc(0, 0, &ghcb) == SVSM_OK &&
		     pgalloc_alloc(2, 0, &certs) == SVSM_OK);
	psp = pfx_new_psp(&cfg);
	REQUIRE_TRUE(psp != NULL);
	sim_hv.psp = psp;
	REQUIRE_TRUE(ghcb_negotiate(NULL) == SVSM_OK &&
		     ghcb_register(ghcb) == SVSM_OK);
	REQUIRE_TRUE(guest_msg_init(req, resp) == SVSM_OK &&
		     guest_msg_init_certs(certs, GUEST_MSG_CERTS_MAX_PAGES) ==
			     SVSM_OK &&
		     guest_msg_set_vmpck0(cfg.vmpck[0]) == SVSM_OK);
	fill_guest();
	return true;
}

static void teardown(void)
{
	static const struct ram_range no_ram;

	fake_guest_after_copy = NULL;
	fake_guest_fault_size = 0;
	drop_services();
	fake_snp_hv_stop();
	ghcb_reset();
	guest_msg_reset();
	sim_psp_destroy(psp);
	psp = NULL;
	if (!clear_reserved() || gpa_set_ram(&no_ram, 0) != SVSM_OK)
		test_printf("  could not clear the GPA registry\n");
	log_set_level(saved_log_level);
}

/* The operation Linux would send: 4 KiB report and manifest, 16 KiB certs. */
static void default_op(struct svsm_attest_services_op *op)
{
	memset(op, 0, sizeof(*op));
	op->report_gpa = REPORT;
	op->report_size = 0x1000;
	op->nonce_gpa = NONCE;
	op->nonce_size = NONCE_SIZE;
	op->manifest_gpa = MANIFEST;
	op->manifest_size = 0x1000;
	op->certs_gpa = CERTS;
	op->certs_size = CERTS_SIZE;
}

/* The guest writes an operation at OP. */
#define put_op(op) memcpy(gptr(OP), (op), sizeof(*(op)))

static void default_single(struct svsm_attest_single_service_op *op,
			   const uint8_t guid[16])
{
	memset(op, 0, sizeof(*op));
	default_op(&op->base);
	memcpy(op->service_guid, guid, 16);
}

/* The dispatcher's view: RCX in, the result and the registers out. */
static enum svsm_err call(uint32_t call_id, uint64_t rcx,
			  struct attest_regs *regs)
{
	memset(regs, 0x5c, sizeof(*regs));
	regs->rcx = rcx;
	regs->out_valid = true; /* attest_call must clear it */
	return attest_call(call_id, regs);
}

static bool guest_all(uint64_t gpa, size_t len, uint8_t v)
{
	return pfx_all_byte(gptr(gpa), len, v);
}

/*
 * A refusal before any report: no request reached the host, the client
 * is still at its first number, and no guest buffer was written.
 */
static bool untouched(const struct attest_regs *regs)
{
	REQUIRE_TRUE(!regs->out_valid);
	REQUIRE_EQ(sim_hv.greq.calls, 0);
	REQUIRE_EQ(guest_msg_next_seqno(), 1);
	REQUIRE_TRUE(guest_all(REPORT, 0x1000, GUEST_FILL));
	REQUIRE_TRUE(guest_all(MANIFEST, 0x1000, GUEST_FILL));
	REQUIRE_TRUE(guest_all(CERTS, CERTS_SIZE, GUEST_FILL));
	return true;
}

/* The services call with op; true when it fails with want and no effect. */
static bool refused(const struct svsm_attest_services_op *op,
		    enum svsm_err want)
{
	struct attest_regs regs;

	put_op(op);
	REQUIRE_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), want);
	return untouched(&regs);
}

/* SHA-512(nonce || manifest) with OpenSSL. */
static bool sha512_two(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen, uint8_t out[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;
	bool ok;

	ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 &&
	     EVP_DigestUpdate(md, a, alen) == 1 &&
	     EVP_DigestUpdate(md, b, blen) == 1 &&
	     EVP_DigestFinal_ex(md, out, &n) == 1 && n == 64;
	EVP_MD_CTX_free(md);
	return ok;
}

/*
 * The report in the guest's buffer binds nonce and the manifest in the
 * guest's buffer (manifest_len bytes), is a VMPL0 report, and verifies
 * with the VCEK.
 */
static bool report_binds(uint64_t report_gpa, const uint8_t *nonce,
			 size_t nonce_len, uint64_t manifest_gpa,
			 size_t manifest_len)
{
	static struct snp_attestation_report r;
	uint8_t want[64];
	EVP_PKEY *pub;
	bool ok;

	memcpy(&r, gptr(report_gpa), sizeof(r));
	REQUIRE_TRUE(sha512_two(nonce, nonce_len, gptr(manifest_gpa),
				manifest_len, want));
	REQUIRE_TRUE(!memcmp(r.report_data, want, 64));
	REQUIRE_EQ(r.vmpl, 0);
	REQUIRE_EQ(r.signature_algo, SNP_REPORT_SIG_ALGO_ECDSA_P384_SHA384);
	REQUIRE_TRUE(!memcmp(r.measurement, cfg.launch.measurement, 48));
	pub = pfx_psp_pubkey(psp);
	ok = pub && pfx_report_verifies(&r, pub);
	EVP_PKEY_free(pub);
	REQUIRE_TRUE(ok);
	return true;
}

static bool empty_manifest_at(uint64_t gpa)
{
	struct svsm_services_manifest_hdr h;

	memcpy(&h, gptr(gpa), sizeof(h));
	REQUIRE_TRUE(!memcmp(h.guid, services_guid, 16));
	REQUIRE_EQ(h.length, MANIFEST_HDR);
	REQUIRE_EQ(h.service_count, 0);
	return true;
}

TEST(attest, services_end_to_end)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(regs.out_valid);
	EXPECT_EQ(regs.rcx, MANIFEST_HDR);
	EXPECT_EQ(regs.rdx, 0);
	EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
	EXPECT_TRUE(empty_manifest_at(MANIFEST));
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	/* Nothing written past the outputs. */
	EXPECT_TRUE(guest_all(REPORT + SNP_REPORT_SIZE,
			      0x1000 - SNP_REPORT_SIZE, GUEST_FILL));
	EXPECT_TRUE(guest_all(MANIFEST + MANIFEST_HDR, 0x1000 - MANIFEST_HDR,
			      GUEST_FILL));
	/* 58019: no certificates: a terminating zero entry, RDX = 0. */
	EXPECT_TRUE(guest_all(CERTS, 24, 0));
	EXPECT_TRUE(guest_all(CERTS + 24, CERTS_SIZE - 24, GUEST_FILL));
	/* The nonce and the operation are not written; one exchange. */
	EXPECT_TRUE(!memcmp(gptr(OP), &op, sizeof(op)));
	EXPECT_EQ(gptr(NONCE)[0], 0x40);
	EXPECT_EQ(sim_hv.greq.calls, 1);
	EXPECT_EQ(guest_msg_next_seqno(), 3);
	EXPECT_EQ(sim_psp_next_seqno(psp, 0), 3);

	/* Again, without certificates: the certificate buffer is ignored. */
	memset(gptr(CERTS), GUEST_FILL, CERTS_SIZE);
	op.certs_size = 0;
	op.certs_gpa = 0x123; /* not looked at when the size is 0 */
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rdx, 0);
	EXPECT_TRUE(guest_all(CERTS, CERTS_SIZE, GUEST_FILL));
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	EXPECT_EQ(guest_msg_next_seqno(), 5);
	teardown();
}

TEST(attest, report_after_a_host_busy_for_30_seconds)
{
	/*
	 * A throttling host (BUSY for 30 s of the model clock): the guest is
	 * told BUSY and asks again; the key survives, and the report it then
	 * gets binds its own nonce and verifies.
	 */
	struct svsm_attest_services_op op;
	struct attest_regs regs;
	unsigned int busy = 0;
	enum svsm_err rc;

	ASSERT_TRUE(setup());
	sim_hv.greq.busy_until_us = fake_time_us + 30000000u;
	default_op(&op);
	put_op(&op);
	/* attest_call's SVSM_E_BUSY is SVSM_ERR_BUSY to the guest (dispatch.c). */
	while ((rc = call(SVSM_ATTEST_SERVICES, OP, &regs)) == SVSM_E_BUSY &&
	       busy < 10)
		busy++;
	EXPECT_EQ(rc, SVSM_OK);
	EXPECT_GE(busy, 2u);
	EXPECT_TRUE(guest_msg_ready());
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	teardown();
}

static enum svsm_err svc_a_manifest(uint32_t version, uint8_t *buf, size_t cap,
				    size_t *len)
{
	if (version != 0)
		return SVSM_E_INVAL;
	*len = sizeof(svc_a_data) - 1;
	if (cap < *len)
		return SVSM_E_NOMEM;
	memcpy(buf, svc_a_data, *len);
	return SVSM_OK;
}

static enum svsm_err
svc_b_manifest(uint32_t version,
	       uint8_t *buf, /* NOLINT(readability-non-const-parameter) */
	       size_t cap, size_t *len)
{
	(void)buf;
	(void)cap;
	if (version != 0)
		return SVSM_E_INVAL;
	*len = 0; /* a service without data is still listed */
	return SVSM_OK;
}

static bool register_ab(void)
{
	struct attest_service a = {.manifest = svc_a_manifest};
	struct attest_service b = {.manifest = svc_b_manifest};

	memcpy(a.guid, svc_a_guid, 16);
	memcpy(b.guid, svc_b_guid, 16);
	return attest_register_service(&a) == SVSM_OK &&
	       attest_register_service(&b) == SVSM_OK;
}

/* 58019 Table 12: header, one entry per service, data in order. */
TEST(attest, services_manifest_layout)
{
	const size_t alen = sizeof(svc_a_data) - 1;
	const size_t total = MANIFEST_HDR + 2 * 24 + alen;
	struct svsm_attest_services_op op;
	struct svsm_services_manifest_hdr h;
	struct svsm_services_manifest_entry e;
	struct attest_regs regs;
	const uint8_t *m;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(register_ab());
	default_op(&op);
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rcx, total);
	m = gptr(MANIFEST);
	memcpy(&h, m, sizeof(h));
	EXPECT_TRUE(!memcmp(h.guid, services_guid, 16));
	EXPECT_EQ(h.length, total);
	EXPECT_EQ(h.service_count, 2);
	memcpy(&e, m + 24, sizeof(e));
	EXPECT_TRUE(!memcmp(e.guid, svc_a_guid, 16));
	EXPECT_EQ(e.data_offset, 72);
	EXPECT_EQ(e.data_size, alen);
	memcpy(&e, m + 48, sizeof(e));
	EXPECT_TRUE(!memcmp(e.guid, svc_b_guid, 16));
	EXPECT_EQ(e.data_offset, 72 + alen);
	EXPECT_EQ(e.data_size, 0);
	EXPECT_TRUE(!memcmp(m + 72, svc_a_data, alen));
	EXPECT_TRUE(guest_all(MANIFEST + total, 0x1000 - total, GUEST_FILL));
	EXPECT_TRUE(
		report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST, total));

	/* A manifest buffer one byte short: the sizes, nothing else. */
	fill_guest();
	op.manifest_size = (uint32_t)total - 1;
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_INVAL);
	EXPECT_TRUE(regs.out_valid);
	EXPECT_EQ(regs.rcx, total);
	EXPECT_EQ(regs.rdx, 0);
	EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
	EXPECT_EQ(sim_hv.greq.calls, 1);
	EXPECT_TRUE(guest_all(MANIFEST, 0x1000, GUEST_FILL));
	teardown();
}

/* 58019: one service's own manifest, not wrapped in the table. */
TEST(attest, single_service)
{
	const size_t alen = sizeof(svc_a_data) - 1;
	struct svsm_attest_single_service_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	ASSERT_TRUE(register_ab());
	default_single(&op, svc_a_guid);
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), SVSM_OK);
	EXPECT_TRUE(regs.out_valid);
	EXPECT_EQ(regs.rcx, alen);
	EXPECT_EQ(regs.rdx, 0);
	EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
	EXPECT_TRUE(!memcmp(gptr(MANIFEST), svc_a_data, alen));
	EXPECT_TRUE(
		report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST, alen));

	/* A service without data: an empty manifest, still attested. */
	fill_guest();
	default_single(&op, svc_b_guid);
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rcx, 0);
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST, 0));
	EXPECT_TRUE(guest_all(MANIFEST, 0x1000, GUEST_FILL));
	/* ... which fits a manifest buffer of size 0 anywhere. */
	op.base.manifest_gpa = 0;
	op.base.manifest_size = 0;
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rcx, 0);
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST, 0));
	EXPECT_EQ(guest_msg_next_seqno(), 7);
	teardown();
}

static bool single_refused(const struct svsm_attest_single_service_op *op,
			   enum svsm_err want)
{
	struct attest_regs regs;

	put_op(op);
	REQUIRE_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), want);
	return untouched(&regs);
}

TEST(attest, single_service_errors)
{
	struct svsm_attest_single_service_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	/* No service at all: every GUID is unknown. */
	default_single(&op, svc_a_guid);
	EXPECT_TRUE(single_refused(&op, SVSM_E_UNSUPPORTED));
	ASSERT_TRUE(register_ab());
	default_single(&op, services_guid);
	EXPECT_TRUE(single_refused(&op, SVSM_E_UNSUPPORTED));
	memset(op.service_guid, 0, 16);
	EXPECT_TRUE(single_refused(&op, SVSM_E_UNSUPPORTED));
	/* 58019: only manifest version 0 exists. */
	default_single(&op, svc_a_guid);
	op.manifest_version = 1;
	EXPECT_TRUE(single_refused(&op, SVSM_E_INVAL));
	op.manifest_version = 0;
	for (unsigned int i = 0; i < 4; i++) {
		op.reserved_54 = 1u << (8 * i);
		EXPECT_TRUE(single_refused(&op, SVSM_E_INVAL));
	}
	op.reserved_54 = 0;
	/* The services-op checks apply to the single-service op too. */
	op.base.reserved_3c = 1;
	EXPECT_TRUE(single_refused(&op, SVSM_E_INVAL));
	op.base.reserved_3c = 0;
	op.base.nonce_size = 0;
	EXPECT_TRUE(single_refused(&op, SVSM_E_INVAL));
	op.base.nonce_size = NONCE_SIZE;
	op.base.report_size = SNP_REPORT_SIZE - 1;
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), SVSM_E_INVAL);
	EXPECT_TRUE(regs.out_valid);
	EXPECT_EQ(regs.rcx, sizeof(svc_a_data) - 1);
	EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
	teardown();
}

TEST(attest, unknown_call)
{
	struct attest_regs regs;
	struct svsm_attest_services_op op;

	ASSERT_TRUE(setup());
	default_op(&op);
	put_op(&op);
	EXPECT_EQ(call(2, OP, &regs), SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(untouched(&regs));
	EXPECT_EQ(call(0xffffffffu, OP, &regs), SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(untouched(&regs));
	teardown();
}

/* 58019, bug class 12: every reserved byte on its own. */
TEST(attest, reserved_fields)
{
	static const unsigned int offs[] = {
		0x0c, 0x0d, 0x0e, 0x0f, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
		0x1f, 0x2c, 0x2d, 0x2e, 0x2f, 0x3c, 0x3d, 0x3e, 0x3f,
	};
	struct svsm_attest_services_op op;

	ASSERT_TRUE(setup());
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		default_op(&op);
		((uint8_t *)&op)[offs[i]] = 0x80;
		if (!refused(&op, SVSM_E_INVAL))
			test_printf("  reserved byte 0x%x\n", offs[i]);
	}
	teardown();
}

/* 58019: buffers are 4 KiB aligned; the operation 8-byte aligned. */
TEST(attest, alignment)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	memcpy(gptr(OP + 4), &op, sizeof(op));
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP + 4, &regs), SVSM_E_INVAL);
	EXPECT_TRUE(untouched(&regs));
	fill_guest();

	default_op(&op);
	op.report_gpa += 8;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	default_op(&op);
	op.manifest_gpa += 0x800;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	default_op(&op);
	op.certs_gpa += 1;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	teardown();
}

TEST(attest, nonce_sizes)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	op.nonce_size = 0;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	op.nonce_size = ATTEST_NONCE_MAX + 1;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	op.nonce_size = 0xffff;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));

	/* One byte. */
	op.nonce_size = 1;
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(
		report_binds(REPORT, gptr(NONCE), 1, MANIFEST, MANIFEST_HDR));
	/* The largest, across a page boundary, hashed in chunks. */
	for (unsigned int i = 0; i < ATTEST_NONCE_MAX; i++)
		gptr(BIG_NONCE)[i] = (uint8_t)(i * 7 + (i >> 8));
	op.nonce_gpa = BIG_NONCE;
	op.nonce_size = ATTEST_NONCE_MAX;
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(report_binds(REPORT, gptr(BIG_NONCE), ATTEST_NONCE_MAX,
				 MANIFEST, MANIFEST_HDR));
	teardown();
}

/*
 * 58019, bug class 12: a buffer too small is INVALID_PARAMETER with
 * RCX/RDX/R8 = the sizes needed, and nothing else happens (Linux grows
 * its buffers from these and calls again).
 */
TEST(attest, too_small_returns_sizes)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;
	struct {
		uint32_t report_size;
		uint32_t manifest_size;
		bool zero_gpas;
	} cases[] = {
		{SNP_REPORT_SIZE - 1, 0x1000, false},
		{0x1000, MANIFEST_HDR - 1, false},
		{0, 0, false},
		{0, 0, true}, /* a pure size query */
	};

	ASSERT_TRUE(setup());
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		default_op(&op);
		op.report_size = cases[i].report_size;
		op.manifest_size = cases[i].manifest_size;
		if (cases[i].zero_gpas) {
			op.report_gpa = 0;
			op.manifest_gpa = 0;
		}
		put_op(&op);
		EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_INVAL);
		EXPECT_TRUE(regs.out_valid);
		EXPECT_EQ(regs.rcx, MANIFEST_HDR);
		EXPECT_EQ(regs.rdx, 0);
		EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
		EXPECT_EQ(sim_hv.greq.calls, 0);
		EXPECT_TRUE(guest_all(REPORT, 0x1000, GUEST_FILL));
		EXPECT_TRUE(guest_all(MANIFEST, 0x1000, GUEST_FILL));
	}
	/* Exactly big enough. */
	default_op(&op);
	op.report_size = SNP_REPORT_SIZE;
	op.manifest_size = MANIFEST_HDR;
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	teardown();
}

/*
 * Bug class 4: every address the guest names, at every kind of bad
 * place: SVSM memory, outside RAM, wrapping, crossing the end of RAM,
 * faulting. INVALID_ADDRESS and no effect.
 */
/*
 * A host certificate table as the 56421 extended request carries it: VCEK,
 * ASK and ARK entries (GUID, offset, length), the all-zero terminator,
 * then the certificates.
 */
static uint8_t host_certs[0x2000];

static size_t make_host_certs(uint32_t cert_len)
{
	static const uint8_t guids[3][16] = {{0x63, 0xda, 0x75, 0x8d},
					     {0x4a, 0xb7, 0xb3, 0x79},
					     {0xc0, 0xb4, 0x06, 0xa4}};
	uint32_t off = 4 * 24;

	memset(host_certs, 0, sizeof(host_certs));
	for (unsigned int i = 0; i < 3; i++) {
		memcpy(host_certs + i * 24, guids[i], 16);
		memcpy(host_certs + i * 24 + 16, &off, 4);
		memcpy(host_certs + i * 24 + 20, &cert_len, 4);
		memset(host_certs + off, 0x30 + (int)i, cert_len);
		off += cert_len;
	}
	return off;
}

TEST(attest, host_certificates_through_the_extended_request)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;
	size_t len;

	ASSERT_TRUE(setup());
	len = make_host_certs(1500); /* 4,596 bytes: more than a page */
	sim_hv.greq.certs = host_certs;
	sim_hv.greq.certs_len = len;
	default_op(&op);
	put_op(&op);
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rdx, len);
	EXPECT_EQ(sim_hv.greq.ext_calls, 1u);
	EXPECT_TRUE(!memcmp(gptr(CERTS), host_certs, len));
	EXPECT_TRUE(guest_all(CERTS + len, CERTS_SIZE - len, GUEST_FILL));
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));

	/* A guest buffer too small: INVALID_PARAMETER, the size in RDX. */
	op.certs_size = 0x1000;
	put_op(&op);
	memset(gptr(CERTS), GUEST_FILL, CERTS_SIZE);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_INVAL);
	EXPECT_TRUE(regs.out_valid);
	EXPECT_EQ(regs.rdx, len);
	EXPECT_EQ(regs.r8, SNP_REPORT_SIZE);
	EXPECT_TRUE(guest_all(CERTS, CERTS_SIZE, GUEST_FILL));
	EXPECT_TRUE(guest_msg_ready());
	teardown();
}

TEST(attest, host_certificates_the_svsm_cannot_take)
{
	/*
	 * A table larger than the SVSM's certificate pages, or one without
	 * its terminating entry: the call fails (INVALID_REQUEST), but the
	 * request is completed and the key kept: the next call works.
	 */
	static uint8_t big[5 * 0x1000];
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	memset(big, 0x41, sizeof(big));
	sim_hv.greq.certs = big;
	sim_hv.greq.certs_len = sizeof(big);
	default_op(&op);
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_HW);
	EXPECT_TRUE(guest_msg_ready());
	/* Filling the pages with entries and no terminator: malformed. */
	sim_hv.greq.certs_len = GUEST_MSG_CERTS_MAX_PAGES * 0x1000;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_HW);
	EXPECT_TRUE(guest_msg_ready());
	sim_hv.greq.certs = NULL;
	sim_hv.greq.certs_len = 0;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_EQ(regs.rdx, 0u);
	EXPECT_EQ(guest_msg_next_seqno(), 7u);
	teardown();
}

TEST(attest, overlapping_outputs_are_refused)
{
	/*
	 * Report, manifest and certificate buffers that share bytes would
	 * be written over each other: refused, nothing written, no
	 * exchange with the secure processor.
	 */
	struct svsm_attest_services_op op;

	ASSERT_TRUE(setup());
	default_op(&op);
	op.manifest_gpa = REPORT; /* the report's page */
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	default_op(&op);
	op.certs_gpa = REPORT;
	op.certs_size = 0x2000; /* report and manifest pages */
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	default_op(&op);
	op.certs_gpa = MANIFEST;
	EXPECT_TRUE(refused(&op, SVSM_E_INVAL));
	EXPECT_EQ(sim_hv.greq.calls, 0);
	teardown();
}

TEST(attest, bad_addresses)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;
	uint64_t bad_ops[] = {
		SVSM_BASE + 0x1000,  /* SVSM memory */
		GUEST_BASE - 0x20,   /* starts in SVSM memory */
		RAM_END - 0x20,	     /* crosses the end of RAM */
		RAM_END + 0x1000,    /* not RAM */
		0x1000,		     /* not RAM */
		0xfffffffffffffff8u, /* wraps */
	};
	static const struct {
		size_t off; /* of the GPA field in the operation */
		uint64_t gpa;
		uint32_t size; /* 0: keep the default */
	} bufs[] = {
		{0x00, SVSM_BASE, 0},
		{0x00, 0xfffffffffffff000ull, 0x2000}, /* wraps */
		{0x00, RAM_END - 0x1000, 0x2000},      /* past the end of RAM */
		{0x20, RAM_END, 0},
		{0x20, MANIFEST, 0xffffffffu}, /* the declared size counts */
		{0x30, RAM_END - 0x1000, 0},
		{0x30, GUEST_BASE - 0x1000, 0}, /* into SVSM memory */
		{0x10, SVSM_BASE + 0x2000, 0},	/* the nonce */
		{0x10, RAM_END - 0x10, 0},
	};

	ASSERT_TRUE(setup());
	for (size_t i = 0; i < ARRAY_SIZE(bad_ops); i++) {
		EXPECT_EQ(call(SVSM_ATTEST_SERVICES, bad_ops[i], &regs),
			  SVSM_E_FAULT);
		EXPECT_TRUE(untouched(&regs));
		EXPECT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, bad_ops[i], &regs),
			  SVSM_E_FAULT);
		EXPECT_TRUE(untouched(&regs));
	}
	/* The operation's page faults (unvalidated by the host). */
	default_op(&op);
	put_op(&op);
	fake_guest_fault_base = CAA;
	fake_guest_fault_size = 0x1000;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_FAULT);
	EXPECT_TRUE(untouched(&regs));
	fake_guest_fault_size = 0;

	/* Each buffer: a GPA (and a size, for the u32 size fields) at 0x08. */
	for (size_t i = 0; i < ARRAY_SIZE(bufs); i++) {
		default_op(&op);
		memcpy((uint8_t *)&op + bufs[i].off, &bufs[i].gpa, 8);
		if (bufs[i].size)
			memcpy((uint8_t *)&op + bufs[i].off + 8, &bufs[i].size,
			       4);
		if (!refused(&op, SVSM_E_FAULT))
			test_printf("  buffer case %zu\n", i);
	}

	/* The nonce's page faults when read. */
	default_op(&op);
	fake_guest_fault_base = NONCE & ~0xfffull;
	fake_guest_fault_size = 0x1000;
	EXPECT_TRUE(refused(&op, SVSM_E_FAULT));
	fake_guest_fault_size = 0;
	teardown();
}

/*
 * A buffer that faults when the results are written (the host changed
 * the page after the checks): INVALID_ADDRESS. The report was obtained,
 * so that exchange is spent, and the channel stays usable.
 */
TEST(attest, write_fault_after_report)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	put_op(&op);
	fake_guest_fault_base = MANIFEST;
	fake_guest_fault_size = 0x1000;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_FAULT);
	EXPECT_FALSE(regs.out_valid);
	EXPECT_EQ(sim_hv.greq.calls, 1);
	EXPECT_EQ(guest_msg_next_seqno(), 3);
	fake_guest_fault_size = 0;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	teardown();
}

/* No report to be had: SVSM_E_HW, registers and buffers untouched. */
TEST(attest, no_report_channel)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	put_op(&op);
	/* A host that fails the request disables the channel. */
	sim_hv.greq.fail_before = true;
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_HW);
	EXPECT_FALSE(regs.out_valid);
	EXPECT_FALSE(guest_msg_ready());
	EXPECT_TRUE(guest_all(REPORT, 0x1000, GUEST_FILL));
	EXPECT_TRUE(guest_all(MANIFEST, 0x1000, GUEST_FILL));
	/* ... for good. */
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_HW);
	EXPECT_EQ(sim_hv.greq.calls, 1);
	teardown();

	/* No VMPCK0 was ever installed. */
	ASSERT_TRUE(setup());
	guest_msg_reset();
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_E_HW);
	EXPECT_FALSE(regs.out_valid);
	EXPECT_EQ(sim_hv.greq.calls, 0);
	teardown();
}

/* A service that fails (svc_lies false) or claims more than fits. */
static bool svc_lies;

static enum svsm_err
svc_bad(uint32_t version,
	uint8_t *buf, /* NOLINT(readability-non-const-parameter) */
	size_t cap, size_t *len)
{
	(void)version;
	(void)buf;
	*len = svc_lies ? cap + 1 : 0;
	return svc_lies ? SVSM_OK : SVSM_E_BUSY;
}

TEST(attest, service_failures)
{
	struct attest_service s = {.manifest = svc_bad};
	struct svsm_attest_single_service_op sop;
	struct svsm_attest_services_op op;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	memcpy(s.guid, svc_a_guid, 16);
	ASSERT_EQ(attest_register_service(&s), SVSM_OK);
	svc_lies = false;
	default_op(&op);
	EXPECT_TRUE(refused(&op, SVSM_E_HW));
	default_single(&sop, svc_a_guid);
	EXPECT_TRUE(single_refused(&sop, SVSM_E_HW));
	svc_lies = true;
	EXPECT_TRUE(refused(&op, SVSM_E_HW));
	EXPECT_TRUE(single_refused(&sop, SVSM_E_HW));
	/* Once it is gone, the empty manifest is back. */
	ASSERT_EQ(attest_unregister_service(svc_a_guid), SVSM_OK);
	put_op(&op);
	EXPECT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	EXPECT_TRUE(empty_manifest_at(MANIFEST));
	teardown();
}

TEST(attest, service_table_rules)
{
	struct attest_service s = {.manifest = svc_a_manifest};
	struct attest_service none = {.manifest = NULL};
	uint8_t guid[16];

	ASSERT_TRUE(setup());
	memcpy(s.guid, services_guid, 16);
	EXPECT_EQ(attest_register_service(&s), SVSM_E_INVAL);
	memcpy(none.guid, svc_a_guid, 16);
	EXPECT_EQ(attest_register_service(&none), SVSM_E_INVAL);
	memcpy(s.guid, svc_a_guid, 16);
	EXPECT_EQ(attest_register_service(&s), SVSM_OK);
	EXPECT_EQ(attest_register_service(&s), SVSM_E_BUSY);
	memcpy(guid, svc_a_guid, 16);
	for (unsigned int i = 1; i < ATTEST_MAX_SERVICES; i++) {
		guid[0] = (uint8_t)(0x80 + i);
		memcpy(s.guid, guid, 16);
		EXPECT_EQ(attest_register_service(&s), SVSM_OK);
	}
	guid[0] = 0x7f;
	memcpy(s.guid, guid, 16);
	EXPECT_EQ(attest_register_service(&s), SVSM_E_NOMEM);
	EXPECT_EQ(attest_unregister_service(guid), SVSM_E_INVAL);
	for (unsigned int i = 1; i < ATTEST_MAX_SERVICES; i++) {
		guid[0] = (uint8_t)(0x80 + i);
		EXPECT_EQ(attest_unregister_service(guid), SVSM_OK);
	}
	EXPECT_EQ(attest_unregister_service(svc_a_guid), SVSM_OK);
	EXPECT_EQ(attest_unregister_service(svc_a_guid), SVSM_E_INVAL);
	teardown();
}

/*
 * Bug class 3: the guest rewrites the operation right after the SVSM
 * read it, and the nonce right after it was read. The SVSM must go on
 * with what it read: the report lands where the first operation said,
 * bound to the first nonce, and each structure was read exactly once.
 */
static uint8_t nonce_as_read[NONCE_SIZE];

static void rewrite_after_read(uint64_t gpa, size_t len)
{
	struct svsm_attest_services_op op;

	if (gpa == OP) {
		memcpy(&op, gptr(OP), sizeof(op));
		op.report_gpa = ALT_REPORT;
		op.nonce_gpa = ALT_NONCE;
		op.nonce_size = 32;
		op.manifest_size = 1;	 /* too small now */
		op.reserved_0c = 0xdead; /* invalid now */
		memcpy(gptr(OP), &op, sizeof(op));
	} else if (gpa == NONCE) {
		memcpy(nonce_as_read, gptr(NONCE), sizeof(nonce_as_read));
		for (size_t i = 0; i < len; i++)
			gptr(NONCE)[i] ^= 0xff;
	}
}

TEST(attest, guest_rewrites_between_reads)
{
	struct svsm_attest_services_op op;
	struct svsm_attest_single_service_op sop;
	struct attest_regs regs;

	ASSERT_TRUE(setup());
	default_op(&op);
	put_op(&op);
	fake_guest_copies = 0;
	fake_guest_after_copy = rewrite_after_read;
	ASSERT_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	fake_guest_after_copy = NULL;
	/* The operation once, the nonce once. */
	EXPECT_EQ(fake_guest_copies, 2);
	EXPECT_EQ(regs.rcx, MANIFEST_HDR);
	EXPECT_TRUE(guest_all(ALT_REPORT, 0x1000, GUEST_FILL));
	EXPECT_TRUE(report_binds(REPORT, nonce_as_read, NONCE_SIZE, MANIFEST,
				 MANIFEST_HDR));
	/* And the nonce the SVSM hashed was the original one. */
	for (unsigned int i = 0; i < NONCE_SIZE; i++)
		EXPECT_EQ(nonce_as_read[i], 0x40 + i);
	teardown();

	/* The same for the single-service operation. */
	ASSERT_TRUE(setup());
	ASSERT_TRUE(register_ab());
	default_single(&sop, svc_a_guid);
	put_op(&sop);
	fake_guest_copies = 0;
	fake_guest_after_copy = rewrite_after_read;
	ASSERT_EQ(call(SVSM_ATTEST_SINGLE_SERVICE, OP, &regs), SVSM_OK);
	fake_guest_after_copy = NULL;
	EXPECT_EQ(fake_guest_copies, 2);
	EXPECT_TRUE(guest_all(ALT_REPORT, 0x1000, GUEST_FILL));
	EXPECT_TRUE(report_binds(REPORT, nonce_as_read, NONCE_SIZE, MANIFEST,
				 sizeof(svc_a_data) - 1));
	teardown();
}

/* ---- Export for tests/tools/attest_openssl_cli.py ------------------- */

/* One ATTEST_SERVICES call; writes its outputs with the given prefix. */
static bool export_one(const char *dir, const char *prefix)
{
	struct svsm_attest_services_op op;
	struct attest_regs regs;
	char name[64];

	fill_guest();
	default_op(&op);
	put_op(&op);
	REQUIRE_EQ(call(SVSM_ATTEST_SERVICES, OP, &regs), SVSM_OK);
	REQUIRE_TRUE(report_binds(REPORT, gptr(NONCE), NONCE_SIZE, MANIFEST,
				  regs.rcx));
	if (!dir)
		return true;
	snprintf(name, sizeof(name), "%sreport.bin", prefix);
	REQUIRE_TRUE(pfx_write_file(dir, name, gptr(REPORT), regs.r8));
	snprintf(name, sizeof(name), "%smanifest.bin", prefix);
	REQUIRE_TRUE(pfx_write_file(dir, name, gptr(MANIFEST), regs.rcx));
	snprintf(name, sizeof(name), "%snonce.bin", prefix);
	REQUIRE_TRUE(pfx_write_file(dir, name, gptr(NONCE), NONCE_SIZE));
	return true;
}

/*
 * The attestation path as a guest sees it: ATTEST_SERVICES with csvsm's
 * own (empty) services manifest, and again with two test services
 * registered so that the manifest has entries; with a folder, the
 * guest-visible outputs and the VCEK public key are written into it.
 */
static void outputs_as_a_guest_sees_them(const char *dir)
{
	char pem[1024];
	size_t pem_len = 0;

	ASSERT_TRUE(setup());
	EXPECT_TRUE(export_one(dir, ""));
	ASSERT_TRUE(register_ab());
	EXPECT_TRUE(export_one(dir, "svc_"));
	ASSERT_EQ(sim_psp_vcek_public_pem(psp, pem, sizeof(pem), &pem_len),
		  SIM_PSP_OK);
	if (dir) {
		EXPECT_TRUE(pfx_write_file(dir, "vcek.pem", pem, pem_len));
		test_printf("  exported attestation outputs to %s\n", dir);
	}
	teardown();
}

TEST(attest, outputs_as_a_guest_sees_them)
{
	outputs_as_a_guest_sees_them(NULL);
}

/* For tests/tools/attest_openssl_cli.py: the outputs into $ATTEST_EXPORT_DIR. */
TEST_FIXTURE(attest_export)
{
	const char *dir = getenv("ATTEST_EXPORT_DIR");

	ASSERT_TRUE(dir && *dir);
	outputs_as_a_guest_sees_them(dir);
}
