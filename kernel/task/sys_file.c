/* SPDX-License-Identifier: MIT */
/*
 * File descriptors and the file syscalls, with Linux's numbers, arguments
 * and errors (the man pages of each call, section 2; glibc 2.36 on x86-64
 * still uses the older path calls open, stat, rename, unlink, mkdir, rmdir,
 * access, so both forms are here). The current directory is always the
 * root. Descriptors 0-2 start on the console: reads see end of file,
 * writes go to the task's captured output.
 *
 * The buffer rule: read and write move file bytes once, straight between
 * the file's pages and the task's buffer, through a struct fs_buf whose
 * copies are the fault-safe user copies (uvm.c).
 *
 * TRUST: every argument comes from the task. Descriptors are bounds-
 * checked, paths copied once (at most FS_PATH_MAX bytes) before use,
 * lengths capped, user ranges checked before the file system sees them.
 */
#include "svsm/mm/heap.h"

#include "abi/linux.h"

#include "lib/string.h"
#include "task_int.h"

#define MAX_RW_COUNT	    0x7ffff000ull /* Linux's cap on one transfer */
#define AT_SYMLINK_NOFOLLOW 0x100u

static int uput(struct fs_buf *b, size_t off, const void *src, size_t len)
{
	int err = copy_to_user(b->ctx, b->addr + off, src, len);

	if (!err)
		b->moved += len;
	return err;
}

static int uget(struct fs_buf *b, size_t off, void *dst, size_t len)
{
	int err = copy_from_user(b->ctx, dst, b->addr + off, len);

	if (!err)
		b->moved += len;
	return err;
}

static void user_buf(struct fs_buf *b, struct task *t, uint64_t addr,
		     size_t size)
{
	*b = (struct fs_buf){
		.size = size, .put = uput, .get = uget, .ctx = t, .addr = addr};
}

enum svsm_err files_init(struct task *t)
{
	for (unsigned int fd = 0; fd < 3; fd++) {
		t->files[fd] = kmalloc(sizeof(struct task_file));
		if (!t->files[fd])
			return SVSM_E_NOMEM;
		*t->files[fd] = (struct task_file){
			.flags = fd ? LINUX_O_WRONLY : LINUX_O_RDONLY};
	}
	return SVSM_OK;
}

static void file_close(struct task *t, unsigned int fd)
{
	struct task_file *f = t->files[fd];

	t->files[fd] = NULL;
	if (f->node)
		fs_put(f->node);
	kfree(f);
}

void files_release(struct task *t)
{
	for (unsigned int fd = 0; fd < TASK_FD_SLOTS; fd++)
		if (t->files[fd])
			file_close(t, fd);
}

static struct task_file *file_get(struct task *t, uint64_t fd)
{
	return fd < TASK_FD_SLOTS ? t->files[fd] : NULL;
}

/* Copies a path into a new kernel buffer; the caller kfree()s it. */
static int get_path(struct task *t, uint64_t upath, char **out)
{
	char *p = kmalloc(FS_PATH_MAX);
	int err;

	if (!p)
		return -LINUX_ENOMEM;
	err = copy_string_from_user(t, p, upath, FS_PATH_MAX);
	if (err) {
		kfree(p);
		return err;
	}
	*out = p;
	return 0;
}

/* The directory a relative path starts from (dirfd of the *at calls). */
static int at_dir(struct task *t, uint64_t dirfd, const char *path,
		  struct fs_node **out)
{
	struct task_file *f;

	if (path[0] == '/' || (int)dirfd == LINUX_AT_FDCWD) {
		*out = fs_root();
		return 0;
	}
	f = file_get(t, dirfd);
	if (!f)
		return -LINUX_EBADF;
	if (!f->node || fs_type(f->node) != FS_DIR)
		return -LINUX_ENOTDIR;
	*out = f->node;
	return 0;
}

static long console_write(struct task *t, uint64_t buf, uint64_t len)
{
	size_t room = TASK_OUTPUT_MAX - t->out_len;
	size_t n = len < room ? len : room;
	int err;

	if (!uvm_range_ok(buf, len))
		return -LINUX_EFAULT;
	/* Once, from the task's buffer into its output; the excess is dropped. */
	err = copy_from_user(t, t->out + t->out_len, buf, n);
	if (err)
		return err;
	t->out_len += n;
	return (long)len;
}

/* read/write/pread64/pwrite64 on one descriptor; pos NULL: the file's. */
static long rw(struct task *t, uint64_t fd, uint64_t buf, uint64_t len,
	       bool write, const uint64_t *pos)
{
	struct task_file *f = file_get(t, fd);
	uint32_t mode;
	struct fs_buf b;
	uint64_t off;
	long r;

	if (!f)
		return -LINUX_EBADF;
	/* Access mode 3 (O_ACCMODE) opens for neither, as on Linux. */
	mode = f->flags & LINUX_O_ACCMODE;
	if (write ? mode != LINUX_O_WRONLY && mode != LINUX_O_RDWR
		  : mode != LINUX_O_RDONLY && mode != LINUX_O_RDWR)
		return -LINUX_EBADF;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!f->node) {
		if (pos)
			return -LINUX_ESPIPE;
		return write ? console_write(t, buf, len) : 0;
	}
	if (fs_type(f->node) == FS_DIR)
		return -LINUX_EISDIR;
	if (!uvm_range_ok(buf, len))
		return -LINUX_EFAULT;
	if (pos && (int64_t)*pos < 0)
		return -LINUX_EINVAL;
	if (pos) {
		off = *pos;
	} else if (write && (f->flags & LINUX_O_APPEND)) {
		struct fs_stat st;

		fs_stat(f->node, &st);
		off = st.size;
	} else {
		off = f->pos;
	}
	user_buf(&b, t, buf, len);
	r = write ? fs_write(f->node, off, &b) : fs_read(f->node, off, &b);
	if (r > 0 && !pos)
		f->pos = off + (uint64_t)r;
	return r;
}

static long rwv(struct task *t, uint64_t fd, uint64_t iov, uint64_t iovcnt,
		bool write)
{
	long total = 0;

	if (!file_get(t, fd))
		return -LINUX_EBADF;
	if (iovcnt > LINUX_UIO_MAXIOV)
		return -LINUX_EINVAL;
	for (uint64_t i = 0; i < iovcnt; i++) {
		struct linux_iovec v;
		int err = copy_from_user(t, &v, iov + i * sizeof(v), sizeof(v));
		long r;

		if (err)
			return total ? total : err;
		if (v.iov_len > MAX_RW_COUNT - (uint64_t)total)
			return total ? total : -LINUX_EINVAL;
		if (!v.iov_len)
			continue;
		r = rw(t, fd, v.iov_base, v.iov_len, write, NULL);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v.iov_len)
			break;
	}
	return total;
}

static long do_open(struct task *t, uint64_t dirfd, uint64_t upath,
		    uint64_t flags)
{
	uint32_t mode = flags & LINUX_O_ACCMODE;
	struct fs_node *at;
	struct fs_node *n = NULL;
	struct task_file *f;
	unsigned int fd;
	char *path;
	int err;

	for (fd = 0; fd < t->max_fds && t->files[fd]; fd++)
		;
	if (fd == t->max_fds)
		return -LINUX_EMFILE;
	err = get_path(t, upath, &path);
	if (err)
		return err;
	err = at_dir(t, dirfd, path, &at);
	if (!err)
		err = fs_open(at, path, flags & LINUX_O_CREAT,
			      flags & LINUX_O_EXCL, &n);
	kfree(path);
	if (err)
		return err;
	if ((flags & LINUX_O_DIRECTORY) && fs_type(n) != FS_DIR)
		err = -LINUX_ENOTDIR;
	else if (fs_readonly(n) &&
		 (mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR ||
		  (flags & LINUX_O_TRUNC)))
		err = -LINUX_EROFS;
	else if (fs_type(n) == FS_DIR &&
		 (mode != LINUX_O_RDONLY || (flags & LINUX_O_CREAT)))
		err = -LINUX_EISDIR;
	f = err ? NULL : kmalloc(sizeof(*f));
	if (!err && !f)
		err = -LINUX_ENOMEM;
	if (!err && (flags & LINUX_O_TRUNC) &&
	    (mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR) &&
	    fs_type(n) == FS_REG)
		err = fs_truncate(n, 0);
	if (err) {
		kfree(f);
		fs_put(n);
		return err;
	}
	*f = (struct task_file){
		.node = n,
		.flags = (uint32_t)(flags & (LINUX_O_ACCMODE | LINUX_O_APPEND)),
		.cloexec = flags & LINUX_O_CLOEXEC,
	};
	t->files[fd] = f;
	return fd;
}

static long do_close(struct task *t, uint64_t fd)
{
	if (!file_get(t, fd))
		return -LINUX_EBADF;
	file_close(t, (unsigned int)fd);
	return 0;
}

static long do_lseek(struct task *t, uint64_t fd, uint64_t off, uint64_t whence)
{
	struct task_file *f = file_get(t, fd);
	int64_t base;
	int64_t res;
	struct fs_stat st;

	if (!f)
		return -LINUX_EBADF;
	if (!f->node)
		return -LINUX_ESPIPE;
	fs_stat(f->node, &st);
	switch (whence) {
	case LINUX_SEEK_SET:
		base = 0;
		break;
	case LINUX_SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case LINUX_SEEK_END:
		base = (int64_t)st.size;
		break;
	default:
		return -LINUX_EINVAL;
	}
	if (__builtin_add_overflow(base, (int64_t)off, &res) || res < 0)
		return -LINUX_EINVAL;
	f->pos = (uint64_t)res;
	return res;
}

static void fill_stat(const struct fs_stat *s, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 1;
	st->st_ino = s->ino;
	st->st_nlink = s->nlink;
	if (s->type == FS_DIR)
		st->st_mode = LINUX_S_IFDIR | 0755;
	else if (s->type == FS_DEV)
		st->st_mode = LINUX_S_IFCHR | 0600;
	else
		st->st_mode = LINUX_S_IFREG | 0644;
	st->st_size = (int64_t)s->size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)s->blocks;
}

static long stat_fd(struct task *t, struct task_file *f, uint64_t ubuf)
{
	struct linux_stat st;
	struct fs_stat s;

	if (!f->node) {
		/* The console streams look like pipes. */
		memset(&st, 0, sizeof(st));
		st.st_mode = LINUX_S_IFIFO | 0600;
		st.st_nlink = 1;
		st.st_blksize = 4096;
		return copy_to_user(t, ubuf, &st, sizeof(st));
	}
	fs_stat(f->node, &s);
	fill_stat(&s, &st);
	return copy_to_user(t, ubuf, &st, sizeof(st));
}

static long do_fstatat(struct task *t, uint64_t dirfd, uint64_t upath,
		       uint64_t ubuf, uint64_t flags)
{
	struct fs_node *at;
	struct fs_node *n;
	struct linux_stat st;
	struct fs_stat s;
	char *path;
	int err;

	if (flags & ~(uint64_t)(LINUX_AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -LINUX_EINVAL;
	err = get_path(t, upath, &path);
	if (err)
		return err;
	if (!path[0] && (flags & LINUX_AT_EMPTY_PATH)) {
		struct task_file *f = file_get(t, dirfd);

		kfree(path);
		if ((int)dirfd == LINUX_AT_FDCWD) {
			fs_stat(fs_root(), &s);
			fill_stat(&s, &st);
			return copy_to_user(t, ubuf, &st, sizeof(st));
		}
		return f ? stat_fd(t, f, ubuf) : -LINUX_EBADF;
	}
	err = at_dir(t, dirfd, path, &at);
	if (!err)
		err = fs_open(at, path, false, false, &n);
	kfree(path);
	if (err)
		return err;
	fs_stat(n, &s);
	fs_put(n);
	fill_stat(&s, &st);
	return copy_to_user(t, ubuf, &st, sizeof(st));
}

static long do_truncate(struct task *t, struct task_file *f, uint64_t len)
{
	(void)t;
	if ((int64_t)len < 0)
		return -LINUX_EINVAL;
	if (!f->node || fs_type(f->node) != FS_REG ||
	    ((f->flags & LINUX_O_ACCMODE) != LINUX_O_WRONLY &&
	     (f->flags & LINUX_O_ACCMODE) != LINUX_O_RDWR))
		return -LINUX_EINVAL;
	return fs_truncate(f->node, len);
}

static long do_truncate_path(struct task *t, uint64_t upath, uint64_t len)
{
	struct fs_node *n;
	char *path;
	int err;

	if ((int64_t)len < 0)
		return -LINUX_EINVAL;
	err = get_path(t, upath, &path);
	if (err)
		return err;
	err = fs_open(fs_root(), path, false, false, &n);
	kfree(path);
	if (err)
		return err;
	err = fs_type(n) == FS_DIR ? -LINUX_EISDIR : fs_truncate(n, len);
	fs_put(n);
	return err;
}

/* mkdir, unlink, rmdir and access: one path, one operation. */
enum path_op {
	OP_MKDIR,
	OP_UNLINK,
	OP_RMDIR,
	OP_ACCESS,
	OP_READLINK
};

static long path_op(struct task *t, uint64_t dirfd, uint64_t upath,
		    enum path_op op)
{
	struct fs_node *at;
	struct fs_node *n;
	char *path;
	int err = get_path(t, upath, &path);

	if (err)
		return err;
	err = at_dir(t, dirfd, path, &at);
	if (!err) {
		switch (op) {
		case OP_MKDIR:
			err = fs_mkdir(at, path);
			break;
		case OP_UNLINK:
		case OP_RMDIR:
			err = fs_unlink(at, path, op == OP_RMDIR);
			break;
		case OP_ACCESS:
		case OP_READLINK:
			err = fs_open(at, path, false, false, &n);
			if (!err) {
				fs_put(n);
				/* No symbolic links exist. */
				if (op == OP_READLINK)
					err = -LINUX_EINVAL;
			}
			break;
		}
	}
	kfree(path);
	return err;
}

static long do_rename(struct task *t, uint64_t olddirfd, uint64_t uold,
		      uint64_t newdirfd, uint64_t unew, uint64_t flags)
{
	struct fs_node *old_at;
	struct fs_node *new_at;
	struct fs_node *n;
	char *oldp;
	char *newp = NULL;
	int err;

	if (flags & ~(uint64_t)LINUX_RENAME_NOREPLACE)
		return -LINUX_EINVAL;
	err = get_path(t, uold, &oldp);
	if (err)
		return err;
	err = get_path(t, unew, &newp);
	if (!err)
		err = at_dir(t, olddirfd, oldp, &old_at);
	if (!err)
		err = at_dir(t, newdirfd, newp, &new_at);
	if (!err && (flags & LINUX_RENAME_NOREPLACE) &&
	    fs_open(new_at, newp, false, false, &n) == 0) {
		fs_put(n);
		err = -LINUX_EEXIST;
	}
	if (!err)
		err = fs_rename(old_at, oldp, new_at, newp);
	kfree(oldp);
	kfree(newp);
	return err;
}

/* struct linux_dirent64 (getdents64(2)): ino, off, reclen, type, name. */
static long do_getdents64(struct task *t, uint64_t fd, uint64_t ubuf,
			  uint64_t count)
{
	struct task_file *f = file_get(t, fd);
	uint8_t rec[24 + FS_NAME_MAX + 1];
	uint64_t done = 0;

	if (!f)
		return -LINUX_EBADF;
	if (!f->node || fs_type(f->node) != FS_DIR)
		return -LINUX_ENOTDIR;
	if (!uvm_range_ok(ubuf, count))
		return -LINUX_EFAULT;
	for (;;) {
		const char *name;
		uint64_t ino;
		enum fs_type type;
		size_t nlen;
		uint16_t reclen;
		int64_t next = (int64_t)f->pos + 1;
		uint8_t dtype;
		int err;

		if (!fs_dirent(f->node, f->pos, &name, &ino, &type))
			break;
		nlen = strlen(name);
		reclen = (uint16_t)ALIGN_UP(19 + nlen + 1, 8);
		if (reclen > count - done) {
			if (!done)
				return -LINUX_EINVAL;
			break;
		}
		memset(rec, 0, reclen);
		if (type == FS_DIR)
			dtype = LINUX_DT_DIR;
		else if (type == FS_DEV)
			dtype = LINUX_DT_CHR;
		else
			dtype = LINUX_DT_REG;
		memcpy(rec, &ino, 8);
		memcpy(rec + 8, &next, 8);
		memcpy(rec + 16, &reclen, 2);
		rec[18] = dtype;
		memcpy(rec + 19, name, nlen);
		err = copy_to_user(t, ubuf + done, rec, reclen);
		if (err)
			return done ? (long)done : err;
		done += reclen;
		f->pos++;
	}
	return (long)done;
}

/* fcntl(2): the descriptor flag and the status flags; nothing else. */
static long do_fcntl(struct task *t, uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct task_file *f = file_get(t, fd);

	if (!f)
		return -LINUX_EBADF;
	switch (cmd) {
	case LINUX_F_GETFD:
		return f->cloexec ? LINUX_FD_CLOEXEC : 0;
	case LINUX_F_SETFD:
		f->cloexec = arg & LINUX_FD_CLOEXEC;
		return 0;
	case LINUX_F_GETFL:
		return f->flags;
	case LINUX_F_SETFL:
		/* Of the flags F_SETFL may change, csvsm keeps O_APPEND. */
		f->flags = (f->flags & ~(uint32_t)LINUX_O_APPEND) |
			   (uint32_t)(arg & LINUX_O_APPEND);
		return 0;
	default:
		return -LINUX_EINVAL;
	}
}

long sys_file(struct task *t, uint64_t nr, const uint64_t a[6], bool *handled)
{
	struct task_file *f;
	uint64_t cwd = (uint64_t)(int64_t)LINUX_AT_FDCWD;

	*handled = true;
	switch (nr) {
	case NR_read:
		return rw(t, a[0], a[1], a[2], false, NULL);
	case NR_write:
		return rw(t, a[0], a[1], a[2], true, NULL);
	case NR_pread64:
		return rw(t, a[0], a[1], a[2], false, &a[3]);
	case NR_pwrite64:
		return rw(t, a[0], a[1], a[2], true, &a[3]);
	case NR_readv:
		return rwv(t, a[0], a[1], a[2], false);
	case NR_writev:
		return rwv(t, a[0], a[1], a[2], true);
	case NR_open:
		return do_open(t, cwd, a[0], a[1]);
	case NR_openat:
		return do_open(t, a[0], a[1], a[2]);
	case NR_close:
		return do_close(t, a[0]);
	case NR_lseek:
		return do_lseek(t, a[0], a[1], a[2]);
	case NR_fstat:
		f = file_get(t, a[0]);
		return f ? stat_fd(t, f, a[1]) : -LINUX_EBADF;
	case NR_stat:
	case NR_lstat:
		return do_fstatat(t, cwd, a[0], a[1], 0);
	case NR_newfstatat:
		return do_fstatat(t, a[0], a[1], a[2], a[3]);
	case NR_fsync:
	case NR_fdatasync:
		/*
		 * A file of a persisted directory is stored now (one atomic
		 * update, docs/storage.md); every other file lives in RAM and
		 * is as durable as it gets. The console has no node.
		 */
		f = file_get(t, a[0]);
		if (!f)
			return -LINUX_EBADF;
		return f->node ? fs_sync(f->node) : 0;
	case NR_ftruncate:
		f = file_get(t, a[0]);
		return f ? do_truncate(t, f, a[1]) : -LINUX_EBADF;
	case NR_truncate:
		return do_truncate_path(t, a[0], a[1]);
	case NR_rename:
		return do_rename(t, cwd, a[0], cwd, a[1], 0);
	case NR_renameat:
		return do_rename(t, a[0], a[1], a[2], a[3], 0);
	case NR_renameat2:
		return do_rename(t, a[0], a[1], a[2], a[3], a[4]);
	case NR_mkdir:
		return path_op(t, cwd, a[0], OP_MKDIR);
	case NR_mkdirat:
		return path_op(t, a[0], a[1], OP_MKDIR);
	case NR_unlink:
		return path_op(t, cwd, a[0], OP_UNLINK);
	case NR_rmdir:
		return path_op(t, cwd, a[0], OP_RMDIR);
	case NR_unlinkat:
		if (a[2] & ~(uint64_t)LINUX_AT_REMOVEDIR)
			return -LINUX_EINVAL;
		return path_op(t, a[0], a[1],
			       (a[2] & LINUX_AT_REMOVEDIR) ? OP_RMDIR
							   : OP_UNLINK);
	case NR_access:
		if (a[1] & ~7ull)
			return -LINUX_EINVAL;
		return path_op(t, cwd, a[0], OP_ACCESS);
	case NR_readlink:
		return path_op(t, cwd, a[0], OP_READLINK);
	case NR_getdents64:
		return do_getdents64(t, a[0], a[1], a[2]);
	case NR_ioctl:
		return file_get(t, a[0]) ? -LINUX_ENOTTY : -LINUX_EBADF;
	case NR_fcntl:
		return do_fcntl(t, a[0], a[1], a[2]);
	default:
		*handled = false;
		return -LINUX_ENOSYS;
	}
}
