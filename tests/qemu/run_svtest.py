#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots the SVSM test image in QEMU and checks its in-kernel tests.

The image runs every test (or those matching --filter), prints one
"[svtest] PASS/FAIL suite.name" line per test and "N passed, N failed", and
ends the VM with a status. This runner fails the run on any failed test, a
panic or CPU exception, a timeout, a missing summary, or an exit status that
disagrees with the summary. TCG by default, so it works without KVM.

Exit status: 0 when every test passed; 1 otherwise. The last line printed
is "N passed, N failed" (a broken run counts as one extra failure).
"""
import argparse
import re
import subprocess
import sys

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$")
RESULT = re.compile(r"^\[svtest\] (PASS|FAIL) (\S+)")


def run(launcher, image, cmdline, timeout, accel, smp, memory):
    """Runs the image; returns (exit status, console text)."""
    cmd = [launcher, "--accel", accel, "--smp", str(smp), "--memory", memory,
           "--timeout", str(timeout)]
    if cmdline:
        cmd += ["--cmdline", cmdline]
    cmd.append(image)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, timeout=timeout + 30,
                          check=False)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def judge(rc, text):
    """Returns (passed, failed, problems) for one run's output."""
    passed = failed = None
    problems = []
    results = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = RESULT.match(line)
        if m:
            results.append(m.groups())
        m = SUMMARY.match(line)
        if m:
            passed, failed = int(m.group(1)), int(m.group(2))
    if "PANIC:" in text or "*** CPU exception" in text:
        problems.append("the SVSM panicked or faulted")
    if rc == 124:
        problems.append("timed out")
    if passed is None:
        problems.append("no test summary printed")
        passed = sum(1 for r in results if r[0] == "PASS")
        failed = sum(1 for r in results if r[0] == "FAIL")
    elif passed + failed != len(results):
        problems.append("summary disagrees with the per-test lines")
    if failed == 0 and rc != 0:
        problems.append(f"exit status {rc} although no test failed")
    if failed and rc == 0:
        problems.append("exit status 0 although tests failed")
    if passed + failed == 0:
        problems.append("no tests ran")
    return passed, failed, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launcher", default="out/tools/csvsm-run")
    ap.add_argument("--image", default="out/svsm-test.igvm")
    ap.add_argument("--filter", default="")
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--quiet", action="store_true",
                    help="print the console only when the run fails")
    args = ap.parse_args()

    cmdline = args.cmdline
    if args.filter:
        cmdline = (cmdline + " svtest=" + args.filter).strip()
    rc, text = run(args.launcher, args.image, cmdline, args.timeout,
                   args.accel, args.smp, args.memory)
    passed, failed, problems = judge(rc, text)
    if problems or failed or not args.quiet:
        sys.stdout.write(text)
    for p in problems:
        print(f"run_svtest: {p}")
    if problems:
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
