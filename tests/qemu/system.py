#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-system tests on the built binaries: boots, failures, bad input.

Each check is a function named check_*; it raises AssertionError (with a
message) to fail. The last line printed is "N passed, N failed".
"""
import filecmp
import os
import shutil
import signal
import subprocess
import time
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh

OUT = "out"


def launcher(*args):
    return sh([os.path.join(OUT, "tools", "csvsm-run"), *args])


def svtest(*args):
    return sh([sys.executable, os.path.join(ROOT, "tests", "qemu", "run_svtest.py"),
               "--launcher", os.path.join(OUT, "tools", "csvsm-run"),
               "--image", os.path.join(OUT, "svsm-test.igvm"), *args])


def boot_ready(smp, memory="256M", accel="tcg"):
    rc, text = launcher("--accel", accel, "--smp", str(smp), "--memory", memory,
                        "--exit-on-ready", "--timeout", "60",
                        os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, f"exit status {rc}", text)
    for needle in ["csvsm: ready", f"{smp} of {smp} CPUs started",
                   "region             start", "kernel text", "kernel bss",
                   "firmware hand-off", "per-CPU areas", "page tables",
                   "heap", "user-mode area", "pgalloc:",
                   "memory at ready:", "NX on, SMEP on, SMAP on"]:
        expect(needle in text, f"missing '{needle}'", text)
    expect(text.rstrip().endswith("csvsm: ready"), "ready is not last", text)
    return text


def check_boot_one_cpu():
    boot_ready(1)


def check_boot_two_cpus():
    boot_ready(2)


def check_boot_four_cpus_all_accounted():
    text = boot_ready(4)
    for i in range(4):
        expect(f"cpu {i}: apic id" in text and "DID NOT START" not in text,
               f"cpu {i} not accounted for", text)


def check_boot_memory_above_4g_in_map():
    text = boot_ready(2, memory="3G")
    expect("ram                0x0000000100000000 0x0000000140000000" in text,
           "RAM above 4 GiB missing from the memory map", text)


def check_boot_default_accel():
    boot_ready(2, accel="auto")


def crash_case(kind, needle, dump=True):
    rc, text = svtest("--cmdline", f"crash={kind}", "--timeout", "30")
    expect(rc != 0, f"crash={kind}: runner passed", text)
    expect(needle in text, f"crash={kind}: '{needle}' not printed", text)
    if dump:
        expect("rip 0008:" in text and "rsp 0010:" in text,
               "no register dump", text)
    expect(text.rstrip().endswith("0 passed, 1 failed"),
           "runner did not count the failure", text)


def check_fault_ud_fails_run():
    crash_case("ud", "#UD invalid opcode")


def check_fault_pf_fails_run():
    crash_case("pf", "#PF page fault")


def check_fault_gp_fails_run():
    crash_case("gp", "#GP general protection")


def check_double_fault_uses_ist_stack():
    crash_case("df", "#DF double fault")


def check_panic_fails_run():
    crash_case("panic", "PANIC: deliberate panic", dump=False)


def check_stack_smash_detected():
    crash_case("smash", "stack smashing detected", dump=False)


def check_hang_times_out():
    rc, text = svtest("--cmdline", "crash=hang", "--timeout", "5")
    expect(rc != 0 and "timed out" in text, "hang not reported", text)


def check_failed_test_fails_run():
    rc, text = svtest("--filter", "selftest", "--cmdline", "svtest_fail")
    expect(rc != 0, "a failing in-kernel test did not fail the run", text)
    expect("[svtest] FAIL selftest.fails_when_asked" in text, "no FAIL line", text)
    expect(text.rstrip().endswith("0 passed, 1 failed"), "bad summary", text)


def check_launcher_vsock_starts_and_ends_the_backend():
    """--vsock without /dev/vhost-vsock: csvsm-vsockd is started before
    QEMU, the SVSM finds the device and gets RST from a port nobody
    listens on, and nothing is left behind (docs/vsock.md)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        uds = os.path.join(tmp, "vm.vsock")
        proc = subprocess.run(
            [os.path.join(OUT, "tools", "csvsm-run"), "--accel", "tcg",
             "--timeout", "60", "--cmdline", "svtest=vsock.re",
             "--vsock", uds, os.path.join(OUT, "svsm-test.igvm")],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
            check=False)
        text = proc.stdout.decode("utf-8", "replace")
        if os.path.exists("/dev/vhost-vsock") and "AF_VSOCK" in text:
            return  # QEMU's vhost-vsock was used instead
        expect(proc.returncode == 0, f"exit {proc.returncode}", text)
        expect("[svtest] PASS vsock.refused_when_nobody_listens" in text,
               "no vsock test passed", text)
        expect(os.listdir(tmp) == [], f"left in TMPDIR: {os.listdir(tmp)}",
               text)


def check_native_launch_leaves_the_firmware_out():
    # out/svsm.igvm carries OVMF under the SNP mask (mk/kernel.mk): the
    # native plan loads the native platform's pages only, all in the SVSM
    # region, and QEMU's -bios is csvsm-run's reset stub, not the firmware.
    rc, text = launcher("--dry-run", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, f"exit {rc}", text)
    kept = [ln.split(" kept in ")[1].strip() for ln in text.splitlines()
            if " kept in " in ln]
    try:
        argv = [ln for ln in text.splitlines()
                if ln.startswith("qemu-system")][0].split()
        bios = argv[argv.index("-bios") + 1]
        expect(os.path.basename(bios) == "resetstub.bin", f"-bios {bios}")
        loads = [a for a in argv if a.startswith("loader,file=")]
        expect(loads, "no blobs loaded", text)
        for a in loads:
            opts = dict(o.split("=", 1) for o in a.split(",")[1:] if "=" in o)
            blob = a.split(",")[1].split("=", 1)[1]
            start = int(opts["addr"], 16)
            end = start + os.path.getsize(blob)
            expect(0x1000000 <= start and end <= 0x2000000,
                   f"a blob at {start:#x}-{end:#x}, outside the SVSM region")
    finally:
        for d in kept:
            shutil.rmtree(d, True)


def check_launcher_rejects_garbage_file():
    with tempfile.NamedTemporaryFile(suffix=".igvm") as f:
        f.write(b"IGVM" + os.urandom(200))
        f.flush()
        rc, text = launcher("--dry-run", f.name)
    expect(rc == 2, f"exit {rc}", text)
    expect(len(text.strip().splitlines()) == 1 and "csvsm-run:" in text,
           "not a one-line error", text)


def check_launcher_rejects_truncated_file():
    data = open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb").read()
    for cut in (10, 100, len(data) // 2, len(data) - 1):
        with tempfile.NamedTemporaryFile(suffix=".igvm") as f:
            f.write(data[:cut])
            f.flush()
            rc, text = launcher("--dry-run", f.name)
        expect(rc == 2 and "csvsm-run:" in text, f"cut {cut}: exit {rc}", text)


def check_launcher_rejects_bad_options():
    image = os.path.join(OUT, "svsm.igvm")
    for args in (["--memory", "16M"], ["--memory", "banana"], ["--smp", "0"],
                 ["--smp", "65"], ["--accel", "hvf"], ["--timeout", "-1"]):
        rc, text = launcher(*args, image)
        expect(rc == 2, f"{args}: exit {rc}", text)
    rc, text = launcher("/nonexistent.igvm")
    expect(rc == 2 and "No such file" in text, "missing file", text)


def children(pid):
    """The pids of pid's child processes (from /proc)."""
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return kids


def alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def launcher_killed_by(sig):
    """Starts the launcher, sends it sig once QEMU runs; returns (rc, text)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        proc = subprocess.Popen(
            [os.path.join(OUT, "tools", "csvsm-run"), "--accel", "tcg",
             os.path.join(OUT, "svsm.igvm")], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        try:
            qemu = []
            for _ in range(200):
                qemu = children(proc.pid)
                if qemu and os.listdir(tmp):
                    break
                time.sleep(0.05)
            expect(qemu and os.listdir(tmp), "QEMU or its folder never appeared")
            time.sleep(0.5)
            proc.send_signal(sig)
            out, _ = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        text = out.decode("utf-8", "replace")
        for q in qemu:
            expect(not alive(q), f"{sig.name}: QEMU (pid {q}) still runs", text)
        expect(os.listdir(tmp) == [], f"{sig.name}: left in TMPDIR: "
               f"{os.listdir(tmp)}", text)
        return proc.returncode, text


def check_launcher_sigterm_takes_qemu_and_files():
    rc, text = launcher_killed_by(signal.SIGTERM)
    expect(rc == 128 + signal.SIGTERM, f"exit {rc}, want 143", text)


def check_launcher_sighup_takes_qemu_and_files():
    rc, text = launcher_killed_by(signal.SIGHUP)
    expect(rc == 128 + signal.SIGHUP, f"exit {rc}, want 129", text)


def check_launcher_sigint_alone_ends_it():
    # SIGINT to the launcher only (not to QEMU, as a terminal would).
    rc, text = launcher_killed_by(signal.SIGINT)
    expect(rc == 130, f"exit {rc}, want 130", text)


def check_launcher_says_it_waits_for_gdb():
    rc, text = launcher("--gdb", "--timeout", "2", "--accel", "tcg",
                        os.path.join(OUT, "svsm.igvm"))
    expect("waiting for gdb on :1234" in text, "no gdb line", text)
    expect(rc in (124, 3), f"exit {rc}", text)


def check_launcher_checks_loglevel_and_arguments():
    image = os.path.join(OUT, "svsm.igvm")
    for word in ("loglevel=abc", "loglevel=5", "loglevel=51", "loglevel=",
                 "loglevel=100"):
        rc, text = launcher("--cmdline", word, "--dry-run", image)
        expect(rc == 2 and word in text and "10..50" in text
               and len(text.strip().splitlines()) == 1,
               f"--cmdline {word}: exit {rc}", text)
    rc, text = launcher(image, "stray")
    expect(rc == 2 and "'stray'" in text and "--" in text,
           f"extra argument: exit {rc}", text)
    rc, text = launcher("--cmdline", "loglevel=50", "--exit-on-ready",
                        "--accel", "tcg", "--timeout", "60", image, "--",
                        "-name", "csvsm-test")
    expect(rc == 0, f"loglevel=50 with QEMU arguments after --: exit {rc}",
           text)


def check_launcher_version():
    rc, text = launcher("--version")
    expect(rc == 0 and text.startswith("csvsm-run (csvsm "), f"exit {rc}", text)


def check_launcher_rejects_memory_below_region():
    # 32 MiB of RAM holds the 16-20 MiB region; the trampoline page is low.
    rc, text = launcher("--memory", "32M", "--exit-on-ready", "--accel", "tcg",
                        "--timeout", "30", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, "32M should boot", text)
    with tempfile.TemporaryDirectory() as d:
        igvm = os.path.join(d, "high.igvm")
        rc, text = sh([os.path.join(OUT, "tools", "csvsm-igvm"), "build",
                       "--kernel", os.path.join(OUT, "svsm.elf"),
                       "--region-base", "0x1000000", "--region-size", "64M",
                       "-o", igvm])
        expect(rc == 0, "build with a 64M region", text)
        rc, text = launcher("--memory", "32M", "--dry-run", igvm)
        expect(rc == 2 and "not RAM" in text, "region beyond RAM accepted", text)


def check_builder_rejects_bad_input():
    tool = os.path.join(OUT, "tools", "csvsm-igvm")
    with tempfile.TemporaryDirectory() as d:
        junk = os.path.join(d, "junk")
        with open(junk, "wb") as f:
            f.write(b"\x7fELF" + b"\0" * 100)
        # A bad kernel fails (1); a bad option value is a usage error (2).
        for want, args in ((1, ["--kernel", junk]),
                           (1, ["--kernel", os.path.join(OUT, "svsm.elf"),
                                "--region-base", "0x2000000"]),
                           (2, ["--kernel", os.path.join(OUT, "svsm.elf"),
                                "--region-size", "0x1000"])):
            rc, text = sh([tool, "build", *args, "-o", os.path.join(d, "x.igvm")])
            expect(rc == want and len(text.strip().splitlines()) == 1 and
                   text.startswith("csvsm-igvm: "), f"{args}: exit {rc}", text)
            expect(not os.path.exists(os.path.join(d, "x.igvm")),
                   "output written on error")


def check_builder_is_deterministic():
    tool = os.path.join(OUT, "tools", "csvsm-igvm")
    with tempfile.TemporaryDirectory() as d:
        outs = []
        for i in range(2):
            path = os.path.join(d, f"{i}.igvm")
            # make's arguments (mk/kernel.mk): the package versions, the
            # vTPM's root file-system image in a 16 MiB region when the
            # tree builds the vTPM program, and the firmware make used
            # (out/svsm-firmware.txt; Debian 13's OVMF by default).
            initfs = os.path.join(OUT, "svsm-initfs.cpio")
            extra = (["--region-size", "0x1000000", "--initfs", initfs]
                     if os.path.exists(initfs) else
                     ["--region-size", "0x400000"])
            with open(os.path.join(OUT, "svsm-firmware.txt")) as f:
                firmware = f.read().strip()
            if firmware:
                extra += ["--firmware", firmware]
            rc, text = sh([tool, "build", "--kernel", os.path.join(OUT, "svsm.elf"),
                           "--snp-kernel", os.path.join(OUT, "svsm-snp.elf"),
                           "--region-base", "0x1000000", *extra,
                           "--provenance",
                           os.path.join(OUT, "svsm-provenance.txt"),
                           "-o", path])
            expect(rc == 0, "build failed", text)
            outs.append(path)
        expect(filecmp.cmp(outs[0], outs[1], shallow=False), "outputs differ")
        expect(filecmp.cmp(outs[0], os.path.join(ROOT, OUT, "svsm.igvm"),
                           shallow=False), "differs from the make-built file")


def check_reproducible_build_from_clean_tree():
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, OUT)) as d:
        rel = os.path.relpath(d, ROOT)
        rc, text = sh(["make", "-s", f"O={rel}", f"{rel}/svsm.igvm",
                       f"{rel}/svsm-test.igvm"], timeout=600)
        expect(rc == 0, "second build failed", text)
        for name in ("svsm.igvm", "svsm-test.igvm"):
            expect(filecmp.cmp(os.path.join(d, name),
                               os.path.join(ROOT, OUT, name), shallow=False),
                   f"{name}: two builds from one tree differ")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
