# SPDX-License-Identifier: MIT
"""Checking SEV-SNP attestation reports with the openssl command line.

Shared by psp_openssl_cli.py (reports straight from the model PSP) and
attest_openssl_cli.py (reports obtained through the SVSM). Layout: AMD 56860,
ATTESTATION_REPORT (as Linux include/uapi/linux/sev-guest.h sizes it): a 0x4A0-byte report whose first 0x2A0
bytes are signed with ECDSA P-384/SHA-384; r at 0x2A0 and s at 0x2E8, 72
bytes each, little endian.
"""
import atexit
import os
import shutil
import struct
import subprocess
import tempfile

from checks import expect, sh

REPORT_SIZE = 0x4A0
SIGNED_SIZE = 0x2A0
SIG_R, SIG_S, COMP = 0x2A0, 0x2E8, 72
OFF_VERSION, OFF_VMPL, OFF_SIG_ALGO = 0x00, 0x30, 0x34
OFF_REPORT_DATA = 0x50
ECDSA_P384_SHA384 = 1


def export_fixture(out, fixture, env_var, names):
    """Runs `unit_tests --fixture FIXTURE` with ENV_VAR naming a fresh folder.

    The fixture writes the files `names` there; returns {name: bytes}, plus
    "dir", the folder (removed at exit).
    """
    d = tempfile.mkdtemp(prefix=fixture + "_")
    atexit.register(shutil.rmtree, d, True)
    env = dict(os.environ, **{env_var: d})
    rc, text = sh([os.path.join(out, "tests", "unit_tests"), "--fixture",
                   fixture], env=env)
    expect(rc == 0, f"unit_tests --fixture {fixture}: exit {rc}", text)
    expect(text.rstrip().endswith(": ok"),
           "the export fixture did not report success", text)
    files = {"dir": d}
    for name in names:
        with open(os.path.join(d, name), "rb") as f:
            files[name] = f.read()
    return files


def expect_vcek_p384(files):
    """The exported vcek.pem is a PEM P-384 public key openssl reads."""
    expect(files["vcek.pem"].startswith(b"-----BEGIN PUBLIC KEY-----"),
           "vcek.pem is not a PEM public key")
    rc, text = sh(["openssl", "pkey", "-pubin", "-in",
                   os.path.join(files["dir"], "vcek.pem"), "-noout", "-text"])
    expect(rc == 0 and ("P-384" in text or "secp384r1" in text),
           "the VCEK is not a P-384 key", text)


def expect_vmpl0_report_fields(r):
    """Version 2 or later, VMPL0 (AMD 58019 rev 1.00, Table 11: the SVSM's
    reports), ECDSA P-384 with SHA-384, r and s within 48 bytes."""
    version, = struct.unpack_from("<I", r, OFF_VERSION)
    vmpl, algo = struct.unpack_from("<II", r, OFF_VMPL)
    expect(version >= 2, f"report version {version}")
    expect(vmpl == 0, f"VMPL {vmpl}, want 0 (the SVSM's reports)")
    expect(algo == ECDSA_P384_SHA384, f"signature algorithm {algo}")
    # r and s are 48-byte numbers in 72-byte fields; the rest is reserved.
    expect(r[SIG_R + 48:SIG_R + COMP] == bytes(24), "r above 48 bytes")
    expect(r[SIG_S + 48:SIG_S + COMP] == bytes(24), "s above 48 bytes")


def der_integer(le):
    """A little-endian unsigned field -> DER INTEGER (minimal, positive)."""
    b = le[::-1].lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b


def der_sig(report):
    """The report's r and s as a DER ECDSA-Sig-Value."""
    body = (der_integer(report[SIG_R:SIG_R + COMP]) +
            der_integer(report[SIG_S:SIG_S + COMP]))
    if len(body) >= 0x80:
        raise AssertionError("DER body needs a long-form length")
    return b"\x30" + bytes([len(body)]) + body


def openssl_verify(report, vcek_pem):
    """True when `openssl dgst -sha384 -verify` accepts the signature."""
    with tempfile.TemporaryDirectory() as d:
        pem, sig, msg = (os.path.join(d, n) for n in ("vcek.pem", "sig.der",
                                                        "signed.bin"))
        with open(pem, "wb") as f:
            f.write(vcek_pem)
        with open(sig, "wb") as f:
            f.write(der_sig(report))
        with open(msg, "wb") as f:
            f.write(report[:SIGNED_SIZE])
        proc = subprocess.run(["openssl", "dgst", "-sha384", "-verify", pem,
                               "-signature", sig, msg],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=60,
                              check=False)
    text = proc.stdout.decode("utf-8", "replace")
    if proc.returncode == 0:
        if "Verified OK" not in text:
            raise AssertionError("exit 0 without 'Verified OK'\n" + text)
        return True
    if "Verification failure" not in text:
        raise AssertionError(
            f"openssl failed for another reason (exit {proc.returncode})\n"
            + text)
    return False


def flipped(data, off, mask=0x01):
    """data with bit(s) `mask` of byte `off` flipped."""
    b = bytearray(data)
    b[off] ^= mask
    return bytes(b)
