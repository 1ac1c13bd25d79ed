/* SPDX-License-Identifier: MIT */
/*
 * Where the store's key comes from (include/svsm/store.h): a key already
 * in memory (the launcher's development key, parsed from the command
 * line; tests), and the hook for a key a remote key broker releases after
 * attestation. The SEV-SNP derived key is kernel/plat/snp/derived_key.c.
 */
#include "svsm/store.h"

#include "lib/bytes.h"
#include "lib/string.h"

const char *store_refusal_name(enum store_refusal r)
{
	switch (r) {
	case STORE_REFUSE_NONE:
		return "none";
	case STORE_REFUSE_IO:
		return "device error";
	case STORE_REFUSE_NOT_A_STORE:
		return "not a csvsm store";
	case STORE_REFUSE_WRONG_KEY:
		return "made with another key";
	case STORE_REFUSE_TAMPERED:
		return "altered";
	case STORE_REFUSE_ROLLBACK:
		return "older than the counter";
	case STORE_REFUSE_COUNTER:
		return "counter disagrees or did not answer";
	case STORE_REFUSE_KEY:
		return "no key";
	case STORE_REFUSE_NO_FORMAT:
		return "blank, formatting not allowed";
	}
	return "unknown";
}

enum svsm_err store_devkey_parse(const char *hex, uint8_t key[STORE_KEY_SIZE])
{
	/* TRUST: the command line is the host's; a bad word is refused. */
	if (strnlen(hex, 2ul * STORE_KEY_SIZE + 1) != 2ul * STORE_KEY_SIZE ||
	    !hex_decode(hex, key, STORE_KEY_SIZE)) {
		memset(key, 0, STORE_KEY_SIZE);
		return SVSM_E_INVAL;
	}
	return SVSM_OK;
}

static enum svsm_err fixed_get(const struct store_key_source *src,
			       uint8_t key[STORE_KEY_SIZE])
{
	memcpy(key, src->ctx, STORE_KEY_SIZE);
	return SVSM_OK;
}

void store_key_source_fixed(struct store_key_source *src, const char *name,
			    bool development, const uint8_t key[STORE_KEY_SIZE])
{
	src->name = name;
	src->development = development;
	src->get = fixed_get;
	/* The caller keeps the key alive for as long as the source. */
	src->ctx = (void *)key;
}

static struct {
	store_broker_fn fn;
	void *ctx;
} broker;

void store_key_broker_register(store_broker_fn fn, void *ctx)
{
	broker.fn = fn;
	broker.ctx = ctx;
}

static enum svsm_err broker_get(const struct store_key_source *src,
				uint8_t key[STORE_KEY_SIZE])
{
	(void)src;
	if (!broker.fn)
		return SVSM_E_UNSUPPORTED;
	return broker.fn(broker.ctx, key);
}

const struct store_key_source store_key_broker = {
	.name = "the key broker",
	.development = false,
	.get = broker_get,
};
