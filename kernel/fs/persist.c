/* SPDX-License-Identifier: MIT */
/*
 * The persisted directory (include/svsm/persist.h): one directory of the
 * RAM file system whose regular files live in the persistent store.
 *
 * The rule (docs/storage.md, "The persisted directory"): when no file of
 * the directory is open any more (its last open file is closed, or a
 * rename or unlink happens while none is), and at fsync, the directory's
 * files are compared with what was last stored; if they differ, the
 * difference (files written, files gone) is stored as one atomic update
 * (the watch in kernel/fs/vfs.c decides when). So a file half-written is
 * not stored while open, an idle vTPM writes nothing, reading writes
 * nothing, and each close after a change costs one update. The comparison
 * reads kilobytes from RAM.
 *
 * Files whose name the store cannot hold (over 31 bytes), files over its
 * size limit and subdirectories are not stored: the update fails
 * (-ENAMETOOLONG, -EFBIG) with a rate-limited warning, and fsync says so.
 */
#define LOG_PREFIX "persist: "
#include "svsm/persist.h"

#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/mm/heap.h"

#include "abi/linux.h"

#include "lib/string.h"

/* A file as last stored. */
struct stored {
	char name[STORE_NAME_MAX + 1];
	uint32_t size;
	uint8_t *data;
};

static struct {
	struct store *store;
	struct fs_node *dir;
	uint32_t count;
	struct stored files[STORE_MAX_FILES];
	/* The update being built: the directory now, read into buffers. */
	uint32_t now_count;
	struct stored now[STORE_MAX_FILES];
	struct store_change changes[2 * STORE_MAX_FILES];
	struct persist_stats stats;
} p;

static struct log_budget warn_budget = LOG_BUDGET(8);

static void free_now(void)
{
	for (uint32_t i = 0; i < p.now_count; i++)
		kfree(p.now[i].data);
	p.now_count = 0;
}

/* Reads regular file `name` of the directory into p.now. */
static int read_now(const char *name)
{
	struct stored *f = &p.now[p.now_count];
	struct fs_node *n;
	struct fs_stat st;
	struct fs_buf b;
	size_t len = strlen(name);
	long got;
	int err;

	if (len > STORE_NAME_MAX) {
		log_limited(&warn_budget, "persist: %s: name too long to store",
			    name);
		return -LINUX_ENAMETOOLONG;
	}
	if (p.now_count == STORE_MAX_FILES)
		return -LINUX_ENOSPC;
	err = fs_open(p.dir, name, false, false, &n);
	if (err)
		return err;
	fs_stat(n, &st);
	if (st.size > STORE_MAX_FILE_SIZE) {
		fs_put(n);
		log_limited(&warn_budget, "persist: %s: over %u bytes", name,
			    STORE_MAX_FILE_SIZE);
		return -LINUX_EFBIG;
	}
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, len);
	f->size = (uint32_t)st.size;
	f->data = kmalloc(f->size ? f->size : 1);
	if (!f->data) {
		fs_put(n);
		return -LINUX_ENOMEM;
	}
	fs_buf_kernel(&b, f->data, f->size);
	got = fs_read(n, 0, &b);
	fs_put(n);
	p.now_count++;
	return got == (long)f->size ? 0 : -LINUX_EIO;
}

/* A file being prepared under a temporary name: never stored. */
static bool is_temporary(const char *name)
{
	static const char suffix[] = ".tmp";
	size_t len = strlen(name), slen = sizeof(suffix) - 1;

	return len > slen && strcmp(name + len - slen, suffix) == 0;
}

/* The directory's regular files into p.now, temporary ones left out. */
static int snapshot(void)
{
	const char *name;
	enum fs_type type;
	uint64_t ino;
	int err;

	for (uint64_t i = 2; fs_dirent(p.dir, i, &name, &ino, &type); i++) {
		if (type == FS_REG && is_temporary(name))
			continue;
		if (type != FS_REG) {
			log_limited(&warn_budget,
				    "persist: %s is not a regular file: "
				    "not stored",
				    name);
			return -LINUX_EISDIR;
		}
		err = read_now(name);
		if (err)
			return err;
	}
	return 0;
}

static struct stored *find(struct stored *set, uint32_t count, const char *name)
{
	for (uint32_t i = 0; i < count; i++)
		if (strcmp(set[i].name, name) == 0)
			return &set[i];
	return NULL;
}

/* The changes from p.files to p.now; their count. */
static uint32_t diff(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p.now_count; i++) {
		const struct stored *f = &p.now[i];
		const struct stored *old = find(p.files, p.count, f->name);

		if (old && old->size == f->size &&
		    memcmp(old->data, f->data, f->size) == 0)
			continue;
		p.changes[n++] = (struct store_change){
			.name = f->name, .data = f->data, .size = f->size};
	}
	for (uint32_t i = 0; i < p.count; i++)
		if (!find(p.now, p.now_count, p.files[i].name))
			p.changes[n++] = (struct store_change){
				.name = p.files[i].name, .remove = true};
	return n;
}

/* What was stored is now p.now: swap the sets. */
static void adopt_now(void)
{
	for (uint32_t i = 0; i < p.count; i++)
		kfree(p.files[i].data);
	memcpy(p.files, p.now, sizeof(p.now[0]) * p.now_count);
	p.count = p.now_count;
	p.now_count = 0;
}

static int changed(void *ctx)
{
	uint32_t n;
	enum svsm_err err;
	int rc;

	(void)ctx;
	p.stats.checks++;
	rc = snapshot();
	if (rc) {
		free_now();
		p.stats.errors++;
		return rc;
	}
	n = diff();
	if (!n) {
		free_now();
		return 0;
	}
	err = store_commit(p.store, p.changes, n);
	if (err != SVSM_OK) {
		log_error("storing the directory failed (%s): the change is "
			  "in RAM only",
			  svsm_err_name(err));
		free_now();
		p.stats.errors++;
		return err == SVSM_E_NOMEM ? -LINUX_ENOSPC : -LINUX_EIO;
	}
	adopt_now();
	p.stats.commits++;
	return 0;
}

/* Makes every directory of the absolute path; the last must not exist. */
static int make_dirs(const char *path)
{
	char buf[128];
	size_t len = strlen(path);
	int err = 0;

	if (path[0] != '/' || len >= sizeof(buf) || len < 2)
		return -LINUX_EINVAL;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		err = fs_mkdir(fs_root(), buf);
		if (err && !(err == -LINUX_EEXIST && i < len))
			return err;
		buf[i] = '/';
	}
	return err;
}

/* The store's files into the new directory, remembered as stored. */
static enum svsm_err populate(void)
{
	for (uint32_t i = 0; i < store_file_count(p.store); i++) {
		struct stored *f = &p.files[i];
		const char *name;
		struct fs_node *n;
		struct fs_buf b;
		enum svsm_err err;
		uint32_t size;

		if (!store_file_at(p.store, i, &name, &size))
			return SVSM_E_INVAL;
		memcpy(f->name, name, strlen(name) + 1);
		f->data = kmalloc(size ? size : 1);
		if (!f->data)
			return SVSM_E_NOMEM;
		p.count++;
		err = store_read(p.store, name, f->data, size, &f->size);
		if (err != SVSM_OK)
			return err;
		if (fs_open(p.dir, name, true, true, &n))
			return SVSM_E_NOMEM;
		fs_buf_kernel(&b, f->data, f->size);
		if (fs_write(n, 0, &b) != (long)f->size) {
			fs_put(n);
			return SVSM_E_NOMEM;
		}
		fs_put(n);
	}
	return SVSM_OK;
}

enum svsm_err persist_mount(const char *path, const struct store_config *cfg,
			    bool *formatted, enum store_refusal *why)
{
	enum svsm_err err;

	*formatted = false;
	*why = STORE_REFUSE_NONE;
	if (p.store)
		return SVSM_E_BUSY;
	err = store_open(cfg, &p.store, formatted, why);
	if (err != SVSM_OK) {
		log_error("the store on %s cannot be opened: %s (%s). It is "
			  "left untouched; %s stays unmounted and the vTPM "
			  "must not start on a fresh state",
			  cfg->dev->name, store_refusal_name(*why),
			  svsm_err_name(err), path);
		return err;
	}
	if (make_dirs(path) || fs_open(fs_root(), path, false, false, &p.dir)) {
		log_error("cannot create %s", path);
		persist_unmount();
		return SVSM_E_INVAL;
	}
	err = populate();
	if (err != SVSM_OK) {
		log_error("cannot load the stored files into %s (%s)", path,
			  svsm_err_name(err));
		persist_unmount();
		return err;
	}
	fs_watch_dir(p.dir, changed, NULL);
	log_info("%s: %s store on %s, version %llu, %u files", path,
		 *formatted ? "new" : "opened", cfg->dev->name,
		 (unsigned long long)store_version(p.store), p.count);
	return SVSM_OK;
}

void persist_unmount(void)
{
	fs_watch_dir(NULL, NULL, NULL);
	for (uint32_t i = 0; i < p.count; i++)
		kfree(p.files[i].data);
	free_now();
	store_close(p.store);
	if (p.dir)
		fs_put(p.dir);
	memset(&p, 0, sizeof(p));
}

void persist_get_stats(struct persist_stats *st)
{
	*st = p.stats;
}
