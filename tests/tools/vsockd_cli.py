#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm-vsockd against a front-end that plays QEMU and a hostile guest.

The test speaks vhost-user to the back-end (QEMU's docs/interop/
vhost-user.rst): features, the configuration (the guest CID), a memory
table of one memfd, two split rings with kick and call eventfds. Then it
writes the guest's side of the rings itself (virtio 1.2 §2.7, §5.10):
connections to host listeners (<uds>_<port>), data both ways, a host
program's "CONNECT <port>" line, and what a hostile guest does: headers
longer than the chain, wrong source CID, packets for no connection, data
beyond the credit, descriptors outside guest memory, an available index
that jumps. The back-end must answer as virtio-vsock says, never crash,
and exit 0 when the front-end goes.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import mmap
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect

VSOCKD = os.path.join(ROOT, "out", "tools", "csvsm-vsockd")
MEM = 1 << 20
UADDR = 0x7F0000000000  # the front-end's "own" address of guest memory
QSIZE = 8
RING = {0: 0x1000, 1: 0x2000}  # rx, tx: desc, avail +0x100, used +0x200
BUF = {0: 0x10000, 1: 0x20000}  # 4 KiB buffers per descriptor
HDR = struct.Struct("<QQIIIHHIII")
OP_REQUEST, OP_RESPONSE, OP_RST, OP_SHUTDOWN, OP_RW, OP_UPDATE, \
    OP_CREDIT_REQ = range(1, 8)


class Guest:
    """The front-end and the guest's half of the rings."""

    def __init__(self, tmp):
        self.uds = os.path.join(tmp, "v")
        self.sock = os.path.join(tmp, "vhost.sock")
        self.proc = subprocess.Popen(
            [VSOCKD, "--socket", self.sock, "--uds-path", self.uds],
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        for _ in range(300):
            if os.path.exists(self.sock):
                break
            time.sleep(0.01)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(self.sock)
        self.fd = os.memfd_create("guest")
        os.ftruncate(self.fd, MEM)
        self.m = mmap.mmap(self.fd, MEM)
        self.kick = {q: os.eventfd(0, os.EFD_NONBLOCK) for q in (0, 1)}
        self.call = {q: os.eventfd(0, os.EFD_NONBLOCK) for q in (0, 1)}
        self.avail = {0: 0, 1: 0}
        self.used = {0: 0, 1: 0}
        self.next_desc = {0: 0, 1: 0}
        self.setup()

    def msg(self, req, payload=b"", fds=None, reply=False, flags=1):
        data = struct.pack("<III", req, flags, len(payload)) + payload
        if fds:
            socket.send_fds(self.s, [data], fds)
        else:
            self.s.sendall(data)
        if not reply:
            return None
        hdr = self.s.recv(12, socket.MSG_WAITALL)
        r, f, size = struct.unpack("<III", hdr)
        expect(r == req and f & 4, f"reply to {req}: {r} {f:#x}")
        return self.s.recv(size, socket.MSG_WAITALL) if size else b""

    def setup(self):
        feats = struct.unpack("<Q", self.msg(1, reply=True))[0]
        expect(feats & (1 << 32) and feats & (1 << 30),
               f"features {feats:#x}: VERSION_1 and PROTOCOL_FEATURES")
        self.msg(2, struct.pack("<Q", (1 << 32) | (1 << 30)))
        pf = struct.unpack("<Q", self.msg(15, reply=True))[0]
        expect(pf & (1 << 9) and pf & (1 << 3), f"protocol features {pf:#x}")
        self.msg(16, struct.pack("<Q", (1 << 9) | (1 << 3)))
        cfg = self.msg(24, struct.pack("<III", 0, 8, 0) + bytes(8),
                       reply=True)
        expect(struct.unpack("<Q", cfg[12:20])[0] == 3, "guest CID 3")
        self.msg(3)
        ack = self.msg(5, struct.pack("<II", 1, 0) +
                       struct.pack("<QQQQ", 0, MEM, UADDR, 0), [self.fd],
                       reply=True, flags=1 | 8)
        expect(ack == bytes(8), f"SET_MEM_TABLE ack {ack!r}")
        for q in (0, 1):
            base = RING[q]
            self.msg(8, struct.pack("<II", q, QSIZE))
            self.msg(9, struct.pack("<IIQQQQ", q, 0, UADDR + base,
                                    UADDR + base + 0x200,
                                    UADDR + base + 0x100, 0))
            self.msg(10, struct.pack("<II", q, 0))
            self.msg(12, struct.pack("<Q", q), [self.kick[q]])
            self.msg(13, struct.pack("<Q", q), [self.call[q]])
            self.msg(18, struct.pack("<II", q, 1))
        for _ in range(QSIZE):
            self.post(0, BUF[0] + 4096 * (self.next_desc[0] % QSIZE), 4096,
                      True)

    def post(self, q, gpa, length, writable, jump=1):
        d = self.next_desc[q] % QSIZE
        self.next_desc[q] += 1
        struct.pack_into("<QIHH", self.m, RING[q] + 16 * d, gpa, length,
                         2 if writable else 0, 0)
        struct.pack_into("<H", self.m, RING[q] + 0x100 + 4 +
                         2 * (self.avail[q] % QSIZE), d)
        self.avail[q] = (self.avail[q] + jump) & 0xFFFF
        struct.pack_into("<H", self.m, RING[q] + 0x100 + 2, self.avail[q])
        os.eventfd_write(self.kick[q], 1)

    def send(self, pkt, gpa=None, length=None):
        d = self.next_desc[1] % QSIZE
        if gpa is None:
            gpa = BUF[1] + 4096 * d
            self.m[gpa:gpa + len(pkt)] = pkt
        self.post(1, gpa, len(pkt) if length is None else length, False)

    def hdr(self, op, src, dst, payload=b"", length=None, cid=3, flags=0,
            buf_alloc=65536, fwd=0):
        return HDR.pack(cid, 2, src, dst,
                        len(payload) if length is None else length, 1, op,
                        flags, buf_alloc, fwd) + payload

    def used_idx(self, q):
        return struct.unpack_from("<H", self.m, RING[q] + 0x200 + 2)[0]

    def recv(self, timeout=3.0):
        """The next packet the back-end wrote into rx, or None."""
        end = time.monotonic() + timeout
        while self.used_idx(0) == self.used[0]:
            if time.monotonic() > end:
                return None
            time.sleep(0.002)
        slot = self.used[0] % QSIZE
        did, ln = struct.unpack_from("<II", self.m,
                                     RING[0] + 0x200 + 4 + 8 * slot)
        self.used[0] += 1
        gpa = struct.unpack_from("<Q", self.m, RING[0] + 16 * did)[0]
        data = bytes(self.m[gpa:gpa + ln])
        self.post(0, gpa, 4096, True)
        h = HDR.unpack(data[:44])
        return h, data[44:44 + h[4]]

    def recv_skip_updates(self, timeout=3.0):
        """recv(), skipping the CREDIT_UPDATEs the back-end volunteers."""
        p = self.recv(timeout)
        while p and p[0][6] == OP_UPDATE:
            p = self.recv(timeout)
        return p

    def wait_tx(self):
        """Until the back-end has taken every tx chain posted."""
        end = time.monotonic() + 3
        while self.used_idx(1) != self.avail[1] and time.monotonic() < end:
            time.sleep(0.001)

    def alive(self):
        """The back-end still answers vhost-user."""
        return len(self.msg(1, reply=True)) == 8

    def close(self):
        self.s.close()
        try:
            rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -9
        err = self.proc.stderr.read().decode()
        self.m.close()
        os.close(self.fd)
        return rc, err


def listener(path):
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(4)
    ls.settimeout(5)
    return ls


def check_connect_data_both_ways_and_close():
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        ls = listener(g.uds + "_5000")
        g.send(g.hdr(OP_REQUEST, 1025, 5000))
        h, _ = g.recv()
        expect(h[6] == OP_RESPONSE and h[2] == 5000 and h[3] == 1025 and
               h[1] == 3, f"RESPONSE expected: {h}")
        conn, _ = ls.accept()
        g.send(g.hdr(OP_RW, 1025, 5000, b"hello host"))
        conn.settimeout(5)
        expect(conn.recv(100) == b"hello host", "data to the host")
        conn.sendall(b"hello guest")
        h, data = g.recv_skip_updates()
        expect(h[6] == OP_RW and data == b"hello guest", f"RW: {h} {data}")
        # A full shutdown is answered with RST; the host side is closed.
        g.send(g.hdr(OP_SHUTDOWN, 1025, 5000, flags=3))
        pkts = [g.recv() for _ in range(2)]
        expect(any(p and p[0][6] == OP_RST for p in pkts),
               f"RST after SHUTDOWN: {pkts}")
        expect(conn.recv(10) == b"", "host side closed")
        rc, err = g.close()
        expect(rc == 0, f"exit {rc}", err)


def check_nobody_listening_is_refused_and_unknown_get_rst():
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        g.send(g.hdr(OP_REQUEST, 1025, 5999))
        h, _ = g.recv()
        expect(h[6] == OP_RST, f"RST for no listener: {h}")
        g.send(g.hdr(OP_RW, 1026, 5000, b"x"))
        h, _ = g.recv()
        expect(h[6] == OP_RST and h[3] == 1026, f"RST for no connection {h}")
        g.send(g.hdr(OP_RST, 1027, 5000))
        expect(g.recv(0.3) is None, "an RST is never answered")
        rc, err = g.close()
        expect(rc == 0, f"exit {rc}", err)


def check_hostile_headers_dropped():
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        ls = listener(g.uds + "_5000")
        g.send(g.hdr(OP_REQUEST, 1025, 5000))
        expect(g.recv()[0][6] == OP_RESPONSE, "connected")
        conn, _ = ls.accept()
        conn.settimeout(0.5)
        # len beyond the chain, a wrong source CID, an unknown op.
        g.send(g.hdr(OP_RW, 1025, 5000, b"abc", length=3000))
        g.send(g.hdr(OP_RW, 1025, 5000, b"abc", cid=7))
        g.send(g.hdr(9, 1025, 5000))
        g.send(b"short")
        expect(g.recv(0.3) is None, "bad packets are not answered")
        try:
            got = conn.recv(100)
        except socket.timeout:
            got = b""
        expect(got == b"", f"nothing reached the host: {got!r}")
        # Beyond the credit the back-end announced: reset.
        g.send(g.hdr(OP_CREDIT_REQ, 1025, 5000))
        h, _ = g.recv()
        credit = h[8]
        expect(h[6] == OP_UPDATE and credit > 0, f"credit update {h}")
        # The host reads nothing; the guest ignores the credit. Once
        # the back-end's buffer (and the socket's) is full: RST.
        chunk = b"z" * 4000
        p = None
        for i in range(600):
            g.send(g.hdr(OP_RW, 1025, 5000, chunk))
            if i % 4 == 3:
                g.wait_tx()
            while g.used_idx(0) != g.used[0]:
                p = g.recv(0)
                if p[0][6] == OP_RST:
                    break
            if p and p[0][6] == OP_RST:
                break
        expect(p and p[0][6] == OP_RST, "RST when the guest overruns")
        expect(g.alive(), "the back-end still serves")
        rc, err = g.close()
        expect(rc == 0 and "beyond its credit" in err, f"exit {rc}", err)


def check_bad_rings_stop_the_queue_not_the_backend():
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        # A descriptor outside guest memory.
        g.send(b"", gpa=MEM - 10, length=100)
        time.sleep(0.2)
        expect(g.alive(), "alive after a descriptor outside memory")
        rc, err = g.close()
        expect(rc == 0 and "bad ring" in err, f"exit {rc}", err)
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        g.post(1, BUF[1], 44, False, jump=100)
        time.sleep(0.2)
        expect(g.alive(), "alive after an available index jump")
        rc, err = g.close()
        expect(rc == 0 and "bad ring" in err, f"exit {rc}", err)


def check_host_initiated_connect():
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(tmp)
        host = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        host.connect(g.uds)
        host.sendall(b"CONNECT 1234\n")
        h, _ = g.recv()
        expect(h[6] == OP_REQUEST and h[3] == 1234 and h[1] == 3,
               f"REQUEST to guest port 1234: {h}")
        g.send(g.hdr(OP_RESPONSE, 1234, h[2]))
        host.settimeout(5)
        line = host.recv(100)
        expect(line == f"OK {h[2]}\n".encode(), f"OK line: {line!r}")
        host.sendall(b"ping")
        h2, data = g.recv()
        expect(h2[6] == OP_RW and data == b"ping", f"data: {h2} {data}")
        # A line that is not CONNECT is refused: the socket is closed.
        bad = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        bad.connect(g.uds)
        bad.sendall(b"HELLO\n")
        bad.settimeout(5)
        expect(bad.recv(10) == b"", "a bad line closes the connection")
        rc, err = g.close()
        expect(rc == 0, f"exit {rc}", err)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
