/* SPDX-License-Identifier: MIT */
/*
 * The store's SNP derived key end to end on the model: the key source
 * (kernel/plat/snp/derived_key.c) asks through the SVSM's guest-message
 * client (guest_msg.c), the GHCB and the model hypervisor, and the model
 * PSP (sim/psp.c) answers MSG_KEY_REQ. Also the PSP's MSG_KEY_REQ rules
 * played directly from the guest side. Reference: AMD 56860, MSG_KEY_REQ
 * and MSG_KEY_RSP; docs/storage.md, "Keys".
 *
 * Covered: the key is stable for one launch and across launches on the
 * same chip; it changes with the policy, the family ID and the chip; it
 * does not change with an update of csvsm (another measurement, image ID,
 * a higher SVN, newer firmware); a store formatted with it opens on the
 * next launch and is refused, untouched, on another chip; hostile answers
 * (refusal status, wrong size, wrong type, flipped bits, reserved bytes)
 * give SVSM_E_HW and a zero key; the PSP's checks of VMPL, SVN, TCB,
 * reserved fields and key selection.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/store.h"

#include "abi/snp_guest_msg.h"

#include "fake/fake.h"
#include "fake_disk.h"
#include "hv.h"
#include "psp.h"
#include "sim_psp_fixture.h"
#include "snp/derived_key.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "snp/secrets.h"
#include "snp_client_fixture.h"
#include "test.h"

/* The SVSM's wire format and the model's, each written from 56860. */
static_assert(sizeof(struct snp_key_req) == sizeof(struct sim_psp_key_req),
	      "MSG_KEY_REQ");
static_assert(sizeof(struct snp_key_rsp) == sizeof(struct sim_psp_key_rsp),
	      "MSG_KEY_RSP");
static_assert(offsetof(struct snp_key_req, tcb_version) ==
		      offsetof(struct sim_psp_key_req, tcb_version),
	      "MSG_KEY_REQ");
static_assert(offsetof(struct snp_key_rsp, key) ==
		      offsetof(struct sim_psp_key_rsp, key),
	      "MSG_KEY_RSP");
static_assert(SNP_KEY_FIELD_TCB_VERSION == SIM_PSP_KEY_FIELD_TCB_VERSION &&
		      SNP_KEY_FIELD_FAMILY_ID == SIM_PSP_KEY_FIELD_FAMILY_ID,
	      "GUEST_FIELD_SELECT");

#define MEM_SIZE     (4ull << 20)
#define KEY_LEN	     STORE_KEY_SIZE
#define DISK_SECTORS ((uint64_t)64 * (STORE_BLOCK_SIZE / BLOCK_SECTOR_SIZE))

static struct scf fx;

/* The launch every test starts from: the fixture's, with a fixed chip. */
static void base_config(struct sim_psp_config *cfg)
{
	pfx_test_config(cfg);
	cfg->chip_secret_given = true;
	pfx_pattern(cfg->chip_secret, sizeof(cfg->chip_secret), 0xc1);
	cfg->vmrk_given = true;
	pfx_pattern(cfg->vmrk, sizeof(cfg->vmrk), 0xd2);
}

/*
 * One launch: fresh memory, a PSP from cfg behind the model hypervisor,
 * the client with its pages and VMPCK0 taken from the secrets page
 * (which registers the key source's exchange).
 */
static bool launch(const struct sim_psp_config *cfg)
{
	return scf_start(&fx, cfg, MEM_SIZE, 0x5eed0001u);
}

static void shutdown(void)
{
	scf_stop(&fx);
}

static enum svsm_err get_key(uint8_t key[KEY_LEN])
{
	const struct store_key_source *src = &snp_derived_key_source;

	memset(key, 0xee, KEY_LEN);
	return src->get(src, key);
}

/* The key the store gets on one launch of cfg. */
static bool key_of(const struct sim_psp_config *cfg, uint8_t key[KEY_LEN])
{
	REQUIRE_TRUE(launch(cfg));
	REQUIRE_EQ(get_key(key), SVSM_OK);
	shutdown();
	REQUIRE_TRUE(!pfx_all_byte(key, KEY_LEN, 0));
	return true;
}

TEST(snp_key_model, source_without_vmpck0_is_unsupported)
{
	const struct store_key_source *src = &snp_derived_key_source;
	uint8_t key[KEY_LEN];

	snp_derived_key_set_exchange(NULL);
	guest_msg_reset();
	memset(key, 0xee, sizeof(key));
	EXPECT_EQ(src->get(src, key), SVSM_E_UNSUPPORTED);
	EXPECT_TRUE(pfx_all_byte(key, sizeof(key), 0));
}

TEST(snp_key_model, key_is_stable_for_a_launch_and_the_next)
{
	struct sim_psp_config cfg;
	uint8_t k1[KEY_LEN];
	uint8_t k2[KEY_LEN];
	uint8_t k3[KEY_LEN];

	base_config(&cfg);
	ASSERT_TRUE(launch(&cfg));
	EXPECT_EQ(get_key(k1), SVSM_OK);
	EXPECT_EQ(get_key(k2), SVSM_OK);
	/* Two exchanges: sequence numbers 1 and 3 spent on both sides. */
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 5);
	EXPECT_EQ(guest_msg_next_seqno(), 5);
	EXPECT_EQ(sim_hv.greq.forwarded, 2);
	shutdown();
	EXPECT_TRUE(!pfx_all_byte(k1, KEY_LEN, 0));
	EXPECT_TRUE(memcmp(k1, k2, KEY_LEN) == 0);
	ASSERT_TRUE(key_of(&cfg, k3));
	EXPECT_TRUE(memcmp(k1, k3, KEY_LEN) == 0);
}

TEST(snp_key_model, key_changes_with_policy_family_and_chip)
{
	struct sim_psp_config cfg;
	uint8_t base[KEY_LEN];
	uint8_t k[KEY_LEN];

	base_config(&cfg);
	ASSERT_TRUE(key_of(&cfg, base));

	base_config(&cfg);
	cfg.launch.policy |= 1ull << 19; /* 56860 policy: DEBUG allowed */
	ASSERT_TRUE(key_of(&cfg, k));
	EXPECT_TRUE(memcmp(base, k, KEY_LEN) != 0);

	base_config(&cfg);
	cfg.launch.family_id[15] ^= 1;
	ASSERT_TRUE(key_of(&cfg, k));
	EXPECT_TRUE(memcmp(base, k, KEY_LEN) != 0);

	base_config(&cfg);
	cfg.chip_secret[0] ^= 1;
	ASSERT_TRUE(key_of(&cfg, k));
	EXPECT_TRUE(memcmp(base, k, KEY_LEN) != 0);
}

/* docs/storage.md, "Keys": an update of csvsm opens the state. */
TEST(snp_key_model, key_survives_an_update_of_csvsm_and_the_firmware)
{
	struct sim_psp_config cfg;
	uint8_t base[KEY_LEN];
	uint8_t k[KEY_LEN];

	base_config(&cfg);
	ASSERT_TRUE(key_of(&cfg, base));
	cfg.launch.measurement[0] ^= 0xff;
	cfg.launch.image_id[3] ^= 0x5a;
	cfg.launch.guest_svn++;
	cfg.launch.committed_tcb += 0x0100000000000000ull;
	cfg.launch.current_tcb += 0x0100000000000000ull;
	pfx_pattern(cfg.launch.host_data, sizeof(cfg.launch.host_data), 0x77);
	ASSERT_TRUE(key_of(&cfg, k));
	EXPECT_TRUE(memcmp(base, k, KEY_LEN) == 0);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static bool test_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		p[i] = (uint8_t)rng_state;
	}
	return true;
}

/* Opens the store on d with the SNP key; the refusal in *why. */
static enum svsm_err open_store(struct fake_disk *d, bool allow_format,
				struct store **s, bool *formatted,
				enum store_refusal *why)
{
	struct store_config sc = {
		.dev = &d->dev,
		.key = &snp_derived_key_source,
		.random = test_random,
		.allow_format = allow_format,
	};

	*why = STORE_REFUSE_NONE;
	return store_open(&sc, s, formatted, why);
}

TEST(snp_key_model, store_opens_on_the_next_launch_and_not_on_another_chip)
{
	static const char data[] = "NV state of the vTPM";
	struct store_change ch = {
		.name = "tpm.nv", .data = data, .size = sizeof(data)};
	struct sim_psp_config cfg;
	struct fake_disk d;
	struct store *s = NULL;
	enum store_refusal why;
	bool formatted = false;
	uint8_t buf[64];
	uint32_t size = 0;
	uint8_t *before;
	size_t bytes = DISK_SECTORS * BLOCK_SECTOR_SIZE;

	fake_disk_init(&d, DISK_SECTORS);
	base_config(&cfg);

	/* First launch: a blank disk is formatted and written. */
	ASSERT_TRUE(launch(&cfg));
	ASSERT_EQ(open_store(&d, true, &s, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(formatted);
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_OK);
	store_close(s);
	shutdown();

	/* The next launch of an updated csvsm on the same chip opens it. */
	cfg.launch.measurement[5] ^= 0x11;
	cfg.launch.guest_svn++;
	ASSERT_TRUE(launch(&cfg));
	ASSERT_EQ(open_store(&d, false, &s, &formatted, &why), SVSM_OK);
	EXPECT_FALSE(formatted);
	EXPECT_EQ(store_read(s, "tpm.nv", buf, sizeof(buf), &size), SVSM_OK);
	EXPECT_EQ(size, sizeof(data));
	EXPECT_TRUE(memcmp(buf, data, sizeof(data)) == 0);
	store_close(s);
	shutdown();

	/* Another chip: refused as another key; nothing written. */
	before = malloc(bytes);
	ASSERT_TRUE(before != NULL);
	memcpy(before, d.image, bytes);
	fake_disk_plan(&d, FAKE_DISK_NO_STOP, 0);
	cfg.chip_secret[31] ^= 0x80;
	ASSERT_TRUE(launch(&cfg));
	s = NULL;
	EXPECT_EQ(open_store(&d, true, &s, &formatted, &why), SVSM_E_INVAL);
	EXPECT_EQ(why, STORE_REFUSE_WRONG_KEY);
	EXPECT_TRUE(s == NULL);
	EXPECT_EQ(d.writes, 0);
	EXPECT_TRUE(memcmp(before, d.image, bytes) == 0);
	shutdown();
	free(before);
	fake_disk_free(&d);
}

/* Hostile hosts: the host rewrites the PSP's answer. */
enum forge {
	FORGE_VALID,	    /* resealed as it was: the control */
	FORGE_STATUS,	    /* status 0x16 with the key still there */
	FORGE_RESERVED,	    /* a reserved byte set */
	FORGE_SIZE,	    /* a 48-byte answer */
	FORGE_REPORT_SIZE,  /* a report answer's size */
	FORGE_TYPE,	    /* MSG_REPORT_RSP's type */
	FORGE_FLIP,	    /* one ciphertext bit flipped, not resealed */
	FORGE_FLIP_KEY_TAG, /* one tag bit flipped */
};

static enum forge forge_case;
static struct sim_psp_key_rsp forged_rsp;
static struct sim_psp_config hostile_cfg;

static void forge(uint8_t *resp, const uint8_t *req)
{
	static uint8_t payload[PAGE];
	struct snp_guest_msg_hdr h;
	struct sim_psp_msg m;
	size_t plen = 0;
	size_t len = 0;
	size_t size = sizeof(forged_rsp);

	memcpy(&h, req, sizeof(h));
	if (forge_case == FORGE_FLIP) {
		resp[HDR + 0x25] ^= 0x04; /* inside the key */
		return;
	}
	if (forge_case == FORGE_FLIP_KEY_TAG) {
		resp[0x03] ^= 0x40;
		return;
	}
	pfx_guest_msg(&m, &hostile_cfg, 0, h.msg_seqno);
	m.msg_type = SNP_MSG_KEY_REQ;
	if (sim_psp_guest_open(&m, resp, PAGE, &forged_rsp, sizeof(forged_rsp),
			       &plen) != SIM_PSP_OK ||
	    plen != sizeof(forged_rsp)) {
		memset(resp, 0, PAGE);
		return;
	}
	m.seqno = h.msg_seqno + 1;
	m.msg_type = SNP_MSG_KEY_RSP;
	memset(payload, 0, sizeof(payload));
	switch (forge_case) {
	case FORGE_STATUS:
		forged_rsp.status = SNP_REPORT_STATUS_INVALID_PARAMS;
		break;
	case FORGE_RESERVED:
		forged_rsp.reserved[27] = 1;
		break;
	case FORGE_SIZE:
		size = 48;
		break;
	case FORGE_REPORT_SIZE:
		size = sizeof(struct snp_report_rsp);
		break;
	case FORGE_TYPE:
		m.msg_type = SNP_MSG_REPORT_RSP;
		break;
	default:
		break;
	}
	memcpy(payload, &forged_rsp, sizeof(forged_rsp));
	memset(resp, 0, PAGE);
	if (sim_psp_guest_seal(&m, payload, size, resp, PAGE, &len) !=
	    SIM_PSP_OK)
		memset(resp, 0, PAGE);
}

TEST(snp_key_model, hostile_answers_give_no_key)
{
	static const struct {
		enum forge c;
		bool completes; /* the exchange completed: client stays */
	} cases[] = {
		{FORGE_STATUS, true},	     {FORGE_RESERVED, true},
		{FORGE_SIZE, false},	     {FORGE_REPORT_SIZE, false},
		{FORGE_TYPE, false},	     {FORGE_FLIP, false},
		{FORGE_FLIP_KEY_TAG, false},
	};
	uint8_t good[KEY_LEN];
	uint8_t key[KEY_LEN];

	base_config(&hostile_cfg);
	ASSERT_TRUE(key_of(&hostile_cfg, good));

	/* The control: the forger's honest reseal passes. */
	ASSERT_TRUE(launch(&hostile_cfg));
	forge_case = FORGE_VALID;
	sim_hv.greq.tamper = forge;
	EXPECT_EQ(get_key(key), SVSM_OK);
	EXPECT_TRUE(memcmp(key, good, KEY_LEN) == 0);
	shutdown();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_TRUE(launch(&hostile_cfg));
		forge_case = cases[i].c;
		sim_hv.greq.tamper = forge;
		EXPECT_EQ(get_key(key), SVSM_E_HW);
		EXPECT_TRUE(pfx_all_byte(key, KEY_LEN, 0));
		EXPECT_EQ(guest_msg_ready(), cases[i].completes);
		if (cases[i].completes) {
			/* Numbers spent on both sides; the next ask works. */
			EXPECT_EQ(guest_msg_next_seqno(), 3);
			sim_hv.greq.tamper = NULL;
			EXPECT_EQ(get_key(key), SVSM_OK);
			EXPECT_TRUE(memcmp(key, good, KEY_LEN) == 0);
		} else {
			/* Disabled: nothing more reaches the host. */
			unsigned int calls = sim_hv.greq.calls;

			EXPECT_EQ(get_key(key), SVSM_E_HW);
			EXPECT_EQ(sim_hv.greq.calls, calls);
			EXPECT_TRUE(pfx_all_byte(key, KEY_LEN, 0));
		}
		shutdown();
	}
}

TEST(snp_key_model, host_failure_gives_no_key)
{
	struct sim_psp_config cfg;
	uint8_t key[KEY_LEN];

	base_config(&cfg);
	ASSERT_TRUE(launch(&cfg));
	sim_hv.greq.fail_after = true;
	EXPECT_EQ(get_key(key), SVSM_E_HW);
	EXPECT_TRUE(pfx_all_byte(key, KEY_LEN, 0));
	EXPECT_FALSE(guest_msg_ready());
	shutdown();
}

/* The PSP's side, played directly: one MSG_KEY_REQ with VMPCK vmpck. */
static struct sim_psp *rules_psp;
static struct sim_psp_config rules_cfg;

static bool ask(unsigned int vmpck, const struct sim_psp_key_req *req,
		struct sim_psp_key_rsp *rsp)
{
	static uint8_t page[PAGE];
	static uint8_t out[PAGE];
	struct sim_psp_msg m;
	size_t len = 0;
	size_t rlen = 0;
	size_t plen = 0;

	pfx_guest_msg(&m, &rules_cfg, vmpck,
		      sim_psp_next_seqno(rules_psp, vmpck));
	m.msg_type = SNP_MSG_KEY_REQ;
	REQUIRE_EQ(sim_psp_guest_seal(&m, req, sizeof(*req), page, PAGE, &len),
		   SIM_PSP_OK);
	REQUIRE_EQ(sim_psp_guest_request(rules_psp, vmpck, page, len, out, PAGE,
					 &rlen),
		   SIM_PSP_OK);
	REQUIRE_EQ(rlen, HDR + sizeof(*rsp));
	REQUIRE_EQ(sim_psp_guest_open(&m, out, rlen, rsp, sizeof(*rsp), &plen),
		   SIM_PSP_OK);
	REQUIRE_EQ(plen, sizeof(*rsp));
	REQUIRE_TRUE(pfx_all_byte(rsp->reserved, sizeof(rsp->reserved), 0));
	return true;
}

/* The status of req; a refusal must carry no key. */
static uint32_t status_of(unsigned int vmpck, const struct sim_psp_key_req *req)
{
	struct sim_psp_key_rsp rsp;

	if (!ask(vmpck, req, &rsp))
		return 0xdeadu;
	if (rsp.status != 0 && !pfx_all_byte(rsp.key, sizeof(rsp.key), 0))
		return 0xbadu;
	return rsp.status;
}

static bool key_for(unsigned int vmpck, const struct sim_psp_key_req *req,
		    uint8_t key[32])
{
	struct sim_psp_key_rsp rsp;

	REQUIRE_TRUE(ask(vmpck, req, &rsp));
	REQUIRE_EQ(rsp.status, 0);
	memcpy(key, rsp.key, 32);
	return true;
}

static void vcek_req(struct sim_psp_key_req *r, uint32_t vmpl)
{
	memset(r, 0, sizeof(*r));
	r->key_select = 1u << SIM_PSP_KEY_SEL_SHIFT; /* KEY_SEL = VCEK */
	r->vmpl = vmpl;
}

TEST(snp_key_model, psp_checks_the_request_fields)
{
	const struct sim_psp_launch *l = &rules_cfg.launch;
	struct sim_psp_key_req r;

	base_config(&rules_cfg);
	ASSERT_EQ(sim_psp_create(&rules_cfg, &rules_psp), SIM_PSP_OK);

	/* VMPL: >= the VMPCK's, <= 3. */
	vcek_req(&r, 2);
	EXPECT_EQ(status_of(2, &r), 0);
	vcek_req(&r, 3);
	EXPECT_EQ(status_of(2, &r), 0);
	vcek_req(&r, 1);
	EXPECT_EQ(status_of(2, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	vcek_req(&r, 4);
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);

	/* GUEST_SVN: up to the launch's. */
	vcek_req(&r, 0);
	r.guest_svn = l->guest_svn;
	EXPECT_EQ(status_of(0, &r), 0);
	r.guest_svn = l->guest_svn + 1;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);

	/* TCB_VERSION: no component above the committed TCB. */
	vcek_req(&r, 0);
	r.tcb_version = l->committed_tcb;
	EXPECT_EQ(status_of(0, &r), 0);
	/* Smaller as a number, but its low component is above. */
	r.tcb_version = (l->committed_tcb & 0xff) + 1;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	r.tcb_version = l->committed_tcb + (1ull << 56);
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);

	/* Reserved fields and selections. */
	vcek_req(&r, 0);
	r.reserved_04 = 1;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	vcek_req(&r, 0);
	r.key_select |= 1u << 3;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	vcek_req(&r, 0);
	r.guest_field_select = 1ull << 6; /* version 2 only */
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	vcek_req(&r, 0);
	r.guest_field_select = 1ull << 63;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);
	vcek_req(&r, 0);
	r.key_select = 2u << SIM_PSP_KEY_SEL_SHIFT; /* VLEK: none here */
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_KEY);
	r.key_select = 3u << SIM_PSP_KEY_SEL_SHIFT;
	EXPECT_EQ(status_of(0, &r), SNP_REPORT_STATUS_INVALID_PARAMS);

	/* Every exchange above completed: 2 per request on its VMPCK. */
	EXPECT_EQ(sim_psp_next_seqno(rules_psp, 2), 7);
	sim_psp_destroy(rules_psp);
	rules_psp = NULL;
}

/* Two keys differ (both derived, neither zero). */
static bool differ(const uint8_t a[32], const uint8_t b[32])
{
	return memcmp(a, b, 32) != 0 && !pfx_all_byte(a, 32, 0) &&
	       !pfx_all_byte(b, 32, 0);
}

TEST(snp_key_model, psp_key_depends_on_what_is_selected)
{
	struct sim_psp_key_req r;
	uint8_t base[32];
	uint8_t plain[32];
	uint8_t k[32];
	uint8_t meas[32];
	uint8_t img[32];

	base_config(&rules_cfg);
	ASSERT_EQ(sim_psp_create(&rules_cfg, &rules_psp), SIM_PSP_OK);
	vcek_req(&r, 0);
	ASSERT_TRUE(key_for(0, &r, base));
	memcpy(plain, base, sizeof(plain));

	/* KEY_SEL 0 (VLEK if installed, none is) is the VCEK. */
	r.key_select = 0;
	ASSERT_TRUE(key_for(0, &r, k));
	EXPECT_TRUE(memcmp(base, k, 32) == 0);
	/* The VMRK root is another key. */
	r.key_select = SIM_PSP_KEY_ROOT_VMRK;
	ASSERT_TRUE(key_for(0, &r, k));
	EXPECT_TRUE(differ(base, k));
	/* Another VMPL mixed in, another key (asked with VMPCK1). */
	vcek_req(&r, 1);
	ASSERT_TRUE(key_for(1, &r, k));
	EXPECT_TRUE(differ(base, k));
	/* A lower SVN asked for, with the SVN selected. */
	vcek_req(&r, 0);
	r.guest_field_select = SIM_PSP_KEY_FIELD_GUEST_SVN;
	ASSERT_TRUE(key_for(0, &r, k));
	r.guest_svn = 1;
	ASSERT_TRUE(key_for(0, &r, base));
	EXPECT_TRUE(differ(base, k));
	/* Measurement and image ID, when selected, bind the key. */
	vcek_req(&r, 0);
	r.guest_field_select = SIM_PSP_KEY_FIELD_MEASUREMENT;
	ASSERT_TRUE(key_for(0, &r, meas));
	r.guest_field_select = SIM_PSP_KEY_FIELD_IMAGE_ID;
	ASSERT_TRUE(key_for(0, &r, img));
	sim_psp_destroy(rules_psp);

	rules_cfg.launch.measurement[47] ^= 1;
	rules_cfg.launch.image_id[0] ^= 1;
	ASSERT_EQ(sim_psp_create(&rules_cfg, &rules_psp), SIM_PSP_OK);
	r.guest_field_select = SIM_PSP_KEY_FIELD_MEASUREMENT;
	ASSERT_TRUE(key_for(0, &r, k));
	EXPECT_TRUE(differ(meas, k));
	r.guest_field_select = SIM_PSP_KEY_FIELD_IMAGE_ID;
	ASSERT_TRUE(key_for(0, &r, k));
	EXPECT_TRUE(differ(img, k));
	/* Not selected: the same key as before the change. */
	vcek_req(&r, 0);
	ASSERT_TRUE(key_for(0, &r, k));
	EXPECT_TRUE(memcmp(plain, k, sizeof(k)) == 0);
	sim_psp_destroy(rules_psp);
	rules_psp = NULL;
}

/*
 * A host that answers BUSY past the client's budget: the key source says
 * BUSY with no key, the sealed key request stays pending, and the next
 * call sends those same bytes again before it asks anew (56860: a number
 * is never used for two plaintexts).
 */
TEST(snp_key_model, busy_host_keeps_the_key_request_pending)
{
	struct sim_psp_config cfg;
	uint8_t good[KEY_LEN];
	uint8_t key[KEY_LEN];
	unsigned int busy_calls = 0;
	enum svsm_err err;

	base_config(&cfg);
	ASSERT_TRUE(key_of(&cfg, good));
	ASSERT_TRUE(launch(&cfg));
	sim_hv.greq.busy_until_us = fake_time_us + 2 * GUEST_MSG_BUSY_BUDGET_US;
	EXPECT_EQ(get_key(key), SVSM_E_BUSY);
	EXPECT_TRUE(pfx_all_byte(key, KEY_LEN, 0));
	EXPECT_TRUE(guest_msg_ready());
	EXPECT_EQ(sim_hv.greq.forwarded, 0);
	while ((err = get_key(key)) == SVSM_E_BUSY && busy_calls < 10)
		busy_calls++;
	EXPECT_EQ(err, SVSM_OK);
	EXPECT_TRUE(memcmp(key, good, KEY_LEN) == 0);
	/* The pending request (seqno 1), then the new one (seqno 3). */
	EXPECT_EQ(sim_hv.greq.forwarded, 2);
	EXPECT_EQ(sim_psp_next_seqno(fx.psp, 0), 5);
	ASSERT_GE(sim_hv.greq.seen_count, 2u);
	EXPECT_EQ(sim_hv.greq.seen[0].seqno, 1u);
	for (unsigned int i = 1; i < sim_hv.greq.seen_count; i++) {
		if (sim_hv.greq.seen[i].seqno == 1)
			EXPECT_TRUE(!memcmp(sim_hv.greq.seen[i].bytes,
					    sim_hv.greq.seen[0].bytes, 0x80));
	}
	shutdown();
}
