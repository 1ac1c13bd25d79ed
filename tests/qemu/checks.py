# SPDX-License-Identifier: MIT
"""The check runner shared by the Python test files in tests/qemu/.

A test file defines functions named check_* that raise AssertionError (or
fail a subprocess or file operation) to fail, and calls run(globals(),
__doc__) from main(). run() parses `--out DIR` (the build directory, stored
as the module's OUT) and an optional name filter, runs the matching checks in
name order, prints a PASS or FAIL line for each and the closing
"N passed, N failed", and returns the exit status.
"""
import argparse
import subprocess

FAILURES = (AssertionError, subprocess.TimeoutExpired, OSError, KeyError,
            ValueError)


def run(namespace, doc, extra=None, configure=None):
    """Runs the checks in `namespace`; returns 0 when all passed, else 1.

    extra(parser) may add options; configure(args) may read them and
    return the name prefixes to run (default: ["check_"]).
    """
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("filter", nargs="?", default="")
    if extra:
        extra(ap)
    args = ap.parse_args()
    namespace["OUT"] = args.out
    prefixes = (configure(args) if configure else None) or ["check_"]
    selected = [(n, f) for n, f in sorted(namespace.items())
                if callable(f) and any(n.startswith(p) for p in prefixes)
                and args.filter in n]
    passed = failed = 0
    for name, fn in selected:
        try:
            fn()
        except FAILURES as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
        else:
            passed += 1
            print(f"PASS {name}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
