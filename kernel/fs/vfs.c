/* SPDX-License-Identifier: MIT */
/*
 * Paths on the RAM file system (include/svsm/fs.h), with the results
 * Linux gives (path_resolution(7); open(2), mkdir(2), unlink(2), rmdir(2),
 * rename(2) for each error): a path is resolved from a directory, or from
 * the root when it starts with '/'; "." and ".." are understood; a
 * component longer than 255 bytes is -ENAMETOOLONG, a missing one
 * -ENOENT, a non-directory in the middle -ENOTDIR. There are no symbolic
 * links, owners or permission bits.
 *
 * TRUST: paths come from tasks. They are NUL-terminated copies in SVSM
 * memory (the syscall layer copied them once), bounded by FS_PATH_MAX.
 */
#include "svsm/fs.h"
#include "svsm/mm/heap.h"

#include "abi/linux.h"

#include "fs_int.h"
#include "lib/string.h"

static struct fs_node *root;

int fs_init(uint64_t max_pages)
{
	ramfs_set_limit(max_pages);
	if (root)
		return 0;
	root = ramfs_node_new(FS_DIR);
	if (!root)
		return -LINUX_ENOSPC;
	root->nlink = 1; /* the root is never unlinked */
	return 0;
}

struct fs_node *fs_root(void)
{
	return root;
}

static int kput(struct fs_buf *b, size_t off, const void *src, size_t len)
{
	memcpy((uint8_t *)b->ctx + off, src, len);
	b->moved += len;
	return 0;
}

static int kget(struct fs_buf *b, size_t off, void *dst, size_t len)
{
	memcpy(dst, (const uint8_t *)b->ctx + off, len);
	b->moved += len;
	return 0;
}

void fs_buf_kernel(struct fs_buf *b, void *p, size_t size)
{
	*b = (struct fs_buf){.size = size, .put = kput, .get = kget, .ctx = p};
}

/* Where a path leads: the directory holding its last component. */
struct walk {
	struct fs_node *dir; /* the parent directory */
	const char *last;    /* the last component ("" for the root) */
	size_t len;
	bool slash; /* the path ends with '/' */
};

static struct fs_node *dotdot(struct fs_node *d)
{
	return d->parent ? d->parent : d;
}

static int walk(struct fs_node *at, const char *path, struct walk *w)
{
	struct fs_node *dir = path[0] == '/' ? root : at;
	const char *p = path;

	if (!path[0])
		return -LINUX_ENOENT;
	if (strnlen(path, FS_PATH_MAX) >= FS_PATH_MAX)
		return -LINUX_ENAMETOOLONG;
	if (!dir || dir->type != FS_DIR)
		return -LINUX_ENOTDIR;
	for (;;) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (len > FS_NAME_MAX)
			return -LINUX_ENAMETOOLONG;
		while (*p == '/')
			p++;
		if (!*p) {
			*w = (struct walk){dir, start, len,
					   len && start[len] == '/'};
			return 0;
		}
		if (len == 1 && start[0] == '.')
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.') {
			dir = dotdot(dir);
			continue;
		}
		dir = ramfs_dir_find(dir, start, len, NULL);
		if (!dir)
			return -LINUX_ENOENT;
		if (dir->type != FS_DIR)
			return -LINUX_ENOTDIR;
	}
}

static bool is_dot(const struct walk *w)
{
	return w->len == 1 && w->last[0] == '.';
}

static bool is_dotdot(const struct walk *w)
{
	return w->len == 2 && w->last[0] == '.' && w->last[1] == '.';
}

/* The node the walk names, or NULL when its last component is missing. */
static struct fs_node *target(const struct walk *w, uint32_t *index)
{
	if (w->len == 0)
		return w->dir;
	if (is_dot(w))
		return w->dir;
	if (is_dotdot(w))
		return dotdot(w->dir);
	return ramfs_dir_find(w->dir, w->last, w->len, index);
}

/*
 * Makes a node of `type` under the walked name (which must not exist),
 * with its device set before anyone can find it. The name's copy is
 * prepared first, so a failure leaves the directory as it was.
 */
static int create(const struct walk *w, enum fs_type type,
		  const struct fs_dev_ops *ops, void *ctx, struct fs_node **out)
{
	struct fs_node *n = ramfs_node_new(type);
	char *copy;
	int err;

	if (!n)
		return -LINUX_ENOSPC;
	n->dev = ops;
	n->dev_ctx = ctx;
	err = ramfs_dir_prepare(w->dir, w->last, w->len, &copy);
	if (err) {
		ramfs_node_maybe_free(n);
		return err;
	}
	ramfs_dir_link(w->dir, &copy, n);
	if (out)
		*out = n;
	return 0;
}

int fs_open(struct fs_node *at, const char *path, bool create_new, bool excl,
	    struct fs_node **out)
{
	struct walk w;
	struct fs_node *n;
	int err = walk(at, path, &w);

	if (err)
		return err;
	n = target(&w, NULL);
	if (n) {
		if (create_new && excl)
			return -LINUX_EEXIST;
		if (w.slash && n->type != FS_DIR)
			return -LINUX_ENOTDIR;
		fs_get(n);
		*out = n;
		return 0;
	}
	if (!create_new)
		return -LINUX_ENOENT;
	if (w.slash)
		return -LINUX_EISDIR;
	err = create(&w, FS_REG, NULL, NULL, &n);
	if (err)
		return err;
	fs_get(n);
	*out = n;
	return 0;
}

int fs_mkdir(struct fs_node *at, const char *path)
{
	struct walk w;
	int err = walk(at, path, &w);

	if (err)
		return err;
	if (target(&w, NULL))
		return -LINUX_EEXIST;
	return create(&w, FS_DIR, NULL, NULL, NULL);
}

int fs_mkdev(const char *path, const struct fs_dev_ops *ops, void *ctx)
{
	struct walk w;
	int err = walk(root, path, &w);

	if (err)
		return err;
	if (target(&w, NULL))
		return -LINUX_EEXIST;
	return create(&w, FS_DEV, ops, ctx, NULL);
}

int fs_unlink(struct fs_node *at, const char *path, bool dir)
{
	struct walk w;
	struct fs_node *n;
	uint32_t index = 0;
	int err = walk(at, path, &w);

	if (err)
		return err;
	if (dir && is_dot(&w))
		return -LINUX_EINVAL;
	if (dir && is_dotdot(&w))
		return -LINUX_ENOTEMPTY;
	n = target(&w, &index);
	if (!n)
		return -LINUX_ENOENT;
	if (w.len == 0 || is_dot(&w) || is_dotdot(&w))
		return dir ? -LINUX_EBUSY : -LINUX_EISDIR;
	if (!dir && n->type == FS_DIR)
		return -LINUX_EISDIR;
	if (dir && n->type != FS_DIR)
		return -LINUX_ENOTDIR;
	if (!dir && w.slash)
		return -LINUX_ENOTDIR;
	if (dir && n->ent_count)
		return -LINUX_ENOTEMPTY;
	ramfs_dir_remove(w.dir, index);
	ramfs_node_maybe_free(n);
	(void)fs_watch_note(w.dir, FS_WATCH_NAMES);
	return 0;
}

/* True when `d` is `anc` or lies below it. */
static bool below(const struct fs_node *d, const struct fs_node *anc)
{
	for (; d; d = d->parent)
		if (d == anc)
			return true;
	return false;
}

int fs_rename(struct fs_node *old_at, const char *old_path,
	      struct fs_node *new_at, const char *new_path)
{
	struct walk ow;
	struct walk nw;
	struct fs_node *n;
	struct fs_node *t;
	uint32_t index = 0;
	char *copy;
	int err = walk(old_at, old_path, &ow);

	if (!err)
		err = walk(new_at, new_path, &nw);
	if (err)
		return err;
	n = target(&ow, NULL);
	if (!n)
		return -LINUX_ENOENT;
	if (ow.len == 0 || is_dot(&ow) || is_dotdot(&ow) || nw.len == 0 ||
	    is_dot(&nw) || is_dotdot(&nw))
		return -LINUX_EBUSY;
	if ((ow.slash || nw.slash) && n->type != FS_DIR)
		return -LINUX_ENOTDIR;
	t = target(&nw, NULL);
	if (t == n)
		return 0;
	if (t && n->type == FS_DIR && t->type != FS_DIR)
		return -LINUX_ENOTDIR;
	if (t && n->type != FS_DIR && t->type == FS_DIR)
		return -LINUX_EISDIR;
	if (t && t->type == FS_DIR && t->ent_count)
		return -LINUX_ENOTEMPTY;
	if (n->type == FS_DIR && below(nw.dir, n))
		return -LINUX_EINVAL;
	/* Allocate first; from here on nothing can fail. */
	err = ramfs_dir_prepare(nw.dir, nw.last, nw.len, &copy);
	if (err)
		return err;
	if (t) {
		CHECK(ramfs_dir_find(nw.dir, nw.last, nw.len, &index) == t);
		ramfs_dir_remove(nw.dir, index);
		ramfs_node_maybe_free(t);
	}
	ramfs_dir_link(nw.dir, &copy, n);
	CHECK(ramfs_dir_find(ow.dir, ow.last, ow.len, &index) == n);
	ramfs_dir_remove(ow.dir, index);
	if (n->type == FS_DIR)
		n->parent = nw.dir;
	(void)fs_watch_note(ow.dir, FS_WATCH_NAMES);
	if (nw.dir != ow.dir)
		(void)fs_watch_note(nw.dir, FS_WATCH_NAMES);
	return 0;
}

static struct {
	struct fs_node *dir;
	int (*changed)(void *ctx);
	void *ctx;
	bool busy;
} watch;

void fs_watch_dir(struct fs_node *dir, int (*changed)(void *ctx), void *ctx)
{
	watch.dir = dir;
	watch.changed = changed;
	watch.ctx = ctx;
}

int fs_watch_note(struct fs_node *n, enum fs_watch_why why)
{
	struct fs_node *d = watch.dir;
	bool in = n == d;
	uint32_t open = 0;
	int err;

	if (!d || watch.busy)
		return 0;
	for (uint32_t i = 0; i < d->ent_count; i++) {
		struct fs_node *e = d->ents[i].node;

		in = in || (n->type == FS_REG && e == n);
		if (e->type == FS_REG)
			open += e->refs;
	}
	if (!in)
		return 0;
	/*
	 * A release or a change of names waits until no file in the
	 * directory is open (a release: but for the reference going away),
	 * so a file half-way through its writes is never stored; fsync
	 * stores at once.
	 */
	if (why == FS_WATCH_RELEASE && open != 1)
		return 0;
	if (why == FS_WATCH_NAMES && open != 0)
		return 0;
	watch.busy = true;
	err = watch.changed(watch.ctx);
	watch.busy = false;
	return err;
}

int fs_sync(struct fs_node *n)
{
	return fs_watch_note(n, FS_WATCH_SYNC);
}
