#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of the model secure processor's reports with the openssl command line.

Runs `out/tests/unit_tests --fixture sim_psp_export` with SIM_PSP_EXPORT_DIR set, so the
unit test writes one signed attestation report (report.bin, 0x4A0 bytes),
the model VCEK's public key (vcek.pem) and the REPORT_DATA inputs (nonce.bin,
manifest.bin). This script reads the report with the standard library,
turns its little-endian r/s into a DER ECDSA-Sig-Value itself and has
`openssl dgst -sha384 -verify` check it over bytes 0x000..0x29F; then it
flips bytes in the report and in the signature and expects openssl to
refuse. Each check is a function named check_*; it raises AssertionError to
fail. The last line is "N passed, N failed". Formats:
AMD 56860, MSG_REPORT_RSP and ATTESTATION_REPORT (report); AMD 58019 rev
1.00, Table 11 (REPORT_DATA).
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import expect, sh
import snp_report

OUT = "out"

# AMD 56860, ATTESTATION_REPORT: the report and its signature.
from snp_report import (COMP, OFF_REPORT_DATA, OFF_VMPL, REPORT_SIZE, SIG_R,
                        SIG_S, SIGNED_SIZE, flipped)

_EXPORT = {}


def exported():
    """Runs the export once; returns {name: bytes} of the exported files."""
    if not _EXPORT:
        _EXPORT.update(snp_report.export_fixture(
            OUT, "sim_psp_export", "SIM_PSP_EXPORT_DIR",
            ("report.bin", "vcek.pem", "nonce.bin", "manifest.bin")))
    return _EXPORT


def openssl_verify(report):
    """True when `openssl dgst -sha384 -verify` accepts report's signature."""
    return snp_report.openssl_verify(report, exported()["vcek.pem"])


def check_export_files():
    e = exported()
    expect(len(e["report.bin"]) == REPORT_SIZE,
           f"report is {len(e['report.bin'])} bytes, want {REPORT_SIZE}")
    snp_report.expect_vcek_p384(e)


def check_report_fields():
    r = exported()["report.bin"]
    snp_report.expect_vmpl0_report_fields(r)
    expect(r[SIG_S + COMP:] == bytes(REPORT_SIZE - SIG_S - COMP),
           "reserved signature bytes are not zero")


def check_report_data_is_sha512_of_nonce_and_manifest():
    e = exported()
    want = hashlib.sha512(e["nonce.bin"] + e["manifest.bin"]).digest()
    got = e["report.bin"][OFF_REPORT_DATA:OFF_REPORT_DATA + 64]
    expect(got == want, f"REPORT_DATA {got.hex()} != {want.hex()}")


def check_openssl_verifies_report():
    expect(openssl_verify(exported()["report.bin"]),
           "openssl refused the model's signature")


def check_openssl_refuses_flipped_signed_byte():
    r = exported()["report.bin"]
    for off in (0x00, OFF_VMPL, OFF_REPORT_DATA, 0x90, 0x1A0, SIGNED_SIZE - 1):
        expect(not openssl_verify(flipped(r, off)),
               f"openssl accepted the report with byte 0x{off:x} flipped")


def check_openssl_refuses_flipped_signature():
    r = exported()["report.bin"]
    for off in (SIG_R, SIG_R + 47, SIG_S, SIG_S + 20):
        expect(not openssl_verify(flipped(r, off, 0x10)),
               f"openssl accepted a signature with byte 0x{off:x} flipped")


def check_unsigned_tail_is_not_covered():
    # AMD 56860, ATTESTATION_REPORT: only 0x000..0x29F is signed; reserved bytes after r/s are not.
    r = exported()["report.bin"]
    expect(openssl_verify(flipped(r, REPORT_SIZE - 1)),
           "the byte after the signature changed the verification")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
