#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The host tools' command lines: --version, --help, usage errors, builder checks.

--help must describe every option the command accepts: the long options
are read from the getopt tables in the C sources, so an option added
without help text fails here. Usage errors are one line naming the
problem (an extra argument is named), exit status 2. The builder refuses
a guest policy with reserved bits wrong and a firmware that is not a
bootable firmware image.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh_split
from igvm_file import make_igvm

OUT = "out"
OVMF = "/usr/share/ovmf/OVMF.fd"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

# (tool, subcommand or None, the sources whose getopt tables it uses)
COMMANDS = [
    ("csvsm-igvm", "build", ["tools/csvsm-igvm/cmd_build.c"]),
    ("csvsm-igvm", "measure", ["tools/csvsm-igvm/cmd_measure.c"]),
    ("csvsm-igvm", "mrtd", ["tools/csvsm-igvm/cmd_mrtd.c"]),
    ("csvsm-igvm", "dump", ["tools/csvsm-igvm/cmd_dump.c"]),
    ("csvsm-igvm", "sign", ["tools/csvsm-igvm/cmd_sign.c"]),
    ("csvsm-igvm", "verify", ["tools/csvsm-igvm/cmd_verify.c"]),
    ("csvsm-run", None, ["tools/csvsm-run/main.c"]),
    ("csvsm-snp-measure", None, ["tools/csvsm-snp-measure/main.c"]),
    ("csvsm-vsockd", None, ["tools/csvsm-vsockd/main.c"]),
]


def run(tool, *args):
    return sh_split([os.path.join(ROOT, OUT, "tools", tool), *args])


def long_options(sources):
    """The long option names in the `struct option` tables of sources."""
    names = set()
    for src in sources:
        with open(os.path.join(ROOT, src)) as f:
            text = f.read()
        for table in re.findall(r"struct option \w+\[\] = \{(.*?)\};", text,
                                re.S):
            names |= set(re.findall(r'\{"([a-z0-9-]+)",', table))
    expect(names, f"no getopt table found in {sources}")
    return names


def check_every_tool_answers_version():
    for tool in ("csvsm-igvm", "csvsm-run", "csvsm-snp-measure",
                 "csvsm-vsockd"):
        rc, out, err = run(tool, "--version")
        expect(rc == 0 and out.startswith(tool) and "csvsm " in out
               and err == "", f"{tool} --version: exit {rc}", out + err)
    rc, out, _ = run("csvsm-snp-measure", "--version")
    expect("sev-snp-measure 0.0.13" in out,
           "csvsm-snp-measure --version does not name what it matches", out)


def check_help_describes_every_option():
    for tool, sub, sources in COMMANDS:
        args = [sub, "--help"] if sub else ["--help"]
        rc, out, err = run(tool, *args)
        expect(rc == 0 and err == "", f"{tool} {sub or ''} --help: exit {rc}",
               out + err)
        for name in long_options(sources):
            line = [ln for ln in out.splitlines() if f"--{name}" in ln]
            expect(line, f"{tool} {sub or ''} --help does not describe "
                   f"--{name}", out)


def check_extra_argument_is_named():
    cases = [
        ("csvsm-igvm", ["measure", "out/svsm.igvm", "stray"]),
        ("csvsm-igvm", ["dump", "out/svsm.igvm", "stray"]),
        ("csvsm-igvm", ["verify", "out/svsm.igvm", "stray"]),
        ("csvsm-igvm", ["mrtd", "--ovmf", OVMF, "stray"]),
        ("csvsm-vsockd", ["--socket", "s", "--uds-path", "u", "stray"]),
        ("csvsm-igvm", ["build", "--kernel", "out/svsm.elf", "-o",
                        "/nonexistent/x.igvm", "stray"]),
        ("csvsm-igvm", ["sign", "out/svsm.igvm", "stray", "-o", "x",
                        "--id-key", "k"]),
    ]
    for tool, args in cases:
        rc, out, err = run(tool, *args)
        expect(rc == 2 and "'stray'" in err and len(err.strip().splitlines())
               == 1, f"{tool} {args[0]}: exit {rc}", out + err)


def check_vcpu_limits_are_one_rule():
    """1..65536 for every measuring command; the error states the range."""
    for tool, args in (("csvsm-igvm", ["measure", "--vcpus", "65537",
                                       "out/svsm.igvm"]),
                       ("csvsm-igvm", ["verify", "--vcpus", "65537",
                                       "out/svsm.igvm"]),
                       ("csvsm-snp-measure", ["--mode", "snp", "--vcpus",
                                              "65537", "--vcpu-type",
                                              "EPYC-v4", "--ovmf", OVMF])):
        rc, out, err = run(tool, *args)
        expect(rc == 2 and "65536" in err, f"{tool} {args[0]}: exit {rc}",
               out + err)
    rc, out, err = run("csvsm-igvm", "measure", "--vcpus", "65536",
                       "out/svsm.igvm")
    expect(rc == 0, f"measure --vcpus 65536: exit {rc}", out + err)
    rc, out, err = run("csvsm-run", "--smp", "65", "out/svsm.igvm")
    expect(rc == 2 and "1-64" in err, f"csvsm-run --smp 65: exit {rc}", err)


def check_options_that_do_not_apply_are_refused():
    igvm = os.path.join(OUT, "svsm.igvm")
    with tempfile.TemporaryDirectory() as d:
        native = os.path.join(d, "native.igvm")
        make_igvm(native, snp=False)
        cases = [
            (["measure", "--json", "--output-format", "base64", igvm],
             "--output-format"),
            (["measure", "--tdx-two-pass", igvm], "--tdx-two-pass"),
            (["measure", "--vcpus", "2", native], "--vcpus"),
            (["measure", "--native-zero", native], "switches"),
            (["verify", "--vcpus", "1", "--ld", "00" * 48, igvm], "--ld"),
            (["sign", igvm, "-o", os.path.join(d, "s.igvm"), "--id-key", "k",
              "--vcpus", "2", "--ld", "00" * 48, "--guest-svn", "0",
              "--family-id", "00" * 16, "--image-id", "00" * 16], "--ld"),
            (["mrtd", "--ovmf", OVMF, "--zero-page-add-only"], "--igvm only"),
            (["build", "--kernel", os.path.join(OUT, "svsm.elf"), "-o",
              os.path.join(d, "b.igvm"), "--no-snp", "--policy", "0x30000"],
             "--policy"),
        ]
        for args, needle in cases:
            rc, out, err = run("csvsm-igvm", *args)
            expect(rc == 2 and needle in err and out == ""
                   and len(err.strip().splitlines()) == 1,
                   f"{' '.join(args[:2])}: exit {rc}, want 2 naming {needle}",
                   out + err)
        expect(not os.path.exists(os.path.join(d, "b.igvm"))
               and not os.path.exists(os.path.join(d, "s.igvm")),
               "a refused command wrote a file")


def build(*args):
    return run("csvsm-igvm", "build", "--kernel",
               os.path.join(OUT, "svsm.elf"), *args)


def check_build_refuses_reserved_policy_bits():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.igvm")
        for policy in ("0x10000", "0", "0xffffffffffffffff", "0x4030000"):
            rc, o, err = build("--policy", policy, "-o", out)
            expect(rc == 2 and "policy" in err and "bit" in err,
                   f"--policy {policy}: exit {rc}", o + err)
            expect(not os.path.exists(out), f"--policy {policy} wrote a file")
        rc, o, err = build("--policy", "0x30000", "-o", out)
        expect(rc == 0 and o.startswith(f"wrote {out}: ")
               and "launch digest" in o, f"--policy 0x30000: exit {rc}",
               o + err)


def check_build_errors_name_their_file():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.igvm")
        junk = os.path.join(d, "junk.elf")
        with open(junk, "wb") as f:
            f.write(b"\x7fELF" + bytes(200))
        rc, o, err = run("csvsm-igvm", "build", "--kernel", junk, "-o", out)
        expect(rc == 1 and err.startswith(f"csvsm-igvm: {junk}: "),
               f"a bad kernel: exit {rc}", err)
        rc, o, err = build("--region-base", "0x1234", "-o", out)
        expect(rc == 2 and "region" in err and "2 MiB" in err,
               f"a bad region: exit {rc}", err)


def check_build_refuses_what_is_not_a_firmware():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.igvm")
        with open(OVMF_CODE, "rb") as f:
            code = f.read()
        cases = {"empty.fd": (b"", "empty"),
                 "head.fd": (code[:len(code) // 2], "footer GUID table"),
                 "tail.fd": (code[len(code) // 2:], "firmware volume"),
                 "odd.fd": (code[:-100], "multiple of 4096")}
        for name, (data, needle) in cases.items():
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(data)
            rc, o, err = build("--firmware", path, "-o", out)
            expect(rc == 1 and needle in err and name in err,
                   f"{name}: exit {rc}, want '{needle}'", o + err)
        rc, o, err = build("--firmware", OVMF_VARS, "-o", out)
        expect(rc == 1 and "variable store" in err and "OVMF_VARS" in err,
               f"OVMF_VARS: exit {rc}", o + err)
        rc, o, err = build("--firmware", d, "-o", out)
        expect(rc == 1 and "is a folder" in err, f"a folder: exit {rc}", err)
        expect(not os.path.exists(out), "a refused firmware was built")
        rc, o, err = build("--firmware", OVMF_CODE, "-o", out)
        expect(rc == 0 and os.path.exists(out), f"OVMF_CODE: exit {rc}",
               o + err)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
