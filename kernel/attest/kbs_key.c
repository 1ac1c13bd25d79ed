/* SPDX-License-Identifier: MIT */
/*
 * The key interface of include/svsm/kbs.h for the persistent store: one
 * configuration, one attestation the first time a key is asked for, and
 * the released key and counter kept (in SVSM memory only) for later
 * calls. A failed attestation keeps nothing, so the next call tries
 * again. Advancing the counter attests again and changes the kept value
 * only on the broker's signed acknowledgement.
 *
 * The lock guards the state only; no lock is held while the client talks
 * to the proxy (seconds). One exchange at a time: a second caller meanwhile
 * gets SVSM_E_BUSY.
 */
#include "svsm/spinlock.h"

#include "kbs_int.h"
#include "lib/string.h"

static struct {
	struct spinlock lock;
	bool configured;
	bool released;
	bool busy;
	struct kbs_config cfg;
	struct kbs_secret secret;
	struct kbs_stats last; /* the last exchange's counters */
} kbs_state;

static void keep_stats(const struct kbs_stats *st)
{
	spin_lock(&kbs_state.lock);
	kbs_state.last = *st;
	spin_unlock(&kbs_state.lock);
}

void kbs_last_stats(struct kbs_stats *out)
{
	spin_lock(&kbs_state.lock);
	*out = kbs_state.last;
	spin_unlock(&kbs_state.lock);
}

enum svsm_err kbs_configure(const struct kbs_config *cfg)
{
	enum svsm_err err = SVSM_OK;

	if (!cfg)
		return SVSM_E_INVAL;
	spin_lock(&kbs_state.lock);
	if (kbs_state.busy) {
		err = SVSM_E_BUSY;
	} else {
		kbs_state.cfg = *cfg;
		kbs_state.configured = true;
		kbs_state.released = false;
		kbs_wipe(&kbs_state.secret, sizeof(kbs_state.secret));
	}
	spin_unlock(&kbs_state.lock);
	return err;
}

/*
 * Claims the client: SVSM_OK with a copy of the configuration and *done
 * telling whether a secret was already released; the caller then calls
 * unclaim().
 */
static enum svsm_err claim(struct kbs_config *cfg, bool *done)
{
	enum svsm_err err = SVSM_OK;

	spin_lock(&kbs_state.lock);
	if (!kbs_state.configured)
		err = SVSM_E_UNSUPPORTED;
	else if (kbs_state.busy)
		err = SVSM_E_BUSY;
	else {
		kbs_state.busy = true;
		*cfg = kbs_state.cfg;
		*done = kbs_state.released;
	}
	spin_unlock(&kbs_state.lock);
	return err;
}

static void unclaim(void)
{
	spin_lock(&kbs_state.lock);
	kbs_state.busy = false;
	spin_unlock(&kbs_state.lock);
}

/* The first time: attest and keep the secret. */
static enum svsm_err release(void)
{
	struct kbs_config cfg;
	struct kbs_secret got;
	struct kbs_stats st;
	bool done = false;
	enum svsm_err err = claim(&cfg, &done);

	if (err != SVSM_OK)
		return err;
	if (!done) {
		err = kbs_attest_fetch(&cfg, &got, &st);
		keep_stats(&st);
		spin_lock(&kbs_state.lock);
		if (err == SVSM_OK) {
			kbs_state.secret = got;
			kbs_state.released = true;
		}
		spin_unlock(&kbs_state.lock);
		kbs_wipe(&got, sizeof(got));
	}
	kbs_wipe(&cfg, sizeof(cfg));
	unclaim();
	return err;
}

enum svsm_err kbs_fetch_key(uint8_t key[KBS_KEY_SIZE])
{
	enum svsm_err err = release();

	if (err != SVSM_OK)
		return err;
	spin_lock(&kbs_state.lock);
	if (kbs_state.released)
		memcpy(key, kbs_state.secret.key, KBS_KEY_SIZE);
	else
		err = SVSM_E_UNSUPPORTED; /* reset meanwhile */
	spin_unlock(&kbs_state.lock);
	return err;
}

enum svsm_err kbs_counter(uint64_t *out)
{
	enum svsm_err err = release();

	if (err != SVSM_OK)
		return err;
	spin_lock(&kbs_state.lock);
	if (kbs_state.released)
		*out = kbs_state.secret.counter;
	else
		err = SVSM_E_UNSUPPORTED;
	spin_unlock(&kbs_state.lock);
	return err;
}

enum svsm_err kbs_counter_advance(uint64_t to)
{
	struct kbs_config cfg;
	struct kbs_stats st;
	bool done = false;
	uint64_t now;
	enum svsm_err err = kbs_counter(&now);

	if (err == SVSM_OK && to <= now)
		err = SVSM_E_INVAL;
	if (err == SVSM_OK)
		err = claim(&cfg, &done);
	if (err != SVSM_OK)
		return err;
	err = kbs_attest_advance(&cfg, to, &st);
	keep_stats(&st);
	spin_lock(&kbs_state.lock);
	/* Only forward, and only on the broker's signed acknowledgement. */
	if (err == SVSM_OK && kbs_state.released &&
	    to > kbs_state.secret.counter)
		kbs_state.secret.counter = to;
	spin_unlock(&kbs_state.lock);
	kbs_wipe(&cfg, sizeof(cfg));
	unclaim();
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
	memset(&kbs_state.last, 0, sizeof(kbs_state.last));
	spin_unlock(&kbs_state.lock);
}
