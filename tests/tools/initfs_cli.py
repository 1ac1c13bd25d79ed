#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm-igvm build --initfs: the root file-system image in the IGVM file.

- The archive's pages are PAGE_DATA, measured: the launch digest changes
  when one byte of the archive changes, and the boot-info page records
  where the archive lies and its length.
- A malformed archive (garbage, truncated, empty, a trailer only) and one
  too large for the region are refused with one clear line and no output.
- The same inputs give the same file, byte for byte.
- Booted in QEMU (TCG), the SVSM unpacks the archive and runs the program
  its /etc/start names; names of `start=` that are not in the archive or
  not a service are logged, not fatal.

Each check is a function named check_*; the last line is "N passed, N failed".
"""
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh, sh_split
import igvm_boot_info

OUT = "out"
MKCPIO = os.path.join(ROOT, "user", "mkcpio.py")
BOOT_INFO_MAGIC = 0x4d565343  # include/abi/csvsm_boot.h
BOOT_INFO_INITFS = 160  # offset of initfs_gpa, then initfs_size


def tool():
    return os.path.join(ROOT, OUT, "tools", "csvsm-igvm")


def kernel():
    return os.path.join(ROOT, OUT, "svsm.elf")


def make_cpio(path, files):
    """files: NAME=PATH specs for user/mkcpio.py."""
    rc, out = sh([sys.executable, MKCPIO, path] + files)
    expect(rc == 0, "mkcpio failed", out)


def build(tmp, name, initfs=None, region="16M"):
    out = os.path.join(tmp, name)
    args = [tool(), "build", "--kernel", kernel(), "--region-size", region,
            "-o", out]
    if initfs:
        args += ["--initfs", initfs]
    rc, so, se = sh_split(args)
    return rc, so + se, out


def digest(path):
    rc, out = sh([tool(), "measure", path])
    expect(rc == 0, f"measure {path}", out)
    return out.strip()


def boot_info(path):
    """The boot-info page's bytes, the native pages and the file's bytes."""
    off, pages, data = igvm_boot_info.native_boot_info(tool(), path)
    bi = data[off:off + 4096]
    expect(struct.unpack_from("<I", bi)[0] == BOOT_INFO_MAGIC, "magic")
    return bi, pages, data


def hello_archive(tmp, extra=b"", name="a"):
    path = os.path.join(tmp, name + ".cpio")
    note = os.path.join(tmp, name + ".txt")
    with open(note, "wb") as f:
        f.write(b"csvsm initfs\n" + extra)
    make_cpio(path, [f"bin/hello={os.path.join(ROOT, OUT, 'user', 'hello')}",
                     f"etc/note={note}"])
    return path


def check_archive_is_measured_and_recorded():
    with tempfile.TemporaryDirectory() as tmp:
        a = hello_archive(tmp)
        rc, out, one = build(tmp, "one.igvm", a)
        expect(rc == 0, "build --initfs failed", out)
        rc, out, plain = build(tmp, "plain.igvm")
        expect(rc == 0, "build failed", out)
        b = hello_archive(tmp, b"x", name="b")  # one byte more in one file
        rc, out, two = build(tmp, "two.igvm", b)
        expect(rc == 0, "build --initfs (b) failed", out)
        d1, d0, d2 = digest(one), digest(plain), digest(two)
        expect(d1 != d0, "the archive does not change the digest")
        expect(d1 != d2, "a changed archive gives the same digest")
        bi, pages, data = boot_info(one)
        gpa, size = struct.unpack_from("<QQ", bi, BOOT_INFO_INITFS)
        archive = open(a, "rb").read()
        expect(size == len(archive), f"initfs_size {size}, archive "
               f"{len(archive)}")
        expect(gpa % 4096 == 0 and gpa, f"initfs_gpa {gpa:#x}")
        got = b"".join(
            data[pages[gpa + off]["file_offset"]:
                 pages[gpa + off]["file_offset"] + 4096]
            for off in range(0, size, 4096))
        expect(got[:size] == archive, "the PAGE_DATA pages are not the "
               "archive")
        expect(got[size:] == bytes(len(got) - size), "padding not zero")
        bi0, _, _ = boot_info(plain)
        expect(struct.unpack_from("<QQ", bi0, BOOT_INFO_INITFS) == (0, 0),
               "an image without --initfs records an archive")


def check_malformed_archives_are_refused():
    with tempfile.TemporaryDirectory() as tmp:
        good = open(hello_archive(tmp), "rb").read()
        cases = {
            "garbage": (os.urandom(300), "not a cpio \"newc\" archive"),
            "truncated": (good[:len(good) // 2],
                          "not a cpio \"newc\" archive"),
            "empty": (b"", "is empty"),
            "trailer-only": (good[good.rindex(b"070701"):],
                             "holds no file"),
        }
        for name, (data, words) in cases.items():
            path = os.path.join(tmp, name + ".cpio")
            with open(path, "wb") as f:
                f.write(data)
            rc, out, igvm = build(tmp, name + ".igvm", path)
            expect(rc == 1, f"{name}: exit {rc}", out)
            lines = [ln for ln in out.splitlines() if ln.strip()]
            expect(len(lines) == 1 and words in lines[0] and path in
                   lines[0], f"{name}: not one clear line", out)
            expect(not os.path.exists(igvm), f"{name}: output written")


def check_archive_too_large_for_the_region():
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.bin")
        with open(big, "wb") as f:
            f.write(os.urandom(3 << 20))
        a = os.path.join(tmp, "big.cpio")
        make_cpio(a, [f"big={big}"])
        rc, out, igvm = build(tmp, "big.igvm", a, region="2M")
        expect(rc == 1 and "do not fit the region" in out, f"exit {rc}",
               out)
        expect(not os.path.exists(igvm), "output written")


def check_same_inputs_same_file():
    with tempfile.TemporaryDirectory() as tmp:
        a = hello_archive(tmp)
        rc1, out1, f1 = build(tmp, "r1.igvm", a)
        rc2, out2, f2 = build(tmp, "r2.igvm", a)
        expect(rc1 == 0 and rc2 == 0, "build failed", out1 + out2)
        expect(open(f1, "rb").read() == open(f2, "rb").read(),
               "two builds from the same inputs differ")


def check_booted_svsm_starts_a_program_of_the_archive():
    with tempfile.TemporaryDirectory() as tmp:
        a = os.path.join(tmp, "boot.cpio")
        start = os.path.join(tmp, "start")
        with open(start, "w") as f:
            f.write("# the programs csvsm starts\n/bin/hello\n")
        make_cpio(a, [f"bin/hello={os.path.join(ROOT, OUT, 'user', 'hello')}",
                      f"etc/start={start}"])
        rc, out, igvm = build(tmp, "boot.igvm", a)
        expect(rc == 0, "build failed", out)
        rc, out = sh([os.path.join(ROOT, OUT, "tools", "csvsm-run"),
                      "--accel", "tcg", "--timeout", "240", "--exit-on-ready",
                      "--cmdline", "start=/bin/missing,nosuch",
                      igvm], timeout=300)
        expect(rc == 0, f"csvsm-run exit {rc}", out[-3000:])
        expect("root file-system image:" in out, "not unpacked", out[-3000:])
        expect("hello from a static glibc program" in out,
               "/bin/hello did not run", out[-3000:])
        expect("/bin/missing:" in out and "nosuch: no such service" in out,
               "the bad names were not logged", out[-3000:])
        expect(out.rfind("csvsm: ready") > out.rfind("/bin/hello exited")
               > out.find("root file-system image:"),
               "not unpacked, then started, then ready", out[-3000:])


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
