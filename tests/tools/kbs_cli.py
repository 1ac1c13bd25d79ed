#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The SVSM's key-broker client end to end on the SEV-SNP model.

`out/tests/unit_tests --fixture kbs_model_fetch` (tests/model/
kbs_model_test.c) launches an IGVM file on the model, keys the SVSM's
guest-message client from the launched secrets page and runs the client
(kernel/attest/) against a broker through a proxy on a Unix socket. The
broker is tests/kbs/testkbs.py, a KBS written from Trustee's protocol
document, holding the reference values `csvsm-igvm measure --json` prints
and the model VCEK; the proxy is csvsm-aproxy over loopback HTTP, or
tests/kbs/relay.py where the proxy is meant to be hostile.

Checked: the secret is released for the approved launch and refused for
another digest or policy; test evidence is refused unless the broker is
configured for tests; a tampering proxy (changed evidence, its own nonce,
its own TEE key, a replayed answer, a forged answer, truncated and
oversized frames, a bad frame) is detected, the SVSM gets no key and its
heap is as before (the fixture checks); the messages match Trustee's
protocol document (confidential-containers/trustee,
kbs/docs/kbs_attestation_protocol.md at 128ed58: field names of the
Request, Challenge, Attestation and Response examples, the endpoints) and
the REPORT_DATA binding Trustee verifies (SHA-384 of the RFC 8785
runtime data, zero-padded). The last line is "N passed, N failed".
"""
import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "kbs"))
import checks
from checks import expect, sh
import relay
import testkbs

OUT = "out"
RESOURCE = "csvsm/vtpm/key"
# enum svsm_err (include/svsm/err.h) values the checks expect.
ERRS = {0: "SVSM_OK", 1: "SVSM_E_INVAL", 6: "SVSM_E_HW"}
ADVANCE_RE = re.compile(r"kbs-advance err=(\d+) key=([0-9a-f]{64}) "
                        r"before=(\d+) after=(\d+)")
RUN_RE = re.compile(r"kbs-run (\d+) err=(\d+) key=([0-9a-f]{64}) "
                    r"counter=(\d+) sent=(\d+) received=(\d+) "
                    r"exchanges=(\d+) us=(\d+)")


def tool(*args):
    return [os.path.join(OUT, "tools", "csvsm-igvm"), *args]


def measure(path):
    rc, text = sh(tool("measure", "--json", "--vcpus", "1", path))
    expect(rc == 0, f"measure {path}", text)
    return json.loads(text)["snp"]


def build(d, name, *args):
    path = os.path.join(d, name)
    rc, text = sh(tool("build", "--kernel", os.path.join(OUT, "svsm.elf"),
                       *args, "-o", path))
    expect(rc == 0, f"build {name}", text)
    return path


def wait_listening(path):
    """Until something accepts connections at path (bind comes before
    listen, so the file alone is not enough)."""
    for _ in range(500):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(path)
            return
        except OSError:
            time.sleep(0.01)
        finally:
            c.close()
    raise AssertionError(f"nothing listens at {path}")


class Setup:
    """A temporary folder, a broker approving `approved`, and a proxy."""

    def __init__(self, approved=None, allow_sample=False, proxy="aproxy",
                 counter=7, tls=False, cacert=None):
        self.d = tempfile.mkdtemp(prefix="kbs_")
        self.igvm = approved or os.path.join(OUT, "svsm.igvm")
        ref = measure(self.igvm)
        self.vcek = os.path.join(self.d, "vcek.pem")
        self.broker = testkbs.Broker(ref["launch_digest"],
                                     int(ref["policy"], 16), self.vcek,
                                     allow_sample)
        self.key = secrets.token_bytes(32)
        self.broker.add_resource(RESOURCE, self.key, counter)
        self.ca = None
        if tls:
            self.ca = self_signed(self.d, "kbs")
        self.srv, self.url = testkbs.serve(self.broker, tls=self.ca)
        self.sock = os.path.join(self.d, "proxy.sock")
        self.proc = self.relay = None
        if proxy == "aproxy":
            extra = ["--cacert", cacert or self.ca[0]] if tls else []
            self.proc = subprocess.Popen(
                [os.path.join(OUT, "tools", "csvsm-aproxy"), "--kbs",
                 self.url, "--unix", self.sock, *extra],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            wait_listening(self.sock)
        else:
            self.relay = relay.Relay(self.sock, self.url, proxy, self.broker)

    def fetch(self, igvm=None, tee="snp", runs=1, advance=None):
        env = dict(os.environ, SIM_LOAD_IGVM=igvm or self.igvm,
                   KBS_PROXY_SOCK=self.sock, KBS_RESOURCE=RESOURCE,
                   KBS_BROKER_KEY=self.broker.broker_key_sec1().hex(),
                   KBS_VCEK_OUT=self.vcek, KBS_TEE=tee, KBS_RUNS=str(runs))
        if advance is not None:
            env["KBS_ADVANCE"] = str(advance)
        rc, text = sh([os.path.join(OUT, "tests", "unit_tests"), "--fixture",
                       "kbs_model_fetch"], env=env, timeout=300)
        expect(rc == 0 and text.rstrip().endswith("kbs_model_fetch: ok"),
               f"the fixture failed (exit {rc})", text)
        found = [m.groups() for m in RUN_RE.finditer(text)]
        expect(len(found) == runs, "no result line per run", text)
        adv = ADVANCE_RE.search(text)
        expect((adv is not None) == (advance is not None),
               "no advance line", text)
        if adv:
            self.advanced = {"err": ERRS.get(int(adv.group(1)),
                                             adv.group(1)),
                             "key": bytes.fromhex(adv.group(2)),
                             "before": int(adv.group(3)),
                             "after": int(adv.group(4))}
        return [{"err": ERRS.get(int(g[1]), g[1]), "key": bytes.fromhex(g[2]),
                 "counter": int(g[3]), "sent": int(g[4]),
                 "received": int(g[5]), "us": int(g[7])} for g in found]

    def close(self):
        self.srv.shutdown()
        if self.proc:
            self.proc.kill()
            self.proc.wait()
        if self.relay:
            self.relay.close()
        shutil.rmtree(self.d, True)


def self_signed(d, name):
    """A self-signed certificate for localhost: (certificate, key) files."""
    cert, key = os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")
    rc, text = sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                   "-subj", "/CN=localhost", "-addext",
                   "subjectAltName=DNS:localhost", "-keyout", key, "-out",
                   cert])
    expect(rc == 0, "openssl req", text)
    return cert, key


def released(s, r):
    expect(r["err"] == "SVSM_OK", f"refused: {r['err']}",
           "\n".join(s.broker.events))
    expect(r["key"] == s.key and r["counter"] == 7,
           "the SVSM holds another key or counter than the broker released")


def refused(s, r, err, event=None):
    expect(r["err"] == err, f"{r['err']}, expected {err}",
           "\n".join(s.broker.events))
    expect(r["key"] == bytes(32) and r["counter"] == 0,
           "a refused attestation left a key")
    if event:
        expect(any(event in e for e in s.broker.events),
               f"the broker did not log '{event}'", "\n".join(s.broker.events))


def with_setup(fn, **kw):
    s = Setup(**kw)
    try:
        fn(s)
    finally:
        s.close()


def check_released_for_the_approved_launch():
    def go(s):
        r = s.fetch()[0]
        released(s, r)
        expect(any(e.startswith("released") for e in s.broker.events),
               "the broker has no release", "\n".join(s.broker.events))
    with_setup(go)


def check_refused_for_another_digest():
    d = tempfile.mkdtemp(prefix="kbs_other_")
    try:
        other = build(d, "other.igvm", "--guest-svn", "5")
        with_setup(lambda s: refused(s, s.fetch(igvm=other)[0], "SVSM_E_HW",
                                     "denied measurement"))
    finally:
        shutil.rmtree(d, True)


def check_refused_for_another_policy():
    d = tempfile.mkdtemp(prefix="kbs_pol_")
    try:
        ok = build(d, "ok.igvm", "--policy", "0x30000")
        dbg = build(d, "debug.igvm", "--policy", hex(0x30000 | 1 << 19))
        expect(measure(ok)["launch_digest"] == measure(dbg)["launch_digest"],
               "the policy changed the digest; the check would not be "
               "about the policy")
        with_setup(lambda s: refused(s, s.fetch(igvm=dbg)[0], "SVSM_E_HW",
                                     "denied policy"), approved=ok)
    finally:
        shutil.rmtree(d, True)


def check_test_evidence_only_for_a_test_broker():
    with_setup(lambda s: refused(s, s.fetch(tee="sample")[0], "SVSM_E_HW",
                                 "not configured for tests"))

    def go(s):
        released(s, s.fetch(tee="sample")[0])
    with_setup(go, allow_sample=True)


def check_tampered_evidence_detected():
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_HW",
                                 "denied signature"), proxy="evidence")


def check_proxy_nonce_detected():
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_HW",
                                 "nonce mismatch"), proxy="nonce")


def check_proxy_tee_key_detected():
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_HW",
                                 "denied binding"), proxy="otherkey")


def check_replayed_answer_detected():
    def go(s):
        first, second = s.fetch(runs=2)
        released(s, first)
        refused(s, second, "SVSM_E_INVAL")
    with_setup(go, proxy="replay")


def check_forged_answer_detected():
    # The JWE decrypts (the proxy knows the public TEE key), the signature
    # covers the right binding, but it is not the pinned broker's.
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_INVAL"),
               proxy="forge")


def check_truncated_and_oversized_frames_detected():
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_HW"),
               proxy="truncate")
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_INVAL"),
               proxy="oversize")
    with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_INVAL"),
               proxy="badmagic")


def check_https_with_the_brokers_ca():
    with_setup(lambda s: released(s, s.fetch()[0]), tls=True)
    # Another CA: the proxy cannot reach the broker, the SVSM is told so.
    d = tempfile.mkdtemp(prefix="kbs_ca_")
    try:
        other = self_signed(d, "other")[0]
        with_setup(lambda s: refused(s, s.fetch()[0], "SVSM_E_HW"), tls=True,
                   cacert=other)
    finally:
        shutil.rmtree(d, True)


def frame(method, path, body=b""):
    return struct.pack("<IHHI", relay.REQ_MAGIC, method, len(path),
                       len(body)) + path.encode() + body


def answer(conn):
    magic, status, n = struct.unpack("<III", relay.read_exact(conn, 12))
    expect(magic == relay.RSP_MAGIC, f"magic {magic:#x}")
    return status, json.loads(relay.read_exact(conn, n))


def check_aproxy_serial_mode_relays():
    """--serial connects to QEMU's chardev socket; this plays QEMU."""
    s = Setup(proxy="record")
    try:
        chardev = os.path.join(s.d, "serial.sock")
        lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lst.bind(chardev)
        lst.listen(1)
        p = subprocess.Popen([os.path.join(OUT, "tools", "csvsm-aproxy"),
                              "--kbs", s.url, "--serial", chardev],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        lst.settimeout(30)
        conn, _ = lst.accept()
        with conn:
            conn.settimeout(30)
            conn.sendall(frame(2, "/kbs/v0/auth", json.dumps(
                {"version": "0.4.0", "tee": "snp",
                 "extra-params": ""}).encode()))
            status, ch = answer(conn)
            expect(status == 200 and "nonce" in ch, f"{status} {ch}")
            # Without attestation the broker refuses the resource (401),
            # so the cookie went back with the request.
            conn.sendall(frame(1, "/kbs/v0/resource/" + RESOURCE))
            status, err = answer(conn)
            expect(status == 401 and err["type"].endswith("TokenNotFound"),
                   f"{status} {err}")
        expect(p.wait(timeout=30) == 0, "csvsm-aproxy --serial did not exit "
               "when the chardev closed")
        lst.close()
    finally:
        s.close()


def check_aproxy_refuses_bad_frames_and_keeps_serving():
    s = Setup()
    try:
        for bad in (b"XXXX" + bytes(8), frame(2, "/etc/passwd"),
                    frame(1, "/kbs/v0/a b"), frame(3, "/kbs/v0/auth"),
                    struct.pack("<IHHI", relay.REQ_MAGIC, 2, 12, 65537)):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.settimeout(30)
            c.connect(s.sock)
            c.sendall(bad)
            try:
                got = c.recv(1)
            except ConnectionResetError:  # closed with our bytes unread
                got = b""
            expect(got == b"", f"the proxy answered {bad!r}")
            c.close()
        expect(s.proc.poll() is None, "the proxy died")
        released(s, s.fetch()[0])
    finally:
        s.close()


def check_aproxy_command_line():
    a = os.path.join(OUT, "tools", "csvsm-aproxy")
    rc, text = sh([a, "--help"])
    for opt in ("--kbs", "--unix", "--vsock", "--serial", "--cacert",
                "--once", "--verbose", "--help", "--version"):
        expect(rc == 0 and opt in text, f"--help does not name {opt}", text)
    rc, text = sh([a, "--version"])
    expect(rc == 0 and text.startswith("csvsm-aproxy (csvsm "), text)
    for args, what in ((["--kbs", "http://h", "--unix", "u", "stray"],
                        "'stray'"),
                       (["--kbs", "ftp://h", "--unix", "u"], "http"),
                       (["--kbs", "http://h:x", "--unix", "u"], "port"),
                       (["--kbs", "http://h"], "usage"),
                       (["--kbs", "http://h", "--unix", "u", "--vsock", "5"],
                        "usage")):
        rc, text = sh([a, *args])
        expect(rc == 2 and what in text, f"{args}: exit {rc}", text)


def counter(s):
    return s.broker.resources[RESOURCE]["counter"]


def check_counter_advances_and_is_released_next_boot():
    def go(s):
        released(s, s.fetch(advance=8)[0])
        a = s.advanced
        expect(a["err"] == "SVSM_OK" and a["key"] == s.key and
               a["before"] == 7 and a["after"] == 8, f"advance {a}")
        expect(counter(s) == 8, f"the broker holds {counter(s)}")
        r = s.fetch()[0]
        expect(r["err"] == "SVSM_OK" and r["counter"] == 8,
               f"the next boot got counter {r['counter']}")
    with_setup(go)


def check_counter_advance_refused_when_the_broker_is_ahead():
    def go(s):
        s.fetch(advance=8)
        a = s.advanced
        expect(a["err"] == "SVSM_E_HW" and a["before"] == 7 and
               a["after"] == 7, f"advance {a}")
        expect(counter(s) == 20, "the broker's counter moved back")
    with_setup(go, proxy="bump")


def check_forged_counter_ack_detected():
    def go(s):
        s.fetch(advance=8)
        a = s.advanced
        expect(a["err"] == "SVSM_E_INVAL" and a["after"] == 7,
               f"advance {a}")
        expect(counter(s) == 7, "the broker's counter moved")
    with_setup(go, proxy="forgeack")


# The field names of the examples in Trustee's protocol document
# (kbs/docs/kbs_attestation_protocol.md, "Payloads" and "HTTP Integration").
DOC_REQUEST = {"version", "tee", "extra-params"}
DOC_CHALLENGE = {"nonce", "extra-params"}
DOC_ATTESTATION = {"init-data", "runtime-data", "tee-evidence"}
DOC_RESPONSE = {"protected", "encrypted_key", "aad", "iv", "ciphertext",
                "tag"}
DOC_RESPONSE_OPTIONAL = {"aad"}


def check_messages_match_trustee_protocol():
    def go(s):
        released(s, s.fetch()[0])
        msgs = s.relay.messages
        expect([(m[0], m[1]) for m in msgs] ==
               [("POST", "/kbs/v0/auth"), ("POST", "/kbs/v0/attest"),
                ("GET", "/kbs/v0/resource/" + RESOURCE)],
               f"endpoints {[(m[0], m[1]) for m in msgs]}")
        req = json.loads(msgs[0][2])
        expect(set(req) == DOC_REQUEST and req["version"] == "0.4.0" and
               req["tee"] == "snp", f"Request {req}")
        ch = json.loads(msgs[0][4])
        expect(set(ch) == DOC_CHALLENGE, f"Challenge {ch}")
        att = json.loads(msgs[1][2])
        expect(set(att) == DOC_ATTESTATION, f"Attestation keys {set(att)}")
        rd = att["runtime-data"]
        expect(set(rd) == {"nonce", "tee-pubkey"} and
               rd["nonce"] == ch["nonce"], f"runtime-data {rd}")
        jwk = rd["tee-pubkey"]
        expect(jwk["kty"] == "EC" and jwk["crv"] == "P-256" and
               jwk["alg"] == "ECDH-ES+A256KW" and
               len(testkbs.unb64url(jwk["x"])) == 32 and
               len(testkbs.unb64url(jwk["y"])) == 32, f"JWK {jwk}")
        ev = att["tee-evidence"]
        expect(set(ev) == {"primary_evidence", "additional_evidence"},
               f"tee-evidence {set(ev)}")
        # The canonical JSON and hash, computed here from RFC 8785 rules.
        canon = ('{"additional-evidence":"","nonce":' +
                 json.dumps(ch["nonce"]) + ',"tee-pubkey":{"alg":"' +
                 jwk["alg"] + '","crv":"P-256","kty":"EC","x":"' + jwk["x"] +
                 '","y":"' + jwk["y"] + '"}}').encode()
        want = hashlib.sha384(canon).digest() + bytes(16)
        rep = ev["primary_evidence"]["attestation_report"]
        expect(bytes(rep["report_data"]) == want,
               "REPORT_DATA is not SHA-384(JCS(runtime data)) || 0^16")
        expect(testkbs.vcek_verifies(testkbs.report_bytes(rep),
                                     open(s.vcek, "rb").read()),
               "the named-field report does not rebuild the signed bytes")
        jwe = json.loads(msgs[2][4])
        expect(DOC_RESPONSE - DOC_RESPONSE_OPTIONAL <= set(jwe) <=
               DOC_RESPONSE, f"Response {set(jwe)}")
        hdr = json.loads(testkbs.unb64url(jwe["protected"]))
        expect(hdr["alg"] == "ECDH-ES+A256KW" and hdr["enc"] == "A256GCM",
               f"JWE header {hdr}")
        expect(base64.b64decode(ch["nonce"]) and True, "nonce")
    with_setup(go, proxy="record")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
