#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of the SVSM attestation protocol's output with the openssl command line.

Runs `out/tests/unit_tests --fixture attest_export` with ATTEST_EXPORT_DIR set. That
unit test plays a guest that calls SVSM_ATTEST_SERVICES on the SVSM's own
handler (kernel/protocols/attest.c), which builds the services manifest,
gets a report from the model secure processor through the SVSM's
guest-message client, and writes both into guest memory. The test exports
what the guest received: report.bin (0x4A0 bytes), manifest.bin and the
nonce it sent (nonce.bin), once with csvsm's own manifest and once, with
the prefix svc_, with two test services registered; plus vcek.pem, the
model VCEK's public key.

This script checks those bytes independently of csvsm's C code: the
signature with `openssl dgst -sha384 -verify` (r/s turned into DER here),
REPORT_DATA == SHA-512(nonce || manifest) with hashlib, and the manifest
layout (GUID in EFI byte order read with the uuid module, length, entries,
data) by parsing it here. Each check is a function named check_*; it raises
AssertionError to fail. The last line is "N passed, N failed". Formats:
AMD 58019 rev 1.00, Table 11 (attest services operation, REPORT_DATA) and
Table 12 (services manifest); AMD 56860, ATTESTATION_REPORT (report).
"""
import hashlib
import os
import struct
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import expect, sh
import snp_report

OUT = "out"

# AMD 56860, ATTESTATION_REPORT: the report and its signature.
from snp_report import (COMP, OFF_REPORT_DATA, OFF_VMPL, REPORT_SIZE, SIG_R,
                        SIG_S, SIGNED_SIZE, flipped)

# AMD 58019 rev 1.00, Table 12: the services manifest.
MANIFEST_GUID = uuid.UUID("63849ebb-3d92-4670-a1ff-58f9c94b87bb")
MANIFEST_HDR = 24
MANIFEST_ENTRY = 24
# The test services the attest_export fixture registers (tests/unit/attest_test.c).
SVC_A_GUID = bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
                    0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01])
SVC_B_GUID = b"\x21" + SVC_A_GUID[1:15] + b"\x02"
SVC_A_DATA = b"csvsm test service A manifest"

SETS = ("", "svc_")
_EXPORT = {}


def exported():
    """Runs the export once; returns {name: bytes} of the exported files."""
    if not _EXPORT:
        names = ["vcek.pem"] + [p + n for p in SETS
                                for n in ("report.bin", "manifest.bin",
                                          "nonce.bin")]
        _EXPORT.update(snp_report.export_fixture(
            OUT, "attest_export", "ATTEST_EXPORT_DIR", names))
    return _EXPORT


def openssl_verify(report):
    """True when `openssl dgst -sha384 -verify` accepts report's signature."""
    return snp_report.openssl_verify(report, exported()["vcek.pem"])


def report_data_ok(report, nonce, manifest):
    want = hashlib.sha512(nonce + manifest).digest()
    return report[OFF_REPORT_DATA:OFF_REPORT_DATA + 64] == want


def parse_manifest(m):
    """AMD 58019 rev 1.00, Table 12 -> [(guid bytes, data bytes)]; checks the layout."""
    expect(len(m) >= MANIFEST_HDR, f"manifest of {len(m)} bytes")
    expect(uuid.UUID(bytes_le=m[:16]) == MANIFEST_GUID,
           f"manifest GUID {uuid.UUID(bytes_le=m[:16])}")
    length, count = struct.unpack_from("<II", m, 16)
    expect(length == len(m), f"length field {length}, manifest {len(m)}")
    table_end = MANIFEST_HDR + MANIFEST_ENTRY * count
    expect(table_end <= len(m), f"{count} entries do not fit")
    services = []
    at = table_end
    for i in range(count):
        off = MANIFEST_HDR + MANIFEST_ENTRY * i
        guid = m[off:off + 16]
        data_off, data_len = struct.unpack_from("<II", m, off + 16)
        # Data blobs follow the table, concatenated in entry order.
        expect(data_off == at, f"entry {i}: offset {data_off}, want {at}")
        expect(data_off + data_len <= len(m), f"entry {i} runs past the end")
        services.append((guid, m[data_off:data_off + data_len]))
        at = data_off + data_len
    expect(at == len(m), f"{len(m) - at} bytes after the last blob")
    return services


def check_export_files():
    e = exported()
    for p in SETS:
        expect(len(e[p + "report.bin"]) == REPORT_SIZE,
               f"{p}report is {len(e[p + 'report.bin'])} bytes")
        expect(len(e[p + "nonce.bin"]) == 64, "the guest sent 64 bytes")
    snp_report.expect_vcek_p384(e)


def check_report_fields():
    for p in SETS:
        r = exported()[p + "report.bin"]
        snp_report.expect_vmpl0_report_fields(r)


def check_report_data_is_sha512_of_nonce_and_manifest():
    e = exported()
    for p in SETS:
        expect(report_data_ok(e[p + "report.bin"], e[p + "nonce.bin"],
                              e[p + "manifest.bin"]),
               f"{p}REPORT_DATA is not SHA-512(nonce || manifest)")


def check_report_data_binds_every_manifest_byte():
    e = exported()
    r, n, m = e["svc_report.bin"], e["svc_nonce.bin"], e["svc_manifest.bin"]
    for off in (0, 16, 20, MANIFEST_HDR, len(m) - 1):
        expect(not report_data_ok(r, n, flipped(m, off)),
               f"manifest byte {off} is not bound")
    expect(not report_data_ok(r, flipped(n, 63), m), "nonce is not bound")
    expect(not report_data_ok(r, n + b"\0", m), "nonce length is not bound")


def check_csvsm_manifest_is_empty_table():
    m = exported()["manifest.bin"]
    expect(len(m) == MANIFEST_HDR, f"csvsm's manifest is {len(m)} bytes")
    expect(parse_manifest(m) == [], "csvsm's manifest lists services")


def check_manifest_with_services():
    services = parse_manifest(exported()["svc_manifest.bin"])
    expect(services == [(SVC_A_GUID, SVC_A_DATA), (SVC_B_GUID, b"")],
           f"services {services}")


def check_openssl_verifies_reports():
    for p in SETS:
        expect(openssl_verify(exported()[p + "report.bin"]),
               f"openssl refused the {p}report's signature")


def check_openssl_refuses_flipped_report():
    r = exported()["report.bin"]
    for off in (OFF_VMPL, OFF_REPORT_DATA, OFF_REPORT_DATA + 63, 0x90,
                SIGNED_SIZE - 1):
        expect(not openssl_verify(flipped(r, off)),
               f"openssl accepted the report with byte 0x{off:x} flipped")
    for off in (SIG_R, SIG_S + 47):
        expect(not openssl_verify(flipped(r, off, 0x10)),
               f"openssl accepted a signature with byte 0x{off:x} flipped")


def check_reports_differ_only_where_expected():
    # Same launch, same key: the two reports differ in REPORT_DATA and the
    # signature, and nowhere else.
    a, b = exported()["report.bin"], exported()["svc_report.bin"]
    diff = [i for i in range(SIGNED_SIZE) if a[i] != b[i]]
    expect(diff and all(OFF_REPORT_DATA <= i < OFF_REPORT_DATA + 64
                        for i in diff),
           f"signed bytes differ outside REPORT_DATA: {diff[:8]}")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
