#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vTPM program (user/vtpm) as a host process, over a socket pair.

The same static binary that runs as an SVSM task runs here with its
channel an inherited SOCK_SEQPACKET socket (`--fd`): one command per
message, one response per message. Checked: command-line errors and an
unusable channel or state directory give a clear message and exit status;
a fresh state directory is manufactured once (both EKs persistent, only
the `permall` file written, no temporary file left) and the next start
finds the same EK; the guest's first TPM2_Startup works after the
program's own, a second one is TPM_RC_INITIALIZE; a command larger than
the TPM's buffer gets TPM_RC_COMMAND_SIZE and the program goes on; the end
of the channel ends the program with status 0.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh_split

OUT = "out"
TIMEOUT = 60


def prog():
    return os.path.join(ROOT, OUT, "user", "vtpm")


def command(cc, body=b"", tag=0x8001):
    return struct.pack(">HII", tag, 10 + len(body), cc) + body


def rc_of(rsp):
    expect(len(rsp) >= 10, f"short response {rsp.hex()}")
    return struct.unpack(">I", rsp[6:10])[0]


class Vtpm:
    """The program on one end of a socket pair, its state in `state`."""

    def __init__(self, state):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX,
                                              socket.SOCK_SEQPACKET)
        self.sock.settimeout(TIMEOUT)
        self.proc = subprocess.Popen(
            [prog(), "--fd", str(theirs.fileno()), "--state", state],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        theirs.close()

    def cmd(self, data):
        self.sock.send(data)
        return self.sock.recv(8192)

    def close(self):
        """Ends the channel; returns the program's exit status."""
        self.sock.close()
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def read_public(v, handle):
    rsp = v.cmd(command(0x173, struct.pack(">I", handle)))
    expect(rc_of(rsp) == 0, f"ReadPublic {handle:#x}: rc {rc_of(rsp):#x}")
    size = struct.unpack(">H", rsp[10:12])[0]
    return rsp[12:12 + size]


def check_command_line_errors_are_usage():
    for args in (["--fd"], ["--fd", "x"], ["--fd", "-1"], ["--bogus", "1"],
                 ["--state"]):
        rc, out, err = sh_split([prog()] + args, timeout=TIMEOUT)
        expect(rc == 2 and "usage: vtpm" in err, f"{args}: exit {rc}",
               out + err)


def check_unusable_channel_or_state_is_an_error():
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "no", "channel")
        rc, out, err = sh_split([prog(), "--channel", missing, "--state", d],
                                timeout=TIMEOUT)
        expect(rc == 1 and missing in err, f"missing channel: exit {rc}",
               out + err)
        state = os.path.join(d, "no", "state")
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with a, b:
            p = subprocess.run([prog(), "--fd", str(b.fileno()), "--state",
                                state], pass_fds=[b.fileno()],
                               capture_output=True, timeout=TIMEOUT)
        err = p.stderr.decode()
        expect(p.returncode == 1 and state in err,
               f"unusable state directory: exit {p.returncode}", err)


def check_manufacture_once_same_ek_next_start():
    with tempfile.TemporaryDirectory() as d:
        state = os.path.join(d, "tpm")
        v = Vtpm(state)
        rsa = read_public(v, 0x81010001)
        ecc = read_public(v, 0x81010002)
        # TPMT_PUBLIC of Templates L-1 and L-2: type, SHA-256, attributes.
        expect(len(rsa) == 314 and rsa[:8] == bytes.fromhex("0001000b000300b2"),
               f"RSA EK {rsa[:8].hex()} ({len(rsa)} bytes)")
        expect(len(ecc) == 122 and ecc[:8] == bytes.fromhex("0023000b000300b2"),
               f"ECC EK {ecc[:8].hex()} ({len(ecc)} bytes)")
        # TPM_CAP_HANDLES: no transient object left by manufacture.
        rsp = v.cmd(command(0x17a, struct.pack(">III", 1, 0x80000000, 16)))
        expect(rc_of(rsp) == 0 and struct.unpack(">I", rsp[15:19])[0] == 0,
               f"transient handles {rsp.hex()}")
        expect(v.close() == 0, "exit status at the end of the channel")
        expect(sorted(os.listdir(state)) == ["permall"],
               f"state files {os.listdir(state)}")
        v = Vtpm(state)
        expect(read_public(v, 0x81010001) == rsa, "another RSA EK")
        expect(read_public(v, 0x81010002) == ecc, "another ECC EK")
        expect(v.close() == 0, "exit status")


def check_guest_startup_after_the_programs_own():
    with tempfile.TemporaryDirectory() as d:
        v = Vtpm(os.path.join(d, "tpm"))
        # Started by the program: commands work before any Startup.
        rsp = v.cmd(command(0x17b, struct.pack(">H", 16)))
        expect(rc_of(rsp) == 0 and len(rsp) == 28, f"GetRandom {rsp.hex()}")
        startup = command(0x144, struct.pack(">H", 0))
        expect(rc_of(v.cmd(startup)) == 0, "the guest's Startup")
        expect(rc_of(v.cmd(startup)) == 0x100, "a second Startup")
        expect(v.close() == 0, "exit status")


def check_oversized_command_then_next_works():
    with tempfile.TemporaryDirectory() as d:
        v = Vtpm(os.path.join(d, "tpm"))
        big = command(0x17b, bytes(4000))
        expect(rc_of(v.cmd(big)) == 0x142, "TPM_RC_COMMAND_SIZE")
        rsp = v.cmd(command(0x17b, struct.pack(">H", 32)))
        expect(rc_of(rsp) == 0 and len(rsp) == 44, f"GetRandom {rsp.hex()}")
        # One response per command, in order.
        v.sock.send(command(0x17b, struct.pack(">H", 1)))
        v.sock.send(command(0x17b, struct.pack(">H", 2)))
        expect(len(v.sock.recv(8192)) == 13 and len(v.sock.recv(8192)) == 14,
               "two responses in order")
        expect(v.close() == 0, "exit status")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
