#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""vTPM latency: csvsm's vTPM program run as a host process beside Debian's
swtpm, both on the same channel (one end of a SOCK_SEQPACKET socket pair:
the program's --fd, swtpm's chardev mode), so the ratio compares the two
programs and not their transports.

Operations (TPM 2.0 commands, TCG TPM 2.0 Part 3): GetRandom(32),
PCR_Extend (SHA-256, PCR 16), CreatePrimary RSA-2048 and ECC P-256 in the
owner hierarchy (the handle flushed outside the timing), Sign with an
ECDSA P-256 key and Quote of PCR 16 with it. The median of N runs each.
Manufacture: an empty state folder until the TCG EKs are persistent (csvsm's
program does it at start; swtpm_setup --createek for swtpm).
"""
import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

PW_AUTH = bytes.fromhex("00000009" "40000009" "0000" "01" "0000")
OWNER = 0x40000001
AES128CFB = bytes.fromhex("0006" "0080" "0043")
RSA_PRIMARY = (bytes.fromhex("0001" "000b" "00030072" "0000") + AES128CFB +
               bytes.fromhex("0010" "0800" "00000000" "0000"))
ECC_PRIMARY = (bytes.fromhex("0023" "000b" "00030072" "0000") + AES128CFB +
               bytes.fromhex("0010" "0003" "0010" "0000" "0000"))
# An unrestricted ECDSA-SHA256 P-256 signing key.
ECC_SIGNER = bytes.fromhex("0023" "000b" "00040072" "0000" "0010"
                           "0018000b" "0003" "0010" "0000" "0000")


def command(tag, cc, body):
    return struct.pack(">HII", tag, 10 + len(body), cc) + body


def create_primary(template):
    body = (struct.pack(">I", OWNER) + PW_AUTH + bytes.fromhex("000400000000")
            + struct.pack(">H", len(template)) + template +
            bytes.fromhex("0000" "00000000"))
    return command(0x8002, 0x131, body)


def flush(handle):
    return command(0x8001, 0x165, struct.pack(">I", handle))


GET_RANDOM = command(0x8001, 0x17B, struct.pack(">H", 32))
PCR_EXTEND = command(0x8002, 0x182, struct.pack(">I", 16) + PW_AUTH +
                     bytes.fromhex("00000001" "000b") + bytes(range(32)))


def sign(handle):
    return command(0x8002, 0x15D, struct.pack(">I", handle) + PW_AUTH +
                   b"\x00\x20" + bytes(range(1, 33)) + bytes.fromhex("0018000b") +
                   bytes.fromhex("8024" "40000007" "0000"))


def quote(handle):
    return command(0x8002, 0x158, struct.pack(">I", handle) + PW_AUTH +
                   bytes.fromhex("0000" "0010" "00000001" "000b" "03000001"))


class Tpm:
    """A TPM program on one end of a SOCK_SEQPACKET socket pair."""

    def __init__(self, argv):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX,
                                              socket.SOCK_SEQPACKET)
        fd = theirs.fileno()
        self.proc = subprocess.Popen(
            [str(fd) if a == "{fd}" else a for a in argv], pass_fds=[fd],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        theirs.close()

    def run(self, cmd):
        self.sock.send(cmd)
        rsp = self.sock.recv(8192)
        if len(rsp) < 10:
            raise RuntimeError("no response: the program ended")
        return rsp

    def ok(self, cmd):
        rsp = self.run(cmd)
        rc = struct.unpack(">I", rsp[6:10])[0]
        if rc:
            raise RuntimeError(f"command 0x{cmd[6:10].hex()}: rc 0x{rc:x}")
        return rsp

    def close(self):
        self.sock.close()
        self.proc.wait(timeout=30)


def median_us(func, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def latencies(tpm, scale):
    tpm.run(command(0x8001, 0x144, b"\x00\x00"))  # Startup(CLEAR), if needed
    out = {}
    out["GetRandom(32)"] = median_us(lambda: tpm.ok(GET_RANDOM), 400 * scale)
    out["PCR_Extend"] = median_us(lambda: tpm.ok(PCR_EXTEND), 400 * scale)
    for name, tmpl, runs in (("CreatePrimary RSA-2048", RSA_PRIMARY, 9),
                             ("CreatePrimary ECC P-256", ECC_PRIMARY, 20)):
        times = []
        for _ in range(runs * scale):
            t0 = time.perf_counter()
            rsp = tpm.ok(create_primary(tmpl))
            times.append(time.perf_counter() - t0)
            tpm.ok(flush(struct.unpack(">I", rsp[10:14])[0]))
        out[name] = statistics.median(times) * 1e6
    key = struct.unpack(">I", tpm.ok(create_primary(ECC_SIGNER))[10:14])[0]
    # libtpms answers the first ECDSA signature after start with
    # TPM_RC_RETRY (both programs alike): one untimed call first.
    tpm.run(sign(key))
    out["ECDSA P-256 sign"] = median_us(lambda: tpm.ok(sign(key)),
                                        100 * scale)
    out["Quote (ECDSA, PCR 16)"] = median_us(lambda: tpm.ok(quote(key)),
                                             100 * scale)
    tpm.ok(flush(key))
    return out


def manufacture_csvsm(prog, state):
    """Seconds from an empty state folder to the program's first answer."""
    t0 = time.perf_counter()
    tpm = Tpm([prog, "--fd", "{fd}", "--state", state])
    tpm.run(GET_RANDOM)
    secs = time.perf_counter() - t0
    tpm.close()
    return secs


def manufacture_swtpm(state):
    t0 = time.perf_counter()
    subprocess.run(["swtpm_setup", "--tpm2", "--createek", "--tpmstate",
                    state, "--config", "/dev/null", "--logfile", "/dev/null"],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--program", default="out/user/vtpm")
    ap.add_argument("--scale", type=int, default=1,
                    help="multiplies the number of runs")
    args = ap.parse_args()
    if not os.path.exists(args.program):
        print(f"vtpm_bench: {args.program} is missing (make)")
        return 1
    with tempfile.TemporaryDirectory() as top:
        cs, ss = os.path.join(top, "csvsm"), os.path.join(top, "swtpm")
        os.makedirs(cs)
        os.makedirs(ss)
        m_csvsm = manufacture_csvsm(args.program, cs)
        m_swtpm = manufacture_swtpm(ss)
        csvsm = Tpm([args.program, "--fd", "{fd}", "--state", cs])
        swtpm = Tpm(["swtpm", "chardev", "--tpm2", "--fd", "{fd}",
                     "--tpmstate", f"dir={ss}", "--flags", "not-need-init"])
        try:
            a = latencies(csvsm, args.scale)
            b = latencies(swtpm, args.scale)
        finally:
            csvsm.close()
            swtpm.close()
    rows = [[k, f"{a[k]:.0f}", f"{b[k]:.0f}", f"{a[k] / b[k]:.2f}x"]
            for k in a]
    rows.append(["manufacture (to EKs persistent)", f"{m_csvsm * 1e6:.0f}",
                 f"{m_swtpm * 1e6:.0f}", f"{m_csvsm / m_swtpm:.2f}x"])
    head = ["operation", "csvsm vtpm us", "swtpm us", "ratio (goal <= 1.1x)"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print("(median per command over a SOCK_SEQPACKET pair, Python client; "
          "swtpm's manufacture is swtpm_setup, a separate program that also "
          "starts swtpm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
