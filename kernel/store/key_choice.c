/* SPDX-License-Identifier: MIT */
/*
 * Which key the vTPM's store gets at boot (include/svsm/store.h,
 * store_key_choose): the order and the refusals of docs/storage.md,
 * "Which key at boot", as one function of what the boot found. No side
 * effects: kernel/core/store_boot.c gathers the facts and acts on the
 * answer.
 */
#include "svsm/store.h"

static struct store_key_choice choice(enum store_key_kind kind, const char *why)
{
	struct store_key_choice c = {kind, why};

	return c;
}

struct store_key_choice store_key_choose(const struct store_key_facts *f)
{
	/*
	 * A broker the measured image pins is the only source for this
	 * image: a host that withholds the transport or the disk gets no
	 * vTPM rather than a fresh one, or one under a weaker key.
	 */
	if (f->broker_pinned) {
		if (!f->broker_pin_ok)
			return choice(STORE_KEY_REFUSE,
				      "the image's key-broker pin (etc/kbs) "
				      "is malformed");
		if (!f->transport_ok)
			return choice(STORE_KEY_REFUSE,
				      "kbs= names no transport this SVSM has "
				      "(vsock or com3)");
		if (!f->disk)
			return choice(STORE_KEY_REFUSE,
				      "the image pins a key broker but there "
				      "is no disk for the store");
		return choice(STORE_KEY_BROKER,
			      "the key broker the image pins");
	}
	/* The host asks for a broker whose key nothing measured names. */
	if (f->broker_asked)
		return choice(STORE_KEY_REFUSE,
			      "kbs= on the command line, but the image pins no "
			      "key broker (etc/kbs)");
	if (f->platform_key) {
		if (f->disk)
			return choice(STORE_KEY_PLATFORM,
				      "the secure processor's derived key");
		if (f->disk_named)
			return choice(STORE_KEY_REFUSE,
				      "store_disk= names no block device");
		return choice(STORE_KEY_RAM_ONLY, "no disk for the store");
	}
	if (f->devkey) {
		if (!f->disk)
			return choice(STORE_KEY_REFUSE,
				      "no block device for the store");
		return choice(STORE_KEY_DEVKEY,
			      "the launcher's store_devkey= (development "
			      "only)");
	}
	if (f->disk_named)
		return choice(STORE_KEY_REFUSE,
			      "store_disk= without a key source");
	return choice(STORE_KEY_RAM_ONLY, "no store on the command line");
}
