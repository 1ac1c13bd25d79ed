#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots the SVSM test image in QEMU and checks its in-kernel tests.

The image runs every test (or those matching --filter), prints one
"[svtest] PASS/FAIL suite.name" line per test and "N passed, N failed", and
ends the VM with a status. This runner fails the run on any failed test, a
panic or CPU exception, a timeout, a missing summary, or an exit status that
disagrees with the summary. TCG by default, so it works without KVM.

Disks: unless --no-disks, the runner attaches four raw images (csvsm-run
--disk; --machine picks q35 or microvm, where the launcher also names the
disks' virtio-mmio slots to the SVSM) for tests/svsm/virtio_blk_test.c, each filled with a known pattern, and
afterwards checks on the host that the SVSM wrote what it should have (the
SHA-256 of each image against the expected content); each check counts as
one test. By default (--machine both) the image boots on q35 with the
disks on virtio-pci and runs every test, then boots again on microvm with
the disks on virtio-mmio and runs the virtio_blk tests (when the filter
selects them), and a third time on microvm with only the vsock device, on
virtio-mmio, for the vsock tests.

vsock: unless --no-vsock, the q35 boot also gets a vhost-user-vsock-pci
device served by out/tools/csvsm-vsockd, which the runner starts before
QEMU together with the host listeners tests/svsm/vsock_test.c talks to
(docs/vsock.md); it prints the transfer rates it measured, and a back-end
that exits with an error fails the run.

Exit status: 0 when every test passed; 1 otherwise. The last line printed
is "N passed, N failed" (a broken run counts as one extra failure).
"""
import argparse
import hashlib
import select
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$")
RESULT = re.compile(r"^\[svtest\] (PASS|FAIL) (\S+)")


SECTOR = 512


def pattern(sectors, seed):
    """The bytes of tests/svsm/virtio_blk_test.c's pattern(): sector s byte
    j is (s * 31 + j * 7 + seed * 101) mod 256."""
    out = bytearray()
    for s in range(sectors):
        base = s * 31 + seed * 101
        out += bytes((base + j * 7) & 0xFF for j in range(SECTOR))
    return bytes(out)


# name: (content before, expected content after, csvsm-run --disk flags)
def disk_plan():
    # 33 sectors and 100 bytes: QEMU rounds the capacity up to 34 sectors.
    odd_before = pattern(34, 4)[:33 * SECTOR + 100]
    odd_after = bytearray(odd_before)
    odd_after[32 * SECTOR:33 * SECTOR] = pattern(33, 5)[32 * SECTOR:]
    return {
        "rw": (pattern(2048, 1), pattern(2048, 2), ",iommu_platform"),
        "ro": (pattern(64, 3), pattern(64, 3), ",ro"),
        "zero": (b"", b"", ""),
        "odd": (odd_before, bytes(odd_after), ""),
    }


# microvm with acpi=off has eight virtio-mmio transports at 0xfeb00000,
# 0x200 apart; QEMU fills unpinned devices from the top (hw/i386/microvm.c),
# so the vsock device, which the launcher does not place, lands here.
MICROVM_TOP_SLOT = 0xFEB00E00


def make_disks(tmp):
    """Writes the images; returns (csvsm-run options, {name: (path,
    after)}). The launcher attaches them as virtio-blk-pci (modern only) on
    q35 and as virtio-blk-device on virtio-mmio version 2 on microvm, and
    there tells the SVSM their slots itself."""
    opts = []
    disks = {}
    for name, (before, after, flags) in disk_plan().items():
        path = os.path.join(tmp, name + ".img")
        with open(path, "wb") as f:
            f.write(before)
        opts += ["--disk", path + flags]
        disks[name] = (path, after)
    return opts, disks


def vsock_pattern(length, seed):
    """tests/svsm/vsock_test.c's pat(): byte i is (i*7) ^ (i>>11) ^ seed,
    mod 256. Within a 2048-byte block i*7 mod 256 repeats, so each block is
    one base block XORed with a constant."""
    base = bytes((j * 7) & 0xFF for j in range(2048))
    out = bytearray()
    for b in range(0, (length + 2047) // 2048):
        k = (b ^ seed) & 0xFF
        out += base.translate(bytes(x ^ k for x in range(256)))
    return bytes(out[:length])


def recv_exact(conn, n):
    data = bytearray()
    while len(data) < n:
        chunk = conn.recv(min(65536, n - len(data)))
        if not chunk:
            break
        data += chunk
    return bytes(data)


class KbsHost:
    """csvsm-aproxy on vsock port 1995 and the test KBS behind it, for
    tests/svsm/kbs_test.c (docs/attestation-proxy.md): test evidence
    allowed, the broker key of tests/kbs/test-broker-key.pem, the key
    0xc0..0xdf at counter 3 under csvsm/test/key and csvsm/test/counter."""

    def __init__(self, uds, tools):
        sys.path.insert(0, os.path.join(HERE, "..", "kbs"))
        import testkbs
        self.broker = testkbs.Broker(
            "00" * 48, 0, allow_sample=True,
            signing_key_pem=os.path.join(HERE, "..", "kbs",
                                         "test-broker-key.pem"))
        for name in ("key", "counter"):
            self.broker.add_resource("csvsm/test/" + name,
                                     bytes(range(0xc0, 0xe0)), 3)
        self.srv, url = testkbs.serve(self.broker)
        # One proxy on vsock port 1995, one behind the COM3 chardev.
        self.serial = f"{uds}-kbs-serial"
        self.procs = [subprocess.Popen(
            [os.path.join(tools, "csvsm-aproxy"), "--kbs", url, "--unix",
             path], stdin=subprocess.DEVNULL)
            for path in (f"{uds}_1995", self.serial)]
        for _ in range(500):  # QEMU's chardev connects at start
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(self.serial)
                break
            except OSError:
                time.sleep(0.01)
            finally:
                c.close()

    def qemu_args(self):
        """COM3 (0x3e8), the serial transport, to the second proxy."""
        return ["-chardev", f"socket,id=kbsser,path={self.serial}",
                "-device", "isa-serial,chardev=kbsser,iobase=0x3e8,irq=5"]

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.srv.shutdown()


class VsockHost:
    """csvsm-vsockd and the listeners tests/svsm/vsock_test.c talks to.

    The back-end must listen before QEMU starts (QEMU reads the guest CID
    from it while it creates the device). Listeners are Unix sockets
    <uds>_<port>, the convention csvsm-vsockd follows (docs/vsock.md)."""

    MIB = 1024 * 1024

    def __init__(self, tmp, backend):
        self.sock = os.path.join(tmp, "vhost-vsock.sock")
        self.uds = os.path.join(tmp, "vsock")
        self.notes = []
        self.listeners = []
        self.go = threading.Event()
        for port, fn in ((5000, self.both_ways), (5001, self.reset),
                         (5002, self.slow_reader), (5003, self.echo),
                         (5004, lambda conn: self.go.set())):
            ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ls.bind(f"{self.uds}_{port}")
            ls.listen(4)
            self.listeners.append(ls)
            threading.Thread(target=self.serve, args=(ls, fn),
                             daemon=True).start()
        self.kbs = KbsHost(self.uds, os.path.dirname(backend))
        self.proc = subprocess.Popen(
            [backend, "--socket", self.sock, "--uds-path", self.uds,
             "--guest-cid", "3"], stdin=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.sock):
                break
            time.sleep(0.01)

    def qemu_args(self, memory, device="vhost-user-vsock-pci"):
        kbs = self.kbs.qemu_args() if device == "vhost-user-vsock-pci" \
            else []
        return kbs + ["-object",
                f"memory-backend-memfd,id=vsmem,size={memory},share=on",
                "-machine", "memory-backend=vsmem",
                "-chardev", f"socket,id=vsc,path={self.sock}",
                "-device", f"{device},chardev=vsc"]

    def serve(self, ls, fn):
        while True:
            try:
                conn, _ = ls.accept()
            except OSError:
                return
            conn.settimeout(60)
            try:
                fn(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def both_ways(self, conn):
        start = time.monotonic()
        got = recv_exact(conn, self.MIB)
        mid = time.monotonic()
        ok = got == vsock_pattern(self.MIB, 0x11)
        conn.sendall(b"Y" if ok else b"N")
        conn.sendall(vsock_pattern(self.MIB, 0x22))
        recv_exact(conn, 1)  # the guest's shutdown: all was read
        end = time.monotonic()
        self.notes.append(
            f"vsock: 1 MiB guest to host in {mid - start:.2f} s "
            f"({self.MIB / 1024 / max(mid - start, 1e-6):.0f} KiB/s), "
            f"host to guest in {end - mid:.2f} s "
            f"({self.MIB / 1024 / max(end - mid, 1e-6):.0f} KiB/s)")

    @staticmethod
    def reset(conn):
        # Closing with unread data resets the back-end's side (ECONNRESET):
        # wait for the guest's bytes, read none, close.
        select.select([conn], [], [], 60)

    def slow_reader(self, conn):
        # Reads nothing until the guest, out of credit, connects to 5004.
        self.go.wait(60)
        self.go.clear()
        got = recv_exact(conn, 4 * self.MIB)
        conn.sendall(b"Y" if got == vsock_pattern(4 * self.MIB, 0x33)
                     else b"N")
        recv_exact(conn, 1)

    @staticmethod
    def echo(conn):
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)

    def stop(self):
        self.kbs.stop()
        for ls in self.listeners:
            ls.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode


def check_disks(disks):
    """Host-side checks of the images; returns a list of (name, ok, why)."""
    results = []
    for name, (path, after) in disks.items():
        with open(path, "rb") as f:
            got = f.read()
        want = hashlib.sha256(after).hexdigest()
        have = hashlib.sha256(got).hexdigest()
        results.append((f"host.{name}_image_sha256", have == want,
                        f"sha256 {have}, expected {want}"))
    return results


def run(launcher, image, cmdline, timeout, accel, smp, memory, qemu_args=(),
        launch_opts=()):
    """Runs the image; returns (exit status, console text)."""
    cmd = [launcher, "--accel", accel, "--smp", str(smp), "--memory", memory,
           "--timeout", str(timeout)] + list(launch_opts)
    if cmdline:
        cmd += ["--cmdline", cmdline]
    cmd.append(image)
    if qemu_args:
        cmd += ["--"] + list(qemu_args)
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


def run_once(args, machine, svfilter, quiet):
    """One boot on `machine` with `svfilter`; returns (passed, failed)."""
    cmdline = args.cmdline
    if svfilter:
        cmdline = (cmdline + " svtest=" + svfilter).strip()
    with tempfile.TemporaryDirectory(prefix="run_svtest.") as tmp:
        qemu_args = []
        launch_opts = ["--machine", machine.split("-")[0]]
        if machine == "microvm-vsock":
            disks = {}
            cmdline = (cmdline + f" virtio_mmio={MICROVM_TOP_SLOT:#x}").strip()
        else:
            disk_opts, disks = ([], {}) if args.no_disks else make_disks(tmp)
            launch_opts += disk_opts
        vs = None
        if machine in ("q35", "microvm-vsock") and not args.no_vsock:
            vs = VsockHost(tmp, args.vsockd)
            qemu_args = qemu_args + vs.qemu_args(
                args.memory, "vhost-user-vsock-pci" if machine == "q35"
                else "vhost-user-vsock-device")
        try:
            rc, text = run(args.launcher, args.image, cmdline, args.timeout,
                           args.accel, args.smp, args.memory, qemu_args,
                           launch_opts)
        finally:
            vs_rc = vs.stop() if vs else 0
        passed, failed, problems = judge(rc, text)
        # The host checks count only when the disk-writing test ran.
        host = []
        if disks and re.search(r"^\[svtest\] (PASS|FAIL) "
                               r"virtio_blk\.whole_disk_pattern", text, re.M):
            host = check_disks(disks)
    host_failed = [h for h in host if not h[1]]
    if problems or failed or host_failed or not quiet:
        sys.stdout.write(text)
    where = "" if machine == "q35" else machine + ": "
    for name, ok, why in host:
        print(f"run_svtest: {where}{'PASS' if ok else 'FAIL'} {name}"
              + ("" if ok else f": {why}"))
    passed += len(host) - len(host_failed)
    failed += len(host_failed)
    for note in vs.notes if vs else []:
        print(f"run_svtest: {note}")
    if vs_rc:
        problems.append(f"csvsm-vsockd exited with status {vs_rc}")
    for p in problems:
        print(f"run_svtest: {where}{p}")
    if problems:
        failed += 1
    return passed, failed


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
    ap.add_argument("--no-disks", action="store_true",
                    help="attach no virtio-blk disks (their tests then fail)")
    ap.add_argument("--no-vsock", action="store_true",
                    help="no vhost-user-vsock device (its tests then fail)")
    ap.add_argument("--vsockd", default="out/tools/csvsm-vsockd")
    ap.add_argument("--machine", choices=("q35", "microvm", "both"),
                    default="both",
                    help="q35 (every test, disks on virtio-pci), microvm "
                    "(the virtio_blk tests, disks on virtio-mmio) or both")
    args = ap.parse_args()

    passed = failed = 0
    if args.machine in ("q35", "both"):
        p, f = run_once(args, "q35", args.filter, args.quiet)
        passed, failed = passed + p, failed + f
    # The virtio-mmio run repeats the disk tests the filter selects. With
    # "both", a run given its own command line (a deliberate crash, a
    # failing test) stays a single q35 boot, as it was before microvm.
    mmio_filter = args.filter or "virtio_blk"
    if (args.machine == "microvm"
            or (args.machine == "both" and not args.cmdline)) \
            and not args.no_disks \
            and mmio_filter.split(".")[0] in "virtio_blk":
        p, f = run_once(args, "microvm", mmio_filter, args.quiet)
        passed, failed = passed + p, failed + f
    # And the vsock tests once more, with the device on virtio-mmio.
    vs_filter = args.filter or "vsock"
    if (args.machine == "microvm"
            or (args.machine == "both" and not args.cmdline)) \
            and not args.no_vsock and vs_filter.split(".")[0] in "vsock":
        p, f = run_once(args, "microvm-vsock", vs_filter, args.quiet)
        passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
