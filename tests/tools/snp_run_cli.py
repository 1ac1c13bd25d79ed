#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm-run --snp: its host checks, refusals and QEMU command line.

No SEV-SNP host is needed: CSVSM_RUN_KVM_DEVICE, CSVSM_RUN_KVM_AMD_PARAMS
and CSVSM_RUN_SEV_DEVICE point the launcher's host checks at files made
here, and --qemu at a stand-in script that answers `-object help` as a QEMU
with or without IGVM and SEV-SNP would, and otherwise records its
arguments and exits as an SVSM that reported success. Each missing piece
must give its own exit status (4 KVM without SEV-SNP, 5 /dev/sev, 6 no
igvm-cfg, 7 no sev-snp-guest) and one line naming it; Debian's own QEMU
(no IGVM loader) must be refused with 6; --dry-run prints the command line,
which is what QEMU then gets. What QEMU does with that command line is for
an SNP host (docs/snp.md). The last line is "N passed, N failed".
"""
import os
import shutil
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import expect, sh_split

OUT = "out"
_TMP = []

FAKE_QEMU = """#!/bin/sh
if [ "$1" = "-object" ] && [ "$2" = "help" ]; then
    printf 'List of user creatable objects:\\n  authz-list\\n'
    for o in $OBJECTS; do printf '  %s\\n' "$o"; done
    exit 0
fi
printf '%s\\n' "$@" > "$ARGV_OUT"
exit 33
"""


def tmpdir():
    if not _TMP:
        _TMP.append(tempfile.mkdtemp(prefix="snp_run_"))
    return _TMP[0]


def host(snp="Y\n", sev=True, kvm=True, objects="igvm-cfg sev-snp-guest"):
    """An environment whose host checks see the given host."""
    d = tempfile.mkdtemp(dir=tmpdir())
    env = dict(os.environ, OBJECTS=objects,
               ARGV_OUT=os.path.join(d, "argv"),
               CSVSM_RUN_KVM_DEVICE=os.path.join(d, "kvm"),
               CSVSM_RUN_KVM_AMD_PARAMS=os.path.join(d, "params"),
               CSVSM_RUN_SEV_DEVICE=os.path.join(d, "sev"))
    if kvm:
        open(env["CSVSM_RUN_KVM_DEVICE"], "w").close()
    if snp is not None:
        os.mkdir(env["CSVSM_RUN_KVM_AMD_PARAMS"])
        with open(os.path.join(env["CSVSM_RUN_KVM_AMD_PARAMS"], "sev_snp"),
                  "w") as f:
            f.write(snp)
    if sev:
        open(env["CSVSM_RUN_SEV_DEVICE"], "w").close()
    qemu = os.path.join(d, "qemu")
    with open(qemu, "w") as f:
        f.write(FAKE_QEMU)
    os.chmod(qemu, stat.S_IRWXU)
    return env, qemu


def run(env, *args):
    return sh_split([os.path.join(OUT, "tools", "csvsm-run"), *args], env=env)


def refused(rc_want, needle, env, *args):
    rc, out, err = run(env, *args)
    expect(rc == rc_want and needle in err and len(err.splitlines()) == 1,
           f"csvsm-run {' '.join(args)}: exit {rc}, want {rc_want} and "
           f"'{needle}'", out + err)


def igvm():
    return os.path.join(OUT, "svsm.igvm")


def check_no_kvm():
    env, qemu = host(kvm=False)
    refused(4, "KVM is needed", env, "--snp", "-q", qemu, igvm())


def check_kvm_amd_without_snp_parameter():
    env, qemu = host(snp=None)
    refused(4, "kvm_amd is not loaded", env, "--snp", "-q", qemu, igvm())


def check_kvm_with_snp_off():
    env, qemu = host(snp="N\n")
    refused(4, "sev_snp=1", env, "--snp", "-q", qemu, igvm())


def check_no_sev_device():
    env, qemu = host(sev=False)
    refused(5, "ccp", env, "--snp", "-q", qemu, igvm())


def check_qemu_missing():
    env, _ = host()
    refused(6, "cannot run", env, "--snp", "-q", "/nonexistent/qemu",
            igvm())


def check_qemu_without_igvm():
    env, qemu = host(objects="sev-snp-guest")
    refused(6, "no IGVM loader", env, "--snp", "-q", qemu, igvm())


def check_qemu_without_snp():
    env, qemu = host(objects="igvm-cfg sev-guest")
    refused(7, "no sev-snp-guest", env, "--snp", "-q", qemu, igvm())


def check_debian_qemu_has_no_igvm_loader():
    real = shutil.which("qemu-system-x86_64")
    expect(real, "qemu-system-x86_64 is not installed")
    env, _ = host()
    refused(6, "no IGVM loader", env, "--snp", "-q", real, igvm())


def check_refused_options_and_files():
    env, qemu = host()
    for args, needle in ((["--accel", "tcg"], "needs KVM"),
                         (["--gdb"], "--gdb"),
                         (["--cmdline", "loglevel=40"], "command line"),
                         (["--exit-on-ready"], "command line"),
                         (["--vsock", "/tmp/csvsm-snp.vsock"], "--vsock")):
        refused(2, needle, env, "--snp", "-q", qemu, *args, igvm())
    d = tempfile.mkdtemp(dir=tmpdir())
    native = os.path.join(d, "native.igvm")
    rc, out, err = sh_split([os.path.join(OUT, "tools", "csvsm-igvm"),
                             "build", "--kernel",
                             os.path.join(OUT, "svsm.elf"), "--no-snp",
                             "-o", native])
    expect(rc == 0, f"build --no-snp: exit {rc}", out + err)
    refused(2, "no SEV-SNP platform", env, "--snp", "-q", qemu, native)


def expected_argv(qemu, path, mib, vcpus, policy, extra=()):
    return [qemu, "-machine",
            "q35,accel=kvm,confidential-guest-support=sev0,"
            "memory-backend=ram0,igvm-cfg=igvm0",
            "-object", f"memory-backend-memfd,id=ram0,size={mib}M,"
            "share=true,prealloc=false",
            "-object", f"sev-snp-guest,id=sev0,cbitpos=CBIT,"
            f"reduced-phys-bits=RED,policy={policy}",
            "-object", f"igvm-cfg,id=igvm0,file={path}",
            "-cpu", "EPYC-v4", "-m", f"{mib}M", "-smp", str(vcpus),
            "-nodefaults", "-no-reboot", "-display", "none",
            "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *extra]


def normalised(argv):
    """The host's C-bit values replaced by CBIT and RED."""
    out = []
    for a in argv:
        if a.startswith("sev-snp-guest,"):
            parts = []
            for p in a.split(","):
                if p.startswith("cbitpos="):
                    p = "cbitpos=CBIT"
                elif p.startswith("reduced-phys-bits="):
                    p = "reduced-phys-bits=RED"
                parts.append(p)
            a = ",".join(parts)
        out.append(a)
    return out


def check_dry_run_prints_the_command():
    env, qemu = host()
    rc, out, err = run(env, "--snp", "--dry-run", "-q", qemu, igvm())
    expect(rc == 0 and err == "", f"--dry-run: exit {rc}", out + err)
    expect(normalised(out.split()) ==
           expected_argv(qemu, igvm(), 256, 1, "0x30000"),
           "unexpected command line", out)
    d = tempfile.mkdtemp(dir=tmpdir())
    path = os.path.join(d, "debug.igvm")
    rc, o2, e2 = sh_split([os.path.join(OUT, "tools", "csvsm-igvm"), "build",
                           "--kernel", os.path.join(OUT, "svsm.elf"),
                           "--policy", "0xb0000", "-o", path])
    expect(rc == 0, f"build --policy 0xb0000: exit {rc}", o2 + e2)
    rc, out, err = run(env, "--snp", "-n", "-q", qemu, "--smp", "4",
                       "--memory", "1G", path, "--", "-d", "int")
    expect(rc == 0, f"--dry-run: exit {rc}", out + err)
    expect(normalised(out.split()) ==
           expected_argv(qemu, path, 1024, 4, "0xb0000", ("-d", "int")),
           "unexpected command line", out)


def check_comma_in_the_file_name_is_doubled():
    # QEMU's option syntax: "file=a,,b.igvm" names "a,b.igvm".
    env, qemu = host()
    d = tempfile.mkdtemp(dir=tmpdir())
    path = os.path.join(d, "a,b.igvm")
    shutil.copy(igvm(), path)
    rc, out, err = run(env, "--snp", "-n", "-q", qemu, path)
    expect(rc == 0 and f"igvm-cfg,id=igvm0,file={d}/a,,b.igvm " in out,
           f"--dry-run with a comma: exit {rc}", out + err)


def check_dry_run_on_a_host_without_snp():
    # Printed all the same, with the reason on stderr.
    env, qemu = host(sev=False)
    rc, out, err = run(env, "--snp", "--dry-run", "-q", qemu, igvm())
    expect(rc == 0 and out.startswith(qemu + " ") and "ccp" in err,
           f"--dry-run without /dev/sev: exit {rc}", out + err)


def check_qemu_gets_the_printed_command():
    env, qemu = host()
    rc, out, err = run(env, "--snp", "-n", "-q", qemu, igvm())
    expect(rc == 0, f"--dry-run: exit {rc}", out + err)
    printed = out.split()
    rc, out, err = run(env, "--snp", "-q", qemu, igvm())
    expect(rc == 0, f"a QEMU that exits 33 (SVSM success): exit {rc}",
           out + err)
    with open(env["ARGV_OUT"]) as f:
        got = f.read().split("\n")[:-1]
    expect(got == printed[1:], "QEMU got other arguments than printed",
           "\n".join(got))


def main():
    try:
        return checks.run(globals(), __doc__)
    finally:
        for d in _TMP:
            shutil.rmtree(d, True)


if __name__ == "__main__":
    sys.exit(main())
