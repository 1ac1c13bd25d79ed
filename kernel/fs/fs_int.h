/* SPDX-License-Identifier: MIT */
/*
 * The file-system room's own interface: nodes and directory entries of the
 * RAM file system (ramfs.c), used by the path layer (vfs.c). Only the files
 * beside it in kernel/fs include it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/fs.h"

/* The largest file: 64 MiB (its page-pointer array stays at 128 KiB). */
#define RAMFS_MAX_FILE (64ull << 20)
/* Files, directories and devices together, the root included. */
#define RAMFS_MAX_NODES 4096u

struct fs_dirent {
	char *name;
	struct fs_node *node;
};

struct fs_node {
	enum fs_type type;
	uint64_t ino;
	uint32_t nlink; /* directory entries naming it */
	uint32_t refs;	/* open files and walks holding it */
	uint64_t size;	/* FS_REG */
	paddr_t *pages; /* FS_REG: page_count pointers, 0 for a hole */
	uint64_t page_count;
	uint64_t page_cap;
	struct fs_dirent *ents; /* FS_DIR */
	uint32_t ent_count;
	uint32_t ent_cap;
	uint32_t subdirs;
	struct fs_node *parent; /* FS_DIR: for ".." */
	const uint8_t *rodata;	/* FS_REG from the image: read-only, in place */
	const struct fs_dev_ops *dev; /* FS_DEV */
	void *dev_ctx;
};

void ramfs_set_limit(uint64_t max_pages);
struct fs_node *ramfs_node_new(enum fs_type type);
/* Frees the node if no entry and no reference is left. */
void ramfs_node_maybe_free(struct fs_node *n);
struct fs_node *ramfs_dir_find(const struct fs_node *dir, const char *name,
			       size_t len, uint32_t *index);
/*
 * Linking in two steps, so that a rename can check and allocate first and
 * then change the tree in steps that cannot fail: prepare reserves room
 * in `dir` and copies the name; link adds the entry and takes the copy.
 */
int ramfs_dir_prepare(struct fs_node *dir, const char *name, size_t len,
		      char **copy);
void ramfs_dir_link(struct fs_node *dir, char **copy, struct fs_node *n);
void ramfs_dir_remove(struct fs_node *dir, uint32_t index);

/*
 * The watch of fs_watch_dir() (vfs.c): runs the watcher when n is the
 * watched directory or a regular file in it, and `why` allows it now:
 * a release (fs_put, before the reference drops) when it is the last
 * reference to any file of the directory, a change of names when no file
 * of it is open, fsync always. 0 otherwise.
 */
enum fs_watch_why {
	FS_WATCH_RELEASE,
	FS_WATCH_NAMES,
	FS_WATCH_SYNC,
};
int fs_watch_note(struct fs_node *n, enum fs_watch_why why);
