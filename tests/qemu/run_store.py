#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots the SVSM test image several times with one disk: the persisted
directory (kernel/fs/persist.c) across reboots, on virtio-blk in QEMU.

Each boot runs tests/svsm/store_test.c (svtest=store_qemu) with the
development key on the command line (store_devkey=) and a phase word:
  1. format   a blank 1 MiB image: formatted, two files written;
  2. reopen   the same image after a reboot: the files are back;
  3. refused  a copy with one byte of a file's block flipped: refused as
              tampered; the host checks the image did not change;
  4. refused  the intact image with another key: refused as made with
              another key; the image did not change.
The host also checks that no file content appears in plain text on the
image. Each boot's in-kernel result and each host check count as tests.

Exit status: 0 when everything passed. The last line is "N passed, N failed".
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_svtest  # noqa: E402  (judge: the in-kernel summary rules)

KEY = "5e" * 32
OTHER_KEY = "a7" * 32
BLOCK = 4096


def boot(args, image_path, words):
    cmdline = " ".join(["svtest=store_qemu"] + words)
    qemu = ["-drive", f"file={image_path},if=none,id=st0,format=raw",
            "-device", "virtio-blk-pci,disable-legacy=on,drive=st0"]
    rc, text = run_svtest.run(args.launcher, args.image, cmdline,
                              args.timeout, args.accel, 1, args.memory, qemu)
    passed, failed, problems = run_svtest.judge(rc, text)
    if failed or problems or not args.quiet:
        sys.stdout.write(text)
    for p in problems:
        print(f"run_store: {' '.join(words)}: {p}")
    return passed, failed + (1 if problems else 0)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launcher", default="out/tools/csvsm-run")
    ap.add_argument("--image", default="out/svsm-test.igvm")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    passed = failed = 0

    def check(name, ok, why=""):
        nonlocal passed, failed
        print(f"run_store: {'PASS' if ok else 'FAIL'} {name}"
              + ("" if ok else f": {why}"))
        passed, failed = passed + ok, failed + (not ok)

    def add(result):
        nonlocal passed, failed
        passed, failed = passed + result[0], failed + result[1]

    with tempfile.TemporaryDirectory(prefix="run_store.") as tmp:
        disk = os.path.join(tmp, "store.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        dev = [f"store_devkey={KEY}", "store_disk=0"]
        add(boot(args, disk, dev + ["store_phase=format"]))
        add(boot(args, disk, dev + ["store_phase=reopen"]))
        with open(disk, "rb") as f:
            image = f.read()
        check("host.no_plaintext_on_disk",
              b"counter=" not in image and image[2 * BLOCK:] != b"\0" * (
                  len(image) - 2 * BLOCK),
              "file content in plain text, or no file block written")

        # One bit of permall's first block (block 2: the first data block).
        tampered = os.path.join(tmp, "tampered.img")
        shutil.copyfile(disk, tampered)
        with open(tampered, "r+b") as f:
            f.seek(2 * BLOCK + 100)
            b = f.read(1)
            f.seek(2 * BLOCK + 100)
            f.write(bytes([b[0] ^ 0x10]))
        before = sha(tampered)
        add(boot(args, tampered, dev + ["store_phase=refused",
                                        "store_expect=tampered"]))
        check("host.tampered_image_unchanged", sha(tampered) == before,
              "the SVSM wrote to a disk it refused")

        before = sha(disk)
        add(boot(args, disk, [f"store_devkey={OTHER_KEY}", "store_disk=0",
                              "store_phase=refused",
                              "store_expect=wrong_key"]))
        check("host.other_key_image_unchanged", sha(disk) == before,
              "the SVSM wrote to a disk it refused")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
