#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Counts csvsm's "unsafe sites" and fails when any is undocumented.

C has no `unsafe` keyword, so csvsm draws the line itself (docs/architecture.md):
  - inline assembly (asm/__asm__), only in kernel/arch/;
  - volatile accesses in code that runs inside the SVSM (MMIO, shared
    memory, deliberately faulting test accesses), only in kernel/arch/,
    kernel/drivers/ and tests/svsm/ (hosted tools may use volatile as any
    process does, e.g. sig_atomic_t);
  - integer-to-pointer casts, only in include/svsm/addr.h (clang-tidy's
    performance-no-int-to-ptr flags any other, so each allowed one carries
    a NOLINT(performance-no-int-to-ptr) marker, which this script counts);
  - assembly source files, only in kernel/arch/ and tools/csvsm-run/.
Each site needs a comment containing "SAFETY:" on its line or in the comment
block directly above it. Prints every offending site and a summary line;
exits 1 when any site is undocumented or in a file not allowed to have it.
"""
import re
import subprocess
import sys

ALLOWED = {
    "inline asm": ("kernel/arch/",),
    "volatile": ("kernel/arch/", "kernel/drivers/", "tests/svsm/"),
    "int-to-pointer": ("include/svsm/addr.h",),
    "asm file": ("kernel/arch/", "tools/csvsm-run/"),
}
SVSM_CODE = ("kernel/", "include/", "lib/", "tests/svsm/")
ASM = re.compile(r"\b(__asm__|asm)\b\s*(volatile|__volatile__)?\s*\(")
VOLATILE = re.compile(r"\bvolatile\b")
INT_TO_PTR = re.compile(r"NOLINT\(performance-no-int-to-ptr\)")


def strip_strings(line):
    return re.sub(r'"(\\.|[^"\\])*"', '""', line)


def documented(lines, i):
    """SAFETY: on line i, or in the comment block ending just above it."""
    if "SAFETY:" in lines[i]:
        return True
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if not (s.startswith("/*") or s.startswith("*") or s.endswith("*/")
                or s.startswith("//")):
            return False
        if "SAFETY:" in s:
            return True
        j -= 1
    return False


def sites(path, text):
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        line = strip_strings(raw)
        code = line.split("/*")[0].split("//")[0]
        if ASM.search(code):
            yield "inline asm", i, lines
        elif VOLATILE.search(code) and path.startswith(SVSM_CODE):
            yield "volatile", i, lines
        if INT_TO_PTR.search(line):
            yield "int-to-pointer", i, lines


def main():
    files = subprocess.run(["git", "ls-files", "*.c", "*.h", "*.S"],
                           stdout=subprocess.PIPE, check=True,
                           text=True).stdout.split()
    total = bad = 0
    for path in files:
        if path.endswith(".S"):
            total += 1
            if not path.startswith(ALLOWED["asm file"]):
                bad += 1
                print(f"{path}: assembly file outside kernel/arch/")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for kind, i, lines in sites(path, text):
            total += 1
            where = f"{path}:{i + 1}"
            if not path.startswith(ALLOWED[kind]):
                bad += 1
                print(f"{where}: {kind} outside {', '.join(ALLOWED[kind])}")
            elif not documented(lines, i):
                bad += 1
                print(f"{where}: {kind} without a SAFETY: comment")
    print(f"unsafe sites: {total} total, {bad} undocumented or misplaced")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
