#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs each libFuzzer target of `make fuzz` and prints one line per target.

Each target runs for --seconds on its corpus folder (which persists between
runs and grows), with its full output in OUT/<name>.log. The summary line
gives executions, coverage (libFuzzer's "cov" edges), how many corpus
entries the run added, and crashes (reproducers are left in OUT). The exit
status is 1 if any target crashed, leaked or failed to run.
"""
import argparse
import os
import re
import subprocess
import sys


def corpus_size(path):
    return len(os.listdir(path)) if os.path.isdir(path) else 0


def run(name, args, max_len):
    binary = os.path.join(args.out, f"{name}_fuzz")
    corpus = os.path.join(args.corpus, name)
    os.makedirs(corpus, exist_ok=True)
    before = corpus_size(corpus)
    log_path = os.path.join(args.out, f"{name}.log")
    cmd = [binary, f"-max_total_time={args.seconds}", "-print_final_stats=1",
           f"-artifact_prefix={args.out}/{name}-"]
    if max_len:
        cmd.append(f"-max_len={max_len}")
    cmd.append(corpus)
    with open(log_path, "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    text = open(log_path, errors="replace").read()
    execs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    cov = re.findall(r"\bcov: (\d+)", text)
    crashes = len(re.findall(r"^==\d+==ERROR|^SUMMARY: .*Sanitizer|"
                             r"deadly signal|^==\d+== ERROR: libFuzzer",
                             text, re.M))
    added = corpus_size(corpus) - before
    ok = rc == 0 and crashes == 0
    print(f"  {name:<12} {'ok' if ok else 'FAILED':<7}"
          f" execs {int(execs[-1]) if execs else 0:>10,}"
          f"  cov {cov[-1] if cov else '?':>5}"
          f"  corpus {corpus_size(corpus):>5} (+{added})"
          f"  crashes {crashes}" + ("" if ok else f"  (exit {rc}, see {log_path})"),
          flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder of the fuzz binaries")
    ap.add_argument("--corpus", required=True, help="folder of the corpora")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--max-len", action="append", default=[],
                    help="NAME=BYTES: libFuzzer's -max_len for one target")
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    max_len = dict(m.split("=", 1) for m in args.max_len)
    print(f"fuzz: {args.seconds} s per target, corpora in {args.corpus}/")
    failed = [n for n in args.names if not run(n, args, max_len.get(n))]
    if failed:
        print(f"fuzz: FAILED: {' '.join(failed)}")
        return 1
    print(f"fuzz: {len(args.names)} targets, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
