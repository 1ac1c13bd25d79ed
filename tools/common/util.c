/* SPDX-License-Identifier: MIT */
/*
 * File and number helpers for the host tools. Every input is from the
 * command line or the file system, so every failure is an error message,
 * never an abort.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/bytes.h"

/* Grows *buf to cap bytes; the old copy is wiped, as it may hold a key. */
static int grow(uint8_t **buf, size_t used, size_t cap)
{
	uint8_t *n = malloc(cap);

	if (!n)
		return -1;
	if (*buf) {
		memcpy(n, *buf, used);
		util_wipe(*buf, used);
		free(*buf);
	}
	*buf = n;
	return 0;
}

uint8_t *util_read_file(const char *path, size_t max, size_t *size, char *err,
			size_t errlen)
{
	uint8_t *buf = NULL;
	size_t used = 0;
	size_t cap;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a folder, not a file", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		snprintf(err, errlen,
			 "%s: %llu bytes, more than the %zu bytes accepted",
			 path, (unsigned long long)st.st_size, max);
		goto fail;
	}
	/* A regular file is read at its size; a pipe or device up to max. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 64u << 10;
	if (grow(&buf, 0, cap))
		goto nomem;
	for (;;) {
		ssize_t n;

		if (used == cap) {
			size_t next = cap > max / 2 ? max + 1 : cap * 2;

			if (used > max) {
				snprintf(err, errlen,
					 "%s: more than the %zu bytes accepted",
					 path, max);
				goto fail;
			}
			if (grow(&buf, used, next))
				goto nomem;
			cap = next;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		snprintf(err, errlen, "%s: more than the %zu bytes accepted",
			 path, max);
		goto fail;
	}
	close(fd);
	*size = used;
	return buf;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	if (buf) {
		util_wipe(buf, used);
		free(buf);
	}
	close(fd);
	return NULL;
}

void util_free_secret(void *p, size_t len)
{
	if (!p)
		return;
	util_wipe(p, len);
	free(p);
}

void util_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

/* Writes all of data to fd; -1 with errno set on failure. */
static int write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Writes in place: a device, a FIFO, or a file in a folder we cannot write. */
static int write_in_place(const char *path, bool truncate, const void *data,
			  size_t size, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | (truncate ? O_TRUNC : 0);
	int fd = open(path, flags);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write_all(fd, data, size) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Replaces (or creates) the regular file target atomically: a temporary
 * file made with mkstemp() next to it, written, synced, given the old
 * file's mode (or 0666 & ~umask), then renamed over it. user is the path
 * the user gave, for messages. Returns 1 when the folder refuses the
 * temporary file, so the caller can fall back to writing in place.
 */
static int replace_file(const char *user, const char *target,
			const struct stat *old, const void *data, size_t size,
			char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(target, '/');
	int dir_len = slash ? (int)(slash - target + 1) : 0;
	mode_t mode;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", dir_len, target,
		     slash ? slash + 1 : target) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", user);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM || errno == EROFS)
			return 1;
		snprintf(err, errlen, "%s: cannot create a file next to it: %s",
			 user, strerror(errno));
		return -1;
	}
	if (old) {
		mode = old->st_mode & 07777;
	} else {
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	}
	if (write_all(fd, data, size) != 0 || fchmod(fd, mode) != 0 ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", user, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, target) != 0) {
		snprintf(err, errlen, "%s: %s", user, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int util_write_file(const char *path, const void *data, size_t size, char *err,
		    size_t errlen)
{
	char target[PATH_MAX];
	struct stat lst, st;
	bool link;
	int rc;

	if (!*path) {
		snprintf(err, errlen, "an empty output path");
		return -1;
	}
	link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (link) {
			snprintf(err, errlen,
				 "%s: a symbolic link to a missing file; not "
				 "replacing the link",
				 path);
			return -1;
		}
		rc = replace_file(path, path, NULL, data, size, err, errlen);
		if (rc == 1)
			snprintf(err, errlen,
				 "%s: cannot create it: its folder is not "
				 "writable",
				 path);
		return rc ? -1 : 0;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a folder, not a file", path);
		return -1;
	}
	/* Devices and FIFOs (also /dev/stdout) are written, never replaced. */
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
		return write_in_place(path, false, data, size, err, errlen);
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen,
			 "%s: not a regular file, a device or a FIFO; "
			 "refusing to write it",
			 path);
		return -1;
	}
	/* A link to a regular file: its target is replaced, not the link. */
	if (link && !realpath(path, target)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!link && snprintf(target, sizeof(target), "%s", path) >=
			     (int)sizeof(target)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	rc = replace_file(path, target, &st, data, size, err, errlen);
	if (rc ==
	    1) /* An unwritable folder: the file itself may be writable. */
		return write_in_place(target, true, data, size, err, errlen);
	return rc;
}

FILE *util_report_stream(const char *path)
{
	struct stat out, file;

	if (fstat(STDOUT_FILENO, &out) == 0 && stat(path, &file) == 0 &&
	    out.st_dev == file.st_dev && out.st_ino == file.st_ino)
		return stderr;
	return stdout;
}

int util_parse_size(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || (shift && v > (~0ull >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int util_parse_hex(const char *s, uint8_t *out, size_t len)
{
	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 2 * len || !hex_decode(s, out, len))
		return -1;
	return 0;
}

void util_format_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

void util_format_base64(const uint8_t *in, size_t len, char *out,
			size_t out_size)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 <= out_size; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = (char)(i + 1 < len ? a[v >> 6 & 63] : '=');
		out[o++] = (char)(i + 2 < len ? a[v & 63] : '=');
	}
	if (out_size)
		out[o < out_size ? o : out_size - 1] = '\0';
}

int util_print_digest(const uint8_t *d, size_t len, int base64)
{
	char out[2 * 128 + 1];

	if (len > 128)
		return 1;
	if (base64)
		util_format_base64(d, len, out, sizeof(out));
	else
		util_format_hex(d, len, out);
	printf("%s\n", out);
	return fflush(stdout) == 0 ? 0 : 1;
}

int util_errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* sa for path, or -1 with a message when it does not fit sun_path. */
static int unix_addr(const char *prog, const char *path, struct sockaddr_un *sa)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path)) {
		fprintf(stderr, "%s: %s: path too long\n", prog, path);
		return -1;
	}
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

int util_listen_unix(const char *prog, const char *path, int backlog)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(prog, path, &sa) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, backlog) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int util_connect_unix(const char *prog, const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(prog, path, &sa) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int util_daemon_args_done(const char *prog, int argc, char **argv, int optind)
{
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog,
			argv[optind]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}
