# SPDX-License-Identifier: MIT
"""A hostile stand-in for csvsm-aproxy: relays the SVSM's frames to a KBS
and tampers with them on the way, as a compromised host could.

Frames (include/abi/kbs_proxy.h, read here from its description, not from
the proxy's code): request = "KBSQ" magic u32, method u16 (1 GET, 2 POST),
path length u16, body length u32, path, body; response = "KBSR" magic u32,
HTTP status u32, body length u32, body; little-endian.

Modes: record (relays and keeps every message, for the interoperability
checks), evidence (flips a MEASUREMENT byte of the SNP report), nonce
(hands the SVSM a nonce of its own), otherkey (swaps the TEE key in the
attestation for its own), replay (answers a later session with the first
session's JWE), forge (answers with its own JWE to the SVSM's key, signed
by a key of its own), truncate (cuts the JWE answer short and hangs up),
oversize (announces a body above the limit), badmagic (a response with the
wrong magic), forgeack (acknowledges a counter advance itself, never
telling the broker), bump (lets another instance advance the broker's
counter just before the SVSM's advance arrives).
"""
import http.client
import json
import os
import socket
import struct
import threading

from cryptography.hazmat.primitives.asymmetric import ec

import testkbs

REQ_MAGIC, RSP_MAGIC = 0x5153424B, 0x5253424B
BODY_MAX = 65536


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


class Relay:
    def __init__(self, sock_path, kbs_url, mode="record", broker=None):
        self.path, self.mode, self.broker = sock_path, mode, broker
        host, port = kbs_url.split("//")[1].split(":")
        self.host, self.port = host, int(port)
        self.messages = []  # (method, path, body, status, answer)
        self.saved_jwe = None
        self.last_nonce = None
        self.own_key = ec.generate_private_key(ec.SECP256R1())
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(sock_path):
            os.unlink(sock_path)
        self.srv.bind(sock_path)
        self.srv.listen(4)
        self.stop = False
        threading.Thread(target=self.loop, daemon=True).start()

    def close(self):
        self.stop = True
        self.srv.close()

    def loop(self):
        while not self.stop:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            with conn:
                self.session(conn)

    def http(self, method, path, body, cookie):
        c = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if cookie[0]:
            headers["Cookie"] = cookie[0]
        c.request(method, path, body=body if method == "POST" else None,
                  headers=headers)
        r = c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                cookie[0] = v.split(";")[0]
        c.close()
        return r.status, data

    def session(self, conn):
        cookie = [None]
        tee_jwk = None
        while True:
            try:
                magic, method, plen, blen = struct.unpack(
                    "<IHHI", read_exact(conn, 12))
                path = read_exact(conn, plen).decode()
                body = read_exact(conn, blen)
            except (EOFError, OSError):
                return
            if magic != REQ_MAGIC:
                return
            meth = "GET" if method == 1 else "POST"
            if path == "/kbs/v0/attest":
                doc = json.loads(body)
                tee_jwk = doc["runtime-data"]["tee-pubkey"]
                body = self.tamper_attest(doc, body)
            counter = path.startswith(testkbs.COUNTER_PREFIX)
            if counter and self.mode == "bump" and self.broker:
                # Another instance of the same disk advanced it first.
                self.broker.advance(path[len(testkbs.COUNTER_PREFIX):], 20)
            if counter and self.mode == "forgeack":
                to = json.loads(body)["advance-to"]
                bind = testkbs.binding(self.last_nonce, tee_jwk)[:48]
                status, answer = 200, json.dumps(testkbs.jwe_encrypt(
                    tee_jwk, testkbs.sign_counter(self.own_key, to, bind))
                ).encode()
            else:
                status, answer = self.http(meth, path, body, cookie)
            self.messages.append((meth, path, body, status, answer))
            if path == "/kbs/v0/auth" and status == 200:
                self.last_nonce = json.loads(answer)["nonce"]
            answer = self.tamper_answer(path, status, answer, tee_jwk)
            if self.mode == "oversize" and path.startswith("/kbs/v0/resource"):
                conn.sendall(struct.pack("<III", RSP_MAGIC, 200,
                                         BODY_MAX + 1) + answer)
                return
            if self.mode == "truncate" and path.startswith("/kbs/v0/resource"):
                conn.sendall(struct.pack("<III", RSP_MAGIC, 200, len(answer))
                             + answer[:len(answer) // 2])
                return
            magic = RSP_MAGIC
            if self.mode == "badmagic" and path.startswith("/kbs/v0/resource"):
                magic = 0x41414141
            conn.sendall(struct.pack("<III", magic, status, len(answer)) +
                         answer)

    def tamper_attest(self, doc, body):
        if self.mode == "evidence":
            rep = doc["tee-evidence"]["primary_evidence"]["attestation_report"]
            rep["measurement"][0] ^= 1
            return json.dumps(doc).encode()
        if self.mode == "otherkey":
            n = self.own_key.public_key().public_numbers()
            doc["runtime-data"]["tee-pubkey"]["x"] = testkbs.b64url(
                n.x.to_bytes(32, "big"))
            doc["runtime-data"]["tee-pubkey"]["y"] = testkbs.b64url(
                n.y.to_bytes(32, "big"))
            return json.dumps(doc).encode()
        return body

    def tamper_answer(self, path, status, answer, tee_jwk):
        if self.mode == "nonce" and path == "/kbs/v0/auth" and status == 200:
            doc = json.loads(answer)
            doc["nonce"] = "cHJveHktY2hvc2VuLW5vbmNl"
            return json.dumps(doc).encode()
        if not path.startswith("/kbs/v0/resource") or status != 200:
            return answer
        if self.mode == "replay":
            if self.saved_jwe is None:
                self.saved_jwe = answer
                return answer
            return self.saved_jwe
        if self.mode == "forge":
            # A secret of the proxy's choosing, for the SVSM's own key, and
            # signed (by the proxy's key) over the right binding: only the
            # pinned broker key tells it apart.
            bind = testkbs.binding(self.last_nonce, tee_jwk)[:48]
            plain = testkbs.sign_secret(self.own_key, b"\x66" * 32, 99, bind)
            return json.dumps(testkbs.jwe_encrypt(tee_jwk, plain)).encode()
        return answer
