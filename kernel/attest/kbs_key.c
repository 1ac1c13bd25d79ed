/* SPDX-License-Identifier: MIT */
/*
 * The key interface of include/svsm/kbs.h for the persistent store: one
 * configuration, one attestation the first time a key is asked for, and
 * the released key and counter kept (in SVSM memory only) for later
 * calls. A failed attestation keeps nothing, so the next call tries
 * again. Advancing the counter attests again and changes the kept value
 * only on the broker's signed acknowledgement.
 */
#include "svsm/spinlock.h"

#include "kbs_int.h"
#include "lib/string.h"

static struct {
	struct spinlock lock;
	bool configured;
	bool released;
	struct kbs_config cfg;
	struct kbs_secret secret;
} kbs_state;

enum svsm_err kbs_configure(const struct kbs_config *cfg)
{
	if (!cfg)
		return SVSM_E_INVAL;
	spin_lock(&kbs_state.lock);
	kbs_state.cfg = *cfg;
	kbs_state.configured = true;
	kbs_state.released = false;
	kbs_wipe(&kbs_state.secret, sizeof(kbs_state.secret));
	spin_unlock(&kbs_state.lock);
	return SVSM_OK;
}

static enum svsm_err release_locked(void)
{
	struct kbs_secret got;
	enum svsm_err err;

	if (!kbs_state.configured)
		return SVSM_E_UNSUPPORTED;
	if (kbs_state.released)
		return SVSM_OK;
	err = kbs_attest_fetch(&kbs_state.cfg, &got, NULL);
	if (err != SVSM_OK)
		return err;
	kbs_state.secret = got;
	kbs_state.released = true;
	kbs_wipe(&got, sizeof(got));
	return SVSM_OK;
}

enum svsm_err kbs_fetch_key(uint8_t key[KBS_KEY_SIZE])
{
	enum svsm_err err;

	spin_lock(&kbs_state.lock);
	err = release_locked();
	if (err == SVSM_OK)
		memcpy(key, kbs_state.secret.key, KBS_KEY_SIZE);
	spin_unlock(&kbs_state.lock);
	return err;
}

enum svsm_err kbs_counter(uint64_t *out)
{
	enum svsm_err err;

	spin_lock(&kbs_state.lock);
	err = release_locked();
	if (err == SVSM_OK)
		*out = kbs_state.secret.counter;
	spin_unlock(&kbs_state.lock);
	return err;
}

enum svsm_err kbs_counter_advance(uint64_t to)
{
	enum svsm_err err;

	spin_lock(&kbs_state.lock);
	err = release_locked();
	if (err == SVSM_OK && to <= kbs_state.secret.counter)
		err = SVSM_E_INVAL;
	if (err == SVSM_OK)
		err = kbs_attest_advance(&kbs_state.cfg, to, NULL);
	if (err == SVSM_OK)
		kbs_state.secret.counter = to;
	spin_unlock(&kbs_state.lock);
	return err;
}

enum svsm_err kbs_store_key(void *ctx, uint8_t key[KBS_KEY_SIZE])
{
	(void)ctx;
	return kbs_fetch_key(key);
}

enum svsm_err kbs_store_counter_read(void *ctx, uint64_t *value)
{
	(void)ctx;
	return kbs_counter(value);
}

enum svsm_err kbs_store_counter_advance(void *ctx, uint64_t to)
{
	(void)ctx;
	return kbs_counter_advance(to);
}

void kbs_reset(void)
{
	spin_lock(&kbs_state.lock);
	kbs_wipe(&kbs_state.secret, sizeof(kbs_state.secret));
	memset(&kbs_state.cfg, 0, sizeof(kbs_state.cfg));
	kbs_state.configured = false;
	kbs_state.released = false;
	spin_unlock(&kbs_state.lock);
}
