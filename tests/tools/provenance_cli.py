#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Provenance: the Debian package versions an image is built from.

- `csvsm-igvm measure --json out/svsm.igvm` names libtpms, OpenSSL, glibc
  and mbedTLS with the versions this test reads itself from dpkg-query and
  the mbedTLS source's changelog, and, when make built Debian's OVMF into
  the file (out/svsm-firmware.txt), the ovmf package at the version
  scripts/fetch_ovmf.sh pins; out/svsm-test.igvm, which carries no
  firmware, does not name it.
- The text is measured: other versions give another launch digest.
- `build --provenance` refuses malformed text with one line and no output.
- `measure --json` reads a hostile file's text without trusting it: bad
  bytes or an oversized length give "packages_problem".
- The same inputs give the same file, byte for byte (a whole rebuild of the
  tree is tests/qemu/system.py's check_reproducible_build_from_clean_tree).

Each check is a function named check_*; the last line is "N passed, N failed".
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh, sh_split
import igvm_boot_info

OUT = "out"
PROVENANCE_OFFSET = 0x400  # include/abi/csvsm_boot.h
PROVENANCE_SIZE_FIELD = 124  # boot info: after guest_svn (offset 120)


def tool():
    return os.path.join(ROOT, OUT, "tools", "csvsm-igvm")


def measure_json(path):
    rc, out, err = sh_split([tool(), "measure", "--json", path])
    expect(rc == 0, f"measure --json {path}: exit {rc}", err)
    return json.loads(out)


def dpkg_version(pkg):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                          check=True, capture_output=True,
                          text=True).stdout.strip()


def build(tmp, name, provenance):
    out = os.path.join(tmp, name)
    rc, so, se = sh_split([tool(), "build", "--kernel",
                           os.path.join(ROOT, OUT, "svsm.elf"),
                           "--provenance", provenance, "-o", out])
    return rc, so + se, out


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def image_packages():
    """The packages every image is built from, read here independently."""
    with open(os.path.join(ROOT, ".deps", "mbedtls", "debian",
                           "changelog")) as f:
        mbedtls = f.readline().split("(")[1].split(")")[0]
    return {"libtpms": dpkg_version("libtpms-dev"),
            "openssl": dpkg_version("libssl-dev"),
            "glibc": dpkg_version("libc6-dev"),
            "mbedtls": mbedtls}


def pinned_ovmf_version():
    """OVMF_VERSION as scripts/fetch_ovmf.sh pins it."""
    with open(os.path.join(ROOT, "scripts", "fetch_ovmf.sh")) as f:
        pins = [ln.split("=", 1)[1].strip() for ln in f
                if ln.startswith("OVMF_VERSION=")]
    expect(len(pins) == 1, f"OVMF_VERSION pinned {len(pins)} times")
    return pins[0]


def check_measure_json_names_the_packages_of_the_build():
    j = measure_json(os.path.join(ROOT, OUT, "svsm.igvm"))
    want = image_packages()
    with open(os.path.join(ROOT, OUT, "svsm-firmware.txt")) as f:
        firmware = f.read().strip()
    if firmware == ".deps/ovmf-trixie/OVMF.fd":
        want["ovmf"] = pinned_ovmf_version()
        with open(os.path.join(ROOT, ".deps", "ovmf-trixie", "VERSION")) as f:
            expect(f.read() == f"ovmf {want['ovmf']}\n",
                   "the fetched OVMF is not the pinned version")
    expect(j.get("packages") == want, f"packages {j.get('packages')}, "
           f"want {want} (firmware {firmware!r})")


def check_test_image_names_no_firmware():
    j = measure_json(os.path.join(ROOT, OUT, "svsm-test.igvm"))
    expect(j.get("packages") == image_packages(),
           f"packages {j.get('packages')}")


def check_provenance_is_measured():
    with tempfile.TemporaryDirectory() as tmp:
        a = write(tmp, "a.txt", b"glibc=2.36-9\nopenssl=3.0.1-1\n")
        b = write(tmp, "b.txt", b"glibc=2.36-9\nopenssl=3.0.2-1\n")
        ra, oa, fa = build(tmp, "a.igvm", a)
        rb, ob, fb = build(tmp, "b.igvm", b)
        expect(ra == 0 and rb == 0, "build failed", oa + ob)
        ja, jb = measure_json(fa), measure_json(fb)
        expect(ja["packages"] == {"glibc": "2.36-9", "openssl": "3.0.1-1"},
               f"packages {ja['packages']}")
        expect(ja["snp"]["launch_digest"] != jb["snp"]["launch_digest"],
               "another OpenSSL version gives the same launch digest")


def check_malformed_provenance_is_refused():
    cases = {
        "no-equals": b"glibc 2.36\n",
        "space-in-version": b"glibc=2.36 9\n",
        "no-newline": b"glibc=2.36-9",
        "upper-name": b"Glibc=2.36-9\n",
        "twice": b"glibc=2.36-9\nglibc=2.37-1\n",
        "long-version": b"glibc=" + b"1" * 65 + b"\n",
        "empty": b"",
        "too-many": b"".join(b"p%d=1\n" % i for i in range(17)),
        "too-big": b"a=" + b"1" * 4000 + b"\n",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in cases.items():
            path = write(tmp, name + ".txt", data)
            rc, out, igvm = build(tmp, name + ".igvm", path)
            lines = [ln for ln in out.splitlines() if ln.strip()]
            expect(rc == 1 and len(lines) == 1 and path in lines[0],
                   f"{name}: exit {rc}, not one line naming the file", out)
            expect(not os.path.exists(igvm), f"{name}: output written")


def boot_info_offset(path):
    """The file offset of the boot-info page (RSI of the native VP)."""
    off, _, data = igvm_boot_info.native_boot_info(tool(), path)
    return off, data


def check_hostile_provenance_in_a_file_is_reported_not_trusted():
    with tempfile.TemporaryDirectory() as tmp:
        good = write(tmp, "p.txt", b"glibc=2.36-9\n")
        rc, out, igvm = build(tmp, "p.igvm", good)
        expect(rc == 0, "build failed", out)
        off, data = boot_info_offset(igvm)
        for name, patch in (
                ("bad byte", lambda d: d.__setitem__(
                    off + PROVENANCE_OFFSET + 3, ord(" "))),
                ("huge size", lambda d: d.__setitem__(
                    slice(off + PROVENANCE_SIZE_FIELD,
                          off + PROVENANCE_SIZE_FIELD + 4),
                    struct.pack("<I", 0xFFFFFFFF)))):
            bad = bytearray(data)
            patch(bad)
            path = write(tmp, "bad.igvm", bytes(bad))
            # The checksum covers headers only; the page data changed.
            j = measure_json(path)
            expect("packages" not in j and j.get("packages_problem"),
                   f"{name}: {j}")


def check_same_inputs_same_file():
    with tempfile.TemporaryDirectory() as tmp:
        p = write(tmp, "p.txt", open(os.path.join(ROOT, OUT,
                                                  "provenance.txt"),
                                     "rb").read())
        r1, o1, f1 = build(tmp, "1.igvm", p)
        r2, o2, f2 = build(tmp, "2.igvm", p)
        expect(r1 == 0 and r2 == 0, "build failed", o1 + o2)
        expect(open(f1, "rb").read() == open(f2, "rb").read(),
               "two builds from the same inputs differ")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
