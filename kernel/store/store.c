/* SPDX-License-Identifier: MIT */
/*
 * The persistent store: opening (or formatting) a device, reading files,
 * and atomic updates with alternating roots. docs/storage.md explains the
 * format, the update order and what each check defends against.
 *
 * An update never overwrites a block the current state uses: files go to
 * free blocks, then a flush, then the new root into the root slot the
 * current state does not use, then a flush, then the external counter (if
 * any) advances. Until the new root is on the device the old state is
 * whole; once it is, the new one is.
 */
#define LOG_PREFIX "store: "
#include "svsm/store.h"

#include "svsm/log.h"
#include "svsm/mm/heap.h"

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"
#include "store_int.h"

enum slot_state {
	SLOT_BLANK,	/* all zero */
	SLOT_FOREIGN,	/* not a csvsm store root */
	SLOT_OTHER_KEY, /* a root made under another key */
	SLOT_BAD,	/* our key's root that does not authenticate or check */
	SLOT_VALID,
};

struct store {
	struct block_dev *dev;
	const struct store_counter *counter;
	bool (*random)(void *buf, size_t len);
	uint32_t dev_blocks;
	bool broken;  /* an update failed half-way: reopen first */
	uint64_t ctr; /* the counter's value as last read or advanced */
	struct store_keys keys;
	struct store_root_hdr hdr; /* the current root */
	struct store_body body;	   /* its file table */
	struct store_body next;	   /* scratch: the other slot, the update */
	struct store_root_hdr other_hdr;
	uint8_t blk[STORE_BLOCK_SIZE];
	uint8_t used[STORE_MAX_BLOCKS / 8];
	struct store_stats stats;
};

static enum svsm_err read_blocks(struct store *s, uint32_t block, void *buf,
				 uint32_t count)
{
	return block_read(s->dev, (uint64_t)block * STORE_SECTORS_PER_BLOCK,
			  buf, (uint64_t)count * STORE_SECTORS_PER_BLOCK);
}

static enum svsm_err write_blocks(struct store *s, uint32_t block,
				  const void *buf, uint32_t count)
{
	enum svsm_err err =
		block_write(s->dev, (uint64_t)block * STORE_SECTORS_PER_BLOCK,
			    buf, (uint64_t)count * STORE_SECTORS_PER_BLOCK);

	if (err == SVSM_OK)
		s->stats.blocks_written += count;
	return err;
}

static enum svsm_err flush(struct store *s)
{
	s->stats.flushes++;
	return block_flush(s->dev);
}

/*
 * Reads root slot `slot` and says what it holds; a valid root's header
 * and file table go to *hdr and *body.
 */
static enum slot_state read_slot(struct store *s, uint32_t slot,
				 struct store_root_hdr *hdr,
				 struct store_body *body, enum svsm_err *io)
{
	/*
	 * TRUST: every byte of the block is the host's. It is copied once
	 * into s->blk by the block layer, and only that copy is looked at:
	 * the header is believed only once the AEAD tag (which covers it)
	 * verifies, and the file table only once it passes
	 * store_body_valid().
	 */
	*io = read_blocks(s, slot, s->blk, 1);
	if (*io != SVSM_OK)
		return SLOT_BAD;
	if (mem_is_zero(s->blk, STORE_BLOCK_SIZE))
		return SLOT_BLANK;
	memcpy(hdr, s->blk, sizeof(*hdr));
	if (memcmp(hdr->magic, STORE_ROOT_MAGIC, sizeof(hdr->magic)) != 0 ||
	    hdr->format != STORE_FORMAT)
		return SLOT_FOREIGN;
	if (memcmp(hdr->key_id, s->keys.key_id, STORE_KEY_ID_SIZE) != 0)
		return SLOT_OTHER_KEY;
	if (store_root_open(&s->keys, s->blk, hdr, body) != SVSM_OK)
		return SLOT_BAD;
	if (hdr->slot != slot || hdr->version == 0 || hdr->version % 2 ||
	    hdr->block_count < STORE_MIN_BLOCKS ||
	    hdr->block_count > s->dev_blocks || hdr->reserved_1c ||
	    hdr->reserved_4c ||
	    !store_body_valid(body, hdr->block_count, hdr->version))
		return SLOT_BAD;
	return SLOT_VALID;
}

/* Reads and authenticates file e into buf (e->count blocks). */
static enum svsm_err load_file(struct store *s, const struct store_entry *e,
			       uint8_t *buf)
{
	enum svsm_err err;

	if (!e->count)
		return store_data_open(&s->keys, s->hdr.uuid, e, buf);
	err = read_blocks(s, e->first, buf, e->count);
	if (err != SVSM_OK)
		return err;
	return store_data_open(&s->keys, s->hdr.uuid, e, buf);
}

/* Every file of the chosen root authenticates. */
static enum svsm_err verify_files(struct store *s, enum store_refusal *why)
{
	for (uint32_t i = 0; i < s->body.file_count; i++) {
		const struct store_entry *e = &s->body.files[i];
		size_t len = (size_t)e->count * STORE_BLOCK_SIZE;
		uint8_t *buf = kmalloc(len ? len : 1);
		enum svsm_err err;

		if (!buf)
			return SVSM_E_NOMEM;
		err = load_file(s, e, buf);
		crypto_wipe(buf, len);
		kfree(buf);
		if (err == SVSM_E_INVAL) {
			log_error("file %s does not authenticate", e->name);
			*why = STORE_REFUSE_TAMPERED;
			return err;
		}
		if (err != SVSM_OK) {
			*why = STORE_REFUSE_IO;
			return err;
		}
	}
	return SVSM_OK;
}

static enum svsm_err refuse(enum store_refusal *why, enum store_refusal r,
			    enum svsm_err err)
{
	*why = r;
	return err;
}

/*
 * The external counter and the roots' versions (docs/storage.md,
 * "Rollback"). Versions are even. An update first advances the counter
 * to a fresh odd value r (the reservation: no other update ever gets r),
 * then writes its root with version r + 1, then advances the counter to
 * r + 1. So an even counter c means "the state is exactly version c"; an
 * odd counter c means "an update was cut short: its old state (c - 1) or
 * its new one (c + 1)", and each of those is one root only, because a
 * root version is written at most once. Without a counter, versions
 * still go up by 2 per update.
 */
static enum svsm_err check_counter(struct store *s, uint64_t v,
				   enum store_refusal *why)
{
	enum svsm_err err;
	uint64_t c;

	if (!s->counter)
		return SVSM_OK;
	err = s->counter->read(s->counter->ctx, &c);
	if (err != SVSM_OK)
		return refuse(why, STORE_REFUSE_COUNTER, err);
	s->ctr = c;
	if (c % 2 == 0 ? v == c : v + 1 == c || v == c + 1)
		return SVSM_OK;
	if (v < (c % 2 ? c - 1 : c)) {
		log_error(
			"state version %llu is older than the counter's %llu: "
			"a replayed or erased disk",
			(unsigned long long)v, (unsigned long long)c);
		return refuse(why, STORE_REFUSE_ROLLBACK, SVSM_E_INVAL);
	}
	log_error("state version %llu is ahead of the counter's %llu",
		  (unsigned long long)v, (unsigned long long)c);
	return refuse(why, STORE_REFUSE_COUNTER, SVSM_E_INVAL);
}

/*
 * After the open: an odd counter is settled. The new state of the update
 * that was cut short is acknowledged (the counter moves to its version);
 * its old state is written again under a fresh reservation, so that the
 * root the cut-short update may have written can never be accepted later.
 */
static enum svsm_err settle_counter(struct store *s, enum store_refusal *why)
{
	enum svsm_err err;

	if (!s->counter || s->ctr % 2 == 0)
		return SVSM_OK;
	if (s->hdr.version == s->ctr + 1) {
		err = s->counter->advance(s->counter->ctx, s->hdr.version);
		if (err != SVSM_OK)
			return refuse(why, STORE_REFUSE_COUNTER, err);
		s->ctr = s->hdr.version;
		return SVSM_OK;
	}
	log_notice("an update was cut short; keeping the state before it");
	err = store_commit(s, NULL, 0);
	if (err != SVSM_OK)
		return refuse(why, STORE_REFUSE_IO, err);
	return SVSM_OK;
}

/* A blank device becomes an empty store: version 0 in memory, then an
 * update with no change writes its first root (version 2, slot 0). */
static enum svsm_err format(struct store *s, const struct store_config *cfg,
			    enum store_refusal *why)
{
	enum svsm_err err;

	if (!cfg->allow_format)
		return refuse(why, STORE_REFUSE_NO_FORMAT, SVSM_E_INVAL);
	memset(&s->hdr, 0, sizeof(s->hdr));
	memset(&s->body, 0, sizeof(s->body));
	memcpy(s->hdr.magic, STORE_ROOT_MAGIC, sizeof(s->hdr.magic));
	s->hdr.format = STORE_FORMAT;
	s->hdr.slot = 1; /* so the first root goes to slot 0 */
	s->hdr.block_count = s->dev_blocks;
	memcpy(s->hdr.key_id, s->keys.key_id, STORE_KEY_ID_SIZE);
	if (!s->random(s->hdr.uuid, sizeof(s->hdr.uuid)))
		return refuse(why, STORE_REFUSE_IO, SVSM_E_HW);
	/* Blank is version 0: the counter must agree (0, or 1 cut short). */
	err = check_counter(s, 0, why);
	if (err != SVSM_OK)
		return err;
	err = store_commit(s, NULL, 0);
	if (err != SVSM_OK)
		return refuse(why, STORE_REFUSE_IO, err);
	log_info("formatted %s: %u blocks", s->dev->name, s->dev_blocks);
	return SVSM_OK;
}

/* Chooses the root to open from the two slots. */
static enum svsm_err choose_root(struct store *s, enum store_refusal *why,
				 bool *blank)
{
	enum slot_state st[STORE_ROOT_SLOTS];
	enum svsm_err io;

	*blank = false;
	st[0] = read_slot(s, 0, &s->hdr, &s->body, &io);
	if (io != SVSM_OK)
		return refuse(why, STORE_REFUSE_IO, io);
	st[1] = read_slot(s, 1, &s->other_hdr, &s->next, &io);
	if (io != SVSM_OK)
		return refuse(why, STORE_REFUSE_IO, io);

	if (st[0] == SLOT_VALID && st[1] == SLOT_VALID) {
		if (s->hdr.version == s->other_hdr.version)
			return refuse(why, STORE_REFUSE_TAMPERED, SVSM_E_INVAL);
		if (s->other_hdr.version > s->hdr.version) {
			s->hdr = s->other_hdr;
			s->body = s->next;
		}
		return SVSM_OK;
	}
	if (st[0] == SLOT_VALID)
		return SVSM_OK;
	if (st[1] == SLOT_VALID) {
		s->hdr = s->other_hdr;
		s->body = s->next;
		return SVSM_OK;
	}
	/*
	 * Blank, or a format that was cut short: slot 0 written under this
	 * key but torn, slot 1 never written. Such a store held no file, so
	 * formatting again loses nothing.
	 */
	if (st[1] == SLOT_BLANK && (st[0] == SLOT_BLANK || st[0] == SLOT_BAD)) {
		if (st[0] == SLOT_BAD)
			log_notice("root 0 is torn and root 1 blank: a format "
				   "was interrupted");
		*blank = true;
		return SVSM_OK;
	}
	if (st[0] == SLOT_OTHER_KEY || st[1] == SLOT_OTHER_KEY) {
		log_error("%s holds a store made with another key (another "
			  "VM's, or the key changed)",
			  s->dev->name);
		return refuse(why, STORE_REFUSE_WRONG_KEY, SVSM_E_INVAL);
	}
	if (st[0] == SLOT_BAD || st[1] == SLOT_BAD) {
		log_error("%s: no root authenticates: the disk was altered",
			  s->dev->name);
		return refuse(why, STORE_REFUSE_TAMPERED, SVSM_E_INVAL);
	}
	log_error("%s holds something that is not a csvsm store", s->dev->name);
	return refuse(why, STORE_REFUSE_NOT_A_STORE, SVSM_E_INVAL);
}

static enum svsm_err open_locked(struct store *s,
				 const struct store_config *cfg,
				 bool *formatted, enum store_refusal *why)
{
	uint8_t key[STORE_KEY_SIZE];
	enum svsm_err err;
	bool blank;

	err = cfg->key->get(cfg->key, key);
	if (err == SVSM_OK)
		err = store_derive_keys(key, &s->keys);
	crypto_wipe(key, sizeof(key));
	if (err != SVSM_OK) {
		log_error("no key from %s (%s)", cfg->key->name,
			  svsm_err_name(err));
		return refuse(why, STORE_REFUSE_KEY, err);
	}
	if (cfg->key->development)
		log_warn("key from %s: DEVELOPMENT ONLY, the host knows it",
			 cfg->key->name);

	err = choose_root(s, why, &blank);
	if (err != SVSM_OK)
		return err;
	if (blank) {
		*formatted = true;
		return format(s, cfg, why);
	}
	err = check_counter(s, s->hdr.version, why);
	if (err != SVSM_OK)
		return err;
	err = verify_files(s, why);
	if (err != SVSM_OK)
		return err;
	s->dev_blocks = s->hdr.block_count;
	err = settle_counter(s, why);
	if (err != SVSM_OK)
		return err;
	log_info("opened %s: version %llu, %u files", s->dev->name,
		 (unsigned long long)s->hdr.version, s->body.file_count);
	return SVSM_OK;
}

enum svsm_err store_open(const struct store_config *cfg, struct store **out,
			 bool *formatted, enum store_refusal *why)
{
	uint64_t blocks;
	struct store *s;
	enum svsm_err err;

	*out = NULL;
	*formatted = false;
	*why = STORE_REFUSE_NONE;
	blocks = cfg->dev->sectors / STORE_SECTORS_PER_BLOCK;
	if (blocks < STORE_MIN_BLOCKS) {
		log_error("%s is too small for a store", cfg->dev->name);
		return refuse(why, STORE_REFUSE_NOT_A_STORE, SVSM_E_INVAL);
	}
	s = kmalloc(sizeof(*s));
	if (!s)
		return SVSM_E_NOMEM;
	s->dev = cfg->dev;
	s->counter = cfg->counter;
	s->random = cfg->random;
	s->dev_blocks =
		blocks > STORE_MAX_BLOCKS ? STORE_MAX_BLOCKS : (uint32_t)blocks;
	err = open_locked(s, cfg, formatted, why);
	if (err != SVSM_OK) {
		if (*why == STORE_REFUSE_NONE)
			*why = STORE_REFUSE_IO;
		store_close(s);
		return err;
	}
	*out = s;
	return SVSM_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	crypto_wipe(s, sizeof(*s));
	kfree(s);
}

uint64_t store_version(const struct store *s)
{
	return s->hdr.version;
}

uint32_t store_file_count(const struct store *s)
{
	return s->body.file_count;
}

bool store_file_at(const struct store *s, uint32_t index, const char **name,
		   uint32_t *size)
{
	if (index >= s->body.file_count)
		return false;
	*name = s->body.files[index].name;
	*size = s->body.files[index].size;
	return true;
}

bool store_block_live(const struct store *s, uint32_t block)
{
	if (block == s->hdr.slot)
		return true;
	for (uint32_t i = 0; i < s->body.file_count; i++) {
		const struct store_entry *e = &s->body.files[i];

		if (e->count && block >= e->first &&
		    block - e->first < e->count)
			return true;
	}
	return false;
}

uint32_t store_block_count(const struct store *s)
{
	return s->hdr.block_count;
}

void store_get_stats(const struct store *s, struct store_stats *st)
{
	*st = s->stats;
}

static int find(const struct store_body *b, const char *name)
{
	size_t len = store_name_len(name);

	for (uint32_t i = 0; len && i < b->file_count; i++)
		if (memcmp(b->files[i].name, name, len) == 0 &&
		    b->files[i].name[len] == '\0')
			return (int)i;
	return -1;
}

enum svsm_err store_read(struct store *s, const char *name, void *buf,
			 size_t cap, uint32_t *size)
{
	const struct store_entry *e;
	uint8_t *tmp;
	size_t len;
	enum svsm_err err;
	int i = find(&s->body, name);

	*size = 0;
	if (i < 0)
		return SVSM_E_INVAL;
	e = &s->body.files[i];
	if (cap < e->size)
		return SVSM_E_INVAL;
	len = (size_t)e->count * STORE_BLOCK_SIZE;
	tmp = kmalloc(len ? len : 1);
	if (!tmp)
		return SVSM_E_NOMEM;
	err = load_file(s, e, tmp);
	if (err == SVSM_OK) {
		memcpy(buf, tmp, e->size);
		*size = e->size;
	} else if (err == SVSM_E_INVAL) {
		log_error("file %s no longer authenticates", e->name);
	}
	crypto_wipe(tmp, len);
	kfree(tmp);
	return err;
}

/* Marks the blocks a file table uses in s->used. */
static void mark_used(struct store *s, const struct store_body *b)
{
	for (uint32_t i = 0; i < b->file_count; i++)
		for (uint32_t j = 0; j < b->files[i].count; j++) {
			uint32_t blk = b->files[i].first + j;

			s->used[blk / 8] |= (uint8_t)(1u << (blk % 8));
		}
}

static bool is_used(const struct store *s, uint32_t blk)
{
	return s->used[blk / 8] & (1u << (blk % 8));
}

/* First fit of `count` blocks no state uses; 0 when none. */
static uint32_t allocate(struct store *s, uint32_t count)
{
	uint32_t run = 0;

	for (uint32_t b = STORE_ROOT_SLOTS; b < s->dev_blocks; b++) {
		run = is_used(s, b) ? 0 : run + 1;
		if (run == count) {
			uint32_t first = b + 1 - count;

			for (uint32_t i = first; i <= b; i++)
				s->used[i / 8] |= (uint8_t)(1u << (i % 8));
			return first;
		}
	}
	return 0;
}

/*
 * Builds the next file table in s->next from the changes, with the files
 * to write marked by written == 0 (every stored file has written >= 2)
 * and their blocks allocated. Nothing is written; SVSM_E_INVAL /
 * SVSM_E_NOMEM.
 */
static enum svsm_err plan(struct store *s, const struct store_change *ch,
			  uint32_t count)
{
	struct store_body *n = &s->next;

	*n = s->body;
	for (uint32_t i = 0; i < count; i++) {
		size_t len = store_name_len(ch[i].name);
		int at;

		if (!len || ch[i].size > STORE_MAX_FILE_SIZE ||
		    (ch[i].size && !ch[i].data && !ch[i].remove))
			return SVSM_E_INVAL;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(ch[j].name, ch[i].name) == 0)
				return SVSM_E_INVAL; /* named twice */
		at = find(n, ch[i].name);
		if (ch[i].remove) {
			if (at < 0)
				return SVSM_E_INVAL;
			/* Keep the order: later entries move down by one. */
			for (uint32_t j = (uint32_t)at; j + 1 < n->file_count;
			     j++)
				n->files[j] = n->files[j + 1];
			n->file_count--;
			memset(&n->files[n->file_count], 0,
			       sizeof(n->files[0]));
			continue;
		}
		if (at < 0) {
			if (n->file_count == STORE_MAX_FILES)
				return SVSM_E_INVAL;
			at = (int)n->file_count++;
			memset(&n->files[at], 0, sizeof(n->files[0]));
			memcpy(n->files[at].name, ch[i].name, len);
		}
		n->files[at].size = ch[i].size;
		n->files[at].count =
			(ch[i].size + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
		n->files[at].first = 0;
		n->files[at].written = 0;
	}

	/* New blocks avoid every block of the current state. */
	memset(s->used, 0, sizeof(s->used));
	mark_used(s, &s->body);
	for (uint32_t i = 0; i < n->file_count; i++) {
		struct store_entry *e = &n->files[i];

		if (e->written || !e->count)
			continue;
		e->first = allocate(s, e->count);
		if (!e->first)
			return SVSM_E_NOMEM;
	}
	return SVSM_OK;
}

/* The change that gives file `name` of the next table its content. */
static const struct store_change *change_for(const struct store_change *ch,
					     uint32_t count, const char *name)
{
	for (uint32_t i = 0; i < count; i++)
		if (!ch[i].remove && strcmp(ch[i].name, name) == 0)
			return &ch[i];
	return NULL;
}

/* Seals and writes the new files of s->next (to free blocks only). */
static enum svsm_err write_files(struct store *s, const struct store_change *ch,
				 uint32_t count, uint64_t version)
{
	for (uint32_t i = 0; i < s->next.file_count; i++) {
		struct store_entry *e = &s->next.files[i];
		const struct store_change *c;
		size_t len = (size_t)e->count * STORE_BLOCK_SIZE;
		uint8_t *buf;
		enum svsm_err err;

		if (e->written)
			continue;
		c = change_for(ch, count, e->name);
		e->written = version;
		if (!c || !s->random(e->nonce, sizeof(e->nonce)))
			return SVSM_E_HW;
		buf = kmalloc(len ? len : 1);
		if (!buf)
			return SVSM_E_NOMEM;
		if (e->size)
			memcpy(buf, c->data, e->size);
		err = store_data_seal(&s->keys, s->hdr.uuid, e, buf);
		if (err == SVSM_OK && e->count)
			err = write_blocks(s, e->first, buf, e->count);
		crypto_wipe(buf, len);
		kfree(buf);
		if (err != SVSM_OK)
			return err;
	}
	return SVSM_OK;
}

enum svsm_err store_commit(struct store *s, const struct store_change *changes,
			   uint32_t count)
{
	struct store_root_hdr hdr = s->hdr;
	enum svsm_err err;

	uint64_t reserve = 0;

	if (s->broken)
		return SVSM_E_HW;
	err = plan(s, changes, count);
	if (err != SVSM_OK)
		return err;
	hdr.slot = 1 - s->hdr.slot;
	if (!s->random(hdr.nonce, sizeof(hdr.nonce)))
		return SVSM_E_HW;
	hdr.version = s->hdr.version + 2;
	if (s->counter) {
		/* A fresh odd value: this update's alone (check_counter). */
		reserve = s->ctr + (s->ctr % 2 ? 2 : 1);
		hdr.version = reserve + 1;
		err = s->counter->advance(s->counter->ctx, reserve);
		if (err != SVSM_OK) {
			/* It may have moved all the same: reopen to know. */
			s->broken = true;
			return err;
		}
		s->ctr = reserve;
	}

	/* Files to free blocks, then a flush: the current state is whole. */
	err = write_files(s, changes, count, hdr.version);
	if (err == SVSM_OK)
		err = flush(s);
	if (err == SVSM_OK)
		err = store_root_seal(&s->keys, &hdr, &s->next, s->blk);
	if (err != SVSM_OK)
		return err;

	/* From the root write on, the device may hold either state. */
	err = write_blocks(s, hdr.slot, s->blk, 1);
	if (err == SVSM_OK)
		err = flush(s);
	if (err == SVSM_OK && s->counter) {
		err = s->counter->advance(s->counter->ctx, hdr.version);
		if (err == SVSM_OK)
			s->ctr = hdr.version;
	}
	if (err != SVSM_OK) {
		log_error("update to version %llu failed after its root write "
			  "(%s): no more updates until the store is reopened",
			  (unsigned long long)hdr.version, svsm_err_name(err));
		s->broken = true;
		return err;
	}
	s->hdr = hdr;
	s->body = s->next;
	s->stats.commits++;
	return SVSM_OK;
}
