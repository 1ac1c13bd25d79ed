#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm benchmarks: figures measured side by side in one run, never pass/fail.

  1. allocator throughput (bench/alloc_bench.c, hosted, -O2): alloc+free
     pairs per second for 4 KiB pages and 64-byte objects, next to glibc;
  2. the SNP launch measurement of a 256 MiB image (bench/measure_bench.c)
     against OpenSSL's single-core SHA-384 throughput on 4 KiB blocks;
  3. the SVSM's static memory footprint at "ready" (booted in QEMU with
     TCG): what it occupies of its region for 1, 4 and 64 vCPUs, next to the
     16 MiB minimum that the leading Rust SVSM (COCONUT) reserves for itself.
"""
import argparse
import os
import re
import subprocess
import sys

COCONUT_MIN_KIB = 16 * 1024  # reference/coconut-svsm.md: 16 MiB minimum
TARGET_KIB = 4 * 1024
FOOTPRINT = re.compile(r"memory at ready: (\d+) KiB in use, (\d+) KiB heap free, (\d+) KiB region")


def footprint(out, vcpus):
    mem = "1G" if vcpus > 16 else "256M"
    proc = subprocess.run([os.path.join(out, "tools", "csvsm-run"), "--accel", "tcg",
                           "--smp", str(vcpus), "--memory", mem, "--exit-on-ready",
                           "--timeout", "120", os.path.join(out, "svsm.igvm")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    m = FOOTPRINT.search(proc.stdout.decode("utf-8", "replace"))
    if proc.returncode != 0 or not m:
        return None
    return int(m.group(1)), int(m.group(3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    args = ap.parse_args()

    print("== allocator throughput (hosted, one run)", flush=True)
    sys.stdout.flush()
    subprocess.run([os.path.join(args.out, "bench", "alloc_bench")], check=False)

    print("\n== SNP launch measurement of a 256 MiB image (hosted, one run)")
    sys.stdout.flush()
    subprocess.run([os.path.join(args.out, "bench", "measure_bench")], check=False)

    print("\n== static memory footprint at \"ready\" (SVSM alone)")
    print(f"{'vCPUs':>5} {'in use KiB':>11} {'region KiB':>11} "
          f"{'vs COCONUT 16 MiB':>18} {'vs 4 MiB target':>16}")
    for vcpus in (1, 4, 64):
        r = footprint(args.out, vcpus)
        if r is None:
            print(f"{vcpus:>5} boot failed")
            continue
        used, region = r
        print(f"{vcpus:>5} {used:>11} {region:>11} {used / COCONUT_MIN_KIB:>17.3f}x "
              f"{used / TARGET_KIB:>15.3f}x")
    print("(region KiB is what the IGVM file reserves: SVSM_SIZE, sized for 64 vCPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
