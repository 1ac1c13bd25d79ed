/* SPDX-License-Identifier: MIT */
/*
 * The RAM file system's nodes (include/svsm/fs.h): regular files hold
 * their data in 4 KiB pages from the page allocator, one pointer per page
 * (a hole reads as zeros); directories hold a growable array of named
 * entries. A node lives while a directory entry or an open file refers to
 * it (nlink, refs).
 *
 * Reads and writes copy each byte once, between a file page (reached
 * through the SVSM's linear map) and the caller's struct fs_buf.
 */
#include "svsm/arch/cpu.h"

#include "svsm/fs.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"

#include "abi/linux.h"

#include "fs_int.h"
#include "lib/string.h"

static const uint8_t zeros[256];
static uint64_t next_ino = 1;
static uint64_t pages_used; /* file data pages */
static uint64_t meta_bytes; /* the files' page-pointer arrays */
static uint32_t nodes;
static uint64_t pages_max;

/*
 * What the file system holds, in pages: the data, and the page-pointer
 * arrays rounded up as a whole. Both count against one limit, so no task
 * can grow the SVSM's heap through sparse files. The number of nodes is
 * bounded too (RAMFS_MAX_NODES), which bounds directory entries and names.
 */
static uint64_t used_pages(void)
{
	return pages_used + ALIGN_UP(meta_bytes, PAGE_SIZE) / PAGE_SIZE;
}

void ramfs_set_limit(uint64_t max_pages)
{
	pages_max = max_pages;
}

void fs_usage(uint64_t *pages, uint64_t *max_pages)
{
	*pages = used_pages();
	*max_pages = pages_max;
}

struct fs_node *ramfs_node_new(enum fs_type type)
{
	struct fs_node *n;

	if (nodes >= RAMFS_MAX_NODES)
		return NULL;
	n = kmalloc(sizeof(*n));
	if (!n)
		return NULL;
	nodes++;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->ino = next_ino++;
	return n;
}

static void free_pages_from(struct fs_node *n, uint64_t first)
{
	for (uint64_t i = first; i < n->page_count; i++) {
		if (pa_val(n->pages[i])) {
			pgalloc_free(n->pages[i], 0);
			pages_used--;
			n->pages[i] = pa_init(0);
		}
	}
}

/* Frees a node nobody refers to any more. */
static void node_free(struct fs_node *n)
{
	free_pages_from(n, 0);
	meta_bytes -= n->page_cap * sizeof(*n->pages);
	nodes--;
	kfree(n->pages);
	for (uint32_t i = 0; i < n->ent_count; i++)
		kfree(n->ents[i].name);
	kfree(n->ents);
	kfree(n);
}

void ramfs_node_maybe_free(struct fs_node *n)
{
	if (n->nlink == 0 && n->refs == 0)
		node_free(n);
}

void fs_get(struct fs_node *n)
{
	n->refs++;
}

void fs_put(struct fs_node *n)
{
	CHECK(n->refs > 0);
	/* A close in a persisted directory stores its state (persist.c). */
	if (n->type == FS_REG)
		(void)fs_watch_note(n, FS_WATCH_RELEASE);
	n->refs--;
	ramfs_node_maybe_free(n);
}

enum fs_type fs_type(const struct fs_node *n)
{
	return n->type;
}

void fs_stat(const struct fs_node *n, struct fs_stat *st)
{
	uint64_t blocks = 0;

	for (uint64_t i = 0; i < n->page_count; i++)
		blocks += pa_val(n->pages[i]) ? PAGE_SIZE / 512 : 0;
	*st = (struct fs_stat){
		.type = n->type,
		.ino = n->ino,
		.size = n->type == FS_DIR ? PAGE_SIZE : n->size, /* FS_DEV: 0 */
		.nlink = n->type == FS_DIR ? 2 + n->subdirs : n->nlink,
		.blocks = n->type == FS_DIR ? PAGE_SIZE / 512 : blocks,
	};
}

static uint8_t *page_ptr(paddr_t pa)
{
	uint8_t *p = arch_phys_to_virt(pa_val(pa), PAGE_SIZE);

	CHECK(p != NULL); /* file pages come from the heap */
	return p;
}

long fs_read(struct fs_node *n, uint64_t off, struct fs_buf *buf)
{
	uint64_t done = 0;
	uint64_t want = buf->size;

	if (n->type == FS_DIR)
		return -LINUX_EISDIR;
	if (n->type == FS_DEV)
		return n->dev->read ? n->dev->read(n->dev_ctx, off, buf)
				    : -LINUX_EINVAL;
	if (off >= n->size)
		return 0;
	if (want > n->size - off)
		want = n->size - off;
	if (n->rodata) {
		/* A file of the image: straight from where it lies. */
		int err = buf->put(buf, 0, n->rodata + off, want);

		return err ? err : (long)want;
	}
	while (done < want) {
		uint64_t pos = off + done;
		uint64_t idx = pos / PAGE_SIZE;
		size_t in_page = PAGE_SIZE - (pos % PAGE_SIZE);
		size_t len = want - done < in_page ? want - done : in_page;
		int err;

		if (idx < n->page_count && pa_val(n->pages[idx])) {
			err = buf->put(
				buf, done,
				page_ptr(n->pages[idx]) + pos % PAGE_SIZE, len);
		} else {
			/* A hole: zeros, a bounded piece at a time. */
			len = len < sizeof(zeros) ? len : sizeof(zeros);
			err = buf->put(buf, done, zeros, len);
		}
		if (err)
			return done ? (long)done : err;
		done += len;
	}
	return (long)done;
}

/* Makes room for `count` page pointers. */
static int reserve_pages(struct fs_node *n, uint64_t count)
{
	paddr_t *p;
	uint64_t cap = n->page_cap ? n->page_cap : 4;

	uint64_t meta;

	if (count <= n->page_cap)
		return 0;
	while (cap < count)
		cap *= 2;
	meta = meta_bytes - n->page_cap * sizeof(*p) + cap * sizeof(*p);
	if (pages_used + ALIGN_UP(meta, PAGE_SIZE) / PAGE_SIZE > pages_max)
		return -LINUX_ENOSPC;
	p = kmalloc(cap * sizeof(*p));
	if (!p)
		return -LINUX_ENOSPC;
	memset(p, 0, cap * sizeof(*p));
	if (n->pages)
		memcpy(p, n->pages, n->page_count * sizeof(*p));
	kfree(n->pages);
	n->pages = p;
	n->page_cap = cap;
	meta_bytes = meta;
	return 0;
}

long fs_write(struct fs_node *n, uint64_t off, struct fs_buf *buf)
{
	uint64_t done = 0;
	uint64_t end;
	int err;

	if (n->type == FS_DIR)
		return -LINUX_EISDIR;
	if (n->type == FS_DEV)
		return n->dev->write ? n->dev->write(n->dev_ctx, off, buf)
				     : -LINUX_EINVAL;
	if (n->rodata)
		return -LINUX_EROFS;
	if (__builtin_add_overflow(off, buf->size, &end) ||
	    end > RAMFS_MAX_FILE)
		return -LINUX_EFBIG;
	if (!buf->size)
		return 0;
	err = reserve_pages(n, ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE);
	if (err)
		return err;
	while (done < buf->size) {
		uint64_t pos = off + done;
		uint64_t idx = pos / PAGE_SIZE;
		size_t in_page = PAGE_SIZE - (pos % PAGE_SIZE);
		size_t len =
			buf->size - done < in_page ? buf->size - done : in_page;

		if (idx >= n->page_count)
			n->page_count = idx + 1;
		if (!pa_val(n->pages[idx])) {
			if (used_pages() >= pages_max ||
			    pgalloc_alloc(0, PGALLOC_ZERO, &n->pages[idx]) !=
				    SVSM_OK) {
				err = -LINUX_ENOSPC;
				break;
			}
			pages_used++;
		}
		err = buf->get(buf, done,
			       page_ptr(n->pages[idx]) + pos % PAGE_SIZE, len);
		if (err)
			break;
		done += len;
		if (off + done > n->size)
			n->size = off + done;
	}
	return done ? (long)done : err;
}

int fs_truncate(struct fs_node *n, uint64_t size)
{
	uint64_t keep = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	if (n->type == FS_DIR)
		return -LINUX_EISDIR;
	if (n->type == FS_DEV)
		return -LINUX_EINVAL;
	if (n->rodata)
		return -LINUX_EROFS;
	if (size > RAMFS_MAX_FILE)
		return -LINUX_EFBIG;
	if (size < n->size) {
		free_pages_from(n, keep);
		if (n->page_count > keep)
			n->page_count = keep;
		/*
		 * The rest of the last page must read back as zeros later. A
		 * file grown by truncation alone has fewer pages than its size
		 * (or none at all): only a page that exists is cleared.
		 */
		if (size % PAGE_SIZE && keep && keep - 1 < n->page_count &&
		    pa_val(n->pages[keep - 1]))
			memset(page_ptr(n->pages[keep - 1]) + size % PAGE_SIZE,
			       0, PAGE_SIZE - size % PAGE_SIZE);
	}
	n->size = size;
	return 0;
}

struct fs_node *ramfs_dir_find(const struct fs_node *dir, const char *name,
			       size_t len, uint32_t *index)
{
	for (uint32_t i = 0; i < dir->ent_count; i++) {
		const char *e = dir->ents[i].name;

		if (strlen(e) == len && memcmp(e, name, len) == 0) {
			if (index)
				*index = i;
			return dir->ents[i].node;
		}
	}
	return NULL;
}

int ramfs_dir_prepare(struct fs_node *dir, const char *name, size_t len,
		      char **copy)
{
	if (dir->ent_count == dir->ent_cap) {
		uint32_t cap = dir->ent_cap ? dir->ent_cap * 2 : 8;
		struct fs_dirent *e = kmalloc(cap * sizeof(*e));

		if (!e)
			return -LINUX_ENOSPC;
		if (dir->ents)
			memcpy(e, dir->ents, dir->ent_count * sizeof(*e));
		kfree(dir->ents);
		dir->ents = e;
		dir->ent_cap = cap;
	}
	*copy = kmalloc(len + 1);
	if (!*copy)
		return -LINUX_ENOSPC;
	memcpy(*copy, name, len);
	(*copy)[len] = '\0';
	return 0;
}

void ramfs_dir_link(struct fs_node *dir, char **copy, struct fs_node *n)
{
	CHECK(dir->ent_count < dir->ent_cap);
	dir->ents[dir->ent_count++] = (struct fs_dirent){*copy, n};
	*copy = NULL; /* the entry owns it now */
	n->nlink++;
	if (n->type == FS_DIR) {
		n->parent = dir;
		dir->subdirs++;
	}
}

void ramfs_dir_remove(struct fs_node *dir, uint32_t index)
{
	struct fs_node *n = dir->ents[index].node;

	kfree(dir->ents[index].name);
	/* Keep the order, so a directory listing stays stable. */
	memmove(&dir->ents[index], &dir->ents[index + 1],
		(dir->ent_count - index - 1) * sizeof(dir->ents[0]));
	dir->ent_count--;
	n->nlink--;
	if (n->type == FS_DIR)
		dir->subdirs--;
}

bool fs_dirent(const struct fs_node *n, uint64_t index, const char **name,
	       uint64_t *ino, enum fs_type *type)
{
	if (n->type != FS_DIR)
		return false;
	if (index < 2) {
		const struct fs_node *t =
			index == 0 || !n->parent ? n : n->parent;

		*name = index == 0 ? "." : "..";
		*ino = t->ino;
		*type = FS_DIR;
		return true;
	}
	if (index - 2 >= n->ent_count)
		return false;
	*name = n->ents[index - 2].name;
	*ino = n->ents[index - 2].node->ino;
	*type = n->ents[index - 2].node->type;
	return true;
}

bool fs_readonly(const struct fs_node *n)
{
	return n->rodata != NULL;
}

bool fs_image_data(const struct fs_node *n, const void **data, size_t *size)
{
	if (!n->rodata)
		return false;
	*data = n->rodata;
	*size = n->size;
	return true;
}
