#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A test Key Broker Service speaking Trustee's RCAR protocol 0.4.0.

Written from the protocol document (confidential-containers/trustee,
kbs/docs/kbs_attestation_protocol.md: Request, Challenge, Attestation,
Response, the HTTP endpoints and cookie) and Trustee's verification rules
for SNP, not from csvsm's proxy or client code:

- POST /kbs/v0/auth: version must equal "0.4.0"; tee "snp", or "sample"
  only when the broker is configured for tests; answers a fresh 32-byte
  nonce (base64) and sets the kbs-session-id cookie.
- POST /kbs/v0/attest: the runtime-data nonce must be the session's; the
  TEE key an EC P-256 JWK for ECDH-ES+A256KW; REPORT_DATA must be
  SHA-384 of the RFC 8785 (JCS) serialisation of {"additional-evidence",
  "nonce", "tee-pubkey"} padded with 16 zero bytes; for snp the report is
  rebuilt from its named fields (AMD 56860 ATTESTATION_REPORT), its
  ECDSA P-384 signature checked against the VCEK, and MEASUREMENT and
  POLICY compared with the approved reference values (`csvsm-igvm measure
  --json`); the debug policy bit must be clear and the report at VMPL0.
- GET /kbs/v0/resource/<repo>/<type>/<tag>: only for an attested session;
  the answer is a flattened JWE (ECDH-ES+A256KW, A256GCM, no aad) to the
  TEE key, of "csvsm-kbs-key-v1" | key | counter (u64 LE) | ECDSA P-256
  signature (r || s) by the broker key over the first 56 bytes and the
  48-byte binding digest (docs/attestation-proxy.md).

It also holds each resource's rollback counter: POST
/kbs/v0/external/csvsm-counter/<repo>/<type>/<tag> {"advance-to": N} from
an attested session moves it to N if N is above it (else 409) and answers
a JWE of "csvsm-kbs-ctr-v1" | N (u64 LE) | signature over the first 24
bytes and the binding digest. Errors are RFC 7807 JSON as the document's "Error information".
Run alone: python3 tests/kbs/testkbs.py --help.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import ssl
import struct
import sys
import threading

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature, encode_dss_signature)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

PROTOCOL = "0.4.0"
MAGIC = b"csvsm-kbs-key-v1"
COUNTER_MAGIC = b"csvsm-kbs-ctr-v1"
COUNTER_PREFIX = "/kbs/v0/external/csvsm-counter/"
REPORT_SIZE, SIGNED_SIZE = 0x4A0, 0x2A0
POLICY_DEBUG = 1 << 19
ERR_BASE = "https://github.com/confidential-containers/kbs/errors/"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64url(s):
    if not isinstance(s, str) or "=" in s:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jcs(obj):
    """RFC 8785 for the JSON this broker hashes (strings and objects only)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def binding(nonce, jwk, additional=""):
    """What REPORT_DATA must hold: SHA-384(JCS(runtime data)) || 0^16."""
    rd = {"additional-evidence": additional, "nonce": nonce,
          "tee-pubkey": {k: jwk[k] for k in ("alg", "crv", "kty", "x", "y")}}
    return hashlib.sha384(jcs(rd)).digest() + bytes(16)


def tcb_u64(t):
    """TCB_VERSION (AMD 56860, Milan/Genoa layout) from its named fields."""
    return (t["bootloader"] | t["tee"] << 8 | t["snp"] << 48 |
            t["microcode"] << 56)


def report_bytes(r):
    """The 1184-byte report from Trustee's named-field JSON form."""
    def arr(name, n, src=r):
        v = src[name]
        if not isinstance(v, list) or len(v) != n or \
                not all(isinstance(x, int) and 0 <= x < 256 for x in v):
            raise ValueError(f"{name}: not {n} bytes")
        return bytes(v)

    b = bytearray(REPORT_SIZE)
    struct.pack_into("<IIQ", b, 0, r["version"], r["guest_svn"], r["policy"])
    b[0x10:0x20] = arr("family_id", 16)
    b[0x20:0x30] = arr("image_id", 16)
    struct.pack_into("<IIQQI", b, 0x30, r["vmpl"], r["sig_algo"],
                     tcb_u64(r["current_tcb"]), r["plat_info"], r["key_info"])
    b[0x50:0x90] = arr("report_data", 64)
    b[0x90:0xC0] = arr("measurement", 48)
    b[0xC0:0xE0] = arr("host_data", 32)
    b[0xE0:0x110] = arr("id_key_digest", 48)
    b[0x110:0x140] = arr("author_key_digest", 48)
    b[0x140:0x160] = arr("report_id", 32)
    b[0x160:0x180] = arr("report_id_ma", 32)
    struct.pack_into("<QBBB", b, 0x180, tcb_u64(r["reported_tcb"]),
                     r["cpuid_fam_id"], r["cpuid_mod_id"], r["cpuid_step"])
    b[0x1A0:0x1E0] = arr("chip_id", 64)
    cur, com = r["current"], r["committed"]
    struct.pack_into("<QBBBxBBBxQ", b, 0x1E0, tcb_u64(r["committed_tcb"]),
                     cur["build"], cur["minor"], cur["major"], com["build"],
                     com["minor"], com["major"], tcb_u64(r["launch_tcb"]))
    b[0x2A0:0x2E8] = arr("r", 72, r["signature"])
    b[0x2E8:0x330] = arr("s", 72, r["signature"])
    return bytes(b)


def vcek_verifies(report, vcek_pem):
    key = serialization.load_pem_public_key(vcek_pem)
    r = int.from_bytes(report[0x2A0:0x2E8], "little")
    s = int.from_bytes(report[0x2E8:0x330], "little")
    try:
        key.verify(encode_dss_signature(r, s), report[:SIGNED_SIZE],
                   ec.ECDSA(hashes.SHA384()))
        return True
    except InvalidSignature:
        return False


def concat_kdf(z):
    """RFC 7518 §4.6.2 for ECDH-ES+A256KW: one SHA-256 round, 256 bits."""
    alg = b"ECDH-ES+A256KW"
    return hashlib.sha256(struct.pack(">I", 1) + z +
                          struct.pack(">I", len(alg)) + alg +
                          struct.pack(">III", 0, 0, 256)).digest()


def jwe_encrypt(jwk, plaintext):
    """Flattened JWE JSON to an EC P-256 JWK, as Trustee's KBS makes it."""
    peer = ec.EllipticCurvePublicNumbers(
        int.from_bytes(unb64url(jwk["x"]), "big"),
        int.from_bytes(unb64url(jwk["y"]), "big"),
        ec.SECP256R1()).public_key()
    eph = ec.generate_private_key(ec.SECP256R1())
    z = eph.exchange(ec.ECDH(), peer)
    nums = eph.public_key().public_numbers()
    header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM",
              "epk": {"crv": "P-256", "kty": "EC",
                      "x": b64url(nums.x.to_bytes(32, "big")),
                      "y": b64url(nums.y.to_bytes(32, "big"))}}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    cek = secrets.token_bytes(32)
    iv = secrets.token_bytes(12)
    ct = AESGCM(cek).encrypt(iv, plaintext, protected.encode())
    return {"protected": protected,
            "encrypted_key": b64url(aes_key_wrap(concat_kdf(z), cek)),
            "iv": b64url(iv), "ciphertext": b64url(ct[:-16]),
            "tag": b64url(ct[-16:])}


def sign_secret(broker_key, key, counter, bind48):
    body = MAGIC + key + struct.pack("<Q", counter)
    der = broker_key.sign(body + bind48, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return body + r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign_counter(broker_key, counter, bind48):
    body = COUNTER_MAGIC + struct.pack("<Q", counter)
    der = broker_key.sign(body + bind48, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return body + r.to_bytes(32, "big") + s.to_bytes(32, "big")


class Refused(Exception):
    def __init__(self, status, kind, detail):
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail


class Broker:
    """The broker's state; the HTTP handler below calls into it."""

    def __init__(self, launch_digest, policy, vcek_path=None,
                 allow_sample=False, signing_key_pem=None):
        self.launch_digest = bytes.fromhex(launch_digest)
        self.policy = policy
        self.vcek_path = vcek_path
        self.allow_sample = allow_sample
        if signing_key_pem:
            with open(signing_key_pem, "rb") as f:
                self.signing_key = serialization.load_pem_private_key(
                    f.read(), None)
        else:
            self.signing_key = ec.generate_private_key(ec.SECP256R1())
        self.resources = {}
        self.sessions = {}
        self.events = []
        self.lock = threading.Lock()

    def broker_key_sec1(self):
        return self.signing_key.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint)

    def add_resource(self, path, key, counter=0):
        self.resources[path] = {"key": key, "counter": counter}

    def advance(self, path, to):
        """The rollback counter only moves forward."""
        with self.lock:
            res = self.resources[path]
            if to <= res["counter"]:
                raise ValueError("the counter only moves forward")
            res["counter"] = to

    def event(self, text):
        with self.lock:
            self.events.append(text)

    def auth(self, req):
        if req.get("version") != PROTOCOL:
            raise Refused(401, "ProtocolVersion",
                          f"version {req.get('version')!r} is not {PROTOCOL}")
        tee = req.get("tee")
        if tee == "sample" and not self.allow_sample:
            raise Refused(401, "UnsupportedTee",
                          "test evidence refused: not configured for tests")
        if tee not in ("snp", "sample"):
            raise Refused(401, "UnsupportedTee", f"tee {tee!r}")
        sid = secrets.token_hex(16)
        nonce = base64.b64encode(secrets.token_bytes(32)).decode()
        with self.lock:
            self.sessions[sid] = {"tee": tee, "nonce": nonce, "jwk": None,
                                  "binding": None}
        return sid, {"nonce": nonce, "extra-params": ""}

    def session(self, sid):
        with self.lock:
            s = self.sessions.get(sid)
        if s is None:
            raise Refused(401, "UnAuthenticatedCookie", "no such session")
        return s

    def attest(self, sid, body):
        s = self.session(sid)
        for k in ("init-data", "runtime-data", "tee-evidence"):
            if k not in body:
                raise Refused(401, "AttestationError", f"no {k}")
        rd = body["runtime-data"]
        if rd.get("nonce") != s["nonce"]:
            raise Refused(401, "AttestationError", "nonce mismatch")
        jwk = rd.get("tee-pubkey") or {}
        if (jwk.get("kty"), jwk.get("crv"), jwk.get("alg")) != \
                ("EC", "P-256", "ECDH-ES+A256KW"):
            raise Refused(401, "AttestationError", "unsupported tee-pubkey")
        if len(unb64url(jwk["x"])) != 32 or len(unb64url(jwk["y"])) != 32:
            raise Refused(401, "AttestationError", "bad tee-pubkey")
        ev = body["tee-evidence"]
        add = ev.get("additional_evidence", "")
        want = binding(s["nonce"], jwk, add)
        primary = ev.get("primary_evidence") or {}
        if s["tee"] == "sample":
            got = base64.b64decode(primary.get("report_data", ""))
            if got != want:
                raise Refused(401, "AttestationError",
                              "sample report_data does not bind the key")
        else:
            self.check_snp(primary, want)
        with self.lock:
            s["jwk"], s["binding"] = jwk, want
        self.event("attested " + s["tee"])
        return {"token": "csvsm-test-kbs." + sid}

    def check_snp(self, primary, want):
        try:
            report = report_bytes(primary["attestation_report"])
        except (KeyError, TypeError, ValueError, struct.error) as e:
            raise Refused(401, "AttestationError", f"bad report: {e}")
        version, policy = struct.unpack_from("<IxxxxQ", report, 0)
        vmpl = struct.unpack_from("<I", report, 0x30)[0]
        if not 2 <= version <= 5:
            raise Refused(401, "AttestationError", f"report version {version}")
        if self.vcek_path is None:
            raise Refused(401, "AttestationError", "no VCEK")
        with open(self.vcek_path, "rb") as f:
            vcek = f.read()
        if not vcek_verifies(report, vcek):
            self.event("denied signature")
            raise Refused(401, "AttestationError", "VCEK signature")
        if report[0x50:0x90] != want:
            self.event("denied binding")
            raise Refused(401, "AttestationError",
                          "REPORT_DATA does not bind nonce and key")
        if vmpl != 0:
            raise Refused(401, "AttestationError", f"VMPL {vmpl}")
        if report[0x90:0xC0] != self.launch_digest:
            self.event("denied measurement")
            raise Refused(401, "PolicyDeny", "measurement not approved")
        if policy != self.policy or policy & POLICY_DEBUG:
            self.event("denied policy")
            raise Refused(401, "PolicyDeny", f"policy {policy:#x}")

    def resource(self, sid, path):
        s = self.session(sid)
        if s["jwk"] is None:
            raise Refused(401, "TokenNotFound", "session not attested")
        with self.lock:
            res = self.resources.get(path)
            if res is None:
                raise Refused(404, "ResourceNotFound", path)
            key, counter = res["key"], res["counter"]
        plain = sign_secret(self.signing_key, key, counter,
                            s["binding"][:48])
        self.event(f"released {path} counter={counter}")
        return jwe_encrypt(s["jwk"], plain)


    def advance_request(self, sid, path, body):
        """The counter plugin: an attested session moves it forward."""
        s = self.session(sid)
        if s["jwk"] is None:
            raise Refused(401, "TokenNotFound", "session not attested")
        to = body.get("advance-to") if isinstance(body, dict) else None
        if not isinstance(to, int) or isinstance(to, bool):
            raise Refused(400, "InvalidRequest", "no advance-to")
        with self.lock:
            res = self.resources.get(path)
            if res is None:
                raise Refused(404, "ResourceNotFound", path)
            if to <= res["counter"]:
                raise Refused(409, "CounterConflict",
                              f"{to} is not above {res['counter']}")
            res["counter"] = to
        self.event(f"advanced {path} counter={to}")
        return jwe_encrypt(s["jwk"], sign_counter(self.signing_key, to,
                                                  s["binding"][:48]))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    broker = None

    def log_message(self, fmt, *args):
        pass

    def cookie(self):
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "kbs-session-id":
                return v
        return ""

    def answer(self, status, obj, sid=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if sid:
            self.send_header("Set-Cookie",
                             f"kbs-session-id={sid}; Max-Age=300")
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n > 1 << 20:
            raise Refused(413, "PayloadTooLarge", "body too large")
        try:
            return json.loads(self.rfile.read(n))
        except ValueError:
            raise Refused(400, "InvalidRequest", "body is not JSON")

    def run(self, fn):
        try:
            fn()
        except Refused as e:
            self.broker.event(f"refused {e.kind}: {e.detail}")
            self.answer(e.status, {"type": ERR_BASE + e.kind,
                                   "detail": e.detail})

    def do_POST(self):
        def go():
            if self.path == "/kbs/v0/auth":
                sid, ch = self.broker.auth(self.body())
                self.answer(200, ch, sid)
            elif self.path == "/kbs/v0/attest":
                self.answer(200, self.broker.attest(self.cookie(),
                                                    self.body()))
            elif self.path.startswith(COUNTER_PREFIX):
                self.answer(200, self.broker.advance_request(
                    self.cookie(), self.path[len(COUNTER_PREFIX):],
                    self.body()))
            else:
                raise Refused(404, "NotFound", self.path)
        self.run(go)

    def do_GET(self):
        def go():
            prefix = "/kbs/v0/resource/"
            if not self.path.startswith(prefix):
                raise Refused(404, "NotFound", self.path)
            self.answer(200, self.broker.resource(self.cookie(),
                                                  self.path[len(prefix):]))
        self.run(go)


def serve(broker, host="127.0.0.1", port=0, tls=None):
    """Starts the broker in a thread; returns (server, base URL).

    tls = (certificate file, key file) serves HTTPS, named "localhost".
    """
    handler = type("BoundHandler", (Handler,), {"broker": broker})
    srv = http.server.ThreadingHTTPServer((host, port), handler)
    srv.daemon_threads = True
    scheme, name = "http", host
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme, name = "https", "localhost"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"{scheme}://{name}:{srv.server_address[1]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", required=True,
                    help="`csvsm-igvm measure --json` output (file)")
    ap.add_argument("--vcek", help="the VCEK public key (PEM)")
    ap.add_argument("--allow-sample", action="store_true",
                    help="accept test evidence (never in production)")
    ap.add_argument("--resource", default="csvsm/vtpm/key")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--broker-key-out",
                    help="write the broker's public key (SEC1, hex) here")
    a = ap.parse_args()
    with open(a.reference) as f:
        snp = json.load(f)["snp"]
    b = Broker(snp["launch_digest"], int(snp["policy"], 16), a.vcek,
               a.allow_sample)
    b.add_resource(a.resource, secrets.token_bytes(32))
    if a.broker_key_out:
        with open(a.broker_key_out, "w") as f:
            f.write(b.broker_key_sec1().hex() + "\n")
    srv, url = serve(b, port=a.port)
    print(f"test KBS at {url}, resource {a.resource}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
