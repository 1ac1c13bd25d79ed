#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vTPM's state on the store, in QEMU: out/svsm.igvm booted with
csvsm-run --tpm and a 1 MiB raw disk, --cmdline store_devkey=HEX (the
development key), next to the same image with the state in RAM only.

Figures (one run):
- per NV-changing command (tpm2_nvincrement, tpm2_nvwrite of 32 bytes):
  atomic updates (the store's version, readable in each root block, grows
  by 2 per update) and bytes written (4 KiB blocks of the disk that
  changed, times 4096: a block rewritten with the same bytes would not
  count, but every block written carries fresh ciphertext), averaged over
  N commands;
- latency of tpm2_nvincrement (the whole tool run, median of N), with the
  store and in RAM only;
- the time to open the store at boot (the SVSM's log line, formatted and
  opened);
- disk writes in an idle minute (no command) and in a minute of read-only
  commands (one tpm2_getrandom a second).
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import vtpm_persist_cli as t  # noqa: E402

OPEN_TIME = re.compile(r"vtpm: state in the store \(([a-z, ]+) in (\d+) us\)")


def blocks(disk):
    with open(disk, "rb") as f:
        data = f.read()
    return [data[i:i + 4096] for i in range(0, len(data), 4096)]


def changed_blocks(before, after):
    return sum(1 for a, b in zip(before, after) if a != b)


def per_command(s, disk, args, n, prepare=None):
    """Atomic updates and bytes written per command, each command's blocks
    compared on their own (a block rewritten twice counts twice)."""
    v0 = t.store_version(disk)
    written = 0
    for i in range(n):
        if prepare:
            prepare(i)
        before = blocks(disk)
        s.tool(*args)
        written += changed_blocks(before, blocks(disk)) * 4096
    return (t.store_version(disk) - v0) / 2 / n, written / n


def latency(s, n):
    times = []
    for _ in range(n):
        start = time.monotonic()
        s.tool("tpm2_nvincrement", t.NV_COUNTER, "-C", "o")
        times.append(time.monotonic() - start)
    return statistics.median(times) * 1000


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows)
              for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--idle", type=float, default=60.0)
    args = ap.parse_args()
    t.OUT = args.out

    with tempfile.TemporaryDirectory() as tmp:
        disk = t.fresh_disk(tmp)
        s, _, _ = t.first_boot(tmp, disk)
        try:
            formatted = OPEN_TIME.search(s.read_log())
            data = os.path.join(tmp, "contents")
            inc = per_command(s, disk, ("tpm2_nvincrement", t.NV_COUNTER,
                                        "-C", "o"), args.n)

            def new_contents(i):
                with open(data, "wb") as f:
                    f.write(bytes([i + 1]) * len(t.CONTENTS))

            wr = per_command(s, disk, ("tpm2_nvwrite", t.NV_DATA, "-C", "o",
                                       "-i", data), args.n, new_contents)
            lat_store = latency(s, args.n)
            v0, b0 = t.store_version(disk), blocks(disk)
            time.sleep(args.idle)
            idle = ((t.store_version(disk) - v0) // 2,
                    changed_blocks(b0, blocks(disk)) * 4096)
            v0, b0 = t.store_version(disk), blocks(disk)
            end = time.monotonic() + args.idle
            while time.monotonic() < end:
                s.tool("tpm2_getrandom", "8")
                time.sleep(1)
            reads = ((t.store_version(disk) - v0) // 2,
                     changed_blocks(b0, blocks(disk)) * 4096)
        finally:
            s.kill()
        s = t.boot(disk)
        try:
            opened = OPEN_TIME.search(s.read_log())
        finally:
            s.kill()

        # The same image with the state in RAM only.
        ram = t.Svsm(disk, None)
        try:
            ram.serving()
            ram.tool("tpm2_startup", "-c")
            ram.tool("tpm2_nvdefine", t.NV_COUNTER, "-C", "o", "-s", "8",
                     "-a", "ownerread|ownerwrite|nt=counter")
            lat_ram = latency(ram, args.n)
        finally:
            ram.kill()

    print(f"(TCG; {args.n} commands each; a 1 MiB disk)")
    table(["NV-changing command", "atomic updates", "bytes written"],
          [["tpm2_nvincrement", f"{inc[0]:.2f}", f"{inc[1]:.0f}"],
           ["tpm2_nvwrite, 32 bytes", f"{wr[0]:.2f}", f"{wr[1]:.0f}"]])
    print()
    table(["tpm2_nvincrement latency", "median ms", "vs RAM only"],
          [["state in the store", f"{lat_store:.1f}",
            f"{lat_store / lat_ram:.2f}x"],
           ["state in RAM only", f"{lat_ram:.1f}", "1.00x"]])
    print()
    table(["store at boot", "time us"],
          [["blank disk formatted", formatted.group(2) if formatted else "-"],
           ["opened (EKs, key, 2 NV indices)",
            opened.group(2) if opened else "-"]])
    print()
    table([f"{args.idle:.0f} s of", "atomic updates", "bytes written"],
          [["no command", str(idle[0]), str(idle[1])],
           ["tpm2_getrandom each second", str(reads[0]), str(reads[1])]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
