#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm-mssim: the tpm2-tools suite through it, and what it does with
hostile clients and broken vTPM programs.

- The suite (tests/tpm2/tpm2_suite.py) against csvsm's vTPM program
  (out/user/vtpm, run as a host process) beside Debian's swtpm, against
  swtpm's own chardev mode behind the adapter, and against the vTPM inside
  csvsm booted in QEMU (TCG) with csvsm-run --tpm, which must leave
  nothing behind when it is ended.
- Clients that send an oversized command, an unknown signal, a command on
  the platform port or half a message are disconnected; the next client is
  served.
- A program that crashes, hangs or answers garbage gives the client
  TPM_RC_FAILURE; the next power on starts it again.

Each check is a function named check_*; the last line is "N passed, N failed".
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh

OUT = "out"
SUITE = os.path.join(ROOT, "tests", "tpm2", "tpm2_suite.py")
GETRANDOM8 = bytes.fromhex("80010000000c0000017b0008")
TPM_RC_FAILURE = 0x101

# A stand-in vTPM program: answers each command with a 10-byte success,
# except GetRandom(n): n=1 crashes, n=2 hangs, n=3 answers garbage.
FAKE_PROGRAM = r"""
import os, socket, struct, sys, time
fd = int(sys.argv[sys.argv.index("--fd") + 1])
s = socket.socket(fileno=fd)
while True:
    cmd = s.recv(8192)
    if not cmd:
        sys.exit(0)
    if cmd[6:10] == bytes.fromhex("0000017b"):
        n = struct.unpack(">H", cmd[10:12])[0]
        if n == 1:
            os._exit(3)
        if n == 2:
            time.sleep(60)
        if n == 3:
            s.send(b"not a TPM response")
            continue
    s.send(bytes.fromhex("80010000000a00000000"))
"""


def mssim():
    return os.path.join(ROOT, OUT, "tools", "csvsm-mssim")


class Adapter:
    def __init__(self, program, extra=()):
        self.port = checks.free_port_pair()
        self.proc = subprocess.Popen(
            [mssim(), "--port", str(self.port), *extra, "--"] + program,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port + 1),
                                         timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)

    def conn(self, platform=False):
        s = socket.create_connection(
            ("127.0.0.1", self.port + (1 if platform else 0)), timeout=20)
        return s

    def stop(self):
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=20)
        return err.decode("utf-8", "replace")


def recv_all(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def tpm_command(s, cmd, locality=0):
    s.sendall(struct.pack(">IBI", 8, locality, len(cmd)) + cmd)
    size = struct.unpack(">I", recv_all(s, 4))[0]
    rsp = recv_all(s, size)
    expect(recv_all(s, 4) == bytes(4), "no trailing 0 after the response")
    return rsp


def signal(adapter, number):
    with adapter.conn(platform=True) as p:
        p.sendall(struct.pack(">I", number))
        expect(recv_all(p, 4) == bytes(4), f"signal {number} not acked")
        p.sendall(struct.pack(">I", 20))


def closed(s):
    """True when the server closed the connection (no answer)."""
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True


def rc_of(rsp):
    return struct.unpack(">I", rsp[6:10])[0]


def vtpm_program():
    return os.path.join(ROOT, OUT, "user", "vtpm")


def check_suite_vtpm_program_beside_swtpm():
    prog = vtpm_program()
    expect(os.path.exists(prog), f"{prog} is missing: the vTPM program "
           "(user/vtpm) is built by `make`")
    with tempfile.TemporaryDirectory() as state:
        rc, out = sh([sys.executable, SUITE, "--mssim", mssim(),
                      "--candidate-program", prog,
                      "--program-arg=--state", f"--program-arg={state}"],
                     timeout=600)
    expect(rc == 0 and "0 failed" in out.splitlines()[-1],
           "the suite failed against csvsm's vTPM program", out[-6000:])


def check_suite_swtpm_chardev_behind_the_adapter():
    rc, out = sh([sys.executable, SUITE, "--mssim", mssim(),
                  "--candidate-swtpm-chardev", "--name", "swtpm-chardev"],
                 timeout=600)
    expect(rc == 0 and "0 failed" in out.splitlines()[-1],
           "the suite failed against swtpm behind csvsm-mssim", out[-6000:])


def check_suite_booted_svsm_beside_swtpm():
    port = checks.free_port_pair()
    run = subprocess.Popen(
        [os.path.join(ROOT, OUT, "tools", "csvsm-run"), "--accel", "tcg",
         "--timeout", "900", "--tpm", str(port),
         os.path.join(ROOT, OUT, "svsm.igvm")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    log = b""
    try:
        os.set_blocking(run.stdout.fileno(), False)
        deadline = time.monotonic() + 300
        while b"serving the vTPM on COM2" not in log:
            expect(time.monotonic() < deadline and run.poll() is None and
                   b"vtpm_bridge:" not in log,
                   "the SVSM does not serve its vTPM",
                   log.decode("utf-8", "replace")[-3000:])
            time.sleep(0.2)
            log += run.stdout.read() or b""
        rc, out = sh([sys.executable, SUITE, "--candidate-tcti",
                      f"mssim:host=127.0.0.1,port={port}",
                      "--name", "csvsm-booted"], timeout=900)
        expect(rc == 0 and "0 failed" in out.splitlines()[-1],
               "the suite failed against the booted SVSM", out[-6000:])
    finally:
        run.terminate()
        run.wait(timeout=60)
    expect(run.returncode == 143, f"csvsm-run exit {run.returncode}")
    # csvsm-mssim went with the launcher: the port is free again.
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def fake_adapter(extra=()):
    return Adapter([sys.executable, "-c", FAKE_PROGRAM], extra)


def check_hostile_clients_are_disconnected_and_the_next_served():
    a = fake_adapter()
    try:
        with a.conn() as s:  # a command above 4096 bytes
            s.sendall(struct.pack(">IBI", 8, 0, 5000))
            expect(closed(s), "an oversized command was not refused")
        with a.conn() as s:  # a command shorter than a TPM header
            s.sendall(struct.pack(">IBI", 8, 0, 4) + bytes(4))
            expect(closed(s), "a 4-byte command was not refused")
        with a.conn() as s:  # an unknown number
            s.sendall(struct.pack(">I", 99))
            expect(closed(s), "signal 99 was not refused")
        with a.conn(platform=True) as s:  # a TPM command on the wrong port
            s.sendall(struct.pack(">IBI", 8, 0, 12) + GETRANDOM8)
            expect(closed(s), "TPM_SEND_COMMAND on the platform port")
        with a.conn() as s:  # half a message, then gone
            s.sendall(struct.pack(">IB", 8, 0))
        with a.conn() as s:
            rsp = tpm_command(s, GETRANDOM8)
            expect(rc_of(rsp) == 0, f"the next client got {rsp.hex()}")
            s.sendall(struct.pack(">I", 20))
    finally:
        err = a.stop()
    expect("command of 5000 bytes refused" in err, "no line for 5000", err)
    expect("platform signal 99 is not supported" in err, "no line for 99",
           err)
    expect(a.proc.returncode == 0, f"exit {a.proc.returncode}", err)


def getrandom(n):
    return bytes.fromhex("80010000000c0000017b") + struct.pack(">H", n)


def check_crash_hang_and_garbage_give_failure_then_power_on_restarts():
    # Long enough for the stand-in (a Python program) to start on a
    # loaded machine, short enough to wait out once.
    a = fake_adapter(["--timeout", "4000"])
    try:
        for n, what in ((1, "ended"), (2, "did not answer in 4000 ms"),
                        (3, "not a TPM response")):
            with a.conn() as s:
                rsp = tpm_command(s, getrandom(n))
                expect(rc_of(rsp) == TPM_RC_FAILURE,
                       f"case {n}: got {rsp.hex()}")
                # Off until the next power on (a garbage answer leaves
                # the program running).
                if n != 3:
                    rsp = tpm_command(s, GETRANDOM8)
                    expect(rc_of(rsp) == TPM_RC_FAILURE,
                           f"case {n}: answered while off: {rsp.hex()}")
            signal(a, 1)  # TPM_SIGNAL_POWER_ON
            with a.conn() as s:
                rsp = tpm_command(s, GETRANDOM8)
                expect(rc_of(rsp) == 0, f"case {n}: after power on "
                       f"{rsp.hex()}")
    finally:
        err = a.stop()
    for line in ("ended", "did not answer in 4000 ms", "not a TPM response"):
        expect(line in err, f"no stderr line '{line}'", err)


def check_power_off_stops_commands_and_reset_restarts():
    a = fake_adapter()
    try:
        signal(a, 2)  # POWER_OFF
        with a.conn() as s:
            expect(rc_of(tpm_command(s, GETRANDOM8)) == TPM_RC_FAILURE,
                   "a command was served while powered off")
        signal(a, 17)  # TPM_SIGNAL_RESET: off, then on
        with a.conn() as s:
            expect(rc_of(tpm_command(s, GETRANDOM8)) == 0,
                   "no answer after reset")
        for number in (11, 12, 3, 4, 9, 10):  # acknowledged, no effect
            signal(a, number)
    finally:
        a.stop()


def check_stop_ends_the_server():
    a = fake_adapter()
    with a.conn() as s:
        s.sendall(struct.pack(">I", 21))
    a.proc.wait(timeout=20)
    expect(a.proc.returncode == 0, f"exit {a.proc.returncode}")


def check_usage_errors():
    for args, what in (([], "--port is required"),
                       (["--port", "7000"], "one of them"),
                       (["--port", "7000", "--bridge", "/x", "--", "p"],
                        "one of them"),
                       (["--port", "0", "--", "p"], "1..65534"),
                       (["--port", "7000", "--timeout", "0", "--", "p"],
                        "--timeout")):
        rc, out = sh([mssim()] + args, timeout=20)
        expect(rc == 2 and what in out, f"{args}: exit {rc}", out)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
