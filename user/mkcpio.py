#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Packs files into a cpio "newc" archive (the format of Linux's initramfs,
Documentation/driver-api/early-userspace/buffer-format.rst), reproducibly:
entries in the order given, mtime, uid and gid 0, inode numbers counted from
1, so the same inputs give the same bytes (the archive is measured).

usage: mkcpio.py OUT NAME=PATH...
"""
import sys


def pad4(n):
    return (4 - n % 4) % 4


def entry(ino, name, mode, data):
    nb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = hdr + nb + b"\0" * pad4(len(hdr) + len(nb))
    return out + data + b"\0" * pad4(len(data))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = b""
    for ino, spec in enumerate(argv[2:], start=1):
        name, path = spec.split("=", 1)
        with open(path, "rb") as f:
            out += entry(ino, name, 0o100755, f.read())
    out += entry(0, "TRAILER!!!", 0, b"")
    with open(argv[1], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
