/* SPDX-License-Identifier: MIT */
/*
 * Which key the vTPM's store gets at boot (store_key_choose(),
 * kernel/store/key_choice.c; docs/storage.md, "Which key at boot"), for
 * every combination of what the boot can find; the measured image's
 * key-broker pin (kbs_pin_parse(), kernel/attest/kbs_pin.c); and the
 * SEV-SNP kernel's platform part (kernel/attest/kbs_snp.c), whose
 * secure-processor key the choice picks, opening a store on the model
 * PSP (sim/psp.c) the way kernel/core/store_boot.c mounts it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/kbs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/store.h"

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

static void facts_of(unsigned int bits, struct store_key_facts *f)
{
	f->broker_pinned = bits & 1;
	f->broker_pin_ok = bits & 2;
	f->broker_asked = bits & 4;
	f->transport_ok = bits & 8;
	f->platform_key = bits & 16;
	f->devkey = bits & 32;
	f->disk_named = bits & 64;
	f->disk = bits & 128;
}

/*
 * The rules of docs/storage.md, "Which key at boot", one combination at
 * a time: the image's broker is never replaced by another source; a kbs=
 * without a pin is refused; then the platform key, the development key,
 * RAM only, with a named or missing disk refused where a key needs it.
 */
TEST(store_key_choice, every_combination_follows_the_documented_order)
{
	for (unsigned int bits = 0; bits < 256; bits++) {
		struct store_key_facts f;
		struct store_key_choice c;
		enum store_key_kind want;

		facts_of(bits, &f);
		c = store_key_choose(&f);
		if (f.broker_pinned)
			want = f.broker_pin_ok && f.transport_ok && f.disk
				       ? STORE_KEY_BROKER
				       : STORE_KEY_REFUSE;
		else if (f.broker_asked)
			want = STORE_KEY_REFUSE;
		else if (f.platform_key)
			want = f.disk	      ? STORE_KEY_PLATFORM
			       : f.disk_named ? STORE_KEY_REFUSE
					      : STORE_KEY_RAM_ONLY;
		else if (f.devkey)
			want = f.disk ? STORE_KEY_DEVKEY : STORE_KEY_REFUSE;
		else
			want = f.disk_named ? STORE_KEY_REFUSE
					    : STORE_KEY_RAM_ONLY;
		EXPECT_EQ(c.kind, want);
		EXPECT_TRUE(c.why != NULL && c.why[0] != '\0');
		if (c.kind != want)
			test_printf("facts 0x%02x: kind %d, expected %d (%s)\n",
				    bits, (int)c.kind, (int)want, c.why);
	}
}

/* The property the order exists for, stated on its own. */
TEST(store_key_choice, a_pinned_broker_is_never_downgraded)
{
	for (unsigned int bits = 0; bits < 256; bits++) {
		struct store_key_facts f;
		enum store_key_kind k;

		facts_of(bits | 1, &f);
		k = store_key_choose(&f).kind;
		EXPECT_TRUE(k == STORE_KEY_BROKER || k == STORE_KEY_REFUSE);
	}
}

TEST(store_key_choice, the_reasons_say_what_is_missing)
{
	struct store_key_facts f = {.broker_pinned = true,
				    .broker_pin_ok = true,
				    .transport_ok = true};

	EXPECT_TRUE(strstr(store_key_choose(&f).why, "no disk") != NULL);
	f.disk = true;
	f.transport_ok = false;
	EXPECT_TRUE(strstr(store_key_choose(&f).why, "transport") != NULL);
	f.transport_ok = true;
	f.broker_pin_ok = false;
	EXPECT_TRUE(strstr(store_key_choose(&f).why, "etc/kbs") != NULL);
	memset(&f, 0, sizeof(f));
	f.broker_asked = true;
	EXPECT_TRUE(strstr(store_key_choose(&f).why, "pins no") != NULL);
}

#define PIN_KEY                                                            \
	"04"                                                               \
	"58acf1a7a58f4bfd2dc5a3fe3dd4c52e58a9e4fcbc998088b619ef7a8c1a22ac" \
	"8efb424764b2cf2e9af0cb639d552e72e02349b81670fcb256db3231e16330cd"

static enum svsm_err pin(const char *text, struct kbs_config *cfg,
			 const char **why)
{
	return kbs_pin_parse(text, strlen(text), cfg, why);
}

TEST(kbs_pin, names_the_broker_key_and_the_resource)
{
	static struct kbs_config cfg;
	const char *why = NULL;

	memset(&cfg, 0, sizeof(cfg));
	ASSERT_EQ(pin("# the test broker\n\nbroker-key " PIN_KEY
		      "\n  resource\tcsvsm/vtpm/key  \n",
		      &cfg, &why),
		  SVSM_OK);
	EXPECT_EQ(cfg.broker_key[0], 0x04);
	EXPECT_EQ(cfg.broker_key[1], 0x58);
	EXPECT_EQ(cfg.broker_key[64], 0xcd);
	EXPECT_TRUE(strcmp(cfg.resource, "csvsm/vtpm/key") == 0);
	/* Without a final newline, and in the other order. */
	memset(&cfg, 0, sizeof(cfg));
	EXPECT_EQ(pin("resource a/b/c\nbroker-key " PIN_KEY, &cfg, &why),
		  SVSM_OK);
	EXPECT_TRUE(strcmp(cfg.resource, "a/b/c") == 0);
}

TEST(kbs_pin, anything_else_is_refused_and_changes_nothing)
{
	static const char *const bad[] = {
		"",
		"# nothing\n",
		"broker-key " PIN_KEY "\n",
		"resource csvsm/vtpm/key\n",
		"broker-key " PIN_KEY "\nresource csvsm/vtpm/key\nresource "
		"a/b/c\n",
		"broker-key " PIN_KEY "\nbroker-key " PIN_KEY
		"\nresource a/b/c\n",
		/* compressed point, short, long, not hex */
		"broker-key 03" PIN_KEY "\nresource a/b/c\n",
		"broker-key 0458ac\nresource a/b/c\n",
		"broker-key " PIN_KEY "00\nresource a/b/c\n",
		"broker-key " PIN_KEY "\nresource a/b/c\nbroker-key x\n",
		"broker-key " PIN_KEY "\nresource a/b\n",
		"broker-key " PIN_KEY "\nresource a/b/c/d\n",
		"broker-key " PIN_KEY "\nresource a/../c\n",
		"broker-key " PIN_KEY "\nresource a/b/c d\n",
		"broker-key " PIN_KEY "\nresource a/b/c\nurl http://x\n",
		"broker-key " PIN_KEY "\nresource\n",
		"broker-key " PIN_KEY "\nresource a/b/\x01\n",
	};
	static struct kbs_config cfg;
	char nul[] = "broker-key " PIN_KEY "\nresource a/b/c\0x\n";
	char longline[400];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		memset(&cfg, 0x5a, sizeof(cfg));
		EXPECT_EQ(pin(bad[i], &cfg, &why), SVSM_E_INVAL);
		EXPECT_TRUE(why != NULL && why[0] != '\0');
		EXPECT_TRUE(
			pfx_all_byte((const uint8_t *)&cfg, sizeof(cfg), 0x5a));
	}
	{
		const char *why = NULL;

		memset(&cfg, 0x5a, sizeof(cfg));
		EXPECT_EQ(kbs_pin_parse(nul, sizeof(nul) - 1, &cfg, &why),
			  SVSM_E_INVAL);
		memset(longline, 'a', sizeof(longline));
		memcpy(longline, "# ", 2);
		EXPECT_EQ(kbs_pin_parse(longline, sizeof(longline), &cfg, &why),
			  SVSM_E_INVAL);
		EXPECT_TRUE(
			pfx_all_byte((const uint8_t *)&cfg, sizeof(cfg), 0x5a));
	}
}

/* ---- the SEV-SNP kernel's platform part, on the model PSP ---------- */

#define MEM_SIZE     (4ull << 20)
#define DISK_SECTORS ((uint64_t)64 * (STORE_BLOCK_SIZE / BLOCK_SECTOR_SIZE))

static struct scf fx;

/* A launch on the model with VMPCK0 installed (snp_client_fixture.h). */
static bool launch(void)
{
	struct sim_psp_config cfg;

	pfx_test_config(&cfg);
	cfg.chip_secret_given = true;
	pfx_pattern(cfg.chip_secret, sizeof(cfg.chip_secret), 0x3c);
	return scf_start(&fx, &cfg, MEM_SIZE, 0x5eed0002u);
}

static void shutdown(void)
{
	scf_stop(&fx);
}

static bool counting_random(void *buf, size_t len)
{
	static uint8_t n;

	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)(n++ * 151u + 7u);
	return true;
}

TEST(store_key_choice, snp_kernel_stores_under_the_derived_key_on_the_model)
{
	static const char data[] = "vTPM NV";
	struct store_change ch = {
		.name = "nv", .data = data, .size = sizeof(data)};
	struct store_key_facts f = {.disk = true};
	struct store_config sc = {.random = counting_random,
				  .allow_format = true};
	struct fake_disk d;
	struct store *s = NULL;
	enum store_refusal why = STORE_REFUSE_NONE;
	bool formatted = false;

	/* The SNP kernel's part: its report, its secure-processor key. */
	EXPECT_EQ(kbs_platform.tee, KBS_TEE_SNP);
	EXPECT_TRUE(kbs_platform.snp_report == kbs_snp_report);
	ASSERT_TRUE(kbs_platform.platform_key == &snp_derived_key_source);
	f.platform_key = kbs_platform.platform_key != NULL;
	ASSERT_EQ(store_key_choose(&f).kind, STORE_KEY_PLATFORM);
	/* ... even with the launcher's development key named. */
	f.devkey = true;
	EXPECT_EQ(store_key_choose(&f).kind, STORE_KEY_PLATFORM);

	fake_disk_init(&d, DISK_SECTORS);
	sc.dev = &d.dev;
	sc.key = kbs_platform.platform_key;
	ASSERT_TRUE(launch());
	ASSERT_EQ(store_open(&sc, &s, &formatted, &why), SVSM_OK);
	EXPECT_TRUE(formatted);
	EXPECT_EQ(store_commit(s, &ch, 1), SVSM_OK);
	store_close(s);
	shutdown();

	/* The next launch on the same chip opens it. */
	ASSERT_TRUE(launch());
	formatted = true;
	ASSERT_EQ(store_open(&sc, &s, &formatted, &why), SVSM_OK);
	EXPECT_FALSE(formatted);
	EXPECT_EQ(store_file_count(s), 1u);
	store_close(s);
	shutdown();

	/* Without VMPCK0 the source gives no key: refused, not formatted. */
	snp_derived_key_set_exchange(NULL);
	memset(d.image, 0, DISK_SECTORS * BLOCK_SECTOR_SIZE);
	EXPECT_NE(store_open(&sc, &s, &formatted, &why), SVSM_OK);
	EXPECT_EQ(why, STORE_REFUSE_KEY);
	EXPECT_TRUE(pfx_all_byte(d.image, DISK_SECTORS * BLOCK_SECTOR_SIZE, 0));
	fake_disk_free(&d);
}
