#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every command that reads an IGVM file, on a few hundred corrupted files.

The mutants are made here, deterministically (a fixed seed), from csvsm's
own out/svsm.igvm and from a small SNP + NATIVE file written by
igvm_file.py: bytes flipped in the headers, 32- and 64-bit fields set to
edge values (0, 1, 0xffffffff, 2^52, the file size), header lengths
changed, truncations and appended bytes. Most mutants have their checksum
re-sealed, so the checks behind it run, not only the CRC. Each mutant goes
through dump, dump --json, measure, measure --json, mrtd --igvm, verify,
sign and csvsm-run --dry-run under a timeout: the only acceptable endings
are exit statuses 0, 1 and 2 - no signal (a crash or an abort), no
timeout (a hang), no sanitizer report.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import concurrent.futures
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh
from igvm_file import make_igvm, reseal

OUT = "out"
SEED = 14
MUTANTS_PER_FILE = 100
TIMEOUT = 10  # seconds per command; a good file takes milliseconds
WORKERS = 2
META = ["--guest-svn", "0", "--family-id", "00" * 16, "--image-id", "00" * 16]
EDGE32 = [0, 1, 7, 8, 0x1000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF8, 0xFFFFFFFF]
EDGE64 = [0, 1 << 52, (1 << 52) - 0x1000, 1 << 63, (1 << 64) - 1,
          (1 << 64) - 0x1000]


def header_span(buf):
    """[start, end) of the variable headers, or the whole file."""
    if len(buf) < 24:
        return 0, len(buf)
    _, _, off, size, _, _ = struct.unpack_from("<6I", buf)
    end = min(len(buf), off + size)
    return (off, end) if off < end else (0, len(buf))


def mutate(buf, rng):
    """One corrupted copy of buf; returns (description, bytes)."""
    b = bytearray(buf)
    lo, hi = header_span(buf)
    kind = rng.randrange(7)
    if kind == 0:
        n = rng.randint(1, 4)
        offs = [rng.randrange(lo, hi) for _ in range(n)]
        for o in offs:
            b[o] ^= 1 << rng.randrange(8)
        desc = f"flip bits at {offs}"
    elif kind == 1:
        o = rng.randrange(lo, hi - 4) & ~3
        v = rng.choice(EDGE32 + [len(buf), len(buf) - 1, len(buf) + 8])
        struct.pack_into("<I", b, o, v & 0xFFFFFFFF)
        desc = f"u32 at 0x{o:x} = 0x{v:x}"
    elif kind == 2:
        o = rng.randrange(lo, hi - 8) & ~7
        v = rng.choice(EDGE64)
        struct.pack_into("<Q", b, o, v)
        desc = f"u64 at 0x{o:x} = 0x{v:x}"
    elif kind == 3:
        # A TLV's length (the second u32 of an 8-byte-aligned header).
        o = (rng.randrange(lo, hi - 8) & ~7) + 4
        v = rng.choice([0, 4, 8, 16, 20, 24, 0x2B8, 0xFFFF, 0xFFFFFFFF])
        struct.pack_into("<I", b, o, v)
        desc = f"length at 0x{o:x} = 0x{v:x}"
    elif kind == 4:
        o = rng.randrange(0, 24)
        b[o] = rng.randrange(256)
        desc = f"fixed header byte 0x{o:x}"
    elif kind == 5:
        cut = rng.randrange(0, len(buf))
        return f"truncated to {cut}", bytes(b[:cut])
    else:
        extra = rng.randint(1, 9000)
        return f"{extra} bytes appended", bytes(b) + bytes([0x5A]) * extra
    if rng.random() < 0.85 and len(b) >= 24:
        try:
            return desc + ", resealed", reseal(bytes(b))
        except struct.error:
            pass
    return desc, bytes(b)


def commands(path, tmp, key):
    igvm = os.path.join(ROOT, OUT, "tools", "csvsm-igvm")
    return [
        [igvm, "dump", path], [igvm, "dump", "--json", path],
        [igvm, "measure", path], [igvm, "measure", "--json", "--vcpus", "2", path],
        [igvm, "mrtd", "--igvm", path], [igvm, "verify", path],
        [igvm, "sign", path, "-o", os.path.join(tmp, "signed.igvm"),
         "--id-key", key, *META],
        [os.path.join(ROOT, OUT, "tools", "csvsm-run"), "--dry-run", path],
    ]


def run_one(argv, env):
    try:
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              timeout=TIMEOUT, check=False, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "timed out"
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode < 0:
        return f"killed by signal {-proc.returncode}: {err.strip()[:200]}"
    if proc.returncode not in (0, 1, 2):
        return f"exit {proc.returncode}: {err.strip()[:200]}"
    if "Sanitizer" in err or "runtime error" in err:
        return "sanitizer report: " + err.strip()[:200]
    return None


def corrupt_run(source, count):
    """Runs every command on count mutants of source; returns the failures."""
    with open(source, "rb") as f:
        good = f.read()
    rng = random.Random(f"{SEED}:{os.path.basename(source)}")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "id.pem")
        rc, text = sh(["openssl", "ecparam", "-name", "secp384r1", "-genkey",
                       "-noout", "-out", key])
        expect(rc == 0, "openssl ecparam", text)
        runs = os.path.join(tmp, "runs")
        os.mkdir(runs)
        env = dict(os.environ, TMPDIR=runs)
        jobs = []
        for i in range(count):
            desc, data = mutate(good, rng)
            path = os.path.join(tmp, f"m{i}.igvm")
            with open(path, "wb") as f:
                f.write(data)
            out = os.path.join(tmp, f"o{i}")
            os.mkdir(out)
            for argv in commands(path, out, key):
                jobs.append((f"mutant {i} ({desc}): {' '.join(argv[1:3])}",
                             argv))
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            results = pool.map(lambda j: (j[0], run_one(j[1], env)), jobs)
            failures = [f"{name}: {why}" for name, why in results if why]
    return failures, len(jobs)


def check_corrupted_csvsm_files():
    failures, n = corrupt_run(os.path.join(ROOT, OUT, "svsm.igvm"),
                              MUTANTS_PER_FILE)
    expect(not failures, f"{len(failures)} of {n} runs ended badly:\n"
           + "\n".join(failures[:20]))


def check_corrupted_small_files():
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "small.igvm")
        make_igvm(src, unmeasured=b"\x33" * 4096)
        failures, n = corrupt_run(src, MUTANTS_PER_FILE)
    expect(not failures, f"{len(failures)} of {n} runs ended badly:\n"
           + "\n".join(failures[:20]))


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
