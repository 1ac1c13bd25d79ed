/* SPDX-License-Identifier: MIT */
/*
 * The store's on-disk format and the cryptography on it: key derivation
 * (HKDF-SHA-512), sealing and opening root blocks and files (AES-256-GCM),
 * and the checks a decrypted file table must pass. docs/storage.md
 * describes the format; store_int.h pins it.
 */
#include "svsm/compiler.h"

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"
#include "store_int.h"

static_assert(STORE_NONCE_SIZE == CRYPTO_GCM_IV_SIZE, "GCM nonce size");
static_assert(STORE_TAG_SIZE == CRYPTO_GCM_TAG_SIZE, "GCM tag size");
static_assert(STORE_KEY_SIZE == CRYPTO_AES256_KEY_SIZE, "AES-256 key size");

/* HKDF salt and info: the format's name, so another use of the key differs. */
static const char kdf_salt[] = "csvsm store format 1";
static const char kdf_info[] = "aead key, key id";

enum svsm_err store_derive_keys(const uint8_t key[STORE_KEY_SIZE],
				struct store_keys *out)
{
	uint8_t okm[sizeof(out->aead) + sizeof(out->key_id)];
	enum svsm_err err;

	err = crypto_hkdf_sha512(kdf_salt, sizeof(kdf_salt) - 1, key,
				 STORE_KEY_SIZE, kdf_info, sizeof(kdf_info) - 1,
				 okm, sizeof(okm));
	if (err == SVSM_OK) {
		memcpy(out->aead, okm, sizeof(out->aead));
		memcpy(out->key_id, okm + sizeof(out->aead),
		       sizeof(out->key_id));
	}
	crypto_wipe(okm, sizeof(okm));
	return err;
}

enum svsm_err store_root_seal(const struct store_keys *k,
			      const struct store_root_hdr *hdr,
			      const struct store_body *body, uint8_t *blk)
{
	struct crypto_gcm g = {.key = k->aead,
			       .iv = hdr->nonce,
			       .aad = hdr,
			       .aad_len = sizeof(*hdr)};

	memset(blk, 0, STORE_BLOCK_SIZE);
	memcpy(blk, hdr, sizeof(*hdr));
	memcpy(blk + STORE_ROOT_BODY_OFF, body, sizeof(*body));
	/* The whole body, padding included, is ciphertext: no byte is free. */
	return crypto_aes256gcm_seal(
		&g, blk + STORE_ROOT_BODY_OFF, STORE_ROOT_BODY_LEN,
		blk + STORE_ROOT_BODY_OFF, blk + STORE_ROOT_TAG_OFF);
}

enum svsm_err store_root_open(const struct store_keys *k, uint8_t *blk,
			      struct store_root_hdr *hdr,
			      struct store_body *body)
{
	struct crypto_gcm g;
	enum svsm_err err;

	memcpy(hdr, blk, sizeof(*hdr));
	g.key = k->aead;
	g.iv = hdr->nonce;
	g.aad = hdr;
	g.aad_len = sizeof(*hdr);
	/* Decrypted in place: blk is the caller's private copy. */
	err = crypto_aes256gcm_open(
		&g, blk + STORE_ROOT_BODY_OFF, STORE_ROOT_BODY_LEN,
		blk + STORE_ROOT_TAG_OFF, blk + STORE_ROOT_BODY_OFF);
	if (err == SVSM_OK)
		memcpy(body, blk + STORE_ROOT_BODY_OFF, sizeof(*body));
	else
		memset(body, 0, sizeof(*body));
	crypto_wipe(blk + STORE_ROOT_BODY_OFF, STORE_ROOT_BODY_LEN);
	return err;
}

static void data_aad(const uint8_t uuid[STORE_UUID_SIZE],
		     const struct store_entry *e, struct store_data_aad *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->magic, STORE_DATA_MAGIC, sizeof(a->magic));
	memcpy(a->uuid, uuid, STORE_UUID_SIZE);
	memcpy(a->name, e->name, sizeof(a->name));
	a->size = e->size;
	a->first = e->first;
	a->count = e->count;
	a->written = e->written;
}

enum svsm_err store_data_seal(const struct store_keys *k,
			      const uint8_t uuid[STORE_UUID_SIZE],
			      struct store_entry *e, uint8_t *buf)
{
	struct store_data_aad a;
	struct crypto_gcm g = {.key = k->aead,
			       .iv = e->nonce,
			       .aad = &a,
			       .aad_len = sizeof(a)};

	data_aad(uuid, e, &a);
	return crypto_aes256gcm_seal(
		&g, buf, (size_t)e->count * STORE_BLOCK_SIZE, buf, e->tag);
}

enum svsm_err store_data_open(const struct store_keys *k,
			      const uint8_t uuid[STORE_UUID_SIZE],
			      const struct store_entry *e, uint8_t *buf)
{
	struct store_data_aad a;
	struct crypto_gcm g = {.key = k->aead,
			       .iv = e->nonce,
			       .aad = &a,
			       .aad_len = sizeof(a)};

	data_aad(uuid, e, &a);
	return crypto_aes256gcm_open(
		&g, buf, (size_t)e->count * STORE_BLOCK_SIZE, e->tag, buf);
}

size_t store_name_len(const char *name)
{
	size_t len = 0;

	while (len <= STORE_NAME_MAX && name[len])
		len++;
	if (len == 0 || len > STORE_NAME_MAX)
		return 0;
	/* "." and ".." name no file of a directory (kernel/fs/persist.c). */
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			return 0;
	return len;
}

static bool entry_valid(const struct store_entry *e, uint32_t block_count,
			uint64_t version)
{
	uint32_t want = (e->size + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
	size_t len;

	if (e->name[sizeof(e->name) - 1] != '\0')
		return false;
	len = store_name_len(e->name);
	if (!len || !mem_is_zero(e->name + len, sizeof(e->name) - len))
		return false;
	if (e->size > STORE_MAX_FILE_SIZE || e->count != want ||
	    e->reserved_2c || e->reserved_54 || e->written < 2 ||
	    e->written > version)
		return false;
	if (e->count == 0)
		return e->first == 0;
	return e->first >= STORE_ROOT_SLOTS && e->first < block_count &&
	       e->count <= block_count - e->first;
}

bool store_body_valid(const struct store_body *b, uint32_t block_count,
		      uint64_t version)
{
	if (b->file_count > STORE_MAX_FILES || b->reserved)
		return false;
	for (uint32_t i = 0; i < STORE_MAX_FILES; i++) {
		const struct store_entry *e = &b->files[i];

		if (i >= b->file_count) {
			if (!mem_is_zero(e, sizeof(*e)))
				return false;
			continue;
		}
		if (!entry_valid(e, block_count, version))
			return false;
		for (uint32_t j = 0; j < i; j++) {
			const struct store_entry *o = &b->files[j];

			if (memcmp(o->name, e->name, sizeof(e->name)) == 0)
				return false;
			if (e->count && o->count &&
			    e->first < o->first + o->count &&
			    o->first < e->first + e->count)
				return false;
		}
	}
	return true;
}
