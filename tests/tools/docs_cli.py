#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""docs/tools.md says what the tools print: its examples are run here.

Every `$ ` line of a ```console block in docs/tools.md is run from the
repository's root (the commands only read) and its output must be the
lines that follow it, where `<digest>` stands for any 96 hex digits (csvsm's
own digest changes with every commit) and `<version>` for a Debian package
version (the build machine's). Every full digest written anywhere
in the file must come from such a checked output, and no digest may be
abbreviated ("5360c708...b855cf"), so none can go stale.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect

OUT = "out"
DOC = os.path.join(ROOT, "docs", "tools.md")
DIGEST = re.compile(r"\b[0-9a-f]{96}\b")


def console_examples():
    """[(command, [expected output lines])] from the console blocks."""
    with open(DOC) as f:
        text = f.read()
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                expect(examples, "a console block does not start with $")
                examples[-1][1].append(line)
    return examples


def line_matches(want, got):
    pattern = re.escape(want).replace(re.escape("<digest>"), "[0-9a-f]{96}")
    pattern = pattern.replace(re.escape("<version>"), "[0-9A-Za-z.+~:-]+")
    return re.fullmatch(pattern, got) is not None


def check_console_examples_print_what_the_docs_say():
    examples = console_examples()
    expect(len(examples) >= 5, f"only {len(examples)} examples found")
    for cmd, want in examples:
        expect(cmd.startswith("out/tools/"), f"not a tool command: {cmd}")
        cmd = cmd.replace("out/tools/", os.path.join(OUT, "tools") + "/", 1)
        proc = subprocess.run(cmd, shell=True, cwd=ROOT, timeout=120,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, check=False)
        got = proc.stdout.decode("utf-8", "replace").splitlines()
        expect(proc.returncode == 0, f"{cmd}: exit {proc.returncode}",
               proc.stderr.decode("utf-8", "replace"))
        if OUT != "out":
            got = [g.replace(OUT + "/", "out/") for g in got]
        expect(len(got) == len(want)
               and all(line_matches(w, g) for w, g in zip(want, got)),
               f"{cmd}: docs/tools.md shows\n" + "\n".join(want)
               + "\nthe build prints\n" + "\n".join(got))


def check_every_digest_in_the_docs_is_checked():
    with open(DOC) as f:
        text = f.read()
    checked = set()
    for _, want in console_examples():
        for line in want:
            checked |= set(DIGEST.findall(line))
    for d in DIGEST.findall(text):
        expect(d in checked, f"digest {d[:16]}... in docs/tools.md is in no "
               "checked console example")
    short = re.findall(r"\b[0-9a-f]{6,}\.\.\.[0-9a-f]{4,}\b", text)
    expect(not short, f"abbreviated digests in docs/tools.md: {short}")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
