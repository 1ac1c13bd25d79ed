/* SPDX-License-Identifier: MIT */
/*
 * The file system tasks see (kernel/fs): one RAM file system with
 * directories and regular files, reached by path. It implements Linux's
 * file semantics for the syscall layer, so its errors are Linux errno
 * values, negated, produced here and nowhere else (include/abi/linux.h).
 *
 * The buffer rule: file data moves once, between a file's pages and the
 * caller's memory, through a struct fs_buf. The task layer gives a buffer
 * over user memory (fault-safe copies), tests give one over kernel memory;
 * the file system never stages data in a buffer of its own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"

struct fs_node;

/*
 * Memory that file data moves from or to: `size` bytes, reached only
 * through `put` (a file read: copy src into the buffer at off) and `get`
 * (a file write: copy from the buffer at off into dst). Each returns 0 or
 * a negative errno (-EFAULT for a user buffer that faults).
 */
struct fs_buf {
	size_t size;
	int (*put)(struct fs_buf *b, size_t off, const void *src, size_t len);
	int (*get)(struct fs_buf *b, size_t off, void *dst, size_t len);
	void *ctx;
	uint64_t addr;
	uint64_t moved; /* bytes put or got, for the single-copy proof */
};
/* A buffer over kernel memory [p, p + size). */
void fs_buf_kernel(struct fs_buf *b, void *p, size_t size);

enum fs_type {
	FS_REG = 1,
	FS_DIR = 2,
	FS_DEV = 3, /* a device the SVSM offers its tasks */
};

/*
 * A device: reads and writes go to the SVSM code that registered it, with
 * the caller's buffer and offset; each returns a count or -errno, and moves
 * bytes only through the buffer (the single-copy rule holds for devices
 * too).
 */
struct fs_dev_ops {
	long (*read)(void *ctx, uint64_t off, struct fs_buf *buf);
	long (*write)(void *ctx, uint64_t off, struct fs_buf *buf);
};
/*
 * A device read's answer when it has nothing yet: the reading task blocks
 * (task_run() returns TASK_BLOCKED) and makes the read again when it is
 * resumed. Never seen by a task; it is not an errno value.
 */
#define FS_DEV_WAIT (-512L)

struct fs_stat {
	enum fs_type type;
	uint64_t ino;
	uint64_t size;
	uint32_t nlink;
	uint64_t blocks; /* 512-byte units */
};

/* Limits of the whole file system. */
#define FS_NAME_MAX 255u
#define FS_PATH_MAX 4096u

/* Creates the empty root directory; `max_pages` bounds all file data. */
int __must_check fs_init(uint64_t max_pages);
/* The root directory. */
struct fs_node *fs_root(void);

/*
 * Opening: resolves `path` from directory `at` (absolute paths from the
 * root). With `create`, a missing regular file is made (-EEXIST with
 * `excl` when it exists). -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EISDIR
 * (creating over a directory). On success *out holds a reference that
 * fs_put() drops.
 */
int __must_check fs_open(struct fs_node *at, const char *path, bool create,
			 bool excl, struct fs_node **out);
void fs_get(struct fs_node *n);
void fs_put(struct fs_node *n);
enum fs_type fs_type(const struct fs_node *n);
void fs_stat(const struct fs_node *n, struct fs_stat *st);

/* Reads up to buf->size bytes at `off` into buf; returns the count. */
long fs_read(struct fs_node *n, uint64_t off, struct fs_buf *buf);
/* Writes buf->size bytes at `off`; returns the count or -ENOSPC/-EFBIG. */
long fs_write(struct fs_node *n, uint64_t off, struct fs_buf *buf);
/* Sets the size: shrinking frees pages, growing reads back zeros. */
int __must_check fs_truncate(struct fs_node *n, uint64_t size);

int __must_check fs_mkdir(struct fs_node *at, const char *path);
int __must_check fs_unlink(struct fs_node *at, const char *path, bool dir);
int __must_check fs_rename(struct fs_node *old_at, const char *old_path,
			   struct fs_node *new_at, const char *new_path);

/*
 * Directory entry `index` of directory n ("." and ".." are 0 and 1): its
 * name, inode and type. False past the end.
 */
bool fs_dirent(const struct fs_node *n, uint64_t index, const char **name,
	       uint64_t *ino, enum fs_type *type);
/*
 * Creates the device node `path` (its directory must exist; -EEXIST if the
 * name is taken) whose reads and writes call `ops` with `ctx`.
 */
int __must_check fs_mkdev(const char *path, const struct fs_dev_ops *ops,
			  void *ctx);
/*
 * Adds the regular files and directories of a cpio "newc" archive (the
 * root file-system image the SVSM was launched with) under the root,
 * creating directories as needed. The files stay where the archive lies:
 * read-only (-EROFS on writing or truncating), no copy, no page of the
 * file-system limit. -EINVAL for a malformed archive (*why says why).
 */
int __must_check fs_unpack_cpio(const void *archive, size_t size,
				const char **why);
/* True for a file of the image (read-only). */
bool fs_readonly(const struct fs_node *n);
/* Where a file of the image lies, for the task loader; false otherwise. */
bool fs_image_data(const struct fs_node *n, const void **data, size_t *size);
/*
 * A watcher of one directory: kernel/fs/persist.c keeps a directory on
 * the persistent store (docs/storage.md). `changed` runs when the last
 * reference to a regular file of `dir` goes (fs_put: a close, or the end
 * of a lookup) and no other file of it is open, after an entry of `dir` is
 * unlinked or renamed while none of its files is open, and on fs_sync()
 * of the directory or a file of it; it returns 0 or -errno. One watch at a time; a NULL dir ends it. The
 * watcher must not call back into fs_put() or the calls that trigger it.
 */
void fs_watch_dir(struct fs_node *dir, int (*changed)(void *ctx), void *ctx);
/*
 * fsync(2) and fdatasync(2) of n: 0, or the watcher's -errno (-EIO when
 * a watched directory's state could not be stored).
 */
int __must_check fs_sync(struct fs_node *n);

/* Pages of file data in use, and the limit. */
void fs_usage(uint64_t *pages, uint64_t *max_pages);
