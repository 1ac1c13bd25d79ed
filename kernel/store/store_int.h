/* SPDX-License-Identifier: MIT */
/*
 * The store room's own interface: the on-disk format (docs/storage.md,
 * "On-disk format") and the crypto steps on it (format.c), used by the
 * open and update logic (store.c). Only the files beside it include it.
 *
 * All integers are little-endian (x86-64 only); every structure's size
 * and offsets are pinned below, because they are the disk format.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/store.h"

#define STORE_SECTORS_PER_BLOCK (STORE_BLOCK_SIZE / BLOCK_SECTOR_SIZE)
#define STORE_FORMAT		1u
#define STORE_ROOT_MAGIC	"csvsmST1"
#define STORE_DATA_MAGIC	"csvsmSD1"
#define STORE_NONCE_SIZE	12u
#define STORE_TAG_SIZE		16u
#define STORE_KEY_ID_SIZE	16u
#define STORE_UUID_SIZE		16u
#define STORE_ROOT_SLOTS	2u /* blocks 0 and 1; data from block 2 */

/* The authenticated, unencrypted head of a root block (its AAD). */
struct store_root_hdr {
	char magic[8];	      /* 0x00 STORE_ROOT_MAGIC */
	uint32_t format;      /* 0x08 STORE_FORMAT */
	uint32_t slot;	      /* 0x0c the block it was written to: 0 or 1 */
	uint64_t version;     /* 0x10 1 after format, +1 per update */
	uint32_t block_count; /* 0x18 blocks of the store, roots included */
	uint32_t reserved_1c; /* 0x1c 0 */
	uint8_t uuid[STORE_UUID_SIZE];	   /* 0x20 random at format */
	uint8_t key_id[STORE_KEY_ID_SIZE]; /* 0x30 derived from the key */
	uint8_t nonce[STORE_NONCE_SIZE];   /* 0x40 random per root write */
	uint32_t reserved_4c;		   /* 0x4c 0 */
};
static_assert(sizeof(struct store_root_hdr) == 0x50, "root header size");

/* A file: where its ciphertext lies and how to authenticate it. */
struct store_entry {
	char name[32];	      /* 0x00 1..31 bytes, NUL-padded */
	uint32_t size;	      /* 0x20 bytes of the file */
	uint32_t first;	      /* 0x24 first block (0 when count is 0) */
	uint32_t count;	      /* 0x28 blocks: size rounded up to blocks */
	uint32_t reserved_2c; /* 0x2c 0 */
	uint64_t written;     /* 0x30 the version whose update wrote it */
	uint8_t nonce[STORE_NONCE_SIZE]; /* 0x38 */
	uint8_t tag[STORE_TAG_SIZE];	 /* 0x44 */
	uint32_t reserved_54;		 /* 0x54 0 */
};
static_assert(sizeof(struct store_entry) == 0x58, "entry size");

/* The encrypted part of a root: the file table, then zeros. */
struct store_body {
	uint32_t file_count;
	uint32_t reserved;
	struct store_entry files[STORE_MAX_FILES];
};

#define STORE_ROOT_TAG_OFF  0x50u
#define STORE_ROOT_BODY_OFF 0x60u
#define STORE_ROOT_BODY_LEN (STORE_BLOCK_SIZE - STORE_ROOT_BODY_OFF)
static_assert(sizeof(struct store_body) <= STORE_ROOT_BODY_LEN,
	      "the file table fits in a root block");

/* The AAD of a file's ciphertext: binds it to its store, place, version. */
struct store_data_aad {
	char magic[8]; /* STORE_DATA_MAGIC */
	uint8_t uuid[STORE_UUID_SIZE];
	char name[32];
	uint32_t size;
	uint32_t first;
	uint32_t count;
	uint32_t reserved;
	uint64_t written;
};
static_assert(sizeof(struct store_data_aad) == 80, "data AAD size");

/* Keys derived from the source's key (format.c). */
struct store_keys {
	uint8_t aead[32];
	uint8_t key_id[STORE_KEY_ID_SIZE];
};

enum svsm_err __must_check store_derive_keys(const uint8_t key[STORE_KEY_SIZE],
					     struct store_keys *out);

/*
 * Seals a root: hdr (filled in but for the nonce, which must be set) and
 * body into blk (STORE_BLOCK_SIZE bytes).
 */
enum svsm_err __must_check store_root_seal(const struct store_keys *k,
					   const struct store_root_hdr *hdr,
					   const struct store_body *body,
					   uint8_t *blk);
/*
 * Opens a root block read from the device: blk is the private copy,
 * decrypted in place and then wiped. SVSM_OK with *hdr and *body filled
 * when it authenticates, else SVSM_E_INVAL (and *body is zero).
 */
enum svsm_err __must_check store_root_open(const struct store_keys *k,
					   uint8_t *blk,
					   struct store_root_hdr *hdr,
					   struct store_body *body);

/* Seals/opens a file's blocks: buf holds e->count blocks, in place. */
enum svsm_err __must_check store_data_seal(const struct store_keys *k,
					   const uint8_t uuid[STORE_UUID_SIZE],
					   struct store_entry *e, uint8_t *buf);
enum svsm_err __must_check store_data_open(const struct store_keys *k,
					   const uint8_t uuid[STORE_UUID_SIZE],
					   const struct store_entry *e,
					   uint8_t *buf);

/*
 * The checks a decrypted file table must pass: names, sizes, extents
 * inside [2, block_count), no two files sharing a block or a name,
 * written by an update (2..version), reserved fields zero.
 */
bool store_body_valid(const struct store_body *b, uint32_t block_count,
		      uint64_t version);
/* The length of a valid name (1..STORE_NAME_MAX bytes, no "/", not "." or
 * ".."), or 0. */
size_t store_name_len(const char *name);
