/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's store at boot (include/svsm/store_boot.h): gathers what the
 * boot found (the measured image's key-broker pin etc/kbs, the command
 * line's kbs=, store_devkey= and store_disk=, the platform's secure
 * processor key, the disk), lets store_key_choose() decide, logs the
 * decision in one line and acts on it. The decision and its reasons are
 * docs/storage.md, "Which key at boot".
 *
 * TRUST: the command line and the disk are the host's; the pin is in
 * the measured image. The host chooses the transport to the broker, which
 * it sees anyway; it cannot choose the broker, the resource, or a weaker
 * key for an image that pins a broker.
 */
#define LOG_PREFIX "start: "
#include "svsm/store_boot.h"

#include "svsm/arch/time.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/cpio.h"
#include "svsm/kbs.h"
#include "svsm/log.h"
#include "svsm/persist.h"

#include "lib/string.h"

/* The link to the broker's proxy: open for as long as the store is. */
static struct kbs_transport broker_link;
static const struct store_counter broker_counter = {
	kbs_store_counter_read, kbs_store_counter_advance, NULL};

struct boot_found {
	struct store_key_facts facts;
	struct kbs_config cfg; /* the pin's key and resource */
	const char *pin_why;
	char transport[8];
	struct block_dev *dev;
};

/* The image's etc/kbs (measured with the launch), parsed into b->cfg. */
static void find_pin(const struct boot_params *p, struct boot_found *b)
{
	const void *archive;
	struct cpio_entry e;
	bool found = false;

	b->pin_why = "";
	if (!p->initfs_size)
		return;
	archive = arch_phys_to_virt(p->initfs_gpa, p->initfs_size);
	if (!archive || cpio_find(archive, p->initfs_size, "etc/kbs", &e,
				  &found, &b->pin_why) != SVSM_OK) {
		/* Unreadable: it may pin a broker, so none other is used. */
		b->facts.broker_pinned = true;
		return;
	}
	if (!found)
		return;
	b->facts.broker_pinned = true;
	b->facts.broker_pin_ok = kbs_pin_parse((const char *)e.data, e.size,
					       &b->cfg, &b->pin_why) == SVSM_OK;
}

static void gather(const struct boot_params *p, struct boot_found *b)
{
	char word[BOOT_CMDLINE_MAX];
	bool named = false;

	memset(b, 0, sizeof(*b));
	find_pin(p, b);
	/* kbs=TRANSPORT; a bare kbs word asks for a broker too. */
	word[0] = '\0';
	b->facts.broker_asked =
		cmdline_get(p->cmdline, "kbs", word, sizeof(word)) ||
		cmdline_has(p->cmdline, "kbs");
	if (!b->facts.broker_asked)
		memcpy(b->transport, "vsock", sizeof("vsock"));
	else if (strlen(word) < sizeof(b->transport))
		memcpy(b->transport, word, strlen(word) + 1);
	b->facts.transport_ok =
		!strcmp(b->transport, "vsock") || !strcmp(b->transport, "com3");
	b->facts.platform_key = kbs_platform.platform_key != NULL;
	b->facts.devkey =
		cmdline_get(p->cmdline, "store_devkey", word, sizeof(word));
	memset(word, 0, sizeof(word));
	b->dev = persist_boot_disk(p->cmdline, &named);
	b->facts.disk_named = named;
	b->facts.disk = b->dev != NULL;
}

/* Why the broker gave no key, in words for the log. */
static const char *broker_failure(enum svsm_err err, const struct kbs_stats *st)
{
	if (err == SVSM_E_HW && st->exchanges && !st->last_status)
		return "the proxy could not reach the broker";
	if (err == SVSM_E_HW && st->last_status && st->last_status != 200)
		return "the broker refused";
	if (err == SVSM_E_INVAL)
		return "an answer that does not verify: not the pinned "
		       "broker's, or malformed";
	return "no answer from the proxy";
}

/*
 * The broker's key: attest once (the key and the counter are kept by
 * kernel/attest/kbs_key.c), then mount with them. Any failure leaves the
 * store closed and the disk as it is.
 */
static enum svsm_err mount_broker(const char *path, struct boot_found *b,
				  struct store_boot_result *r)
{
	struct store_config cfg = {.dev = b->dev,
				   .key = &store_key_broker,
				   .counter = &broker_counter,
				   .random = store_random_hw,
				   .allow_format = true};
	uint64_t t0 = arch_time_ns();
	struct kbs_stats st;
	uint64_t counter = 0;
	enum svsm_err err = SVSM_OK;

	if (!strcmp(b->transport, "com3"))
		kbs_serial_open(&broker_link, KBS_SERIAL_COM3);
	else
		err = kbs_vsock_open(&broker_link);
	if (err != SVSM_OK) {
		log_error("vtpm: not started: the key broker cannot be "
			  "reached (no %s connection to its proxy: %s); the "
			  "store stays closed",
			  b->transport, svsm_err_name(err));
		return err;
	}
	b->cfg.transport = &broker_link;
	b->cfg.tee = kbs_platform.tee;
	b->cfg.snp_report = kbs_platform.snp_report;
	b->cfg.random = store_random_hw;
	err = kbs_configure(&b->cfg);
	/* One attestation; kbs_key.c keeps the key and the counter. */
	if (err == SVSM_OK)
		err = kbs_counter(&counter);
	if (err != SVSM_OK) {
		kbs_last_stats(&st);
		log_error("vtpm: not started: the key broker released no key "
			  "for %s (%s: %s, HTTP status %u); the store stays "
			  "closed",
			  b->cfg.resource, svsm_err_name(err),
			  broker_failure(err, &st), st.last_status);
		goto fail;
	}
	r->key_ns = arch_time_ns() - t0;
	kbs_last_stats(&st);
	log_notice("vtpm: the key broker released the store key for %s, "
		   "counter %llu, in %llu us (%zu bytes sent, %zu received)",
		   b->cfg.resource, (unsigned long long)counter,
		   (unsigned long long)(r->key_ns / 1000), st.bytes_sent,
		   st.bytes_received);
	store_key_broker_register(kbs_store_key, NULL);
	err = persist_mount(path, &cfg, &r->formatted, &r->why);
	if (err == SVSM_OK)
		return SVSM_OK;
	store_key_broker_register(NULL, NULL);
fail:
	kbs_reset();
	if (!strcmp(b->transport, "vsock"))
		kbs_vsock_close(&broker_link);
	return err;
}

static enum svsm_err mount_platform(const char *path, struct boot_found *b,
				    struct store_boot_result *r)
{
	struct store_config cfg = {.dev = b->dev,
				   .key = kbs_platform.platform_key,
				   .random = store_random_hw,
				   .allow_format = true};

	return persist_mount(path, &cfg, &r->formatted, &r->why);
}

enum svsm_err store_boot_mount(const char *path, struct store_boot_result *r)
{
	const struct boot_params *p = boot_params();
	static struct boot_found b;
	static bool mounted;
	enum svsm_err err;

	memset(r, 0, sizeof(*r));
	/*
	 * Once only: a second start of the service must not reconfigure
	 * (or, failing, reset) the broker the mounted store relies on.
	 */
	if (mounted) {
		log_error("vtpm: its store is mounted already");
		r->choice.kind = STORE_KEY_REFUSE;
		r->choice.why = "mounted already";
		return SVSM_E_BUSY;
	}
	gather(p, &b);
	r->choice = store_key_choose(&b.facts);
	switch (r->choice.kind) {
	case STORE_KEY_RAM_ONLY:
		log_notice("vtpm: state in RAM only (%s)", r->choice.why);
		return SVSM_OK;
	case STORE_KEY_REFUSE:
		if (b.facts.broker_pinned && !b.facts.broker_pin_ok)
			log_error("vtpm: not started: %s (%s)", r->choice.why,
				  b.pin_why);
		else
			log_error("vtpm: not started: %s", r->choice.why);
		return SVSM_E_INVAL;
	case STORE_KEY_BROKER:
		log_notice("vtpm: store key: %s (%s over %s)", r->choice.why,
			   b.cfg.resource, b.transport);
		err = mount_broker(path, &b, r);
		break;
	case STORE_KEY_PLATFORM:
		log_notice("vtpm: store key: %s", r->choice.why);
		err = mount_platform(path, &b, r);
		break;
	case STORE_KEY_DEVKEY:
	default:
		log_notice("vtpm: store key: %s", r->choice.why);
		err = persist_mount_dev(path, p->cmdline, &r->formatted,
					&r->why);
		break;
	}
	r->mounted = err == SVSM_OK;
	mounted = r->mounted;
	return err;
}
