/* SPDX-License-Identifier: MIT */
/*
 * The native platform's persisted directory (include/svsm/persist.h):
 * the device and the development-only key from the command line, the
 * CPU's randomness. Not in the hosted tests, which give their own device,
 * key and randomness to persist_mount().
 */
#define LOG_PREFIX "persist: "
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/persist.h"

#include "lib/string.h"

struct block_dev *persist_boot_disk(const char *cmdline, bool *named)
{
	char disk[4] = "0";

	/* TRUST: the command line is the host's: only blk0..blk3. */
	*named = cmdline_get(cmdline, "store_disk", disk, sizeof(disk));
	if (disk[0] < '0' || disk[0] > '3' || disk[1])
		return NULL;
	return block_get((unsigned int)(disk[0] - '0'));
}

enum svsm_err persist_mount_dev(const char *path, const char *cmdline,
				bool *formatted, enum store_refusal *why)
{
	static uint8_t key[STORE_KEY_SIZE];
	static struct store_key_source src;
	struct store_config cfg = {.random = store_random_hw,
				   .allow_format = true};
	char hex[2 * STORE_KEY_SIZE + 1];
	bool named = false;

	*formatted = false;
	*why = STORE_REFUSE_KEY;
	if (!cmdline_get(cmdline, "store_devkey", hex, sizeof(hex)) ||
	    store_devkey_parse(hex, key) != SVSM_OK) {
		log_error(
			"no store_devkey=<64 hex digits> on the command line");
		return SVSM_E_INVAL;
	}
	*why = STORE_REFUSE_IO;
	cfg.dev = persist_boot_disk(cmdline, &named);
	if (!cfg.dev) {
		log_error("no block device store_disk= for the store");
		return SVSM_E_INVAL;
	}
	memset(hex, 0, sizeof(hex));
	store_key_source_fixed(&src, "the launcher (store_devkey=)", true, key);
	cfg.key = &src;
	return persist_mount(path, &cfg, formatted, why);
}
