# SPDX-License-Identifier: MIT
"""The check runner and helpers shared by every Python test file.

A test file (tests/qemu/*.py, tests/tools/*.py) defines functions named
check_* that raise AssertionError (or fail a subprocess or file operation)
to fail, and calls run(globals(), __doc__) from main(). ROOT, sh(),
sh_split() and expect() are the helpers they share. run() parses `--out DIR`
(the build directory, stored as the module's OUT) and an optional name
filter, runs the matching checks in name order, prints a PASS or FAIL line
for each and the closing "N passed, N failed", and returns the exit status.

A fixture (a function that only prepares files for checks, such as an
export from the unit tests) is not a check: name it without the check_
prefix and call it from the checks that need it; its failure fails them.
"""
import argparse
import os
import socket
import subprocess

# The repository's root: commands run from there.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FAILURES = (AssertionError, subprocess.TimeoutExpired, OSError, KeyError,
            ValueError)


def sh(cmd, timeout=120, env=None, cwd=None):
    """Runs cmd from ROOT; returns (exit status, stdout+stderr text)."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, timeout=timeout, check=False,
                          cwd=cwd or ROOT, env=env)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def sh_split(cmd, timeout=120, env=None, cwd=None):
    """Runs cmd from ROOT; returns (exit status, stdout text, stderr text)."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=timeout, check=False,
                          cwd=cwd or ROOT, env=env)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def expect(cond, msg, text=""):
    """Fails the check with msg (and the command output, if given)."""
    if not cond:
        raise AssertionError(msg + ("\n--- output ---\n" + text if text else ""))


def free_port_pair():
    """A port P with P and P+1 free on 127.0.0.1 (the mssim protocol's
    command and platform ports)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise AssertionError("no free port pair")


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
