/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the host tools: files, numbers, errors. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Reads a whole file, a pipe or a device (at most max bytes) with read(2),
 * so no stdio buffer keeps a copy; NULL with a message naming path on
 * error (a folder, too large, unreadable). Buffers given up on the way are
 * wiped, so the result can hold a key: free it with util_free_secret().
 */
uint8_t *util_read_file(const char *path, size_t max, size_t *size, char *err,
			size_t errlen);
/*
 * Writes an output the way careful tools do: a regular file (or a new one)
 * is replaced atomically through a mkstemp() file in its folder, keeping
 * its mode; a device or FIFO is written in place, never replaced; a
 * symbolic link is followed, never replaced; a folder or socket is refused.
 * When the folder refuses the temporary file, an existing writable file is
 * rewritten in place. -1 with a message that names path.
 */
int util_write_file(const char *path, const void *data, size_t size, char *err,
		    size_t errlen);
/*
 * `--version`: prints "NAME (csvsm VERSION)" and, if compat is not NULL, a
 * second line with it; returns 0, or 1 on a write error.
 */
int util_print_version(const char *name, const char *compat);
/*
 * Where a command's "wrote FILE" line goes: stdout, unless FILE is stdout
 * itself (-o /dev/stdout), which the line would corrupt; then stderr.
 */
FILE *util_report_stream(const char *path);
/* Zeroes len bytes in a way the compiler keeps (explicit_bzero). */
void util_wipe(void *p, size_t len);
/* util_wipe(p, len), then free(p); p may be NULL. */
void util_free_secret(void *p, size_t len);
/*
 * Parses a number with an optional 0x prefix and K/M/G suffix (powers of
 * 1024). Returns -1 on garbage, overflow or trailing characters.
 */
int util_parse_size(const char *s, uint64_t *out);

/*
 * Parses exactly 2 * len hex digits (an optional 0x prefix allowed) into
 * out[0..len), first digit pair first. -1 on any other input, with out
 * left as it was.
 */
int util_parse_hex(const char *s, uint8_t *out, size_t len);
/* Writes len bytes as 2 * len lowercase hex digits plus a NUL. */
void util_format_hex(const uint8_t *in, size_t len, char *out);
/*
 * Standard base64 (RFC 4648, with padding) of len bytes; out needs
 * 4*ceil(len/3)+1.
 */
void util_format_base64(const uint8_t *in, size_t len, char *out,
			size_t out_size);
/*
 * Prints a digest on its own line in hex or base64; 0, or 1 on a write error.
 */
int util_print_digest(const uint8_t *d, size_t len, int base64);
/*
 * Unix stream sockets for the daemons (csvsm-aproxy, csvsm-vsockd):
 * util_listen_unix() binds and listens at path, replacing an old socket
 * file there; util_connect_unix() connects to path. Both are
 * close-on-exec; -1 with a message on stderr naming prog and path (a path
 * too long for sun_path included).
 */
int util_listen_unix(const char *prog, const char *path, int backlog);
int util_connect_unix(const char *prog, const char *path);
/*
 * The end of a daemon's option parsing: 2 with a message when operands
 * follow the options (argv[optind]), else 0. Then SIGPIPE is ignored, so
 * a peer that goes away is a write error (EPIPE), not the end of the
 * process.
 */
int util_daemon_args_done(const char *prog, int argc, char **argv, int optind);

/*
 * Formats a one-line error message into err[0..len) (err may be NULL) and
 * returns -1, so failing paths read `return util_errf(err, n, "...", ...)`.
 */
int util_errf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
