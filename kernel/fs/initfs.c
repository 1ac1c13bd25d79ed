/* SPDX-License-Identifier: MIT */
/*
 * Unpacking the root file-system image (a cpio "newc" archive, read by
 * cpio.c) into the RAM file system. Regular files become read-only nodes
 * whose data stays in the archive, in the SVSM's measured image: nothing
 * is copied, and a task cannot change what was measured. Directories are
 * created as the paths need them; other entry types (links, devices) are
 * skipped.
 *
 * TRUST: the archive is part of the measured image, and cpio.c checks its
 * structure; names are still bounded and resolved like any path.
 */
#include "svsm/cpio.h"
#include "svsm/fs.h"
#include "svsm/mm/heap.h"

#include "abi/linux.h"

#include "fs_int.h"
#include "lib/string.h"

#define MODE_TYPE 0170000u
#define MODE_DIR  0040000u
#define MODE_REG  0100000u

/* Creates every directory on the way to the last component of `path`. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		int err;

		if (*p != '/')
			continue;
		*p = '\0';
		err = fs_mkdir(fs_root(), path);
		*p = '/';
		if (err && err != -LINUX_EEXIST)
			return err;
	}
	return 0;
}

static int add_file(const char *path, const uint8_t *data, size_t size)
{
	struct fs_node *n;
	int err = fs_open(fs_root(), path, true, true, &n);

	if (err)
		return err;
	n->rodata = data;
	n->size = size;
	fs_put(n);
	return 0;
}

int fs_unpack_cpio(const void *archive, size_t size, const char **why)
{
	struct cpio_iter it;
	bool more = true;
	char *path = kmalloc(FS_PATH_MAX);
	int err = 0;

	if (!path)
		return -LINUX_ENOSPC;
	cpio_iter_init(&it, archive, size);
	while (more) {
		struct cpio_entry e;
		size_t len;

		if (cpio_next(&it, &e, &more, why) != SVSM_OK) {
			err = -LINUX_EINVAL;
			break;
		}
		if (!more)
			break;
		len = strnlen(e.name, FS_PATH_MAX);
		if (len + 2 > FS_PATH_MAX || !len ||
		    (len == 1 && e.name[0] == '.'))
			continue;
		path[0] = '/';
		memcpy(path + 1, e.name, len + 1);
		err = make_parents(path);
		if (!err && (e.mode & MODE_TYPE) == MODE_DIR)
			err = fs_mkdir(fs_root(), path);
		else if (!err && (e.mode & MODE_TYPE) == MODE_REG)
			err = add_file(path, e.data, e.size);
		if (err == -LINUX_EEXIST)
			err = 0;
		if (err) {
			*why = "cannot add a file to the file system";
			break;
		}
	}
	kfree(path);
	return err;
}
