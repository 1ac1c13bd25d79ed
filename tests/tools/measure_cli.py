#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Command-line checks of csvsm-snp-measure, the sev-snp-measure drop-in.

Exact stdout for the values sev-snp-measure 0.0.13 prints for Debian's
OVMF.fd (ovmf 2022.11-6+deb12u2; hex and base64), the VMSA dumps against
the page hashes sev-snp-measure 0.0.13 dumps for the same file, and the error lines and exit
statuses for bad input. /usr/share/ovmf/OVMF.fd is installed by
scripts/deps.sh; without it the checks fail.

With --sev-snp-measure DIR (a virtee/sev-snp-measure 0.0.13 checkout) it
also replays the section 6 fixture vectors from DIR/tests/fixtures and
compares the output with DIR/sev-snp-measure.py over an option matrix.

Each check is a function named check_*; it raises AssertionError (with a
message) to fail. The last line printed is "N passed, N failed".
"""
import base64
import hashlib
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh_split

OUT = "out"
SSM = None  # --sev-snp-measure DIR

OVMF = "/usr/share/ovmf/OVMF.fd"
OVMF_4M = "/usr/share/OVMF/OVMF_CODE_4M.fd"
PROG = "csvsm-snp-measure"

# Section 5: sev-snp-measure values for Debian's OVMF.fd.
DEB_SNP = ("11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75"
           "c6ff1703f540bd22a9beede8fe7a97e3")
DEB_HASH = ("ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183b"
            "fbcd75c3e99b2f558575a5d0094f73c6")
DEB_MILAN4 = ("e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790d"
              "b2d12a301d66d99a462a13b5d87e2840")
# Section 6: VMSA page hashes (EPYC-v4, QEMU, features 0x1, AP eip 0x80b004,
# which is Debian OVMF.fd's SEV-ES reset block).
VMSA_BSP = ("77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b"
            "3856f55378e9518d0da99452d51c553a")
VMSA_AP = ("8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe962226"
           "57e11e53fcf63eb0e0afd722385bf7b4")
# Computed with sev-snp-measure 0.0.13 on the same OVMF.fd (tool vs tool).
DEB_SEVES = "5bcbb5a45e7a9fa4699b6cc8f775382a810ff5a0186d3b90069ba28b1840b38f"
DEB_SEV = "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"


def tool():
    return os.path.join(ROOT, OUT, "tools", PROG)


def run(*args, cwd=None, prog=None):
    """Runs the tool; returns (status, stdout, stderr)."""
    return sh_split([prog or tool(), *args], cwd=cwd)


def expect_output(args, want):
    """Exit status 0, exactly want + newline on stdout, nothing on stderr."""
    rc, out, err = run(*args)
    expect(rc == 0 and out == want + "\n" and err == "",
           f"{' '.join(args)}: status {rc}, stdout {out!r}, stderr {err!r}, "
           f"want {want!r}")


def b64(hexstr):
    return base64.b64encode(bytes.fromhex(hexstr)).decode()


SNP1 = ["--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", OVMF]
MILAN4 = ["--mode", "snp", "--vcpus", "4", "--vcpu-type", "EPYC-Milan",
          "--guest-features", "0x1", "--ovmf", OVMF]


def check_ovmf_installed():
    expect(os.path.isfile(OVMF), f"{OVMF} missing: run scripts/deps.sh")


def check_debian_snp_hex():
    expect_output(SNP1, DEB_SNP)


def check_debian_snp_base64():
    expect_output(SNP1 + ["--output-format", "base64"], b64(DEB_SNP))


def check_debian_ovmf_hash_hex():
    expect_output(["--mode", "snp:ovmf-hash", "--ovmf", OVMF], DEB_HASH)


def check_debian_ovmf_hash_ignores_format_and_verbose():
    # sev-snp-measure prints this mode in bare hex whatever the options;
    # csvsm-snp-measure too, and warns that the options are ignored.
    rc, out, err = run("--mode", "snp:ovmf-hash", "--ovmf", OVMF, "-v",
                       "--output-format", "base64")
    expect(rc == 0 and out == DEB_HASH + "\n", f"status {rc}, {out!r}")
    expect("warning: --output-format has no effect with --mode snp:ovmf-hash"
           in err and "warning: --verbose has no effect" in err,
           f"no warning for the ignored options: {err!r}")


def check_debian_milan_4_vcpus_hex():
    expect_output(MILAN4, DEB_MILAN4)


def check_debian_milan_4_vcpus_base64():
    expect_output(MILAN4 + ["--output-format", "base64"], b64(DEB_MILAN4))


def check_verbose_line():
    expect_output(SNP1 + ["-v"],
                  f"Calculated SEV_SNP guest measurement: {DEB_SNP}")
    expect_output(SNP1 + ["--verbose", "--output-format=base64"],
                  f"Calculated SEV_SNP guest measurement: {b64(DEB_SNP)}")


def check_default_guest_features_is_0x1():
    expect_output(SNP1 + ["--guest-features", "0x1"], DEB_SNP)
    expect_output(SNP1 + ["--guest-features", "1"], DEB_SNP)
    rc, out, _ = run(*SNP1, "--guest-features", "0x21")
    expect(rc == 0 and out.strip() not in ("", DEB_SNP),
           "0x21 gives the 0x1 digest")


def check_vcpu_sig_spellings_agree():
    base = ["--mode", "snp", "--vcpus", "1", "--ovmf", OVMF]
    expect_output(base + ["--vcpu-sig", "0x800F12"], DEB_SNP)
    expect_output(base + ["--vcpu-sig", str(0x800F12)], DEB_SNP)
    expect_output(base + ["--vcpu-family", "23", "--vcpu-model", "1",
                          "--vcpu-stepping", "2"], DEB_SNP)
    # The family wins over the type, as in sev-snp-measure.
    expect_output(base + ["--vcpu-type", "EPYC-Milan", "--vcpu-family", "23",
                          "--vcpu-model", "1", "--vcpu-stepping", "2"], DEB_SNP)


def check_snp_ovmf_hash_seed():
    expect_output(SNP1 + ["--snp-ovmf-hash", DEB_HASH], DEB_SNP)


def check_seves_and_sev():
    expect_output(["--mode", "seves", "--vcpus", "1", "--vcpu-type", "EPYC-v4",
                   "--ovmf", OVMF, "-v"],
                  f"Calculated SEV_ES guest measurement: {DEB_SEVES}")
    expect_output(["--mode", "sev", "--ovmf", OVMF, "-v"],
                  f"Calculated SEV guest measurement: {DEB_SEV}")


def check_dump_vmsa_pages():
    with tempfile.TemporaryDirectory() as d:
        rc, out, err = run(*SNP1[:3], "4", *SNP1[4:], "--dump-vmsa", cwd=d)
        expect(rc == 0 and err == "", f"status {rc}: {err}")
        names = sorted(os.listdir(d))
        expect(names == [f"vmsa{i}.bin" for i in range(4)], f"files {names}")
        for i, want in enumerate([VMSA_BSP, VMSA_AP, VMSA_AP, VMSA_AP]):
            with open(os.path.join(d, f"vmsa{i}.bin"), "rb") as f:
                got = hashlib.sha384(f.read()).hexdigest()
            expect(got == want, f"vmsa{i}.bin: SHA-384 {got}")


def check_help_and_version():
    rc, out, _ = run("--help")
    expect(rc == 0 and "--mode" in out and "EPYC-Turin" in out, "help")
    rc, out, _ = run("--version")
    expect(rc == 0 and out.startswith(PROG + " "), f"version {out!r}")


def expect_error(args, status, needle):
    """One line 'csvsm-snp-measure: ...' on stderr, nothing on stdout."""
    rc, out, err = run(*args)
    lines = err.splitlines()
    expect(rc == status and out == "" and len(lines) == 1 and
           lines[0].startswith(PROG + ": ") and needle in lines[0],
           f"{' '.join(args)}: status {rc} (want {status}), stdout {out!r}, "
           f"stderr {err!r}, want '{needle}'")


def check_usage_errors():
    s = ["--mode", "snp", "--ovmf", OVMF]
    for args, needle in [
            ([], "required: --mode, --ovmf"),
            (["--mode", "snp"], "required: --ovmf"),
            (["--mode", "tdx", "--ovmf", OVMF], "invalid choice: 'tdx'"),
            (s, "missing --vcpus"),
            (s + ["--vcpus", "1"], "missing --vcpu-type"),
            (s + ["--vcpus", "x", "--vcpu-type", "EPYC"], "--vcpus"),
            (s + ["--vcpus", "-1", "--vcpu-type", "EPYC"], "--vcpus"),
            (s + ["--vcpus", "0", "--vcpu-type", "EPYC"], "--vcpus"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC-v9"], "'EPYC-v9'"),
            (s + ["--vcpus", "1", "--vcpu-sig", "0xg"], "--vcpu-sig"),
            (s + ["--vcpus", "1", "--vcpu-family", "25"], "--vcpu-model"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features",
                  "zz"], "--guest-features"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "--vmm-type", "kvm"],
             "unknown VMM type 'kvm'"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "--output-format",
                  "json"], "invalid choice: 'json'"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "--initrd",
                  "/dev/null"], "--kernel required"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "--bogus"], "--bogus"),
            (s + ["--vcpus"], "expected one argument"),
            (s + ["--vcpus", "1", "--vcpu-type", "EPYC", "stray"], "stray"),
            (["--mode", "snp:svsm", "--ovmf", OVMF, "--vcpus", "1",
              "--vcpu-type", "EPYC"], "--vars-size or --vars-file"),
            (["--mode", "sev", "--ovmf", OVMF, "--dump-vmsa"], "--dump-vmsa"),
    ]:
        expect_error(args, 2, needle)


def check_input_errors():
    s = ["--vcpus", "1", "--vcpu-type", "EPYC-v4"]
    with tempfile.TemporaryDirectory() as d:
        short = os.path.join(d, "short.fd")
        with open(OVMF, "rb") as f:
            image = bytearray(f.read())
        with open(short, "wb") as f:
            f.write(image[:1000])
        bad_table = os.path.join(d, "bad_table.fd")
        image[-50:-48] = b"\x00\x00"  # the footer entry's length
        with open(bad_table, "wb") as f:
            f.write(image)
        for args, needle in [
                (["--mode", "snp", "--ovmf", "/nonexistent.fd"] + s,
                 "No such file"),
                (["--mode", "snp", "--ovmf", d] + s, "is a folder, not a file"),
                (["--mode", "snp", "--ovmf", OVMF_4M] + s, "no SEV metadata"),
                (["--mode", "snp", "--ovmf", short] + s, "multiple of 4096"),
                (["--mode", "snp:ovmf-hash", "--ovmf", short],
                 "multiple of 4096"),
                (["--mode", "snp", "--ovmf", bad_table] + s,
                 "OVMF GUID table"),
                (["--mode", "snp", "--ovmf", OVMF, "--kernel", "/dev/null"] + s,
                 "SNP_KERNEL_HASHES"),
                (["--mode", "sev", "--ovmf", OVMF, "--kernel", "/dev/null"],
                 "kernel/initrd/cmdline"),
                (["--mode", "snp", "--ovmf", OVMF, "--kernel",
                  "/nonexistent"] + s, "No such file"),
                (["--mode", "snp", "--ovmf", OVMF, "--snp-ovmf-hash",
                  "abcd"] + s, "96 hex digits"),
                (["--mode", "seves", "--ovmf", OVMF, "--snp-ovmf-hash",
                  DEB_HASH] + s, "only works with --mode snp"),
        ]:
            expect_error(args, 1, needle)


# ---- with --sev-snp-measure DIR: section 6 fixtures and a differential ----

FIXTURE_VECTORS = [
    # (expected, options); A = AmdSev suffix, X = OvmfX64 suffix.
    ("086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa"
     "16aff8c374c2a55c467a50da6d466b74", "--mode snp:ovmf-hash --ovmf A"),
    ("803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba"
     "7e534442e7e1e17895dfe778d0228977",
     "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf A --kernel /dev/null "
     "--initrd /dev/null --append console=ttyS0_loglevel=7 "
     "--guest-features 0x21"),
    ("e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf"
     "281a9278a4a2ebe0eed9f22adbcd0e2b",
     "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf A --guest-features 0x21"),
    ("5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a9"
     "2441310ba6c4933de877c36e23046ad5",
     "--mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf A --kernel /dev/null "
     "--initrd /dev/null"),
    ("329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683"
     "632b9b50e4e1d7fa41179ef98a7ef198",
     "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf A --kernel /dev/null "
     "--initrd /dev/null --guest-features 0x21 --snp-ovmf-hash "
     "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa"
     "16aff8c374c2a55c467a50da6d466b74"),
    ("0ce9ccc06bab55eebe8abc234f3df6514883977a68a591b71052498ab52b2f1a"
     "a415db338033946ef93aa8278c0d67fb",
     "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf A --kernel /dev/null "
     "--initrd /dev/null --vmm-type ec2 --guest-features 0x21"),
    ("5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452"
     "a15a00eae11886a93d6fd1e7ab81e29d",
     "--mode snp --vcpus 4 --ovmf A --kernel /dev/null --initrd /dev/null "
     "--vmm-type gce"),
    ("da0296de8193586a5512078dcd719eccecbd87e2b825ad4148c44f665dc87df2"
     "1e5b49e21523a9ad993afdb6a30b4005",
     "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf X"),
    ("0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91",
     "--mode seves --vcpus 4 --vcpu-type EPYC-v4 --ovmf A --kernel /dev/null "
     "--initrd /dev/null"),
    ("82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff",
     "--mode sev --ovmf A --kernel /dev/null --initrd /dev/null "
     "--append console=ttyS0_loglevel=7"),
    # Hardware-observed (section 6): the old COCONUT SVSM flow.
    ("27d154c27b7b359c935e250ec6fee72aa0ae8c1225e3b0e1cf46a9567e938066"
     "d7d6f94bbdc4a857818bdb79277a44b2",
     "--mode snp:svsm --vcpus 4 --vcpu-type EPYC-v4 --ovmf S --svsm V "
     "--vars-size 540672"),
    ("9b94745036aafddf4f7f8b00c7513abb5b7703178cb95aaa57928bd963d68d3b"
     "fcb715d6019b9167ee2517b11b0d9be7",
     "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf S --svsm V "
     "--vars-size 540672"),
]


def fixture_args(spec):
    fx = os.path.join(SSM, "tests", "fixtures")
    files = {"A": "ovmf_AmdSev_suffix.bin", "X": "ovmf_OvmfX64_suffix.bin",
             "S": "svsm_ovmf.fd", "V": "svsm.bin"}
    return [os.path.join(fx, files[w]) if w in files else w.replace("_", " ")
            for w in spec.split()]


def optional_check_fixture_vectors():
    for want, spec in FIXTURE_VECTORS:
        expect_output(fixture_args(spec), want)


def optional_check_same_output_as_sev_snp_measure():
    ref = os.path.join(SSM, "sev-snp-measure.py")
    cases = []
    for ovmf in ["A", "X", OVMF]:
        for vmm in ["QEMU", "ec2", "gce"]:
            for mode in ["snp", "seves"]:
                cases.append(f"--mode {mode} --vcpus 3 --vcpu-type EPYC-Genoa "
                             f"--vmm-type {vmm} --ovmf {ovmf} -v")
        cases.append(f"--mode sev --ovmf {ovmf} --output-format base64")
    cases.append("--mode snp --vcpus 2 --vcpu-sig 0xB00F00 --ovmf A "
                 "--kernel /dev/null --append a_b_c --guest-features 0x21")
    for spec in cases:
        args = fixture_args(spec)
        got = run(*args)
        proc = subprocess.run([sys.executable, ref, *args], cwd=SSM,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120, check=False)
        want = (proc.returncode, proc.stdout.decode())
        expect(got[:2] == want, f"{spec}: {got[:2]} vs sev-snp-measure {want}")


def check_progress_only_on_a_terminal():
    """A 66 MiB image: progress on a terminal (script(1)), none in a pipe."""
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big.fd")
        with open(OVMF, "rb") as f, open(big, "wb") as g:
            g.write(bytes(64 << 20) + f.read())
        args = ["--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4",
                "--ovmf", big]
        rc, out, err = run(*args)
        expect(rc == 0 and err == "" and len(out.strip()) == 96,
               f"in a pipe: status {rc}, stderr {err!r}")
        cmd = " ".join(shlex.quote(x) for x in [tool(), *args])
        proc = subprocess.run(["script", "-qec", cmd, "/dev/null"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=120,
                              check=False)
        text = proc.stdout.decode("utf-8", "replace")
        expect(proc.returncode == 0 and f"measuring {big}: " in text
               and "%" in text and "\x1b[K" in text and out.strip() in text,
               f"on a terminal: status {proc.returncode}: {text!r}")


# --- the compatibility table of docs/tools.md --------------------------------

def compat_rows():
    """The rows of docs/tools.md's compatibility table:
    (case, argv, (reference status, cell), (our status, cell))."""
    with open(os.path.join(ROOT, "docs", "tools.md")) as f:
        text = f.read()
    section = text.split("### Compatibility with sev-snp-measure 0.0.13", 1)
    expect(len(section) == 2, "docs/tools.md has no compatibility table")
    rows = []
    for line in section[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`"):
            continue
        argv = shlex.split(cells[1].strip("`"))
        status = []
        for cell in cells[2:]:
            m = re.match(r"(\d+): ", cell)
            expect(m, f"a cell without an exit status: {cell!r}")
            status.append((int(m.group(1)), cell))
        rows.append((cells[0], argv, status[0], status[1]))
    expect(len(rows) >= 10, f"only {len(rows)} rows in the table")
    return rows


def compat_files(d):
    """The placeholder names of the table, as real paths."""
    odd = os.path.join(d, "ODD.fd")
    with open(OVMF, "rb") as f, open(odd, "wb") as g:
        g.write(f.read()[:-100])
    return {"OVMF.fd": OVMF, "CODE.fd": OVMF_4M, "ODD.fd": odd}


def check_compatibility_table_holds_for_csvsm_snp_measure():
    with tempfile.TemporaryDirectory() as d:
        files = compat_files(d)
        for case, argv, _, (want, cell) in compat_rows():
            args = [files.get(a, a) for a in argv]
            rc, out, err = run(*args)
            expect(rc == want, f"{case}: status {rc}, the table says {want}: "
                   f"{err!r}")
            if rc:
                expect(out == "" and len(err.strip().splitlines()) == 1,
                       f"{case}: not a one-line error: {err!r}")
            if "warning" in cell:
                expect("warning:" in err, f"{case}: no warning: {err!r}")


def optional_check_compatibility_table_against_sev_snp_measure():
    ref = os.path.join(SSM, "sev-snp-measure.py")
    with tempfile.TemporaryDirectory() as d:
        files = compat_files(d)
        for case, argv, (want_ref, _), (want, cell) in compat_rows():
            args = [files.get(a, a) for a in argv]
            proc = subprocess.run([sys.executable, ref, *args], cwd=SSM,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=120,
                                  check=False)
            expect(proc.returncode == want_ref,
                   f"{case}: sev-snp-measure status {proc.returncode}, the "
                   f"table says {want_ref}")
            rc, out, _ = run(*args)
            if "the same" in cell and want == 0:
                expect(out == proc.stdout.decode(),
                       f"{case}: {out!r} vs sev-snp-measure "
                       f"{proc.stdout.decode()!r}")
            elif want_ref == 0 and want != 0:
                expect(proc.stdout.strip(), f"{case}: sev-snp-measure "
                       "printed nothing, the table says it measures")


def main():
    def extra(ap):
        ap.add_argument("--sev-snp-measure", metavar="DIR", default=None,
                        help="a virtee/sev-snp-measure checkout (optional)")

    def configure(args):
        global SSM
        SSM = args.sev_snp_measure
        return ["check_"] + (["optional_check_"] if SSM else [])

    return checks.run(globals(), __doc__, extra, configure)


if __name__ == "__main__":
    sys.exit(main())
