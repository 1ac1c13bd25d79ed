#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-checks `csvsm-igvm measure` against an independent implementation.

This file re-reads the IGVM file and recomputes the SEV-SNP launch digest
from the primary rules (the igvm_defs 0.4.0 format, the PAGE_INFO chain of
AMD 56860 Table 67, the directive mapping of QEMU backends/igvm.c) with Python's hashlib, sharing no
code with the C tools. It also checks the reference-values JSON and the
errors. With the firmware `make` builds into the file (Debian 13's OVMF.fd,
scripts/fetch_ovmf.sh), it checks where the firmware is: its bytes, with
the SHA256 the script pins, end at 4 GiB, under the SEV-SNP mask only; and, from OVMF's own SEV metadata
(edk2 OvmfPkg/ResetVector, the footer GUID table and its "ASEV" sections,
read here without the C parsers), that the file places nothing in the
sections the SVSM validates itself at boot (secrets, CPUID, calling area,
pre-validated memory). Functions named check_*; the last line is "N
passed, N failed".
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh_split

OUT = "out"
PAGE = 4096
VMSA_GPA = 0x0000FFFFFFFFF000
SNP_MASK_TYPE = 2  # platform_type SEV_SNP
NORMAL, VMSA, ZERO, UNMEASURED, SECRETS, CPUID = 1, 2, 3, 4, 5, 6


def headers(data):
    """Yields (type, body) of every variable header (igvm_defs 0.4.0, IGVM_FIXED_HEADER and the variable headers)."""
    magic, _ver, vh_off, vh_size = struct.unpack_from("<IIII", data, 0)
    assert magic == 0x4D564749
    pos = vh_off
    while pos < vh_off + vh_size:
        typ, length = struct.unpack_from("<II", data, pos)
        yield typ, data[pos + 8:pos + 8 + length]
        pos += 8 + ((length + 7) & ~7)


def page_info(ld, contents, page_type, gpa):
    """AMD 56860, Table 67 (PAGE_INFO): LD = SHA-384(PAGE_INFO), PAGE_INFO is 0x70 bytes."""
    info = ld + contents + struct.pack("<HBBBBBBQ", 0x70, page_type, 0,
                                       0, 0, 0, 0, gpa)
    assert len(info) == 0x70
    return hashlib.sha384(info).digest()


def snp_digest(data, vcpus=1, native_zero=False):
    """The launch digest of the file's SNP platform (QEMU loader semantics)."""
    mask = None
    for typ, body in headers(data):
        if typ == 0x001 and body[5] == SNP_MASK_TYPE:
            mask = struct.unpack_from("<I", body, 0)[0]
    assert mask is not None, "no SNP platform"
    ld = bytes(48)
    zero_hash = bytes(48)
    areas = {}
    vmsa = None
    for typ, body in headers(data):
        if typ == 0x301:  # PARAMETER_AREA
            size, index, _off = struct.unpack_from("<QII", body, 0)
            areas[index] = size
        elif typ == 0x302:  # PAGE_DATA
            gpa, m, off, flags, dtype = struct.unpack_from("<QIIIH", body, 0)
            if not m & mask:
                continue
            if dtype == 1:
                ld = page_info(ld, zero_hash, SECRETS, gpa)
            elif dtype in (2, 3):
                ld = page_info(ld, zero_hash, CPUID, gpa)
            elif flags & 2:
                ld = page_info(ld, zero_hash, UNMEASURED, gpa)
            elif off == 0 and native_zero:
                ld = page_info(ld, zero_hash, ZERO, gpa)
            else:
                page = data[off:off + PAGE] if off else bytes(PAGE)
                ld = page_info(ld, hashlib.sha384(page).digest(), NORMAL, gpa)
        elif typ == 0x303:  # PARAMETER_INSERT: every page UNMEASURED
            gpa, m, index = struct.unpack_from("<QII", body, 0)
            if m & mask:
                for p in range(0, areas[index], PAGE):
                    ld = page_info(ld, zero_hash, UNMEASURED, gpa + p)
        elif typ == 0x304:  # VP_CONTEXT
            _gpa, m, off = struct.unpack_from("<QII", body, 0)
            if m & mask:
                vmsa = data[off:off + PAGE]
    assert vmsa is not None, "no VMSA"
    for _ in range(vcpus):  # the VMSAs come last, one per vCPU
        ld = page_info(ld, hashlib.sha384(vmsa).digest(), VMSA, VMSA_GPA)
    return ld


def tool(*args):
    return sh_split([os.path.join(OUT, "tools", "csvsm-igvm"), *args])


def igvm_bytes():
    with open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb") as f:
        return f.read()


def check_digest_matches_independent_model():
    want = snp_digest(igvm_bytes()).hex()
    rc, out, err = tool("measure", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, err)
    expect(out.strip() == want, f"tool {out.strip()} model {want}")


def check_digest_for_four_vcpus_and_native_zero():
    data = igvm_bytes()
    rc, out, err = tool("measure", "--vcpus", "4", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0 and out.strip() == snp_digest(data, vcpus=4).hex(), out + err)
    rc, out, err = tool("measure", "--native-zero", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0 and out.strip() == snp_digest(data, native_zero=True).hex(),
           out + err)
    expect(snp_digest(data) != snp_digest(data, native_zero=True),
           "the zero-page switch changes nothing: no zero pages?")


def check_base64_output():
    rc, out, err = tool("measure", "--output-format", "base64",
                        os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, err)
    expect(base64.b64decode(out.strip()) == snp_digest(igvm_bytes()), out)


def check_reference_values_json():
    with tempfile.TemporaryDirectory() as d:
        igvm = os.path.join(d, "v.igvm")
        rc, _, err = tool("build", "--kernel", os.path.join(OUT, "svsm.elf"),
                          "--guest-svn", "9", "--family-id", "11" * 16,
                          "--image-id", "22" * 16, "--policy", "0x30000", "-o", igvm)
        expect(rc == 0, err)
        rc, out, err = tool("measure", "--json", "--vcpus", "2", igvm)
        expect(rc == 0, err)
        ref = json.loads(out)
        with open(igvm, "rb") as f:
            data = f.read()
    expect(ref["snp"]["launch_digest"] == snp_digest(data, vcpus=2).hex(), out)
    expect(ref["snp"]["vcpus"] == 2 and ref["snp"]["policy"] == "0x30000", out)
    expect(ref["tdx"] is None, out)
    expect(ref["guest_svn"] == 9 and ref["family_id"] == "11" * 16 and
           ref["image_id"] == "22" * 16 and ref["metadata_source"] == "boot_info",
           out)


def check_metadata_changes_the_digest():
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.igvm"), os.path.join(d, "b.igvm")
        for path, svn in ((a, "1"), (b, "2")):
            rc, _, err = tool("build", "--kernel", os.path.join(OUT, "svsm.elf"),
                              "--guest-svn", svn, "-o", path)
            expect(rc == 0, err)
        _, da, _ = tool("measure", a)
        _, db, _ = tool("measure", b)
    expect(da.strip() != db.strip(), "the SVN is not measured")


def check_errors_are_one_line():
    with tempfile.TemporaryDirectory() as d:
        junk = os.path.join(d, "junk.igvm")
        with open(junk, "wb") as f:
            f.write(b"IGVM" + bytes(60))
        native = os.path.join(d, "native.igvm")
        rc, _, err = tool("build", "--kernel", os.path.join(OUT, "svsm.elf"),
                          "--no-snp", "-o", native)
        expect(rc == 0, err)
        for args in (["measure", junk], ["measure", native],
                     ["measure", "/nonexistent.igvm"]):
            rc, out, err = tool(*args)
            expect(rc == 1 and out == "" and len(err.strip().splitlines()) == 1
                   and err.startswith("csvsm-igvm: "), f"{args}: {rc} {err}")
        rc, _, _ = tool("measure", "--vcpus", "0", junk)
        expect(rc == 2, "bad option accepted")


# The firmware `make` builds into out/svsm.igvm by default (mk/kernel.mk).
DEFAULT_FIRMWARE = ".deps/ovmf-trixie/OVMF.fd"
FOUR_GIB = 1 << 32
SVSM_BASE = 0x1000000  # the Makefile's SVSM_BASE
OVMF_FOOTER_GUID = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d")
SEV_METADATA_GUID = uuid.UUID("dc886566-984a-4798-a75e-5585a7bf67cc")
SEC_MEM, SECRETS_PAGE, CPUID_PAGE, CALLING_AREA = 1, 2, 3, 4


def built_firmware():
    """The firmware make built out/svsm.igvm with (out/svsm-firmware.txt)."""
    with open(os.path.join(ROOT, OUT, "svsm-firmware.txt")) as f:
        return f.read().strip()


def platform_masks(data):
    """{platform_type: compatibility_mask} of the file's platforms."""
    return {body[5]: struct.unpack_from("<I", body, 0)[0]
            for typ, body in headers(data) if typ == 0x001}


def page_data(data):
    """Every PAGE_DATA header as (gpa, mask, file_offset, flags, type)."""
    return [struct.unpack_from("<QIIIH", body, 0)
            for typ, body in headers(data) if typ == 0x302]


def ovmf_sev_sections(fw):
    """OVMF's SEV metadata sections as (gpa, size, type), read from the
    footer GUID table that ends 32 bytes before the image's end (each
    entry: data, a 16-bit length, a GUID, walked from the end)."""
    end = len(fw) - 32 - 18
    size = struct.unpack_from("<H", fw, end)[0]
    expect(uuid.UUID(bytes_le=fw[end + 2:end + 18]) == OVMF_FOOTER_GUID,
           "no OVMF footer table")
    table = fw[end - (size - 18):end]
    entries = {}
    while len(table) >= 18:
        n = struct.unpack_from("<H", table, len(table) - 18)[0]
        expect(18 <= n <= len(table), f"footer entry of {n} bytes")
        entries[uuid.UUID(bytes_le=table[-16:])] = table[-n:-18]
        table = table[:-n]
    expect(SEV_METADATA_GUID in entries, "no SEV metadata entry")
    meta = len(fw) - struct.unpack_from("<I", entries[SEV_METADATA_GUID])[0]
    sig, _len, version, count = struct.unpack_from("<4sIII", fw, meta)
    expect(sig == b"ASEV" and version == 1, f"metadata {sig} v{version}")
    return [struct.unpack_from("<III", fw, meta + 16 + 12 * i)
            for i in range(count)]


def check_firmware_ends_at_4gib_under_the_snp_mask_only():
    fw_path = built_firmware()
    expect(fw_path == DEFAULT_FIRMWARE,
           f"make built out/svsm.igvm with {fw_path!r}, not Debian's OVMF")
    with open(os.path.join(ROOT, fw_path), "rb") as f:
        fw = f.read()
    data = igvm_bytes()
    masks = platform_masks(data)
    snp, native = masks[SNP_MASK_TYPE], masks[0]
    base = FOUR_GIB - len(fw)
    seen = {}
    for gpa, m, off, _flags, dtype in page_data(data):
        if gpa >= base:
            expect(gpa < FOUR_GIB and gpa not in seen, f"page {gpa:#x}")
            expect(m == snp and not m & native,
                   f"firmware page {gpa:#x} under mask {m:#x}")
            expect(dtype == 0, f"firmware page {gpa:#x} of type {dtype}")
            seen[gpa] = data[off:off + PAGE] if off else bytes(PAGE)
    expect(len(seen) == len(fw) // PAGE,
           f"{len(seen)} firmware pages for a {len(fw)}-byte image")
    image = b"".join(seen[g] for g in sorted(seen))
    expect(image == fw, f"the pages below 4 GiB are not {fw_path}")
    with open(os.path.join(ROOT, "scripts", "fetch_ovmf.sh")) as f:
        pinned = [ln.split("=", 1)[1].strip() for ln in f
                  if ln.startswith("OVMF_FD_SHA256=")]
    expect([hashlib.sha256(image).hexdigest()] == pinned,
           f"the firmware in the file is not the OVMF.fd pinned {pinned}")


def check_ovmf_sections_are_left_to_the_svsm():
    with open(os.path.join(ROOT, built_firmware()), "rb") as f:
        sections = ovmf_sev_sections(f.read())
    types = sorted(t for _gpa, _size, t in sections)
    # Debian 13's ovmf 2025.02-8+deb13u1 (pinned in scripts/fetch_ovmf.sh):
    # three pre-validated ranges, and one page each for the secrets, the
    # CPUID table and the SVSM calling area (edk2's AmdSvsmLib builds).
    expect(types == [SEC_MEM, SEC_MEM, SEC_MEM, SECRETS_PAGE, CPUID_PAGE,
                     CALLING_AREA], f"section types {types}")
    pages = {t: (gpa, size) for gpa, size, t in sections if t != SEC_MEM}
    expect(pages == {SECRETS_PAGE: (0x80D000, PAGE),
                     CPUID_PAGE: (0x80E000, PAGE),
                     CALLING_AREA: (0x80F000, PAGE)}, f"pages {pages}")
    placed = [gpa for gpa, *_ in page_data(igvm_bytes())]
    for gpa, size, t in sections:
        expect(gpa + size <= SVSM_BASE,
               f"section {t} at {gpa:#x} reaches the SVSM region")
        inside = [g for g in placed if gpa <= g < gpa + size]
        expect(not inside, f"the file places page {inside[:1]} in OVMF's "
               f"section {t} at {gpa:#x}: the SVSM would see a replay")


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
