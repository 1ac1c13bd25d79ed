/* SPDX-License-Identifier: MIT */
/*
 * The cpio "newc" format as Linux's initramfs uses it (Linux
 * Documentation/driver-api/early-userspace/buffer-format.rst): each entry is
 * a 110-byte header ("070701" and thirteen 8-digit hexadecimal fields), the
 * NUL-terminated name padded so the data starts on a 4-byte boundary, and
 * the data padded likewise; "TRAILER!!!" ends the archive.
 *
 * TRUST: the archive is measured with the SVSM, but it is still input: each
 * field is parsed strictly (hex digits only), every offset and size is
 * checked against the archive with overflow-checked arithmetic, and names
 * must be NUL-terminated where the header says.
 */
#include "svsm/cpio.h"

#include "lib/string.h"

#define HDR_SIZE     110u
#define F_MODE	     1
#define F_SIZE	     6
#define F_NAMESZ     11
#define NAME_MAX_LEN 4096u

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | d;
	}
	*out = v;
	return true;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	*it = (struct cpio_iter){.archive = archive, .size = size};
}

enum svsm_err cpio_next(struct cpio_iter *it, struct cpio_entry *out,
			bool *more, const char **why)
{
	const uint8_t *h;
	uint32_t f[13];
	size_t name_end;
	size_t data;
	size_t data_end;

	*more = false;
	*why = "";
	if (it->done)
		return SVSM_OK;
	if (it->pos > it->size || it->size - it->pos < HDR_SIZE) {
		*why = "truncated header";
		return SVSM_E_INVAL;
	}
	h = it->archive + it->pos;
	if (memcmp(h, "070701", 6) != 0) {
		*why = "bad magic (not newc)";
		return SVSM_E_INVAL;
	}
	for (unsigned int i = 0; i < 13; i++) {
		if (!hex8(h + 6 + (size_t)8 * i, &f[i])) {
			*why = "header field not hexadecimal";
			return SVSM_E_INVAL;
		}
	}
	if (f[F_NAMESZ] == 0 || f[F_NAMESZ] > NAME_MAX_LEN) {
		*why = "bad name size";
		return SVSM_E_INVAL;
	}
	name_end = it->pos + HDR_SIZE + f[F_NAMESZ];
	if (name_end > it->size) {
		*why = "name outside the archive";
		return SVSM_E_INVAL;
	}
	if (h[HDR_SIZE + f[F_NAMESZ] - 1] != '\0' ||
	    strnlen((const char *)h + HDR_SIZE, f[F_NAMESZ]) !=
		    f[F_NAMESZ] - 1) {
		*why = "name not NUL-terminated where its size says";
		return SVSM_E_INVAL;
	}
	data = align4(name_end);
	if (data > it->size || it->size - data < f[F_SIZE]) {
		*why = "data outside the archive";
		return SVSM_E_INVAL;
	}
	data_end = data + f[F_SIZE];
	*out = (struct cpio_entry){
		.name = (const char *)h + HDR_SIZE,
		.mode = f[F_MODE],
		.data = it->archive + data,
		.size = f[F_SIZE],
	};
	it->pos = align4(data_end);
	if (strcmp(out->name, "TRAILER!!!") == 0) {
		it->done = true;
		return SVSM_OK;
	}
	*more = true;
	return SVSM_OK;
}

enum svsm_err cpio_find(const void *archive, size_t size, const char *name,
			struct cpio_entry *out, bool *found, const char **why)
{
	struct cpio_iter it;
	bool more = true;

	*found = false;
	cpio_iter_init(&it, archive, size);
	while (more) {
		struct cpio_entry e;
		enum svsm_err err = cpio_next(&it, &e, &more, why);

		if (err != SVSM_OK)
			return err;
		if (more && strcmp(e.name, name) == 0) {
			*out = e;
			*found = true;
			return SVSM_OK;
		}
	}
	return SVSM_OK;
}
