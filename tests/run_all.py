#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs every csvsm test suite and prints one closing "N passed, N failed".

Suites:
  unit     hosted unit tests under ASan/UBSan (out/tests/unit_tests)
  kernel   the in-kernel tests, booted in QEMU with TCG (run_svtest.py)
  system   whole-system checks on the real binaries (tests/qemu/system.py)
  store    the persisted directory across reboots on virtio-blk (run_store.py)
  *_cli    command-line checks of the host tools, no QEMU (tests/tools/*_cli.py)
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUMMARY = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed")


def run_suite(name, cmd):
    """Runs one suite, echoes its output, and returns (passed, failed)."""
    print(f"=== {name}: {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    sys.stdout.write(text)
    counts = None
    for line in text.splitlines():
        m = SUMMARY.match(line.strip())
        if m:
            counts = (int(m.group(1)), int(m.group(2)))
    if counts is None:
        print(f"=== {name}: no summary line (exit {proc.returncode})")
        return 0, 1
    passed, failed = counts
    if proc.returncode != 0 and failed == 0:
        print(f"=== {name}: exit {proc.returncode} with no failure counted")
        failed = 1
    print(f"=== {name}: {passed} passed, {failed} failed", flush=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--only")
    args = ap.parse_args()
    o = args.out
    suites = {
        "unit": [os.path.join(o, "tests", "unit_tests")],
        "kernel": [sys.executable, os.path.join(HERE, "qemu", "run_svtest.py"),
                   "--quiet", "--launcher", os.path.join(o, "tools", "csvsm-run"),
                   "--image", os.path.join(o, "svsm-test.igvm")],
        "system": [sys.executable, os.path.join(HERE, "qemu", "system.py"),
                   "--out", o],
        "store": [sys.executable, os.path.join(HERE, "qemu", "run_store.py"),
                  "--quiet", "--launcher", os.path.join(o, "tools", "csvsm-run"),
                  "--image", os.path.join(o, "svsm-test.igvm")],
    }
    # Command-line checks of the host tools: every tests/tools/*_cli.py.
    tools_dir = os.path.join(HERE, "tools")
    for fname in sorted(os.listdir(tools_dir)):
        if fname.endswith("_cli.py"):
            suites[fname[:-3]] = [sys.executable,
                                  os.path.join(tools_dir, fname), "--out", o]
    total_p = total_f = 0
    for name, cmd in suites.items():
        if args.only and name != args.only:
            continue
        p, f = run_suite(name, cmd)
        total_p += p
        total_f += f
    print(f"{total_p} passed, {total_f} failed")
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main())
